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
/// read_some, write_some and peek take any Asio buffer sequence (several
/// buffers in one syscall); every operation has both overloads.
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
#if defined(BOOST_MIO_DOXYGEN)
    // Declared for the reference only: the members come from a detail::
    // base and are documented here, where the user meets them.
    /// The Asio protocol: `boost::asio::ip::tcp`.
    using protocol_type = boost::asio::ip::tcp;
    /// The Asio endpoint type of this socket's addresses.
    using endpoint_type = boost::asio::ip::tcp::endpoint;
    /// The OS handle type: `int` on POSIX (`SOCKET` on Windows).
    using native_handle_type = int;
    /// The OS handle; -1 when closed. Complexity: constant.
    native_handle_type native_handle() const noexcept;
    /// Whether this object owns an open handle.
    bool is_open() const noexcept;
    /// Gives up ownership: returns the handle (or -1) and leaves this object
    /// closed. The handle stays registered with any poll it was registered
    /// with; the caller now closes it.
    native_handle_type release() noexcept;
    /// Closes the handle, which also removes it from every poll (deregister
    /// first when the handle may have been dup'ed: the registration belongs to
    /// the open file, not to the number). Closing a closed object does nothing.
    /// The destructor does the same.
    void close() noexcept;
    /// As close(); clears `ec` (closing cannot fail).
    void close(boost::system::error_code& ec) noexcept;
    /// Switches O_NONBLOCK. Handles the library creates are non-blocking
    /// already; this is for handles adopted with from_native().
    /// @throws boost::system::system_error (`EBADF` if closed).
    void set_nonblocking(bool on, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    void set_nonblocking(bool on, boost::system::error_code& ec);
    /// Event source members, called by registry::register_, reregister and
    /// deregister (use those). A closed object reports `EBADF`.
    /// @{
    void register_(const registry& r, mio::token t, interest i, boost::system::error_code& ec) const;
    void reregister(const registry& r, mio::token t, interest i, boost::system::error_code& ec) const;
    void deregister(const registry& r, boost::system::error_code& ec) const;
    /// @}
    /// The pending socket error (SO_ERROR), which reading clears: after a
    /// non-blocking connect, its outcome; otherwise usually empty.
    /// @throws boost::system::system_error if it cannot be read (`EBADF`).
    boost::system::error_code take_error(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const;
    /// As the overload above, but reports failure through `ec` instead of throwing.
    boost::system::error_code take_error(boost::system::error_code& ec) const;
    /// The address this socket is bound to, read back exactly (for a Unix
    /// socket, up to 108 bytes of name).
    /// @throws boost::system::system_error.
    endpoint_type local_endpoint(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const;
    /// As the overload above, but reports failure through `ec` instead of throwing.
    endpoint_type local_endpoint(boost::system::error_code& ec) const;
    /// The address of the connected peer (`ENOTCONN` if there is none).
    /// @throws boost::system::system_error.
    endpoint_type peer_endpoint(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const;
    /// As the overload above, but reports failure through `ec` instead of throwing.
    endpoint_type peer_endpoint(boost::system::error_code& ec) const;
    /// Shuts down one or both directions (shutdown(2)): after
    /// `shutdown_type::send` the peer reads eof and sees is_read_closed().
    /// @throws boost::system::system_error (`ENOTCONN` if not connected).
    void shutdown(net::shutdown_type what, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    void shutdown(net::shutdown_type what, boost::system::error_code& ec);
    /// Reads into `buffers`, any Asio MutableBufferSequence (several buffers
    /// are one recvmsg; the first 64 of a longer sequence are used).
    /// @returns The number of bytes read.
    /// @par Errors
    /// `boost::asio::error::would_block` when nothing is queued (drained: wait
    /// for the next event); 0 bytes with `boost::asio::error::eof` once the peer
    /// has shut down its sending side and everything was read;
    /// `ECONNRESET` after a reset.
    /// @throws boost::system::system_error for any of them.
    /// @par Complexity
    /// One system call; no allocation.
    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of
    /// throwing (`would_block` is the normal end of a drain).
    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec);
    /// As read_some, but the bytes stay queued (MSG_PEEK).
    /// @throws boost::system::system_error.
    template <class MutableBufferSequence>
    std::size_t peek(const MutableBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class MutableBufferSequence>
    std::size_t peek(const MutableBufferSequence& buffers, boost::system::error_code& ec);
    /// Writes some of `buffers`, any Asio ConstBufferSequence (several
    /// buffers are one sendmsg; the first 64 of a longer sequence are used).
    /// Never raises SIGPIPE.
    /// @returns The number of bytes written (may be fewer than given).
    /// @par Errors
    /// `boost::asio::error::would_block` when the send buffer is full (keep
    /// the rest and register writable interest); `EPIPE` or `ECONNRESET` after
    /// the peer reset or after shutdown(send).
    /// @throws boost::system::system_error for any of them.
    /// @par Complexity
    /// One system call; no allocation.
    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& ec);
    /// IP_TTL (on IPv6, the unicast hop limit): 1 to 255, else `EINVAL`.
    /// @throws boost::system::system_error.
    void set_ttl(std::uint32_t ttl, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// As the overload above, but reports failure through `ec` instead of throwing.
    void set_ttl(std::uint32_t ttl, boost::system::error_code& ec);
    /// The value set by set_ttl (the system default until then).
    /// @throws boost::system::system_error.
    std::uint32_t ttl(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const;
    /// As the overload above, but reports failure through `ec` instead of throwing.
    std::uint32_t ttl(boost::system::error_code& ec) const;
#endif

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
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL static tcp_stream connect(const endpoint_type& peer,
        boost::system::error_code& ec);

    /// TCP_NODELAY: send small writes at once instead of coalescing them.
    void set_nodelay(bool on, const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        set_nodelay(on, ec);
        detail::throw_error(ec, "set_nodelay", loc);
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    BOOST_MIO_DECL void set_nodelay(bool on, boost::system::error_code& ec);

    /// Reads the option set by the setter above.
    /// @throws boost::system::system_error (e.g. `EBADF`).
    bool nodelay(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        const bool on = nodelay(ec);
        detail::throw_error(ec, "nodelay", loc);
        return on;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
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
