//
// boost/mio/detail/socket_types.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The OS types a socket is named and fed by, without the OS headers that
// define them (<winsock2.h> is heavy and order-sensitive): a socket handle
// and its "none" value, and the scatter/gather element of one vectored
// transfer. On POSIX they are the plain types (int, -1, iovec), so the
// code built on them is the code it was before Windows existed.

#ifndef BOOST_MIO_DETAIL_SOCKET_TYPES_HPP
#define BOOST_MIO_DETAIL_SOCKET_TYPES_HPP

#include <boost/mio/detail/config.hpp>
#include <cstddef>
#include <cstdint>
#if !defined(_WIN32)
#  include <sys/uio.h>
#endif

namespace boost {
namespace mio {
namespace detail {

#if defined(_WIN32)
// SOCKET is UINT_PTR, and INVALID_SOCKET is ~0.
using socket_handle = std::uintptr_t;
inline constexpr socket_handle invalid_socket_handle = ~socket_handle(0);
constexpr bool is_valid_handle(socket_handle h) noexcept { return h != invalid_socket_handle; }

// Laid out as WSABUF ({ULONG len; CHAR* buf;}), so that an array of them
// is handed to WSASend/WSARecv as it is (win_socket_ops.ipp checks the
// layout); named as iovec's members, so that buffer_sequence fills either.
struct io_vec
{
    unsigned long iov_len;
    void* iov_base;
};
#else
using socket_handle = int;
inline constexpr int invalid_socket_handle = -1;
constexpr bool is_valid_handle(int h) noexcept { return h >= 0; }
using io_vec = ::iovec;
#endif

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_SOCKET_TYPES_HPP
