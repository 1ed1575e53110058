//
// boost/mio/detail/win_handle_ops.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The Windows side of what io_source does to its handle (posix_ops on
// POSIX): close a socket, switch its blocking mode, and start Winsock once
// before the first socket call. Defined in win_socket_ops.ipp.

#ifndef BOOST_MIO_DETAIL_WIN_HANDLE_OPS_HPP
#define BOOST_MIO_DETAIL_WIN_HANDLE_OPS_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/socket_types.hpp>
#include <boost/system/error_code.hpp>

#if !defined(_WIN32)
#  error "boost/mio/detail/win_handle_ops.hpp is for Windows only"
#endif

namespace boost {
namespace mio {
namespace detail {
namespace handle_ops {

// closesocket(); also cancels the AFD poll of a registered socket, whose
// completion the selector then discards.
BOOST_MIO_DECL void close(socket_handle s) noexcept;

// FIONBIO. Windows cannot read the mode back, so there is no is_nonblocking.
BOOST_MIO_DECL void set_nonblocking(socket_handle s, bool on, boost::system::error_code& ec) noexcept;

// WSAStartup(2.2) on the first call of the process (a function-local
// static: thread-safe, and balanced by WSACleanup at exit); false with
// `ec` set if Winsock could not start.
BOOST_MIO_DECL bool start_winsock(boost::system::error_code& ec) noexcept;

} // namespace handle_ops
} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_WIN_HANDLE_OPS_HPP
