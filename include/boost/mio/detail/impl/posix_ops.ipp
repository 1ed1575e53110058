//
// boost/mio/detail/impl/posix_ops.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_IMPL_POSIX_OPS_IPP
#define BOOST_MIO_DETAIL_IMPL_POSIX_OPS_IPP

#include <boost/mio/detail/posix_ops.hpp>
#include <boost/mio/detail/errno_error.hpp>
#include <boost/mio/detail/fd_flags.hpp>
#include <boost/asio/error.hpp>
#include <climits>
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

namespace boost {
namespace mio {
namespace detail {
namespace posix_ops {

BOOST_MIO_DECL void close(int fd) noexcept
{
    // On Linux the fd is released even when close() reports EINTR, so it is
    // never retried (a retry could close a descriptor another thread just
    // opened).
    ::close(fd);
}

BOOST_MIO_DECL void set_nonblocking(int fd, bool on, boost::system::error_code& ec) noexcept
{
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0)
        return set_errno(ec);
    const int wanted = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted != flags && ::fcntl(fd, F_SETFL, wanted) < 0)
        return set_errno(ec);
    ec.clear();
}

BOOST_MIO_DECL bool is_nonblocking(int fd, boost::system::error_code& ec) noexcept
{
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0)
    {
        set_errno(ec);
        return false;
    }
    ec.clear();
    return (flags & O_NONBLOCK) != 0;
}

BOOST_MIO_DECL void make_pipe(int fds[2], boost::system::error_code& ec) noexcept
{
    if (fd_flags::pipe(fds) < 0)
        return set_errno(ec);
    ec.clear();
}

} // namespace posix_ops
} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IMPL_POSIX_OPS_IPP
