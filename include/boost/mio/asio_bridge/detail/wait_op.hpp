//
// boost/mio/asio_bridge/detail/wait_op.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// One pending async_wait: the completion handler, the work it keeps alive,
// and what it waits for. Allocated with the handler's associated allocator
// (Asio's recycling allocator by default, as Asio's own operations are),
// type-erased behind a function pointer, and linked into intrusive lists so
// that queueing and removing it allocates nothing more.

#ifndef BOOST_MIO_ASIO_BRIDGE_DETAIL_WAIT_OP_HPP
#define BOOST_MIO_ASIO_BRIDGE_DETAIL_WAIT_OP_HPP

#include <boost/mio/asio_bridge/detail/readiness.hpp>
#include <boost/mio/event.hpp>
#include <boost/mio/interest.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/recycling_allocator.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <utility>

namespace boost {
namespace mio {
namespace asio_bridge {
namespace detail {

// How a finished op reaches its handler.
enum class delivery
{
    destroy,  // not at all: the op is freed (execution context shutdown)
    post,     // posted to the handler's executor: from an initiating
              // function or a user's call (cancel, destruction), where
              // running the handler inline would re-enter the caller
    dispatch  // run at once if this thread is in the handler's executor,
              // else posted: from the watcher's completion, which is
              // itself a handler on the source's executor (Asio's own
              // reactor ops complete this way); no second trip through the
              // scheduler, and no second allocation
};

class wait_op
{
public:
    wait_op(const wait_op&) = delete;
    wait_op& operator=(const wait_op&) = delete;

    mio::interest wanted_interest() const noexcept { return interest_; }
    readiness wanted() const noexcept { return wanted_; }

    // Set when the op leaves its source's queue, read by complete().
    boost::system::error_code ec;
    mio::event result;

    // The address of this op's per-operation cancellation handler, or null.
    const void* cancel_key = nullptr;

    // Frees the op, then delivers (ec, result) to the handler as `d` says.
    void complete(delivery d) { func_(this, d); }

    // Frees the op without invoking the handler (execution context shutdown).
    void destroy() noexcept { func_(this, delivery::destroy); }

protected:
    using func_type = void (*)(wait_op*, delivery);

    wait_op(func_type f, mio::interest i) noexcept
        : interest_(i), wanted_(wanted_by(i)), func_(f)
    {
    }
    ~wait_op() = default;

private:
    friend class op_list;

    wait_op* prev_ = nullptr;
    wait_op* next_ = nullptr;
    mio::interest interest_;
    readiness wanted_;
    func_type func_;
};

// A FIFO of ops, linked through the ops themselves. Not thread-safe: the
// owner's mutex guards it.
class op_list
{
public:
    op_list() noexcept = default;
    op_list(const op_list&) = delete;
    op_list& operator=(const op_list&) = delete;

    bool empty() const noexcept { return head_ == nullptr; }
    wait_op* front() const noexcept { return head_; }
    static wait_op* next(const wait_op* op) noexcept { return op->next_; }

    void push_back(wait_op* op) noexcept
    {
        op->prev_ = tail_;
        op->next_ = nullptr;
        if (tail_)
            tail_->next_ = op;
        else
            head_ = op;
        tail_ = op;
    }

    void remove(wait_op* op) noexcept
    {
        if (op->prev_)
            op->prev_->next_ = op->next_;
        else
            head_ = op->next_;
        if (op->next_)
            op->next_->prev_ = op->prev_;
        else
            tail_ = op->prev_;
        op->prev_ = op->next_ = nullptr;
    }

    wait_op* pop_front() noexcept
    {
        wait_op* op = head_;
        if (op)
            remove(op);
        return op;
    }

    // Moves every op of `other` to the back of this list.
    void splice(op_list& other) noexcept
    {
        while (wait_op* op = other.pop_front())
            push_back(op);
    }

    // Completes every op as `d` says, emptying the list first so that a
    // handler's side effects cannot reach it. If a dispatched handler
    // throws, the ops after it are posted before the exception goes on (out
    // of the io_context's run(), as Asio lets it): none is lost.
    void complete_all(delivery d = delivery::post)
    {
        op_list local;
        local.splice(*this);
        while (wait_op* op = local.pop_front())
        {
            if (d == delivery::destroy)
                op->destroy();
            else if (d == delivery::post)
                op->complete(d);
            else
            {
                try
                {
                    op->complete(d);
                }
                catch (...)
                {
                    local.complete_all(delivery::post);
                    throw;
                }
            }
        }
    }

private:
    wait_op* head_ = nullptr;
    wait_op* tail_ = nullptr;
};

template <class Handler, class IoExecutor>
class wait_op_impl final : public wait_op
{
public:
    using default_allocator = boost::asio::recycling_allocator<void>;
    using allocator_type = typename std::allocator_traits<
        boost::asio::associated_allocator_t<Handler, default_allocator>>::
        template rebind_alloc<wait_op_impl>;
    using handler_executor =
        boost::asio::associated_executor_t<Handler, IoExecutor>;

    // Allocates the op and moves the handler into it.
    static wait_op_impl* create(Handler& handler, const IoExecutor& io_ex, mio::interest i)
    {
        allocator_type alloc(boost::asio::get_associated_allocator(handler, default_allocator()));
        wait_op_impl* p = std::allocator_traits<allocator_type>::allocate(alloc, 1);
        try
        {
            return ::new (static_cast<void*>(p)) wait_op_impl(handler, io_ex, i);
        }
        catch (...)
        {
            std::allocator_traits<allocator_type>::deallocate(alloc, p, 1);
            throw;
        }
    }

private:
    wait_op_impl(Handler& handler, const IoExecutor& io_ex, mio::interest i)
        : wait_op(&do_func, i),
          handler_(std::move(handler)),
          io_work_(io_ex),
          work_(boost::asio::get_associated_executor(handler_, io_ex))
    {
    }

    // Both the I/O executor and the handler's executor count this op as
    // work while it is pending (as Asio's own operations do), so that
    // run() keeps going until the completion is delivered.
    static void do_func(wait_op* base, delivery d)
    {
        wait_op_impl* self = static_cast<wait_op_impl*>(base);
        allocator_type alloc(
            boost::asio::get_associated_allocator(self->handler_, default_allocator()));
        Handler handler(std::move(self->handler_));
        auto io_work(std::move(self->io_work_));
        auto work(std::move(self->work_));
        const boost::system::error_code ec = self->ec;
        const mio::event result = self->result;
        self->~wait_op_impl();
        std::allocator_traits<allocator_type>::deallocate(alloc, self, 1);
        // The op's memory is free before the handler runs, so that a wait
        // the handler starts reuses it (Asio's recycling cache).
        if (d == delivery::post)
            boost::asio::post(work.get_executor(),
                boost::asio::append(std::move(handler), ec, result));
        else if (d == delivery::dispatch)
            boost::asio::dispatch(work.get_executor(),
                boost::asio::append(std::move(handler), ec, result));
    }

    Handler handler_;
    boost::asio::executor_work_guard<IoExecutor> io_work_;
    boost::asio::executor_work_guard<handler_executor> work_;
};

} // namespace detail
} // namespace asio_bridge
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_ASIO_BRIDGE_DETAIL_WAIT_OP_HPP
