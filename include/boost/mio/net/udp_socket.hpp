//
// boost/mio/net/udp_socket.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_UDP_SOCKET_HPP
#define BOOST_MIO_NET_UDP_SOCKET_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/datagram_socket.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <utility>

namespace boost {
namespace mio {
namespace net {

/// A non-blocking UDP socket (IPv4 or IPv6); an event source.
///
/// Move-only; owns its socket. Created bound by bind() (port 0 picks a
/// free port), or adopted with from_native().
///
/// Every operation has both overloads. Buffers are any Asio buffer sequence; a
/// sequence of several buffers is one datagram (one sendmsg/recvmsg), sent
/// whole or not at all: more than 1024 non-empty buffers (the most one
/// sendmsg takes) send nothing and report boost::asio::error::message_size.
///
/// Datagrams: a zero-length datagram is received as 0 bytes, no error.
/// A datagram larger than the buffers fills them, returns their size and
/// reports boost::asio::error::message_size (see detail/datagram_socket.hpp).
/// With edge-triggered readiness, receive until would_block on each
/// readable event.
class udp_socket : public mio::detail::datagram_socket<boost::asio::ip::udp>
{
    using base = mio::detail::datagram_socket<boost::asio::ip::udp>;

public:
#if defined(BOOST_MIO_DOXYGEN)
    // Declared for the reference only: the members come from a detail::
    // base and are documented here, where the user meets them.
    /// The Asio protocol: `boost::asio::ip::udp`.
    using protocol_type = boost::asio::ip::udp;
    /// The Asio endpoint type of this socket's addresses.
    using endpoint_type = boost::asio::ip::udp::endpoint;
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
    /// @copydoc boost::mio::net::tcp_stream::peer_endpoint(const boost::source_location&) const
    endpoint_type peer_endpoint(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const;
    /// @copydoc boost::mio::net::tcp_stream::peer_endpoint(boost::system::error_code&) const
    endpoint_type peer_endpoint(boost::system::error_code& ec) const;
    /// @copydoc boost::mio::net::tcp_stream::shutdown(net::shutdown_type, const boost::source_location&)
    void shutdown(net::shutdown_type what, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::tcp_stream::shutdown(net::shutdown_type, boost::system::error_code&)
    void shutdown(net::shutdown_type what, boost::system::error_code& ec);
    /// Sets the default destination and the only accepted source
    /// (connect(2)); connecting again switches to another peer.
    /// @throws boost::system::system_error.
    void connect(const endpoint_type& peer, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    void connect(const endpoint_type& peer, boost::system::error_code& ec);
    /// Sends one datagram made of `buffers` to the connected peer: all or
    /// nothing, up to 1024 buffers (more report `message_size`).
    /// @par Errors
    /// `would_block` when the send buffer is full, `EDESTADDRREQ` if not
    /// connected, `message_size` for a datagram too large.
    /// @throws boost::system::system_error.
    template <class ConstBufferSequence>
    std::size_t send(const ConstBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class ConstBufferSequence>
    std::size_t send(const ConstBufferSequence& buffers, boost::system::error_code& ec);
    /// Sends one datagram made of `buffers` to `to` (as send, without a
    /// connection). @throws boost::system::system_error.
    template <class ConstBufferSequence>
    std::size_t send_to(const ConstBufferSequence& buffers, const endpoint_type& to, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class ConstBufferSequence>
    std::size_t send_to(const ConstBufferSequence& buffers, const endpoint_type& to, boost::system::error_code& ec);
    /// Receives one datagram into `buffers`. A datagram larger than the
    /// buffers fills them, returns the bytes kept and reports
    /// `boost::asio::error::message_size` (the rest is gone); a zero-length
    /// datagram is 0 bytes and no error; `would_block` when none is queued.
    /// @throws boost::system::system_error.
    template <class MutableBufferSequence>
    std::size_t receive(const MutableBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class MutableBufferSequence>
    std::size_t receive(const MutableBufferSequence& buffers, boost::system::error_code& ec);
    /// As receive, leaving the datagram queued.
    /// @throws boost::system::system_error.
    template <class MutableBufferSequence>
    std::size_t peek(const MutableBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class MutableBufferSequence>
    std::size_t peek(const MutableBufferSequence& buffers, boost::system::error_code& ec);
    /// Receives one datagram (as receive) and its sender's address, read
    /// back exactly (an unbound Unix sender is an empty path).
    /// @throws boost::system::system_error.
    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> receive_from(const MutableBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> receive_from(const MutableBufferSequence& buffers, boost::system::error_code& ec);
    /// As receive_from, leaving the datagram queued.
    /// @throws boost::system::system_error.
    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> peek_from(const MutableBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> peek_from(const MutableBufferSequence& buffers, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::tcp_stream::set_ttl(std::uint32_t, const boost::source_location&)
    void set_ttl(std::uint32_t ttl, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::tcp_stream::set_ttl(std::uint32_t, boost::system::error_code&)
    void set_ttl(std::uint32_t ttl, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::tcp_stream::ttl(const boost::source_location&) const
    std::uint32_t ttl(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const;
    /// @copydoc boost::mio::net::tcp_stream::ttl(boost::system::error_code&) const
    std::uint32_t ttl(boost::system::error_code& ec) const;
#endif

    /// A closed socket.
    udp_socket() noexcept = default;

    /// Takes ownership of `fd`, a UDP socket in non-blocking mode.
    static udp_socket from_native(native_handle_type fd) noexcept { return udp_socket(fd); }

    /// A new socket bound to `local` (no SO_REUSEADDR: a port in use is
    /// `EADDRINUSE`). @throws boost::system::system_error.
    static udp_socket bind(const endpoint_type& local,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        udp_socket s = bind(local, ec);
        detail::throw_error(ec, "bind", loc);
        return s;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL static udp_socket bind(const endpoint_type& local,
        boost::system::error_code& ec);

    /// IP_TTL (on IPv6, the unicast hop limit): 1 to 255, else `EINVAL`.
    using base::set_ttl;
    using base::ttl;

    /// SO_BROADCAST: whether sending to a broadcast address is allowed.
    void set_broadcast(bool on, const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        set_broadcast(on, ec);
        detail::throw_error(ec, "set_broadcast", loc);
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL void set_broadcast(bool on, boost::system::error_code& ec);
    /// Reads the option set by the setter above.
    /// @throws boost::system::system_error (e.g. `EBADF`).
    bool broadcast(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        const bool on = broadcast(ec);
        detail::throw_error(ec, "broadcast", loc);
        return on;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL bool broadcast(boost::system::error_code& ec) const;

    /// IP_MULTICAST_LOOP: whether this host receives its own multicast.
    void set_multicast_loop_v4(bool on, const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        set_multicast_loop_v4(on, ec);
        detail::throw_error(ec, "set_multicast_loop_v4", loc);
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL void set_multicast_loop_v4(bool on, boost::system::error_code& ec);
    /// Reads the option set by the setter above.
    /// @throws boost::system::system_error (e.g. `EBADF`).
    bool multicast_loop_v4(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        const bool on = multicast_loop_v4(ec);
        detail::throw_error(ec, "multicast_loop_v4", loc);
        return on;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL bool multicast_loop_v4(boost::system::error_code& ec) const;

    /// IPV6_MULTICAST_LOOP, for an IPv6 socket.
    void set_multicast_loop_v6(bool on, const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        set_multicast_loop_v6(on, ec);
        detail::throw_error(ec, "set_multicast_loop_v6", loc);
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL void set_multicast_loop_v6(bool on, boost::system::error_code& ec);
    /// Reads the option set by the setter above.
    /// @throws boost::system::system_error (e.g. `EBADF`).
    bool multicast_loop_v6(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        const bool on = multicast_loop_v6(ec);
        detail::throw_error(ec, "multicast_loop_v6", loc);
        return on;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL bool multicast_loop_v6(boost::system::error_code& ec) const;

    /// IP_MULTICAST_TTL: 0 to 255, else `EINVAL`.
    void set_multicast_ttl_v4(std::uint32_t ttl,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        set_multicast_ttl_v4(ttl, ec);
        detail::throw_error(ec, "set_multicast_ttl_v4", loc);
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL void set_multicast_ttl_v4(std::uint32_t ttl, boost::system::error_code& ec);
    /// Reads the option set by the setter above.
    /// @throws boost::system::system_error (e.g. `EBADF`).
    std::uint32_t multicast_ttl_v4(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        const std::uint32_t ttl = multicast_ttl_v4(ec);
        detail::throw_error(ec, "multicast_ttl_v4", loc);
        return ttl;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL std::uint32_t multicast_ttl_v4(boost::system::error_code& ec) const;

    /// IPV6_V6ONLY of an IPv6 socket (set before bind by the OS default).
    bool only_v6(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        const bool on = only_v6(ec);
        detail::throw_error(ec, "only_v6", loc);
        return on;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL bool only_v6(boost::system::error_code& ec) const;

    /// Joins the IPv4 multicast `group` on the interface with address
    /// `iface` (any() lets the OS choose). @throws boost::system::system_error.
    void join_multicast_v4(const boost::asio::ip::address_v4& group,
        const boost::asio::ip::address_v4& iface,
            const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        join_multicast_v4(group, iface, ec);
        detail::throw_error(ec, "join_multicast_v4", loc);
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL void join_multicast_v4(const boost::asio::ip::address_v4& group,
        const boost::asio::ip::address_v4& iface, boost::system::error_code& ec);

    /// Joins the IPv6 multicast `group` on interface `iface_index` (0: the
    /// OS chooses). @throws boost::system::system_error.
    void join_multicast_v6(const boost::asio::ip::address_v6& group, unsigned iface_index,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        join_multicast_v6(group, iface_index, ec);
        detail::throw_error(ec, "join_multicast_v6", loc);
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL void join_multicast_v6(const boost::asio::ip::address_v6& group,
        unsigned iface_index, boost::system::error_code& ec);

    /// Leaves a group joined with join_multicast_v4 (`EADDRNOTAVAIL` if
    /// not joined). @throws boost::system::system_error.
    void leave_multicast_v4(const boost::asio::ip::address_v4& group,
        const boost::asio::ip::address_v4& iface,
            const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        leave_multicast_v4(group, iface, ec);
        detail::throw_error(ec, "leave_multicast_v4", loc);
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL void leave_multicast_v4(const boost::asio::ip::address_v4& group,
        const boost::asio::ip::address_v4& iface, boost::system::error_code& ec);

    /// Leaves a group joined with join_multicast_v6.
    /// @throws boost::system::system_error.
    void leave_multicast_v6(const boost::asio::ip::address_v6& group, unsigned iface_index,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        leave_multicast_v6(group, iface_index, ec);
        detail::throw_error(ec, "leave_multicast_v6", loc);
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL void leave_multicast_v6(const boost::asio::ip::address_v6& group,
        unsigned iface_index, boost::system::error_code& ec);

private:
    explicit udp_socket(native_handle_type fd) noexcept : base(fd) {}
};

} // namespace net
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/net/impl/udp_socket.ipp>
#endif

#endif // BOOST_MIO_NET_UDP_SOCKET_HPP
