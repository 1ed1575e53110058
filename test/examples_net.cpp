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
#include "echo_clients.hpp"

#include <csignal>
#include <string>
#include <vector>
#if !defined(_WIN32)
#  include <sys/stat.h>
#endif

using namespace mio_test;
using mio::interest;
using mio::token;

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

// unix_echo and the Asio bridge's servers are examples Windows does not
// build (example/CMakeLists.txt): Unix-domain sockets are POSIX only.
#if !defined(_WIN32)
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

BOOST_AUTO_TEST_CASE(asio_source_echo_echoes_32_mib_after_half_close_with_bounded_output)
{
    check_tcp_echo_after_half_close("asio_source_echo");
}

#if defined(BOOST_ASIO_HAS_CO_AWAIT) // without coroutines the example only says so
BOOST_AUTO_TEST_CASE(coroutine_echo_echoes_32_mib_after_half_close_with_bounded_output)
{
    check_tcp_echo_after_half_close("coroutine_echo");
}
#endif
#endif // !_WIN32

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
            // An event may be one the socket's registration raised for
            // datagrams read since (spurious, as mio allows: seen under
            // Wine, where the echoes come slower): wait again then.
            for (int waits = 0; is_would_block(ec) && waits < 10; ++waits)
            {
                expect_events(p, evs, {readable(10 + i)});
                std::tie(n, from) = senders[i].receive_from(asio::buffer(buf), ec);
            }
            BOOST_REQUIRE_MESSAGE(!ec, "receive_from: " << ec.message());
            BOOST_TEST(std::string(buf.data(), n) == std::to_string(i) + ":" + std::to_string(k));
        }
    }
    BOOST_TEST(server.stop(SIGTERM) == 0);
}

#if !defined(_WIN32) // unix_echo: Unix-domain sockets are POSIX only
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
#endif
