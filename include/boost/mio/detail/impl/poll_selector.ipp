//
// boost/mio/detail/impl/poll_selector.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_IMPL_POLL_SELECTOR_IPP
#define BOOST_MIO_DETAIL_IMPL_POLL_SELECTOR_IPP

#include <boost/mio/detail/poll_selector.hpp>
#include <boost/mio/detail/errno_error.hpp>
#include <boost/mio/detail/posix_ops.hpp>
#include <boost/mio/detail/selector_state.hpp>
#include <boost/mio/error.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <ctime>
#include <fcntl.h>
#include <mutex>
#include <new>
#include <poll.h>
#include <unistd.h>
#include <vector>

namespace boost {
namespace mio {
namespace detail {

struct poll_core : selector_state
{
    struct entry
    {
        int fd;
        std::size_t token;
        short interest; // the registered poll(2) events
        bool edge;      // disarm what was reported (false: level-triggered)
    };

    poll_core() = default;
    poll_core(const poll_core&) = delete;
    poll_core& operator=(const poll_core&) = delete;
    ~poll_core()
    {
        posix_ops::close(notify_read);
        posix_ops::close(notify_write);
    }

    // Makes a poll() in progress (or the next one) return.
    void notify() const noexcept
    {
        // EAGAIN: the pipe is full, so a notification is pending anyway.
        const char byte = 0;
        while (::write(notify_write, &byte, 1) < 0 && errno == EINTR)
        {
        }
    }

    void drain_notify() const noexcept
    {
        char buf[64];
        while (::read(notify_read, buf, sizeof buf) > 0)
        {
        }
    }

    // Position of `fd` in fds (0: not registered; fds[0] is the pipe).
    std::size_t find(int fd) const noexcept
    {
        return fd >= 0 && static_cast<std::size_t>(fd) < position.size()
            ? position[static_cast<std::size_t>(fd)]
            : 0;
    }

    // Runs `change` on the table. select() holds the mutex while it is in
    // poll(2), so a registration that cannot take it at once interrupts
    // that poll, and select() waits until no registration is waiting
    // before it polls again.
    template <class Change>
    void modify(Change&& change)
    {
        std::unique_lock<std::mutex> lock(mutex, std::try_to_lock);
        if (lock.owns_lock())
        {
            change();
            return;
        }
        waiting_operations.fetch_add(1, std::memory_order_acq_rel);
        notify();
        lock.lock();
        waiting_operations.fetch_sub(1, std::memory_order_acq_rel);
        change();
        lock.unlock();
        operations_done.notify_all();
    }

    // Fills `buf` from the revents of the last poll(2). An edge-triggered
    // entry loses the interests just reported until do_io re-arms them.
    // With nothing armed it is still polled, since poll(2) reports HUP and
    // ERR whatever was asked for: that is the edge epoll reports when a
    // peer goes away. Once HUP or ERR was reported its fd is negated, so
    // that poll(2) ignores it instead of reporting the same hang-up on
    // every call.
    int collect(poll_event* buf, int capacity) noexcept
    {
        int out = 0;
        for (std::size_t i = 1; i < fds.size() && out < capacity; ++i)
        {
            ::pollfd& p = fds[i];
            if (p.revents == 0)
                continue;
            const entry& e = entries[i];
            if ((p.revents & POLLNVAL) != 0)
            {
                // Closed without deregister (posix::source_fd): epoll would
                // have forgotten it, so forget it too and report nothing.
                // The last entry moves here; look at it next.
                remove_at(i--);
                continue;
            }
            short revents = p.revents;
#if defined(POLLRDHUP)
            // Reported alone when POLLIN was disarmed: a read returns 0 now,
            // so the source is readable, as epoll says (EPOLLIN|EPOLLRDHUP).
            if ((revents & POLLRDHUP) != 0 && (e.interest & POLLIN) != 0)
                revents |= POLLIN;
#endif
            buf[out++] = poll_event{e.token, revents};
            if (e.edge)
            {
                p.events = static_cast<short>(p.events & ~revents);
                if ((revents & (POLLHUP | POLLERR)) != 0)
                    p.fd = -1 - e.fd;
            }
        }
        return out;
    }

    void add(int fd, std::size_t token, short events, bool edge)
    {
        const std::size_t slot = static_cast<std::size_t>(fd);
        if (slot >= position.size())
            position.resize(std::max(slot + 1, position.size() * 2), 0);
        position[slot] = fds.size();
        fds.push_back(::pollfd{fd, events, 0});
        entries.push_back(entry{fd, token, events, edge});
    }

    // Swap-remove: O(1), and the order of fds carries no meaning.
    void remove_at(std::size_t i) noexcept
    {
        const std::size_t last = fds.size() - 1;
        position[static_cast<std::size_t>(entries[i].fd)] = 0;
        if (i != last)
        {
            fds[i] = fds[last];
            entries[i] = entries[last];
            position[static_cast<std::size_t>(entries[i].fd)] = i;
        }
        fds.pop_back();
        entries.pop_back();
    }

    // Arms again the registered interests among `events` (all of them by
    // default).
    void arm(std::size_t i, short events = -1) noexcept
    {
        fds[i].fd = entries[i].fd;
        fds[i].events = static_cast<short>(fds[i].events | (entries[i].interest & events));
    }

    int notify_read = -1;
    int notify_write = -1;
    std::mutex mutex;
    std::condition_variable operations_done;
    std::atomic<std::size_t> waiting_operations{0};
    std::atomic<bool> interrupt_requested{false};
    std::atomic<std::size_t> waker_token{0};
    std::vector<::pollfd> fds;      // [0] is the notification pipe
    std::vector<entry> entries;     // parallel to fds
    std::vector<std::size_t> position; // fd -> index in fds, 0 if none
};

namespace poll_detail {

inline short to_poll(interest i) noexcept
{
    short events = 0;
    if (i.is_readable())
    {
        events |= POLLIN;
#if defined(POLLRDHUP)
        events |= POLLRDHUP; // read-closed without a read returning 0, as on epoll
#endif
    }
    if (i.is_writable())
        events |= POLLOUT;
    if (i.is_priority())
        events |= POLLPRI;
    return events;
}

// epoll reports EBADF at registration; poll(2) would only say POLLNVAL
// later, so the handle is checked up front.
inline bool valid_fd(int fd, boost::system::error_code& ec) noexcept
{
    if (fd < 0 || ::fcntl(fd, F_GETFD) < 0)
    {
        set_errno(ec, EBADF);
        return false;
    }
    return true;
}

// One poll(2) with the time left. Sub-millisecond timeouts are honoured
// with ppoll's timespec where it exists, and rounded up otherwise
// (rounding down would spin).
inline int poll_for(::pollfd* fds, std::size_t n,
    std::optional<std::chrono::nanoseconds> timeout) noexcept
{
    using namespace std::chrono;
    const ::nfds_t count = static_cast<::nfds_t>(n);
    if (!timeout)
        return ::poll(fds, count, -1);
    const nanoseconds t = std::max(*timeout, nanoseconds::zero());
#if (defined(__linux__) && !defined(BOOST_MIO_NO_LINUX_EXTENSIONS)) || defined(__FreeBSD__) \
    || defined(__NetBSD__) || defined(__OpenBSD__) || defined(__DragonFly__)
    ::timespec ts;
    ts.tv_sec = static_cast<std::time_t>(t.count() / 1000000000);
    ts.tv_nsec = static_cast<long>(t.count() % 1000000000);
    return ::ppoll(fds, count, &ts, nullptr);
#else
    int ms = INT_MAX; // beyond ~24.8 days: wake up then (the caller waits again)
    if (t < milliseconds(INT_MAX))
        ms = static_cast<int>(ceil<milliseconds>(t).count());
    return ::poll(fds, count, ms);
#endif
}

} // namespace poll_detail

BOOST_MIO_DECL void poll_source_state::on_would_block(int fd, interest direction) const noexcept
{
    if (!core_)
        return;
    poll_core& c = *core_;
    const short events = poll_detail::to_poll(direction);
    c.modify([&] {
        const std::size_t i = c.find(fd);
        if (i != 0 && c.entries[i].edge)
            c.arm(i, events);
    });
}

BOOST_MIO_DECL void poll_source_state::on_close(int fd) const noexcept
{
    if (!core_)
        return;
    poll_core& c = *core_;
    c.modify([&] {
        if (const std::size_t i = c.find(fd))
            c.remove_at(i);
    });
    core_.reset();
}

BOOST_MIO_DECL void poll_selector::open(boost::system::error_code& ec)
{
    close();
    std::shared_ptr<poll_core> core;
    try
    {
        core = std::make_shared<poll_core>();
        core->fds.reserve(64);
        core->entries.reserve(64);
    }
    catch (const std::bad_alloc&)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
        return;
    }
    int fds[2];
    posix_ops::make_pipe(fds, ec);
    if (ec)
        return;
    core->notify_read = fds[0];
    core->notify_write = fds[1];
    core->fds.push_back(::pollfd{fds[0], POLLIN, 0});
    core->entries.push_back(poll_core::entry{fds[0], 0, POLLIN, false});
    core_ = std::move(core);
    handle_ = fds[0];
    owns_handle_ = false;
}

BOOST_MIO_DECL poll_selector poll_selector::try_clone(boost::system::error_code& ec) const
{
    // A clone shares the table. Its handle is a duplicate of the pipe's
    // read end, so that, as on every backend, a clone is a new handle to
    // the same selector.
    poll_selector clone;
    if (!core_)
    {
        set_errno(ec, EBADF);
        return clone;
    }
    const int fd = ::fcntl(core_->notify_read, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
    {
        set_errno(ec);
        return clone;
    }
    clone.core_ = core_;
    clone.handle_ = fd;
    clone.owns_handle_ = true;
    ec.clear();
    return clone;
}

BOOST_MIO_DECL void poll_selector::register_(int fd, std::size_t token, interest i,
    const poll_source_state* state, boost::system::error_code& ec) const
{
    ec.clear();
    if (!core_)
        return set_errno(ec, EBADF);
    if (!poll_detail::valid_fd(fd, ec))
        return;
    poll_core& c = *core_;
    if (fd == c.notify_read)
        return set_errno(ec, EINVAL); // the poll in itself, as epoll refuses it
    try
    {
        c.modify([&] {
            if (c.find(fd) != 0)
                return set_errno(ec, EEXIST);
            c.add(fd, token, poll_detail::to_poll(i), state != nullptr);
        });
    }
    catch (const std::bad_alloc&)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
    }
    if (!ec && state != nullptr)
        state->core_ = core_;
}

BOOST_MIO_DECL void poll_selector::reregister(int fd, std::size_t token, interest i,
    const poll_source_state* state, boost::system::error_code& ec) const
{
    ec.clear();
    if (!core_)
        return set_errno(ec, EBADF);
    if (!poll_detail::valid_fd(fd, ec))
        return;
    poll_core& c = *core_;
    c.modify([&] {
        const std::size_t at = c.find(fd);
        if (at == 0)
            return set_errno(ec, ENOENT);
        poll_core::entry& e = c.entries[at];
        e.token = token;
        e.interest = poll_detail::to_poll(i);
        e.edge = state != nullptr;
        c.fds[at].events = 0;
        c.arm(at); // reregistering re-arms, as a new registration would
    });
    if (!ec && state != nullptr)
        state->core_ = core_;
}

BOOST_MIO_DECL void poll_selector::deregister(int fd, const poll_source_state* state,
    boost::system::error_code& ec) const
{
    ec.clear();
    if (!core_)
        return set_errno(ec, EBADF);
    // A handle closed while registered reports EBADF, and is forgotten, as
    // the kernel forgets it on epoll.
    const bool valid = poll_detail::valid_fd(fd, ec);
    poll_core& c = *core_;
    c.modify([&] {
        const std::size_t at = c.find(fd);
        if (at != 0)
            c.remove_at(at);
        else if (valid)
            set_errno(ec, ENOENT);
    });
    if (!ec && state != nullptr)
        state->core_.reset();
}

BOOST_MIO_DECL int poll_selector::select(poll_event* buf, int capacity,
    std::optional<std::chrono::nanoseconds> timeout, boost::system::error_code& ec)
{
    using clock = std::chrono::steady_clock;
    if (!core_)
    {
        set_errno(ec, EBADF);
        return 0;
    }
    if (capacity <= 0)
    {
        set_errno(ec, EINVAL);
        return 0;
    }
    poll_core& c = *core_;
    // A deadline only matters when a registration interrupts the wait and
    // it must go on for the time left. Negative is zero, and ten years
    // stand for "huge", so that now() + timeout cannot overflow.
    const std::chrono::nanoseconds longest = std::chrono::hours(24 * 365 * 10);
    if (timeout)
        timeout = std::clamp(*timeout, std::chrono::nanoseconds::zero(), longest);
    const clock::time_point deadline = timeout ? clock::now() + *timeout : clock::time_point();

    std::unique_lock<std::mutex> lock(c.mutex);
    for (;;)
    {
        c.operations_done.wait(lock,
            [&] { return c.waiting_operations.load(std::memory_order_acquire) == 0; });
        // A wake-up or interrupt already requested makes this poll a check.
        const bool pending = c.waker_pending.load(std::memory_order_acquire)
            || c.interrupt_requested.load(std::memory_order_acquire);
        std::optional<std::chrono::nanoseconds> left = timeout;
        if (pending)
            left = std::chrono::nanoseconds::zero();
        else if (timeout)
            left = std::max(deadline - clock::now(), clock::duration::zero());
        const int n = poll_detail::poll_for(c.fds.data(), c.fds.size(), left);
        if (n < 0)
        {
            set_errno(ec); // EINTR: a signal ended the wait, as on epoll
            return 0;
        }
        int out = n > 0 ? c.collect(buf, capacity) : 0;
        if (c.fds[0].revents != 0)
            c.drain_notify();
        if (out < capacity && c.waker_pending.exchange(false, std::memory_order_acq_rel))
            buf[out++] = poll_event{c.waker_token.load(std::memory_order_acquire), POLLIN};
        const bool interrupted = c.interrupt_requested.exchange(false, std::memory_order_acq_rel);
        if (out > 0 || interrupted || (timeout && clock::now() >= deadline))
        {
            ec.clear();
            return out;
        }
        // Only the notification pipe: a registration changed the set (or
        // the waker's flag was taken by an earlier wait). Poll again.
    }
}

BOOST_MIO_DECL void poll_selector::interrupt(boost::system::error_code& ec) const
{
    if (!core_)
        return set_errno(ec, EBADF);
    core_->interrupt_requested.store(true, std::memory_order_release);
    core_->notify();
    ec.clear();
}

BOOST_MIO_DECL void poll_selector::close() noexcept
{
    if (owns_handle_)
        posix_ops::close(handle_);
    handle_ = -1;
    owns_handle_ = false;
    core_.reset();
}

BOOST_MIO_DECL void poll_waker::open(const poll_selector& sel, std::size_t token,
    boost::system::error_code& ec)
{
    close();
    const std::shared_ptr<poll_core>& core = sel.core();
    if (!core)
        return set_errno(ec, EBADF);
    if (core->has_waker.exchange(true, std::memory_order_acq_rel))
    {
        ec = make_error_code(mio::error::waker_already_exists);
        return;
    }
    core->waker_token.store(token, std::memory_order_release);
    core->abandon_wake(); // a wake of an earlier, closed waker is not ours
    core_ = core;
    ec.clear();
}

BOOST_MIO_DECL void poll_waker::wake(boost::system::error_code& ec) const
{
    if (BOOST_UNLIKELY(!core_))
        return set_errno(ec, EBADF);
    ec.clear();
    if (core_->begin_wake())
        core_->notify();
}

BOOST_MIO_DECL void poll_waker::close() noexcept
{
    if (core_)
    {
        core_->abandon_wake();
        core_->has_waker.store(false, std::memory_order_release);
        core_.reset();
    }
}

BOOST_MIO_DECL int poll_waker::native_handle() const noexcept
{
    return core_ ? core_->notify_write : -1;
}

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IMPL_POLL_SELECTOR_IPP
