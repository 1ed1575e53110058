//
// boost/mio/asio_bridge/transfer.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// to_mio / to_asio: one OS socket changes owner between an Asio object and
// a mio::net socket, in either direction. The handle itself moves (no dup,
// no new socket), so whatever the kernel already queued for it (received
// bytes, datagrams, pending connections) is still there for the new owner,
// and exactly one object owns the handle at any time: it is closed once.

#ifndef BOOST_MIO_ASIO_BRIDGE_TRANSFER_HPP
#define BOOST_MIO_ASIO_BRIDGE_TRANSFER_HPP

#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/net/tcp_listener.hpp>
#include <boost/mio/net/tcp_stream.hpp>
#include <boost/mio/net/udp_socket.hpp>
#include <boost/mio/net/unix_datagram.hpp>
#include <boost/mio/net/unix_listener.hpp>
#include <boost/mio/net/unix_stream.hpp>
#include <boost/asio/basic_datagram_socket.hpp>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/system/error_code.hpp>
#include <type_traits>
#include <utility>

namespace boost {
namespace mio {
namespace asio_bridge {
namespace detail {

// Asio object -> mio socket. mio sockets are non-blocking, so the handle is
// switched first; release() then takes it out of Asio's reactor (pending
// Asio operations complete with operation_aborted) and gives it up.
template <class MioSocket, class AsioObject>
MioSocket adopt_from_asio(AsioObject& object, boost::system::error_code& ec)
{
    if (!object.is_open())
    {
        ec = boost::asio::error::bad_descriptor;
        return MioSocket();
    }
    const bool was_non_blocking = object.native_non_blocking();
    object.native_non_blocking(true, ec);
    if (ec)
        return MioSocket();
    const auto handle = object.release(ec);
    if (ec)
    {
        boost::system::error_code ignored;
        object.native_non_blocking(was_non_blocking, ignored);
        return MioSocket();
    }
    return MioSocket::from_native(handle);
}

// The protocol to give Asio's assign(): for IP sockets the family the
// socket really has (IPv4 or IPv6), read from its local address.
template <class MioSocket>
typename MioSocket::protocol_type protocol_of(const MioSocket& s, boost::system::error_code& ec)
{
    using protocol = typename MioSocket::protocol_type;
    if constexpr (std::is_same<protocol, boost::asio::ip::tcp>::value
        || std::is_same<protocol, boost::asio::ip::udp>::value)
    {
        return s.local_endpoint(ec).protocol();
    }
    else
    {
        ec.clear();
        return protocol();
    }
}

// mio socket -> Asio object. Asio's assign() registers the handle with its
// reactor; only once that worked does the mio socket let go of it.
template <class AsioObject, class MioSocket, class Executor>
AsioObject hand_to_asio(MioSocket& s, const Executor& ex, boost::system::error_code& ec)
{
    AsioObject object(ex);
    if (!s.is_open())
    {
        ec = boost::asio::error::bad_descriptor;
        return object;
    }
    const auto protocol = detail::protocol_of(s, ec);
    if (!ec)
        object.assign(protocol, s.native_handle(), ec);
    if (!ec)
        (void)s.release();
    return object;
}

} // namespace detail

/// @name to_mio: an Asio socket's handle becomes a mio::net socket's.
///
/// The Asio object is left closed (its pending operations complete with
/// `operation_aborted`, as with Asio's release()); the returned socket owns
/// the same handle, switched to non-blocking mode, and is not registered
/// with any poll. Bytes, datagrams or connections the kernel had already
/// queued are read from the new owner. On failure (`bad_descriptor` for a
/// closed object) the Asio object keeps its handle and a closed mio socket
/// is returned. The throwing forms throw boost::system::system_error.
/// @{
template <class Ex>
net::tcp_stream to_mio(boost::asio::basic_stream_socket<boost::asio::ip::tcp, Ex>&& s,
    boost::system::error_code& ec)
{
    return detail::adopt_from_asio<net::tcp_stream>(s, ec);
}

template <class Ex>
net::tcp_stream to_mio(boost::asio::basic_stream_socket<boost::asio::ip::tcp, Ex>&& s)
{
    boost::system::error_code ec;
    net::tcp_stream out = detail::adopt_from_asio<net::tcp_stream>(s, ec);
    mio::detail::throw_error(ec, "to_mio");
    return out;
}

template <class Ex>
net::tcp_listener to_mio(boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Ex>&& a,
    boost::system::error_code& ec)
{
    return detail::adopt_from_asio<net::tcp_listener>(a, ec);
}

template <class Ex>
net::tcp_listener to_mio(boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Ex>&& a)
{
    boost::system::error_code ec;
    net::tcp_listener out = detail::adopt_from_asio<net::tcp_listener>(a, ec);
    mio::detail::throw_error(ec, "to_mio");
    return out;
}

template <class Ex>
net::udp_socket to_mio(boost::asio::basic_datagram_socket<boost::asio::ip::udp, Ex>&& s,
    boost::system::error_code& ec)
{
    return detail::adopt_from_asio<net::udp_socket>(s, ec);
}

template <class Ex>
net::udp_socket to_mio(boost::asio::basic_datagram_socket<boost::asio::ip::udp, Ex>&& s)
{
    boost::system::error_code ec;
    net::udp_socket out = detail::adopt_from_asio<net::udp_socket>(s, ec);
    mio::detail::throw_error(ec, "to_mio");
    return out;
}

template <class Ex>
net::unix_stream to_mio(
    boost::asio::basic_stream_socket<boost::asio::local::stream_protocol, Ex>&& s,
    boost::system::error_code& ec)
{
    return detail::adopt_from_asio<net::unix_stream>(s, ec);
}

template <class Ex>
net::unix_stream to_mio(
    boost::asio::basic_stream_socket<boost::asio::local::stream_protocol, Ex>&& s)
{
    boost::system::error_code ec;
    net::unix_stream out = detail::adopt_from_asio<net::unix_stream>(s, ec);
    mio::detail::throw_error(ec, "to_mio");
    return out;
}

template <class Ex>
net::unix_listener to_mio(
    boost::asio::basic_socket_acceptor<boost::asio::local::stream_protocol, Ex>&& a,
    boost::system::error_code& ec)
{
    return detail::adopt_from_asio<net::unix_listener>(a, ec);
}

template <class Ex>
net::unix_listener to_mio(
    boost::asio::basic_socket_acceptor<boost::asio::local::stream_protocol, Ex>&& a)
{
    boost::system::error_code ec;
    net::unix_listener out = detail::adopt_from_asio<net::unix_listener>(a, ec);
    mio::detail::throw_error(ec, "to_mio");
    return out;
}

template <class Ex>
net::unix_datagram to_mio(
    boost::asio::basic_datagram_socket<boost::asio::local::datagram_protocol, Ex>&& s,
    boost::system::error_code& ec)
{
    return detail::adopt_from_asio<net::unix_datagram>(s, ec);
}

template <class Ex>
net::unix_datagram to_mio(
    boost::asio::basic_datagram_socket<boost::asio::local::datagram_protocol, Ex>&& s)
{
    boost::system::error_code ec;
    net::unix_datagram out = detail::adopt_from_asio<net::unix_datagram>(s, ec);
    mio::detail::throw_error(ec, "to_mio");
    return out;
}
/// @}

/// @name to_asio: a mio::net socket's handle becomes an Asio socket's.
///
/// The returned Asio object, bound to `ex`, owns the handle (registered
/// with the reactor of `ex`'s context); the mio socket is left closed.
/// Deregister the mio socket from its polls first: a handle stays
/// registered where it was. Asio's synchronous operations still block on
/// the (non-blocking) handle as usual; Asio knows the handle may be in
/// either mode. On failure (`bad_descriptor` for a closed socket, or what
/// the reactor reports) the mio socket keeps its handle; the `ec` form
/// returns a closed Asio object bound to `ex`, the other throws
/// boost::system::system_error.
/// @{
template <class Executor>
boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor> to_asio(
    net::tcp_stream&& s, const Executor& ex, boost::system::error_code& ec)
{
    return detail::hand_to_asio<
        boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>>(s, ex, ec);
}

template <class Executor>
boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor> to_asio(
    net::tcp_stream&& s, const Executor& ex)
{
    boost::system::error_code ec;
    auto out = to_asio(std::move(s), ex, ec);
    mio::detail::throw_error(ec, "to_asio");
    return out;
}

template <class Executor>
boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Executor> to_asio(
    net::tcp_listener&& l, const Executor& ex, boost::system::error_code& ec)
{
    return detail::hand_to_asio<
        boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Executor>>(l, ex, ec);
}

template <class Executor>
boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Executor> to_asio(
    net::tcp_listener&& l, const Executor& ex)
{
    boost::system::error_code ec;
    auto out = to_asio(std::move(l), ex, ec);
    mio::detail::throw_error(ec, "to_asio");
    return out;
}

template <class Executor>
boost::asio::basic_datagram_socket<boost::asio::ip::udp, Executor> to_asio(
    net::udp_socket&& s, const Executor& ex, boost::system::error_code& ec)
{
    return detail::hand_to_asio<
        boost::asio::basic_datagram_socket<boost::asio::ip::udp, Executor>>(s, ex, ec);
}

template <class Executor>
boost::asio::basic_datagram_socket<boost::asio::ip::udp, Executor> to_asio(
    net::udp_socket&& s, const Executor& ex)
{
    boost::system::error_code ec;
    auto out = to_asio(std::move(s), ex, ec);
    mio::detail::throw_error(ec, "to_asio");
    return out;
}

template <class Executor>
boost::asio::basic_stream_socket<boost::asio::local::stream_protocol, Executor> to_asio(
    net::unix_stream&& s, const Executor& ex, boost::system::error_code& ec)
{
    return detail::hand_to_asio<
        boost::asio::basic_stream_socket<boost::asio::local::stream_protocol, Executor>>(
        s, ex, ec);
}

template <class Executor>
boost::asio::basic_stream_socket<boost::asio::local::stream_protocol, Executor> to_asio(
    net::unix_stream&& s, const Executor& ex)
{
    boost::system::error_code ec;
    auto out = to_asio(std::move(s), ex, ec);
    mio::detail::throw_error(ec, "to_asio");
    return out;
}

template <class Executor>
boost::asio::basic_socket_acceptor<boost::asio::local::stream_protocol, Executor> to_asio(
    net::unix_listener&& l, const Executor& ex, boost::system::error_code& ec)
{
    return detail::hand_to_asio<
        boost::asio::basic_socket_acceptor<boost::asio::local::stream_protocol, Executor>>(
        l, ex, ec);
}

template <class Executor>
boost::asio::basic_socket_acceptor<boost::asio::local::stream_protocol, Executor> to_asio(
    net::unix_listener&& l, const Executor& ex)
{
    boost::system::error_code ec;
    auto out = to_asio(std::move(l), ex, ec);
    mio::detail::throw_error(ec, "to_asio");
    return out;
}

template <class Executor>
boost::asio::basic_datagram_socket<boost::asio::local::datagram_protocol, Executor> to_asio(
    net::unix_datagram&& s, const Executor& ex, boost::system::error_code& ec)
{
    return detail::hand_to_asio<
        boost::asio::basic_datagram_socket<boost::asio::local::datagram_protocol, Executor>>(
        s, ex, ec);
}

template <class Executor>
boost::asio::basic_datagram_socket<boost::asio::local::datagram_protocol, Executor> to_asio(
    net::unix_datagram&& s, const Executor& ex)
{
    boost::system::error_code ec;
    auto out = to_asio(std::move(s), ex, ec);
    mio::detail::throw_error(ec, "to_asio");
    return out;
}
/// @}

} // namespace asio_bridge
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_ASIO_BRIDGE_TRANSFER_HPP
