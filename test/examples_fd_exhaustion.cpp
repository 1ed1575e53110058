//
// test/examples_fd_exhaustion.cpp: every example server that accepts
// serves every client after running out of file descriptors, without
// needing a new connection to come along.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Each server runs as a real process whose soft RLIMIT_NOFILE the test
// lowers (prlimit) to leave room for `room` connections. More clients
// connect, and each sends one request: `room` are served, accept fails
// with EMFILE for the rest, which stay in the listen backlog. With edge
// triggers nothing announces them again, so the server must retry by
// itself: first the limit is raised by two (no event reaches the server:
// only a timed retry serves two more), then the served clients close (the
// closes free fds: everyone left must be served).

#include <boost/mio.hpp>

#define BOOST_TEST_MODULE examples_fd_exhaustion
#include "util.hpp"
#include "child_process.hpp"
#include "net_util.hpp"

#include <algorithm>
#include <csignal>
#include <functional>
#include <string>
#include <vector>

using namespace mio_test;

namespace {

constexpr std::size_t room = 4;  // connections that fit at first
constexpr std::size_t extra = 6; // clients beyond those
constexpr auto serve_limit = std::chrono::seconds(15);

// What client i sends, and whether what it got so far is the server's
// whole answer (failing the test if it cannot be the start of one). The
// server may keep the connection open after answering.
struct exchange
{
    std::function<std::string(std::size_t)> request;
    std::function<bool(std::size_t, const std::string&)> answered;
};

exchange echo_exchange()
{
    const auto msg = [](std::size_t i) { return "client " + std::to_string(i) + "\n"; };
    return {msg, [msg](std::size_t i, const std::string& got) {
                const std::string want = msg(i);
                BOOST_REQUIRE_MESSAGE(want.compare(0, got.size(), got) == 0, "client " << i << " got " << got);
                return got.size() == want.size();
            }};
}

// GET / of example/http_server: its response has a Date header, so only
// its start and its end are known.
exchange http_exchange()
{
    return {[](std::size_t) { return std::string("GET / HTTP/1.1\r\nHost: test\r\n\r\n"); },
        [](std::size_t i, const std::string& got) {
            const std::string start = "HTTP/1.1 200 OK\r\n", end = "\r\n\r\nHello, World!\n";
            BOOST_REQUIRE_MESSAGE(start.compare(0, std::min(got.size(), start.size()), got, 0,
                                      std::min(got.size(), start.size())) == 0,
                "client " << i << " got " << got);
            BOOST_REQUIRE_MESSAGE(got.size() < 1000, "client " << i << " got too much: " << got);
            return got.size() >= start.size() + end.size()
                && got.compare(got.size() - end.size(), end.size(), end) == 0;
        }};
}

template <class Stream>
struct client
{
    Stream stream;
    std::size_t sent = 0;
    std::string received;
    bool served = false;
};

// Drives every open client (sending its request, reading its answer)
// until `want` of them are served or serve_limit passes; returns how many
// are served.
template <class Stream>
std::size_t serve_clients(mio::poll& p, std::vector<client<Stream>>& cs, const exchange& x,
    std::size_t want)
{
    mio::events evs(256);
    std::vector<char> buf(64 * 1024);
    std::size_t served = 0;
    const auto deadline = std::chrono::steady_clock::now() + serve_limit;
    for (;;)
    {
        served = 0;
        for (std::size_t i = 0; i < cs.size(); ++i)
        {
            client<Stream>& c = cs[i];
            if (!c.stream.is_open())
            {
                served += c.served;
                continue;
            }
            const std::string req = x.request(i);
            boost::system::error_code ec;
            while (c.sent < req.size() && !ec)
                c.sent += c.stream.write_some(asio::buffer(req.data() + c.sent, req.size() - c.sent), ec);
            BOOST_REQUIRE_MESSAGE(!ec || is_would_block(ec), "client " << i << " write: " << ec.message());
            for (ec.clear(); !ec;)
                c.received.append(buf.data(), c.stream.read_some(asio::buffer(buf), ec));
            BOOST_REQUIRE_MESSAGE(is_would_block(ec), "client " << i << " read: " << ec.message());
            c.served = x.answered(i, c.received);
            served += c.served;
        }
        if (served >= want || std::chrono::steady_clock::now() >= deadline)
            return served;
        p.wait(evs, std::chrono::milliseconds(100));
    }
}

// Sends request 0, shuts down its sending side and reads the answer to
// end of stream: afterwards everything the server creates lazily exists
// and that connection's fd is closed again.
template <class Stream>
void warm_up(Stream s, const exchange& x)
{
    mio::poll p;
    mio::events evs(8);
    register_until_writable(p, evs, s, 1);
    const std::string req = x.request(0);
    BOOST_REQUIRE_EQUAL(s.write_some(asio::buffer(req)), req.size());
    s.shutdown(net::shutdown_type::send);
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + serve_limit;
    for (;;)
    {
        char buf[4096];
        boost::system::error_code ec;
        const std::size_t n = s.read_some(asio::buffer(buf), ec);
        got.append(buf, n);
        if (ec == asio::error::eof)
            break;
        BOOST_REQUIRE_MESSAGE(!ec || is_would_block(ec), "warm-up read: " << ec.message());
        BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, "no answer to the warm-up");
        if (ec)
            p.wait(evs, std::chrono::milliseconds(100));
    }
    BOOST_REQUIRE(x.answered(0, got));
}

template <class Stream, class Connect>
void check_recovers_after_emfile(child_process& server, Connect connect, const exchange& x)
{
    warm_up(connect(), x);
    const rlim_t limit = server.limit_fds_to(room);

    mio::poll p;
    std::vector<client<Stream>> cs;
    for (std::size_t i = 0; i < room + extra; ++i)
    {
        cs.push_back({connect(), 0, {}, false});
        p.registry().register_(cs.back().stream, mio::token(i),
            mio::interest::readable | mio::interest::writable);
    }
    BOOST_TEST_REQUIRE(serve_clients(p, cs, x, room) == room);

    // More room, and no event for the server: only a timed retry sees it.
    server.set_fd_limit(limit + 2);
    BOOST_TEST_REQUIRE(serve_clients(p, cs, x, room + 2) == room + 2,
        "the server did not retry accept by itself after EMFILE");

    // Closing the served clients frees their fds in the server.
    for (client<Stream>& c : cs)
        if (c.served)
            c.stream.close();
    BOOST_TEST(serve_clients(p, cs, x, cs.size()) == cs.size(),
        "clients left in the backlog after connections closed");
    BOOST_TEST(server.stop(SIGTERM) == 0);
}

void check_tcp_example(const std::string& name, const exchange& x)
{
    child_process server({example_path(name), "0"});
    const tcp::endpoint at = local_v4(parse_port(server.first_line()));
    check_recovers_after_emfile<net::tcp_stream>(server, [&] { return net::tcp_stream::connect(at); }, x);
}

} // namespace

BOOST_AUTO_TEST_CASE(tcp_server_serves_every_client_after_emfile)
{
    check_tcp_example("tcp_server", echo_exchange());
}

BOOST_AUTO_TEST_CASE(unix_echo_serves_every_client_after_emfile)
{
    temp_dir dir;
    const std::string path = dir.file("echo.sock");
    child_process server({example_path("unix_echo"), path});
    BOOST_TEST(server.first_line() == "listening on " + path);
    check_recovers_after_emfile<net::unix_stream>(server,
        [&] { return net::unix_stream::connect(path); }, echo_exchange());
}

BOOST_AUTO_TEST_CASE(asio_hybrid_server_serves_every_client_after_emfile)
{
    check_tcp_example("asio_hybrid_server", echo_exchange());
}

BOOST_AUTO_TEST_CASE(asio_source_echo_serves_every_client_after_emfile)
{
    check_tcp_example("asio_source_echo", echo_exchange());
}

#if defined(BOOST_ASIO_HAS_CO_AWAIT) // without coroutines the example only says so
BOOST_AUTO_TEST_CASE(coroutine_echo_serves_every_client_after_emfile)
{
    check_tcp_example("coroutine_echo", echo_exchange());
}
#endif

BOOST_AUTO_TEST_CASE(http_server_serves_every_client_after_emfile)
{
    check_tcp_example("http_server", http_exchange());
}
