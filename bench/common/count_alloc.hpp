//
// bench/common/count_alloc.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// A counting global operator new (defined in count_alloc.cpp, linked only
// into the *_alloc programs). BENCH_COUNTED(category, expr) evaluates a
// library call and charges the heap allocations it made to a category.

#ifndef BENCH_COUNT_ALLOC_HPP
#define BENCH_COUNT_ALLOC_HPP

#include <cstdint>
#include <cstdio>

// Every global operator new / new[] since the program started.
std::uint64_t bench_alloc_count() noexcept;

struct bench_alloc_category
{
    const char* name;
    std::uint64_t calls = 0;
    std::uint64_t allocations = 0;
};

#if defined(BENCH_COUNT_ALLOC)
#  define BENCH_COUNTED(category, ...)                                  \
    [&]() -> decltype(auto) {                                           \
        struct bench_charge_                                            \
        {                                                               \
            bench_alloc_category& c;                                    \
            std::uint64_t before = bench_alloc_count();                 \
            ~bench_charge_()                                            \
            {                                                           \
                ++c.calls;                                              \
                c.allocations += bench_alloc_count() - before;          \
            }                                                           \
        } bench_charge_guard_{category};                                \
        return __VA_ARGS__;                                             \
    }()
#else
#  define BENCH_COUNTED(category, ...) (__VA_ARGS__)
#endif

#endif // BENCH_COUNT_ALLOC_HPP
