//
// boost/mio.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Everything in Boost.Mio except the Asio bridge
// (<boost/mio/asio_bridge.hpp>).

#ifndef BOOST_MIO_HPP
#define BOOST_MIO_HPP

#include <boost/mio/backend.hpp>
#include <boost/mio/error.hpp>
#include <boost/mio/event.hpp>
#include <boost/mio/event_source.hpp>
#include <boost/mio/events.hpp>
#include <boost/mio/interest.hpp>
#include <boost/mio/poll.hpp>
#include <boost/mio/registry.hpp>
#include <boost/mio/token.hpp>
#include <boost/mio/version.hpp>
#include <boost/mio/waker.hpp>
#include <boost/mio/net/shutdown_type.hpp>
#include <boost/mio/net/tcp_listener.hpp>
#include <boost/mio/net/tcp_stream.hpp>
#include <boost/mio/net/udp_socket.hpp>
#if !defined(_WIN32) // POSIX only: each says so on Windows
#  include <boost/mio/net/unix_datagram.hpp>
#  include <boost/mio/net/unix_listener.hpp>
#  include <boost/mio/net/unix_stream.hpp>
#  include <boost/mio/posix/pipe.hpp>
#  include <boost/mio/posix/source_fd.hpp>
#else // Windows only
#  include <boost/mio/windows/named_pipe.hpp>
#endif

#endif // BOOST_MIO_HPP
