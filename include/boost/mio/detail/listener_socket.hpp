//
// boost/mio/detail/listener_socket.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_LISTENER_SOCKET_HPP
#define BOOST_MIO_DETAIL_LISTENER_SOCKET_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/basic_socket.hpp>
#include <boost/mio/detail/socket_ops.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <utility>

namespace boost {
namespace mio {
namespace detail {

// What tcp_listener and unix_listener share: accept(), yielding `Stream`.
template <class Protocol, class Stream>
class listener_socket : public basic_socket<Protocol>
{
    using base = basic_socket<Protocol>;

public:
    using typename base::endpoint_type;

    /// The listen(2) backlog of bind().
    static constexpr int backlog = 1024;

    /// Accepts one pending connection: the new stream (O_NONBLOCK |
    /// O_CLOEXEC, not registered anywhere) and its peer's address.
    /// Reports would_block when none is pending; with edge-triggered
    /// readiness, accept until then on every readable event. When the
    /// process is out of descriptors (`EMFILE`, `ENFILE`) the connection
    /// stays queued, but no new event will announce it (the listener never
    /// stopped being ready): retry the accept yourself, e.g. after closing
    /// a connection and on a wait timeout, or it waits until another client
    /// connects (tutorial, "Running out of descriptors"). The peer's address
    /// is read back exactly, including a Unix name that fills `sun_path`
    /// (108 bytes, no NUL); an accepted connection is never dropped for its
    /// address. @throws boost::system::system_error.
    std::pair<Stream, endpoint_type> accept(
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        auto result = accept(ec);
        detail::throw_error(ec, "accept", loc);
        return result;
    }
    std::pair<Stream, endpoint_type> accept(boost::system::error_code& ec)
    {
        endpoint_type peer;
        std::size_t len = peer.capacity();
        const socket_handle accepted = this->do_io(interest::readable, ec, [&](socket_handle fd, boost::system::error_code& ec) {
            return socket_ops::accept(fd, peer.data(), &len, ec);
        });
        if (ec)
            return {Stream(), endpoint_type()};
        this->set_endpoint_size(peer, len);
        return {Stream::from_native(accepted), peer};
    }

protected:
    using base::base;

    // Makes this a new socket bound to `ep` and listening; on failure it
    // stays closed.
    void open_listening(const endpoint_type& ep, bool reuse_address,
        boost::system::error_code& ec) noexcept
    {
        this->open_bound(ep, reuse_address, ec);
        if (!ec)
            socket_ops::listen(this->native_handle(), backlog, ec);
        if (ec)
            this->close();
    }
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_LISTENER_SOCKET_HPP
