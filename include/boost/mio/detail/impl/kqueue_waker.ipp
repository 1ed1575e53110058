//
// boost/mio/detail/impl/kqueue_waker.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The kqueue backend's waker (included by kqueue_selector.ipp): EVFILT_USER,
// or a pipe where the kqueue has no EVFILT_USER. Either way a wake() that
// finds an earlier one not yet consumed by a select() costs no syscall
// (selector_state::begin_wake).

#ifndef BOOST_MIO_DETAIL_IMPL_KQUEUE_WAKER_IPP
#define BOOST_MIO_DETAIL_IMPL_KQUEUE_WAKER_IPP

#include <boost/mio/detail/kqueue_selector.hpp>
#include <boost/mio/detail/errno_error.hpp>
#include <boost/mio/detail/posix_ops.hpp>
#include <boost/mio/error.hpp>
#include <cerrno>
#include <unistd.h>

namespace boost {
namespace mio {
namespace detail {

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
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    int fds[2] = {-1, -1};
    if (!ec)
        posix_ops::make_pipe(fds, ec);
    kqueue_detail::kev add = kqueue_detail::change(
        static_cast<std::uintptr_t>(fds[0]), EVFILT_READ, kqueue_detail::add_flags, token);
#else
    kqueue_detail::kev add = kqueue_detail::change(
        kqueue_selector::waker_ident, EVFILT_USER, EV_ADD | EV_CLEAR | EV_RECEIPT, token);
#endif
    if (!ec)
        clone.apply(&add, 1, ec);
    if (!ec && add.data != 0)
        set_errno(ec, static_cast<int>(add.data));
    if (ec)
    {
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
        // The add failed, so the read end has no knote to leave behind.
        for (const int fd : fds)
            if (fd >= 0)
                posix_ops::close(fd);
#endif
        state->has_waker.store(false, std::memory_order_release);
        return;
    }
    // A wake() of an earlier, now closed waker may have left the flag set.
    state->abandon_wake();
    sel_ = std::move(clone);
    token_ = token;
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    read_ = fds[0];
    write_ = fds[1];
#endif
}

BOOST_MIO_DECL void kqueue_waker::wake(boost::system::error_code& ec) const
{
    if (BOOST_UNLIKELY(!sel_.is_open()))
        return set_errno(ec, EBADF);
    ec.clear();
    kqueue_state* state = sel_.state();
    if (!state->begin_wake())
        return; // an earlier signal has not been consumed: it covers this one
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    // Nobody reads the pipe (EV_CLEAR gives an edge per write without it),
    // so it fills after many wakes: then empty it and write again, as mio
    // does; the write after the drain is a new edge.
    const char byte = 1;
    ssize_t n = ::write(write_, &byte, 1);
    if (n < 0 && errno == EAGAIN)
    {
        char drain[256];
        while (::read(read_, drain, sizeof drain) > 0)
        {
        }
        n = ::write(write_, &byte, 1);
    }
    if (n < 0)
        set_errno(ec);
#else
    // The token again: a BSD kernel stores the udata of every change to a
    // knote, so a trigger without it would deliver token 0.
    kqueue_detail::kev trigger = kqueue_detail::change(
        kqueue_selector::waker_ident, EVFILT_USER, EV_RECEIPT, token_, NOTE_TRIGGER);
    sel_.apply(&trigger, 1, ec);
    if (!ec && trigger.data != 0)
        set_errno(ec, static_cast<int>(trigger.data));
#endif
    if (ec)
        state->abandon_wake();
}

BOOST_MIO_DECL void kqueue_waker::close() noexcept
{
    if (!sel_.is_open())
        return;
    // Remove the knote, so that a signal not yet reported cannot reach a
    // wait after the waker is gone (closing an eventfd does the same). A
    // kernel would drop the pipe's knote on close; libkqueue would not.
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    kqueue_detail::kev del = kqueue_detail::change(
        static_cast<std::uintptr_t>(read_), EVFILT_READ, EV_DELETE | EV_RECEIPT);
#else
    kqueue_detail::kev del
        = kqueue_detail::change(kqueue_selector::waker_ident, EVFILT_USER, EV_DELETE | EV_RECEIPT);
#endif
    boost::system::error_code ignored;
    sel_.apply(&del, 1, ignored);
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    posix_ops::close(std::exchange(read_, -1));
    posix_ops::close(std::exchange(write_, -1));
#endif
    kqueue_state* state = sel_.state();
    state->abandon_wake();
    state->has_waker.store(false, std::memory_order_release);
    sel_.close();
}

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IMPL_KQUEUE_WAKER_IPP
