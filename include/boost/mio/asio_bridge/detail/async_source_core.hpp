//
// boost/mio/asio_bridge/detail/async_source_core.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The mio::poll that every async_source of one execution context shares,
// the per-source readiness and pending waits, and the watcher that lets the
// context's reactor wake up when the poll has events.
//
// One mutex guards all of it. The watcher has a wait in flight only while
// some async_wait is pending: a pending reactor operation counts as work,
// and an idle source must not keep run() going. Events that arrive while
// nobody waits stay queued in the poll (its handle stays readable) and are
// picked up when the next wait re-arms the watcher, so none is lost.

#ifndef BOOST_MIO_ASIO_BRIDGE_DETAIL_ASYNC_SOURCE_CORE_HPP
#define BOOST_MIO_ASIO_BRIDGE_DETAIL_ASYNC_SOURCE_CORE_HPP

#include <boost/mio/asio_bridge/detail/poll_watcher.hpp>
#include <boost/mio/asio_bridge/detail/readiness.hpp>
#include <boost/mio/asio_bridge/detail/wait_op.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/event.hpp>
#include <boost/mio/events.hpp>
#include <boost/mio/interest.hpp>
#include <boost/mio/poll.hpp>
#include <boost/mio/registry.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace boost {
namespace mio {
namespace asio_bridge {
namespace detail {

class async_source_core;

// What the core knows of one async_source. Owned (shared) by the
// async_source and by initiations not yet run (deferred tokens); the
// core's slot table points at it while it is attached. Guarded by the
// core's mutex, except the immutable members set at construction.
struct source_state
{
    using deregister_fn = void (*)(void* source, const mio::registry&,
        boost::system::error_code&);

    source_state(std::shared_ptr<async_source_core> c, mio::interest i, void* src,
        deregister_fn dereg) noexcept
        : core(std::move(c)), registered(i), source(src), deregister(dereg)
    {
    }
    ~source_state() { waits.complete_all(delivery::destroy); }

    const std::shared_ptr<async_source_core> core;
    const mio::interest registered;
    void* const source;
    const deregister_fn deregister;

    std::size_t token = 0;
    bool attached = false;
    readiness ready = 0;
    // The latest event seen for each side of the source, and when (in the
    // core's event count). A completion reports one of them: a real event
    // the OS produced, whatever the backend.
    mio::event read_event;
    mio::event write_event;
    std::uint64_t read_seq = 0;
    std::uint64_t write_seq = 0;
    op_list waits;
};

class async_source_core : public std::enable_shared_from_this<async_source_core>
{
public:
    using watcher_type = poll_watcher<boost::asio::any_io_executor>;

    async_source_core() : events_(batch_capacity) {}

    async_source_core(const async_source_core&) = delete;
    async_source_core& operator=(const async_source_core&) = delete;

    const mio::registry& registry() const noexcept { return poll_.registry(); }

    // Creates the watcher on `ex` (once per core).
    void open_watcher(const boost::asio::any_io_executor& ex, const boost::source_location& loc)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (watcher_ || shut_down_)
            return;
        auto w = std::make_unique<watcher_type>(ex);
        boost::system::error_code ec;
        w->attach(poll_, events_, ec);
        mio::detail::throw_error(ec, "basic_async_source", loc);
        watcher_ = std::move(w);
    }

    // Gives `s` a slot and the token that names it in the poll.
    void attach(source_state& s)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        std::size_t index;
        if (!free_slots_.empty())
        {
            index = free_slots_.back();
            free_slots_.pop_back();
        }
        else
        {
            slots_.emplace_back();
            // detach() pushes here under noexcept: make room now.
            free_slots_.reserve(slots_.size());
            index = slots_.size() - 1;
        }
        slots_[index].state = &s;
        s.token = make_token(index, slots_[index].generation);
        s.attached = true;
    }

    // Takes `s` out of the table; its waits move to `aborted` with
    // operation_aborted. Deregister the source from the poll first, so no
    // event of it can come after (it would be dropped anyway: the slot's
    // generation changes).
    void detach(source_state& s, op_list& aborted) noexcept
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!s.attached)
            return;
        s.attached = false;
        const std::size_t index = s.token & index_mask;
        slots_[index].state = nullptr;
        ++slots_[index].generation;
        free_slots_.push_back(index);
        abort_waits(s, aborted);
    }

    // Completes `op` at once into `done` when it can (readiness already
    // seen, invalid interest, detached source), else queues it and makes
    // sure the watcher is armed.
    void start_wait(source_state& s, wait_op* op, op_list& done)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (shut_down_ || !s.attached)
            return finish(op, boost::asio::error::operation_aborted, done);
        if (!is_subset(op->wanted_interest(), s.registered))
            return finish(op, boost::asio::error::invalid_argument, done);
        if ((s.ready & op->wanted()) != 0)
        {
            s.ready &= static_cast<readiness>(~take_readiness(s, *op));
            return finish(op, boost::system::error_code(), done);
        }
        s.waits.push_back(op);
        ++pending_;
        if (!armed_)
        {
            try
            {
                arm();
            }
            catch (...)
            {
                s.waits.remove(op);
                --pending_;
                throw;
            }
        }
    }

    void cancel(source_state& s, op_list& aborted) noexcept
    {
        std::lock_guard<std::mutex> lock(mutex_);
        abort_waits(s, aborted);
    }

    // Per-operation cancellation: aborts the op whose cancellation handler
    // is `key`, if it is still pending.
    void cancel_op(source_state& s, const void* key, op_list& aborted) noexcept
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (wait_op* op = s.waits.front(); op; op = op_list::next(op))
        {
            if (op->cancel_key == key)
            {
                s.waits.remove(op);
                op->ec = boost::asio::error::operation_aborted;
                aborted.push_back(op);
                released(1);
                return;
            }
        }
    }

    // The execution context shuts down: pending handlers are destroyed
    // without being called (Asio's rule), the watcher lets go of the
    // poll's handle, and the core stays usable only for detaching.
    void shutdown() noexcept
    {
        op_list dead;
        std::unique_ptr<watcher_type> watcher;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            shut_down_ = true;
            for (slot& sl : slots_)
                if (sl.state)
                    dead.splice(sl.state->waits);
            pending_ = 0;
            armed_ = false;
            watcher = std::move(watcher_);
        }
        // Outside the lock: destroying a handler may destroy an
        // async_source (a coroutine frame owning one), which locks.
        watcher.reset();
        dead.complete_all(delivery::destroy);
    }

private:
    static constexpr std::size_t batch_capacity = 256;

    // A token is a slot index and that slot's generation, so that a stale
    // event for a source that was replaced in its slot is not taken for
    // the new one.
    static constexpr unsigned half_bits = sizeof(std::size_t) * 4;
    static constexpr std::size_t index_mask = (std::size_t(1) << half_bits) - 1;

    struct slot
    {
        source_state* state = nullptr;
        std::size_t generation = 0;
    };

    static std::size_t make_token(std::size_t index, std::size_t generation) noexcept
    {
        return ((generation & index_mask) << half_bits) | index;
    }

    source_state* lookup(std::size_t token) const noexcept
    {
        const std::size_t index = token & index_mask;
        if (index >= slots_.size())
            return nullptr;
        const slot& sl = slots_[index];
        if (sl.state == nullptr || make_token(index, sl.generation) != token)
            return nullptr;
        return sl.state;
    }

    static void finish(wait_op* op, const boost::system::error_code& ec, op_list& done) noexcept
    {
        op->ec = ec;
        done.push_back(op);
    }

    // Fills op.result with the latest event of a side the op is ready on
    // and returns the edges it consumes: those of the op's interest on each
    // side whose latest event that is (with epoll one event usually shows
    // both sides; a backend that reports sides apart consumes only the one
    // the user was shown, so no edge is dropped unseen).
    static readiness take_readiness(const source_state& s, wait_op& op) noexcept
    {
        const readiness hit = s.ready & op.wanted();
        const mio::interest i = op.wanted_interest();
        const bool read_hit = (i.is_readable() || i.is_priority()) && (hit & read_side) != 0;
        const bool write_hit = i.is_writable() && (hit & write_side) != 0;
        const bool use_read = read_hit && (!write_hit || s.read_seq >= s.write_seq);
        const std::uint64_t seq = use_read ? s.read_seq : s.write_seq;
        op.result = use_read ? s.read_event : s.write_event;
        readiness consumed = 0;
        if (read_hit && s.read_seq == seq)
            consumed |= edges_of(i) & (ready_read | ready_priority);
        if (write_hit && s.write_seq == seq)
            consumed |= edges_of(i) & ready_write;
        return consumed;
    }

    void abort_waits(source_state& s, op_list& aborted) noexcept
    {
        std::size_t n = 0;
        while (wait_op* op = s.waits.pop_front())
        {
            op->ec = boost::asio::error::operation_aborted;
            aborted.push_back(op);
            ++n;
        }
        released(n);
    }

    // `n` pending waits left without an event. When none is left, the
    // watcher's wait is cancelled so that it stops counting as work.
    void released(std::size_t n) noexcept
    {
        pending_ -= n;
        if (n != 0 && pending_ == 0 && armed_ && watcher_)
            watcher_->cancel();
    }

    void arm()
    {
        watcher_->async_wait([self = shared_from_this()](const boost::system::error_code&) {
            self->on_watch();
        });
        armed_ = true;
    }

    void on_watch()
    {
        op_list done;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            armed_ = false;
            if (shut_down_ || pending_ == 0)
                return;
            boost::system::error_code ec;
            watcher_->drain(poll_, events_,
                [&](const mio::events& evs) {
                    deliver(evs, done);
                    return pending_ != 0;
                },
                ec);
            if (pending_ != 0)
                rearm_or_fail(done);
        }
        // This is a completion handler on the sources' executor: the waits
        // complete from here as Asio's own operations do (see delivery).
        done.complete_all(delivery::dispatch);
    }

    // Without a watcher wait the pending ops would never complete: if it
    // cannot be started, they fail instead.
    void rearm_or_fail(op_list& done) noexcept
    {
        try
        {
            arm();
        }
        catch (...)
        {
            for (slot& sl : slots_)
                if (sl.state)
                    while (wait_op* op = sl.state->waits.pop_front())
                        finish(op, boost::asio::error::no_memory, done);
            pending_ = 0;
        }
    }

    void deliver(const mio::events& evs, op_list& done) noexcept
    {
        for (const mio::event& e : evs)
        {
            source_state* s = lookup(e.token().value());
            const readiness r = readiness_of(e);
            if (s == nullptr || r == 0)
                continue;
            s->ready |= r;
            ++event_count_;
            if ((r & read_side) != 0)
            {
                s->read_event = e;
                s->read_seq = event_count_;
            }
            if ((r & write_side) != 0)
            {
                s->write_event = e;
                s->write_seq = event_count_;
            }
            complete_ready(*s, done);
        }
    }

    // Completes every wait of `s` that its readiness satisfies. All of them
    // see the same readiness; what they consume is cleared afterwards.
    void complete_ready(source_state& s, op_list& done) noexcept
    {
        readiness consumed = 0;
        std::size_t n = 0;
        for (wait_op* op = s.waits.front(); op;)
        {
            wait_op* next = op_list::next(op);
            if ((s.ready & op->wanted()) != 0)
            {
                consumed |= take_readiness(s, *op);
                s.waits.remove(op);
                finish(op, boost::system::error_code(), done);
                ++n;
            }
            op = next;
        }
        s.ready &= static_cast<readiness>(~consumed);
        pending_ -= n;
    }

    std::mutex mutex_;
    mio::poll poll_;
    mio::events events_;
    std::vector<slot> slots_;
    std::vector<std::size_t> free_slots_;
    std::unique_ptr<watcher_type> watcher_;
    std::size_t pending_ = 0;
    std::uint64_t event_count_ = 0;
    bool armed_ = false;
    bool shut_down_ = false;
};

} // namespace detail
} // namespace asio_bridge
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_ASIO_BRIDGE_DETAIL_ASYNC_SOURCE_CORE_HPP
