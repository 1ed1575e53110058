//
// boost/mio/detail/epoll_selector.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The Linux backend: epoll for readiness, eventfd for the waker.
// The contract is written in detail/selector.hpp.

#ifndef BOOST_MIO_DETAIL_EPOLL_SELECTOR_HPP
#define BOOST_MIO_DETAIL_EPOLL_SELECTOR_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/epoll_event.hpp>
#include <boost/mio/detail/errno_error.hpp>
#include <boost/mio/detail/selector_state.hpp>
#include <boost/mio/detail/source_state.hpp>
#include <boost/mio/interest.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <sys/epoll.h>

namespace boost {
namespace mio {
namespace detail {

class epoll_selector
{
public:
    using handle_type = int;
    using native_handle_type = int;
    using native_event = ::epoll_event;

    // Every arrival of data on a socket or pipe runs the kernel's wake-up
    // callback, which queues a new edge for the epoll instance; a short
    // read emptied the queue, so whatever comes next arrives as an edge.
    static constexpr bool short_read_drains = true;

    // An epoll fd is itself pollable: readable while it has events queued.
    static constexpr bool has_pollable_handle = true;

    epoll_selector() noexcept = default;
    epoll_selector(epoll_selector&& other) noexcept
        : fd_(other.fd_), state_(std::move(other.state_))
    {
        other.fd_ = -1;
    }
    epoll_selector& operator=(epoll_selector&& other) noexcept
    {
        if (this != &other)
        {
            close();
            fd_ = other.fd_;
            state_ = std::move(other.state_);
            other.fd_ = -1;
        }
        return *this;
    }
    ~epoll_selector() { close(); }

    BOOST_MIO_DECL void open(boost::system::error_code& ec);
    BOOST_MIO_DECL epoll_selector try_clone(boost::system::error_code& ec) const;

    // Inline, as select() is: a registration is one epoll_ctl, and the
    // call, the interest conversion and the error_code handling were ~40
    // instructions around it out of line (bench/README.md, churn).
    // The source state is empty: the kernel keeps the edges.
    void register_(int fd, std::size_t token, interest i, const stateless_source_state*,
        boost::system::error_code& ec) const
    {
        ctl(EPOLL_CTL_ADD, fd, token, i, ec);
    }

    void reregister(int fd, std::size_t token, interest i, const stateless_source_state*,
        boost::system::error_code& ec) const
    {
        ctl(EPOLL_CTL_MOD, fd, token, i, ec);
    }

    void deregister(int fd, const stateless_source_state*, boost::system::error_code& ec) const
    {
        // A non-null event pointer for kernels before 2.6.9.
        ::epoll_event ev{};
        if (BOOST_UNLIKELY(::epoll_ctl(fd_, EPOLL_CTL_DEL, fd, &ev) < 0))
            return set_errno(ec);
        ec.clear();
    }

    // Inline: this is the hot path of every event loop. What is not needed
    // on every call (timeouts, errors) is out of line.
    BOOST_FORCEINLINE int select(::epoll_event* buf, int capacity, std::optional<std::chrono::nanoseconds> timeout,
        boost::system::error_code& ec)
    {
        // No checks up front: a closed selector (fd -1) makes the kernel
        // report EBADF, and a zero-capacity buffer EINVAL. Returning before
        // consume_wake() on failure is safe: a wake-up flag left set only
        // means that a signal is still queued for the next wait.
        const int n = timeout ? wait_for(buf, capacity, *timeout)
                              : ::epoll_wait(fd_, buf, capacity, -1);
        if (BOOST_UNLIKELY(n < 0))
        {
            set_errno(ec);
            return 0;
        }
        state_->consume_wake();
        ec.clear();
        return n;
    }

    int native_handle() const noexcept { return fd_; }
    bool is_open() const noexcept { return fd_ >= 0; }
    BOOST_MIO_DECL void close() noexcept;

    selector_state* state() const noexcept { return state_.get(); }
    const std::shared_ptr<selector_state>& shared_state() const noexcept { return state_; }

private:
    BOOST_MIO_DECL int wait_for(::epoll_event* buf, int max,
        std::chrono::nanoseconds timeout) const noexcept;

    void ctl(int op, int fd, std::size_t token, interest i, boost::system::error_code& ec) const
    {
        ::epoll_event ev{}; // no uninitialised padding reaches the kernel on any ABI
        ev.events = epoll_event_ops::to_native(i);
        ev.data.u64 = static_cast<std::uint64_t>(token);
        if (BOOST_UNLIKELY(::epoll_ctl(fd_, op, fd, &ev) < 0))
            return set_errno(ec);
        ec.clear();
    }

    int fd_ = -1;
    std::shared_ptr<selector_state> state_;
};

// The waker: an eventfd registered edge-triggered for reading. It is never
// read: every write(2) to an eventfd wakes epoll again, so edge-triggered
// registration reports each signal (mio does the same).
class eventfd_waker
{
public:
    using native_handle_type = int;

    eventfd_waker() noexcept = default;
    eventfd_waker(eventfd_waker&& other) noexcept
        : fd_(other.fd_), state_(std::move(other.state_))
    {
        other.fd_ = -1;
    }
    eventfd_waker& operator=(eventfd_waker&& other) noexcept
    {
        if (this != &other)
        {
            close();
            fd_ = other.fd_;
            state_ = std::move(other.state_);
            other.fd_ = -1;
        }
        return *this;
    }
    ~eventfd_waker() { close(); }

    BOOST_MIO_DECL void open(const epoll_selector& sel, std::size_t token,
        boost::system::error_code& ec);
    BOOST_MIO_DECL void wake(boost::system::error_code& ec) const;
    BOOST_MIO_DECL void close() noexcept;

    int native_handle() const noexcept { return fd_; }
    bool is_open() const noexcept { return fd_ >= 0; }

private:
    BOOST_MIO_DECL bool signal(boost::system::error_code& ec) const;

    int fd_ = -1;
    std::shared_ptr<selector_state> state_;
};

} // namespace detail
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/detail/impl/epoll_selector.ipp>
#endif

#endif // BOOST_MIO_DETAIL_EPOLL_SELECTOR_HPP
