//
// boost/mio/detail/selector.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The backend seam: the one place where the OS selector is chosen.
//
// The contract every backend meets (what mio's src/sys/mod.rs writes down):
//
//  selector (move-only, default-constructed closed)
//    void open(error_code&)                         create the OS selector, CLOEXEC
//    selector try_clone(error_code&) const          same selector, new handle
//    void register_(int fd, size_t token, interest, error_code&) const
//    void reregister(int fd, size_t token, interest, error_code&) const
//    void deregister(int fd, error_code&) const
//        edge-triggered always; EEXIST for a second register_, ENOENT for
//        reregister/deregister of an fd that is not registered, EBADF for a
//        bad fd; thread-safe; no allocation, no lock.
//    void select(events&, optional<nanoseconds>, error_code&)
//        fills the events buffer in place (no allocation); nullopt blocks,
//        zero returns at once, sub-millisecond timeouts are honoured or
//        rounded up (never down to a busy loop); EINTR is reported; consumes
//        a pending waker wake-up (see selector_state).
//    int native_handle() const, bool is_open() const, void close()
//    static constexpr bool short_read_drains
//        true when a read from a stream (TCP, Unix stream, pipe) that
//        returns fewer bytes than asked proves the source drained, so that
//        the next arrival raises a new edge without a would_block read in
//        between. True for selectors with real edges in the kernel (epoll,
//        kqueue); false for a backend that re-arms only when do_io sees
//        would_block (poll(2), IOCP): there, stopping at a short read
//        would leave the source disarmed. Published as
//        poll::short_read_drains.
//
//  native_event_ops (detail/native_event.hpp)
//    the native event struct and its accessors (token, is_readable, ...)
//
//  waker (move-only): open(const selector&, size_t token, error_code&),
//    wake(error_code&) const, close(); at most one per selector state.
//
//  io_source::do_io (detail/io_source.hpp) is where a backend that must
//  re-arm after would-block (poll(2), IOCP) hooks in; epoll needs nothing.
//
// Adding a backend: one file pair (detail/<name>_selector.hpp and
// detail/impl/<name>_selector.ipp) and one branch below.

#ifndef BOOST_MIO_DETAIL_SELECTOR_HPP
#define BOOST_MIO_DETAIL_SELECTOR_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/epoll_selector.hpp>

namespace boost {
namespace mio {
namespace detail {

using selector = epoll_selector;
using selector_waker = eventfd_waker;

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_SELECTOR_HPP
