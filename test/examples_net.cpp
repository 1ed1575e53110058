//
// test/examples_net.cpp: runs example/tcp_server, udp_server and unix_echo
// as real processes and checks them with real clients: every echoed byte,
// many connections, and a clean exit (status 0) on SIGTERM / SIGINT.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The example binaries are found by mio_test::example_path (b2 passes
// each binary as an argument; CMake compiles in BOOST_MIO_EXAMPLE_DIR).

// The header is self-contained: it comes first.
#include <boost/mio.hpp>

#define BOOST_TEST_MODULE examples_net
#include "util.hpp"
#include "child_process.hpp"
#include "net_util.hpp"

#include <csignal>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace mio_test;
using mio::interest;
using mio::token;

namespace {

std::string pattern(std::size_t size, std::size_t seed)
{
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        s[i] = static_cast<char>((i * 7 + seed * 13 + (i >> 10)) % 256);
    return s;
}

// Drives many clients at once through one poll: each sends its payload
// (as fast as the server takes it) while reading the echo, and the echo
// must equal the payload byte for byte. Bounded by `limit`.
template <class Stream>
void echo_all(std::vector<Stream>& clients, const std::vector<std::string>& payloads,
    std::chrono::seconds limit = std::chrono::seconds(30))
{
    struct progress
    {
        std::size_t sent = 0;
        std::string received;
        bool reading = false; // only under libkqueue (below)
    };
    std::vector<progress> state(clients.size());
    mio::poll p;
    mio::events evs(1024);
    for (std::size_t i = 0; i < clients.size(); ++i)
        p.registry().register_(clients[i], token(i), interest::readable | interest::writable);
    std::size_t done = 0;
    std::vector<char> buf(64 * 1024);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (done < clients.size() && std::chrono::steady_clock::now() < deadline)
    {
        p.wait(evs, std::chrono::milliseconds(200));
        for (const auto& e : evs)
        {
            const std::size_t i = e.token().value();
            progress& st = state[i];
            const std::string& want = payloads[i];
            boost::system::error_code ec;
            while (st.sent < want.size() && !ec)
                st.sent += clients[i].write_some(
                    asio::buffer(want.data() + st.sent, want.size() - st.sent), ec);
            BOOST_REQUIRE_MESSAGE(!ec || is_would_block(ec), "write: " << ec.message());
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
            // libkqueue's kevent() asks epoll for as many events as the
            // buffer holds (at most 512) and drops the kevents that do not
            // fit when an epoll event becomes two (a socket's read and write
            // filters): those edges are lost, where a BSD kernel keeps them
            // queued. So a client watches one direction at a time there:
            // writable until its payload is out, then readable. (Not an fd
            // limit: a registration costs libkqueue no fd.)
            if (!ec && st.sent == want.size() && !st.reading)
            {
                p.registry().reregister(clients[i], token(i), interest::readable);
                st.reading = true;
            }
#endif
            const bool was_done = st.received.size() == want.size();
            for (ec.clear(); !ec && st.received.size() < want.size();)
            {
                const std::size_t n = clients[i].read_some(asio::buffer(buf), ec);
                st.received.append(buf.data(), n);
            }
            BOOST_REQUIRE_MESSAGE(!ec || is_would_block(ec), "read: " << ec.message());
            BOOST_REQUIRE(st.received.size() <= want.size());
            if (!was_done && st.received.size() == want.size())
            {
                BOOST_REQUIRE_MESSAGE(st.received == want, "client " << i << ": echo differs");
                ++done;
            }
        }
    }
    BOOST_TEST(done == clients.size());
}

template <class Stream, class Connect>
std::vector<Stream> connect_n(std::size_t n, Connect connect)
{
    std::vector<Stream> v;
    for (std::size_t i = 0; i < n; ++i)
        v.push_back(connect());
    return v;
}

} // namespace

BOOST_AUTO_TEST_CASE(tcp_server_echoes_one_mib_and_100_connections_then_exits_on_sigterm)
{
    child_process server({example_path("tcp_server"), "0"});
    const tcp::endpoint at = local_v4(parse_port(server.first_line()));

    // One connection, 1 MiB: far more than the server's 64 KiB buffer and
    // the socket buffers, so its pending output and WRITABLE path run.
    std::vector<net::tcp_stream> one;
    one.push_back(net::tcp_stream::connect(at));
    echo_all(one, {pattern(1024 * 1024, 1)});

    // 100 connections at once, 16 KiB each, all different.
    auto many = connect_n<net::tcp_stream>(100, [&] { return net::tcp_stream::connect(at); });
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < many.size(); ++i)
        payloads.push_back(pattern(16 * 1024, i + 2));
    echo_all(many, payloads);

    BOOST_TEST(server.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(tcp_server_holds_a_thousand_connections)
{
    child_process server({example_path("tcp_server"), "0"});
    const tcp::endpoint at = local_v4(parse_port(server.first_line()));
    auto clients = connect_n<net::tcp_stream>(1000, [&] { return net::tcp_stream::connect(at); });
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < clients.size(); ++i)
        payloads.push_back("connection " + std::to_string(i) + "\n");
    echo_all(clients, payloads);
    BOOST_TEST(server.stop(SIGINT) == 0);
}

namespace {

constexpr std::size_t half_close_size = 32 * 1024 * 1024;

// The most a server may grow (peak RSS over its RSS before) while echoing
// half_close_size bytes to a client that reads nothing at first: its
// bounded pending output (1 MiB in echo_connection.hpp) and the buffer
// reallocations around it. A server that buffers whatever it reads holds
// most of the 32 MiB.
// ThreadSanitizer's shadow memory multiplies every page the server touches
// (16.3 MiB measured for the bounded echo; an unbounded one holds the
// 32 MiB and their shadow, far past this).
#if defined(__SANITIZE_THREAD__)
constexpr std::size_t max_growth_kib = 64 * 1024;
#else
constexpr std::size_t max_growth_kib = 16 * 1024;
#endif

// A client that sends `total` bytes, first without reading (until all are
// sent or the server has taken nothing for a second, which is where a
// bounded server stops reading), then shuts down its sending side and
// reads the echo to end of stream, sending what is left as the server
// takes it. Every byte must come back, in order; the server must close
// the connection after the last one and not grow past max_growth_kib.
template <class Stream>
void check_echo_after_half_close(child_process& server, Stream c, std::size_t total)
{
    const std::size_t rss_before = server.rss_kib();
    mio::poll p;
    mio::events evs(8);
    register_until_writable(p, evs, c, 1);
    const std::string msg = pattern(total, 3);
    std::size_t sent = 0;
    auto send_what_fits = [&] {
        boost::system::error_code ec;
        while (sent < msg.size() && !ec)
            sent += c.write_some(asio::buffer(msg.data() + sent, msg.size() - sent), ec);
        BOOST_REQUIRE_MESSAGE(!ec || is_would_block(ec), "write: " << ec.message());
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (bool stalled = false; sent < msg.size() && !stalled;)
    {
        send_what_fits();
        p.wait(evs, std::chrono::seconds(1));
        stalled = evs.empty();
        BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    }
    std::string got;
    bool eof = false, shut = false;
    while (!eof && std::chrono::steady_clock::now() < deadline)
    {
        send_what_fits();
        if (sent == msg.size() && !shut)
        {
            c.shutdown(net::shutdown_type::send); // the echo must still come back whole
            shut = true;
        }
        boost::system::error_code ec;
        std::vector<char> buf(64 * 1024);
        while (!ec)
        {
            const std::size_t n = c.read_some(asio::buffer(buf), ec);
            got.append(buf.data(), n);
        }
        eof = ec == asio::error::eof;
        BOOST_REQUIRE_MESSAGE(eof || is_would_block(ec), "read: " << ec.message());
        BOOST_REQUIRE(got.size() <= msg.size());
        if (!eof)
            p.wait(evs, std::chrono::milliseconds(200));
    }
    BOOST_TEST(eof, "the server closed after echoing everything");
    BOOST_TEST_REQUIRE(got.size() == msg.size());
    BOOST_TEST((got == msg), "the echo differs");
    const std::size_t growth = server.rss_kib("VmHWM") - std::min(rss_before, server.rss_kib("VmHWM"));
    BOOST_TEST_MESSAGE("the server grew by " << growth << " KiB");
    BOOST_TEST(growth < max_growth_kib, "the server grew by " << growth << " KiB");
}

void check_tcp_echo_after_half_close(const std::string& example)
{
    child_process server({example_path(example), "0"});
    const tcp::endpoint at = local_v4(parse_port(server.first_line()));
    check_echo_after_half_close(server, net::tcp_stream::connect(at), half_close_size);
    BOOST_TEST(server.stop(SIGTERM) == 0);
}

} // namespace

BOOST_AUTO_TEST_CASE(tcp_server_echoes_32_mib_after_half_close_with_bounded_output)
{
    check_tcp_echo_after_half_close("tcp_server");
}

BOOST_AUTO_TEST_CASE(unix_echo_echoes_32_mib_after_half_close_with_bounded_output)
{
    temp_dir dir;
    const std::string path = dir.file("echo.sock");
    child_process server({example_path("unix_echo"), path});
    BOOST_TEST(server.first_line() == "listening on " + path);
    check_echo_after_half_close(server, net::unix_stream::connect(path), half_close_size);
    BOOST_TEST(server.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(asio_hybrid_server_echoes_32_mib_after_half_close_with_bounded_output)
{
    check_tcp_echo_after_half_close("asio_hybrid_server");
}

#if defined(BOOST_ASIO_HAS_CO_AWAIT) // without coroutines the example only says so
BOOST_AUTO_TEST_CASE(coroutine_echo_echoes_32_mib_after_half_close_with_bounded_output)
{
    check_tcp_echo_after_half_close("coroutine_echo");
}
#endif

BOOST_AUTO_TEST_CASE(udp_server_echoes_every_datagram)
{
    child_process server({example_path("udp_server"), "0"});
    const udp::endpoint at = udp_local_v4(parse_port(server.first_line()));
    auto client = net::udp_socket::bind(udp_local_v4());
    mio::poll p;
    mio::events evs(8);
    p.registry().register_(client, token(1), interest::readable);
    std::vector<char> buf(65536);
    for (std::size_t i = 0; i < 100; ++i)
    {
        const std::string msg = i == 0 ? std::string() : pattern((i * 613) % 60000, i);
        BOOST_TEST(client.send_to(asio::buffer(msg), at) == msg.size());
        expect_events(p, evs, {readable(1)});
        auto [n, from] = client.receive_from(asio::buffer(buf));
        BOOST_TEST(from == at);
        BOOST_REQUIRE_EQUAL(n, msg.size());
        BOOST_TEST((std::string(buf.data(), n) == msg));
        // One echo per datagram, and drained: the next one is a new event.
        boost::system::error_code ec;
        client.receive_from(asio::buffer(buf), ec);
        BOOST_TEST(is_would_block(ec));
    }
    // A burst from several sockets: each gets its own datagrams back.
    std::vector<net::udp_socket> senders;
    for (int i = 0; i < 10; ++i)
        senders.push_back(net::udp_socket::bind(udp_local_v4()));
    for (std::size_t i = 0; i < senders.size(); ++i)
        for (int k = 0; k < 5; ++k)
            senders[i].send_to(asio::buffer(std::to_string(i) + ":" + std::to_string(k)), at);
    for (std::size_t i = 0; i < senders.size(); ++i)
    {
        p.registry().register_(senders[i], token(10 + i), interest::readable);
        for (int k = 0; k < 5; ++k)
        {
            boost::system::error_code ec;
            auto [n, from] = senders[i].receive_from(asio::buffer(buf), ec);
            if (is_would_block(ec))
            {
                expect_events(p, evs, {readable(10 + i)});
                std::tie(n, from) = senders[i].receive_from(asio::buffer(buf));
            }
            BOOST_TEST(std::string(buf.data(), n) == std::to_string(i) + ":" + std::to_string(k));
        }
    }
    BOOST_TEST(server.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(unix_echo_echoes_and_removes_its_socket_on_sigterm)
{
    temp_dir dir;
    const std::string path = dir.file("echo.sock");
    child_process server({example_path("unix_echo"), path});
    BOOST_TEST(server.first_line() == "listening on " + path);

    std::vector<net::unix_stream> one;
    one.push_back(net::unix_stream::connect(path));
    echo_all(one, {pattern(1024 * 1024, 5)});

    auto many = connect_n<net::unix_stream>(100, [&] { return net::unix_stream::connect(path); });
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < many.size(); ++i)
        payloads.push_back(pattern(8 * 1024, i + 7));
    echo_all(many, payloads);

    BOOST_TEST(server.stop(SIGTERM) == 0);
    struct stat st;
    BOOST_TEST(::stat(path.c_str(), &st) != 0); // removed on exit
}

BOOST_AUTO_TEST_CASE(unix_echo_refuses_an_existing_path)
{
    temp_dir dir;
    const std::string path = dir.file("taken");
    auto squatter = net::unix_listener::bind(path);
    child_process server({example_path("unix_echo"), path});
    // It prints no "listening" line and exits with status 1.
    BOOST_TEST(server.wait_exit() == 1);
}
