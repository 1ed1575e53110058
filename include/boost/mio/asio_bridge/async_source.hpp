//
// boost/mio/asio_bridge/async_source.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_ASIO_BRIDGE_ASYNC_SOURCE_HPP
#define BOOST_MIO_ASIO_BRIDGE_ASYNC_SOURCE_HPP

#include <boost/mio/asio_bridge/detail/async_source_core.hpp>
#include <boost/mio/asio_bridge/detail/async_source_service.hpp>
#include <boost/mio/asio_bridge/detail/wait_op.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/event.hpp>
#include <boost/mio/event_source.hpp>
#include <boost/mio/interest.hpp>
#include <boost/mio/registry.hpp>
#include <boost/mio/token.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <type_traits>
#include <utility>

namespace boost {
namespace mio {
namespace asio_bridge {
namespace detail {

template <class Source>
void deregister_source(void* src, const mio::registry& r, boost::system::error_code& ec)
{
    r.deregister(*static_cast<Source*>(src), ec);
}

template <class Executor, class Source>
std::shared_ptr<source_state> attach_source(const Executor& ex, Source& src, mio::interest i,
    const boost::source_location& loc)
{
    mio::detail::check_event_source<Source>();
    auto core = detail::core_for(ex, loc);
    // Source may be const (a const view such as native_source): the pointer
    // goes back to its own type in deregister_source.
    auto state = std::make_shared<source_state>(core, i,
        const_cast<void*>(static_cast<const void*>(&src)), &deregister_source<Source>);
    core->attach(*state);
    boost::system::error_code ec;
    core->registry().register_(src, mio::token(state->token), i, ec);
    if (ec)
    {
        op_list none;
        core->detach(*state, none);
        mio::detail::throw_error(ec, "basic_async_source", loc);
    }
    return state;
}

// Deregisters first, then detaches: an event harvested meanwhile still
// finds the source and is handled normally.
inline void detach_source(const std::shared_ptr<source_state>& state) noexcept
{
    if (!state)
        return;
    boost::system::error_code ignored;
    state->deregister(state->source, state->core->registry(), ignored);
    op_list aborted;
    state->core->detach(*state, aborted);
    aborted.complete_all();
}

inline void start_wait(const std::shared_ptr<source_state>& state, wait_op* op)
{
    op_list done;
    if (!state)
    {
        op->ec = boost::asio::error::bad_descriptor;
        done.push_back(op);
    }
    else
    {
        try
        {
            state->core->start_wait(*state, op, done);
        }
        catch (...)
        {
            op->destroy();
            throw;
        }
    }
    done.complete_all();
}

// Installed in a wait's cancellation slot. It names the op by its own
// address (the key), as Asio's reactor does, and holds the source weakly:
// a stale handler left in the slot after the op completed finds nothing.
class wait_cancellation
{
public:
    explicit wait_cancellation(std::weak_ptr<source_state> s) noexcept : state_(std::move(s)) {}

    void operator()(boost::asio::cancellation_type_t type)
    {
        using ct = boost::asio::cancellation_type;
        if ((type & (ct::terminal | ct::partial | ct::total)) == ct::none)
            return;
        if (const auto s = state_.lock())
        {
            op_list aborted;
            s->core->cancel_op(*s, this, aborted);
            aborted.complete_all();
        }
    }

private:
    std::weak_ptr<source_state> state_;
};

} // namespace detail

/// Readiness of one event source as an Asio asynchronous operation, like
/// tokio's `AsyncFd`.
///
/// The constructor registers `src` (any mio event source: a pipe end, a
/// `net::` socket, a `posix::source_fd`, a `native_source` of an Asio
/// object, ...) for `i` with a mio::poll shared by every async_source of
/// the same execution context. That poll is held by an Asio service of the
/// context and watched by the context's reactor: no thread is added.
///
/// `async_wait(i, token)` completes when the source is ready for (part of)
/// `i`, with signature `void(boost::system::error_code, mio::event)`; the
/// event is the latest one the OS reported for the side of the source that
/// is ready (its token is the bridge's own and means nothing to the
/// caller). The readiness reported is consumed by the completion: once the
/// caller has read (or written) until would_block, the next async_wait
/// waits for a new edge. Spurious completions are allowed, lost ones never
/// happen. Read-closed, write-closed and error readiness stay set once
/// seen: every later wait they concern completes at once (a wait for
/// readable after end of stream never hangs).
///
/// Any completion token works: callbacks, `use_future`, `deferred`,
/// `use_awaitable` (C++20 coroutines), `as_tuple(...)`, and per-operation
/// cancellation through the token's cancellation slot (every cancellation
/// type is supported: cancelling a wait has no side effect).
///
/// Errors delivered to the handler: `operation_aborted` (cancel(), the
/// async_source destroyed, per-operation cancellation), `invalid_argument`
/// (the interest waited for is not part of the registered one),
/// `bad_descriptor` (a moved-from async_source).
///
/// Completions run on the handler's associated executor (by default the
/// async_source's executor), never inside async_wait. A pending wait keeps
/// `run()` going; an idle async_source does not.
///
/// Thread safety: every member may be called concurrently from any thread,
/// except destruction and assignment. Waits may be started from any thread
/// and several may be pending at once (e.g. one for readable and one for
/// writable).
///
/// Lifetimes: the Source must outlive its async_source (the destructor
/// deregisters it). Destroying the async_source completes its pending
/// waits with `operation_aborted`. Destroying the execution context first
/// is safe: pending handlers are destroyed without being called, as Asio
/// does, and the async_source may still be destroyed later.
///
/// @par Example
/// @code
/// auto [sender, receiver] = boost::mio::posix::make_pipe();
/// boost::mio::asio_bridge::async_source src(ioc.get_executor(), receiver,
///     boost::mio::interest::readable);
/// src.async_wait(boost::mio::interest::readable,
///     [&](boost::system::error_code ec, boost::mio::event e) {
///         if (!ec) { ... read receiver until would_block, then wait again ... }
///     });
/// @endcode
template <class Executor = boost::asio::any_io_executor>
class basic_async_source
{
public:
    /// The executor type handlers run on by default.
    using executor_type = Executor;

    /// Registers `src` for `i`; waits complete on `ex` by default.
    /// @throws boost::system::system_error: what registration reports (e.g.
    /// `EEXIST` if `src` is already registered with this context's poll,
    /// `EBADF` for a closed source); std::bad_alloc.
    template <class Source>
    basic_async_source(const executor_type& ex, Source& src, interest i,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
        : executor_(ex), state_(detail::attach_source(ex, src, i, loc))
    {
    }

    /// As above, on `ctx.get_executor()`.
    template <class ExecutionContext, class Source,
        class = std::enable_if_t<std::is_convertible<ExecutionContext&,
            boost::asio::execution_context&>::value>>
    basic_async_source(ExecutionContext& ctx, Source& src, interest i,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
        : basic_async_source(executor_type(ctx.get_executor()), src, i, loc)
    {
    }

    /// Takes over `other`'s registration and pending waits; `other` is
    /// left empty (its waits complete with `bad_descriptor`).
    basic_async_source(basic_async_source&& other) noexcept
        : executor_(other.executor_), state_(std::move(other.state_))
    {
    }

    /// Cancels this object's waits (they complete with `operation_aborted`),
    /// deregisters its source, then takes over `other`'s, as the move
    /// constructor does.
    basic_async_source& operator=(basic_async_source&& other) noexcept
    {
        if (this != &other)
        {
            detail::detach_source(state_);
            executor_ = other.executor_;
            state_ = std::move(other.state_);
        }
        return *this;
    }

    basic_async_source(const basic_async_source&) = delete;
    basic_async_source& operator=(const basic_async_source&) = delete;

    /// Deregisters the source; pending waits complete with
    /// `operation_aborted`.
    ~basic_async_source() { detail::detach_source(state_); }

    /// Waits until the source is ready for (part of) `i`.
    /// Signature: `void(boost::system::error_code, mio::event)`.
    template <class CompletionToken =
                  typename boost::asio::default_completion_token<executor_type>::type>
    auto async_wait(interest i,
        CompletionToken&& token =
            typename boost::asio::default_completion_token<executor_type>::type())
    {
        return boost::asio::async_initiate<CompletionToken,
            void(boost::system::error_code, mio::event)>(
            initiate_async_wait(executor_, state_), token, i);
    }

    /// Completes every pending wait with `operation_aborted` (posted, never
    /// run inside cancel()). Readiness already seen is kept.
    void cancel() noexcept
    {
        if (state_)
        {
            detail::op_list aborted;
            state_->core->cancel(*state_, aborted);
            aborted.complete_all();
        }
    }

    /// The executor given to the constructor.
    executor_type get_executor() const noexcept { return executor_; }

private:
    /// @cond BOOST_MIO_PRIVATE (a private class that Doxygen would list)
    class initiate_async_wait
    {
    public:
        using executor_type = Executor;

        initiate_async_wait(const executor_type& ex, std::shared_ptr<detail::source_state> s)
            : executor_(ex), state_(std::move(s))
        {
        }

        executor_type get_executor() const noexcept { return executor_; }

        template <class Handler>
        void operator()(Handler&& handler, interest i) const
        {
            using handler_type = std::decay_t<Handler>;
            using op_type = detail::wait_op_impl<handler_type, Executor>;
            handler_type h(std::forward<Handler>(handler));
            auto slot = boost::asio::get_associated_cancellation_slot(h);
            op_type* op = op_type::create(h, executor_, i);
            if (slot.is_connected())
            {
                try
                {
                    op->cancel_key =
                        &slot.template emplace<detail::wait_cancellation>(state_);
                }
                catch (...)
                {
                    op->destroy();
                    throw;
                }
            }
            detail::start_wait(state_, op);
        }

    private:
        executor_type executor_;
        std::shared_ptr<detail::source_state> state_;
    };
    /// @endcond

    executor_type executor_;
    std::shared_ptr<detail::source_state> state_;
};

/// An async_source on any I/O executor.
using async_source = basic_async_source<>;

} // namespace asio_bridge
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_ASIO_BRIDGE_ASYNC_SOURCE_HPP
