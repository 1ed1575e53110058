//
// boost/mio/net/tcp_listener.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_TCP_LISTENER_HPP
#define BOOST_MIO_NET_TCP_LISTENER_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/listener_socket.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/net/tcp_stream.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <utility>

namespace boost {
namespace mio {
namespace net {

/// A non-blocking TCP listening socket (IPv4 or IPv6); an event source.
///
/// Move-only; owns its socket. It is readable when a connection is
/// pending: accept until would_block on each readable event. An accept
/// that fails with `EMFILE`/`ENFILE` leaves the connection queued with no
/// new event to come for it: retry it yourself (on closing a connection,
/// on a wait timeout), as the tutorial's "Running out of descriptors" shows.
///
/// Inherited: accept (both overloads), local_endpoint, take_error,
/// native_handle, release, close, is_open, set_nonblocking and the
/// event-source members.
///
/// @par Example
/// @code
/// auto l = net::tcp_listener::bind({boost::asio::ip::make_address("127.0.0.1"), 0});
/// poll.registry().register_(l, token(0), interest::readable);
/// // on each readable event:
/// for (;;) {
///     boost::system::error_code ec;
///     auto [stream, peer] = l.accept(ec);
///     if (ec == boost::asio::error::would_block) break;
///     ...
/// }
/// @endcode
class tcp_listener
    : public mio::detail::listener_socket<boost::asio::ip::tcp, tcp_stream>
{
    using base = mio::detail::listener_socket<boost::asio::ip::tcp, tcp_stream>;

public:
    /// A closed listener.
    tcp_listener() noexcept = default;

    /// Takes ownership of `fd`, a listening TCP socket in non-blocking mode.
    static tcp_listener from_native(native_handle_type fd) noexcept { return tcp_listener(fd); }

    /// Binds to `local` with SO_REUSEADDR (so a restarted server can bind
    /// while old connections linger in TIME_WAIT) and listens with a
    /// backlog of 1024. Port 0 picks a free port (see local_endpoint()).
    /// An address in use reports `EADDRINUSE`.
    /// @throws boost::system::system_error.
    static tcp_listener bind(const endpoint_type& local,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        tcp_listener l = bind(local, ec);
        detail::throw_error(ec, "bind", loc);
        return l;
    }
    BOOST_MIO_DECL static tcp_listener bind(const endpoint_type& local,
        boost::system::error_code& ec);

    /// IP_TTL (on IPv6, the unicast hop limit) of the listening socket,
    /// which the connections it accepts inherit: 1 to 255, else `EINVAL`.
    using base::set_ttl;
    using base::ttl;

private:
    explicit tcp_listener(native_handle_type fd) noexcept : base(fd) {}
};

} // namespace net
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/net/impl/tcp_listener.ipp>
#endif

#endif // BOOST_MIO_NET_TCP_LISTENER_HPP
