//
// boost/mio/asio_bridge.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Boost.Mio <-> Boost.Asio interop, namespace boost::mio::asio_bridge:
//  - basic_poll_driver: runs a mio::poll inside an io_context;
//  - basic_async_source: per-source readiness as an Asio async operation;
//  - native_source / as_source: Asio objects as mio event sources;
//  - to_mio / to_asio: a socket's handle changes owner, both ways.
// Header-only templates over the public Mio and Asio APIs (no OS code), so
// they work with every Mio backend. Not included by <boost/mio.hpp>.

#ifndef BOOST_MIO_ASIO_BRIDGE_HPP
#define BOOST_MIO_ASIO_BRIDGE_HPP

#include <boost/mio/asio_bridge/async_source.hpp>
#include <boost/mio/asio_bridge/native_source.hpp>
#include <boost/mio/asio_bridge/poll_driver.hpp>
#include <boost/mio/asio_bridge/transfer.hpp>

#endif // BOOST_MIO_ASIO_BRIDGE_HPP
