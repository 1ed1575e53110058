//
// boost/mio/asio_bridge/detail/thread_poll_watcher.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// How the bridge watches a poll that another event loop cannot watch: one
// whose backend has no pollable handle (poll(2); kqueue emulated by
// libkqueue, whose fd poll() never reports ready). A thread of the
// watcher's own blocks in poll::wait, and each time a wait was asked for
// and it has a batch, it posts the completion to the executor. The batch
// stays in the events buffer the owner gave to attach(), and drain()
// hands it over on the executor: the owner never calls poll::wait itself,
// so the poll keeps its single caller.
//
// The same interface as reactor_poll_watcher (detail/poll_watcher.hpp),
// with the same guarantees: a pending wait counts as work for the
// io_context (an outstanding-work guard, as a reactor operation counts),
// cancel() completes it with operation_aborted, detach() and destruction
// stop the thread before they return (so the poll may be destroyed right
// after), and no user code ever runs on the thread or under its mutex.

#ifndef BOOST_MIO_ASIO_BRIDGE_DETAIL_THREAD_POLL_WATCHER_HPP
#define BOOST_MIO_ASIO_BRIDGE_DETAIL_THREAD_POLL_WATCHER_HPP

#include <boost/mio/events.hpp>
#include <boost/mio/poll.hpp>
#include <boost/mio/registry.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/errc.hpp>
#include <boost/system/error_code.hpp>
#include <algorithm>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <system_error>
#include <utility>
#include <vector>

namespace boost {
namespace mio {
namespace asio_bridge {
namespace detail {

// The polls some thread_poll_watcher waits on, by handle: a poll has one
// waiter at a time, and a second watcher fails as Asio's reactor fails a
// second assign() of one fd (EEXIST).
class watched_polls
{
public:
    static bool add(mio::poll::native_handle_type handle)
    {
        std::lock_guard<std::mutex> lock(mutex());
        std::vector<mio::poll::native_handle_type>& v = handles();
        if (std::find(v.begin(), v.end(), handle) != v.end())
            return false;
        v.push_back(handle);
        return true;
    }

    static void remove(mio::poll::native_handle_type handle) noexcept
    {
        std::lock_guard<std::mutex> lock(mutex());
        std::vector<mio::poll::native_handle_type>& v = handles();
        v.erase(std::remove(v.begin(), v.end(), handle), v.end());
    }

private:
    static std::mutex& mutex() noexcept
    {
        static std::mutex m;
        return m;
    }
    static std::vector<mio::poll::native_handle_type>& handles() noexcept
    {
        static std::vector<mio::poll::native_handle_type> v;
        return v;
    }
};

template <class Executor>
class thread_poll_watcher
{
public:
    explicit thread_poll_watcher(const Executor& ex) : executor_(ex) {}
    ~thread_poll_watcher() { detach(); }

    thread_poll_watcher(const thread_poll_watcher&) = delete;
    thread_poll_watcher& operator=(const thread_poll_watcher&) = delete;

    // Starts the thread that waits on `p` into `evs` (both must outlive the
    // watcher, or the next detach()).
    void attach(mio::poll& p, mio::events& evs, boost::system::error_code& ec)
    {
        if (!p.is_open())
        {
            ec = boost::system::errc::make_error_code(boost::system::errc::bad_file_descriptor);
            return;
        }
        detach();
        try
        {
            if (!watched_polls::add(p.native_handle()))
            {
                ec = boost::system::errc::make_error_code(boost::system::errc::file_exists);
                return;
            }
        }
        catch (const std::bad_alloc&)
        {
            ec = boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
            return;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        handle_ = p.native_handle();
        poll_ = &p;
        events_ = &evs;
        stopping_ = false;
        failure_.clear();
        try
        {
            thread_ = std::thread([this] { run(); });
        }
        catch (const std::system_error& e)
        {
            watched_polls::remove(handle_);
            ec.assign(e.code().value(), boost::system::generic_category());
            return;
        }
        ec.clear();
    }

    // Stops and joins the thread; a pending wait completes with
    // operation_aborted. A batch the thread had already taken from the
    // poll stays in the events buffer and is handed over after the next
    // attach(): with edge triggers it could not be had again.
    void detach() noexcept
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!thread_.joinable())
                return;
            stopping_ = true;
            complete_locked(boost::asio::error::operation_aborted);
        }
        wake_thread();
        thread_.join();
        std::lock_guard<std::mutex> lock(mutex_);
        thread_ = std::thread();
        watched_polls::remove(handle_);
    }

    // One wait for a batch; `handler(error_code)` runs on the executor.
    template <class Handler>
    void async_wait(Handler&& handler)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        handler_ = std::forward<Handler>(handler);
        work_.emplace(executor_);
        if (!thread_.joinable())
            return complete_locked(boost::system::errc::make_error_code(
                boost::system::errc::bad_file_descriptor));
        if (failure_)
            return complete_locked(failure_);
        if (have_batch_)
            return complete_locked(boost::system::error_code());
        wanted_.notify_one();
    }

    // Completes a pending wait with operation_aborted. The thread goes on
    // waiting; what it takes meanwhile is kept for the next async_wait.
    void cancel() noexcept
    {
        std::lock_guard<std::mutex> lock(mutex_);
        complete_locked(boost::asio::error::operation_aborted);
    }

    // Gives the batch the thread took to `on_batch(const events&)`.
    template <class OnBatch>
    void drain(mio::poll&, mio::events& evs, OnBatch&& on_batch, boost::system::error_code& ec)
    {
        ec.clear();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!have_batch_)
                return;
            have_batch_ = false;
        }
        // The thread does not touch the buffer until the next async_wait.
        on_batch(static_cast<const mio::events&>(evs));
    }

private:
    // Posts the pending completion, if any, with `ec`; mutex_ held.
    void complete_locked(const boost::system::error_code& ec) noexcept
    {
        if (!handler_)
            return;
        std::function<void(const boost::system::error_code&)> handler = std::move(handler_);
        handler_ = nullptr;
        try
        {
            boost::asio::post(executor_, [handler = std::move(handler), ec] { handler(ec); });
        }
        catch (...)
        {
            // Posting failed (no memory): the handler is dropped, as Asio
            // drops those of a context that is shutting down.
        }
        work_.reset();
    }

    void wake_thread() noexcept
    {
        wanted_.notify_one();
        interrupt<Executor>(mio::detail::registry_access::get(poll_->registry()));
    }

    // Dependent on the executor type only so that it is compiled with the
    // watcher: backends with a pollable handle need no interrupt().
    template <class, class Selector>
    static void interrupt(const Selector& s) noexcept
    {
        boost::system::error_code ignored;
        s.interrupt(ignored);
    }

    void run()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;)
        {
            wanted_.wait(lock, [&] { return stopping_ || (handler_ && !have_batch_); });
            if (stopping_)
                return;
            lock.unlock();
            boost::system::error_code ec;
            poll_->wait(*events_, std::nullopt, ec);
            lock.lock();
            if (ec == boost::system::errc::interrupted || (!ec && events_->empty()))
                continue; // a signal, or interrupt() from detach()
            if (ec)
            {
                // The poll is unusable (closed under the watcher): report
                // it now and to every later wait, and stop.
                failure_ = ec;
                complete_locked(ec);
                return;
            }
            have_batch_ = true;
            complete_locked(ec);
        }
    }

    Executor executor_;
    std::mutex mutex_;
    std::condition_variable wanted_;
    std::function<void(const boost::system::error_code&)> handler_;
    std::optional<boost::asio::executor_work_guard<Executor>> work_;
    mio::poll* poll_ = nullptr;
    mio::poll::native_handle_type handle_{}; // set by attach()
    mio::events* events_ = nullptr;
    boost::system::error_code failure_;
    bool have_batch_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace detail
} // namespace asio_bridge
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_ASIO_BRIDGE_DETAIL_THREAD_POLL_WATCHER_HPP
