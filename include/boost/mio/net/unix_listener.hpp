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
/// accept() reports a connecting peer that is unnamed (the usual case) as
/// an empty path.
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
    /// The listen(2) backlog of bind().
    static constexpr int backlog = 1024;
    /// @copydoc boost::mio::net::tcp_listener::accept(const boost::source_location&)
    std::pair<unix_stream, endpoint_type> accept(const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::tcp_listener::accept(boost::system::error_code&)
    std::pair<unix_stream, endpoint_type> accept(boost::system::error_code& ec);
#endif

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
    /// As the overload above, but reports failure through `ec` instead of throwing.
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
    /// As the overload above, but reports failure through `ec` instead of throwing.
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
