//
// boost/mio/detail/impl/kqueue_selector.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_IMPL_KQUEUE_SELECTOR_IPP
#define BOOST_MIO_DETAIL_IMPL_KQUEUE_SELECTOR_IPP

#include <boost/mio/detail/kqueue_selector.hpp>
#include <boost/mio/detail/errno_error.hpp>
#include <boost/mio/error.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <fcntl.h>
#include <new>
#include <unistd.h>

namespace boost {
namespace mio {
namespace detail {
namespace kqueue_detail {

using kev = struct ::kevent;

inline kev change(std::uintptr_t ident, short filter, unsigned short flags,
    std::size_t token = 0, unsigned fflags = 0) noexcept
{
    kev e{}; // no uninitialised field reaches the kernel
    e.ident = ident;
    e.filter = filter;
    e.flags = flags;
    e.fflags = fflags;
    e.udata = kevent_ops::to_udata(token);
    return e;
}

// EV_DELETE of both filters: their receipts say whether the handle was
// registered. Every registration change list starts with them.
inline int deletions(kev (&changes)[4], int fd) noexcept
{
    const auto ident = static_cast<std::uintptr_t>(fd);
    changes[0] = change(ident, EVFILT_READ, EV_DELETE | EV_RECEIPT);
    changes[1] = change(ident, EVFILT_WRITE, EV_DELETE | EV_RECEIPT);
    return 2;
}

// The deletions, then EV_ADD|EV_CLEAR of each filter in the interest.
// Returns how many changes. kqueue has no filter for priority (mio ignores
// it): a priority interest watches EVFILT_READ, which urgent data makes
// readable, so that it is a registration like any other (deregistered
// without ENOENT) and never yields an is_priority() event.
inline int registration(kev (&changes)[4], int fd, std::size_t token, interest i) noexcept
{
    const auto ident = static_cast<std::uintptr_t>(fd);
    int n = deletions(changes, fd);
    if (i.is_readable() || i.is_priority())
        changes[n++] = change(ident, EVFILT_READ, EV_ADD | EV_CLEAR | EV_RECEIPT, token);
    if (i.is_writable())
        changes[n++] = change(ident, EVFILT_WRITE, EV_ADD | EV_CLEAR | EV_RECEIPT, token);
    return n;
}

// The first error among the receipts that is one: ENOENT from a delete
// only says the filter was not registered, and EPIPE from adding
// EVFILT_WRITE comes from a pipe whose reader is gone on macOS, whose
// registration succeeds all the same (mio ignores both).
inline int receipt_error(const kev* changes, int n) noexcept
{
    for (int k = 0; k < n; ++k)
    {
        const int err = static_cast<int>(changes[k].data);
        if (err == 0)
            continue;
        if (err == ENOENT && (changes[k].flags & EV_DELETE) != 0)
            continue;
        if (err == EPIPE && changes[k].filter == EVFILT_WRITE)
            continue;
        return err;
    }
    return 0;
}

// Whether either of the two leading deletes found a knote.
inline bool was_registered(const kev* changes) noexcept
{
    return changes[0].data == 0 || changes[1].data == 0;
}

// errno after a failed kevent() call. libkqueue says ENOENT for an fd that
// is not one of its queues; a kernel says EBADF, which we follow (kevent()
// itself never fails with ENOENT on BSD: that is only a receipt's).
inline int call_errno() noexcept
{
    return errno == ENOENT ? EBADF : errno;
}

// The error of a change list whose deletes found nothing: ENOENT, or EBADF
// if `fd` is no open descriptor. A kernel checks the fd before it looks for
// knotes; libkqueue looks only for knotes and says ENOENT for both.
inline int not_registered_error(int fd) noexcept
{
    return ::fcntl(fd, F_GETFD) < 0 && errno == EBADF ? EBADF : ENOENT;
}

inline ::timespec to_timespec(std::chrono::nanoseconds t) noexcept
{
    ::timespec ts{};
    if (t.count() > 0)
    {
        ts.tv_sec = static_cast<std::time_t>(t.count() / 1000000000);
        ts.tv_nsec = static_cast<long>(t.count() % 1000000000);
    }
    return ts;
}

} // namespace kqueue_detail

#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
BOOST_MIO_DECL void kqueue_forget(int kq, int fd) noexcept
{
    kqueue_detail::kev changes[4];
    const int n = kqueue_detail::deletions(changes, fd);
    const ::timespec zero{};
    ::kevent(kq, changes, n, changes, n, &zero);
}

} // namespace detail
} // namespace mio
} // namespace boost

// libkqueue frees a closed queue (its epoll fd, its pipe's other end) on
// a thread of its own, some time after close(2); this call waits for
// that. Weak: an older installed libkqueue may not have it.
extern "C" __attribute__((weak)) void libkqueue_drain_pending_close(void);

namespace boost {
namespace mio {
namespace detail {

BOOST_MIO_DECL kqueue_state::~kqueue_state()
{
    if (shared_fd >= 0)
    {
        ::close(shared_fd);
        // A kernel frees a queue when its last fd is closed; wait until
        // libkqueue has too, so that closing a poll releases its fds.
        if (libkqueue_drain_pending_close != nullptr)
            libkqueue_drain_pending_close();
    }
}
#endif

BOOST_MIO_DECL void kqueue_selector::open(boost::system::error_code& ec)
{
    close();
    std::shared_ptr<kqueue_state> state;
    try
    {
        state = std::make_shared<kqueue_state>();
    }
    catch (const std::bad_alloc&)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
        return;
    }
    const int fd = ::kqueue();
    if (fd < 0)
        return set_errno(ec);
    // A BSD kernel does not pass a kqueue to a forked child, but exec
    // after a plain dup2 would; libkqueue's fd is already O_CLOEXEC.
    // (kqueuex(KQUEUE_CLOEXEC) and kqueue1(O_CLOEXEC) exist only on
    // recent FreeBSD and NetBSD; the window before fcntl is harmless here
    // for the reason above.)
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0 || ((flags & FD_CLOEXEC) == 0 && ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0))
    {
        set_errno(ec);
        ::close(fd);
        return;
    }
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    state->shared_fd = fd;
#endif
    fd_ = fd;
    state_ = std::move(state);
    // The interrupt knote exists from the start, so interrupt() is one
    // trigger and can never fail for want of memory in the kernel.
    kqueue_detail::kev add = kqueue_detail::change(
        interrupt_ident, EVFILT_USER, EV_ADD | EV_CLEAR | EV_RECEIPT);
    apply(&add, 1, ec);
    if (!ec && add.data != 0)
        set_errno(ec, static_cast<int>(add.data));
    if (ec)
        close();
}

BOOST_MIO_DECL kqueue_selector kqueue_selector::try_clone(boost::system::error_code& ec) const
{
    kqueue_selector clone;
    if (fd_ < 0)
    {
        set_errno(ec, EBADF);
        return clone;
    }
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    // The same fd: libkqueue does not know a dup (see kqueue_state).
    clone.fd_ = fd_;
#else
    // A dup names the same queue, as mio's try_clone does.
    const int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
    {
        set_errno(ec);
        return clone;
    }
    clone.fd_ = fd;
#endif
    clone.state_ = state_;
    ec.clear();
    return clone;
}

BOOST_MIO_DECL void kqueue_selector::apply(native_event* changes, int n,
    boost::system::error_code& ec) const
{
    // The output array is the change list, sized to it: with room for
    // more, kevent() would also return pending events after the receipts.
    // A zero timeout, so that nothing can block: EINTR (after which every
    // change has been applied but the receipts may be unwritten, kevent(2))
    // can only interrupt a wait, and this call never waits.
    const ::timespec zero{};
    if (::kevent(fd_, changes, n, changes, n, &zero) < 0)
        return set_errno(ec, kqueue_detail::call_errno());
    ec.clear();
}

BOOST_MIO_DECL void kqueue_selector::register_(int fd, std::size_t token, interest i,
    const kqueue_source_state* source, boost::system::error_code& ec) const
{
    kqueue_detail::kev changes[4];
    const int n = kqueue_detail::registration(changes, fd, token, i);
    apply(changes, n, ec);
    if (ec)
        return;
    if (const int err = kqueue_detail::receipt_error(changes, n))
        return set_errno(ec, err);
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    if (source != nullptr)
        source->registered_with(fd_);
#else
    (void)source;
#endif
    if (kqueue_detail::was_registered(changes))
        set_errno(ec, EEXIST);
}

BOOST_MIO_DECL void kqueue_selector::reregister(int fd, std::size_t token, interest i,
    const kqueue_source_state* source, boost::system::error_code& ec) const
{
    kqueue_detail::kev changes[4];
    const int n = kqueue_detail::registration(changes, fd, token, i);
    apply(changes, n, ec);
    if (ec)
        return;
    if (const int err = kqueue_detail::receipt_error(changes, n))
        return set_errno(ec, err);
    if (!kqueue_detail::was_registered(changes))
    {
        // Not registered: take back the knotes just added.
        deregister(fd, nullptr, ec);
        return set_errno(ec, kqueue_detail::not_registered_error(fd));
    }
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    if (source != nullptr)
        source->registered_with(fd_);
#else
    (void)source;
#endif
}

BOOST_MIO_DECL void kqueue_selector::deregister(int fd, const kqueue_source_state*,
    boost::system::error_code& ec) const
{
    kqueue_detail::kev changes[4];
    const int n = kqueue_detail::deletions(changes, fd);
    apply(changes, n, ec);
    if (ec)
        return;
    if (const int err = kqueue_detail::receipt_error(changes, n))
        return set_errno(ec, err);
    if (!kqueue_detail::was_registered(changes))
        set_errno(ec, kqueue_detail::not_registered_error(fd));
}

BOOST_MIO_DECL int kqueue_selector::wait_for(native_event* buf, int capacity,
    std::chrono::nanoseconds timeout) const noexcept
{
    // A timespec carries nanoseconds: no rounding. libkqueue hands it to
    // epoll_pwait2 where the kernel has it and rounds up to milliseconds
    // otherwise (never down to a busy loop).
    const ::timespec ts = kqueue_detail::to_timespec(timeout);
    return ::kevent(fd_, nullptr, 0, buf, capacity, &ts);
}

BOOST_MIO_DECL void kqueue_selector::wait_failed(boost::system::error_code& ec) const noexcept
{
    set_errno(ec, kqueue_detail::call_errno());
}

BOOST_MIO_DECL int kqueue_selector::drop_interrupts(native_event* buf, int n) const noexcept
{
    native_event* end = std::remove_if(buf, buf + n, [](const native_event& e) {
        return e.filter == EVFILT_USER && e.ident == interrupt_ident;
    });
    return static_cast<int>(end - buf);
}

BOOST_MIO_DECL void kqueue_selector::interrupt(boost::system::error_code& ec) const
{
    if (BOOST_UNLIKELY(fd_ < 0))
        return set_errno(ec, EBADF);
    // Before the trigger, so that the select() that sees its event also
    // sees the flag (the queue's lock orders the two).
    state_->interrupted.store(true, std::memory_order_release);
    kqueue_detail::kev trigger
        = kqueue_detail::change(interrupt_ident, EVFILT_USER, EV_RECEIPT, 0, NOTE_TRIGGER);
    apply(&trigger, 1, ec);
    if (!ec && trigger.data != 0)
        set_errno(ec, static_cast<int>(trigger.data));
}

BOOST_MIO_DECL void kqueue_selector::close() noexcept
{
#if !defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    if (fd_ >= 0)
        ::close(fd_);
#endif
    // libkqueue: the shared state closes the one fd with the last clone.
    fd_ = -1;
    state_.reset();
}

BOOST_MIO_DECL void kqueue_waker::open(const kqueue_selector& sel, std::size_t token,
    boost::system::error_code& ec)
{
    close();
    kqueue_state* state = sel.state();
    if (!sel.is_open() || state == nullptr)
        return set_errno(ec, EBADF);
    if (state->has_waker.exchange(true, std::memory_order_acq_rel))
    {
        ec = make_error_code(mio::error::waker_already_exists);
        return;
    }
    kqueue_selector clone = sel.try_clone(ec);
    kqueue_detail::kev add = kqueue_detail::change(
        kqueue_selector::waker_ident, EVFILT_USER, EV_ADD | EV_CLEAR | EV_RECEIPT, token);
    if (!ec)
        clone.apply(&add, 1, ec);
    if (!ec && add.data != 0)
        set_errno(ec, static_cast<int>(add.data));
    if (ec)
    {
        state->has_waker.store(false, std::memory_order_release);
        return;
    }
    // A wake() of an earlier, now closed waker may have left the flag set.
    state->abandon_wake();
    sel_ = std::move(clone);
    token_ = token;
}

BOOST_MIO_DECL void kqueue_waker::wake(boost::system::error_code& ec) const
{
    if (BOOST_UNLIKELY(!sel_.is_open()))
        return set_errno(ec, EBADF);
    ec.clear();
    kqueue_state* state = sel_.state();
    if (!state->begin_wake())
        return; // an earlier trigger has not been consumed: it covers this one
    // The token again: a BSD kernel stores the udata of every change to a
    // knote, so a trigger without it would deliver token 0.
    kqueue_detail::kev trigger = kqueue_detail::change(
        kqueue_selector::waker_ident, EVFILT_USER, EV_RECEIPT, token_, NOTE_TRIGGER);
    sel_.apply(&trigger, 1, ec);
    if (!ec && trigger.data != 0)
        set_errno(ec, static_cast<int>(trigger.data));
    if (ec)
        state->abandon_wake();
}

BOOST_MIO_DECL void kqueue_waker::close() noexcept
{
    if (!sel_.is_open())
        return;
    // Remove the knote, so that a trigger not yet reported cannot reach a
    // wait after the waker is gone (closing an eventfd does the same).
    kqueue_detail::kev del
        = kqueue_detail::change(kqueue_selector::waker_ident, EVFILT_USER, EV_DELETE | EV_RECEIPT);
    boost::system::error_code ignored;
    sel_.apply(&del, 1, ignored);
    kqueue_state* state = sel_.state();
    state->abandon_wake();
    state->has_waker.store(false, std::memory_order_release);
    sel_.close();
}

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IMPL_KQUEUE_SELECTOR_IPP
