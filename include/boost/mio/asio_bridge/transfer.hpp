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
#if !defined(_WIN32)
#  include <boost/mio/net/unix_datagram.hpp>
#  include <boost/mio/net/unix_listener.hpp>
#  include <boost/mio/net/unix_stream.hpp>
#endif
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
// Asio operations complete with operation_aborted) and gives it up. On
// Windows release() may refuse (operation_not_supported: no
// FileReplaceCompletionInformation before 8.1, nor in Wine); the mode is
// then put back, as for any failure.
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

// The pairs to_mio / to_asio convert between. A type not listed here has
// no `type`, so the functions below do not exist for it (nor for lvalues:
// an Asio object or mio socket is given up with std::move).
template <class AsioObject>
struct mio_counterpart
{
};
template <class Ex>
struct mio_counterpart<boost::asio::basic_stream_socket<boost::asio::ip::tcp, Ex>>
{
    using type = net::tcp_stream;
};
template <class Ex>
struct mio_counterpart<boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Ex>>
{
    using type = net::tcp_listener;
};
template <class Ex>
struct mio_counterpart<boost::asio::basic_datagram_socket<boost::asio::ip::udp, Ex>>
{
    using type = net::udp_socket;
};
#if !defined(_WIN32) // Unix-domain sockets are POSIX only
template <class Ex>
struct mio_counterpart<boost::asio::basic_stream_socket<boost::asio::local::stream_protocol, Ex>>
{
    using type = net::unix_stream;
};
template <class Ex>
struct mio_counterpart<boost::asio::basic_socket_acceptor<boost::asio::local::stream_protocol, Ex>>
{
    using type = net::unix_listener;
};
template <class Ex>
struct mio_counterpart<
    boost::asio::basic_datagram_socket<boost::asio::local::datagram_protocol, Ex>>
{
    using type = net::unix_datagram;
};
#endif

template <class MioSocket, class Executor>
struct asio_counterpart
{
};
template <class Executor>
struct asio_counterpart<net::tcp_stream, Executor>
{
    using type = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
};
template <class Executor>
struct asio_counterpart<net::tcp_listener, Executor>
{
    using type = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Executor>;
};
template <class Executor>
struct asio_counterpart<net::udp_socket, Executor>
{
    using type = boost::asio::basic_datagram_socket<boost::asio::ip::udp, Executor>;
};
#if !defined(_WIN32)
template <class Executor>
struct asio_counterpart<net::unix_stream, Executor>
{
    using type = boost::asio::basic_stream_socket<boost::asio::local::stream_protocol, Executor>;
};
template <class Executor>
struct asio_counterpart<net::unix_listener, Executor>
{
    using type =
        boost::asio::basic_socket_acceptor<boost::asio::local::stream_protocol, Executor>;
};
template <class Executor>
struct asio_counterpart<net::unix_datagram, Executor>
{
    using type =
        boost::asio::basic_datagram_socket<boost::asio::local::datagram_protocol, Executor>;
};
#endif

} // namespace detail

/// An Asio socket's handle becomes a mio::net socket's:
///
/// | Asio object (any executor `Ex`)                         | mio socket          |
/// |---------------------------------------------------------|---------------------|
/// | `basic_stream_socket<ip::tcp, Ex>`                      | `net::tcp_stream`   |
/// | `basic_socket_acceptor<ip::tcp, Ex>`                    | `net::tcp_listener` |
/// | `basic_datagram_socket<ip::udp, Ex>`                    | `net::udp_socket`   |
/// | `basic_stream_socket<local::stream_protocol, Ex>`       | `net::unix_stream`  |
/// | `basic_socket_acceptor<local::stream_protocol, Ex>`     | `net::unix_listener`|
/// | `basic_datagram_socket<local::datagram_protocol, Ex>`   | `net::unix_datagram`|
///
/// The Asio object is left closed (its pending operations complete with
/// `operation_aborted`, as with Asio's release()); the returned socket owns
/// the same handle, switched to non-blocking mode, and is not registered
/// with any poll. Bytes, datagrams or connections the kernel had already
/// queued are read from the new owner. On failure (`bad_descriptor` for a
/// closed object) the Asio object keeps its handle and a closed mio socket
/// is returned.
///
/// On Windows, Asio's release() must take the socket off Asio's completion
/// port (`FileReplaceCompletionInformation`), which Windows 8.1 and later
/// can do and earlier Windows and Wine cannot: there the transfer fails
/// with `operation_not_supported`, and the Asio object keeps its handle,
/// its mode and what is queued for it (its pending operations are aborted
/// all the same: release() cancels them first).
///
/// @par Example
/// @code
/// acceptor.async_accept([&](boost::system::error_code ec, tcp::socket s) {
///     if (ec) return;                   // the accept failed: nothing to convert
///     boost::system::error_code convert_ec;
///     boost::mio::net::tcp_stream stream = boost::mio::asio_bridge::to_mio(std::move(s), convert_ec);
///     if (convert_ec) return;           // s still owns its handle
///     ...
/// });
/// @endcode
template <class AsioObject>
typename detail::mio_counterpart<AsioObject>::type to_mio(AsioObject&& object,
    boost::system::error_code& ec)
{
    return detail::adopt_from_asio<typename detail::mio_counterpart<AsioObject>::type>(
        object, ec);
}

/// As above. @throws boost::system::system_error on failure.
template <class AsioObject>
typename detail::mio_counterpart<AsioObject>::type to_mio(AsioObject&& object,
    const boost::source_location& loc = BOOST_CURRENT_LOCATION)
{
    boost::system::error_code ec;
    auto out = asio_bridge::to_mio(std::move(object), ec);
    mio::detail::throw_error(ec, "to_mio", loc);
    return out;
}

/// A mio::net socket's handle becomes an Asio socket's (the table above,
/// right to left), bound to `ex`.
///
/// The returned Asio object owns the handle, registered with the reactor
/// of `ex`'s execution context; the mio socket is left closed. Deregister
/// the mio socket from its polls first: a handle stays registered where it
/// was. Asio's synchronous operations still block on the (non-blocking)
/// handle as usual, since Asio expects an assigned handle in either mode.
/// On failure (`bad_descriptor` for a closed socket, or what the reactor
/// reports) the mio socket keeps its handle and a closed Asio object bound
/// to `ex` is returned.
template <class MioSocket, class Executor>
typename detail::asio_counterpart<MioSocket, Executor>::type to_asio(MioSocket&& s,
    const Executor& ex, boost::system::error_code& ec)
{
    return detail::hand_to_asio<typename detail::asio_counterpart<MioSocket, Executor>::type>(
        s, ex, ec);
}

/// As above. @throws boost::system::system_error on failure.
template <class MioSocket, class Executor>
typename detail::asio_counterpart<MioSocket, Executor>::type to_asio(MioSocket&& s,
    const Executor& ex, const boost::source_location& loc = BOOST_CURRENT_LOCATION)
{
    boost::system::error_code ec;
    auto out = asio_bridge::to_asio(std::move(s), ex, ec);
    mio::detail::throw_error(ec, "to_asio", loc);
    return out;
}

} // namespace asio_bridge
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_ASIO_BRIDGE_TRANSFER_HPP
