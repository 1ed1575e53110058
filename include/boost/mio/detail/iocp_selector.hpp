//
// boost/mio/detail/iocp_selector.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The Windows backend: an I/O completion port, with sockets polled through
// the AFD driver (detail/afd.hpp), as mio's src/sys/windows/selector.rs and
// wepoll do it. The contract is written in detail/selector.hpp.
//
// Each registered socket has one poll in flight at a time, asking the AFD
// driver for the events the user is interested in that were not reported
// since the last would_block; its completion is the event. Edge triggers
// are emulated as on poll(2): a reported interest is disarmed until an
// operation on the socket reports would_block (io_source::do_io calls
// iocp_source_state::on_would_block) or the socket is reregistered, and
// then the poll is started again. The sockets share AFD handles, up to 32
// to a handle (mio's poll groups), not one each.
//
// Deregistering a socket whose poll is in flight cancels the poll; the
// socket's state lives on until the cancelled poll's completion arrives,
// which is then discarded (the kernel writes into that state until then).
// Closing a registered socket ends its poll the same way (AFD reports
// LOCAL_CLOSE), and the registration is forgotten, as epoll forgets a
// closed descriptor.
//
// A socket registered without per-source state (asio_bridge::native_source:
// an Asio socket, whose I/O the library never sees) is level-triggered: no
// would_block could re-arm it, so its poll is restarted for the same
// interest after each completion, and it is kept in the core's table under
// its handle.

#ifndef BOOST_MIO_DETAIL_IOCP_SELECTOR_HPP
#define BOOST_MIO_DETAIL_IOCP_SELECTOR_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/afd.hpp>
#include <boost/mio/detail/socket_types.hpp>
#include <boost/mio/interest.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace boost {
namespace mio {
namespace detail {

// What select() reports for one source: its token and the AFD poll flags
// that were reported (mio's own Event struct on Windows: the completion
// entry itself is not the event).
struct iocp_event
{
    std::size_t token;
    std::uint32_t flags;
};

// mio's mapping of AFD flags (src/sys/windows/event.rs).
struct iocp_event_ops
{
    using native_type = iocp_event;

    static constexpr std::uint32_t readable_flags = afd::poll_receive | afd::poll_disconnect
        | afd::poll_accept | afd::poll_abort | afd::poll_connect_fail;
    static constexpr std::uint32_t writable_flags
        = afd::poll_send | afd::poll_abort | afd::poll_connect_fail;
    static constexpr std::uint32_t error_flags = afd::poll_connect_fail;
    static constexpr std::uint32_t read_closed_flags
        = afd::poll_disconnect | afd::poll_abort | afd::poll_connect_fail;
    static constexpr std::uint32_t write_closed_flags = afd::poll_abort | afd::poll_connect_fail;

    static std::size_t token(const native_type& e) noexcept { return e.token; }
    static bool is_readable(const native_type& e) noexcept
    {
        return (e.flags & (readable_flags | afd::poll_receive_expedited)) != 0;
    }
    static bool is_writable(const native_type& e) noexcept { return (e.flags & writable_flags) != 0; }
    static bool is_error(const native_type& e) noexcept { return (e.flags & error_flags) != 0; }
    static bool is_read_closed(const native_type& e) noexcept
    {
        return (e.flags & read_closed_flags) != 0;
    }
    static bool is_write_closed(const native_type& e) noexcept
    {
        return (e.flags & write_closed_flags) != 0;
    }
    static bool is_priority(const native_type& e) noexcept
    {
        return (e.flags & afd::poll_receive_expedited) != 0;
    }
};

// The completion port, the AFD handles and the registered sockets, shared
// by a selector, its clones, its waker and the registered sources.
struct iocp_core;

// One registered socket's poll state (iocp_selector.ipp).
struct iocp_sock;

// The per-source state: the socket's poll state while it is registered.
class iocp_source_state
{
public:
    static constexpr bool rearms = true;

    iocp_source_state() noexcept = default;
    iocp_source_state(iocp_source_state&& other) noexcept = default;
    iocp_source_state& operator=(iocp_source_state&& other) noexcept = default;

    BOOST_MIO_DECL void on_would_block(socket_handle s, interest direction) const noexcept;
    BOOST_MIO_DECL void on_close(socket_handle s) const noexcept;

private:
    friend class iocp_selector;
    mutable std::shared_ptr<iocp_sock> sock_;
};

class iocp_selector
{
public:
    using handle_type = socket_handle;
    using native_handle_type = void*; // the completion port's HANDLE
    using native_event = iocp_event;

    // Re-arming happens on would_block only, as on poll(2).
    static constexpr bool short_read_drains = false;

    // A completion port cannot be watched by another event loop.
    static constexpr bool has_pollable_handle = false;

    iocp_selector() noexcept = default;
    BOOST_MIO_DECL iocp_selector(iocp_selector&& other) noexcept;
    BOOST_MIO_DECL iocp_selector& operator=(iocp_selector&& other) noexcept;
    ~iocp_selector() { close(); }

    BOOST_MIO_DECL void open(boost::system::error_code& ec);
    BOOST_MIO_DECL iocp_selector try_clone(boost::system::error_code& ec) const;

    BOOST_MIO_DECL void register_(socket_handle s, std::size_t token, interest i,
        const iocp_source_state* state, boost::system::error_code& ec) const;
    BOOST_MIO_DECL void reregister(socket_handle s, std::size_t token, interest i,
        const iocp_source_state* state, boost::system::error_code& ec) const;
    BOOST_MIO_DECL void deregister(socket_handle s, const iocp_source_state* state,
        boost::system::error_code& ec) const;

    BOOST_MIO_DECL int select(iocp_event* buf, int capacity,
        std::optional<std::chrono::nanoseconds> timeout, boost::system::error_code& ec);

    BOOST_MIO_DECL void interrupt(boost::system::error_code& ec) const;

    // The completion port (a clone shares it: there is no handle to
    // duplicate a port into that would be another selector).
    BOOST_MIO_DECL native_handle_type native_handle() const noexcept;
    bool is_open() const noexcept { return core_ != nullptr; }
    BOOST_MIO_DECL void close() noexcept;

    const std::shared_ptr<iocp_core>& core() const noexcept { return core_; }

    // How many AFD handles this selector holds open now: what proves that
    // sockets share them (Wine's GetProcessHandleCount always says 0, so
    // the process cannot be asked).
    BOOST_MIO_DECL std::size_t afd_handle_count() const noexcept;

private:
    std::shared_ptr<iocp_core> core_;
};

// The waker posts a completion packet (PostQueuedCompletionStatus), at most
// one until a select() has taken it (selector_state's coalescing).
class iocp_waker
{
public:
    using native_handle_type = void*; // the completion port

    iocp_waker() noexcept = default;
    BOOST_MIO_DECL iocp_waker(iocp_waker&& other) noexcept;
    BOOST_MIO_DECL iocp_waker& operator=(iocp_waker&& other) noexcept;
    ~iocp_waker() { close(); }

    BOOST_MIO_DECL void open(const iocp_selector& sel, std::size_t token,
        boost::system::error_code& ec);
    BOOST_MIO_DECL void wake(boost::system::error_code& ec) const;
    BOOST_MIO_DECL void close() noexcept;

    BOOST_MIO_DECL native_handle_type native_handle() const noexcept;
    bool is_open() const noexcept { return core_ != nullptr; }

private:
    std::shared_ptr<iocp_core> core_;
};

} // namespace detail
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/detail/impl/iocp_selector.ipp>
#endif

#endif // BOOST_MIO_DETAIL_IOCP_SELECTOR_HPP
