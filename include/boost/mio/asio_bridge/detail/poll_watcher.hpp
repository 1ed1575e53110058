//
// boost/mio/asio_bridge/detail/poll_watcher.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// How the bridge lets Asio's reactor watch a mio::poll: where the backend
// has a pollable handle (epoll; kqueue on a BSD kernel), that handle
// becomes readable while the poll has events queued, so an Asio descriptor
// waiting for wait_read on it wakes up when a poll::wait would return
// something. Draining then uses poll::wait with a zero timeout. Where the
// backend has none (poll(2), libkqueue), thread_poll_watcher waits on a
// thread of its own instead; poll_watcher<Executor> is whichever fits.

#ifndef BOOST_MIO_ASIO_BRIDGE_DETAIL_POLL_WATCHER_HPP
#define BOOST_MIO_ASIO_BRIDGE_DETAIL_POLL_WATCHER_HPP

#include <boost/mio/asio_bridge/detail/thread_poll_watcher.hpp>
#include <boost/mio/detail/selector.hpp>
#include <boost/mio/events.hpp>
#include <boost/mio/poll.hpp>
#include <boost/asio/detail/config.hpp>
#if defined(BOOST_ASIO_HAS_POSIX_STREAM_DESCRIPTOR)
#  include <boost/asio/posix/basic_stream_descriptor.hpp>
#  include <boost/asio/posix/descriptor_base.hpp>
#endif
#include <boost/system/errc.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace boost {
namespace mio {
namespace asio_bridge {
namespace detail {

#if defined(BOOST_ASIO_HAS_POSIX_STREAM_DESCRIPTOR)
// An Asio descriptor over a poll's handle that never owns it. Asio's
// descriptors close their fd when destroyed; this one always gives the fd
// back with release() first, so neither a watcher nor anything built on it
// ever closes the poll's handle. release() also removes the fd from Asio's
// reactor and completes a pending wait with operation_aborted.
template <class Executor>
class reactor_poll_watcher
{
public:
    explicit reactor_poll_watcher(const Executor& ex) : descriptor_(ex) {}
    ~reactor_poll_watcher() { detach(); }

    reactor_poll_watcher(const reactor_poll_watcher&) = delete;
    reactor_poll_watcher& operator=(const reactor_poll_watcher&) = delete;

    // Hands the poll's handle to Asio's reactor. Fails with EEXIST when that
    // reactor already watches it (another watcher on the same poll).
    void attach(mio::poll& p, mio::events&, boost::system::error_code& ec)
    {
        descriptor_.assign(p.native_handle(), ec);
    }

    void detach() noexcept
    {
        if (descriptor_.is_open())
            (void)descriptor_.release();
    }

    // One wait for readability; `handler(error_code)` runs on the executor.
    // Asio re-arms the registration (EPOLL_CTL_MOD) when the wait starts, so
    // a poll that already has events queued completes it at once: nothing
    // queued between the last drain and this call is missed.
    template <class Handler>
    void async_wait(Handler&& handler)
    {
        descriptor_.async_wait(boost::asio::posix::descriptor_base::wait_read,
            std::forward<Handler>(handler));
    }

    // Completes a pending wait with operation_aborted.
    void cancel() noexcept
    {
        boost::system::error_code ignored;
        descriptor_.cancel(ignored);
    }

    // Takes what the poll has queued (see drain() below).
    template <class OnBatch>
    void drain(mio::poll& p, mio::events& evs, OnBatch&& on_batch, boost::system::error_code& ec);

private:
    boost::asio::posix::basic_stream_descriptor<Executor> descriptor_;
};

template <class Executor>
using poll_watcher = std::conditional_t<mio::detail::selector::has_pollable_handle,
    reactor_poll_watcher<Executor>, thread_poll_watcher<Executor>>;
#else
// No POSIX descriptors (Windows): no selector handle is pollable there.
static_assert(!mio::detail::selector::has_pollable_handle);
template <class Executor>
using poll_watcher = thread_poll_watcher<Executor>;
#endif

// Batches handed out per wake-up before the watcher is re-armed. The rest
// stays queued in the poll, which keeps its handle readable, so the re-armed
// wait completes at once: the bound costs no event, it only lets the other
// handlers of the io_context run between batches under a flood.
inline constexpr std::size_t max_batches_per_wakeup = 16;

// Takes the events queued in `p` without blocking and gives each non-empty
// batch to `on_batch(const events&)`, which returns false to stop early.
// Stops when a batch is not full (every source registered with a poll is
// edge-triggered, so nothing is left queued then) or after
// max_batches_per_wakeup batches. Sets `ec` if the poll fails.
template <class OnBatch>
void drain(mio::poll& p, mio::events& evs, OnBatch&& on_batch,
    boost::system::error_code& ec)
{
    for (std::size_t round = 0; round < max_batches_per_wakeup; ++round)
    {
        p.wait(evs, std::chrono::nanoseconds::zero(), ec);
        if (ec == boost::system::errc::interrupted)
            continue;
        if (ec)
            return;
        const bool full = evs.size() == evs.capacity();
        if (!evs.empty() && !on_batch(static_cast<const mio::events&>(evs)))
            return;
        if (!full)
            return;
    }
    ec.clear();
}

#if defined(BOOST_ASIO_HAS_POSIX_STREAM_DESCRIPTOR)
template <class Executor>
template <class OnBatch>
void reactor_poll_watcher<Executor>::drain(mio::poll& p, mio::events& evs, OnBatch&& on_batch,
    boost::system::error_code& ec)
{
    detail::drain(p, evs, std::forward<OnBatch>(on_batch), ec);
}
#endif

} // namespace detail
} // namespace asio_bridge
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_ASIO_BRIDGE_DETAIL_POLL_WATCHER_HPP
