//
// boost/mio/detail/impl/iocp_core.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The state the IOCP backend shares between a poll, its clones, its
// waker and its sockets' source states: the completion port, the AFD
// poll groups, each socket's poll state (iocp_sock) and the named pipes'
// handle sources. The operations of the selector that use it are in
// iocp_selector.ipp; this header is included only there and by the
// named pipe's implementation.

#ifndef BOOST_MIO_DETAIL_IMPL_IOCP_CORE_HPP
#define BOOST_MIO_DETAIL_IMPL_IOCP_CORE_HPP

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
// as the overlapped pointer; the packets posted here carry no pointer; an
// iocp_handle_source's handle completes with its address as the key.
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

inline std::uint32_t to_afd(interest i) noexcept { return iocp_event_ops::flags_for(i); }

// Any larger key is an iocp_handle_source's address.
inline iocp_handle_source* handle_source(::ULONG_PTR key) noexcept
{
    return key > interrupt_key ? reinterpret_cast<iocp_handle_source*>(key) : nullptr;
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

    void keep(const std::shared_ptr<iocp_handle_source>& h)
    {
        h->index_ = handle_sources.size();
        handle_sources.push_back(h);
    }

    // Swap-remove from `handle_sources` (O(1)), once it is finished.
    void drop(iocp_handle_source& h) noexcept
    {
        const std::size_t i = h.index_;
        if (i >= handle_sources.size() || handle_sources[i].get() != &h)
            return; // dropped already
        h.index_ = static_cast<std::size_t>(-1);
        std::shared_ptr<iocp_handle_source> gone = std::move(handle_sources[i]);
        if (i + 1 != handle_sources.size())
        {
            handle_sources[i] = std::move(handle_sources.back());
            handle_sources[i]->index_ = i;
        }
        handle_sources.pop_back();
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
        for (const auto& h : handle_sources)
            in_flight += h->abandon();
        for (int round = 0; in_flight > 0 && round < 50; ++round)
        {
            ::OVERLAPPED_ENTRY entries[64];
            ::ULONG n = 0;
            if (!::GetQueuedCompletionStatusEx(port, entries, 64, &n, 100, FALSE))
                continue;
            for (::ULONG k = 0; k < n; ++k)
            {
                if (iocp_handle_source* h = iocp_detail::handle_source(entries[k].lpCompletionKey))
                {
                    iocp_event ignored;
                    h->complete(entries[k].lpOverlapped, entries[k].dwNumberOfBytesTransferred,
                        ignored);
                    --in_flight;
                    continue;
                }
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
        for (auto& h : handle_sources)
            if (!h->finished())
                new std::shared_ptr<iocp_handle_source>(std::move(h));
        handle_sources.clear();
        group.reset();
    }

    ::HANDLE port = nullptr;
    std::mutex mutex;
    std::vector<std::shared_ptr<iocp_sock>> socks;
    std::vector<std::shared_ptr<iocp_handle_source>> handle_sources;
    std::shared_ptr<afd_group> group;
    bool shut_down = false;
    std::atomic<int> selectors{0};
    std::atomic<std::size_t> waker_token{0};
    // Held apart from the core: a group can outlive it (its last socket's
    // state keeps it).
    std::shared_ptr<std::atomic<std::size_t>> afd_handles
        = std::make_shared<std::atomic<std::size_t>>(0);
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IMPL_IOCP_CORE_HPP
