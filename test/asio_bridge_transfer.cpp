//
// test/asio_bridge_transfer.cpp: to_mio / to_asio for every socket type.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Each test moves a socket that already has data (or a connection) queued
// in the kernel, checks that the new owner has the same handle and reads
// what was queued, that the old owner is closed, and that the handle is
// closed exactly once (the fixture fails the program on a leaked fd).

// The header is self-contained: it comes first.
#include <boost/mio/asio_bridge/transfer.hpp>

#define BOOST_TEST_MODULE asio_bridge_transfer
#include "util.hpp"
#include "asio_bridge_util.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <string>
#include <type_traits>

namespace mio = boost::mio;
namespace asio = boost::asio;
namespace net = boost::mio::net;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;
using mio::asio_bridge::to_asio;
using mio::asio_bridge::to_mio;
using mio::interest;
using mio::token;
using mio_test::readable;
using bridge_test::fd_is_open;

namespace {

const tcp::endpoint loopback4(asio::ip::make_address_v4("127.0.0.1"), 0);

// What the kernel queued for a mio stream is readable from it at once.
template <class Stream>
std::string read_available(Stream& s)
{
    std::string out;
    for (int i = 0; i < 100 && out.empty(); ++i)
    {
        char buf[64];
        error_code ec;
        const std::size_t n = s.read_some(asio::buffer(buf), ec);
        if (!ec)
            out.assign(buf, n);
        else if (!mio_test::is_would_block(ec))
            break;
        else
            ::usleep(1000);
    }
    return out;
}

// Registered with a poll, the mio socket reports events.
template <class Source>
void expect_readable_event(Source& s)
{
    mio::poll poll;
    mio::events evs(4);
    poll.registry().register_(s, token(9), interest::readable);
    mio_test::expect_events(poll, evs, {readable(9)});
}

} // namespace

// The types follow the contract: the Asio executor type is a parameter.
static_assert(std::is_same_v<decltype(to_mio(std::declval<tcp::socket>())), net::tcp_stream>);
static_assert(std::is_same_v<decltype(to_mio(std::declval<tcp::acceptor>())), net::tcp_listener>);
static_assert(std::is_same_v<decltype(to_mio(std::declval<udp::socket>())), net::udp_socket>);
static_assert(std::is_same_v<decltype(to_mio(std::declval<asio::local::stream_protocol::socket>())),
    net::unix_stream>);
static_assert(std::is_same_v<decltype(to_mio(std::declval<asio::local::stream_protocol::acceptor>())),
    net::unix_listener>);
static_assert(std::is_same_v<decltype(to_mio(std::declval<asio::local::datagram_protocol::socket>())),
    net::unix_datagram>);
static_assert(std::is_same_v<decltype(to_mio(std::declval<
                  asio::basic_stream_socket<tcp, asio::io_context::executor_type>>())),
    net::tcp_stream>);
static_assert(std::is_same_v<decltype(to_asio(std::declval<net::tcp_stream>(),
                                 std::declval<asio::io_context::executor_type>())),
    asio::basic_stream_socket<tcp, asio::io_context::executor_type>>);
static_assert(std::is_same_v<decltype(to_asio(std::declval<net::unix_datagram>(),
                                 std::declval<asio::any_io_executor>())),
    asio::local::datagram_protocol::socket>);

// Only rvalues of the listed types convert: an lvalue or another type is
// not a candidate (no silent copy of a handle).
template <class T, class = void>
struct can_to_mio : std::false_type
{
};
template <class T>
struct can_to_mio<T, std::void_t<decltype(to_mio(std::declval<T>()))>> : std::true_type
{
};
template <class T, class = void>
struct can_to_asio : std::false_type
{
};
template <class T>
struct can_to_asio<T,
    std::void_t<decltype(to_asio(std::declval<T>(), std::declval<asio::any_io_executor>()))>>
    : std::true_type
{
};
static_assert(can_to_mio<tcp::socket>::value);
static_assert(!can_to_mio<tcp::socket&>::value);
static_assert(!can_to_mio<asio::posix::stream_descriptor>::value);
static_assert(can_to_asio<net::tcp_stream>::value);
static_assert(!can_to_asio<net::tcp_stream&>::value);
static_assert(!can_to_asio<mio::posix::receiver>::value);

BOOST_AUTO_TEST_CASE(tcp_stream_both_ways_keeps_queued_bytes)
{
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, loopback4);
    tcp::socket client(ioc), server(ioc);
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
    const int fd = server.native_handle();

    asio::write(client, asio::buffer("queued", 6)); // before the move
    net::tcp_stream stream = to_mio(std::move(server));
    BOOST_CHECK(!server.is_open());
    BOOST_CHECK_EQUAL(stream.native_handle(), fd);
    BOOST_CHECK(mio_test::is_nonblocking(fd));
    BOOST_CHECK_EQUAL(read_available(stream), "queued");
    stream.write_some(asio::buffer("to asio", 7));
    char buf[7];
    asio::read(client, asio::buffer(buf));
    BOOST_CHECK_EQUAL(std::string(buf, 7), "to asio");
    asio::write(client, asio::buffer("x", 1));
    expect_readable_event(stream);

    asio::write(client, asio::buffer("again", 5)); // queued for the Asio owner
    auto back = to_asio(std::move(stream), ioc.get_executor());
    BOOST_CHECK(!stream.is_open());
    BOOST_CHECK_EQUAL(back.native_handle(), fd);
    BOOST_CHECK(back.remote_endpoint() == client.local_endpoint());
    char got[6];
    asio::read(back, asio::buffer(got)); // "x" was left unread, then "again"
    BOOST_CHECK_EQUAL(std::string(got, 6), "xagain");
    back.close();
    BOOST_CHECK(!fd_is_open(fd));
}

BOOST_AUTO_TEST_CASE(tcp_over_ipv6_keeps_its_family)
{
    asio::io_context ioc;
    error_code ec;
    tcp::acceptor acceptor(ioc);
    acceptor.open(tcp::v6(), ec);
    if (!ec)
        acceptor.bind(tcp::endpoint(asio::ip::make_address_v6("::1"), 0), ec);
    if (ec)
    {
        BOOST_TEST_MESSAGE("no IPv6 loopback here: " << ec.message());
        return;
    }
    acceptor.listen();
    tcp::socket client(ioc), server(ioc);
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
    net::tcp_stream stream = to_mio(std::move(server));
    auto back = to_asio(std::move(stream), ioc.get_executor());
    BOOST_CHECK(back.local_endpoint().protocol() == tcp::v6());
    BOOST_CHECK(back.local_endpoint() == client.remote_endpoint());
}

BOOST_AUTO_TEST_CASE(tcp_listener_both_ways_keeps_pending_connections)
{
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, loopback4);
    const auto ep = acceptor.local_endpoint();
    const int fd = acceptor.native_handle();
    tcp::socket c1(ioc);
    c1.connect(ep); // pending in the backlog before the move

    net::tcp_listener listener = to_mio(std::move(acceptor));
    BOOST_CHECK(!acceptor.is_open());
    BOOST_CHECK_EQUAL(listener.native_handle(), fd);
    expect_readable_event(listener);
    auto [s1, peer] = listener.accept();
    BOOST_CHECK(peer == c1.local_endpoint());

    tcp::socket c2(ioc);
    c2.connect(ep);
    auto back = to_asio(std::move(listener), ioc.get_executor());
    BOOST_CHECK(!listener.is_open());
    BOOST_CHECK_EQUAL(back.native_handle(), fd);
    tcp::socket s2 = back.accept();
    BOOST_CHECK(s2.remote_endpoint() == c2.local_endpoint());
}

BOOST_AUTO_TEST_CASE(udp_socket_both_ways_keeps_queued_datagrams)
{
    asio::io_context ioc;
    udp::socket receiver(ioc, udp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
    udp::socket sender(ioc, udp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
    const int fd = receiver.native_handle();
    sender.send_to(asio::buffer("one", 3), receiver.local_endpoint());
    sender.send_to(asio::buffer("two", 3), receiver.local_endpoint());

    net::udp_socket s = to_mio(std::move(receiver));
    BOOST_CHECK_EQUAL(s.native_handle(), fd);
    char buf[8];
    auto [n, from] = s.receive_from(asio::buffer(buf));
    BOOST_CHECK_EQUAL(std::string(buf, n), "one");
    BOOST_CHECK(from == sender.local_endpoint());

    auto back = to_asio(std::move(s), asio::make_strand(ioc));
    BOOST_CHECK_EQUAL(back.native_handle(), fd);
    udp::endpoint from2;
    const std::size_t m = back.receive_from(asio::buffer(buf), from2);
    BOOST_CHECK_EQUAL(std::string(buf, m), "two");
}

BOOST_AUTO_TEST_CASE(unix_stream_both_ways_keeps_queued_bytes)
{
    asio::io_context ioc;
    asio::local::stream_protocol::socket a(ioc), b(ioc);
    asio::local::connect_pair(a, b);
    const int fd = a.native_handle();
    asio::write(b, asio::buffer("queued", 6));
    net::unix_stream s = to_mio(std::move(a));
    BOOST_CHECK_EQUAL(s.native_handle(), fd);
    BOOST_CHECK_EQUAL(read_available(s), "queued");
    asio::write(b, asio::buffer("back", 4));
    auto back = to_asio(std::move(s), ioc.get_executor());
    char buf[4];
    asio::read(back, asio::buffer(buf));
    BOOST_CHECK_EQUAL(std::string(buf, 4), "back");
}

BOOST_AUTO_TEST_CASE(unix_listener_both_ways_keeps_pending_connections)
{
    mio_test::temp_dir dir;
    asio::io_context ioc;
    const asio::local::stream_protocol::endpoint ep(dir.file("l"));
    asio::local::stream_protocol::acceptor acceptor(ioc, ep);
    const int fd = acceptor.native_handle();
    asio::local::stream_protocol::socket c1(ioc), c2(ioc);
    c1.connect(ep);
    net::unix_listener l = to_mio(std::move(acceptor));
    BOOST_CHECK_EQUAL(l.native_handle(), fd);
    expect_readable_event(l);
    auto accepted = l.accept();
    BOOST_CHECK(accepted.first.is_open());
    c2.connect(ep);
    auto back = to_asio(std::move(l), ioc.get_executor());
    auto s2 = back.accept();
    BOOST_CHECK(s2.is_open());
}

BOOST_AUTO_TEST_CASE(unix_datagram_both_ways_keeps_queued_datagrams)
{
    asio::io_context ioc;
    asio::local::datagram_protocol::socket a(ioc), b(ioc);
    asio::local::connect_pair(a, b);
    const int fd = a.native_handle();
    b.send(asio::buffer("one", 3));
    b.send(asio::buffer("two", 3));
    net::unix_datagram d = to_mio(std::move(a));
    BOOST_CHECK_EQUAL(d.native_handle(), fd);
    char buf[8];
    BOOST_CHECK_EQUAL(std::string(buf, d.receive(asio::buffer(buf))), "one");
    auto back = to_asio(std::move(d), ioc.get_executor());
    BOOST_CHECK_EQUAL(std::string(buf, back.receive(asio::buffer(buf))), "two");
}

BOOST_AUTO_TEST_CASE(closed_objects_fail_and_keep_everything_as_it_was)
{
    asio::io_context ioc;
    tcp::socket closed(ioc);
    error_code ec;
    net::tcp_stream s = to_mio(std::move(closed), ec);
    BOOST_CHECK(ec == asio::error::bad_descriptor);
    BOOST_CHECK(!s.is_open());
    BOOST_CHECK_THROW(to_mio(tcp::acceptor(ioc)), boost::system::system_error);

    net::udp_socket none;
    auto u = to_asio(std::move(none), ioc.get_executor(), ec);
    BOOST_CHECK(ec == asio::error::bad_descriptor);
    BOOST_CHECK(!u.is_open());
    BOOST_CHECK(u.get_executor() == asio::any_io_executor(ioc.get_executor()));
    BOOST_CHECK_THROW(to_asio(net::unix_stream(), ioc.get_executor()), boost::system::system_error);
}

BOOST_AUTO_TEST_CASE(failed_to_asio_leaves_the_handle_with_mio)
{
    // Asio's reactor refuses a handle it already watches (EEXIST): make a
    // mio stream that shares an Asio socket's fd number.
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, loopback4);
    tcp::socket client(ioc), server(ioc);
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
    net::tcp_stream alias = net::tcp_stream::from_native(server.native_handle());
    error_code ec;
    auto out = to_asio(std::move(alias), ioc.get_executor(), ec);
    BOOST_CHECK(ec);
    BOOST_CHECK(!out.is_open());
    BOOST_CHECK(out.get_executor() == asio::any_io_executor(ioc.get_executor()));
    BOOST_CHECK_EQUAL(alias.native_handle(), server.native_handle());
    BOOST_CHECK_THROW(to_asio(std::move(alias), ioc.get_executor()), boost::system::system_error);
    BOOST_CHECK(alias.is_open());
    (void)alias.release(); // `server` owns the fd: close it once
}

BOOST_AUTO_TEST_CASE(each_handle_is_closed_exactly_once)
{
    asio::io_context ioc;
    {
        // Asio opens its reactor's fds on first use: not part of the count.
        asio::local::stream_protocol::socket warm_up(ioc);
        warm_up.open();
    }
    const int before = mio_test::count_open_fds();
    {
        asio::local::stream_protocol::socket a(ioc), b(ioc);
        asio::local::connect_pair(a, b);
        const int fd = a.native_handle();
        {
            net::unix_stream s = to_mio(std::move(a));
            auto back = to_asio(std::move(s), ioc.get_executor());
            net::unix_stream again = to_mio(std::move(back));
            BOOST_CHECK_EQUAL(again.native_handle(), fd);
        } // `again` closes it; the emptied owners do not
        BOOST_CHECK(!fd_is_open(fd));
        // A new fd may take the number now: the emptied `a` must not close it.
        auto ends = mio::posix::make_pipe();
        a = asio::local::stream_protocol::socket(ioc);
        BOOST_CHECK(ends.receiver.is_open() && fd_is_open(ends.receiver.native_handle()));
    }
    BOOST_CHECK_EQUAL(mio_test::count_open_fds(), before);
}

BOOST_AUTO_TEST_CASE(pending_asio_operations_are_aborted_by_the_move)
{
    asio::io_context ioc;
    asio::local::stream_protocol::socket a(ioc), b(ioc);
    asio::local::connect_pair(a, b);
    char buf[4];
    error_code result;
    bool called = false;
    a.async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t) {
        result = ec;
        called = true;
    });
    net::unix_stream s = to_mio(std::move(a));
    ioc.run_for(std::chrono::seconds(2));
    BOOST_CHECK(called);
    BOOST_CHECK(result == asio::error::operation_aborted);
    asio::write(b, asio::buffer("ok", 2));
    BOOST_CHECK_EQUAL(read_available(s), "ok");
}
