//
// test/net_sync_algorithms.cpp: the stream types with Boost.Asio's
// synchronous algorithms (SyncReadStream / SyncWriteStream), and Asio's own
// sockets as the peer.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The headers are self-contained: they come first.
#include <boost/mio/net/tcp_listener.hpp>
#if !defined(_WIN32)
#  include <boost/mio/net/unix_stream.hpp>
#endif

#define BOOST_TEST_MODULE net_sync_algorithms
#include "util.hpp"
#include "net_util.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <string>
#include <type_traits>

using namespace mio_test;
using mio::interest;
using mio::token;

namespace {

// The SyncReadStream / SyncWriteStream requirements, checked at compile time.
template <class S, class = void>
struct is_sync_stream : std::false_type
{
};
template <class S>
struct is_sync_stream<S,
    std::void_t<decltype(std::declval<S&>().read_some(std::declval<asio::mutable_buffer>())),
        decltype(std::declval<S&>().read_some(std::declval<asio::mutable_buffer>(),
            std::declval<boost::system::error_code&>())),
        decltype(std::declval<S&>().write_some(std::declval<asio::const_buffer>())),
        decltype(std::declval<S&>().write_some(std::declval<asio::const_buffer>(),
            std::declval<boost::system::error_code&>()))>> : std::true_type
{
};

static_assert(is_sync_stream<net::tcp_stream>::value);
#if !defined(_WIN32) // Unix-domain sockets are POSIX only
static_assert(is_sync_stream<net::unix_stream>::value);
#endif

} // namespace

BOOST_AUTO_TEST_CASE(read_on_an_empty_stream_returns_would_block_instead_of_hanging)
{
    auto pair = make_tcp_pair();
    char buf[16];
    boost::system::error_code ec;
    const std::size_t n = asio::read(pair.client, asio::buffer(buf), ec);
    BOOST_TEST(n == 0u);
    BOOST_TEST(is_would_block(ec));
}

BOOST_AUTO_TEST_CASE(read_returns_what_arrived_then_would_block)
{
    auto pair = make_tcp_pair();
    BOOST_TEST(asio::write(pair.server, asio::buffer("12345", 5)) == 5u);
    mio::poll p;
    mio::events evs(4);
    p.registry().register_(pair.client, token(1), interest::readable);
    expect_events(p, evs, {readable(1)});
    char buf[16];
    boost::system::error_code ec;
    const std::size_t n = asio::read(pair.client, asio::buffer(buf), ec);
    BOOST_TEST(n == 5u); // partial: the algorithm stopped at would_block
    BOOST_TEST(is_would_block(ec));
    BOOST_TEST(std::string(buf, 5) == "12345");
}

BOOST_AUTO_TEST_CASE(read_exactly_available_bytes_succeeds_and_eof_is_reported)
{
    auto [a, b] = local_stream_pair();
    const std::string msg = "exactly twenty bytes";
    BOOST_TEST(asio::write(a, asio::buffer(msg)) == msg.size());
    wait_until_readable(b);
    std::string got(msg.size(), '\0');
    BOOST_TEST(asio::read(b, asio::buffer(got)) == msg.size());
    BOOST_TEST(got == msg);
    a.close();
    wait_until_readable(b);
    boost::system::error_code ec;
    BOOST_TEST(asio::read(b, asio::buffer(got), ec) == 0u);
    BOOST_TEST(ec == asio::error::eof);
}

BOOST_AUTO_TEST_CASE(read_until_a_delimiter)
{
    auto [a, b] = local_stream_pair();
    BOOST_TEST(asio::write(a, asio::buffer(std::string("first line\nsecond"))) == 17u);
    wait_until_readable(b);
    asio::streambuf sb;
    boost::system::error_code ec;
    const std::size_t n = asio::read_until(b, sb, '\n', ec);
    BOOST_TEST(!ec);
    BOOST_TEST(n == 11u);
    sb.consume(n);
    asio::read_until(b, sb, '\n', ec); // no second newline yet
    BOOST_TEST(is_would_block(ec));
    BOOST_TEST(sb.size() == 6u); // "second" is buffered, nothing lost
}

BOOST_AUTO_TEST_CASE(write_fills_the_socket_then_reports_would_block)
{
    auto pair = make_tcp_pair();
    const std::string big(32 * 1024 * 1024, 'w'); // more than any socket buffer
    boost::system::error_code ec;
    const std::size_t n = asio::write(pair.client, asio::buffer(big), ec);
    BOOST_TEST(is_would_block(ec));
    BOOST_TEST(n > 0u);
    BOOST_TEST(n < big.size());
}

BOOST_AUTO_TEST_CASE(asio_blocking_socket_as_peer)
{
    // An Asio client (blocking) talks to a mio server: same bytes both ways.
    asio::io_context ctx;
    auto l = net::tcp_listener::bind(local_v4());
    tcp::socket client(ctx);
    client.connect(l.local_endpoint());
    mio::poll p;
    mio::events evs(4);
    p.registry().register_(l, token(0), interest::readable);
    expect_events(p, evs, {readable(0)});
    auto [server, peer] = l.accept();
    BOOST_TEST(peer == client.local_endpoint());

    asio::write(client, asio::buffer(std::string("ping\n")));
    p.registry().register_(server, token(1), interest::readable);
    BOOST_TEST(read_exactly(p, evs, server, 1, 5) == "ping\n");
    BOOST_TEST(asio::write(server, asio::buffer(std::string("pong\n"))) == 5u);
    asio::streambuf sb;
    asio::read_until(client, sb, '\n');
    BOOST_TEST(std::string(asio::buffers_begin(sb.data()), asio::buffers_end(sb.data())) == "pong\n");
}
