//
// test/net_util.hpp: helpers shared by the networking tests.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Include after "util.hpp". Everything is loopback (127.0.0.1, ::1, Unix
// names in a temp_dir or the abstract namespace) and every wait is bounded.

#ifndef BOOST_MIO_TEST_NET_UTIL_HPP
#define BOOST_MIO_TEST_NET_UTIL_HPP

#include "util.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace mio_test {

namespace mio = boost::mio;
namespace net = boost::mio::net;
namespace asio = boost::asio;
using tcp = boost::asio::ip::tcp;
using udp = boost::asio::ip::udp;

inline tcp::endpoint local_v4(unsigned short port = 0)
{
    return {asio::ip::make_address("127.0.0.1"), port};
}
inline tcp::endpoint local_v6(unsigned short port = 0)
{
    return {asio::ip::make_address("::1"), port};
}
inline udp::endpoint udp_local_v4(unsigned short port = 0)
{
    return {asio::ip::make_address("127.0.0.1"), port};
}
inline udp::endpoint udp_local_v6(unsigned short port = 0)
{
    return {asio::ip::make_address("::1"), port};
}

// A loopback TCP port that refuses connections: bound, never listening,
// and held for the lifetime of this object so nobody else gets it.
class refusing_port
{
public:
    refusing_port()
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        BOOST_REQUIRE(fd_ >= 0);
        const tcp::endpoint ep = local_v4();
        BOOST_REQUIRE(::bind(fd_, ep.data(), static_cast<socklen_t>(ep.size())) == 0);
        tcp::endpoint bound;
        socklen_t len = static_cast<socklen_t>(bound.capacity());
        BOOST_REQUIRE(::getsockname(fd_, bound.data(), &len) == 0);
        bound.resize(len);
        endpoint_ = bound;
    }
    ~refusing_port() { ::close(fd_); }
    refusing_port(const refusing_port&) = delete;
    refusing_port& operator=(const refusing_port&) = delete;

    tcp::endpoint endpoint() const { return endpoint_; }

private:
    int fd_ = -1;
    tcp::endpoint endpoint_;
};

// An abstract Unix name unique to this process and `tag`.
inline std::string abstract_name(const std::string& tag)
{
    return std::string(1, '\0') + "boost_mio_test_" + std::to_string(::getpid()) + "_" + tag;
}

inline expected_event read_closed(std::size_t t) { expected_event e{mio::token(t)}; e.read_closed = true; return e; }
inline expected_event write_closed(std::size_t t) { expected_event e{mio::token(t)}; e.write_closed = true; return e; }
inline expected_event error_event(std::size_t t) { expected_event e{mio::token(t)}; e.error = true; return e; }
inline expected_event priority(std::size_t t) { expected_event e{mio::token(t)}; e.priority = true; e.readable = true; return e; }

// Every socket the library creates: O_NONBLOCK and O_CLOEXEC.
template <class Socket>
void check_fresh_socket(const Socket& s)
{
    BOOST_TEST(s.is_open());
    BOOST_TEST(is_nonblocking(s.native_handle()));
    BOOST_TEST(is_cloexec(s.native_handle()));
}

// Reads what is queued (until would_block); fails on any other error.
template <class Stream>
std::string read_available(Stream& s)
{
    std::string out;
    char buf[4096];
    for (;;)
    {
        boost::system::error_code ec;
        const std::size_t n = s.read_some(asio::buffer(buf), ec);
        if (is_would_block(ec))
            return out;
        BOOST_REQUIRE_MESSAGE(!ec, "read_some: " << ec.message());
        out.append(buf, n);
    }
}

// Reads everything up to end of stream, which must already have arrived.
template <class Stream>
std::string read_available_until_eof(Stream& s)
{
    std::string out;
    char buf[4096];
    for (;;)
    {
        boost::system::error_code ec;
        const std::size_t n = s.read_some(asio::buffer(buf), ec);
        if (ec == asio::error::eof)
            return out;
        BOOST_REQUIRE_MESSAGE(!ec, "read_some: " << ec.message());
        out.append(buf, n);
    }
}

// Reads exactly `n` bytes, waiting on `p` (token `t`, registered readable)
// when drained; bounded by event_timeout per wait.
template <class Stream>
std::string read_exactly(mio::poll& p, mio::events& evs, Stream& s, std::size_t t, std::size_t n)
{
    std::string out;
    while (out.size() < n)
    {
        out += read_available(s);
        if (out.size() < n)
            expect_events(p, evs, {readable(t)});
    }
    return out;
}

// Closes with an RST instead of a FIN: SO_LINGER with a zero timeout.
inline void set_linger_zero(int fd)
{
    ::linger l{1, 0};
    BOOST_REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) == 0);
}

// SIGPIPE's default disposition (terminate), unblocked: a send that raised
// it would kill the test program instead of passing silently.
inline void restore_default_sigpipe()
{
    struct sigaction sa;
    std::memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    BOOST_REQUIRE(::sigaction(SIGPIPE, &sa, nullptr) == 0);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    BOOST_REQUIRE(::pthread_sigmask(SIG_UNBLOCK, &set, nullptr) == 0);
}

// A connected TCP pair on loopback: client (connected, writable seen) and
// the accepted server side. Neither stays registered.
struct tcp_pair
{
    net::tcp_stream client;
    net::tcp_stream server;
};

inline tcp_pair make_tcp_pair(const tcp::endpoint& where = local_v4())
{
    mio::poll p;
    mio::events evs(8);
    auto l = net::tcp_listener::bind(where);
    p.registry().register_(l, mio::token(0), mio::interest::readable);
    tcp_pair r;
    r.client = net::tcp_stream::connect(l.local_endpoint());
    p.registry().register_(r.client, mio::token(1), mio::interest::writable);
    expect_events(p, evs, {readable(0), writable(1)});
    p.registry().deregister(r.client);
    r.server = l.accept().first;
    return r;
}

} // namespace mio_test

#endif // BOOST_MIO_TEST_NET_UTIL_HPP
