//
// test/udp_socket.cpp: mio's tests/udp_socket.rs, ported.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/net/udp_socket.hpp>

#define BOOST_TEST_MODULE udp_socket
#include "util.hpp"
#include "net_util.hpp"

#include <array>
#if !defined(_WIN32) // net_util.hpp has Winsock there
#  include <netinet/in.h>
#  include <sys/socket.h>
#endif
#include <type_traits>

using namespace mio_test;
using mio::interest;
using mio::token;

static_assert(std::is_nothrow_default_constructible_v<net::udp_socket>);
static_assert(std::is_nothrow_move_constructible_v<net::udp_socket>);
static_assert(!std::is_copy_constructible_v<net::udp_socket>);
static_assert(mio::is_event_source_v<net::udp_socket>);

namespace {

const std::string& data1 = datagram1;
const std::string& data2 = datagram2;

void unconnected_smoke(const udp::endpoint& where)
{
    auto s1 = net::udp_socket::bind(where);
    auto s2 = net::udp_socket::bind(where);
    exchange_unconnected(s1, s2);
}

void connected_smoke(const udp::endpoint& where)
{
    auto s1 = net::udp_socket::bind(where);
    auto s2 = net::udp_socket::bind(where);
    s1.connect(s2.local_endpoint());
    s2.connect(s1.local_endpoint());
    BOOST_TEST(s1.peer_endpoint() == s2.local_endpoint());
    exchange_connected(s1, s2);
}

// Three bound sockets: 1 and 2 connected to each other, 3 connected to 1.
struct trio
{
    net::udp_socket s1 = net::udp_socket::bind(udp_local_v4());
    net::udp_socket s2 = net::udp_socket::bind(udp_local_v4());
    net::udp_socket s3 = net::udp_socket::bind(udp_local_v4());

    trio()
    {
        s1.connect(s2.local_endpoint());
        s2.connect(s1.local_endpoint());
        s3.connect(s1.local_endpoint());
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(unconnected_ipv4) { unconnected_smoke(udp_local_v4()); }
BOOST_AUTO_TEST_CASE(unconnected_ipv6) { unconnected_smoke(udp_local_v6()); }
BOOST_AUTO_TEST_CASE(connected_ipv4) { connected_smoke(udp_local_v4()); }
BOOST_AUTO_TEST_CASE(connected_ipv6) { connected_smoke(udp_local_v6()); }

BOOST_AUTO_TEST_CASE(several_buffers_are_one_datagram)
{
    auto s1 = net::udp_socket::bind(udp_local_v4());
    auto s2 = net::udp_socket::bind(udp_local_v4());
    mio::poll p;
    mio::events evs(8);
    p.registry().register_(s2, token(2), interest::readable);
    const std::array<asio::const_buffer, 2> out{asio::buffer(data1), asio::buffer(data2)};
    BOOST_TEST(s1.send_to(out, s2.local_endpoint()) == data1.size() + data2.size());
    BOOST_TEST(s1.send_to(asio::buffer(data1), s2.local_endpoint()) == data1.size());
    expect_events(p, evs, {readable(2)});
    char a[12], b[32];
    const std::array<asio::mutable_buffer, 2> in{asio::buffer(a), asio::buffer(b)};
    auto [n, from] = s2.receive_from(in);
    BOOST_TEST(n == data1.size() + data2.size());
    BOOST_TEST(std::string(a, 12) == data1);
    BOOST_TEST(std::string(b, data2.size()) == data2);
    BOOST_TEST(from == s1.local_endpoint());
    // The second datagram is separate.
    BOOST_TEST(s2.receive(in) == data1.size());
}

BOOST_AUTO_TEST_CASE(empty_datagram_is_zero_bytes_without_error)
{
    auto s1 = net::udp_socket::bind(udp_local_v4());
    auto s2 = net::udp_socket::bind(udp_local_v4());
    mio::poll p;
    mio::events evs(8);
    p.registry().register_(s2, token(2), interest::readable);
    BOOST_TEST(s1.send_to(asio::const_buffer(), s2.local_endpoint()) == 0u);
    expect_events(p, evs, {readable(2)});
    char buf[8];
    boost::system::error_code ec;
    auto [n, from] = s2.receive_from(asio::buffer(buf), ec);
    BOOST_TEST(!ec);
    BOOST_TEST(n == 0u);
    BOOST_TEST(from == s1.local_endpoint());
    s2.receive_from(asio::buffer(buf), ec);
    BOOST_TEST(is_would_block(ec));
}

BOOST_AUTO_TEST_CASE(reconnect_sending_switches_peer)
{
    mio::poll p;
    mio::events evs(8);
    trio t;
    auto& [s1, s2, s3] = t;
    p.registry().register_(s2, token(2), interest::readable);
    p.registry().register_(s3, token(3), interest::readable);
    BOOST_TEST(s1.send(asio::buffer(data1)) == data1.size());
    expect_events(p, evs, {readable(2)});
    char buf[32];
    BOOST_TEST(s2.receive(asio::buffer(buf)) == data1.size());
    s1.connect(s3.local_endpoint());
    BOOST_TEST(s1.send(asio::buffer(data2)) == data2.size());
    expect_events(p, evs, {readable(3)});
    BOOST_TEST(s3.receive(asio::buffer(buf)) == data2.size());
    BOOST_TEST(std::string(buf, data2.size()) == data2);
}

BOOST_AUTO_TEST_CASE(reconnect_receiving_filters_sources)
{
    mio::poll p;
    mio::events evs(8);
    trio t;
    auto& [s1, s2, s3] = t;
    p.registry().register_(s1, token(1), interest::readable);
    BOOST_TEST(s2.send(asio::buffer(data1)) == data1.size());
    expect_events(p, evs, {readable(1)});
    char buf[32];
    BOOST_TEST(s1.receive(asio::buffer(buf)) == data1.size());
    boost::system::error_code ec;
    s1.receive(asio::buffer(buf), ec);
    BOOST_TEST(is_would_block(ec));

    s1.connect(s3.local_endpoint());
    BOOST_TEST(s3.send(asio::buffer(data2)) == data2.size());
    expect_events(p, evs, {readable(1)});
    BOOST_TEST(s1.receive(asio::buffer(buf)) == data2.size());
    BOOST_TEST(std::string(buf, data2.size()) == data2);
}

BOOST_AUTO_TEST_CASE(discards_datagrams_from_other_sources_when_connected)
{
    // mio's udp_socket_discard.
    mio::poll p;
    mio::events evs(8);
    trio t; // s3 sends to s1, which is connected to s2 only
    auto& [rx, tx, outside] = t;
    (void)tx;
    BOOST_TEST(outside.send(asio::buffer(data1)) == data1.size());
    p.registry().register_(rx, token(1), interest::readable);
    expect_no_events(p, evs, std::chrono::milliseconds(100));
}

BOOST_AUTO_TEST_CASE(unconnected_socket_send_needs_an_address)
{
    auto s1 = net::udp_socket::bind(udp_local_v4());
    auto s2 = net::udp_socket::bind(udp_local_v4());
    boost::system::error_code ec;
    s1.send(asio::buffer(data1), ec);
#if defined(_WIN32)
    // Windows documents WSAENOTCONN; Wine 8.0 says WSAEINVAL.
    if (running_under_wine())
        BOOST_TEST(ec == boost::asio::error::invalid_argument);
    else
        BOOST_TEST(ec == boost::asio::error::not_connected);
#else
    BOOST_TEST(ec == boost::system::errc::destination_address_required);
#endif
    s1.peer_endpoint(ec);
    BOOST_TEST(ec == boost::asio::error::not_connected);
    // Receiving works unconnected, without the sender's address.
    mio::poll p;
    mio::events evs(8);
    p.registry().register_(s2, token(2), interest::readable);
    BOOST_TEST(s1.send_to(asio::buffer(data1), s2.local_endpoint()) == data1.size());
    expect_events(p, evs, {readable(2)});
    char buf[32];
    BOOST_TEST(s2.peek(asio::buffer(buf)) == data1.size());
    BOOST_TEST(s2.receive(asio::buffer(buf)) == data1.size());
}

BOOST_AUTO_TEST_CASE(connected_socket_can_still_send_to_others_on_linux)
{
    auto s1 = net::udp_socket::bind(udp_local_v4());
    auto s2 = net::udp_socket::bind(udp_local_v4());
    auto s3 = net::udp_socket::bind(udp_local_v4());
    s1.connect(s3.local_endpoint());
    mio::poll p;
    mio::events evs(8);
    p.registry().register_(s2, token(2), interest::readable);
    BOOST_TEST(s1.send_to(asio::buffer(data2), s2.local_endpoint()) == data2.size());
    expect_events(p, evs, {readable(2)});
    char buf[32];
    auto [n, from] = s2.receive_from(asio::buffer(buf));
    BOOST_TEST(n == data2.size());
    BOOST_TEST(from == s1.local_endpoint());
}

BOOST_AUTO_TEST_CASE(edge_triggered_receive_after_would_block)
{
    // mio's et_behavior_recv and et_behavior_recv_from: after draining to
    // would_block, the next datagram is a new readable event.
    mio::poll p;
    mio::events evs(8);
    auto s1 = net::udp_socket::bind(udp_local_v4());
    auto s2 = net::udp_socket::bind(udp_local_v4());
    p.registry().register_(s1, token(1), interest::writable);
    p.registry().register_(s2, token(2), interest::readable | interest::writable);
    expect_events(p, evs, {writable(1), writable(2)});
    char buf[32];
    boost::system::error_code ec;
    for (int round = 0; round < 2; ++round)
    {
        BOOST_TEST(s1.send_to(asio::buffer(data1), s2.local_endpoint()) == data1.size());
        expect_events(p, evs, {readable(2)});
        auto [n, from] = s2.receive_from(asio::buffer(buf));
        BOOST_TEST(n == data1.size());
        BOOST_TEST(from == s1.local_endpoint());
        s2.receive_from(asio::buffer(buf), ec);
        BOOST_TEST(is_would_block(ec));
    }
    s1.connect(s2.local_endpoint());
    for (int round = 0; round < 2; ++round)
    {
        BOOST_TEST(s1.send(asio::buffer(data1)) == data1.size());
        expect_events(p, evs, {readable(2)});
        BOOST_TEST(s2.receive(asio::buffer(buf)) == data1.size());
        s2.receive(asio::buffer(buf), ec);
        BOOST_TEST(is_would_block(ec));
    }
    // Everything was drained and nothing new arrived: no event.
    expect_no_events(p, evs);
}

BOOST_AUTO_TEST_CASE(datagram_of_more_than_64_buffers_is_all_or_nothing)
{
    auto tx = net::udp_socket::bind(udp_local_v4());
    auto rx = net::udp_socket::bind(udp_local_v4());
    tx.connect(rx.local_endpoint());
    check_datagrams_of_many_buffers(tx, rx);

    // send_to and receive_from too.
    auto s = net::udp_socket::bind(udp_local_v4());
    mio::poll p;
    mio::events evs(4);
    p.registry().register_(rx, token(1), interest::readable);
    std::string out(100, 'x'), in(100, '\0');
    BOOST_TEST(s.send_to(one_byte_buffers<asio::const_buffer>(out, 100), rx.local_endpoint())
        == 100u);
    expect_events(p, evs, {readable(1)});
    auto [n, from] = rx.receive_from(one_byte_buffers<asio::mutable_buffer>(in, 100));
    BOOST_TEST(n == 100u);
    BOOST_TEST(in == out);
    BOOST_TEST((from == s.local_endpoint()));
}

BOOST_AUTO_TEST_CASE(ttl_outside_1_to_255_is_einval_on_both_families)
{
    for (const auto& where : {udp_local_v4(), udp_local_v6()})
    {
        auto s = net::udp_socket::bind(where);
        s.set_ttl(1);
        s.set_ttl(255);
        BOOST_TEST(s.ttl() == 255u);
        for (const std::uint32_t bad : {0u, 256u})
        {
            boost::system::error_code ec;
            s.set_ttl(bad, ec);
            BOOST_TEST(ec == boost::asio::error::invalid_argument);
            expect_system_error([&] { s.set_ttl(bad); }, boost::asio::error::invalid_argument);
        }
        BOOST_TEST(s.ttl() == 255u);
    }
}

BOOST_AUTO_TEST_CASE(options_set_and_read_back)
{
    auto s = net::udp_socket::bind(udp_local_v4());
    BOOST_TEST(s.ttl() > 0u);
    s.set_ttl(10);
    BOOST_TEST(s.ttl() == 10u);
    BOOST_TEST(!s.broadcast());
    s.set_broadcast(true);
    BOOST_TEST(s.broadcast());
    s.set_broadcast(false);
    BOOST_TEST(!s.broadcast());
    s.set_multicast_loop_v4(false);
    BOOST_TEST(!s.multicast_loop_v4());
    s.set_multicast_loop_v4(true);
    BOOST_TEST(s.multicast_loop_v4());
    BOOST_TEST(s.multicast_ttl_v4() == 1u); // the OS default
    s.set_multicast_ttl_v4(10);
    BOOST_TEST(s.multicast_ttl_v4() == 10u);
    boost::system::error_code ec;
    s.set_multicast_ttl_v4(256, ec);
    BOOST_TEST(ec == boost::asio::error::invalid_argument);
    BOOST_TEST(s.multicast_ttl_v4() == 10u);
    BOOST_TEST(!s.take_error());

    auto s6 = net::udp_socket::bind(udp_local_v6());
    s6.set_ttl(12);
    BOOST_TEST(s6.ttl() == 12u);
    s6.set_multicast_loop_v6(false);
    BOOST_TEST(!s6.multicast_loop_v6());
    s6.set_multicast_loop_v6(true);
    BOOST_TEST(s6.multicast_loop_v6());
    int v6only = -1;
    socklen_t len = sizeof(v6only);
    BOOST_REQUIRE(::getsockopt(s6.native_handle(), IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<char*>(&v6only), &len) == 0);
    BOOST_TEST(s6.only_v6() == (v6only != 0));
    s.only_v6(ec); // not an IPv6 socket
    BOOST_TEST(ec.failed());
}

BOOST_AUTO_TEST_CASE(multicast_v4_on_loopback)
{
    const auto group = asio::ip::make_address_v4("227.1.1.100");
    const auto lo = asio::ip::make_address_v4("127.0.0.1");
    mio::poll p;
    mio::events evs(8);
    // Bound to the group address: it receives that group's datagrams only.
    auto rx = net::udp_socket::bind(udp::endpoint(group, 0));
    rx.join_multicast_v4(group, lo);
    auto tx = net::udp_socket::bind(udp_local_v4());
    tx.set_multicast_loop_v4(true);
    // Send through the loopback interface (IP_MULTICAST_IF has no member).
    ::in_addr iface{};
    iface.s_addr = htonl(lo.to_uint());
    BOOST_REQUIRE(::setsockopt(tx.native_handle(), IPPROTO_IP, IP_MULTICAST_IF, reinterpret_cast<const char*>(&iface),
                      sizeof(iface)) == 0);
    p.registry().register_(rx, token(1), interest::readable);
    const udp::endpoint to(group, rx.local_endpoint().port());
    BOOST_TEST(tx.send_to(asio::buffer(data1), to) == data1.size());
    expect_events(p, evs, {readable(1)});
    char buf[32];
    auto [n, from] = rx.receive_from(asio::buffer(buf));
    BOOST_TEST(std::string(buf, n) == data1);
    BOOST_TEST(from == tx.local_endpoint());

    rx.leave_multicast_v4(group, lo);
    boost::system::error_code ec;
    rx.leave_multicast_v4(group, lo, ec); // not a member any more
    BOOST_TEST(ec.failed());
    BOOST_TEST(tx.send_to(asio::buffer(data2), to) == data2.size());
    expect_no_events(p, evs, std::chrono::milliseconds(100));
}

BOOST_AUTO_TEST_CASE(multicast_v6_join_and_leave)
{
    const auto group = asio::ip::make_address_v6("ff02::1234");
    auto s = net::udp_socket::bind(udp_local_v6());
    s.join_multicast_v6(group, 0);
    s.leave_multicast_v6(group, 0);
    boost::system::error_code ec;
    s.leave_multicast_v6(group, 0, ec);
    BOOST_TEST(ec.failed());
    s.join_multicast_v6(asio::ip::make_address_v6("::1"), 0, ec); // not multicast
    BOOST_TEST(ec.failed());
}

BOOST_AUTO_TEST_CASE(register_reregister_deregister)
{
    mio::poll p;
    mio::events evs(8);
    auto s = net::udp_socket::bind(udp_local_v4());
    auto sender = net::udp_socket::bind(udp_local_v4());
    p.registry().register_(s, token(1), interest::readable);
    expect_no_events(p, evs);

    // Registered writable only, a datagram is not an event (mio's
    // udp_socket_reregister); reregistered readable, it is.
    p.registry().reregister(s, token(1), interest::writable);
    expect_events(p, evs, {writable(1)});
    sender.send_to(asio::buffer(data1), s.local_endpoint());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    p.wait(evs, std::chrono::milliseconds(50));
    for (const auto& e : evs)
        BOOST_TEST(!e.is_readable());
    p.registry().reregister(s, token(2), interest::readable);
    expect_events(p, evs, {readable(2)});

    p.registry().deregister(s);
    sender.send_to(asio::buffer(data2), s.local_endpoint());
    expect_no_events(p, evs, std::chrono::milliseconds(100));
    char buf[32];
    BOOST_TEST(s.receive(asio::buffer(buf)) == data1.size());
    BOOST_TEST(s.receive(asio::buffer(buf)) == data2.size());
}

BOOST_AUTO_TEST_CASE(release_and_from_native_keep_the_socket)
{
    auto s = net::udp_socket::bind(udp_local_v4());
    const udp::endpoint addr = s.local_endpoint();
    const int fd = s.release();
    BOOST_TEST(!s.is_open());
    auto adopted = net::udp_socket::from_native(fd);
    BOOST_TEST(adopted.local_endpoint() == addr);
}
