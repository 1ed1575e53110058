//
// boost/mio/net/unix_stream.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_UNIX_STREAM_HPP
#define BOOST_MIO_NET_UNIX_STREAM_HPP

#if defined(_WIN32)
#  error "boost/mio/net/unix_stream.hpp: Unix-domain sockets are POSIX only"
#else

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/stream_socket.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/detail/unix_path.hpp>
#include <boost/mio/net/shutdown_type.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/system/error_code.hpp>
#include <string_view>
#include <utility>

namespace boost {
namespace mio {
namespace net {

/// A non-blocking Unix-domain stream socket; an event source.
///
/// Move-only; owns its socket. Created by connect(), pair() or
/// unix_listener::accept(), or adopted with from_native(). O_NONBLOCK |
/// O_CLOEXEC; writes never raise SIGPIPE (a write after the peer closed
/// reports `EPIPE`).
///
/// Like tcp_stream, an Asio SyncReadStream and SyncWriteStream; read_some,
/// write_some and peek take any Asio buffer sequence.
///
/// Names: a filesystem path, or with a leading '\0' a Linux abstract name;
/// up to 107 bytes as input. Names read back from the OS are exact, up to
/// the 108 bytes that fill `sun_path`. An unnamed socket's endpoint has an
/// empty path.
class unix_stream
    : public mio::detail::stream_socket<boost::asio::local::stream_protocol>
{
    using base = mio::detail::stream_socket<boost::asio::local::stream_protocol>;
    template <class T>
    using if_path = mio::detail::enable_if_unix_path_t<T>;

public:
#if defined(BOOST_MIO_DOXYGEN)
    // Declared for the reference only: the members come from a detail::
    // base and are documented here, where the user meets them.
    /// The Asio protocol: `boost::asio::local::stream_protocol`.
    using protocol_type = boost::asio::local::stream_protocol;
    /// The Asio endpoint type of this socket's addresses.
    using endpoint_type = boost::asio::local::stream_protocol::endpoint;
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
    /// @copydoc boost::mio::net::tcp_stream::read_some(const MutableBufferSequence&, const boost::source_location&)
    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::tcp_stream::read_some(const MutableBufferSequence&, boost::system::error_code&)
    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::tcp_stream::peek(const MutableBufferSequence&, const boost::source_location&)
    template <class MutableBufferSequence>
    std::size_t peek(const MutableBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::tcp_stream::peek(const MutableBufferSequence&, boost::system::error_code&)
    template <class MutableBufferSequence>
    std::size_t peek(const MutableBufferSequence& buffers, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::tcp_stream::write_some(const ConstBufferSequence&, const boost::source_location&)
    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::tcp_stream::write_some(const ConstBufferSequence&, boost::system::error_code&)
    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& ec);
#endif

    /// A closed stream.
    unix_stream() noexcept = default;

    /// Takes ownership of `fd`, a connected Unix stream socket in
    /// non-blocking mode.
    static unix_stream from_native(native_handle_type fd) noexcept { return unix_stream(fd); }

    /// Connects to the listener at `peer`. Unix connects complete at once
    /// or fail at once (`ENOENT`, `ECONNREFUSED`; `EAGAIN` when the
    /// listener's backlog is full). @throws boost::system::system_error.
    static unix_stream connect(const endpoint_type& peer,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        unix_stream s = connect(peer, ec);
        detail::throw_error(ec, "connect", loc);
        return s;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL static unix_stream connect(const endpoint_type& peer,
        boost::system::error_code& ec);

    /// Connects to the listener named `path` (`const char*`, std::string,
    /// std::string_view...; more than 107 bytes is `ENAMETOOLONG`, a '\0'
    /// inside a filesystem path `EINVAL`).
    /// @throws boost::system::system_error.
    template <class Path, if_path<Path> = 0>
    static unix_stream connect(const Path& path,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        unix_stream s = connect(path, ec);
        detail::throw_error(ec, "connect", loc);
        return s;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class Path, if_path<Path> = 0>
    static unix_stream connect(const Path& path, boost::system::error_code& ec)
    {
        const endpoint_type peer = mio::detail::to_unix_endpoint<endpoint_type>(path, ec);
        return ec ? unix_stream() : connect(peer, ec);
    }

    /// Two connected, unnamed streams (socketpair).
    /// @throws boost::system::system_error.
    static std::pair<unix_stream, unix_stream> pair(
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        auto p = pair(ec);
        detail::throw_error(ec, "pair", loc);
        return p;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL static std::pair<unix_stream, unix_stream> pair(boost::system::error_code& ec);

private:
    explicit unix_stream(native_handle_type fd) noexcept : base(fd) {}
};

} // namespace net
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/net/impl/unix_stream.ipp>
#endif

#endif // _WIN32

#endif // BOOST_MIO_NET_UNIX_STREAM_HPP
