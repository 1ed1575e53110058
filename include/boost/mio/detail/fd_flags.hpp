//
// boost/mio/detail/fd_flags.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// One concern: every fd the library creates is non-blocking and
// close-on-exec. Linux and the BSDs set both flags in the call that
// creates the fd (SOCK_NONBLOCK | SOCK_CLOEXEC, accept4, pipe2), so no
// fork() in another thread can leak it. macOS has none of these calls:
// there the fd is created plain and both flags are set right after (the
// fork window Asio and libuv also live with there). Defining
// BOOST_MIO_NO_LINUX_EXTENSIONS takes the fallback on Linux too, so that
// the code a macOS user runs is built and tested here.
//
// Each function returns the new fd(s) or -1 with errno set, as the
// syscall it stands for; EINTR is the caller's to retry.

#ifndef BOOST_MIO_DETAIL_FD_FLAGS_HPP
#define BOOST_MIO_DETAIL_FD_FLAGS_HPP

#include <boost/mio/detail/config.hpp>
#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#if !defined(BOOST_MIO_NO_LINUX_EXTENSIONS)                                              \
    && (defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) \
        || defined(__DragonFly__))
#  define BOOST_MIO_HAS_ATOMIC_FD_FLAGS 1
#endif

namespace boost {
namespace mio {
namespace detail {
namespace fd_flags {

// Sets O_NONBLOCK and FD_CLOEXEC on a new fd; on failure closes it
// (keeping errno) and returns false.
inline bool set_nonblocking_cloexec(int fd) noexcept
{
    const int status = ::fcntl(fd, F_GETFL);
    if (status >= 0 && ::fcntl(fd, F_SETFL, status | O_NONBLOCK) == 0
        && ::fcntl(fd, F_SETFD, FD_CLOEXEC) == 0)
        return true;
    const int e = errno;
    ::close(fd);
    errno = e;
    return false;
}

// Both new fds of a pair, or neither: on failure both are closed (errno
// kept) and -1 is returned.
inline int set_pair_nonblocking_cloexec(int fds[2]) noexcept
{
    if (!set_nonblocking_cloexec(fds[0]))
    {
        const int e = errno;
        ::close(fds[1]);
        errno = e;
        return -1;
    }
    if (!set_nonblocking_cloexec(fds[1]))
    {
        const int e = errno;
        ::close(fds[0]);
        errno = e;
        return -1;
    }
    return 0;
}

inline int socket(int family, int type) noexcept
{
#if defined(BOOST_MIO_HAS_ATOMIC_FD_FLAGS)
    return ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
#else
    const int fd = ::socket(family, type, 0);
    return fd < 0 || set_nonblocking_cloexec(fd) ? fd : -1;
#endif
}

inline int socketpair(int type, int fds[2]) noexcept
{
#if defined(BOOST_MIO_HAS_ATOMIC_FD_FLAGS)
    return ::socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds);
#else
    if (::socketpair(AF_UNIX, type, 0, fds) < 0)
        return -1;
    return set_pair_nonblocking_cloexec(fds);
#endif
}

inline int accept(int fd, ::sockaddr* addr, ::socklen_t* len) noexcept
{
#if defined(BOOST_MIO_HAS_ATOMIC_FD_FLAGS)
    return ::accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    // A socket accepted from a non-blocking listener is blocking on Linux
    // (and inherits O_NONBLOCK on the BSDs): set both flags either way.
    const int s = ::accept(fd, addr, len);
    return s < 0 || set_nonblocking_cloexec(s) ? s : -1;
#endif
}

inline int pipe(int fds[2]) noexcept
{
#if defined(BOOST_MIO_HAS_ATOMIC_FD_FLAGS)
    return ::pipe2(fds, O_NONBLOCK | O_CLOEXEC);
#else
    if (::pipe(fds) < 0)
        return -1;
    return set_pair_nonblocking_cloexec(fds);
#endif
}

} // namespace fd_flags
} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_FD_FLAGS_HPP
