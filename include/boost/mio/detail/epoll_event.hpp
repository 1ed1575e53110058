//
// boost/mio/detail/epoll_event.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// How the epoll backend reads readiness out of `epoll_event`. The mapping
// is mio's (src/sys/unix/selector/epoll.rs), kept identical so that code
// ported from Rust sees the same flags:
//  - readable includes EPOLLPRI: a socket with urgent data is also readable;
//  - read-closed is HUP, or IN together with RDHUP (peer shut down writing);
//  - write-closed is HUP, OUT together with ERR, or ERR alone (a pipe whose
//    reader went away reports only EPOLLERR on the write end).

#ifndef BOOST_MIO_DETAIL_EPOLL_EVENT_HPP
#define BOOST_MIO_DETAIL_EPOLL_EVENT_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/interest.hpp>
#include <cstddef>
#include <cstdint>
#include <sys/epoll.h>

namespace boost {
namespace mio {
namespace detail {

struct epoll_event_ops
{
    using native_type = ::epoll_event;

    static std::size_t token(const native_type& e) noexcept
    {
        return static_cast<std::size_t>(e.data.u64);
    }
    static bool is_readable(const native_type& e) noexcept
    {
        return (e.events & (EPOLLIN | EPOLLPRI)) != 0;
    }
    static bool is_writable(const native_type& e) noexcept
    {
        return (e.events & EPOLLOUT) != 0;
    }
    static bool is_error(const native_type& e) noexcept
    {
        return (e.events & EPOLLERR) != 0;
    }
    static bool is_read_closed(const native_type& e) noexcept
    {
        return (e.events & EPOLLHUP) != 0
            || ((e.events & EPOLLIN) != 0 && (e.events & EPOLLRDHUP) != 0);
    }
    static bool is_write_closed(const native_type& e) noexcept
    {
        return (e.events & EPOLLHUP) != 0
            || ((e.events & EPOLLOUT) != 0 && (e.events & EPOLLERR) != 0)
            || e.events == EPOLLERR;
    }
    static bool is_priority(const native_type& e) noexcept
    {
        return (e.events & EPOLLPRI) != 0;
    }

    // Every registration is edge-triggered; RDHUP lets read-closed be seen
    // without a read returning 0.
    static std::uint32_t to_native(interest i) noexcept
    {
        std::uint32_t kind = EPOLLET;
        if (i.is_readable())
            kind |= EPOLLIN | EPOLLRDHUP;
        if (i.is_writable())
            kind |= EPOLLOUT;
        if (i.is_priority())
            kind |= EPOLLPRI;
        return kind;
    }
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_EPOLL_EVENT_HPP
