//
// boost/mio/detail/selector.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The backend seam: the one place where the OS selector is chosen, as
// Asio's detail/reactor.hpp chooses its reactor.
//
// Choosing: define one of BOOST_MIO_BACKEND_EPOLL, _KQUEUE, _POLL, _IOCP
// (CMake's BOOST_MIO_BACKEND option makes it a PUBLIC compile definition of
// Boost::mio, so a consumer can never disagree with the library; with b2,
// define=BOOST_MIO_BACKEND_POLL). Defining none picks the platform's native
// backend. After this header exactly one of those macros is defined,
// BOOST_MIO_BACKEND_NAME names it, and boost::mio::current_backend
// (<boost/mio/backend.hpp>) is the same as a constant.
//
// The contract every backend meets (what mio's src/sys/mod.rs writes down):
//
//  selector (move-only, default-constructed closed)
//    handle_type                  the OS handle of a source (int on POSIX,
//                                 SOCKET on Windows: detail/socket_types.hpp)
//    native_handle_type           the selector's own handle
//    kind                         a boost::mio::backend constant
//    void open(error_code&)                         create the OS selector, CLOEXEC
//    selector try_clone(error_code&) const          same selector, new handle
//    void register_(handle_type, size_t token, interest, const source_state*, error_code&) const
//    void reregister(handle_type, size_t token, interest, const source_state*, error_code&) const
//    void deregister(handle_type, const source_state*, error_code&) const
//        edge-triggered always; EEXIST for a second register_, ENOENT for
//        reregister/deregister of a handle that is not registered, EBADF for
//        a bad handle; thread-safe while another thread waits in select.
//        `source_state` is the per-source state of the io_source being
//        registered, or null for a handle the library does not own
//        (posix::source_fd), whose I/O the backend never sees.
//    int select(native_event* buf, int capacity, optional<nanoseconds>, error_code&)
//        fills `buf` in place (no allocation) and returns how many (0 on
//        error); nullopt blocks, zero returns at once, sub-millisecond
//        timeouts are honoured or rounded up (never down to a busy loop);
//        EINTR is reported; consumes a pending waker wake-up.
//    native_handle_type native_handle() const, bool is_open() const, void close()
//    static constexpr bool short_read_drains
//        true when a read from a stream (TCP, Unix stream, pipe) that
//        returns fewer bytes than asked proves the source drained, so that
//        the next arrival raises a new edge without a would_block read in
//        between. True for selectors with real edges in the kernel (epoll,
//        kqueue); false for a backend that re-arms only when do_io sees
//        would_block (poll(2), IOCP): there, stopping at a short read
//        would leave the source disarmed. Published as
//        poll::short_read_drains.
//    static constexpr bool has_pollable_handle
//        true when another event loop can watch native_handle() for
//        readability to learn that select() has events (epoll; kqueue on
//        a BSD kernel). The Asio bridge watches that handle from the
//        io_context where it can, and waits on a thread of its own where
//        it cannot; for that thread the selector also has
//    void interrupt(error_code&) const
//        makes a select() that blocks now, or the next one, return (maybe
//        with no events). Thread-safe.
//
//  native_event_ops: the native event struct (native_type) and how to
//    read it: token, is_readable, is_writable, is_error, is_read_closed,
//    is_write_closed, is_priority.
//
//  source_state: what io_source carries per source. Empty for backends
//    with real edge triggers (epoll, kqueue: stateless_source_state, zero
//    bytes and zero instructions); the re-arm bookkeeping where edges are
//    emulated (poll(2), IOCP); on libkqueue, which cannot see close(2),
//    the queue to leave before closing (kqueue_source_state). io_source::do_io calls
//    state.on_would_block(handle) after an operation reported would_block
//    (only when source_state::rearms is true) and state.on_close(handle)
//    before it closes its handle.
//
//  selector_waker (move-only): open(const selector&, size_t token,
//    error_code&), wake(error_code&) const, close(), is_open(),
//    native_handle(); at most one per selector state.
//
// Adding a backend: one file pair (detail/<name>_selector.hpp and
// detail/impl/<name>_selector.ipp) and one branch below.

#ifndef BOOST_MIO_DETAIL_SELECTOR_HPP
#define BOOST_MIO_DETAIL_SELECTOR_HPP

#include <boost/mio/detail/config.hpp>

#if (defined(BOOST_MIO_BACKEND_EPOLL) + defined(BOOST_MIO_BACKEND_KQUEUE) \
     + defined(BOOST_MIO_BACKEND_POLL) + defined(BOOST_MIO_BACKEND_IOCP)) > 1
#  error "Boost.Mio: define at most one BOOST_MIO_BACKEND_* macro"
#elif !defined(BOOST_MIO_BACKEND_EPOLL) && !defined(BOOST_MIO_BACKEND_KQUEUE) \
    && !defined(BOOST_MIO_BACKEND_POLL) && !defined(BOOST_MIO_BACKEND_IOCP)
#  if defined(_WIN32)
#    define BOOST_MIO_BACKEND_IOCP
#  elif defined(__linux__) || defined(__ANDROID__)
#    define BOOST_MIO_BACKEND_EPOLL
#  elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) \
      || defined(__OpenBSD__) || defined(__DragonFly__)
#    define BOOST_MIO_BACKEND_KQUEUE
#  else
#    define BOOST_MIO_BACKEND_POLL
#  endif
#endif

#if defined(BOOST_MIO_BACKEND_EPOLL)
#  define BOOST_MIO_BACKEND_NAME "epoll"
#  define BOOST_MIO_DETAIL_SELECTOR_IPP <boost/mio/detail/impl/epoll_selector.ipp>
#  include <boost/mio/detail/epoll_selector.hpp>
#elif defined(BOOST_MIO_BACKEND_POLL)
#  define BOOST_MIO_BACKEND_NAME "poll"
#  define BOOST_MIO_DETAIL_SELECTOR_IPP <boost/mio/detail/impl/poll_selector.ipp>
#  include <boost/mio/detail/poll_selector.hpp>
#elif defined(BOOST_MIO_BACKEND_KQUEUE)
#  define BOOST_MIO_BACKEND_NAME "kqueue"
#  define BOOST_MIO_DETAIL_SELECTOR_IPP <boost/mio/detail/impl/kqueue_selector.ipp>
#  include <boost/mio/detail/kqueue_selector.hpp>
#elif defined(BOOST_MIO_BACKEND_IOCP)
#  if !defined(_WIN32)
#    error "Boost.Mio: the IOCP backend is Windows only"
#  endif
#  define BOOST_MIO_BACKEND_NAME "iocp"
#  define BOOST_MIO_DETAIL_SELECTOR_IPP <boost/mio/detail/impl/iocp_selector.ipp>
#  include <boost/mio/detail/iocp_selector.hpp>
#endif

namespace boost {
namespace mio {
namespace detail {

#if defined(BOOST_MIO_BACKEND_EPOLL)
using selector = epoll_selector;
using selector_waker = eventfd_waker;
using native_event_ops = epoll_event_ops;
using source_state = stateless_source_state;
#elif defined(BOOST_MIO_BACKEND_POLL)
using selector = poll_selector;
using selector_waker = poll_waker;
using native_event_ops = poll_event_ops;
using source_state = poll_source_state;
#elif defined(BOOST_MIO_BACKEND_KQUEUE)
using selector = kqueue_selector;
using selector_waker = kqueue_waker;
using native_event_ops = kevent_ops;
using source_state = kqueue_source_state; // stateless on a BSD kernel
#elif defined(BOOST_MIO_BACKEND_IOCP)
using selector = iocp_selector;
using selector_waker = iocp_waker;
using native_event_ops = iocp_event_ops;
using source_state = iocp_source_state;
#endif

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_SELECTOR_HPP
