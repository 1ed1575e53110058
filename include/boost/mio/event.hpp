//
// boost/mio/event.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_EVENT_HPP
#define BOOST_MIO_EVENT_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/selector.hpp>
#include <boost/mio/token.hpp>
#include <iosfwd>
#include <type_traits>

namespace boost {
namespace mio {

/// One readiness event, as the OS reported it.
///
/// An event is the native struct of the backend (`epoll_event` on epoll,
/// `struct kevent` on kqueue, detail::poll_event on poll(2)) behind accessors:
/// it has no other state, so an array of events is exactly the buffer the
/// kernel fills. Readiness is a hint, not a promise: after a readable event
/// the source must be read until it reports would_block, and an operation
/// may still report would_block right after an event (spurious wake-ups are
/// allowed, lost ones are not).
///
/// `is_read_closed` / `is_write_closed` tell that a direction was shut down
/// (peer closed, shutdown(), pipe end closed); `is_error` that the source has
/// a pending error (read it with take_error()). `is_priority` is out-of-band
/// data (Linux).
///
/// @par Thread safety
/// A value type: distinct objects, distinct threads; a const event may be
/// read from several threads.
class event
{
public:
    /// The backend's native event: `epoll_event` (epoll), `struct kevent`
    /// (kqueue), a pollfd-based struct (poll(2)).
    using native_type = detail::native_event_ops::native_type;

    /// An event with token 0 and no readiness.
    event() noexcept : native_() {}

    /// The token the source was registered with. Complexity: constant.
    mio::token token() const noexcept { return mio::token(ops::token(native_)); }

    /// The source became readable: read (or accept) until would_block.
    bool is_readable() const noexcept { return ops::is_readable(native_); }
    /// The source became writable (for a connecting stream: the connect
    /// finished, successfully or not; see take_error()).
    bool is_writable() const noexcept { return ops::is_writable(native_); }
    /// The source has a pending error (for a socket, take_error() reads it).
    bool is_error() const noexcept { return ops::is_error(native_); }
    /// The peer will send nothing more: reads return eof once the queued
    /// data is consumed. A pipe whose writer closed reports it too.
    bool is_read_closed() const noexcept { return ops::is_read_closed(native_); }
    /// Writes will fail (the peer closed or reset, or shutdown(send)).
    bool is_write_closed() const noexcept { return ops::is_write_closed(native_); }
    /// Priority data (TCP urgent data; Linux and Android).
    bool is_priority() const noexcept { return ops::is_priority(native_); }

    /// The wrapped OS struct.
    const native_type& native() const noexcept { return native_; }

    /// Internal: views an OS struct in place as an event (no copy), for the
    /// backends and the tests; not part of the stable API. `e` must outlive
    /// the returned reference.
    static const event& from_native(const native_type& e) noexcept
    {
        return *reinterpret_cast<const event*>(&e);
    }

private:
    using ops = detail::native_event_ops;
    native_type native_;
};

static_assert(sizeof(event) == sizeof(event::native_type),
    "boost::mio::event must add no state to the native event");
static_assert(alignof(event) == alignof(event::native_type),
    "boost::mio::event must be laid out as the native event");
static_assert(std::is_standard_layout<event>::value,
    "boost::mio::event must be pointer-interconvertible with the native event");

/// Writes e.g. "event{token=3, READABLE | READ_CLOSED}"; no readiness prints
/// as "event{token=0, NONE}".
BOOST_MIO_DECL std::ostream& operator<<(std::ostream& os, const event& e);

} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/impl/event.ipp>
#endif

#endif // BOOST_MIO_EVENT_HPP
