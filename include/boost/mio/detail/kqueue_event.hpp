//
// boost/mio/detail/kqueue_event.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// How the kqueue backend reads readiness out of `struct kevent`. The
// mapping is mio's (src/sys/unix/selector/kqueue.rs), so that code ported
// from Rust sees the same flags. One difference from epoll is visible to
// users, as in mio: a source registered for both directions reports them
// as two events (one per filter), possibly in the same batch.
//  - readable is EVFILT_READ, and also EVFILT_USER: the waker's event,
//    which is readable on every other backend (an eventfd, a pipe);
//  - error is EV_ERROR, or EV_EOF with a non-zero fflags (the socket's
//    pending error, e.g. ECONNREFUSED, that the kernel reports with EOF);
//  - read-closed and write-closed are EV_EOF on the matching filter;
//  - priority is never reported: kqueue has no filter for it.

#ifndef BOOST_MIO_DETAIL_KQUEUE_EVENT_HPP
#define BOOST_MIO_DETAIL_KQUEUE_EVENT_HPP

#include <boost/mio/detail/config.hpp>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>

namespace boost {
namespace mio {
namespace detail {

// Pointer <-> integer in either direction (a template, so that only the
// branch for this platform's udata type is compiled).
template <class To, class From>
inline To udata_cast(From v) noexcept
{
    if constexpr (std::is_pointer<To>::value)
        return reinterpret_cast<To>(static_cast<std::uintptr_t>(v));
    else if constexpr (std::is_pointer<From>::value)
        return static_cast<To>(reinterpret_cast<std::uintptr_t>(v));
    else
        return static_cast<To>(v);
}

struct kevent_ops
{
    using native_type = struct ::kevent;

    // `udata` is a pointer on FreeBSD, macOS, OpenBSD and libkqueue, and
    // an intptr_t on NetBSD before 10: the token goes in either way.
    using udata_type = decltype(native_type::udata);

    static udata_type to_udata(std::size_t token) noexcept
    {
        return udata_cast<udata_type>(token);
    }
    static std::size_t token(const native_type& e) noexcept
    {
        return udata_cast<std::size_t>(e.udata);
    }
    static bool is_readable(const native_type& e) noexcept
    {
#if defined(EVFILT_USER)
        if (e.filter == EVFILT_USER)
            return true;
#endif
        return e.filter == EVFILT_READ;
    }
    static bool is_writable(const native_type& e) noexcept
    {
        return e.filter == EVFILT_WRITE;
    }
    static bool is_error(const native_type& e) noexcept
    {
        return (e.flags & EV_ERROR) != 0 || ((e.flags & EV_EOF) != 0 && e.fflags != 0);
    }
    static bool is_read_closed(const native_type& e) noexcept
    {
        return e.filter == EVFILT_READ && (e.flags & EV_EOF) != 0;
    }
    static bool is_write_closed(const native_type& e) noexcept
    {
        return e.filter == EVFILT_WRITE && (e.flags & EV_EOF) != 0;
    }
    static bool is_priority(const native_type&) noexcept { return false; }
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_KQUEUE_EVENT_HPP
