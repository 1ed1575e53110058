//
// test/tcp_listener.cpp: mio's tests/tcp_listener.rs and the listener parts
// of tests/tcp.rs, ported.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/net/tcp_listener.hpp>

#define BOOST_TEST_MODULE tcp_listener
#include "util.hpp"
#include "net_util.hpp"

#include <set>
#if !defined(_WIN32) // net_util.hpp has Winsock there
#  include <sys/socket.h>
#endif
#include <type_traits>
#include <vector>

using namespace mio_test;
using mio::interest;
using mio::token;

static_assert(std::is_nothrow_default_constructible_v<net::tcp_listener>);
static_assert(std::is_nothrow_move_constructible_v<net::tcp_listener>);
static_assert(!std::is_copy_constructible_v<net::tcp_listener>);
static_assert(mio::is_event_source_v<net::tcp_listener>);
static_assert(std::is_same_v<decltype(std::declval<net::tcp_listener&>().accept()),
    std::pair<net::tcp_stream, tcp::endpoint>>);
static_assert(std::is_same_v<decltype(net::tcp_listener::bind(std::declval<const tcp::endpoint&>())),
    net::tcp_listener>);

namespace {

void smoke(const tcp::endpoint& where)
{
    mio::poll p;
    mio::events evs(8);
    auto l = net::tcp_listener::bind(where);
    check_fresh_socket(l);
    const tcp::endpoint addr = l.local_endpoint();
    BOOST_TEST(addr.address() == where.address());
    BOOST_TEST(addr.port() != 0);
    p.registry().register_(l, token(1), interest::readable);
    expect_no_events(p, evs);

    auto c = net::tcp_stream::connect(addr);
    expect_events(p, evs, {readable(1)});
    auto [s, peer] = l.accept();
    check_fresh_socket(s);
    BOOST_TEST(peer.address().is_loopback());
    BOOST_TEST(s.peer_endpoint() == peer);
    BOOST_TEST(s.local_endpoint() == addr);

    char buf[16];
    boost::system::error_code ec;
    s.read_some(asio::buffer(buf), ec);
    BOOST_TEST(is_would_block(ec));
    auto none = l.accept(ec);
    BOOST_TEST(is_would_block(ec));
    BOOST_TEST(!none.first.is_open());
    BOOST_TEST(!l.take_error());
}

} // namespace

BOOST_AUTO_TEST_CASE(listener_ipv4_smoke) { smoke(local_v4()); }

BOOST_AUTO_TEST_CASE(listener_ipv6_smoke) { smoke(local_v6()); }

BOOST_AUTO_TEST_CASE(bind_sets_reuse_address)
{
    auto l = net::tcp_listener::bind(local_v4());
    int on = 0;
    socklen_t len = sizeof(on);
#if defined(_WIN32) // SO_REUSEADDR would let another socket take the port there
    BOOST_REQUIRE(::getsockopt(l.native_handle(), SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<char*>(&on), &len) == 0);
#else
    BOOST_REQUIRE(::getsockopt(l.native_handle(), SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<char*>(&on), &len) == 0);
#endif
    BOOST_TEST(on == 1);
    int listening = 0;
    BOOST_REQUIRE(::getsockopt(l.native_handle(), SOL_SOCKET, SO_ACCEPTCONN, reinterpret_cast<char*>(&listening), &len) == 0);
    BOOST_TEST(listening == 1);
}

BOOST_AUTO_TEST_CASE(ttl_zero_is_einval_on_both_families)
{
    for (const auto& where : {local_v4(), local_v6()})
    {
        auto l = net::tcp_listener::bind(where);
        l.set_ttl(20);
        boost::system::error_code ec;
        l.set_ttl(0, ec);
        BOOST_TEST(ec == boost::asio::error::invalid_argument);
        BOOST_TEST(l.ttl() == 20u);
    }
}

BOOST_AUTO_TEST_CASE(ttl_set_and_read_back)
{
    auto l = net::tcp_listener::bind(local_v4());
    BOOST_TEST(l.ttl() > 0u);
    l.set_ttl(10);
    BOOST_TEST(l.ttl() == 10u);
    BOOST_TEST(!l.take_error());
    // Accepted connections inherit it.
    mio::poll p;
    mio::events evs(4);
    p.registry().register_(l, token(0), interest::readable);
    auto c = net::tcp_stream::connect(l.local_endpoint());
    expect_events(p, evs, {readable(0)});
    BOOST_TEST(l.accept().first.ttl() == 10u);
}

BOOST_AUTO_TEST_CASE(release_and_from_native_keep_the_socket)
{
    auto l = net::tcp_listener::bind(local_v4());
    const tcp::endpoint addr = l.local_endpoint();
    const int fd = l.native_handle();
    BOOST_TEST(l.release() == fd);
    BOOST_TEST(!l.is_open());
    auto adopted = net::tcp_listener::from_native(fd);
    BOOST_TEST(adopted.native_handle() == fd);
    BOOST_TEST(adopted.local_endpoint() == addr);
}

BOOST_AUTO_TEST_CASE(reregister_changes_token)
{
    mio::poll p;
    mio::events evs(8);
    auto l = net::tcp_listener::bind(local_v4());
    p.registry().register_(l, token(1), interest::readable);
    p.registry().reregister(l, token(2), interest::readable);
    auto c = net::tcp_stream::connect(l.local_endpoint());
    expect_events(p, evs, {readable(2)});
    for (const auto& e : evs)
        BOOST_TEST((e.token() != token(1)));
    BOOST_TEST(l.accept().first.is_open());
}

BOOST_AUTO_TEST_CASE(reregister_from_writable_to_readable_sees_pending_connection)
{
    // mio's unix_listener_reregister, for TCP: a listener is never writable,
    // and reregistering readable reports the connection already queued.
    mio::poll p;
    mio::events evs(8);
    auto l = net::tcp_listener::bind(local_v4());
    p.registry().register_(l, token(1), interest::writable);
    auto c = net::tcp_stream::connect(l.local_endpoint());
    expect_no_events(p, evs, std::chrono::milliseconds(100));
    p.registry().reregister(l, token(1), interest::readable);
    expect_events(p, evs, {readable(1)});
}

BOOST_AUTO_TEST_CASE(no_events_after_deregister_but_accept_works)
{
    mio::poll p;
    mio::events evs(8);
    auto l = net::tcp_listener::bind(local_v4());
    p.registry().register_(l, token(1), interest::readable);
    p.registry().deregister(l);
    auto c = net::tcp_stream::connect(l.local_endpoint());
    expect_no_events(p, evs, std::chrono::milliseconds(100));
    auto [s, peer] = l.accept();
    BOOST_TEST(s.is_open());
    BOOST_TEST(peer.address().is_loopback());
    boost::system::error_code ec;
    l.accept(ec);
    BOOST_TEST(is_would_block(ec));
}

BOOST_AUTO_TEST_CASE(edge_triggered_new_connection_after_drain_is_a_new_event)
{
    // mio's tcp_listener_two_streams.
    mio::poll p;
    mio::events evs(8);
    auto l = net::tcp_listener::bind(local_v4());
    p.registry().register_(l, token(1), interest::readable);
    auto c1 = net::tcp_stream::connect(l.local_endpoint());
    expect_events(p, evs, {readable(1)});
    BOOST_TEST(l.accept().first.is_open());
    boost::system::error_code ec;
    l.accept(ec);
    BOOST_TEST(is_would_block(ec));

    auto c2 = net::tcp_stream::connect(l.local_endpoint());
    expect_events(p, evs, {readable(1)});
    BOOST_TEST(l.accept().first.is_open());
    expect_no_events(p, evs);
}

BOOST_AUTO_TEST_CASE(many_connections_to_one_listener)
{
    // 500 clients (1000 sockets): every one is accepted exactly once, from
    // its own address, and each accepted stream reaches its own client.
    constexpr std::size_t n = 500;
    mio::poll p;
    mio::events evs(256);
    auto l = net::tcp_listener::bind(local_v4());
    p.registry().register_(l, token(0), interest::readable);
    std::vector<net::tcp_stream> clients;
    std::set<unsigned short> client_ports;
    for (std::size_t i = 0; i < n; ++i)
    {
        clients.push_back(net::tcp_stream::connect(l.local_endpoint()));
        client_ports.insert(clients.back().local_endpoint().port());
    }
    BOOST_TEST(client_ports.size() == n);

    std::vector<net::tcp_stream> accepted;
    std::set<unsigned short> peer_ports;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (accepted.size() < n && std::chrono::steady_clock::now() < deadline)
    {
        p.wait(evs, std::chrono::milliseconds(500));
        for (;;) // drain: edge-triggered
        {
            boost::system::error_code ec;
            auto [s, peer] = l.accept(ec);
            if (is_would_block(ec))
                break;
            BOOST_REQUIRE_MESSAGE(!ec, ec.message());
            peer_ports.insert(peer.port());
            accepted.push_back(std::move(s));
        }
    }
    BOOST_TEST(accepted.size() == n);
    BOOST_TEST((peer_ports == client_ports));

    // The last accepted stream talks to the client with its port.
    const unsigned short port = accepted.back().peer_endpoint().port();
    for (auto& c : clients)
    {
        if (c.local_endpoint().port() != port)
            continue;
        BOOST_TEST(accepted.back().write_some(asio::buffer("ping", 4)) == 4u);
        p.registry().register_(c, token(1), interest::readable);
        BOOST_TEST(read_exactly(p, evs, c, 1, 4) == "ping");
    }
}

BOOST_AUTO_TEST_CASE(closing_a_registered_listener_gives_no_events)
{
    // mio's listen_then_close.
    mio::poll p;
    mio::events evs(8);
    auto l = net::tcp_listener::bind(local_v4());
    const tcp::endpoint addr = l.local_endpoint();
    p.registry().register_(l, token(1), interest::readable);
    l.close();
    boost::system::error_code ec;
    auto c = net::tcp_stream::connect(addr, ec);
    expect_no_events(p, evs, std::chrono::milliseconds(100));
}

BOOST_AUTO_TEST_CASE(connect_then_accept_and_drop)
{
    // mio's connect_then_close: the client sees the accepted side close.
    mio::poll p;
    mio::events evs(8);
    auto l = net::tcp_listener::bind(local_v4());
    auto c = net::tcp_stream::connect(l.local_endpoint());
    p.registry().register_(l, token(1), interest::readable);
    p.registry().register_(c, token(2), interest::readable);
    expect_events(p, evs, {readable(1)});
    {
        auto s = l.accept().first;
        p.registry().register_(s, token(3), interest::readable | interest::writable);
    }
    expect_events(p, evs, {read_closed(2)});
}
