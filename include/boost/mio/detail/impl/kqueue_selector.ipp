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
#include <boost/mio/detail/posix_ops.hpp>
#include <boost/mio/error.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <fcntl.h>
#include <mutex>
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

// Which filters an interest needs. kqueue has no filter for priority (mio
// ignores it): a priority interest watches EVFILT_READ, which urgent data
// makes readable, so that it is a registration like any other
// (deregistered without ENOENT) and never yields an is_priority() event.
inline unsigned char filters_of(interest i) noexcept
{
    unsigned char f = 0;
    if (i.is_readable() || i.is_priority())
        f |= kqueue_registration::read_filter;
    if (i.is_writable())
        f |= kqueue_registration::write_filter;
    return f;
}

// Appends `flags` changes of the filters in `filters` to `changes` at `n`,
// EVFILT_WRITE first (libkqueue keeps EPOLLRDHUP only for the filter added
// last on an fd, and the read filter needs it). Returns the new count.
inline int filter_changes(kev* changes, int n, int fd, unsigned char filters,
    unsigned short flags, std::size_t token) noexcept
{
    const auto ident = static_cast<std::uintptr_t>(fd);
    if ((filters & kqueue_registration::write_filter) != 0)
        changes[n++] = change(ident, EVFILT_WRITE, flags, token);
    if ((filters & kqueue_registration::read_filter) != 0)
        changes[n++] = change(ident, EVFILT_READ, flags, token);
    return n;
}

inline constexpr unsigned short add_flags = EV_ADD | EV_CLEAR | EV_RECEIPT;

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

// Whether any of the first `n` receipts succeeded (a delete or an enable
// that found its knote).
inline bool any_found(const kev* changes, int n) noexcept
{
    for (int k = 0; k < n; ++k)
        if (changes[k].data == 0)
            return true;
    return false;
}

// The table entry of `fd`, grown to hold it (bad_alloc escapes).
inline kqueue_registration& entry_for(std::vector<kqueue_registration>& table, int fd)
{
    const auto i = static_cast<std::size_t>(fd);
    if (i >= table.size())
        table.resize(std::max<std::size_t>(i + 1, table.size() * 2));
    return table[i];
}

// The table entry of `fd` if it has one.
inline kqueue_registration* find_entry(std::vector<kqueue_registration>& table, int fd) noexcept
{
    const auto i = static_cast<std::size_t>(fd);
    return i < table.size() && table[i].filters != 0 ? &table[i] : nullptr;
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
BOOST_MIO_DECL void kqueue_forget(kqueue_state& state, int fd) noexcept
{
    kqueue_detail::kev changes[4];
    const int n = kqueue_detail::deletions(changes, fd);
    const ::timespec zero{};
    const std::lock_guard<std::mutex> lock(state.registrations_mutex);
    ::kevent(state.shared_fd, changes, n, changes, n, &zero);
    if (kqueue_registration* e = kqueue_detail::find_entry(state.registrations, fd))
        *e = kqueue_registration{};
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
#endif

#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED) || defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
BOOST_MIO_DECL kqueue_state::~kqueue_state()
{
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    // Closing an fd drops its knotes, so these need no EV_DELETE.
    if (interrupt_read >= 0)
        posix_ops::close(interrupt_read);
    if (interrupt_write >= 0)
        posix_ops::close(interrupt_write);
#endif
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    if (shared_fd >= 0)
    {
        ::close(shared_fd);
        // A kernel frees a queue when its last fd is closed; wait until
        // libkqueue has too, so that closing a poll releases its fds.
        if (libkqueue_drain_pending_close != nullptr)
            libkqueue_drain_pending_close();
    }
#endif
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
    kq_ = fd;
    state_ = std::move(state);
    // The interrupt knote exists from the start, so interrupt() is one
    // trigger (or one write) and can never fail for want of memory in the
    // kernel.
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    int fds[2];
    posix_ops::make_pipe(fds, ec);
    if (ec)
        return close();
    state_->interrupt_read = fds[0];
    state_->interrupt_write = fds[1];
    kqueue_detail::kev add = kqueue_detail::change(
        static_cast<std::uintptr_t>(fds[0]), EVFILT_READ, kqueue_detail::add_flags);
#else
    kqueue_detail::kev add = kqueue_detail::change(
        interrupt_ident, EVFILT_USER, EV_ADD | EV_CLEAR | EV_RECEIPT);
#endif
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
    // A dup: a new handle to the same queue, as mio's try_clone. A kernel
    // takes it for the queue; libkqueue does not know it, so a clone keeps
    // calling kevent() on the fd kqueue() returned (queue_fd()).
    const int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
    {
        set_errno(ec);
        return clone;
    }
    clone.fd_ = fd;
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    clone.kq_ = kq_;
#else
    clone.kq_ = fd;
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
    if (::kevent(kq_, changes, n, changes, n, &zero) < 0)
        return set_errno(ec, kqueue_detail::call_errno());
    ec.clear();
}

BOOST_MIO_DECL void kqueue_selector::register_(int fd, std::size_t token, interest i,
    const kqueue_source_state* source, boost::system::error_code& ec) const
{
    if (BOOST_UNLIKELY(kq_ < 0 || fd < 0))
        return set_errno(ec, EBADF);
    kqueue_state& state = *state_;
    const std::lock_guard<std::mutex> lock(state.registrations_mutex);
    kqueue_registration* entry = kqueue_detail::find_entry(state.registrations, fd);
    kqueue_detail::kev changes[4];
    if (entry != nullptr)
    {
        // Does the kernel still have the knotes? Enabling them with the
        // token they carry changes nothing if they exist (EV_CLEAR only
        // because libkqueue refuses a socket's change without it; a kernel
        // ignores it without EV_ADD).
        const int n = kqueue_detail::filter_changes(changes, 0, fd, entry->filters,
            EV_ENABLE | EV_CLEAR | EV_RECEIPT, entry->token);
        apply(changes, n, ec);
        if (ec)
            return;
        if (kqueue_detail::any_found(changes, n))
            return set_errno(ec, EEXIST);
        *entry = kqueue_registration{}; // closed and reused: the entry was stale
    }
    try
    {
        entry = &kqueue_detail::entry_for(state.registrations, fd);
    }
    catch (const std::bad_alloc&)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
        return;
    }
    const unsigned char filters = kqueue_detail::filters_of(i);
    const int n = kqueue_detail::filter_changes(changes, 0, fd, filters,
        kqueue_detail::add_flags, token);
    apply(changes, n, ec);
    if (ec)
        return;
    if (const int err = kqueue_detail::receipt_error(changes, n))
    {
        // Take back a filter that was added before the other failed.
        kqueue_detail::kev undo[4];
        apply(undo, kqueue_detail::deletions(undo, fd), ec);
        return set_errno(ec, err);
    }
    *entry = kqueue_registration{token, filters};
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    if (source != nullptr)
        source->registered_with(state_);
#else
    (void)source;
#endif
}

BOOST_MIO_DECL void kqueue_selector::reregister(int fd, std::size_t token, interest i,
    const kqueue_source_state* source, boost::system::error_code& ec) const
{
    change_registration(fd, token, kqueue_detail::filters_of(i), ec);
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    if (!ec && source != nullptr)
        source->registered_with(state_);
#else
    (void)source;
#endif
}

BOOST_MIO_DECL void kqueue_selector::deregister(int fd, const kqueue_source_state*,
    boost::system::error_code& ec) const
{
    change_registration(fd, 0, 0, ec);
}

// Deletes both filters of a registered fd, then adds `filters` (none for
// a deregister), in one call whose deletes' receipts say whether the fd
// was registered.
BOOST_MIO_DECL void kqueue_selector::change_registration(int fd, std::size_t token,
    unsigned char filters, boost::system::error_code& ec) const
{
    if (BOOST_UNLIKELY(kq_ < 0 || fd < 0))
        return set_errno(ec, EBADF);
    kqueue_state& state = *state_;
    const std::lock_guard<std::mutex> lock(state.registrations_mutex);
    kqueue_registration* entry = kqueue_detail::find_entry(state.registrations, fd);
    if (entry == nullptr) // nothing registered it: no knote can exist
        return set_errno(ec, kqueue_detail::not_registered_error(fd));
    kqueue_detail::kev changes[4];
    const int n = kqueue_detail::filter_changes(changes, kqueue_detail::deletions(changes, fd),
        fd, filters, kqueue_detail::add_flags, token);
    apply(changes, n, ec);
    if (ec)
        return;
    const int err = kqueue_detail::receipt_error(changes, n);
    if (err != 0 || !kqueue_detail::any_found(changes, 2))
    {
        // Closed since it was registered (a kernel dropped the knotes), or
        // a filter could not be added: take back what this call added.
        *entry = kqueue_registration{};
        kqueue_detail::kev undo[4];
        apply(undo, kqueue_detail::deletions(undo, fd), ec);
        return set_errno(ec, err != 0 ? err : kqueue_detail::not_registered_error(fd));
    }
    *entry = kqueue_registration{token, filters};
}

BOOST_MIO_DECL int kqueue_selector::wait_for(native_event* buf, int capacity,
    std::chrono::nanoseconds timeout) const noexcept
{
    // A timespec carries nanoseconds: no rounding. libkqueue hands it to
    // epoll_pwait2 where the kernel has it and rounds up to milliseconds
    // otherwise (never down to a busy loop).
    const ::timespec ts = kqueue_detail::to_timespec(timeout);
    return ::kevent(kq_, nullptr, 0, buf, capacity, &ts);
}

BOOST_MIO_DECL void kqueue_selector::wait_failed(boost::system::error_code& ec) const noexcept
{
    set_errno(ec, kqueue_detail::call_errno());
}

BOOST_MIO_DECL int kqueue_selector::drop_interrupts(native_event* buf, int n) const noexcept
{
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    const auto ident = static_cast<std::uintptr_t>(state_->interrupt_read);
    const short filter = EVFILT_READ;
    // Every byte is one interrupt() that has now been seen: empty the pipe
    // so that it never fills (EV_CLEAR needs no drain for the next edge).
    char drain[64];
    while (::read(state_->interrupt_read, drain, sizeof drain) > 0)
    {
    }
#else
    const std::uintptr_t ident = interrupt_ident;
    const short filter = EVFILT_USER;
#endif
    native_event* end = std::remove_if(buf, buf + n, [&](const native_event& e) {
        return e.filter == filter && e.ident == ident;
    });
    return static_cast<int>(end - buf);
}

BOOST_MIO_DECL void kqueue_selector::interrupt(boost::system::error_code& ec) const
{
    if (BOOST_UNLIKELY(kq_ < 0))
        return set_errno(ec, EBADF);
    // Before the trigger, so that the select() that sees its event also
    // sees the flag (the queue's lock orders the two).
    state_->interrupted.store(true, std::memory_order_release);
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    const char byte = 1;
    // A full pipe (EAGAIN) already has an unseen edge that ends the wait.
    if (::write(state_->interrupt_write, &byte, 1) < 0 && errno != EAGAIN)
        return set_errno(ec);
    ec.clear();
#else
    kqueue_detail::kev trigger
        = kqueue_detail::change(interrupt_ident, EVFILT_USER, EV_RECEIPT, 0, NOTE_TRIGGER);
    apply(&trigger, 1, ec);
    if (!ec && trigger.data != 0)
        set_errno(ec, static_cast<int>(trigger.data));
#endif
}

BOOST_MIO_DECL void kqueue_selector::close() noexcept
{
    // Under emulation the original's handle is the shared fd, which the
    // shared state closes with the last selector; a clone's is its own.
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    if (fd_ >= 0 && fd_ != kq_)
#else
    if (fd_ >= 0)
#endif
        ::close(fd_);
    fd_ = -1;
    kq_ = -1;
    state_.reset();
}

} // namespace detail
} // namespace mio
} // namespace boost

#include <boost/mio/detail/impl/kqueue_waker.ipp>

#endif // BOOST_MIO_DETAIL_IMPL_KQUEUE_SELECTOR_IPP
