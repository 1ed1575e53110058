//
// bench/common/count_alloc.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Replaces the global operator new: every allocation through it (every
// form, aligned or not, nothrow or not) is counted, then served by
// malloc. operator delete is replaced to match.

#include "count_alloc.hpp"

#include <atomic>
#include <cstdlib>
#include <new>
#if defined(_WIN32)
#  include <malloc.h>
#endif

namespace {
std::atomic<std::uint64_t> allocations{0};

void* counted(std::size_t n)
{
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n != 0 ? n : 1))
        return p;
    throw std::bad_alloc();
}

void* counted_aligned(std::size_t n, std::align_val_t a)
{
    allocations.fetch_add(1, std::memory_order_relaxed);
    const std::size_t al = static_cast<std::size_t>(a);
#if defined(_WIN32)
    // Windows' C runtime has no aligned_alloc: its aligned blocks come from
    // _aligned_malloc and go back through _aligned_free (below).
    if (void* p = ::_aligned_malloc(n != 0 ? n : 1, al))
        return p;
#else
    if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al))
        return p;
#endif
    throw std::bad_alloc();
}

void free_aligned(void* p) noexcept
{
#if defined(_WIN32)
    ::_aligned_free(p);
#else
    std::free(p);
#endif
}
} // namespace

std::uint64_t bench_alloc_count() noexcept
{
    return allocations.load(std::memory_order_relaxed);
}

void* operator new(std::size_t n) { return counted(n); }
void* operator new[](std::size_t n) { return counted(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept
{
    try { return counted(n); } catch (...) { return nullptr; }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept
{
    try { return counted(n); } catch (...) { return nullptr; }
}
void* operator new(std::size_t n, std::align_val_t a) { return counted_aligned(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_aligned(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { free_aligned(p); }
void operator delete[](void* p, std::align_val_t) noexcept { free_aligned(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { free_aligned(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { free_aligned(p); }
