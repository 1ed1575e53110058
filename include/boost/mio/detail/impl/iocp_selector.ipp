//
// boost/mio/detail/impl/iocp_selector.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_IMPL_IOCP_SELECTOR_IPP
#define BOOST_MIO_DETAIL_IMPL_IOCP_SELECTOR_IPP

#include <boost/mio/detail/impl/iocp_core.hpp>
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

BOOST_MIO_DECL void iocp_attach(iocp_core& c, void* handle,
    const std::shared_ptr<iocp_handle_source>& src, boost::system::error_code& ec)
{
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.shut_down)
        return iocp_detail::bad_handle(ec);
    try
    {
        if (c.handle_sources.size() == c.handle_sources.capacity())
            c.handle_sources.reserve(std::max<std::size_t>(16, 2 * c.handle_sources.capacity()));
    }
    catch (const std::bad_alloc&)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
        return;
    }
    const auto key = reinterpret_cast<::ULONG_PTR>(src.get());
    if (::CreateIoCompletionPort(handle, c.port, key, 0) == nullptr)
        return iocp_detail::last_error(ec);
    c.keep(src); // reserved above: cannot throw
    ec.clear();
}

BOOST_MIO_DECL void iocp_release(iocp_core& c, iocp_handle_source& src) noexcept
{
    std::lock_guard<std::mutex> lock(c.mutex);
    if (src.finished())
        c.drop(src);
}

BOOST_MIO_DECL bool iocp_post(iocp_core& c, iocp_handle_source& src, void* overlapped,
    std::uint32_t bytes) noexcept
{
    return ::PostQueuedCompletionStatus(c.port, bytes, reinterpret_cast<::ULONG_PTR>(&src),
               static_cast<::OVERLAPPED*>(overlapped))
        != 0;
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
                if (iocp_handle_source* h = iocp_detail::handle_source(e.lpCompletionKey))
                {
                    if (h->complete(e.lpOverlapped, e.dwNumberOfBytesTransferred, buf[out]))
                        ++out;
                    if (h->finished())
                        c.drop(*h);
                }
                else if (e.lpOverlapped != nullptr)
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
