//
// boost/mio/detail/impl/epoll_selector.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_IMPL_EPOLL_SELECTOR_IPP
#define BOOST_MIO_DETAIL_IMPL_EPOLL_SELECTOR_IPP

#include <boost/mio/detail/epoll_selector.hpp>
#include <boost/mio/detail/epoll_event.hpp>
#include <boost/mio/detail/errno_error.hpp>
#include <boost/mio/error.hpp>
#include <atomic>
#include <climits>
#include <cstdint>
#include <ctime>
#include <fcntl.h>
#include <new>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace boost {
namespace mio {
namespace detail {
namespace epoll_detail {

// epoll_pwait2 (Linux 5.11, glibc 2.35) takes a timespec, so
// sub-millisecond timeouts are honoured. Older kernels say ENOSYS once;
// after that, and where the C library does not declare it (or
// BOOST_MIO_NO_LINUX_EXTENSIONS is defined), timeouts are rounded up to
// whole milliseconds for epoll_wait (rounding down would spin).
#if !defined(BOOST_MIO_NO_LINUX_EXTENSIONS) && defined(__GLIBC__) \
    && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#  define BOOST_MIO_HAS_EPOLL_PWAIT2 1
#endif

inline std::atomic<bool>& have_epoll_pwait2() noexcept
{
    static std::atomic<bool> have{true};
    return have;
}

inline int wait_ms(int epfd, ::epoll_event* buf, int max, std::chrono::nanoseconds t) noexcept
{
    using namespace std::chrono;
    const nanoseconds max_ms = milliseconds(INT_MAX);
    int ms = INT_MAX; // beyond ~24.8 days: wake up then (the caller waits again)
    if (t < max_ms)
        ms = static_cast<int>(ceil<milliseconds>(t).count());
    return ::epoll_wait(epfd, buf, max, ms);
}

inline int wait_timeout(int epfd, ::epoll_event* buf, int max, std::chrono::nanoseconds t) noexcept
{
    if (t.count() <= 0)
        return ::epoll_wait(epfd, buf, max, 0);
#if defined(BOOST_MIO_HAS_EPOLL_PWAIT2)
    if (have_epoll_pwait2().load(std::memory_order_relaxed))
    {
        ::timespec ts;
        ts.tv_sec = static_cast<std::time_t>(t.count() / 1000000000);
        ts.tv_nsec = static_cast<long>(t.count() % 1000000000);
        const int n = ::epoll_pwait2(epfd, buf, max, &ts, nullptr);
        if (n >= 0 || errno != ENOSYS)
            return n;
        have_epoll_pwait2().store(false, std::memory_order_relaxed);
    }
#endif
    return wait_ms(epfd, buf, max, t);
}

} // namespace epoll_detail

BOOST_MIO_DECL void epoll_selector::open(boost::system::error_code& ec)
{
    close();
    std::shared_ptr<selector_state> state;
    try
    {
        state = std::make_shared<selector_state>();
    }
    catch (const std::bad_alloc&)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
        return;
    }
    const int fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0)
        return set_errno(ec);
    fd_ = fd;
    state_ = std::move(state);
    ec.clear();
}

BOOST_MIO_DECL epoll_selector epoll_selector::try_clone(boost::system::error_code& ec) const
{
    epoll_selector clone;
    if (fd_ < 0)
    {
        set_errno(ec, EBADF);
        return clone;
    }
    const int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
    {
        set_errno(ec);
        return clone;
    }
    clone.fd_ = fd;
    clone.state_ = state_;
    ec.clear();
    return clone;
}

BOOST_MIO_DECL int epoll_selector::wait_for(::epoll_event* buf, int max,
    std::chrono::nanoseconds timeout) const noexcept
{
    return epoll_detail::wait_timeout(fd_, buf, max, timeout);
}

BOOST_MIO_DECL void epoll_selector::close() noexcept
{
    if (fd_ >= 0)
    {
        ::close(fd_);
        fd_ = -1;
    }
    state_.reset();
}

BOOST_MIO_DECL void eventfd_waker::open(const epoll_selector& sel, std::size_t token,
    boost::system::error_code& ec)
{
    close();
    selector_state* state = sel.state();
    if (!sel.is_open() || state == nullptr)
        return set_errno(ec, EBADF);
    if (state->has_waker.exchange(true, std::memory_order_acq_rel))
    {
        ec = make_error_code(mio::error::waker_already_exists);
        return;
    }
    const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0)
    {
        set_errno(ec);
        state->has_waker.store(false, std::memory_order_release);
        return;
    }
    sel.register_(fd, token, interest::readable, nullptr, ec);
    if (ec)
    {
        ::close(fd);
        state->has_waker.store(false, std::memory_order_release);
        return;
    }
    // A wake() of an earlier, now closed waker may have left the flag set.
    state->abandon_wake();
    fd_ = fd;
    state_ = sel.shared_state();
}

BOOST_MIO_DECL bool eventfd_waker::signal(boost::system::error_code& ec) const
{
    const std::uint64_t one = 1;
    for (;;)
    {
        if (::write(fd_, &one, sizeof one) == static_cast<ssize_t>(sizeof one))
            return true;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
        {
            set_errno(ec);
            return false;
        }
        // The counter is at its maximum (only after ~2^64 wakes without a
        // read): drain it and signal again, as mio does.
        std::uint64_t drained;
        if (::read(fd_, &drained, sizeof drained) < 0 && errno != EAGAIN)
        {
            set_errno(ec);
            return false;
        }
    }
}

BOOST_MIO_DECL void eventfd_waker::wake(boost::system::error_code& ec) const
{
    if (BOOST_UNLIKELY(fd_ < 0))
        return set_errno(ec, EBADF);
    ec.clear();
    if (!state_->begin_wake())
        return; // an earlier signal has not been consumed: it covers this one
    if (!signal(ec))
        state_->abandon_wake();
}

BOOST_MIO_DECL void eventfd_waker::close() noexcept
{
    if (fd_ >= 0)
    {
        ::close(fd_);
        fd_ = -1;
        state_->abandon_wake();
        state_->has_waker.store(false, std::memory_order_release);
    }
    state_.reset();
}

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IMPL_EPOLL_SELECTOR_IPP
