//
// boost/mio/detail/socket_ops.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Thin socket syscall wrappers, the only code of net/ that names the OS:
//  - every socket is created non-blocking and close-on-exec (accepted ones
//    too), as detail/fd_flags.hpp does it on each OS;
//  - no send raises SIGPIPE, as detail/no_sigpipe.hpp does it on each OS;
//  - errno becomes an error_code in system_category(); EINTR is retried
//    (nothing here blocks);
//  - addresses are (sockaddr*, length) pairs, as Asio's endpoints expose
//    them through data()/size()/capacity()/resize(). Addresses read back
//    from the OS come back whole, including a Unix path that fills
//    sun_path (108 bytes on Linux, no NUL); one that did not fit would
//    report ENAMETOOLONG from local_address/peer_address, never a cut name,
//    and never cost an accepted connection or a received datagram.

#ifndef BOOST_MIO_DETAIL_SOCKET_OPS_HPP
#define BOOST_MIO_DETAIL_SOCKET_OPS_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/socket_types.hpp>
#include <boost/mio/net/shutdown_type.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#if !defined(_WIN32)
#  include <boost/mio/detail/no_sigpipe.hpp>
#  include <boost/mio/detail/posix_ops.hpp>
#  include <sys/socket.h> // the inline recv/send below; Asio's endpoints include it anyway
#endif

struct sockaddr;

namespace boost {
namespace mio {
namespace detail {
namespace socket_ops {

// MSG_PEEK, so that templates can pass it without <sys/socket.h>;
// socket_ops.ipp checks it against the OS value.
constexpr int message_peek = 0x2;

// The longest Unix socket path (or abstract name, counting its leading
// '\0') that is accepted or reported: sizeof(sun_path) - 1 on Linux, and
// the limit of Asio's local endpoints.
constexpr std::size_t max_unix_path = 107;

// Socket options the library sets and reads (mapped to level and name in
// socket_ops.ipp). `ttl` is IP_TTL or, on an IPv6 socket, IPV6_UNICAST_HOPS.
enum class option
{
    reuse_address,
    tcp_nodelay,
    ttl,
    broadcast,
    multicast_loop_v4,
    multicast_loop_v6,
    multicast_ttl_v4,
    only_v6
};

// A new non-blocking, close-on-exec socket, or invalid_socket_handle with
// `ec` set. On Windows: not inheritable, and Winsock started first (once).
BOOST_MIO_DECL socket_handle open(int family, int type, boost::system::error_code& ec) noexcept;

#if !defined(_WIN32)
// socketpair(AF_UNIX, type) into `fds`, both non-blocking and
// close-on-exec; both or neither.
BOOST_MIO_DECL void open_pair(int type, int fds[2], boost::system::error_code& ec) noexcept;
#endif

BOOST_MIO_DECL void bind(socket_handle fd, const ::sockaddr* addr, std::size_t len,
    boost::system::error_code& ec) noexcept;
BOOST_MIO_DECL void listen(socket_handle fd, int backlog, boost::system::error_code& ec) noexcept;

// A non-blocking connect: EINPROGRESS (and EINTR, after which the kernel
// goes on connecting) is success; the outcome is a writable event, then
// take_error().
BOOST_MIO_DECL void connect(socket_handle fd, const ::sockaddr* addr, std::size_t len,
    boost::system::error_code& ec) noexcept;

// accept(), non-blocking and close-on-exec. `*len` is the capacity of `addr`
// on entry and the peer address length on return (0, unnamed, if it did
// not fit: the connection is returned all the same).
BOOST_MIO_DECL socket_handle accept(socket_handle fd, ::sockaddr* addr, std::size_t* len,
    boost::system::error_code& ec) noexcept;

BOOST_MIO_DECL void shutdown(socket_handle fd, net::shutdown_type what,
    boost::system::error_code& ec) noexcept;

// getsockname/getpeername, with `*len` as for accept.
BOOST_MIO_DECL void local_address(socket_handle fd, ::sockaddr* addr, std::size_t* len,
    boost::system::error_code& ec) noexcept;
BOOST_MIO_DECL void peer_address(socket_handle fd, ::sockaddr* addr, std::size_t* len,
    boost::system::error_code& ec) noexcept;

// SO_ERROR: the pending error (cleared by reading it) as the result; `ec`
// says whether it could be read.
BOOST_MIO_DECL boost::system::error_code take_error(socket_handle fd,
    boost::system::error_code& ec) noexcept;

BOOST_MIO_DECL void set_option(socket_handle fd, option opt, int value,
    boost::system::error_code& ec) noexcept;
BOOST_MIO_DECL int get_option(socket_handle fd, option opt, boost::system::error_code& ec) noexcept;

// For the hop-limit options (ttl, multicast_ttl_v4): a value above 255 is
// EINVAL, never wrapped into the OS's "-1 = default"; so is a ttl of 0, on
// IPv6 too.
BOOST_MIO_DECL void set_hop_limit(socket_handle fd, option opt, std::uint32_t value,
    boost::system::error_code& ec) noexcept;

// IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP and the IPv6 equivalents.
BOOST_MIO_DECL void multicast_v4(socket_handle fd, bool join, const boost::asio::ip::address_v4& group,
    const boost::asio::ip::address_v4& iface, boost::system::error_code& ec) noexcept;
BOOST_MIO_DECL void multicast_v6(socket_handle fd, bool join, const boost::asio::ip::address_v6& group,
    unsigned iface_index, boost::system::error_code& ec) noexcept;

// Stream receive: recv(2) / recvmsg(2). 0 bytes from a non-empty buffer is
// boost::asio::error::eof, as Asio reports it.
//
// The single-buffer forms are inline: they are the hot path of every echo
// loop, and out of line they cost a call and a second errno check per
// transfer. Only the unusual outcomes (eof, errors) leave the header.
// Without flags (read_some) the receive is read(2): on a connected stream
// socket it is recv(2) with flags 0, and glibc's read wrapper runs fewer
// instructions than its recv wrapper (callgrind: 4 per call).
// On Windows both are out of line (win_socket_ops.ipp).
#if defined(_WIN32)
BOOST_MIO_DECL std::size_t recv(socket_handle fd, void* data, std::size_t size, int flags,
    boost::system::error_code& ec) noexcept;
#else
BOOST_FORCEINLINE std::size_t recv(socket_handle fd, void* data, std::size_t size, int flags,
    boost::system::error_code& ec) noexcept
{
    return posix_ops::receive(
        [&]() BOOST_MIO_LAMBDA_FORCEINLINE { return flags == 0 ? ::read(fd, data, size) : ::recv(fd, data, size, flags); }, size, ec);
}
#endif
BOOST_MIO_DECL std::size_t recv(socket_handle fd, io_vec* iov, std::size_t count,
    std::size_t total, int flags, boost::system::error_code& ec) noexcept;

// Datagram receive: recvmsg(2), sender address into `from` (may be null;
// `*from_len` as `*len` for accept).
// A zero-length datagram is 0 bytes and no error. A datagram larger than
// the buffer (MSG_TRUNC) fills the buffer, returns the bytes kept and sets
// boost::asio::error::message_size; the rest of the datagram is gone.
// Peeking never reports truncation (the datagram stays queued).
BOOST_MIO_DECL std::size_t recv_from(socket_handle fd, io_vec* iov, std::size_t count,
    int flags, ::sockaddr* from, std::size_t* from_len,
    boost::system::error_code& ec) noexcept;

// send(2)/sendto(2) and sendmsg(2), never raising SIGPIPE; `to` may be
// null (connected sockets and streams).
#if defined(_WIN32)
BOOST_MIO_DECL std::size_t send(socket_handle fd, const void* data, std::size_t size,
    const ::sockaddr* to, std::size_t to_len, boost::system::error_code& ec) noexcept;
#else
BOOST_FORCEINLINE std::size_t send(socket_handle fd, const void* data, std::size_t size,
    const ::sockaddr* to, std::size_t to_len, boost::system::error_code& ec) noexcept
{
    return posix_ops::transfer(
        [&]() BOOST_MIO_LAMBDA_FORCEINLINE {
            return no_sigpipe::call([&]() BOOST_MIO_LAMBDA_FORCEINLINE {
                return ::sendto(fd, data, size, no_sigpipe::send_flags, to,
                    static_cast<::socklen_t>(to_len));
            });
        },
        ec);
}
#endif
BOOST_MIO_DECL std::size_t send(socket_handle fd, const io_vec* iov, std::size_t count,
    const ::sockaddr* to, std::size_t to_len, boost::system::error_code& ec) noexcept;

} // namespace socket_ops
} // namespace detail
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  if defined(_WIN32)
#    include <boost/mio/detail/impl/win_socket_ops.ipp>
#  else
#    include <boost/mio/detail/impl/socket_ops.ipp>
#  endif
#endif

#endif // BOOST_MIO_DETAIL_SOCKET_OPS_HPP
