//
// boost/mio/detail/no_sigpipe.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// One concern: a send on a socket never raises SIGPIPE (it reports EPIPE).
// Three ways, best first:
//  - MSG_NOSIGNAL on each send (Linux, FreeBSD, NetBSD, OpenBSD);
//  - SO_NOSIGPIPE set once on each socket the library creates or accepts
//    (macOS, iOS);
//  - neither (Linux with BOOST_MIO_NO_LINUX_EXTENSIONS, so that this path
//    is tested here): SIGPIPE is blocked in the calling thread around the
//    send, and a SIGPIPE that the send raised is taken out of the pending
//    set before the mask is restored, unless one was pending already.
//    Two more syscalls per send, and only there.

#ifndef BOOST_MIO_DETAIL_NO_SIGPIPE_HPP
#define BOOST_MIO_DETAIL_NO_SIGPIPE_HPP

#include <boost/mio/detail/config.hpp>
#include <cerrno>
#include <sys/socket.h>

#if defined(MSG_NOSIGNAL) && !defined(BOOST_MIO_NO_LINUX_EXTENSIONS)
#  define BOOST_MIO_HAS_MSG_NOSIGNAL 1
#elif defined(SO_NOSIGPIPE)
#  define BOOST_MIO_HAS_SO_NOSIGPIPE 1
#else
#  include <csignal>
#  include <ctime>
#  include <pthread.h>
#endif

namespace boost {
namespace mio {
namespace detail {
namespace no_sigpipe {

#if defined(BOOST_MIO_HAS_MSG_NOSIGNAL)
constexpr int send_flags = MSG_NOSIGNAL;
#else
constexpr int send_flags = 0;
#endif

// For each socket the library creates or accepts; false (errno set) if
// the option could not be set.
inline bool prepare_socket(int fd) noexcept
{
#if defined(BOOST_MIO_HAS_SO_NOSIGPIPE)
    const int on = 1;
    return ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on) == 0;
#else
    (void)fd;
    return true;
#endif
}

// Runs `send()` (a callable returning ssize_t, errno set on failure) so
// that it cannot raise SIGPIPE.
template <class Send>
BOOST_FORCEINLINE auto call(Send&& send) noexcept -> decltype(send())
{
#if defined(BOOST_MIO_HAS_MSG_NOSIGNAL) || defined(BOOST_MIO_HAS_SO_NOSIGPIPE)
    return send();
#else
    ::sigset_t pipe_only, old;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    ::sigset_t pending;
    const bool was_pending = ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
    const auto n = send();
    if (n < 0 && errno == EPIPE && !was_pending)
    {
        const int saved = errno;
        const ::timespec zero{};
        while (::sigtimedwait(&pipe_only, nullptr, &zero) < 0 && errno == EINTR)
        {
        }
        errno = saved;
    }
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return n;
#endif
}

} // namespace no_sigpipe
} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_NO_SIGPIPE_HPP
