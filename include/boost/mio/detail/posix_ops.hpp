//
// boost/mio/detail/posix_ops.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Thin syscall wrappers for file descriptors: errno becomes an error_code
// in system_category(), EINTR is retried (these calls never block: every fd
// the library creates is non-blocking), and end of stream becomes
// boost::asio::error::eof as Asio reports it.

#ifndef BOOST_MIO_DETAIL_POSIX_OPS_HPP
#define BOOST_MIO_DETAIL_POSIX_OPS_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>

#include <boost/mio/detail/errno_error.hpp>
#include <cerrno>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

namespace boost {
namespace mio {
namespace detail {
namespace posix_ops {

// The transfer functions are inline: they are the hot path (a user-space
// round trip should cost a few instructions more than the bare syscall).
// Only what happens after a syscall did not transfer data -- end of stream,
// would_block, errors -- is out of line.

BOOST_MIO_DECL void close(int fd) noexcept;

// After read/readv returned 0: from a non-empty buffer that is eof, from
// an empty one success.
inline std::size_t read_returned_zero(std::size_t requested,
    boost::system::error_code& ec) noexcept
{
    if (requested != 0)
        ec = boost::asio::error::eof;
    else
        ec.clear();
    return 0;
}

// After a syscall returned -1: true to retry (EINTR), else false with ec set.
// would_block is what a drained source reports on every edge, so it is
// tested first and assigned from a constant.
BOOST_FORCEINLINE bool retry_or_fail(boost::system::error_code& ec) noexcept
{
    static constexpr boost::system::error_code would_block(EAGAIN,
        boost::system::system_category());
    const int e = errno;
    if (BOOST_LIKELY(e == EAGAIN))
    {
        ec = would_block;
        return false;
    }
    if (e == EINTR)
        return true;
    set_errno(ec, e);
    return false;
}

// The loop every transfer shares: `call` makes the syscall (returning
// ssize_t); EINTR retries it. receive() treats 0 as read(2) does (eof from
// a non-empty buffer of `requested` bytes); transfer() takes 0 as a count.
template <class Call>
BOOST_FORCEINLINE std::size_t receive(Call call, std::size_t requested, boost::system::error_code& ec) noexcept
{
    for (;;)
    {
        const ssize_t n = call();
        if (BOOST_LIKELY(n > 0))
        {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (n == 0)
            return read_returned_zero(requested, ec);
        if (!retry_or_fail(ec))
            return 0;
    }
}

template <class Call>
BOOST_FORCEINLINE std::size_t transfer(Call call, boost::system::error_code& ec) noexcept
{
    for (;;)
    {
        const ssize_t n = call();
        if (BOOST_LIKELY(n >= 0))
        {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (!retry_or_fail(ec))
            return 0;
    }
}

BOOST_FORCEINLINE std::size_t read(int fd, void* data, std::size_t size,
    boost::system::error_code& ec) noexcept
{
    return receive([&]() BOOST_MIO_LAMBDA_FORCEINLINE { return ::read(fd, data, size); }, size, ec);
}

inline std::size_t readv(int fd, const ::iovec* iov, std::size_t count,
    std::size_t total, boost::system::error_code& ec) noexcept
{
    return receive([&] { return ::readv(fd, iov, static_cast<int>(count)); }, total, ec);
}

BOOST_FORCEINLINE std::size_t write(int fd, const void* data, std::size_t size,
    boost::system::error_code& ec) noexcept
{
    return transfer([&]() BOOST_MIO_LAMBDA_FORCEINLINE { return ::write(fd, data, size); }, ec);
}

inline std::size_t writev(int fd, const ::iovec* iov, std::size_t count,
    boost::system::error_code& ec) noexcept
{
    return transfer([&] { return ::writev(fd, iov, static_cast<int>(count)); }, ec);
}

BOOST_MIO_DECL void set_nonblocking(int fd, bool on, boost::system::error_code& ec) noexcept;
BOOST_MIO_DECL bool is_nonblocking(int fd, boost::system::error_code& ec) noexcept;

// A pipe, both ends non-blocking and close-on-exec (detail/fd_flags.hpp);
// fds[0] reads, fds[1] writes.
BOOST_MIO_DECL void make_pipe(int fds[2], boost::system::error_code& ec) noexcept;

} // namespace posix_ops

// What io_source calls to close a handle and switch its blocking mode:
// these on POSIX, win_handle_ops.hpp's on Windows.
namespace handle_ops = posix_ops;

} // namespace detail
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/detail/impl/posix_ops.ipp>
#endif

#endif // BOOST_MIO_DETAIL_POSIX_OPS_HPP
