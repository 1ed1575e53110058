//
// boost/mio/net/unix_listener.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_UNIX_LISTENER_HPP
#define BOOST_MIO_NET_UNIX_LISTENER_HPP

#if defined(_WIN32)
#  error "boost/mio/net/unix_listener.hpp: Unix-domain sockets are POSIX only"
#else

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/listener_socket.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/detail/unix_path.hpp>
#include <boost/mio/net/unix_stream.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/system/error_code.hpp>
#include <utility>

namespace boost {
namespace mio {
namespace net {

/// A non-blocking Unix-domain listening socket; an event source.
///
/// Move-only; owns its socket. Closing it does not remove the socket file
/// of a filesystem path (unlink it yourself, as with any Unix socket);
/// binding to a path that exists reports `EADDRINUSE`. An accept that
/// fails with `EMFILE`/`ENFILE` leaves the connection queued with no new
/// event to come for it: retry it yourself (on closing a connection, on a
/// wait timeout), as the tutorial's "Running out of descriptors" shows.
///
/// Inherited: accept (both overloads; a connecting peer is usually
/// unnamed, an empty path), local_endpoint, take_error, native_handle,
/// release, close, is_open, set_nonblocking and the event-source members.
///
/// @par Example
/// @code
/// auto l = net::unix_listener::bind("/run/app.sock");
/// auto a = net::unix_listener::bind(std::string("\0app", 4));   // abstract name
/// @endcode
class unix_listener
    : public mio::detail::listener_socket<boost::asio::local::stream_protocol, unix_stream>
{
    using base = mio::detail::listener_socket<boost::asio::local::stream_protocol, unix_stream>;
    template <class T>
    using if_path = mio::detail::enable_if_unix_path_t<T>;

public:
    /// A closed listener.
    unix_listener() noexcept = default;

    /// Takes ownership of `fd`, a listening Unix stream socket in
    /// non-blocking mode.
    static unix_listener from_native(native_handle_type fd) noexcept { return unix_listener(fd); }

    /// Binds to `local` (a path, or an abstract name with a leading '\0')
    /// and listens with a backlog of 1024. @throws boost::system::system_error.
    static unix_listener bind(const endpoint_type& local,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        unix_listener l = bind(local, ec);
        detail::throw_error(ec, "bind", loc);
        return l;
    }
    BOOST_MIO_DECL static unix_listener bind(const endpoint_type& local,
        boost::system::error_code& ec);

    /// Binds to the name `path` (`const char*`, std::string,
    /// std::string_view...; more than 107 bytes is `ENAMETOOLONG`, never a
    /// shortened name; a '\0' inside a filesystem path, which the OS would
    /// cut the name at, is `EINVAL`). @throws boost::system::system_error.
    template <class Path, if_path<Path> = 0>
    static unix_listener bind(const Path& path,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        unix_listener l = bind(path, ec);
        detail::throw_error(ec, "bind", loc);
        return l;
    }
    template <class Path, if_path<Path> = 0>
    static unix_listener bind(const Path& path, boost::system::error_code& ec)
    {
        const endpoint_type local = mio::detail::to_unix_endpoint<endpoint_type>(path, ec);
        return ec ? unix_listener() : bind(local, ec);
    }

private:
    explicit unix_listener(native_handle_type fd) noexcept : base(fd) {}
};

} // namespace net
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/net/impl/unix_listener.ipp>
#endif

#endif // _WIN32

#endif // BOOST_MIO_NET_UNIX_LISTENER_HPP
