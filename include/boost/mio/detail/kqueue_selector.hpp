//
// boost/mio/detail/kqueue_selector.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The BSD and macOS backend: kqueue for readiness, EVFILT_USER for the
// waker. The contract is written in detail/selector.hpp; the design
// follows mio's src/sys/unix/selector/kqueue.rs.
//
// Registration. Every filter is added EV_CLEAR (edge-triggered) and with
// EV_RECEIPT, so that kevent() answers each change with its own receipt
// and one call reports the error of each filter. kqueue's EV_ADD is
// idempotent and the kernel has no way to ask whether a knote exists
// without changing it (EV_ENABLE and EV_DISABLE rewrite its udata, our
// token), yet the contract wants EEXIST and ENOENT. So each call starts
// with EV_DELETE of both filters in the same change list: their receipts
// say whether the handle was registered (ENOENT for a filter that was
// not), the adds that follow install the new interest, and the kernel
// stays the only record (no table, no lock, one syscall). What this costs:
//  - a second register_ reports EEXIST, but its change has been applied:
//    the registration now has the new token and interest (what EV_ADD
//    alone, mio's behaviour, would have done silently);
//  - a reregister of an unregistered handle adds and removes the knotes
//    again before it reports ENOENT, so a select() running at that moment
//    may see one event with the token passed to that reregister.
//
// libkqueue (Linux, where this backend is tested): a user-space kqueue
// whose handle is the write end of a pipe it watches to learn that the
// queue was closed. It differs from a BSD kernel in three ways that this
// file follows the kernel through (see BOOST_MIO_DETAIL_KQUEUE_EMULATED):
// it cannot see close(2), so a closed fd keeps its knotes (the library's
// own sources delete theirs before closing: kqueue_source_state); only
// the fd kqueue() returned names the queue (a dup is unknown to it), so
// clones share that one fd; and that fd is not pollable, so the Asio
// bridge waits for it on a thread (has_pollable_handle).

#ifndef BOOST_MIO_DETAIL_KQUEUE_SELECTOR_HPP
#define BOOST_MIO_DETAIL_KQUEUE_SELECTOR_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/errno_error.hpp>
#include <boost/mio/detail/kqueue_event.hpp>
#include <boost/mio/detail/selector_state.hpp>
#include <boost/mio/detail/source_state.hpp>
#include <boost/mio/interest.hpp>
#include <boost/system/error_code.hpp>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#include <ctime>

#if !defined(__APPLE__) && !defined(__FreeBSD__) && !defined(__NetBSD__) \
    && !defined(__OpenBSD__) && !defined(__DragonFly__)
// kqueue is not the kernel's here: it is libkqueue's emulation.
#  define BOOST_MIO_DETAIL_KQUEUE_EMULATED
#endif

#if !defined(EVFILT_USER)
// OpenBSD before 7.6 and NetBSD before 10 lack it; mio falls back to a pipe
// there, which this backend does not do yet.
#  error "Boost.Mio: the kqueue backend needs EVFILT_USER (use BOOST_MIO_BACKEND_POLL)"
#endif

namespace boost {
namespace mio {
namespace detail {

#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
// Deletes `fd`'s knotes from the queue `kq` (errors ignored: the fd is
// being closed, so whatever the queue holds for it is stale).
BOOST_MIO_DECL void kqueue_forget(int kq, int fd) noexcept;

// A BSD kernel drops a descriptor's knotes when it is closed; libkqueue
// cannot see close(2) (its BUGS.md), so a source closed while registered
// would leave a knote that makes the next fd with the same number look
// registered (EEXIST). The library's sources remember the queue they were
// last registered with and delete their knotes before closing, which
// gives the kernel's behaviour. (A posix::source_fd closed by its owner
// while registered keeps libkqueue's behaviour: deregister it first.)
class kqueue_source_state
{
public:
    static constexpr bool rearms = false;

    kqueue_source_state() noexcept = default;
    kqueue_source_state(const kqueue_source_state& other) noexcept
        : kq_(other.kq_.load(std::memory_order_relaxed))
    {
    }
    kqueue_source_state& operator=(const kqueue_source_state& other) noexcept
    {
        kq_.store(other.kq_.load(std::memory_order_relaxed), std::memory_order_relaxed);
        return *this;
    }

    void on_would_block(int, interest) const noexcept {}
    void on_close(int fd) const noexcept
    {
        const int kq = kq_.exchange(-1, std::memory_order_relaxed);
        if (kq >= 0)
            kqueue_forget(kq, fd);
    }

    void registered_with(int kq) const noexcept { kq_.store(kq, std::memory_order_relaxed); }

private:
    mutable std::atomic<int> kq_{-1};
};
#else
// The kernel keeps the edges and forgets a closed fd: nothing per source.
using kqueue_source_state = stateless_source_state;
#endif

// State shared by a selector, its clones and its waker.
struct kqueue_state : selector_state
{
    // Set for good by the first interrupt(): from then on every select()
    // removes interrupt events from its batch. A flag cleared after each
    // batch would race: EV_CLEAR merges triggers, so the event of a
    // trigger sent just after a batch was scanned could arrive in the next
    // batch with the flag already down. Only the bridge's own selector
    // pays for the scan; everyone else pays one relaxed load.
    std::atomic<bool> interrupted{false};

#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    // libkqueue knows a queue only by the fd kqueue() returned (a dup is
    // unknown to it), so clones share that fd and the last one closes it.
    int shared_fd = -1;
    BOOST_MIO_DECL ~kqueue_state();
#endif
};

class kqueue_selector
{
public:
    using handle_type = int;
    using native_handle_type = int;
    using native_event = struct ::kevent;

    // EV_CLEAR knotes are reset when reported and fire again on the next
    // arrival of data, so a short read (which emptied the buffer) is
    // followed by a new edge, as with epoll.
    static constexpr bool short_read_drains = true;

#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    // libkqueue's fd is a pipe it writes to only to detect close: poll()
    // never reports it readable, even with events queued.
    static constexpr bool has_pollable_handle = false;
#else
    // A BSD kernel's kqueue fd is readable while it has events queued.
    static constexpr bool has_pollable_handle = true;
#endif

    kqueue_selector() noexcept = default;
    kqueue_selector(kqueue_selector&& other) noexcept
        : fd_(other.fd_), state_(std::move(other.state_))
    {
        other.fd_ = -1;
    }
    kqueue_selector& operator=(kqueue_selector&& other) noexcept
    {
        if (this != &other)
        {
            close();
            fd_ = other.fd_;
            state_ = std::move(other.state_);
            other.fd_ = -1;
        }
        return *this;
    }
    ~kqueue_selector() { close(); }

    BOOST_MIO_DECL void open(boost::system::error_code& ec);
    BOOST_MIO_DECL kqueue_selector try_clone(boost::system::error_code& ec) const;

    BOOST_MIO_DECL void register_(int fd, std::size_t token, interest i,
        const kqueue_source_state* source, boost::system::error_code& ec) const;
    BOOST_MIO_DECL void reregister(int fd, std::size_t token, interest i,
        const kqueue_source_state* source, boost::system::error_code& ec) const;
    BOOST_MIO_DECL void deregister(int fd, const kqueue_source_state* source,
        boost::system::error_code& ec) const;

    // Inline: this is the hot path of every event loop. What is not needed
    // on every call (the timeout's conversion, interrupts) is out of line.
    int select(native_event* buf, int capacity, std::optional<std::chrono::nanoseconds> timeout,
        boost::system::error_code& ec)
    {
        // A closed selector (fd -1) makes kevent() report EBADF (libkqueue:
        // ENOENT, see wait_failed). kevent()
        // accepts an empty buffer (it would return at once); epoll_wait
        // says EINVAL, and the contract is the same on every backend.
        if (BOOST_UNLIKELY(capacity <= 0))
        {
            set_errno(ec, EINVAL);
            return 0;
        }
        const int n = timeout ? wait_for(buf, capacity, *timeout)
                              : ::kevent(fd_, nullptr, 0, buf, capacity, nullptr);
        if (BOOST_UNLIKELY(n < 0))
        {
            wait_failed(ec);
            return 0;
        }
        state_->consume_wake();
        ec.clear();
        if (BOOST_UNLIKELY(state_->interrupted.load(std::memory_order_relaxed)))
            return drop_interrupts(buf, n);
        return n;
    }

    // Makes a blocked select() return: triggers an EVFILT_USER knote of
    // its own (ident interrupt_ident), whose events select() removes.
    BOOST_MIO_DECL void interrupt(boost::system::error_code& ec) const;

    int native_handle() const noexcept { return fd_; }
    bool is_open() const noexcept { return fd_ >= 0; }
    BOOST_MIO_DECL void close() noexcept;

    kqueue_state* state() const noexcept { return state_.get(); }

    // EVFILT_USER idents are a namespace of their own (not fds). The
    // waker's is mio's (0).
    static constexpr std::uintptr_t waker_ident = 0;
    static constexpr std::uintptr_t interrupt_ident = 1;

    // One kevent() call applying `changes` with EV_RECEIPT; each change's
    // `data` holds its errno afterwards (0 for success).
    BOOST_MIO_DECL void apply(native_event* changes, int n, boost::system::error_code& ec) const;

private:
    BOOST_MIO_DECL int wait_for(native_event* buf, int capacity,
        std::chrono::nanoseconds timeout) const noexcept;
    BOOST_MIO_DECL int drop_interrupts(native_event* buf, int n) const noexcept;
    BOOST_MIO_DECL void wait_failed(boost::system::error_code& ec) const noexcept;

    int fd_ = -1;
    std::shared_ptr<kqueue_state> state_;
};

// The waker: an EVFILT_USER knote (ident waker_ident, EV_CLEAR) that wake()
// triggers with NOTE_TRIGGER, as mio does. It keeps a clone of the
// selector, so that the queue outlives the poll while the waker lives.
class kqueue_waker
{
public:
    using native_handle_type = int;

    kqueue_waker() noexcept = default;
    kqueue_waker(kqueue_waker&& other) noexcept = default;
    kqueue_waker& operator=(kqueue_waker&& other) noexcept
    {
        if (this != &other)
        {
            close();
            sel_ = std::move(other.sel_);
            token_ = other.token_;
        }
        return *this;
    }
    ~kqueue_waker() { close(); }

    BOOST_MIO_DECL void open(const kqueue_selector& sel, std::size_t token,
        boost::system::error_code& ec);
    BOOST_MIO_DECL void wake(boost::system::error_code& ec) const;
    BOOST_MIO_DECL void close() noexcept;

    // There is no handle of the waker's own: the queue it signals.
    int native_handle() const noexcept { return sel_.native_handle(); }
    bool is_open() const noexcept { return sel_.is_open(); }

private:
    kqueue_selector sel_;
    std::size_t token_ = 0;
};

} // namespace detail
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/detail/impl/kqueue_selector.ipp>
#endif

#endif // BOOST_MIO_DETAIL_KQUEUE_SELECTOR_HPP
