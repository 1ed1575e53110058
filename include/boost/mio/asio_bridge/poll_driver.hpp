//
// boost/mio/asio_bridge/poll_driver.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_ASIO_BRIDGE_POLL_DRIVER_HPP
#define BOOST_MIO_ASIO_BRIDGE_POLL_DRIVER_HPP

#include <boost/mio/asio_bridge/detail/poll_watcher.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/events.hpp>
#include <boost/mio/poll.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>

namespace boost {
namespace mio {
namespace asio_bridge {
namespace detail {

// The user's batch handler, type-erased once per start(). Shared so that a
// batch being delivered keeps its handler alive even if the handler itself
// calls stop() or start() (which drop or replace the driver's reference).
struct batch_handler_base
{
    virtual ~batch_handler_base() = default;
    virtual void operator()(const mio::events& evs) = 0;
};

template <class Handler>
struct batch_handler final : batch_handler_base
{
    explicit batch_handler(Handler&& h) : handler(std::move(h)) {}
    void operator()(const mio::events& evs) override { handler(evs); }
    Handler handler;
};

// Everything a driver's pending wait needs, shared with that wait's
// completion so that the driver may be destroyed while a wait is in flight.
//
// The mutex guards the driver's state only: no user code runs under it
// (neither the handler, nor its move constructor or destructor), so
// start(), stop() and is_started() never wait for a handler, and a handler
// may take any lock. A batch is delivered with the mutex released, in a
// "delivering" state that stop() called from another thread waits on, so
// that once stop() returns no handler is running. stop() called by the
// handler itself (the delivering thread) cannot wait for itself and does
// not. Only one wait is pending and one batch delivered at a time, so
// batches never overlap and poll::wait keeps its single caller even under
// a multi-threaded run(): a start() made while a batch is being delivered
// (by the handler, or by another thread after stop()) arms its wait when
// that delivery ends.
template <class Executor>
class poll_driver_state : public std::enable_shared_from_this<poll_driver_state<Executor>>
{
public:
    poll_driver_state(const Executor& ex, mio::poll& p, std::size_t capacity)
        : poll_(p), events_(capacity), watcher_(ex)
    {
    }

    template <class Handler>
    void start(Handler&& handler, const boost::source_location& loc)
    {
        // Built and, on failure, destroyed with the mutex released.
        std::shared_ptr<batch_handler_base> h =
            std::make_shared<batch_handler<std::decay_t<Handler>>>(
                std::forward<Handler>(handler));
        std::lock_guard<std::mutex> lock(mutex_);
        if (started_)
            mio::detail::throw_error(boost::asio::error::already_started, "start", loc);
        boost::system::error_code ec;
        watcher_.attach(poll_, events_, ec);
        mio::detail::throw_error(ec, "start", loc);
        handler_.swap(h);
        started_ = true;
        ++generation_;
        if (delivering_)
            return; // the delivery under way arms the wait when it ends
        try
        {
            arm();
        }
        catch (...)
        {
            h = stop_locked();
            throw;
        }
    }

    void stop() noexcept
    {
        std::shared_ptr<batch_handler_base> released;
        std::unique_lock<std::mutex> lock(mutex_);
        released = stop_locked();
        if (delivering_ && delivering_thread_ != std::this_thread::get_id())
        {
            const std::uint64_t delivery = deliveries_;
            delivered_.wait(lock, [&] { return !delivering_ || deliveries_ != delivery; });
        }
        lock.unlock();
        // `released` (the handler, unless a delivery still holds it) is
        // destroyed here, with the mutex released.
    }

    bool is_started() const noexcept
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return started_;
    }

private:
    // Detaching also completes the pending wait with operation_aborted; that
    // completion then finds a new generation and does nothing. Returns the
    // handler, for the caller to destroy once the mutex is released.
    std::shared_ptr<batch_handler_base> stop_locked() noexcept
    {
        if (!started_)
            return nullptr;
        started_ = false;
        ++generation_;
        watcher_.detach();
        return std::move(handler_);
    }

    bool is_current(std::uint64_t generation) const noexcept
    {
        return started_ && generation_ == generation;
    }

    void arm()
    {
        watcher_.async_wait(
            [self = this->shared_from_this(), generation = generation_](
                const boost::system::error_code& ec) { self->on_ready(generation, ec); });
    }

    void on_ready(std::uint64_t generation, const boost::system::error_code& ec)
    {
        std::shared_ptr<batch_handler_base> handler;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!is_current(generation))
                return;
            if (ec)
            {
                // The poll's handle is unusable (closed under the driver):
                // nothing will ever arrive, so stop instead of spinning.
                handler = stop_locked();
                return; // `handler` destroyed after the unlock
            }
            handler = handler_;
            delivering_ = true;
            delivering_thread_ = std::this_thread::get_id();
            ++deliveries_;
        }
        boost::system::error_code wait_ec;
        try
        {
            watcher_.drain(poll_, events_,
                [&](const mio::events& evs) {
                    (*handler)(evs);
                    std::lock_guard<std::mutex> lock(mutex_);
                    return is_current(generation);
                },
                wait_ec);
        }
        catch (...)
        {
            // The exception leaves io_context::run() (Asio's convention);
            // re-arm first so that a later run() goes on delivering.
            end_delivery(generation, boost::system::error_code());
            throw;
        }
        end_delivery(generation, wait_ec);
    }

    // Leaves the delivering state, wakes stop() callers, and arms the next
    // wait: for this generation if the driver is still on it (unless the
    // poll failed), or for a start() made during the delivery.
    void end_delivery(std::uint64_t generation, const boost::system::error_code& wait_ec) noexcept
    {
        std::shared_ptr<batch_handler_base> released;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            delivering_ = false;
            delivered_.notify_all();
            if (started_ && generation_ == generation && wait_ec)
                released = stop_locked();
            else if (started_)
                rearm_or_stop(released);
        }
    }

    // Asio may fail to start a wait only by running out of memory: the
    // driver then stops rather than stay started with no wait pending.
    void rearm_or_stop(std::shared_ptr<batch_handler_base>& released) noexcept
    {
        try
        {
            arm();
        }
        catch (...)
        {
            released = stop_locked();
        }
    }

    mutable std::mutex mutex_;
    std::condition_variable delivered_;
    mio::poll& poll_;
    mio::events events_;
    // Last but for the state below it: destroyed first, so a watcher's
    // thread stops before the buffer it fills goes away.
    detail::poll_watcher<Executor> watcher_;
    std::shared_ptr<batch_handler_base> handler_;
    std::uint64_t generation_ = 0;
    std::uint64_t deliveries_ = 0;
    std::thread::id delivering_thread_;
    bool started_ = false;
    bool delivering_ = false;
};

inline std::size_t checked_batch_capacity(std::size_t capacity, const boost::source_location& loc)
{
    if (capacity == 0)
        mio::detail::throw_error(boost::asio::error::invalid_argument, "basic_poll_driver", loc);
    return capacity;
}

} // namespace detail

/// Drives a mio::poll from an Asio execution context.
///
/// Where the backend has a pollable handle (epoll; kqueue on a BSD kernel)
/// the poll's OS handle is watched by the context's reactor (no thread of
/// its own); where it has none (poll(2); kqueue emulated by libkqueue) a
/// thread of the driver's own blocks in `poll.wait` instead. Either way,
/// whenever sources registered with the poll are ready, the driver takes
/// their events (with the reactor: `poll.wait(evs, 0)`) and hands each batch
/// to `handler(const mio::events&)`, run on the driver's executor (a strand
/// serialises it with the strand's other handlers). Batches are never
/// empty, and every ready event is delivered even when far more are ready
/// than `batch_capacity`: the rest come in the next batches.
///
/// A started driver has a wait pending, so it keeps `io_context::run()`
/// from returning, as a socket with a pending read does; stop() ends that.
///
/// The driver does not own the poll: destroying it, or stopping it, never
/// closes the poll's handle. With a thread of its own, the events that
/// thread has taken and not yet handed over are kept across stop() (the
/// next start() delivers them first) but go with the driver when it is
/// destroyed: with edge triggers they will not be reported again. The poll must outlive the driver, and while
/// the driver is started it is the poll's only waiter (do not call
/// poll.wait elsewhere). Registering sources with `poll.registry()` from
/// any thread, at any time, is fine.
///
/// Thread safety: start(), stop() and is_started() may be called from any
/// thread and from inside the handler. Batches are delivered one at a time
/// even when several threads run the context. The handler runs with no
/// lock of the driver held, so start() and is_started() never wait for it
/// and the handler may take any lock. stop() called from another thread
/// waits for a batch being delivered to finish, so after it returns the
/// handler is not running and will not be called again (so do not call
/// stop() from another thread while holding a lock the handler takes);
/// stop() called from inside the handler returns at once.
///
/// If the handler throws, the exception leaves `run()` (Asio's convention)
/// and the driver stays started: a later `run()` goes on delivering.
///
/// Like every Asio I/O object, a driver must be destroyed before its
/// execution context.
///
/// @par Example
/// @code
/// boost::asio::io_context ioc;
/// boost::mio::poll poll;
/// poll.registry().register_(receiver, boost::mio::token(1), boost::mio::interest::readable);
/// boost::mio::asio_bridge::poll_driver driver(ioc.get_executor(), poll);
/// driver.start([&](const boost::mio::events& evs) {
///     for (const auto& e : evs) { ... drain e.token()'s source to would_block ... }
/// });
/// ioc.run();
/// @endcode
template <class Executor = boost::asio::any_io_executor>
class basic_poll_driver
{
public:
    /// The executor type handlers run on by default.
    using executor_type = Executor;

    /// A stopped driver for `p` whose handler will run on `ex`.
    /// @throws boost::system::system_error (`invalid_argument`) if
    /// `batch_capacity` is 0; std::bad_alloc.
    basic_poll_driver(const executor_type& ex, mio::poll& p,
        std::size_t batch_capacity = 1024, const boost::source_location& loc = BOOST_CURRENT_LOCATION)
        : executor_(ex),
          state_(std::make_shared<state_type>(ex, p,
              detail::checked_batch_capacity(batch_capacity, loc)))
    {
    }

    /// As above, on `ctx.get_executor()`.
    template <class ExecutionContext,
        class = std::enable_if_t<std::is_convertible<ExecutionContext&,
            boost::asio::execution_context&>::value>>
    basic_poll_driver(ExecutionContext& ctx, mio::poll& p, std::size_t batch_capacity = 1024,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
        : basic_poll_driver(executor_type(ctx.get_executor()), p, batch_capacity, loc)
    {
    }

    /// Takes over `other`'s state (started or not); `other` is left empty:
    /// start() on it throws `bad_descriptor`.
    basic_poll_driver(basic_poll_driver&& other) noexcept
        : executor_(other.executor_), state_(std::move(other.state_))
    {
    }

    /// Stops this driver, then takes over `other`'s state as the move
    /// constructor does.
    basic_poll_driver& operator=(basic_poll_driver&& other) noexcept
    {
        if (this != &other)
        {
            stop();
            executor_ = other.executor_;
            state_ = std::move(other.state_);
        }
        return *this;
    }

    basic_poll_driver(const basic_poll_driver&) = delete;
    basic_poll_driver& operator=(const basic_poll_driver&) = delete;

    /// Stops the driver; the poll stays open.
    ~basic_poll_driver() { stop(); }

    /// Starts delivering batches to `handler`, a callable taking
    /// `const mio::events&`. May be called again after stop() (restart),
    /// with a new handler.
    /// @throws boost::system::system_error: `already_started` if started;
    /// what Asio's reactor reports for the poll's handle (`bad_descriptor`
    /// for a closed poll, `EEXIST` if another driver of the same execution
    /// context already watches this poll).
    template <class Handler>
    void start(Handler handler, const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        static_assert(std::is_invocable<Handler&, const mio::events&>::value,
            "basic_poll_driver::start: the handler must be callable as "
            "handler(const boost::mio::events&)");
        if (!state_)
            mio::detail::throw_error(boost::asio::error::bad_descriptor, "start", loc);
        state_->start(std::move(handler), loc);
    }

    /// Stops delivering; a pending wait completes (internally) with
    /// operation_aborted, and the handler is released. Stopping a stopped
    /// driver does nothing.
    void stop() noexcept
    {
        if (state_)
            state_->stop();
    }

    /// Whether the driver is started. (The driver stops by itself only if
    /// the poll's handle becomes unusable, e.g. the poll was closed.)
    bool is_started() const noexcept { return state_ && state_->is_started(); }

    /// The executor given to the constructor.
    executor_type get_executor() const noexcept { return executor_; }

private:
    using state_type = detail::poll_driver_state<Executor>;

    executor_type executor_;
    std::shared_ptr<state_type> state_;
};

/// A poll driver on any I/O executor.
using poll_driver = basic_poll_driver<>;

} // namespace asio_bridge
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_ASIO_BRIDGE_POLL_DRIVER_HPP
