//
// boost/mio/asio_bridge/detail/readiness.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The readiness an async_source remembers between events, as a bit set
// read through mio::event's public accessors only (so it works with any
// backend). Readable, writable and priority are edges: a completed wait
// consumes them. Read-closed, write-closed and error are states: once seen
// they stay, so every later wait that they concern completes at once.

#ifndef BOOST_MIO_ASIO_BRIDGE_DETAIL_READINESS_HPP
#define BOOST_MIO_ASIO_BRIDGE_DETAIL_READINESS_HPP

#include <boost/mio/event.hpp>
#include <boost/mio/interest.hpp>
#include <cstdint>

namespace boost {
namespace mio {
namespace asio_bridge {
namespace detail {

using readiness = std::uint8_t;

inline constexpr readiness ready_read = 1;
inline constexpr readiness ready_write = 2;
inline constexpr readiness ready_priority = 4;
inline constexpr readiness ready_read_closed = 8;
inline constexpr readiness ready_write_closed = 16;
inline constexpr readiness ready_error = 32;

// The bits a completed wait may clear; the others are sticky.
inline constexpr readiness ready_edges = ready_read | ready_write | ready_priority;

// Which side of a source an event concerns. An error concerns both.
inline constexpr readiness read_side = ready_read | ready_priority | ready_read_closed | ready_error;
inline constexpr readiness write_side = ready_write | ready_write_closed | ready_error;

inline readiness readiness_of(const mio::event& e) noexcept
{
    readiness r = 0;
    if (e.is_readable())
        r |= ready_read;
    if (e.is_writable())
        r |= ready_write;
    if (e.is_priority())
        r |= ready_priority;
    if (e.is_read_closed())
        r |= ready_read_closed;
    if (e.is_write_closed())
        r |= ready_write_closed;
    if (e.is_error())
        r |= ready_error;
    return r;
}

// The edge bits of an interest.
inline readiness edges_of(mio::interest i) noexcept
{
    readiness r = 0;
    if (i.is_readable())
        r |= ready_read;
    if (i.is_writable())
        r |= ready_write;
    if (i.is_priority())
        r |= ready_priority;
    return r;
}

// Every bit that completes a wait for `i`: its edges, the closed state of
// the direction it waits on (a read after read-closed returns eof at once,
// as tokio's Ready::from_interest also says), and error.
inline readiness wanted_by(mio::interest i) noexcept
{
    readiness r = edges_of(i) | ready_error;
    if (i.is_readable() || i.is_priority())
        r |= ready_read_closed;
    if (i.is_writable())
        r |= ready_write_closed;
    return r;
}

// True if `inner` is part of `outer`.
inline bool is_subset(mio::interest inner, mio::interest outer) noexcept
{
    return outer.add(inner) == outer;
}

} // namespace detail
} // namespace asio_bridge
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_ASIO_BRIDGE_DETAIL_READINESS_HPP
