//
// boost/mio/src.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Every out-of-line definition of the library, compiled once. Include this
// in exactly one translation unit to build the library into a program
// without linking libboost_mio (src/src.cpp does this for the library).

#ifndef BOOST_MIO_SRC_HPP
#define BOOST_MIO_SRC_HPP

#if defined(BOOST_MIO_HEADER_ONLY)
#  error "Do not include <boost/mio/src.hpp> in header-only mode"
#endif

#if !defined(BOOST_MIO_SOURCE)
#  define BOOST_MIO_SOURCE
#endif

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/selector.hpp>

#include <boost/mio/impl/backend.ipp>
#include <boost/mio/impl/error.ipp>
#include <boost/mio/impl/event.ipp>
#include <boost/mio/impl/interest.ipp>
#include <boost/mio/impl/poll.ipp>
#include <boost/mio/impl/registry.ipp>
#include <boost/mio/impl/token.ipp>
#include BOOST_MIO_DETAIL_SELECTOR_IPP // the backend's, chosen in detail/selector.hpp
#if defined(_WIN32)
#  include <boost/mio/detail/impl/afd.ipp>
#  include <boost/mio/detail/impl/win_pipe.ipp>
#  include <boost/mio/detail/impl/win_socket_ops.ipp>
#else
#  include <boost/mio/detail/impl/posix_ops.ipp>
#  include <boost/mio/detail/impl/socket_ops.ipp>
#endif
#include <boost/mio/net/impl/tcp_listener.ipp>
#include <boost/mio/net/impl/tcp_stream.ipp>
#include <boost/mio/net/impl/udp_socket.ipp>
#if !defined(_WIN32)
#  include <boost/mio/net/impl/unix_datagram.ipp>
#  include <boost/mio/net/impl/unix_listener.ipp>
#  include <boost/mio/net/impl/unix_stream.ipp>
#endif

#endif // BOOST_MIO_SRC_HPP
