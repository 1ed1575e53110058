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

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>
#include <thread>
#include <utility>
#if defined(_WIN32)
#  include <winsock2.h>
#  include <ws2tcpip.h>
#  include <windows.h>
#else
#  include <sys/socket.h>
#  include <sys/un.h>
#  include <unistd.h>
#endif

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
#if defined(_WIN32)
        using length = int;
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        BOOST_REQUIRE(fd_ != INVALID_SOCKET);
#else
        using length = socklen_t;
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        BOOST_REQUIRE(fd_ >= 0);
#endif
        const tcp::endpoint ep = local_v4();
        BOOST_REQUIRE(::bind(fd_, ep.data(), static_cast<length>(ep.size())) == 0);
        tcp::endpoint bound;
        length len = static_cast<length>(bound.capacity());
        BOOST_REQUIRE(::getsockname(fd_, bound.data(), &len) == 0);
        bound.resize(static_cast<std::size_t>(len));
        endpoint_ = bound;
    }
#if defined(_WIN32)
    ~refusing_port() { ::closesocket(fd_); }
#else
    ~refusing_port() { ::close(fd_); }
#endif
    refusing_port(const refusing_port&) = delete;
    refusing_port& operator=(const refusing_port&) = delete;

    tcp::endpoint endpoint() const { return endpoint_; }

private:
    net::tcp_stream::native_handle_type fd_;
    tcp::endpoint endpoint_;
};

#if !defined(_WIN32)
// An abstract Unix name unique to this process and `tag`.
inline std::string abstract_name(const std::string& tag)
{
    return std::string(1, '\0') + "boost_mio_test_" + std::to_string(::getpid()) + "_" + tag;
}

// A path of exactly `n` bytes inside `dir`.
inline std::string path_of_length(const temp_dir& dir, std::size_t n, char fill = 'p')
{
    const std::string prefix = dir.path() + "/";
    BOOST_REQUIRE(prefix.size() < n);
    return prefix + std::string(n - prefix.size(), fill);
}

// Two Unix names of 108 bytes, filling sun_path with no NUL, unique per
// `tag`: a filesystem path in `dir` (which Linux reports with a length of
// sizeof(sockaddr_un) + 1) and an abstract name. Asio's endpoints refuse
// such names as input, so they are bound and reached with raw calls.
inline std::array<std::string, 2> names_filling_sun_path(const temp_dir& dir, char tag)
{
    const std::string abstract = abstract_name(std::string(1, tag));
    return {path_of_length(dir, 108, tag), abstract + std::string(108 - abstract.size(), tag)};
}

// `name` (up to 108 bytes, no terminating NUL needed) as a raw address.
inline ::socklen_t raw_unix_address(const std::string& name, ::sockaddr_un& addr)
{
    addr = ::sockaddr_un{};
    addr.sun_family = AF_UNIX;
    BOOST_REQUIRE(name.size() <= sizeof(addr.sun_path));
    std::memcpy(addr.sun_path, name.data(), name.size());
    return static_cast<::socklen_t>(offsetof(::sockaddr_un, sun_path) + name.size());
}

// A raw non-blocking Unix socket of `type` bound to `name`: what Linux
// accepts, beyond what the library binds.
inline int raw_unix_socket(int type, const std::string& name)
{
    const int fd = ::socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    BOOST_REQUIRE(fd >= 0);
    ::sockaddr_un addr;
    const ::socklen_t len = raw_unix_address(name, addr);
    BOOST_REQUIRE_MESSAGE(::bind(fd, reinterpret_cast<::sockaddr*>(&addr), len) == 0,
        "bind: " << std::strerror(errno));
    return fd;
}

inline void raw_connect(int fd, const std::string& name)
{
    ::sockaddr_un addr;
    const ::socklen_t len = raw_unix_address(name, addr);
    BOOST_REQUIRE_MESSAGE(::connect(fd, reinterpret_cast<::sockaddr*>(&addr), len) == 0,
        "connect: " << std::strerror(errno));
}
#endif

inline expected_event read_closed(std::size_t t) { expected_event e{mio::token(t)}; e.read_closed = true; return e; }
inline expected_event write_closed(std::size_t t) { expected_event e{mio::token(t)}; e.write_closed = true; return e; }
inline expected_event error_event(std::size_t t) { expected_event e{mio::token(t)}; e.error = true; return e; }
inline expected_event priority(std::size_t t) { expected_event e{mio::token(t)}; e.priority = true; e.readable = true; return e; }

// Every socket the library creates: O_NONBLOCK and O_CLOEXEC. On Windows:
// not inheritable (the blocking mode of a socket cannot be read back there).
template <class Socket>
void check_fresh_socket(const Socket& s)
{
    BOOST_TEST(s.is_open());
#if defined(_WIN32)
    ::DWORD flags = 0;
    BOOST_TEST(::GetHandleInformation(reinterpret_cast<::HANDLE>(s.native_handle()), &flags));
    BOOST_TEST((flags & HANDLE_FLAG_INHERIT) == 0u);
#else
    BOOST_TEST(is_nonblocking(s.native_handle()));
    BOOST_TEST(is_cloexec(s.native_handle()));
#endif
}

// Reads until read_some reports `end`, failing on any other error.
template <class Stream>
std::string read_until_error(Stream& s, const boost::system::error_code& end)
{
    std::string out;
    char buf[4096];
    for (;;)
    {
        boost::system::error_code ec;
        const std::size_t n = s.read_some(asio::buffer(buf), ec);
        if (ec == end)
            return out;
        BOOST_REQUIRE_MESSAGE(!ec, "read_some: " << ec.message());
        out.append(buf, n);
    }
}

// What is queued now (read until would_block).
template <class Stream>
std::string read_available(Stream& s)
{
    return read_until_error(s, asio::error::would_block);
}

// Everything up to end of stream, which must already have arrived.
template <class Stream>
std::string read_available_until_eof(Stream& s)
{
    return read_until_error(s, asio::error::eof);
}

// Registers `s` for reading and writing under `t` and waits until it is
// writable (for a stream: connected).
template <class Socket>
void register_until_writable(mio::poll& p, mio::events& evs, Socket& s, std::size_t t)
{
    p.registry().register_(s, mio::token(t), mio::interest::readable | mio::interest::writable);
    expect_events(p, evs, {writable(t)});
}

const std::string datagram1 = "Hello world!";
const std::string datagram2 = "Hello mars!";

// Checks two new sockets and registers them (tokens 1 and 2) until both
// are writable.
template <class Socket>
void register_both(mio::poll& p, mio::events& evs, Socket& s1, Socket& s2)
{
    check_fresh_socket(s1);
    check_fresh_socket(s2);
    p.registry().register_(s1, mio::token(1), mio::interest::readable | mio::interest::writable);
    p.registry().register_(s2, mio::token(2), mio::interest::readable | mio::interest::writable);
    expect_events(p, evs, {writable(1), writable(2)});
}

// mio's smoke test for two connected datagram sockets (UDP or Unix):
// would_block when empty, one datagram each way, peek then receive.
template <class Datagram>
void exchange_connected(Datagram& d1, Datagram& d2)
{
    mio::poll p;
    mio::events evs(8);
    register_both(p, evs, d1, d2);
    char buf[64];
    boost::system::error_code ec;
    d1.peek(asio::buffer(buf), ec);
    BOOST_TEST(is_would_block(ec));
    d1.receive(asio::buffer(buf), ec);
    BOOST_TEST(is_would_block(ec));
    BOOST_TEST(d1.send(asio::buffer(datagram1)) == datagram1.size());
    BOOST_TEST(d2.send(asio::buffer(datagram2)) == datagram2.size());
    expect_events(p, evs, {readable(1), readable(2)});
    BOOST_TEST(d1.peek(asio::buffer(buf)) == datagram2.size());
    BOOST_TEST(d1.receive(asio::buffer(buf)) == datagram2.size());
    BOOST_TEST(std::string(buf, datagram2.size()) == datagram2);
    BOOST_TEST(d2.receive(asio::buffer(buf)) == datagram1.size());
    BOOST_TEST(std::string(buf, datagram1.size()) == datagram1);
    BOOST_TEST(!d1.take_error());
    BOOST_TEST(!d2.take_error());
}

// The same for two bound, unconnected sockets: send_to, peek_from and
// receive_from, with the sender's address checked.
template <class Datagram>
void exchange_unconnected(Datagram& d1, Datagram& d2)
{
    mio::poll p;
    mio::events evs(8);
    register_both(p, evs, d1, d2);
    const auto a1 = d1.local_endpoint();
    const auto a2 = d2.local_endpoint();
    char buf[64];
    boost::system::error_code ec;
    d1.peek_from(asio::buffer(buf), ec);
    BOOST_TEST(is_would_block(ec));
    d1.receive_from(asio::buffer(buf), ec);
    BOOST_TEST(is_would_block(ec));
    BOOST_TEST(d1.send_to(asio::buffer(datagram1), a2) == datagram1.size());
    BOOST_TEST(d2.send_to(asio::buffer(datagram2), a1) == datagram2.size());
    expect_events(p, evs, {readable(1), readable(2)});
    auto [n1, from1] = d1.peek_from(asio::buffer(buf));
    BOOST_TEST(std::string(buf, n1) == datagram2);
    BOOST_TEST((from1 == a2));
    auto [n2, from2] = d1.receive_from(asio::buffer(buf));
    BOOST_TEST(std::string(buf, n2) == datagram2);
    BOOST_TEST((from2 == a2));
    auto [n3, from3] = d2.receive_from(asio::buffer(buf));
    BOOST_TEST(std::string(buf, n3) == datagram1);
    BOOST_TEST((from3 == a1));
    BOOST_TEST(!d1.take_error());
    BOOST_TEST(!d2.take_error());
}

// `n` one-byte buffers over the first `n` bytes of `bytes`.
template <class Buffer, class Bytes>
std::vector<Buffer> one_byte_buffers(Bytes& bytes, std::size_t n)
{
    std::vector<Buffer> out;
    for (std::size_t i = 0; i < n; ++i)
        out.emplace_back(&bytes[i], 1);
    return out;
}

// Waits (bounded) for the readable event of `rx` (token `t` on `p`) that
// one new datagram produces, receives it into `buffers`, and checks the
// socket is drained.
template <class Datagram, class Buffers>
std::size_t receive_next(mio::poll& p, mio::events& evs, Datagram& rx, std::size_t t,
    const Buffers& buffers, boost::system::error_code& ec)
{
    expect_events(p, evs, {readable(t)});
    const std::size_t n = rx.receive(buffers, ec);
    // Drained to would_block, so that the next datagram is a new event on
    // every backend (on poll(2) the would_block is what re-arms).
    char byte;
    boost::system::error_code drained;
    rx.receive(asio::buffer(&byte, 1), drained);
    BOOST_TEST(is_would_block(drained));
    return n;
}

// A datagram is all or nothing, however many buffers make it: sent from
// more buffers than the library maps on the stack (64) it arrives whole,
// received into as many it comes whole, one byte too many for them is
// message_size (as for a short buffer), and more buffers than one sendmsg
// takes (1024) send nothing and report message_size. `tx` is connected
// to `rx`.
template <class Datagram>
void check_datagrams_of_many_buffers(Datagram& tx, Datagram& rx)
{
    mio::poll p;
    mio::events evs(4);
    p.registry().register_(rx, mio::token(1), mio::interest::readable);
    std::string payload(1025, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i)
        payload[i] = static_cast<char>('a' + i % 26);
    std::string whole(2048, '\0');
    std::string in(100, '\0');
    const auto in100 = one_byte_buffers<asio::mutable_buffer>(in, 100);
    boost::system::error_code ec;

    BOOST_TEST(tx.send(one_byte_buffers<asio::const_buffer>(payload, 100)) == 100u);
    std::size_t n = receive_next(p, evs, rx, 1, asio::buffer(whole), ec);
    BOOST_TEST(!ec);
    BOOST_TEST(whole.substr(0, n) == payload.substr(0, 100));

    BOOST_TEST(tx.send(asio::buffer(payload.data(), 100)) == 100u);
    n = receive_next(p, evs, rx, 1, in100, ec);
    BOOST_TEST(!ec);
    BOOST_TEST(n == 100u);
    BOOST_TEST(in == payload.substr(0, 100));

    BOOST_TEST(tx.send(asio::buffer(payload.data(), 101)) == 101u);
    std::fill(in.begin(), in.end(), '\0');
    n = receive_next(p, evs, rx, 1, in100, ec);
    BOOST_TEST(ec == asio::error::message_size);
    BOOST_TEST(n == 100u);
    BOOST_TEST(in == payload.substr(0, 100));

    BOOST_TEST(tx.send(one_byte_buffers<asio::const_buffer>(payload, 1024)) == 1024u);
    n = receive_next(p, evs, rx, 1, asio::buffer(whole), ec);
    BOOST_TEST(!ec);
    BOOST_TEST(whole.substr(0, n) == payload.substr(0, 1024));

    const auto out1025 = one_byte_buffers<asio::const_buffer>(payload, 1025);
    BOOST_TEST(tx.send(out1025, ec) == 0u);
    BOOST_TEST(ec == asio::error::message_size);
    expect_system_error([&] { tx.send(out1025); }, asio::error::message_size);
    expect_no_events(p, evs);
    rx.receive(asio::buffer(whole), ec);
    BOOST_TEST(is_would_block(ec)); // nothing went out
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
inline void set_linger_zero(net::tcp_stream::native_handle_type fd)
{
    ::linger l{1, 0};
    BOOST_REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&l),
                      sizeof(l)) == 0);
}

// SIGPIPE's default disposition (terminate), unblocked: a send that raised
// it would kill the test program instead of passing silently. Windows has
// no SIGPIPE: a send on a closed connection only reports an error there.
#if defined(_WIN32)
inline void restore_default_sigpipe() {}
#else
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
#endif

// Closes a descriptor the library released (release()): close(2) on
// POSIX, closesocket on Windows.
inline void close_native(net::tcp_stream::native_handle_type fd)
{
#if defined(_WIN32)
    ::closesocket(fd);
#else
    ::close(fd);
#endif
}

// Waits (bounded) until `s` is readable (a listener: has a connection to
// accept), in a poll of its own that it leaves again: on a TCP pair the
// bytes just written, or the FIN, reach the peer a moment later (on a Unix
// pair they are there at once).
template <class Source>
void wait_until_readable(Source& s)
{
    mio::poll p;
    mio::events evs(4);
    p.registry().register_(s, mio::token(0), mio::interest::readable);
    expect_events(p, evs, {readable(0)});
    p.registry().deregister(s);
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

// A connected pair of local stream sockets: a Unix-domain pair on POSIX;
// on Windows, which has no socketpair, a loopback TCP pair.
#if defined(_WIN32)
using local_stream = net::tcp_stream;
inline std::pair<net::tcp_stream, net::tcp_stream> local_stream_pair()
{
    tcp_pair pair = make_tcp_pair();
    return {std::move(pair.client), std::move(pair.server)};
}
#else
using local_stream = net::unix_stream;
inline std::pair<net::unix_stream, net::unix_stream> local_stream_pair()
{
    return net::unix_stream::pair();
}
#endif

} // namespace mio_test

#endif // BOOST_MIO_TEST_NET_UTIL_HPP
