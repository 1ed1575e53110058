//
// boost/mio/poll.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_POLL_HPP
#define BOOST_MIO_POLL_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/selector.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/events.hpp>
#include <boost/mio/registry.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <optional>

namespace boost {
namespace mio {

/// Owns the OS selector (an epoll instance on Linux) and waits on it.
///
/// Sources are registered through registry(); wait() blocks until one of
/// them is ready. One thread at a time may call wait(); registering from
/// other threads meanwhile is fine (use registry().try_clone()).
///
/// Move-only. The default constructor opens the selector (CLOEXEC); a
/// moved-from poll is closed, and wait() on it reports `EBADF`.
///
/// @par Thread safety
/// wait() from one thread at a time; registry() and native_handle() from
/// any thread (the registry is thread-safe).
///
/// @par Example
/// @code
/// boost::mio::poll poll;
/// boost::mio::events evs(64);
/// poll.registry().register_(src, boost::mio::token(0), boost::mio::interest::readable);
/// for (;;) {
///     poll.wait(evs);
///     for (const auto& e : evs) { ... read until would_block ... }
/// }
/// @endcode
class poll
{
public:
    /// The selector's OS handle type (`int` on POSIX).
    using native_handle_type = detail::selector::native_handle_type;

    /// True when this platform's selector makes a short read a complete
    /// drain (true on epoll).
    ///
    /// The edge-triggered rule is "read until would_block" (registry's
    /// documentation): that is the portable rule, and this constant names
    /// a relaxation of it, not a second rule. Where this is true, a read from a stream (tcp_stream, unix_stream, a pipe) that
    /// returns fewer bytes than its buffers hold has emptied the source,
    /// and whatever arrives next raises a new event, so the reader may stop
    /// there and save the read that would only report would_block (one
    /// syscall in three in a request/response loop). The exceptions, where
    /// the rule does not hold and the reader must still go on to
    /// would_block or eof:
    ///  - the event being handled reported is_read_closed() or is_error():
    ///    the end of stream or the error is already there and raises no
    ///    new edge;
    ///  - datagram sockets (a read is one datagram, however short);
    ///  - TCP urgent data and Unix-socket credentials (SO_PASSCRED) end a
    ///    read early.
    /// It is false where the selector re-arms a source only when an
    /// operation reports would_block (a poll(2) backend): stopping at a
    /// short read there would wait forever. Code written to this constant
    /// is correct on every backend.
    static constexpr bool short_read_drains = detail::selector::short_read_drains;

    /// Opens the selector (an epoll instance, CLOEXEC).
    /// @throws boost::system::system_error on failure (e.g. `EMFILE`).
    BOOST_MIO_DECL poll(const boost::source_location& loc = BOOST_CURRENT_LOCATION);

    /// Opens the selector; on failure sets `ec` and the poll is closed.
    BOOST_MIO_DECL explicit poll(boost::system::error_code& ec);

    /// Takes over the selector; the source is left closed.
    poll(poll&&) noexcept = default;
    /// Closes this poll's selector and takes over the other's.
    poll& operator=(poll&&) noexcept = default;

    /// The registry of this poll: register sources through it.
    /// @{
    mio::registry& registry() noexcept { return registry_; }
    const mio::registry& registry() const noexcept { return registry_; }
    /// @}

    /// Clears `evs`, then blocks until at least one event arrives, or a
    /// signal interrupts the wait. Events that do not fit stay queued for
    /// the next wait. @throws boost::system::system_error on failure,
    /// including `errc::interrupted` when a signal ends the wait.
    BOOST_FORCEINLINE void wait(events& evs, const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        wait(evs, std::nullopt, loc);
    }

    /// As wait(evs), returning after `timeout` with no events at the
    /// latest. `nullopt` means no timeout; zero (or negative) returns at
    /// once. Sub-millisecond timeouts are honoured where the kernel has
    /// epoll_pwait2 (Linux 5.11) and rounded up to 1 ms otherwise.
    BOOST_FORCEINLINE void wait(events& evs, std::optional<std::chrono::nanoseconds> timeout,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        wait(evs, timeout, ec);
        detail::throw_error(ec, "wait", loc);
    }

    /// As wait(evs); sets `ec` instead of throwing (`errc::interrupted`
    /// for a signal, `EBADF` if closed, `EINVAL` for a zero-capacity buffer).
    BOOST_FORCEINLINE void wait(events& evs, boost::system::error_code& ec) { wait(evs, std::nullopt, ec); }

    /// As wait(evs, timeout); sets `ec` instead of throwing.
    ///
    /// @par Errors
    /// `errc::interrupted` (a signal), `EBADF` (closed), `EINVAL` (an
    /// `evs` of capacity 0); `ec` is cleared when the wait returns events
    /// or times out.
    ///
    /// @par Complexity
    /// One system call; no allocation, no lock (epoll, kqueue).
    BOOST_FORCEINLINE void wait(events& evs, std::optional<std::chrono::nanoseconds> timeout,
        boost::system::error_code& ec)
    {
        evs.set_size(static_cast<std::size_t>(registry_.selector_.select(
            evs.native_buffer(), evs.native_capacity(), timeout, ec)));
    }

    /// The OS selector handle (see registry::native_handle).
    native_handle_type native_handle() const noexcept { return registry_.native_handle(); }

    /// Whether the selector is open (false after a move or a failed ec constructor).
    bool is_open() const noexcept { return registry_.is_open(); }

private:
    mio::registry registry_;
};

} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/impl/poll.ipp>
#endif

#endif // BOOST_MIO_POLL_HPP
