//
// boost/mio/net/unix_datagram.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_UNIX_DATAGRAM_HPP
#define BOOST_MIO_NET_UNIX_DATAGRAM_HPP

#if defined(_WIN32)
#  error "boost/mio/net/unix_datagram.hpp: Unix-domain sockets are POSIX only"
#else

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/datagram_socket.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/detail/unix_path.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <utility>

namespace boost {
namespace mio {
namespace net {

/// A non-blocking Unix-domain datagram socket; an event source.
///
/// Move-only; owns its socket. Created by bind(), unbound() or pair(), or
/// adopted with from_native(). Every call that takes an address also takes
/// it as a path (`const char*`, std::string, std::string_view...; a
/// leading '\0' is an abstract name; more than 107 bytes is
/// `ENAMETOOLONG`, never a shortened name; a '\0' inside a filesystem path
/// is `EINVAL`).
///
/// Every operation has both overloads. Datagrams behave as for udp_socket:
/// zero-length datagrams are 0 bytes, no error; truncation reports
/// boost::asio::error::message_size; a datagram is sent whole or not at
/// all (up to 1024 buffers). A datagram from an unbound socket has an empty
/// sender path.
class unix_datagram
    : public mio::detail::datagram_socket<boost::asio::local::datagram_protocol>
{
    using base = mio::detail::datagram_socket<boost::asio::local::datagram_protocol>;
    template <class T>
    using if_path = mio::detail::enable_if_unix_path_t<T>;

public:
#if defined(BOOST_MIO_DOXYGEN)
    // Declared for the reference only: the members come from a detail::
    // base and are documented here, where the user meets them.
    /// The Asio protocol: `boost::asio::local::datagram_protocol`.
    using protocol_type = boost::asio::local::datagram_protocol;
    /// The Asio endpoint type of this socket's addresses.
    using endpoint_type = boost::asio::local::datagram_protocol::endpoint;
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
    /// @copydoc boost::mio::net::udp_socket::connect(const endpoint_type&, const boost::source_location&)
    void connect(const endpoint_type& peer, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::udp_socket::connect(const endpoint_type&, boost::system::error_code&)
    void connect(const endpoint_type& peer, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::udp_socket::send(const ConstBufferSequence&, const boost::source_location&)
    template <class ConstBufferSequence>
    std::size_t send(const ConstBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::udp_socket::send(const ConstBufferSequence&, boost::system::error_code&)
    template <class ConstBufferSequence>
    std::size_t send(const ConstBufferSequence& buffers, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::udp_socket::send_to(const ConstBufferSequence&, const endpoint_type&, const boost::source_location&)
    template <class ConstBufferSequence>
    std::size_t send_to(const ConstBufferSequence& buffers, const endpoint_type& to, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::udp_socket::send_to(const ConstBufferSequence&, const endpoint_type&, boost::system::error_code&)
    template <class ConstBufferSequence>
    std::size_t send_to(const ConstBufferSequence& buffers, const endpoint_type& to, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::udp_socket::receive(const MutableBufferSequence&, const boost::source_location&)
    template <class MutableBufferSequence>
    std::size_t receive(const MutableBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::udp_socket::receive(const MutableBufferSequence&, boost::system::error_code&)
    template <class MutableBufferSequence>
    std::size_t receive(const MutableBufferSequence& buffers, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::udp_socket::peek(const MutableBufferSequence&, const boost::source_location&)
    template <class MutableBufferSequence>
    std::size_t peek(const MutableBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::udp_socket::peek(const MutableBufferSequence&, boost::system::error_code&)
    template <class MutableBufferSequence>
    std::size_t peek(const MutableBufferSequence& buffers, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::udp_socket::receive_from(const MutableBufferSequence&, const boost::source_location&)
    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> receive_from(const MutableBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::udp_socket::receive_from(const MutableBufferSequence&, boost::system::error_code&)
    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> receive_from(const MutableBufferSequence& buffers, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::udp_socket::peek_from(const MutableBufferSequence&, const boost::source_location&)
    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> peek_from(const MutableBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::udp_socket::peek_from(const MutableBufferSequence&, boost::system::error_code&)
    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> peek_from(const MutableBufferSequence& buffers, boost::system::error_code& ec);
#endif

    /// A closed socket.
    unix_datagram() noexcept = default;

    /// Takes ownership of `fd`, a Unix datagram socket in non-blocking mode.
    static unix_datagram from_native(native_handle_type fd) noexcept { return unix_datagram(fd); }

    /// A new socket bound to `local`. @throws boost::system::system_error.
    static unix_datagram bind(const endpoint_type& local,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        unix_datagram s = bind(local, ec);
        detail::throw_error(ec, "bind", loc);
        return s;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL static unix_datagram bind(const endpoint_type& local,
        boost::system::error_code& ec);

    /// A new socket bound to the name `path`. @throws boost::system::system_error.
    template <class Path, if_path<Path> = 0>
    static unix_datagram bind(const Path& path,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        unix_datagram s = bind(path, ec);
        detail::throw_error(ec, "bind", loc);
        return s;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class Path, if_path<Path> = 0>
    static unix_datagram bind(const Path& path, boost::system::error_code& ec)
    {
        const endpoint_type local = mio::detail::to_unix_endpoint<endpoint_type>(path, ec);
        return ec ? unix_datagram() : bind(local, ec);
    }

    /// A new socket bound to no name: it can send, and receive replies
    /// only when connected (or once the OS auto-binds it).
    /// @throws boost::system::system_error.
    static unix_datagram unbound(const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        unix_datagram s = unbound(ec);
        detail::throw_error(ec, "unbound", loc);
        return s;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL static unix_datagram unbound(boost::system::error_code& ec);

    /// Two connected, unnamed sockets (socketpair).
    /// @throws boost::system::system_error.
    static std::pair<unix_datagram, unix_datagram> pair(
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        auto p = pair(ec);
        detail::throw_error(ec, "pair", loc);
        return p;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL static std::pair<unix_datagram, unix_datagram> pair(
        boost::system::error_code& ec);

    using base::connect;

    /// Connects to the socket named `path`. @throws boost::system::system_error.
    template <class Path, if_path<Path> = 0>
    void connect(const Path& path, const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        connect(path, ec);
        detail::throw_error(ec, "connect", loc);
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class Path, if_path<Path> = 0>
    void connect(const Path& path, boost::system::error_code& ec)
    {
        const endpoint_type peer = mio::detail::to_unix_endpoint<endpoint_type>(path, ec);
        if (!ec)
            connect(peer, ec);
    }

    using base::send_to;

    /// Sends one datagram to the socket named `path`.
    /// @throws boost::system::system_error.
    template <class ConstBufferSequence, class Path, if_path<Path> = 0>
    std::size_t send_to(const ConstBufferSequence& buffers, const Path& path,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        const std::size_t n = send_to(buffers, path, ec);
        detail::throw_error(ec, "send_to", loc);
        return n;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class ConstBufferSequence, class Path, if_path<Path> = 0>
    std::size_t send_to(const ConstBufferSequence& buffers, const Path& path,
        boost::system::error_code& ec)
    {
        const endpoint_type to = mio::detail::to_unix_endpoint<endpoint_type>(path, ec);
        return ec ? 0 : send_to(buffers, to, ec);
    }

private:
    explicit unix_datagram(native_handle_type fd) noexcept : base(fd) {}
};

} // namespace net
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/net/impl/unix_datagram.ipp>
#endif

#endif // _WIN32

#endif // BOOST_MIO_NET_UNIX_DATAGRAM_HPP
