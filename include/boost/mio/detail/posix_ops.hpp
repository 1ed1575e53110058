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
#include <boost/system/error_code.hpp>
#include <cstddef>

struct iovec;

namespace boost {
namespace mio {
namespace detail {
namespace posix_ops {

BOOST_MIO_DECL void close(int fd) noexcept;

// read(2)/readv(2): 0 bytes from a non-empty buffer is eof.
BOOST_MIO_DECL std::size_t read(int fd, void* data, std::size_t size,
    boost::system::error_code& ec) noexcept;
BOOST_MIO_DECL std::size_t readv(int fd, const ::iovec* iov, std::size_t count,
    std::size_t total, boost::system::error_code& ec) noexcept;

BOOST_MIO_DECL std::size_t write(int fd, const void* data, std::size_t size,
    boost::system::error_code& ec) noexcept;
BOOST_MIO_DECL std::size_t writev(int fd, const ::iovec* iov, std::size_t count,
    boost::system::error_code& ec) noexcept;

BOOST_MIO_DECL void set_nonblocking(int fd, bool on, boost::system::error_code& ec) noexcept;
BOOST_MIO_DECL bool is_nonblocking(int fd, boost::system::error_code& ec) noexcept;

// pipe2(O_NONBLOCK | O_CLOEXEC); fds[0] reads, fds[1] writes.
BOOST_MIO_DECL void make_pipe(int fds[2], boost::system::error_code& ec) noexcept;

} // namespace posix_ops
} // namespace detail
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/detail/impl/posix_ops.ipp>
#endif

#endif // BOOST_MIO_DETAIL_POSIX_OPS_HPP
