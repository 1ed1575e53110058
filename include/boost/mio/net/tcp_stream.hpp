//
// boost/mio/net/tcp_stream.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_TCP_STREAM_HPP
#define BOOST_MIO_NET_TCP_STREAM_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/stream_socket.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/net/shutdown_type.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <utility>

namespace boost {
namespace mio {
namespace net {

/// A non-blocking TCP connection (IPv4 or IPv6); an event source.
///
/// Move-only; owns its socket, which the destructor closes. Created by
/// connect() or tcp_listener::accept(), or adopted with from_native().
/// Every socket the library creates is O_NONBLOCK | O_CLOEXEC and no write
/// raises SIGPIPE (MSG_NOSIGNAL).
///
/// Inherited: read_some, write_some, peek (both overloads, any Asio buffer
/// sequence, several buffers in one syscall), shutdown, local_endpoint,
/// peer_endpoint, take_error, native_handle, release, close, is_open,
/// set_nonblocking and the event-source members.
///
/// A tcp_stream is an Asio SyncReadStream and SyncWriteStream: the
/// synchronous algorithms (boost::asio::read, write, read_until) work on
/// it and stop with would_block where a blocking socket would block.
///
/// @par Example
/// @code
/// auto s = net::tcp_stream::connect(ep);
/// poll.registry().register_(s, token(1), interest::readable | interest::writable);
/// // ... a writable event: connected, or failed: check s.take_error()
/// @endcode
class tcp_stream : public mio::detail::stream_socket<boost::asio::ip::tcp>
{
    using base = mio::detail::stream_socket<boost::asio::ip::tcp>;

public:
    /// A closed stream.
    tcp_stream() noexcept = default;

    /// Takes ownership of `fd`, a connected (or connecting) TCP socket in
    /// non-blocking mode (call set_nonblocking(true) otherwise).
    static tcp_stream from_native(native_handle_type fd) noexcept { return tcp_stream(fd); }

    /// Starts a non-blocking connect to `peer`. It completes later: register
    /// the stream for writable; on the writable event, take_error() is
    /// empty and peer_endpoint() succeeds if it connected, or take_error()
    /// holds the reason (e.g. `ECONNREFUSED`; the event also shows
    /// is_error()). Errors known at once (e.g. `ENETUNREACH`) are reported
    /// here. @throws boost::system::system_error.
    static tcp_stream connect(const endpoint_type& peer,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        tcp_stream s = connect(peer, ec);
        detail::throw_error(ec, "connect", loc);
        return s;
    }
    BOOST_MIO_DECL static tcp_stream connect(const endpoint_type& peer,
        boost::system::error_code& ec);

    /// TCP_NODELAY: send small writes at once instead of coalescing them.
    void set_nodelay(bool on, const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        set_nodelay(on, ec);
        detail::throw_error(ec, "set_nodelay", loc);
    }
    BOOST_MIO_DECL void set_nodelay(bool on, boost::system::error_code& ec);

    bool nodelay(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        const bool on = nodelay(ec);
        detail::throw_error(ec, "nodelay", loc);
        return on;
    }
    BOOST_MIO_DECL bool nodelay(boost::system::error_code& ec) const;

    /// IP_TTL (on IPv6, the unicast hop limit): 1 to 255, else `EINVAL`.
    using base::set_ttl;
    using base::ttl;

private:
    explicit tcp_stream(native_handle_type fd) noexcept : base(fd) {}
};

} // namespace net
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/net/impl/tcp_stream.ipp>
#endif

#endif // BOOST_MIO_NET_TCP_STREAM_HPP
