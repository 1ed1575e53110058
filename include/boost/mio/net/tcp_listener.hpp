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
/// The members that all sockets share (take_error, native_handle, close,
/// ...) are documented below with the others.
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
#if defined(BOOST_MIO_DOXYGEN)
    // Declared for the reference only: the members come from a detail::
    // base and are documented here, where the user meets them.
    /// The Asio protocol: `boost::asio::ip::tcp`.
    using protocol_type = boost::asio::ip::tcp;
    /// The Asio endpoint type of this socket's addresses.
    using endpoint_type = boost::asio::ip::tcp::endpoint;
    /// The OS handle type: `int` on POSIX (`SOCKET` on Windows).
    using native_handle_type = int;
    /// @copydoc boost::mio::net::tcp_stream::native_handle()
    native_handle_type native_handle() const noexcept;
    /// @copydoc boost::mio::net::tcp_stream::is_open()
    bool is_open() const noexcept;
    /// @copydoc boost::mio::net::tcp_stream::release()
    native_handle_type release() noexcept;
    /// @copydoc boost::mio::net::tcp_stream::close()
    void close() noexcept;
    /// @copydoc boost::mio::net::tcp_stream::close(boost::system::error_code&)
    void close(boost::system::error_code& ec) noexcept;
    /// @copydoc boost::mio::net::tcp_stream::set_nonblocking(bool, const boost::source_location&)
    void set_nonblocking(bool on, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::tcp_stream::set_nonblocking(bool, boost::system::error_code&)
    void set_nonblocking(bool on, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::tcp_stream::register_
    /// @{
    void register_(const registry& r, mio::token t, interest i, boost::system::error_code& ec) const;
    void reregister(const registry& r, mio::token t, interest i, boost::system::error_code& ec) const;
    void deregister(const registry& r, boost::system::error_code& ec) const;
    /// @}
    /// @copydoc boost::mio::net::tcp_stream::take_error(const boost::source_location&) const
    boost::system::error_code take_error(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const;
    /// @copydoc boost::mio::net::tcp_stream::take_error(boost::system::error_code&) const
    boost::system::error_code take_error(boost::system::error_code& ec) const;
    /// @copydoc boost::mio::net::tcp_stream::local_endpoint(const boost::source_location&) const
    endpoint_type local_endpoint(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const;
    /// @copydoc boost::mio::net::tcp_stream::local_endpoint(boost::system::error_code&) const
    endpoint_type local_endpoint(boost::system::error_code& ec) const;
    /// The listen(2) backlog of bind().
    static constexpr int backlog = 1024;
    /// Accepts one pending connection: the new stream (O_NONBLOCK |
    /// O_CLOEXEC, not registered anywhere) and its peer's address, read back
    /// exactly.
    /// @par Errors
    /// `would_block` when none is pending (accept until then on every
    /// readable event); `EMFILE` / `ENFILE` when out of descriptors: the
    /// connection stays queued and no new event will announce it, so retry
    /// before every wait (tutorial, section 11); `ECONNABORTED` for a client
    /// that gave up while queued.
    /// @throws boost::system::system_error for any of them.
    /// @par Complexity
    /// One system call; no allocation.
    std::pair<tcp_stream, endpoint_type> accept(const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    std::pair<tcp_stream, endpoint_type> accept(boost::system::error_code& ec);
    /// @copydoc boost::mio::net::tcp_stream::set_ttl(std::uint32_t, const boost::source_location&)
    void set_ttl(std::uint32_t ttl, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::tcp_stream::set_ttl(std::uint32_t, boost::system::error_code&)
    void set_ttl(std::uint32_t ttl, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::tcp_stream::ttl(const boost::source_location&) const
    std::uint32_t ttl(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const;
    /// @copydoc boost::mio::net::tcp_stream::ttl(boost::system::error_code&) const
    std::uint32_t ttl(boost::system::error_code& ec) const;
#endif

    /// A closed listener.
    tcp_listener() noexcept = default;

    /// Takes ownership of `fd`, a listening TCP socket in non-blocking mode.
    static tcp_listener from_native(native_handle_type fd) noexcept { return tcp_listener(fd); }

    /// Binds to `local` with SO_REUSEADDR (so a restarted server can bind
    /// while old connections linger in TIME_WAIT; on Windows, where that
    /// option would let another socket take the port, SO_EXCLUSIVEADDRUSE)
    /// and listens with a backlog of 1024. Port 0 picks a free port (see
    /// local_endpoint()). An address in use reports `EADDRINUSE`.
    /// @throws boost::system::system_error.
    static tcp_listener bind(const endpoint_type& local,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        tcp_listener l = bind(local, ec);
        detail::throw_error(ec, "bind", loc);
        return l;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
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
