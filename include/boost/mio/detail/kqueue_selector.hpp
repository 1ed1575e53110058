//
// boost/mio/detail/kqueue_selector.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The BSD and macOS backend: kqueue for readiness, EVFILT_USER (or a pipe
// where there is none) for the waker. The contract is written in
// detail/selector.hpp; the design follows mio's
// src/sys/unix/selector/kqueue.rs.
//
// Registration. Every filter is added EV_CLEAR (edge-triggered) and with
// EV_RECEIPT, so that kevent() answers each change with its own receipt
// and one call reports the error of each filter. kqueue's EV_ADD is
// idempotent and any change to a knote rewrites its udata (our token), yet
// the contract wants EEXIST, with the first registration left as it was,
// and ENOENT. So the selectors of one queue keep a table of what they
// registered (kqueue_state::registrations), and:
//  - register_ of an fd the table knows first asks the kernel, with a
//    change that leaves the knotes as they are (EV_ENABLE with the token
//    they already have): if one exists, EEXIST and nothing changed (a
//    select() may see a spurious event with the existing token); if none
//    does (the fd was closed and its number reused), the entry was stale;
//  - reregister and deregister delete both filters first in the same
//    change list; the deletes' receipts say whether the fd was registered.
// The write filter is added before the read filter: libkqueue keeps
// EPOLLRDHUP (the read filter's EV_EOF on a datagram socket) only for the
// filter added last on an fd.
//
// libkqueue (Linux, where this backend is tested): a user-space kqueue
// whose handle is the write end of a pipe it watches to learn that the
// queue was closed. It differs from a BSD kernel in ways this file
// follows the kernel through (see BOOST_MIO_DETAIL_KQUEUE_EMULATED): it
// cannot see close(2), so a closed fd keeps its knotes (the library's own
// sources delete theirs before closing: kqueue_source_state); only the fd
// kqueue() returned names the queue (a dup is unknown to it), so every
// clone calls kevent() on that fd, its own handle being a dup; and that
// fd is not pollable, so the Asio bridge waits for it on a thread
// (has_pollable_handle). Where it cannot be followed, the tests say so:
// libkqueue reads SO_ERROR to fill an error event's fflags, which clears
// the socket's pending error (a kernel leaves it for take_error() and the
// next read); and its kevent() asks epoll for as many events as the
// buffer holds and drops what does not fit when one epoll event becomes
// two kevents (a socket's read and write filters), losing those edges, so
// a buffer smaller than twice the sources registered for both directions
// can lose events there (a kernel keeps them queued).

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
#include <mutex>
#include <optional>
#include <utility>
#include <vector>
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#include <ctime>

#if !defined(__APPLE__) && !defined(__FreeBSD__) && !defined(__NetBSD__) \
    && !defined(__OpenBSD__) && !defined(__DragonFly__)
// kqueue is not the kernel's here: it is libkqueue's emulation.
#  define BOOST_MIO_DETAIL_KQUEUE_EMULATED
#endif

#if !defined(EVFILT_USER) || defined(BOOST_MIO_KQUEUE_NO_EVFILT_USER)
// OpenBSD before 7.6 and NetBSD before 10 lack EVFILT_USER; there the waker
// and interrupt() are pipes watched with EVFILT_READ, as mio's pipe waker.
// BOOST_MIO_KQUEUE_NO_EVFILT_USER forces that path where EVFILT_USER
// exists, so that it is built and tested on Linux (libkqueue).
#  define BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER
#endif

namespace boost {
namespace mio {
namespace detail {

struct kqueue_state;

#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
// Deletes `fd`'s knotes from `state`'s queue and its registration table
// (errors ignored: the fd is being closed, whatever the queue holds for it
// is stale).
BOOST_MIO_DECL void kqueue_forget(kqueue_state& state, int fd) noexcept;

// A BSD kernel drops a descriptor's knotes when it is closed; libkqueue
// cannot see close(2) (its BUGS.md), so a source closed while registered
// would leave a knote that makes the next fd with the same number look
// registered (EEXIST). The library's sources remember the queue they were
// last registered with and delete their knotes before closing, which
// gives the kernel's behaviour. (A posix::source_fd closed by its owner
// while registered keeps libkqueue's behaviour: deregister it first.)
// The queue is held weakly: a source may outlive its poll.
class kqueue_source_state
{
public:
    static constexpr bool rearms = false;

    void on_would_block(int, interest) const noexcept {}
    void on_close(int fd) const noexcept
    {
        if (const std::shared_ptr<kqueue_state> state = std::exchange(queue_, {}).lock())
            kqueue_forget(*state, fd);
    }

    void registered_with(const std::shared_ptr<kqueue_state>& state) const noexcept
    {
        queue_ = state;
    }

private:
    mutable std::weak_ptr<kqueue_state> queue_;
};
#else
// The kernel keeps the edges and forgets a closed fd: nothing per source.
// (The registration table may then hold an entry for a closed fd; register_
// asks the kernel before it believes one, see kqueue_state.)
using kqueue_source_state = stateless_source_state;
#endif

// What the library registered for one fd: the token and which filters.
struct kqueue_registration
{
    std::size_t token = 0;
    unsigned char filters = 0; // read_filter | write_filter; 0: none
    static constexpr unsigned char read_filter = 1;
    static constexpr unsigned char write_filter = 2;
};

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

    // Registrations, indexed by fd. kqueue's EV_ADD silently replaces a
    // knote, and every change to an existing knote rewrites its udata (our
    // token), so the kernel cannot be asked "is this fd registered?"
    // without changing the answer's subject. The table knows the token,
    // which makes a harmless question possible (register_ re-enables the
    // knotes with the token they already have). Only register_,
    // reregister and deregister take the mutex, never select(); it also
    // makes each of them one step for the table and the kernel together.
    // An entry can outlive its fd (closed while registered, which drops
    // the knotes in a kernel): the kernel is asked before an entry is
    // believed, so such an entry costs one kevent() call, never a wrong
    // answer.
    std::mutex registrations_mutex;
    std::vector<kqueue_registration> registrations;

#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    // libkqueue knows a queue only by the fd kqueue() returned (a dup is
    // unknown to it), so every clone calls kevent() on that fd, which the
    // last one closes; a clone's own handle is a dup of it (see try_clone).
    int shared_fd = -1;
#endif

#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    // The pipe interrupt() writes to; its read end is registered
    // EVFILT_READ|EV_CLEAR, and select() recognises its events by ident.
    int interrupt_read = -1;
    int interrupt_write = -1;
#endif

#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED) || defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
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
        : fd_(std::exchange(other.fd_, -1)), kq_(std::exchange(other.kq_, -1)),
          state_(std::move(other.state_))
    {
    }
    kqueue_selector& operator=(kqueue_selector&& other) noexcept
    {
        if (this != &other)
        {
            close();
            fd_ = std::exchange(other.fd_, -1);
            kq_ = std::exchange(other.kq_, -1);
            state_ = std::move(other.state_);
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
                              : ::kevent(kq_, nullptr, 0, buf, capacity, nullptr);
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
    // its own (ident interrupt_ident), or writes to a pipe of its own
    // without EVFILT_USER, whose events select() removes.
    BOOST_MIO_DECL void interrupt(boost::system::error_code& ec) const;

    int native_handle() const noexcept { return fd_; }
    bool is_open() const noexcept { return fd_ >= 0; }
    BOOST_MIO_DECL void close() noexcept;

    kqueue_state* state() const noexcept { return state_.get(); }
    // The fd kevent() is called on: the handle itself on a kernel, the fd
    // libkqueue knows the queue by under emulation.
    int queue_fd() const noexcept { return kq_; }

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
    BOOST_MIO_DECL void change_registration(int fd, std::size_t token,
        unsigned char filters, boost::system::error_code& ec) const;

    int fd_ = -1; // native_handle()
    int kq_ = -1; // queue_fd()
    std::shared_ptr<kqueue_state> state_;
};

// The waker: an EVFILT_USER knote (ident waker_ident, EV_CLEAR) that wake()
// triggers with NOTE_TRIGGER, as mio does; without EVFILT_USER, a
// non-blocking pipe whose read end is registered EVFILT_READ|EV_CLEAR and
// to which wake() writes a byte (mio's pipe waker). It keeps a clone of the
// selector, so that the queue outlives the poll while the waker lives.
class kqueue_waker
{
public:
    using native_handle_type = int;

    kqueue_waker() noexcept = default;
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    kqueue_waker(kqueue_waker&& other) noexcept
        : sel_(std::move(other.sel_)), token_(other.token_),
          read_(std::exchange(other.read_, -1)), write_(std::exchange(other.write_, -1))
    {
    }
#else
    kqueue_waker(kqueue_waker&& other) noexcept = default;
#endif
    kqueue_waker& operator=(kqueue_waker&& other) noexcept
    {
        if (this != &other)
        {
            close();
            sel_ = std::move(other.sel_);
            token_ = other.token_;
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
            read_ = std::exchange(other.read_, -1);
            write_ = std::exchange(other.write_, -1);
#endif
        }
        return *this;
    }
    ~kqueue_waker() { close(); }

    BOOST_MIO_DECL void open(const kqueue_selector& sel, std::size_t token,
        boost::system::error_code& ec);
    BOOST_MIO_DECL void wake(boost::system::error_code& ec) const;
    BOOST_MIO_DECL void close() noexcept;

#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    // The pipe's read end, the handle the queue watches.
    int native_handle() const noexcept { return read_; }
#else
    // There is no handle of the waker's own: the queue it signals.
    int native_handle() const noexcept { return sel_.native_handle(); }
#endif
    bool is_open() const noexcept { return sel_.is_open(); }

private:
    kqueue_selector sel_;
    std::size_t token_ = 0;
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    int read_ = -1;
    int write_ = -1;
#endif
};

} // namespace detail
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/detail/impl/kqueue_selector.ipp>
#endif

#endif // BOOST_MIO_DETAIL_KQUEUE_SELECTOR_HPP
