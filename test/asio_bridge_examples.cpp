//
// test/asio_bridge_examples.cpp: runs the Asio bridge examples against real
// clients.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Each example is an echo server: it is spawned, must print
// "listening on 127.0.0.1:PORT" as its first line, echo what several
// clients send (large enough to fill socket buffers), and exit with status
// 0 on SIGTERM (on Windows, the console's Ctrl-C: see child_process.hpp).
// The binaries are found by mio_test::example_path (CMake's
// BOOST_MIO_EXAMPLE_DIR, or b2's arguments).

#define BOOST_TEST_MODULE asio_bridge_examples
#include "util.hpp"
#include "child_process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

using mio_test::child_process;

namespace {

// Connects `clients` clients at once, each sending its own payload of
// `size` bytes while reading the echo back; checks every byte. Bounded.
void check_echo(unsigned short port, int clients, std::size_t size)
{
    asio::io_context ioc;
    const tcp::endpoint server(asio::ip::make_address_v4("127.0.0.1"), port);
    struct client
    {
        explicit client(asio::io_context& ioc) : socket(ioc) {}
        tcp::socket socket;
        std::string sent, received;
        bool done = false;
    };
    std::vector<std::unique_ptr<client>> cs;
    for (int i = 0; i < clients; ++i)
    {
        auto c = std::make_unique<client>(ioc);
        c->socket.connect(server);
        for (std::size_t k = 0; k < size; ++k)
            c->sent += static_cast<char>('a' + (k * 7 + static_cast<std::size_t>(i)) % 26);
        c->received.resize(size);
        client& cr = *c;
        asio::async_write(cr.socket, asio::buffer(cr.sent),
            [](boost::system::error_code ec, std::size_t) { BOOST_CHECK(!ec); });
        asio::async_read(cr.socket, asio::buffer(cr.received),
            [&cr](boost::system::error_code ec, std::size_t) {
                BOOST_CHECK(!ec);
                cr.done = true;
            });
        cs.push_back(std::move(c));
    }
    ioc.run_for(15s);
    for (const auto& c : cs)
    {
        BOOST_CHECK_MESSAGE(c->done, "the echo did not come back in time");
        BOOST_CHECK(c->received == c->sent);
    }
}

// A server that cannot take the connection over closes it unanswered: the
// client reads end of stream (or a reset), bounded.
void check_closed_unanswered(unsigned short port)
{
    asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), port));
    asio::write(socket, asio::buffer("x", 1));
    char c;
    boost::system::error_code read_ec;
    bool done = false;
    socket.async_read_some(asio::buffer(&c, 1), [&](boost::system::error_code ec, std::size_t) {
        read_ec = ec;
        done = true;
    });
    ioc.run_for(15s);
    BOOST_REQUIRE_MESSAGE(done, "the connection was neither echoed nor closed in time");
    BOOST_CHECK_MESSAGE(read_ec == asio::error::eof || read_ec == asio::error::connection_reset,
        "read: " << read_ec.message());
}

// Runs an echo server example end to end.
void run_echo_example(const std::string& name)
{
    child_process child({mio_test::example_path(name)});
    const unsigned short port = mio_test::parse_port(child.first_line());
    check_echo(port, 1, 5);
    check_echo(port, 4, 256 * 1024);
    BOOST_CHECK_EQUAL(child.stop(SIGTERM), 0);
}

} // namespace

BOOST_AUTO_TEST_CASE(coroutine_echo_serves_clients_and_stops_on_sigterm)
{
#if defined(BOOST_ASIO_HAS_CO_AWAIT)
    run_echo_example("coroutine_echo");
#else
    // Without coroutines the example only says so, and succeeds.
    child_process child({mio_test::example_path("coroutine_echo")});
    const std::string first = child.first_line();
    BOOST_CHECK_MESSAGE(first.find("needs C++20") != std::string::npos, "first line: " << first);
    BOOST_CHECK_EQUAL(child.wait_exit(), 0);
#endif
}

BOOST_AUTO_TEST_CASE(asio_hybrid_server_serves_clients_and_stops_on_sigterm)
{
    if (mio_test::running_under_wine())
    {
        // Wine 8.0 cannot take a socket off Asio's completion port
        // (FileReplaceCompletionInformation), so to_mio reports
        // operation_not_supported (doc/design.adoc, "Windows"): the server
        // closes each connection unanswered, keeps serving, and stops
        // cleanly.
        child_process child({mio_test::example_path("asio_hybrid_server")});
        const unsigned short port = mio_test::parse_port(child.first_line());
        check_closed_unanswered(port);
        check_closed_unanswered(port);
        BOOST_CHECK_EQUAL(child.stop(SIGTERM), 0);
        return;
    }
    run_echo_example("asio_hybrid_server");
}

BOOST_AUTO_TEST_CASE(asio_source_echo_serves_clients_and_stops_on_sigterm)
{
    run_echo_example("asio_source_echo");
}
