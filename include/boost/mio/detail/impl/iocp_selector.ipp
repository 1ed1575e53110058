//
// boost/mio/detail/impl/iocp_selector.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_IMPL_IOCP_SELECTOR_IPP
#define BOOST_MIO_DETAIL_IMPL_IOCP_SELECTOR_IPP

#include <boost/mio/detail/iocp_selector.hpp>
#include <boost/mio/detail/selector_state.hpp>
#include <boost/mio/error.hpp>
#include <algorithm>
#include <atomic>
#include <climits>
#include <mutex>
#include <new>
#include <utility>
#include <vector>
#include <winsock2.h>
#include <windows.h>

namespace boost {
namespace mio {
namespace detail {

namespace iocp_detail {

// Completion keys. AFD handles complete with key 0 and the socket's state
// as the overlapped pointer; the packets posted here carry no pointer.
constexpr ::ULONG_PTR afd_key = 0;
constexpr ::ULONG_PTR waker_key = 1;
constexpr ::ULONG_PTR interrupt_key = 2;

// mio's poll groups: this many sockets share one AFD handle.
constexpr long max_group_size = 32;

// The error codes of the selector contract, as Windows spells them (each
// compares equal to the errc condition the POSIX backends report).
inline void set_error(boost::system::error_code& ec, int code) noexcept
{
    ec.assign(code, boost::system::system_category());
}
inline void bad_handle(boost::system::error_code& ec) noexcept { set_error(ec, WSAEBADF); }
inline void not_registered(boost::system::error_code& ec) noexcept
{
    set_error(ec, ERROR_FILE_NOT_FOUND);
}
inline void last_error(boost::system::error_code& ec) noexcept
{
    set_error(ec, static_cast<int>(::GetLastError()));
}

// The AFD flags that answer an interest (mio's interests_to_afd_flags).
inline std::uint32_t to_afd(interest i) noexcept
{
    std::uint32_t flags = 0;
    if (i.is_readable())
        flags |= iocp_event_ops::readable_flags | iocp_event_ops::read_closed_flags
            | iocp_event_ops::error_flags;
    if (i.is_writable())
        flags |= iocp_event_ops::writable_flags | iocp_event_ops::write_closed_flags
            | iocp_event_ops::error_flags;
    if (i.is_priority())
        flags |= afd::poll_receive_expedited;
    return flags;
}

} // namespace iocp_detail

// One AFD handle; closed when its last socket (and the core) let go.
struct afd_group
{
    void* handle = nullptr;
    std::atomic<std::size_t>* open_count = nullptr; // iocp_core::afd_handles

    afd_group() = default;
    afd_group(const afd_group&) = delete;
    afd_group& operator=(const afd_group&) = delete;
    ~afd_group()
    {
        if (handle == nullptr)
            return;
        afd::close(handle);
        open_count->fetch_sub(1, std::memory_order_relaxed);
    }
};

struct iocp_sock
{
    enum class poll_state
    {
        idle,      // no poll in flight
        pending,   // a poll for `polled` is in flight
        cancelled  // a poll was cancelled; its completion is still to come
    };

    // Written by the kernel while a poll is in flight: the state is kept
    // (in iocp_core::socks) until its completion has been taken.
    afd::io_status status{};
    afd::poll_request request{};

    std::shared_ptr<afd_group> group;
    std::shared_ptr<iocp_core> core;
    std::uintptr_t base = 0;          // the socket AFD polls
    std::size_t token = 0;
    std::uint32_t registered = 0;     // the interest, as AFD flags
    std::uint32_t armed = 0;          // not reported since it was re-armed
    std::uint32_t polled = 0;         // what the poll in flight asks for
    // Re-armed (would_block, reregister) while a poll was in flight: its
    // completion may already be queued with readiness from before the
    // drain, and must not disarm these again.
    std::uint32_t rearmed = 0;
    poll_state state = poll_state::idle;
    bool deleted = false;             // deregistered or closed
    // A handle registered without state (an Asio socket through
    // asio_bridge::native_source): the library never sees its I/O, so no
    // would_block re-arms it, and it is level-triggered instead (what is
    // ready is reported at every select, as poll(2) does for source_fd).
    // Found by `handle`, since no io_source holds it.
    bool level = false;
    socket_handle handle = invalid_socket_handle;
    std::size_t index = 0;            // in iocp_core::socks
};

struct iocp_core : selector_state
{
    iocp_core() = default;
    iocp_core(const iocp_core&) = delete;
    iocp_core& operator=(const iocp_core&) = delete;
    ~iocp_core()
    {
        if (port != nullptr)
            ::CloseHandle(port);
    }

    // Everything below is guarded by `mutex`: registrations and re-arms
    // start and cancel polls from any thread, and select() takes their
    // completions.

    // Starts, or cancels to restart, the socket's poll so that it asks for
    // what is armed (mio's SockState::update). `ec` is set only if the
    // driver refused the poll for another reason than a closed socket.
    void update(iocp_sock& s, boost::system::error_code& ec) noexcept
    {
        ec.clear();
        if (s.deleted || shut_down)
            return;
        switch (s.state)
        {
        case iocp_sock::poll_state::pending:
            // A poll that misses an armed event is cancelled; its
            // completion starts the new one.
            if ((s.armed & ~s.polled) != 0)
            {
                afd::cancel(s.group->handle, &s.status);
                s.state = iocp_sock::poll_state::cancelled;
            }
            return;
        case iocp_sock::poll_state::cancelled:
            return;
        case iocp_sock::poll_state::idle:
            break;
        }
        s.request.timeout = INT64_MAX;
        s.request.number_of_handles = 1;
        s.request.exclusive = 0;
        s.request.handle = reinterpret_cast<void*>(s.base);
        // LOCAL_CLOSE always: a closed socket must end its poll.
        s.request.events = s.armed | afd::poll_local_close;
        s.request.status = 0;
        if (afd::poll(s.group->handle, &s.request, &s.status, &s, ec))
        {
            s.state = iocp_sock::poll_state::pending;
            s.polled = s.armed;
            return;
        }
        if (ec.value() == ERROR_INVALID_HANDLE)
        {
            // Closed behind the library's back: forgotten, as on epoll.
            ec.clear();
            forget(s);
        }
    }

    // Takes the completion of `s`'s poll; true with `out` filled if it
    // reports an armed event (mio's SockState::feed_event).
    bool feed(iocp_sock& s, iocp_event& out) noexcept
    {
        const std::shared_ptr<iocp_sock> keep = socks[s.index];
        s.state = iocp_sock::poll_state::idle;
        s.polled = 0;
        if (s.deleted)
        {
            remove(s);
            return false;
        }
        std::uint32_t flags = 0;
        if (s.status.status == afd::status_cancelled)
        {
            // Cancelled to ask for more: restarted below.
        }
        else if (s.status.status < 0)
        {
            // The poll itself failed: mio reports it as a connect failure,
            // so that the user's next operation finds the error.
            flags = afd::poll_connect_fail;
        }
        else if (s.request.number_of_handles >= 1)
        {
            if ((s.request.events & afd::poll_local_close) != 0)
            {
                forget(s);
                return false;
            }
            flags = s.request.events;
        }
        flags &= s.armed;
        if (!s.level)
            s.armed &= ~flags; // the emulated edge: disarmed until would_block
        s.armed |= s.rearmed & s.registered;
        s.rearmed = 0;
        boost::system::error_code ignored;
        update(s, ignored);
        if (flags == 0)
            return false;
        out = iocp_event{s.token, flags};
        return true;
    }

    // Deregisters `s`. A poll in flight is cancelled and `s` kept until its
    // completion arrives (the kernel still owns its status block).
    void forget(iocp_sock& s) noexcept
    {
        s.deleted = true;
        if (s.state == iocp_sock::poll_state::pending)
        {
            afd::cancel(s.group->handle, &s.status);
            s.state = iocp_sock::poll_state::cancelled;
        }
        else if (s.state == iocp_sock::poll_state::idle)
            remove(s);
    }

    // Swap-remove from `socks` (O(1)); only for a socket with no poll in
    // flight. May destroy `s`: callers hold a reference if they go on.
    void remove(iocp_sock& s) noexcept
    {
        const std::size_t i = s.index;
        const std::size_t last = socks.size() - 1;
        std::shared_ptr<iocp_sock> gone = std::move(socks[i]);
        if (i != last)
        {
            socks[i] = std::move(socks[last]);
            socks[i]->index = i;
        }
        socks.pop_back();
        gone->group.reset();
    }

    // The live stateless registration of `h`, if any. A scan: such
    // registrations are few (Asio objects handed to a poll) and are looked
    // up on register, reregister and deregister only, never on select.
    iocp_sock* find_level(socket_handle h) const noexcept
    {
        for (const auto& s : socks)
            if (s->level && !s->deleted && s->handle == h)
                return s.get();
        return nullptr;
    }

    // The AFD handle a new socket joins: the current one, or a new one
    // once it serves max_group_size sockets.
    std::shared_ptr<afd_group> join_group(boost::system::error_code& ec)
    {
        ec.clear();
        if (group && group.use_count() - 1 < iocp_detail::max_group_size)
            return group;
        auto g = std::make_shared<afd_group>();
        g->handle = afd::open(port, ec);
        if (ec)
            return nullptr;
        g->open_count = afd_handles.get();
        afd_handles->fetch_add(1, std::memory_order_relaxed);
        group = g;
        return g;
    }

    // The last selector closed: no select() will take completions any
    // more, so every poll is cancelled and its completion drained here
    // (a poll left in flight would write into freed memory), and the
    // sockets are forgotten. Bounded: a driver that never completes a
    // cancelled poll costs a leak, not a hang.
    void shutdown() noexcept
    {
        std::unique_lock<std::mutex> lock(mutex);
        shut_down = true;
        std::size_t in_flight = 0;
        for (const auto& s : socks)
        {
            s->deleted = true;
            if (s->state == iocp_sock::poll_state::pending)
            {
                afd::cancel(s->group->handle, &s->status);
                s->state = iocp_sock::poll_state::cancelled;
            }
            if (s->state != iocp_sock::poll_state::idle)
                ++in_flight;
        }
        for (int round = 0; in_flight > 0 && round < 50; ++round)
        {
            ::OVERLAPPED_ENTRY entries[64];
            ::ULONG n = 0;
            if (!::GetQueuedCompletionStatusEx(port, entries, 64, &n, 100, FALSE))
                continue;
            for (::ULONG k = 0; k < n; ++k)
            {
                if (entries[k].lpOverlapped == nullptr)
                    continue;
                auto* s = reinterpret_cast<iocp_sock*>(entries[k].lpOverlapped);
                s->state = iocp_sock::poll_state::idle;
                --in_flight;
            }
        }
        for (auto& s : socks)
        {
            s->group.reset();
            // Still in flight after the bound: kept alive for good rather
            // than freed under the kernel.
            if (s->state != iocp_sock::poll_state::idle)
                new std::shared_ptr<iocp_sock>(std::move(s));
        }
        socks.clear();
        group.reset();
    }

    ::HANDLE port = nullptr;
    std::mutex mutex;
    std::vector<std::shared_ptr<iocp_sock>> socks;
    std::shared_ptr<afd_group> group;
    bool shut_down = false;
    std::atomic<int> selectors{0};
    std::atomic<std::size_t> waker_token{0};
    // Held apart from the core: a group can outlive it (its last socket's
    // state keeps it).
    std::shared_ptr<std::atomic<std::size_t>> afd_handles
        = std::make_shared<std::atomic<std::size_t>>(0);
};

BOOST_MIO_DECL void iocp_source_state::on_would_block(socket_handle, interest direction) const noexcept
{
    iocp_sock* s = sock_.get();
    if (s == nullptr)
        return;
    iocp_core& c = *s->core;
    std::lock_guard<std::mutex> lock(c.mutex);
    if (s->deleted)
        return;
    const std::uint32_t flags = iocp_detail::to_afd(direction) & s->registered;
    s->armed |= flags;
    if (s->state != iocp_sock::poll_state::idle)
        s->rearmed |= flags;
    boost::system::error_code ignored;
    c.update(*s, ignored);
}

BOOST_MIO_DECL void iocp_source_state::on_close(socket_handle) const noexcept
{
    if (!sock_)
        return;
    {
        iocp_core& c = *sock_->core;
        std::lock_guard<std::mutex> lock(c.mutex);
        if (!sock_->deleted)
            c.forget(*sock_);
    }
    sock_.reset();
}

BOOST_MIO_DECL iocp_selector::iocp_selector(iocp_selector&& other) noexcept
    : core_(std::move(other.core_))
{
}

BOOST_MIO_DECL iocp_selector& iocp_selector::operator=(iocp_selector&& other) noexcept
{
    if (this != &other)
    {
        close();
        core_ = std::move(other.core_);
    }
    return *this;
}

BOOST_MIO_DECL void iocp_selector::open(boost::system::error_code& ec)
{
    close();
    std::shared_ptr<iocp_core> core;
    try
    {
        core = std::make_shared<iocp_core>();
        core->socks.reserve(64);
    }
    catch (const std::bad_alloc&)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
        return;
    }
    core->port = ::CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
    if (core->port == nullptr)
        return iocp_detail::last_error(ec);
    core->selectors.store(1, std::memory_order_relaxed);
    core_ = std::move(core);
    ec.clear();
}

BOOST_MIO_DECL iocp_selector iocp_selector::try_clone(boost::system::error_code& ec) const
{
    iocp_selector clone;
    if (!core_)
    {
        iocp_detail::bad_handle(ec);
        return clone;
    }
    core_->selectors.fetch_add(1, std::memory_order_relaxed);
    clone.core_ = core_;
    ec.clear();
    return clone;
}

BOOST_MIO_DECL void iocp_selector::register_(socket_handle s, std::size_t token, interest i,
    const iocp_source_state* state, boost::system::error_code& ec) const
{
    ec.clear();
    if (!core_ || !is_valid_handle(s))
        return iocp_detail::bad_handle(ec);
    if (state != nullptr && state->sock_)
    {
        std::lock_guard<std::mutex> lock(state->sock_->core->mutex);
        if (!state->sock_->deleted)
            return iocp_detail::set_error(ec, ERROR_ALREADY_EXISTS);
    }
    const std::uintptr_t base = afd::base_socket(s, ec);
    if (ec)
        return;
    std::shared_ptr<iocp_sock> sock;
    try
    {
        sock = std::make_shared<iocp_sock>();
    }
    catch (const std::bad_alloc&)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
        return;
    }
    iocp_core& c = *core_;
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.shut_down)
        return iocp_detail::bad_handle(ec);
    // Without state, the core's table is the only record of the handle.
    if (state == nullptr && c.find_level(s) != nullptr)
        return iocp_detail::set_error(ec, ERROR_ALREADY_EXISTS);
    try
    {
        sock->group = c.join_group(ec);
        if (ec)
            return;
        sock->index = c.socks.size();
        c.socks.push_back(sock);
    }
    catch (const std::bad_alloc&)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
        return;
    }
    sock->core = core_;
    sock->base = base;
    sock->token = token;
    sock->registered = iocp_detail::to_afd(i);
    sock->armed = sock->registered;
    sock->level = state == nullptr;
    sock->handle = s;
    c.update(*sock, ec);
    if (ec || sock->deleted)
    {
        // Refused (a closed socket is forgotten by update already).
        if (!sock->deleted)
            c.forget(*sock);
        if (!ec)
            iocp_detail::bad_handle(ec);
        return;
    }
    if (state != nullptr)
        state->sock_ = std::move(sock);
}

BOOST_MIO_DECL void iocp_selector::reregister(socket_handle s, std::size_t token, interest i,
    const iocp_source_state* state, boost::system::error_code& ec) const
{
    ec.clear();
    if (!core_ || !is_valid_handle(s))
        return iocp_detail::bad_handle(ec);
    if (state != nullptr && (!state->sock_ || state->sock_->core != core_))
        return iocp_detail::not_registered(ec);
    std::lock_guard<std::mutex> lock(core_->mutex);
    iocp_sock* sock = state != nullptr ? state->sock_.get() : core_->find_level(s);
    if (sock == nullptr || sock->deleted)
        return iocp_detail::not_registered(ec);
    sock->token = token;
    sock->registered = iocp_detail::to_afd(i);
    // Reregistering re-arms, as a new registration would. A poll in
    // flight that asks for a dropped interest may still report it; feed()
    // masks it with what is armed.
    sock->armed = sock->registered;
    sock->rearmed = sock->state != iocp_sock::poll_state::idle ? sock->registered : 0;
    core_->update(*sock, ec);
}

BOOST_MIO_DECL void iocp_selector::deregister(socket_handle s, const iocp_source_state* state,
    boost::system::error_code& ec) const
{
    ec.clear();
    if (!core_ || !is_valid_handle(s))
        return iocp_detail::bad_handle(ec);
    if (state != nullptr && (!state->sock_ || state->sock_->core != core_))
        return iocp_detail::not_registered(ec);
    {
        std::lock_guard<std::mutex> lock(core_->mutex);
        iocp_sock* sock = state != nullptr ? state->sock_.get() : core_->find_level(s);
        if (sock == nullptr || sock->deleted)
            iocp_detail::not_registered(ec);
        else
            core_->forget(*sock);
    }
    if (state != nullptr)
        state->sock_.reset();
}

BOOST_MIO_DECL int iocp_selector::select(iocp_event* buf, int capacity,
    std::optional<std::chrono::nanoseconds> timeout, boost::system::error_code& ec)
{
    using clock = std::chrono::steady_clock;
    if (!core_)
    {
        iocp_detail::bad_handle(ec);
        return 0;
    }
    if (capacity <= 0)
    {
        iocp_detail::set_error(ec, WSAEINVAL);
        return 0;
    }
    iocp_core& c = *core_;
    const std::chrono::nanoseconds longest = std::chrono::hours(24 * 365 * 10);
    if (timeout)
        timeout = std::clamp(*timeout, std::chrono::nanoseconds::zero(), longest);
    const clock::time_point deadline = timeout ? clock::now() + *timeout : clock::time_point();

    // Each completion is at most one event, so no more are taken than fit.
    constexpr int batch = 64;
    ::OVERLAPPED_ENTRY entries[batch];
    const ::ULONG wanted = static_cast<::ULONG>(std::min(capacity, batch));
    for (;;)
    {
        ::DWORD ms = INFINITE;
        if (timeout)
        {
            // Rounded up: rounding down would spin on sub-millisecond waits.
            const auto left = std::max(deadline - clock::now(), clock::duration::zero());
            const auto up = std::chrono::ceil<std::chrono::milliseconds>(left).count();
            ms = static_cast<::DWORD>(std::min<long long>(up, INFINITE - 1));
        }
        ::ULONG n = 0;
        if (!::GetQueuedCompletionStatusEx(c.port, entries, wanted, &n, ms, FALSE))
        {
            const ::DWORD e = ::GetLastError();
            if (e != WAIT_TIMEOUT)
            {
                iocp_detail::set_error(ec, static_cast<int>(e));
                return 0;
            }
            ec.clear();
            return 0;
        }
        int out = 0;
        bool interrupted = false;
        {
            std::lock_guard<std::mutex> lock(c.mutex);
            for (::ULONG k = 0; k < n; ++k)
            {
                const ::OVERLAPPED_ENTRY& e = entries[k];
                if (e.lpOverlapped != nullptr)
                {
                    auto* s = reinterpret_cast<iocp_sock*>(e.lpOverlapped);
                    if (c.feed(*s, buf[out]))
                        ++out;
                }
                else if (e.lpCompletionKey == iocp_detail::waker_key)
                {
                    // A packet of a closed waker (abandon_wake cleared the
                    // flag) is no event.
                    if (c.waker_pending.exchange(false, std::memory_order_acq_rel))
                        buf[out++] = iocp_event{c.waker_token.load(std::memory_order_acquire),
                            afd::poll_receive};
                }
                else
                    interrupted = true;
            }
        }
        if (out > 0 || interrupted || (timeout && clock::now() >= deadline))
        {
            ec.clear();
            return out;
        }
        // Only completions that reported nothing (cancelled to re-arm,
        // disarmed events): wait on for the time left.
    }
}

BOOST_MIO_DECL void iocp_selector::interrupt(boost::system::error_code& ec) const
{
    if (!core_)
        return iocp_detail::bad_handle(ec);
    if (!::PostQueuedCompletionStatus(core_->port, 0, iocp_detail::interrupt_key, nullptr))
        return iocp_detail::last_error(ec);
    ec.clear();
}

BOOST_MIO_DECL iocp_selector::native_handle_type iocp_selector::native_handle() const noexcept
{
    return core_ ? core_->port : nullptr;
}

BOOST_MIO_DECL std::size_t iocp_selector::afd_handle_count() const noexcept
{
    return core_ ? core_->afd_handles->load(std::memory_order_relaxed) : 0;
}

BOOST_MIO_DECL void iocp_selector::close() noexcept
{
    if (!core_)
        return;
    if (core_->selectors.fetch_sub(1, std::memory_order_acq_rel) == 1)
        core_->shutdown();
    core_.reset();
}

BOOST_MIO_DECL iocp_waker::iocp_waker(iocp_waker&& other) noexcept : core_(std::move(other.core_)) {}

BOOST_MIO_DECL iocp_waker& iocp_waker::operator=(iocp_waker&& other) noexcept
{
    if (this != &other)
    {
        close();
        core_ = std::move(other.core_);
    }
    return *this;
}

BOOST_MIO_DECL void iocp_waker::open(const iocp_selector& sel, std::size_t token,
    boost::system::error_code& ec)
{
    close();
    const std::shared_ptr<iocp_core>& core = sel.core();
    if (!core)
        return iocp_detail::bad_handle(ec);
    if (core->has_waker.exchange(true, std::memory_order_acq_rel))
    {
        ec = make_error_code(mio::error::waker_already_exists);
        return;
    }
    core->waker_token.store(token, std::memory_order_release);
    core->abandon_wake(); // a packet of an earlier, closed waker is not ours
    core_ = core;
    ec.clear();
}

BOOST_MIO_DECL void iocp_waker::wake(boost::system::error_code& ec) const
{
    if (BOOST_UNLIKELY(!core_))
        return iocp_detail::bad_handle(ec);
    ec.clear();
    if (!core_->begin_wake())
        return; // a packet is queued and not taken yet: it covers this wake
    if (!::PostQueuedCompletionStatus(core_->port, 0, iocp_detail::waker_key, nullptr))
    {
        core_->abandon_wake();
        iocp_detail::last_error(ec);
    }
}

BOOST_MIO_DECL void iocp_waker::close() noexcept
{
    if (core_)
    {
        core_->abandon_wake();
        core_->has_waker.store(false, std::memory_order_release);
        core_.reset();
    }
}

BOOST_MIO_DECL iocp_waker::native_handle_type iocp_waker::native_handle() const noexcept
{
    return core_ ? core_->port : nullptr;
}

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IMPL_IOCP_SELECTOR_IPP
