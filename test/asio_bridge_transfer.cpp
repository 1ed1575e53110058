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
//
// On Windows, Asio gives a socket up only where the OS can take it off
// Asio's completion port (FileReplaceCompletionInformation, Windows 8.1
// and later); Wine 8.0 does not implement it. There to_mio must fail with
// operation_not_supported and leave the Asio object, and its queued bytes,
// as they were: each to_mio below checks one or the other (to_mio_or_refused).

// The header is self-contained: it comes first.
#include <boost/mio/asio_bridge/transfer.hpp>

#define BOOST_TEST_MODULE asio_bridge_transfer
#include "util.hpp"
#include "asio_bridge_util.hpp"

#include "net_util.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#if !defined(_WIN32)
#  include <boost/asio/local/connect_pair.hpp>
#  include <boost/asio/local/datagram_protocol.hpp>
#  include <boost/asio/local/stream_protocol.hpp>
#  include <boost/asio/posix/stream_descriptor.hpp>
#endif

#include <optional>
#include <string>
#include <thread>
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
using bridge_test::asio_stream_socket;

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
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return out;
}

// The OS handle of an Asio object or mio socket (Asio's native_handle() on
// Windows is a class that converts to the SOCKET).
template <class Object>
net::tcp_stream::native_handle_type handle_of(Object& object)
{
    return object.native_handle();
}

// Whether Asio can give a socket up here: everywhere but Windows before
// 8.1 and Wine 8.0, whose ntdll answers FileReplaceCompletionInformation
// with STATUS_NOT_IMPLEMENTED (Asio's release() needs it to take the
// socket off its completion port).
bool asio_releases_sockets()
{
    return !mio_test::running_under_wine();
}

// to_mio(std::move(object)), or, where Asio cannot release a socket, a
// check that to_mio failed with operation_not_supported and left the
// object with its handle in its mode; then nullopt.
template <class AsioObject>
auto to_mio_or_refused(AsioObject& object)
    -> std::optional<decltype(to_mio(std::move(object)))>
{
    const auto handle = handle_of(object);
    const bool was_non_blocking = object.native_non_blocking();
    error_code ec;
    auto s = to_mio(std::move(object), ec);
    if (asio_releases_sockets())
    {
        BOOST_REQUIRE_MESSAGE(!ec, "to_mio failed: " << ec.message());
        return s;
    }
    BOOST_CHECK_MESSAGE(ec == asio::error::operation_not_supported, "to_mio: " << ec.message());
    BOOST_CHECK(!s.is_open());
    BOOST_CHECK(object.is_open());
    BOOST_CHECK(handle_of(object) == handle);
    BOOST_CHECK_EQUAL(object.native_non_blocking(), was_non_blocking);
    return std::nullopt;
}

// True while `h` is an open handle of this process.
template <class Handle>
bool handle_is_open(Handle h)
{
#if defined(_WIN32)
    return fd_is_open(reinterpret_cast<void*>(h));
#else
    return fd_is_open(h);
#endif
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
#if !defined(_WIN32)
static_assert(std::is_same_v<decltype(to_mio(std::declval<asio::local::stream_protocol::socket>())),
    net::unix_stream>);
static_assert(std::is_same_v<decltype(to_mio(std::declval<asio::local::stream_protocol::acceptor>())),
    net::unix_listener>);
static_assert(std::is_same_v<decltype(to_mio(std::declval<asio::local::datagram_protocol::socket>())),
    net::unix_datagram>);
#endif
static_assert(std::is_same_v<decltype(to_mio(std::declval<
                  asio::basic_stream_socket<tcp, asio::io_context::executor_type>>())),
    net::tcp_stream>);
static_assert(std::is_same_v<decltype(to_asio(std::declval<net::tcp_stream>(),
                                 std::declval<asio::io_context::executor_type>())),
    asio::basic_stream_socket<tcp, asio::io_context::executor_type>>);
#if !defined(_WIN32)
static_assert(std::is_same_v<decltype(to_asio(std::declval<net::unix_datagram>(),
                                 std::declval<asio::any_io_executor>())),
    asio::local::datagram_protocol::socket>);
#endif

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
#if !defined(_WIN32)
static_assert(!can_to_mio<asio::posix::stream_descriptor>::value);
static_assert(!can_to_asio<mio::posix::receiver>::value);
#endif
static_assert(can_to_asio<net::tcp_stream>::value);
static_assert(!can_to_asio<net::tcp_stream&>::value);

BOOST_AUTO_TEST_CASE(tcp_stream_both_ways_keeps_queued_bytes)
{
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, loopback4);
    tcp::socket client(ioc), server(ioc);
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
    const auto fd = handle_of(server);

    asio::write(client, asio::buffer("queued", 6)); // before the move
    auto moved = to_mio_or_refused(server);
    if (!moved)
    {
        // Refused: not a byte lost, the Asio owner reads them.
        char kept[6];
        asio::read(server, asio::buffer(kept));
        BOOST_CHECK_EQUAL(std::string(kept, 6), "queued");
        return;
    }
    net::tcp_stream stream = std::move(*moved);
    BOOST_CHECK(!server.is_open());
    BOOST_CHECK_EQUAL(handle_of(stream), fd);
#if !defined(_WIN32) // Windows cannot be asked for a socket's FIONBIO mode
    BOOST_CHECK(mio_test::is_nonblocking(fd));
#endif
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
    BOOST_CHECK_EQUAL(handle_of(back), fd);
    BOOST_CHECK(back.remote_endpoint() == client.local_endpoint());
    char got[6];
    asio::read(back, asio::buffer(got)); // "x" was left unread, then "again"
    BOOST_CHECK_EQUAL(std::string(got, 6), "xagain");
    back.close();
    BOOST_CHECK(!handle_is_open(fd));
}

// mio -> Asio on its own, which works wherever to_mio may not: a stream
// made by mio, with bytes queued before the move, read through Asio.
BOOST_AUTO_TEST_CASE(tcp_stream_made_by_mio_to_asio_keeps_queued_bytes)
{
    asio::io_context ioc;
    mio_test::tcp_pair p = mio_test::make_tcp_pair();
    const auto fd = handle_of(p.server);
    BOOST_REQUIRE_EQUAL(p.client.write_some(asio::buffer("queued", 6)), 6u);
    auto s = to_asio(std::move(p.server), ioc.get_executor());
    BOOST_CHECK(!p.server.is_open());
    BOOST_CHECK_EQUAL(handle_of(s), fd);
    char got[6];
    asio::read(s, asio::buffer(got));
    BOOST_CHECK_EQUAL(std::string(got, 6), "queued");
    // Asio's own asynchronous operations work on the handle it took.
    char more[4];
    std::size_t n = 0;
    asio::async_read(s, asio::buffer(more), [&](error_code ec, std::size_t k) {
        BOOST_CHECK(!ec);
        n = k;
    });
    BOOST_REQUIRE_EQUAL(p.client.write_some(asio::buffer("more", 4)), 4u);
    bridge_test::run_until(ioc, [&] { return n == 4; });
    BOOST_CHECK_EQUAL(std::string(more, 4), "more");
}

// The same for a listener with a connection pending, and a UDP socket with
// a datagram queued.
BOOST_AUTO_TEST_CASE(listener_and_udp_made_by_mio_to_asio_keep_what_is_queued)
{
    asio::io_context ioc;
    auto l = net::tcp_listener::bind(mio_test::local_v4());
    tcp::socket c(ioc);
    c.connect(l.local_endpoint());
    auto acceptor = to_asio(std::move(l), ioc.get_executor());
    BOOST_CHECK(!l.is_open());
    tcp::socket accepted = acceptor.accept();
    BOOST_CHECK(accepted.remote_endpoint() == c.local_endpoint());

    auto u = net::udp_socket::bind(mio_test::udp_local_v4());
    udp::socket sender(ioc, udp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
    sender.send_to(asio::buffer("dgram", 5), u.local_endpoint());
    auto back = to_asio(std::move(u), ioc.get_executor());
    char buf[8];
    udp::endpoint from;
    const std::size_t n = back.receive_from(asio::buffer(buf), from);
    BOOST_CHECK_EQUAL(std::string(buf, n), "dgram");
    BOOST_CHECK(from == sender.local_endpoint());
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
    auto stream = to_mio_or_refused(server);
    if (!stream)
        return;
    auto back = to_asio(std::move(*stream), ioc.get_executor());
    BOOST_CHECK(back.local_endpoint().protocol() == tcp::v6());
    BOOST_CHECK(back.local_endpoint() == client.remote_endpoint());
}

BOOST_AUTO_TEST_CASE(tcp_listener_both_ways_keeps_pending_connections)
{
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, loopback4);
    const auto ep = acceptor.local_endpoint();
    const auto fd = handle_of(acceptor);
    tcp::socket c1(ioc);
    c1.connect(ep); // pending in the backlog before the move

    auto moved = to_mio_or_refused(acceptor);
    if (!moved)
    {
        // Refused: the connection is still there for the Asio owner.
        tcp::socket s1 = acceptor.accept();
        BOOST_CHECK(s1.remote_endpoint() == c1.local_endpoint());
        return;
    }
    net::tcp_listener listener = std::move(*moved);
    BOOST_CHECK(!acceptor.is_open());
    BOOST_CHECK_EQUAL(handle_of(listener), fd);
    expect_readable_event(listener);
    auto [s1, peer] = listener.accept();
    BOOST_CHECK(peer == c1.local_endpoint());

    tcp::socket c2(ioc);
    c2.connect(ep);
    auto back = to_asio(std::move(listener), ioc.get_executor());
    BOOST_CHECK(!listener.is_open());
    BOOST_CHECK_EQUAL(handle_of(back), fd);
    tcp::socket s2 = back.accept();
    BOOST_CHECK(s2.remote_endpoint() == c2.local_endpoint());
}

BOOST_AUTO_TEST_CASE(udp_socket_both_ways_keeps_queued_datagrams)
{
    asio::io_context ioc;
    udp::socket receiver(ioc, udp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
    udp::socket sender(ioc, udp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
    const auto fd = handle_of(receiver);
    sender.send_to(asio::buffer("one", 3), receiver.local_endpoint());
    sender.send_to(asio::buffer("two", 3), receiver.local_endpoint());

    char buf[8];
    auto moved = to_mio_or_refused(receiver);
    if (!moved)
    {
        // Refused: both datagrams are still there for the Asio owner.
        udp::endpoint from;
        BOOST_CHECK_EQUAL(std::string(buf, receiver.receive_from(asio::buffer(buf), from)), "one");
        BOOST_CHECK_EQUAL(std::string(buf, receiver.receive_from(asio::buffer(buf), from)), "two");
        return;
    }
    net::udp_socket s = std::move(*moved);
    BOOST_CHECK_EQUAL(handle_of(s), fd);
    auto [n, from] = s.receive_from(asio::buffer(buf));
    BOOST_CHECK_EQUAL(std::string(buf, n), "one");
    BOOST_CHECK(from == sender.local_endpoint());

    auto back = to_asio(std::move(s), asio::make_strand(ioc));
    BOOST_CHECK_EQUAL(handle_of(back), fd);
    udp::endpoint from2;
    const std::size_t m = back.receive_from(asio::buffer(buf), from2);
    BOOST_CHECK_EQUAL(std::string(buf, m), "two");
}

#if !defined(_WIN32) // Unix-domain sockets are POSIX only
BOOST_AUTO_TEST_CASE(unix_stream_both_ways_keeps_queued_bytes)
{
    asio::io_context ioc;
    asio::local::stream_protocol::socket a(ioc), b(ioc);
    asio::local::connect_pair(a, b);
    const int fd = handle_of(a);
    asio::write(b, asio::buffer("queued", 6));
    net::unix_stream s = to_mio(std::move(a));
    BOOST_CHECK_EQUAL(handle_of(s), fd);
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
    const int fd = handle_of(acceptor);
    asio::local::stream_protocol::socket c1(ioc), c2(ioc);
    c1.connect(ep);
    net::unix_listener l = to_mio(std::move(acceptor));
    BOOST_CHECK_EQUAL(handle_of(l), fd);
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
    const int fd = handle_of(a);
    b.send(asio::buffer("one", 3));
    b.send(asio::buffer("two", 3));
    net::unix_datagram d = to_mio(std::move(a));
    BOOST_CHECK_EQUAL(handle_of(d), fd);
    char buf[8];
    BOOST_CHECK_EQUAL(std::string(buf, d.receive(asio::buffer(buf))), "one");
    auto back = to_asio(std::move(d), ioc.get_executor());
    BOOST_CHECK_EQUAL(std::string(buf, back.receive(asio::buffer(buf))), "two");
}

#endif

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
#if !defined(_WIN32)
    BOOST_CHECK_THROW(to_asio(net::unix_stream(), ioc.get_executor()), boost::system::system_error);
#endif
    BOOST_CHECK_THROW(to_asio(net::tcp_stream(), ioc.get_executor()), boost::system::system_error);
}

BOOST_AUTO_TEST_CASE(failed_to_asio_leaves_the_handle_with_mio)
{
    // Asio's reactor refuses a handle it already watches (EEXIST; on
    // Windows, a socket already on a completion port): make a mio stream
    // that shares an Asio socket's handle.
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, loopback4);
    tcp::socket client(ioc), server(ioc);
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
    net::tcp_stream alias = net::tcp_stream::from_native(handle_of(server));
    error_code ec;
    auto out = to_asio(std::move(alias), ioc.get_executor(), ec);
    BOOST_CHECK(ec);
    BOOST_CHECK(!out.is_open());
    BOOST_CHECK(out.get_executor() == asio::any_io_executor(ioc.get_executor()));
    BOOST_CHECK_EQUAL(handle_of(alias), handle_of(server));
    BOOST_CHECK_THROW(to_asio(std::move(alias), ioc.get_executor()), boost::system::system_error);
    BOOST_CHECK(alias.is_open());
    (void)alias.release(); // `server` owns the fd: close it once
}

BOOST_AUTO_TEST_CASE(each_handle_is_closed_exactly_once)
{
    asio::io_context ioc;
    {
        // Asio opens its reactor's handles on first use: not part of the count.
        asio_stream_socket warm_up(ioc), peer(ioc);
        bridge_test::connect_asio_pair(warm_up, peer);
    }
    const int before = mio_test::count_open_fds();
    {
        asio_stream_socket a(ioc), b(ioc);
        bridge_test::connect_asio_pair(a, b);
        const auto fd = handle_of(a);
        {
            auto s = to_mio_or_refused(a);
            if (!s)
                return;
            auto back = to_asio(std::move(*s), ioc.get_executor());
            auto again = to_mio(std::move(back));
            BOOST_CHECK_EQUAL(handle_of(again), fd);
        } // `again` closes it; the emptied owners do not
        BOOST_CHECK(!handle_is_open(fd));
        // A new handle may take the number now: the emptied `a` must not close it.
        auto ends = mio_test::make_byte_channel();
        a = asio_stream_socket(ioc);
        BOOST_CHECK(ends.receiver.is_open() && handle_is_open(handle_of(ends.receiver)));
    }
    BOOST_CHECK_EQUAL(mio_test::count_open_fds(), before);
}

BOOST_AUTO_TEST_CASE(pending_asio_operations_are_aborted_by_the_move)
{
    asio::io_context ioc;
    asio_stream_socket a(ioc), b(ioc);
    bridge_test::connect_asio_pair(a, b);
    char buf[4];
    error_code result;
    bool called = false;
    a.async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t) {
        result = ec;
        called = true;
    });
    auto s = to_mio_or_refused(a);
    ioc.run_for(std::chrono::seconds(2));
    // Also where to_mio is refused: Asio's release() cancels the object's
    // operations before it asks the OS to take the socket back.
    BOOST_CHECK(called);
    BOOST_CHECK(result == asio::error::operation_aborted);
    asio::write(b, asio::buffer("ok", 2));
    if (!s)
    {
        char got[2];
        asio::read(a, asio::buffer(got));
        BOOST_CHECK_EQUAL(std::string(got, 2), "ok");
        return;
    }
    BOOST_CHECK_EQUAL(read_available(*s), "ok");
}
