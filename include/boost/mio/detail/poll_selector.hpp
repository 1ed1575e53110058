//
// boost/mio/detail/poll_selector.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The portable backend: poll(2), for any POSIX system (forced elsewhere
// with BOOST_MIO_BACKEND_POLL). The contract is written in
// detail/selector.hpp; the design is mio's src/sys/unix/selector/poll.rs.
//
// poll(2) has no edge triggers, so they are emulated: an interest that was
// reported is disarmed until an operation on the source reports
// would_block (io_source::do_io calls poll_source_state::on_would_block)
// or the source is reregistered. A handle registered without a source
// state (posix::source_fd: the library never sees its I/O, so nothing
// could re-arm it) stays level-triggered.
//
// poll(2) takes the whole fd set on every call, so registrations change a
// table that select() hands to the kernel. A registration made while
// another thread is blocked in poll() interrupts it through a pipe, waits
// for the table's mutex, changes the table and lets the wait go on with
// the new set (mio does the same: a mutex, a notification fd and a count
// of waiting operations).

#ifndef BOOST_MIO_DETAIL_POLL_SELECTOR_HPP
#define BOOST_MIO_DETAIL_POLL_SELECTOR_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/interest.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <utility>
#include <poll.h>

namespace boost {
namespace mio {
namespace detail {

// What select() reports for one source: its token and the poll(2) revents
// (POLLIN, POLLOUT, POLLPRI, POLLERR, POLLHUP, POLLRDHUP where it exists).
struct poll_event
{
    std::size_t token;
    short revents;
};

struct poll_event_ops
{
    using native_type = poll_event;

    static std::size_t token(const native_type& e) noexcept { return e.token; }
    static bool is_readable(const native_type& e) noexcept
    {
        return (e.revents & (POLLIN | POLLPRI)) != 0;
    }
    static bool is_writable(const native_type& e) noexcept
    {
        return (e.revents & POLLOUT) != 0;
    }
    static bool is_error(const native_type& e) noexcept
    {
        return (e.revents & POLLERR) != 0;
    }
    static bool is_read_closed(const native_type& e) noexcept
    {
        // POLLRDHUP (Linux) says the peer shut down writing before a read
        // returns 0, as EPOLLRDHUP does; elsewhere only HUP tells.
        return (e.revents & POLLHUP) != 0
#if defined(POLLRDHUP)
            || ((e.revents & POLLIN) != 0 && (e.revents & POLLRDHUP) != 0)
#endif
            ;
    }
    static bool is_write_closed(const native_type& e) noexcept
    {
        return (e.revents & POLLHUP) != 0
            || ((e.revents & POLLOUT) != 0 && (e.revents & POLLERR) != 0)
            || e.revents == POLLERR;
    }
    static bool is_priority(const native_type& e) noexcept
    {
        return (e.revents & POLLPRI) != 0;
    }
};

// The table, the notification pipe and the waker state that a selector,
// its clones, its waker and the sources registered with it share.
struct poll_core;

// The per-source state: which selector re-arms this source when an
// operation on it reports would_block. Set by register_, cleared by
// deregister; the source deregisters itself when it closes its handle
// (poll(2) would otherwise poll a closed descriptor, or whichever file
// reuses its number).
class poll_source_state
{
public:
    static constexpr bool rearms = true;

    poll_source_state() noexcept = default;
    poll_source_state(poll_source_state&& other) noexcept = default;
    poll_source_state& operator=(poll_source_state&& other) noexcept = default;

    BOOST_MIO_DECL void on_would_block(int fd, interest direction) const noexcept;
    BOOST_MIO_DECL void on_close(int fd) const noexcept;

private:
    friend class poll_selector;
    mutable std::shared_ptr<poll_core> core_;
};

class poll_selector
{
public:
    using handle_type = int;
    using native_handle_type = int;
    using native_event = poll_event;

    // A reported interest is disarmed until an operation reports
    // would_block: a short read does not re-arm, so it does not end a drain.
    static constexpr bool short_read_drains = false;

    // There is no OS selector object to watch.
    static constexpr bool has_pollable_handle = false;

    poll_selector() noexcept = default;
    poll_selector(poll_selector&& other) noexcept
        : core_(std::move(other.core_)), handle_(std::exchange(other.handle_, -1)),
          owns_handle_(std::exchange(other.owns_handle_, false))
    {
    }
    poll_selector& operator=(poll_selector&& other) noexcept
    {
        if (this != &other)
        {
            close();
            core_ = std::move(other.core_);
            handle_ = std::exchange(other.handle_, -1);
            owns_handle_ = std::exchange(other.owns_handle_, false);
        }
        return *this;
    }
    ~poll_selector() { close(); }

    BOOST_MIO_DECL void open(boost::system::error_code& ec);
    BOOST_MIO_DECL poll_selector try_clone(boost::system::error_code& ec) const;

    BOOST_MIO_DECL void register_(int fd, std::size_t token, interest i,
        const poll_source_state* state, boost::system::error_code& ec) const;
    BOOST_MIO_DECL void reregister(int fd, std::size_t token, interest i,
        const poll_source_state* state, boost::system::error_code& ec) const;
    BOOST_MIO_DECL void deregister(int fd, const poll_source_state* state,
        boost::system::error_code& ec) const;

    BOOST_MIO_DECL int select(poll_event* buf, int capacity,
        std::optional<std::chrono::nanoseconds> timeout, boost::system::error_code& ec);

    BOOST_MIO_DECL void interrupt(boost::system::error_code& ec) const;

    // The read end of the notification pipe (a clone: a duplicate of it).
    // There is no selector object, and watching this handle tells nothing
    // about readiness.
    int native_handle() const noexcept { return handle_; }
    bool is_open() const noexcept { return core_ != nullptr; }
    BOOST_MIO_DECL void close() noexcept;

    const std::shared_ptr<poll_core>& core() const noexcept { return core_; }

private:
    std::shared_ptr<poll_core> core_;
    int handle_ = -1;
    bool owns_handle_ = false;
};

// The waker is part of the selector: wake() sets a flag and writes to the
// pipe that interrupts poll(2); select() turns the flag into an event.
class poll_waker
{
public:
    using native_handle_type = int;

    poll_waker() noexcept = default;
    poll_waker(poll_waker&& other) noexcept : core_(std::move(other.core_)) {}
    poll_waker& operator=(poll_waker&& other) noexcept
    {
        if (this != &other)
        {
            close();
            core_ = std::move(other.core_);
        }
        return *this;
    }
    ~poll_waker() { close(); }

    BOOST_MIO_DECL void open(const poll_selector& sel, std::size_t token,
        boost::system::error_code& ec);
    BOOST_MIO_DECL void wake(boost::system::error_code& ec) const;
    BOOST_MIO_DECL void close() noexcept;

    // The write end of the notification pipe.
    BOOST_MIO_DECL int native_handle() const noexcept;
    bool is_open() const noexcept { return core_ != nullptr; }

private:
    std::shared_ptr<poll_core> core_;
};

} // namespace detail
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/detail/impl/poll_selector.ipp>
#endif

#endif // BOOST_MIO_DETAIL_POLL_SELECTOR_HPP
