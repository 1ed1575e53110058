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
/// Inherited: read_some, write_some, peek (both overloads, any Asio buffer
/// sequence), shutdown, local_endpoint, peer_endpoint, take_error,
/// native_handle, release, close, is_open, set_nonblocking and the
/// event-source members. Like tcp_stream, an Asio SyncReadStream and
/// SyncWriteStream.
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
