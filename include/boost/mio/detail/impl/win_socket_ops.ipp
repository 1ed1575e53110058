//
// boost/mio/detail/impl/win_socket_ops.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// socket_ops and handle_ops on Winsock. The differences from POSIX that
// matter here: errors come from WSAGetLastError(); a socket is made
// non-inheritable at creation (WSA_FLAG_NO_HANDLE_INHERIT, as CLOEXEC) and
// non-blocking with FIONBIO; an in-progress connect reports WSAEWOULDBLOCK;
// a truncated datagram is WSAEMSGSIZE with the buffer filled; there is no
// SIGPIPE to suppress.

#ifndef BOOST_MIO_DETAIL_IMPL_WIN_SOCKET_OPS_IPP
#define BOOST_MIO_DETAIL_IMPL_WIN_SOCKET_OPS_IPP

#include <boost/mio/detail/socket_ops.hpp>
#include <boost/mio/detail/win_handle_ops.hpp>
#include <boost/asio/error.hpp>
#include <cstddef>
#include <cstring>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

namespace boost {
namespace mio {
namespace detail {

static_assert(sizeof(io_vec) == sizeof(::WSABUF) && offsetof(io_vec, iov_len) == offsetof(::WSABUF, len)
        && offsetof(io_vec, iov_base) == offsetof(::WSABUF, buf),
    "io_vec must be laid out as WSABUF");
static_assert(invalid_socket_handle == INVALID_SOCKET, "invalid_socket_handle must be INVALID_SOCKET");

namespace win_ops_detail {

// Winsock says WSAENOTSOCK for a closed socket (INVALID_SOCKET, or a
// handle closed since): reported as WSAEBADF, what EBADF says on POSIX and
// Asio says for a closed socket (bad_descriptor), as the AFD side does.
inline void set_wsa_error(boost::system::error_code& ec, int value = ::WSAGetLastError()) noexcept
{
    ec.assign(value == WSAENOTSOCK ? WSAEBADF : value, boost::system::system_category());
}

inline bool report(int result, boost::system::error_code& ec) noexcept
{
    if (result == SOCKET_ERROR)
    {
        set_wsa_error(ec);
        return false;
    }
    ec.clear();
    return true;
}

inline ::SOCKET sock(socket_handle s) noexcept { return static_cast<::SOCKET>(s); }

// Winsock takes lengths as int.
inline int int_length(std::size_t n) noexcept
{
    return n > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(n);
}

} // namespace win_ops_detail

namespace handle_ops {

BOOST_MIO_DECL void close(socket_handle s) noexcept
{
    ::closesocket(win_ops_detail::sock(s));
}

BOOST_MIO_DECL void set_nonblocking(socket_handle s, bool on, boost::system::error_code& ec) noexcept
{
    u_long mode = on ? 1 : 0;
    win_ops_detail::report(::ioctlsocket(win_ops_detail::sock(s), FIONBIO, &mode), ec);
}

BOOST_MIO_DECL bool start_winsock(boost::system::error_code& ec) noexcept
{
    struct winsock
    {
        int error;
        winsock() noexcept
        {
            ::WSADATA data;
            error = ::WSAStartup(MAKEWORD(2, 2), &data);
        }
        ~winsock()
        {
            if (error == 0)
                ::WSACleanup();
        }
    };
    static const winsock started;
    if (started.error != 0)
    {
        win_ops_detail::set_wsa_error(ec, started.error);
        return false;
    }
    ec.clear();
    return true;
}

} // namespace handle_ops

namespace socket_ops {

static_assert(message_peek == MSG_PEEK, "socket_ops::message_peek must be MSG_PEEK");

namespace win_ops_detail {

using namespace detail::win_ops_detail;

inline void name_of(int(WSAAPI* get)(::SOCKET, ::sockaddr*, int*), socket_handle fd,
    ::sockaddr* addr, std::size_t* len, boost::system::error_code& ec) noexcept
{
    int l = int_length(*len);
    if (!report(get(sock(fd), addr, &l), ec))
        return;
    *len = static_cast<std::size_t>(l);
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
    // Windows' SO_REUSEADDR lets another socket bind the same port and
    // take its connections; a listening port is bindable after a restart
    // there anyway (TIME_WAIT does not block it). What POSIX's option
    // gives, a restartable server that owns its port, is
    // SO_EXCLUSIVEADDRUSE (mio sets no SO_REUSEADDR on Windows either).
    case option::reuse_address: return {SOL_SOCKET, SO_EXCLUSIVEADDRUSE};
    case option::tcp_nodelay: return {IPPROTO_TCP, TCP_NODELAY};
    case option::broadcast: return {SOL_SOCKET, SO_BROADCAST};
    case option::multicast_loop_v4: return {IPPROTO_IP, IP_MULTICAST_LOOP};
    case option::multicast_loop_v6: return {IPPROTO_IPV6, IPV6_MULTICAST_LOOP};
    case option::multicast_ttl_v4: return {IPPROTO_IP, IP_MULTICAST_TTL};
    case option::only_v6: return {IPPROTO_IPV6, IPV6_V6ONLY};
    case option::ttl: break;
    }
    ::sockaddr_storage name{};
    int len = sizeof(name);
    if (::getsockname(sock(fd), reinterpret_cast<::sockaddr*>(&name), &len) == 0
        && name.ss_family == AF_INET6)
        return {IPPROTO_IPV6, IPV6_UNICAST_HOPS};
    return {IPPROTO_IP, IP_TTL};
}

// A received count or an error; 0 from a non-empty buffer of a stream is
// end of stream, as on POSIX.
inline std::size_t received(int n, std::size_t requested, bool stream,
    boost::system::error_code& ec) noexcept
{
    if (n == SOCKET_ERROR)
    {
        set_wsa_error(ec);
        return 0;
    }
    if (n == 0 && stream && requested != 0)
    {
        ec = boost::asio::error::eof;
        return 0;
    }
    ec.clear();
    return static_cast<std::size_t>(n);
}

} // namespace win_ops_detail

BOOST_MIO_DECL socket_handle open(int family, int type, boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    if (!handle_ops::start_winsock(ec))
        return invalid_socket_handle;
    // Overlapped, so that the AFD driver can poll it; never inherited by a
    // child process, as CLOEXEC on POSIX.
    const ::SOCKET s = ::WSASocketW(family, type, 0, nullptr, 0,
        WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET)
    {
        set_wsa_error(ec);
        return invalid_socket_handle;
    }
    handle_ops::set_nonblocking(s, true, ec);
    if (ec)
    {
        ::closesocket(s);
        return invalid_socket_handle;
    }
    return s;
}

BOOST_MIO_DECL void bind(socket_handle fd, const ::sockaddr* addr, std::size_t len,
    boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    report(::bind(sock(fd), addr, int_length(len)), ec);
}

BOOST_MIO_DECL void listen(socket_handle fd, int backlog, boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    report(::listen(sock(fd), backlog), ec);
}

BOOST_MIO_DECL void connect(socket_handle fd, const ::sockaddr* addr, std::size_t len,
    boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    if (::connect(sock(fd), addr, int_length(len)) == 0)
        return ec.clear();
    const int e = ::WSAGetLastError();
    if (e == WSAEWOULDBLOCK) // in progress: the outcome is a writable event
        return ec.clear();
    set_wsa_error(ec, e);
}

BOOST_MIO_DECL socket_handle accept(socket_handle fd, ::sockaddr* addr, std::size_t* len,
    boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    int l = int_length(*len);
    const ::SOCKET s = ::accept(sock(fd), addr, &l);
    if (s == INVALID_SOCKET)
    {
        set_wsa_error(ec);
        return invalid_socket_handle;
    }
    // An accepted socket takes the listener's non-blocking mode, but its
    // handle may be inherited: close that as socket() does.
    if (!::SetHandleInformation(reinterpret_cast<HANDLE>(s), HANDLE_FLAG_INHERIT, 0))
    {
        ec.assign(static_cast<int>(::GetLastError()), boost::system::system_category());
        ::closesocket(s);
        return invalid_socket_handle;
    }
    handle_ops::set_nonblocking(s, true, ec);
    if (ec)
    {
        ::closesocket(s);
        return invalid_socket_handle;
    }
    *len = static_cast<std::size_t>(l);
    return s;
}

BOOST_MIO_DECL void shutdown(socket_handle fd, net::shutdown_type what,
    boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    const int how = what == net::shutdown_type::receive ? SD_RECEIVE
        : what == net::shutdown_type::send              ? SD_SEND
                                                        : SD_BOTH;
    report(::shutdown(sock(fd), how), ec);
}

BOOST_MIO_DECL void local_address(socket_handle fd, ::sockaddr* addr, std::size_t* len,
    boost::system::error_code& ec) noexcept
{
    win_ops_detail::name_of(&::getsockname, fd, addr, len, ec);
}

BOOST_MIO_DECL void peer_address(socket_handle fd, ::sockaddr* addr, std::size_t* len,
    boost::system::error_code& ec) noexcept
{
    win_ops_detail::name_of(&::getpeername, fd, addr, len, ec);
}

BOOST_MIO_DECL boost::system::error_code take_error(socket_handle fd,
    boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    int err = 0;
    int len = sizeof(err);
    if (!report(::getsockopt(sock(fd), SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len), ec)
        || err == 0)
        return boost::system::error_code();
    return boost::system::error_code(err, boost::system::system_category());
}

BOOST_MIO_DECL void set_option(socket_handle fd, option opt, int value,
    boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    const level_name o = option_of(fd, opt);
    report(::setsockopt(sock(fd), o.level, o.name, reinterpret_cast<const char*>(&value), sizeof(value)), ec);
}

BOOST_MIO_DECL int get_option(socket_handle fd, option opt, boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    const level_name o = option_of(fd, opt);
    // Some options are a BOOL, others a DWORD, a few one byte: a zeroed
    // int holds each of them.
    int value = 0;
    int len = sizeof(value);
    if (!report(::getsockopt(sock(fd), o.level, o.name, reinterpret_cast<char*>(&value), &len), ec))
        return 0;
    return value;
}

BOOST_MIO_DECL void set_hop_limit(socket_handle fd, option opt, std::uint32_t value,
    boost::system::error_code& ec) noexcept
{
    if (value > 255 || (value == 0 && opt == option::ttl))
    {
        ec.assign(WSAEINVAL, boost::system::system_category());
        return;
    }
    set_option(fd, opt, static_cast<int>(value), ec);
}

BOOST_MIO_DECL void multicast_v4(socket_handle fd, bool join, const boost::asio::ip::address_v4& group,
    const boost::asio::ip::address_v4& iface, boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    ::ip_mreq mreq{};
    mreq.imr_multiaddr.s_addr = htonl(group.to_uint());
    mreq.imr_interface.s_addr = htonl(iface.to_uint());
    const int name = join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP;
    report(::setsockopt(sock(fd), IPPROTO_IP, name, reinterpret_cast<const char*>(&mreq), sizeof(mreq)), ec);
}

BOOST_MIO_DECL void multicast_v6(socket_handle fd, bool join, const boost::asio::ip::address_v6& group,
    unsigned iface_index, boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    ::ipv6_mreq mreq{};
    const auto bytes = group.to_bytes();
    std::memcpy(&mreq.ipv6mr_multiaddr, bytes.data(), bytes.size());
    mreq.ipv6mr_interface = iface_index;
    const int name = join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP;
    report(::setsockopt(sock(fd), IPPROTO_IPV6, name, reinterpret_cast<const char*>(&mreq), sizeof(mreq)), ec);
}

BOOST_MIO_DECL std::size_t recv(socket_handle fd, void* data, std::size_t size, int flags,
    boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    const int n = ::recv(sock(fd), static_cast<char*>(data), int_length(size), flags);
    return received(n, size, true, ec);
}

BOOST_MIO_DECL std::size_t recv(socket_handle fd, io_vec* iov, std::size_t count,
    std::size_t total, int flags, boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    ::DWORD got = 0;
    ::DWORD f = static_cast<::DWORD>(flags);
    const int r = ::WSARecv(sock(fd), reinterpret_cast<::WSABUF*>(iov), static_cast<::DWORD>(count),
        &got, &f, nullptr, nullptr);
    return received(r == SOCKET_ERROR ? SOCKET_ERROR : static_cast<int>(got), total, true, ec);
}

BOOST_MIO_DECL std::size_t recv_from(socket_handle fd, io_vec* iov, std::size_t count,
    int flags, ::sockaddr* from, std::size_t* from_len,
    boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    ::DWORD got = 0;
    ::DWORD f = static_cast<::DWORD>(flags);
    int l = from != nullptr ? int_length(*from_len) : 0;
    const int r = ::WSARecvFrom(sock(fd), reinterpret_cast<::WSABUF*>(iov),
        static_cast<::DWORD>(count), &got, &f, from, from != nullptr ? &l : nullptr, nullptr, nullptr);
    if (r == SOCKET_ERROR)
    {
        const int e = ::WSAGetLastError();
        // The buffer was filled and the rest of the datagram dropped: what
        // MSG_TRUNC says on POSIX. WSARecvFrom reports the bytes kept.
        if (e != WSAEMSGSIZE)
        {
            set_wsa_error(ec, e);
            return 0;
        }
        std::size_t kept = 0;
        for (std::size_t i = 0; i < count; ++i)
            kept += iov[i].iov_len;
        if (from != nullptr)
            *from_len = static_cast<std::size_t>(l);
        if ((flags & MSG_PEEK) != 0)
            ec.clear();
        else
            ec = boost::asio::error::message_size;
        return kept;
    }
    if (from != nullptr)
        *from_len = static_cast<std::size_t>(l);
    ec.clear();
    return got;
}

BOOST_MIO_DECL std::size_t send(socket_handle fd, const void* data, std::size_t size,
    const ::sockaddr* to, std::size_t to_len, boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    const int n = to != nullptr
        ? ::sendto(sock(fd), static_cast<const char*>(data), int_length(size), 0, to, int_length(to_len))
        : ::send(sock(fd), static_cast<const char*>(data), int_length(size), 0);
    return received(n, 0, false, ec);
}

BOOST_MIO_DECL std::size_t send(socket_handle fd, const io_vec* iov, std::size_t count,
    const ::sockaddr* to, std::size_t to_len, boost::system::error_code& ec) noexcept
{
    using namespace win_ops_detail;
    ::DWORD sent = 0;
    const int r = ::WSASendTo(sock(fd), reinterpret_cast<::WSABUF*>(const_cast<io_vec*>(iov)),
        static_cast<::DWORD>(count), &sent, 0, to, to != nullptr ? int_length(to_len) : 0, nullptr,
        nullptr);
    return received(r == SOCKET_ERROR ? SOCKET_ERROR : static_cast<int>(sent), 0, false, ec);
}

} // namespace socket_ops
} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IMPL_WIN_SOCKET_OPS_IPP
