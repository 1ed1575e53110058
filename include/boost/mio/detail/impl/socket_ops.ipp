//
// boost/mio/detail/impl/socket_ops.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_IMPL_SOCKET_OPS_IPP
#define BOOST_MIO_DETAIL_IMPL_SOCKET_OPS_IPP

#include <boost/mio/detail/socket_ops.hpp>
#include <boost/mio/detail/errno_error.hpp>
#include <boost/mio/detail/fd_flags.hpp>
#include <boost/mio/detail/no_sigpipe.hpp>
#include <boost/asio/error.hpp>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

namespace boost {
namespace mio {
namespace detail {
namespace socket_ops {

static_assert(message_peek == MSG_PEEK, "socket_ops::message_peek must be MSG_PEEK");
static_assert(max_unix_path == sizeof(::sockaddr_un{}.sun_path) - 1,
    "socket_ops::max_unix_path must match sun_path");

namespace ops_detail {

// Whether an address the kernel wrote (`len` bytes, maybe more than the
// `capacity` it was given, in which case it was cut) fits the buffer
// whole; if so `len` becomes its length there. Linux counts a filesystem
// path's NUL terminator in `len`, and for a path that fills sun_path (108
// bytes, legal) that terminator lies past the struct: `len` is then
// sizeof(sockaddr_un) + 1 although every byte of the name was written, and
// the name is the whole sockaddr_un (Asio's endpoint holds it).
inline bool address_fits(const ::sockaddr* addr, ::socklen_t& len, std::size_t capacity) noexcept
{
    constexpr std::size_t full = sizeof(::sockaddr_un);
    if (len == full + 1 && capacity >= full && addr->sa_family == AF_UNIX
        && reinterpret_cast<const ::sockaddr_un*>(addr)->sun_path[0] != '\0')
        len = full;
    return len <= capacity;
}

inline bool report(int result, boost::system::error_code& ec) noexcept
{
    if (result < 0)
    {
        set_errno(ec);
        return false;
    }
    ec.clear();
    return true;
}

inline void name_of(int (*get)(int, ::sockaddr*, ::socklen_t*), socket_handle fd,
    ::sockaddr* addr, std::size_t* len, boost::system::error_code& ec) noexcept
{
    ::socklen_t l = static_cast<::socklen_t>(*len);
    if (!report(get(fd, addr, &l), ec))
        return;
    if (!address_fits(addr, l, *len))
        return set_errno(ec, ENAMETOOLONG);
    *len = l;
}

struct level_name
{
    int level;
    int name;
};

inline level_name option_of(socket_handle fd, option opt) noexcept
{
    switch (opt)
    {
    case option::reuse_address: return {SOL_SOCKET, SO_REUSEADDR};
    case option::tcp_nodelay: return {IPPROTO_TCP, TCP_NODELAY};
    case option::broadcast: return {SOL_SOCKET, SO_BROADCAST};
    case option::multicast_loop_v4: return {IPPROTO_IP, IP_MULTICAST_LOOP};
    case option::multicast_loop_v6: return {IPPROTO_IPV6, IPV6_MULTICAST_LOOP};
    case option::multicast_ttl_v4: return {IPPROTO_IP, IP_MULTICAST_TTL};
    case option::only_v6: return {IPPROTO_IPV6, IPV6_V6ONLY};
    case option::ttl: break;
    }
    // IP_TTL does not govern an IPv6 socket's own packets: its hop limit
    // is IPV6_UNICAST_HOPS. The family comes from getsockname (SO_DOMAIN
    // is Linux's only); a failed one (closed fd) falls through to IP_TTL,
    // whose call then reports the same EBADF.
    ::sockaddr_storage name{};
    ::socklen_t len = sizeof(name);
    if (::getsockname(fd, reinterpret_cast<::sockaddr*>(&name), &len) == 0
        && name.ss_family == AF_INET6)
        return {IPPROTO_IPV6, IPV6_UNICAST_HOPS};
    return {IPPROTO_IP, IP_TTL};
}

} // namespace ops_detail

BOOST_MIO_DECL socket_handle open(int family, int type, boost::system::error_code& ec) noexcept
{
    const socket_handle fd = fd_flags::socket(family, type);
    if (!ops_detail::report(fd, ec))
        return -1;
    if (!no_sigpipe::prepare_socket(fd))
    {
        set_errno(ec);
        posix_ops::close(fd);
        return -1;
    }
    return fd;
}

BOOST_MIO_DECL void open_pair(int type, int fds[2], boost::system::error_code& ec) noexcept
{
    if (!ops_detail::report(fd_flags::socketpair(type, fds), ec))
        return;
    if (!no_sigpipe::prepare_socket(fds[0]) || !no_sigpipe::prepare_socket(fds[1]))
    {
        set_errno(ec);
        posix_ops::close(fds[0]);
        posix_ops::close(fds[1]);
    }
}

BOOST_MIO_DECL void bind(socket_handle fd, const ::sockaddr* addr, std::size_t len,
    boost::system::error_code& ec) noexcept
{
    ops_detail::report(::bind(fd, addr, static_cast<::socklen_t>(len)), ec);
}

BOOST_MIO_DECL void listen(socket_handle fd, int backlog, boost::system::error_code& ec) noexcept
{
    ops_detail::report(::listen(fd, backlog), ec);
}

BOOST_MIO_DECL void connect(socket_handle fd, const ::sockaddr* addr, std::size_t len,
    boost::system::error_code& ec) noexcept
{
    if (::connect(fd, addr, static_cast<::socklen_t>(len)) == 0 || errno == EINPROGRESS
        || errno == EINTR)
        return ec.clear();
    set_errno(ec);
}

BOOST_MIO_DECL socket_handle accept(socket_handle fd, ::sockaddr* addr, std::size_t* len,
    boost::system::error_code& ec) noexcept
{
    ::socklen_t l = static_cast<::socklen_t>(*len);
    int s;
    do
        s = fd_flags::accept(fd, addr, &l);
    while (s < 0 && errno == EINTR);
    if (!ops_detail::report(s, ec))
        return -1;
    if (!no_sigpipe::prepare_socket(s))
    {
        set_errno(ec);
        posix_ops::close(s);
        return -1;
    }
    // The connection is the caller's now. A peer name that could not be
    // held (no Linux name is too long once the terminator is discounted)
    // is reported as unnamed rather than cost the connection.
    *len = ops_detail::address_fits(addr, l, *len) ? l : 0;
    return s;
}

BOOST_MIO_DECL void shutdown(socket_handle fd, net::shutdown_type what,
    boost::system::error_code& ec) noexcept
{
    const int how = what == net::shutdown_type::receive ? SHUT_RD
        : what == net::shutdown_type::send              ? SHUT_WR
                                                        : SHUT_RDWR;
    ops_detail::report(::shutdown(fd, how), ec);
}

BOOST_MIO_DECL void local_address(socket_handle fd, ::sockaddr* addr, std::size_t* len,
    boost::system::error_code& ec) noexcept
{
    ops_detail::name_of(&::getsockname, fd, addr, len, ec);
}

BOOST_MIO_DECL void peer_address(socket_handle fd, ::sockaddr* addr, std::size_t* len,
    boost::system::error_code& ec) noexcept
{
    ops_detail::name_of(&::getpeername, fd, addr, len, ec);
}

BOOST_MIO_DECL boost::system::error_code take_error(socket_handle fd,
    boost::system::error_code& ec) noexcept
{
    int err = 0;
    ::socklen_t len = sizeof(err);
    if (!ops_detail::report(::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), ec) || err == 0)
        return boost::system::error_code();
    return boost::system::error_code(err, boost::system::system_category());
}

BOOST_MIO_DECL void set_option(socket_handle fd, option opt, int value,
    boost::system::error_code& ec) noexcept
{
    const ops_detail::level_name o = ops_detail::option_of(fd, opt);
    ops_detail::report(::setsockopt(fd, o.level, o.name, &value, sizeof(value)), ec);
}

BOOST_MIO_DECL int get_option(socket_handle fd, option opt, boost::system::error_code& ec) noexcept
{
    const ops_detail::level_name o = ops_detail::option_of(fd, opt);
    int value = 0;
    ::socklen_t len = sizeof(value);
    if (!ops_detail::report(::getsockopt(fd, o.level, o.name, &value, &len), ec))
        return 0;
    return value;
}

BOOST_MIO_DECL void set_hop_limit(socket_handle fd, option opt, std::uint32_t value,
    boost::system::error_code& ec) noexcept
{
    // IP_TTL refuses 0 but IPV6_UNICAST_HOPS takes it: the unicast TTL is
    // 1..255 on both families, as documented (a multicast TTL may be 0).
    if (value > 255 || (value == 0 && opt == option::ttl))
        return set_errno(ec, EINVAL);
    set_option(fd, opt, static_cast<int>(value), ec);
}

BOOST_MIO_DECL void multicast_v4(socket_handle fd, bool join, const boost::asio::ip::address_v4& group,
    const boost::asio::ip::address_v4& iface, boost::system::error_code& ec) noexcept
{
    ::ip_mreq mreq{};
    mreq.imr_multiaddr.s_addr = htonl(group.to_uint());
    mreq.imr_interface.s_addr = htonl(iface.to_uint());
    const int name = join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP;
    ops_detail::report(::setsockopt(fd, IPPROTO_IP, name, &mreq, sizeof(mreq)), ec);
}

BOOST_MIO_DECL void multicast_v6(socket_handle fd, bool join, const boost::asio::ip::address_v6& group,
    unsigned iface_index, boost::system::error_code& ec) noexcept
{
    ::ipv6_mreq mreq{};
    const auto bytes = group.to_bytes();
    std::memcpy(&mreq.ipv6mr_multiaddr, bytes.data(), bytes.size());
    mreq.ipv6mr_interface = iface_index;
    const int name = join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP;
    ops_detail::report(::setsockopt(fd, IPPROTO_IPV6, name, &mreq, sizeof(mreq)), ec);
}

BOOST_MIO_DECL std::size_t recv(socket_handle fd, io_vec* iov, std::size_t count,
    std::size_t total, int flags, boost::system::error_code& ec) noexcept
{
    ::msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = count;
    return posix_ops::receive([&] { return ::recvmsg(fd, &msg, flags); }, total, ec);
}

BOOST_MIO_DECL std::size_t recv_from(socket_handle fd, io_vec* iov, std::size_t count,
    int flags, ::sockaddr* from, std::size_t* from_len,
    boost::system::error_code& ec) noexcept
{
    ::msghdr msg{};
    msg.msg_name = from;
    msg.msg_namelen = from != nullptr ? static_cast<::socklen_t>(*from_len) : 0;
    msg.msg_iov = iov;
    msg.msg_iovlen = count;
    // A datagram may be empty: 0 is a count here, not end of stream.
    const std::size_t got = posix_ops::transfer([&] { return ::recvmsg(fd, &msg, flags); }, ec);
    if (ec)
        return 0;
    if (from != nullptr)
    {
        // An unnamed sender (an unbound Unix socket) leaves msg_namelen 0.
        // As for accept, a name that could not be held costs the name,
        // never the datagram.
        *from_len = ops_detail::address_fits(from, msg.msg_namelen, *from_len) ? msg.msg_namelen : 0;
    }
    if ((msg.msg_flags & MSG_TRUNC) != 0 && (flags & MSG_PEEK) == 0)
        ec = boost::asio::error::message_size;
    return got;
}

BOOST_MIO_DECL std::size_t send(socket_handle fd, const io_vec* iov, std::size_t count,
    const ::sockaddr* to, std::size_t to_len, boost::system::error_code& ec) noexcept
{
    ::msghdr msg{};
    msg.msg_name = const_cast<::sockaddr*>(to);
    msg.msg_namelen = static_cast<::socklen_t>(to_len);
    msg.msg_iov = const_cast<io_vec*>(iov);
    msg.msg_iovlen = count;
    return posix_ops::transfer(
        [&] { return no_sigpipe::call([&] { return ::sendmsg(fd, &msg, no_sigpipe::send_flags); }); },
        ec);
}

} // namespace socket_ops
} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IMPL_SOCKET_OPS_IPP
