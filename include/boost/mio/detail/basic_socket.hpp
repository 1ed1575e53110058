//
// boost/mio/detail/basic_socket.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_BASIC_SOCKET_HPP
#define BOOST_MIO_DETAIL_BASIC_SOCKET_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/buffer_sequence.hpp>
#include <boost/mio/detail/io_source.hpp>
#include <boost/mio/detail/socket_ops.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/net/shutdown_type.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace boost {
namespace mio {
namespace detail {

// What all six socket types share, on top of io_source: the pending
// error, the local address, and (protected, published by the types they
// suit) peer address, shutdown, TTL and the boolean options. `Protocol`
// is the Asio protocol whose endpoint type names addresses.
template <class Protocol>
class basic_socket : public io_source
{
public:
    using protocol_type = Protocol;
    using endpoint_type = typename Protocol::endpoint;

    /// The pending socket error (SO_ERROR), which reading clears: after a
    /// non-blocking connect, the outcome; otherwise usually empty.
    /// @throws boost::system::system_error if it cannot be read (`EBADF`).
    boost::system::error_code take_error(
        const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        const boost::system::error_code pending = take_error(ec);
        detail::throw_error(ec, "take_error", loc);
        return pending;
    }
    boost::system::error_code take_error(boost::system::error_code& ec) const
    {
        return socket_ops::take_error(native_handle(), ec);
    }

    /// The address this socket is bound to, read back exactly: a Unix
    /// name may be up to 108 bytes here (a path filling `sun_path`, bound
    /// by other code, since the library binds up to 107).
    /// @throws boost::system::system_error.
    endpoint_type local_endpoint(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        endpoint_type ep = local_endpoint(ec);
        detail::throw_error(ec, "local_endpoint", loc);
        return ep;
    }
    endpoint_type local_endpoint(boost::system::error_code& ec) const
    {
        return read_endpoint(&socket_ops::local_address, ec);
    }

protected:
    // Sets an endpoint the OS wrote to the `len` bytes it reported (which
    // socket_ops checked fit). Asio's resize() takes a trailing NUL for a
    // filesystem path's terminator and drops it; an abstract Unix name
    // (first byte NUL) is binary and exact, and "\0name\0" and "\0name" are
    // two sockets. So for one, a terminator is put after the name for
    // resize() to drop, and the name keeps its own last byte.
    static void set_endpoint_size(endpoint_type& ep, std::size_t len) noexcept
    {
        ep.resize(len); // cannot throw: socket_ops checked that it fits
        const bool abstract = ep.data()->sa_family == AF_UNIX && len > offsetof(::sockaddr, sa_data)
            && ep.data()->sa_data[0] == '\0';
        if (ep.size() < len && abstract && len < ep.capacity())
        {
            reinterpret_cast<char*>(ep.data())[len] = '\0';
            ep.resize(len + 1);
        }
    }

    basic_socket() noexcept = default;
    explicit basic_socket(native_handle_type fd) noexcept : io_source(fd) {}

    // Makes this a new socket of the endpoint's protocol, bound to it; on
    // failure it stays closed.
    void open_bound(const endpoint_type& ep, bool reuse_address,
        boost::system::error_code& ec) noexcept
    {
        this->adopt(socket_ops::open(ep.protocol().family(), ep.protocol().type(), ec));
        if (!ec && reuse_address)
            socket_ops::set_option(this->native_handle(), socket_ops::option::reuse_address, 1, ec);
        if (!ec)
            socket_ops::bind(this->native_handle(), ep.data(), ep.size(), ec);
        if (ec)
            this->close();
    }

    // The address of the connected peer (ENOTCONN if there is none).
    endpoint_type peer_endpoint(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        endpoint_type ep = peer_endpoint(ec);
        detail::throw_error(ec, "peer_endpoint", loc);
        return ep;
    }
    endpoint_type peer_endpoint(boost::system::error_code& ec) const
    {
        return read_endpoint(&socket_ops::peer_address, ec);
    }

    void shutdown(net::shutdown_type what,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        shutdown(what, ec);
        detail::throw_error(ec, "shutdown", loc);
    }
    void shutdown(net::shutdown_type what, boost::system::error_code& ec)
    {
        socket_ops::shutdown(native_handle(), what, ec);
    }

    // IP_TTL (IPV6_UNICAST_HOPS on an IPv6 socket); 1..255.
    void set_ttl(std::uint32_t ttl, const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        set_ttl(ttl, ec);
        detail::throw_error(ec, "set_ttl", loc);
    }
    void set_ttl(std::uint32_t ttl, boost::system::error_code& ec)
    {
        socket_ops::set_hop_limit(native_handle(), socket_ops::option::ttl, ttl, ec);
    }
    std::uint32_t ttl(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        const std::uint32_t v = ttl(ec);
        detail::throw_error(ec, "ttl", loc);
        return v;
    }
    std::uint32_t ttl(boost::system::error_code& ec) const
    {
        return static_cast<std::uint32_t>(
            socket_ops::get_option(native_handle(), socket_ops::option::ttl, ec));
    }

    // For the boolean options of the derived types.
    void set_flag(socket_ops::option opt, bool on, boost::system::error_code& ec)
    {
        socket_ops::set_option(native_handle(), opt, on ? 1 : 0, ec);
    }
    bool flag(socket_ops::option opt, boost::system::error_code& ec) const
    {
        return socket_ops::get_option(native_handle(), opt, ec) != 0;
    }

    // One send of `buffers` (to `to`, or to the connected peer when null):
    // send(2) for a single buffer, one sendmsg(2) for a sequence.
    template <class ConstBufferSequence>
    BOOST_FORCEINLINE std::size_t send_buffers(const ConstBufferSequence& buffers, const ::sockaddr* to,
        std::size_t to_len, boost::system::error_code& ec)
    {
        using boost::asio::const_buffer;
        if constexpr (is_single_buffer_v<ConstBufferSequence, const_buffer>)
        {
            const const_buffer b(buffers);
            return this->do_io(interest::writable, ec, [&](socket_handle fd, boost::system::error_code& ec) BOOST_MIO_LAMBDA_FORCEINLINE {
                return socket_ops::send(fd, b.data(), b.size(), to, to_len, ec);
            });
        }
        else
        {
            iovec_array<const_buffer> iov(buffers);
            return this->do_io(interest::writable, ec, [&](socket_handle fd, boost::system::error_code& ec) BOOST_MIO_LAMBDA_FORCEINLINE {
                return socket_ops::send(fd, iov.data(), iov.count(), to, to_len, ec);
            });
        }
    }

private:
    using address_getter = void (*)(socket_handle, ::sockaddr*, std::size_t*, boost::system::error_code&) noexcept;

    endpoint_type read_endpoint(address_getter get, boost::system::error_code& ec) const
    {
        endpoint_type ep;
        std::size_t len = ep.capacity();
        get(native_handle(), ep.data(), &len, ec);
        if (ec)
            return endpoint_type();
        set_endpoint_size(ep, len);
        return ep;
    }
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_BASIC_SOCKET_HPP
