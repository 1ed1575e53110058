//
// test/asio_bridge_native_source.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/asio_bridge/native_source.hpp>

#define BOOST_TEST_MODULE asio_bridge_native_source
#include "util.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#if !defined(_WIN32)
#  include <boost/asio/local/connect_pair.hpp>
#  include <boost/asio/local/datagram_protocol.hpp>
#  include <boost/asio/local/stream_protocol.hpp>
#  include <boost/asio/posix/stream_descriptor.hpp>
#  include <sys/socket.h>
#endif

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace mio = boost::mio;
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;
using mio::interest;
using mio::token;
using mio::asio_bridge::as_source;
using mio::asio_bridge::native_source;
using mio_test::readable;
using mio_test::writable;

static_assert(mio::is_event_source_v<native_source<tcp::socket>>);
static_assert(mio::is_event_source_v<native_source<tcp::acceptor>>);
static_assert(mio::is_event_source_v<native_source<udp::socket>>);
#if !defined(_WIN32)
static_assert(mio::is_event_source_v<native_source<asio::local::stream_protocol::socket>>);
static_assert(mio::is_event_source_v<native_source<asio::posix::stream_descriptor>>);
#endif
static_assert(std::is_trivially_copyable_v<native_source<tcp::socket>>);
static_assert(noexcept(as_source(std::declval<tcp::socket&>())));
static_assert(std::is_same_v<decltype(as_source(std::declval<tcp::socket&>())),
    native_source<tcp::socket>>);

namespace {

const tcp::endpoint loopback(asio::ip::make_address_v4("127.0.0.1"), 0);

struct tcp_pair
{
    explicit tcp_pair(asio::io_context& ioc) : acceptor(ioc, loopback), client(ioc), server(ioc)
    {
        client.connect(acceptor.local_endpoint());
        acceptor.accept(server);
    }
    tcp::acceptor acceptor;
    tcp::socket client;
    tcp::socket server;
};

#if defined(_WIN32)
constexpr int shut_both = SD_BOTH;
#else
constexpr int shut_both = SHUT_RDWR;
#endif

// A connected pair whose server socket is registered for reading as token 1.
struct registered_server
{
    registered_server()
    {
        poll.registry().register_(as_source(p.server), token(1), interest::readable);
    }
    asio::io_context ioc;
    tcp_pair p{ioc};
    mio::poll poll;
    mio::events evs{8};
};

// Whether the object's handle is in non-blocking mode. Windows cannot be
// asked (FIONBIO only sets it): there, Asio's record of what it set is
// what is checked.
template <class AsioObject>
bool handle_is_nonblocking(AsioObject& object)
{
#if defined(_WIN32)
    return object.native_non_blocking();
#else
    return mio_test::is_nonblocking(object.native_handle());
#endif
}

} // namespace

BOOST_AUTO_TEST_CASE(tcp_socket_events_arrive_and_only_the_fd_is_non_blocking)
{
    asio::io_context ioc;
    tcp_pair p(ioc);
    BOOST_REQUIRE(!p.server.non_blocking());
    mio::poll poll;
    mio::events evs(8);
    auto src = as_source(p.server);
    BOOST_CHECK(&src.object() == &p.server);
    BOOST_CHECK_EQUAL(src.native_handle(), p.server.native_handle());
    poll.registry().register_(src, token(3), interest::readable | interest::writable);
    BOOST_CHECK(p.server.native_non_blocking());
    BOOST_CHECK(handle_is_nonblocking(p.server));
    BOOST_CHECK(!p.server.non_blocking()); // the user's mode is the user's
    mio_test::expect_events(poll, evs, {writable(3)});

    asio::write(p.client, asio::buffer("hello", 5));
    mio_test::expect_events(poll, evs, {readable(3)});
    // Mio style: read until would_block with the socket's own read_some,
    // which the user opts into.
    p.server.non_blocking(true);
    char buf[16];
    error_code ec;
    BOOST_CHECK_EQUAL(p.server.read_some(asio::buffer(buf), ec), 5u);
    p.server.read_some(asio::buffer(buf), ec);
    BOOST_CHECK(mio_test::is_would_block(ec));

    p.client.close();
    mio::events closed(8);
    mio_test::expected_event e{token(3)};
    e.read_closed = true;
    mio_test::expect_events(poll, closed, {e});
}

// The library never sees an Asio object's I/O, so where edges are emulated
// (poll(2), Windows' AFD polls) nothing could re-arm one: the registration
// is level-triggered there, and readiness that lasts is reported at every
// wait. Where the kernel has the edge (epoll) it is reported once.
BOOST_FIXTURE_TEST_CASE(lasting_readiness_is_reported_again_only_where_edges_are_emulated,
    registered_server)
{
    asio::write(p.client, asio::buffer("x", 1));
    mio_test::expect_events(poll, evs, {readable(1)});
#if defined(BOOST_MIO_BACKEND_POLL) || defined(BOOST_MIO_BACKEND_IOCP)
    for (int i = 0; i < 3; ++i)
        mio_test::expect_events(poll, evs, {readable(1)}); // nothing was read
#elif defined(BOOST_MIO_BACKEND_EPOLL)
    mio_test::expect_no_events(poll, evs);
#endif
    char c = 0;
    BOOST_CHECK_EQUAL(p.server.read_some(asio::buffer(&c, 1)), 1u);
    // One wait takes what was reported before the read (an AFD poll that
    // completed in the meantime); then there is nothing to report.
    error_code ec;
    poll.wait(evs, std::chrono::milliseconds(50), ec);
    BOOST_REQUIRE(!ec);
    mio_test::expect_no_events(poll, evs);
}

BOOST_AUTO_TEST_CASE(acceptor_reports_incoming_connections)
{
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, loopback);
    mio::poll poll;
    mio::events evs(8);
    auto src = as_source(acceptor);
    poll.registry().register_(src, token(1), interest::readable);
    mio_test::expect_no_events(poll, evs);

    tcp::socket c1(ioc), c2(ioc);
    c1.connect(acceptor.local_endpoint());
    c2.connect(acceptor.local_endpoint());
    mio_test::expect_events(poll, evs, {readable(1)});
    acceptor.non_blocking(true); // accept until would_block, mio style
    int accepted = 0;
    for (;;)
    {
        error_code ec;
        tcp::socket s = acceptor.accept(ec);
        if (mio_test::is_would_block(ec))
            break;
        BOOST_REQUIRE(!ec);
        ++accepted;
    }
    BOOST_CHECK_EQUAL(accepted, 2);
}

// UDP everywhere; pipes and Unix-domain sockets on POSIX only.
BOOST_AUTO_TEST_CASE(stream_descriptor_udp_and_unix_sockets_are_sources)
{
    asio::io_context ioc;
    mio::poll poll;
    mio::events evs(8);
    std::vector<mio_test::expected_event> expected;

    udp::socket u1(ioc, udp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
    udp::socket u2(ioc, udp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
    poll.registry().register_(as_source(u1), token(2), interest::readable);
    expected.push_back(readable(2));

#if !defined(_WIN32)
    auto ends = mio::posix::make_pipe();
    asio::posix::stream_descriptor rd(ioc, ends.receiver.release());
    poll.registry().register_(as_source(rd), token(1), interest::readable);
    expected.push_back(readable(1));

    asio::local::datagram_protocol::socket d1(ioc), d2(ioc);
    asio::local::connect_pair(d1, d2);
    poll.registry().register_(as_source(d1), token(3), interest::readable);
    expected.push_back(readable(3));

    asio::local::stream_protocol::socket s1(ioc), s2(ioc);
    asio::local::connect_pair(s1, s2);
    poll.registry().register_(as_source(s1), token(4), interest::readable);
    expected.push_back(readable(4));
#endif

    mio_test::expect_no_events(poll, evs);
    u2.send_to(asio::buffer("b", 1), u1.local_endpoint());
#if !defined(_WIN32)
    ends.sender.write_some(asio::buffer("a", 1));
    d2.send(asio::buffer("c", 1));
    asio::write(s2, asio::buffer("d", 1));
#endif
    mio_test::expect_events(poll, evs, expected);
    BOOST_CHECK(handle_is_nonblocking(u1));
#if !defined(_WIN32)
    BOOST_CHECK(handle_is_nonblocking(rd));
#endif
}

BOOST_AUTO_TEST_CASE(reregister_and_deregister)
{
    asio::io_context ioc;
    tcp_pair p(ioc);
    mio::poll poll;
    mio::events evs(8);
    auto src = as_source(p.server);
    poll.registry().register_(src, token(1), interest::writable);
    mio_test::expect_events(poll, evs, {writable(1)});
    poll.registry().reregister(src, token(2), interest::readable);
    asio::write(p.client, asio::buffer("x", 1));
    mio_test::expect_events(poll, evs, {readable(2)});
    poll.registry().deregister(src);
    asio::write(p.client, asio::buffer("y", 1));
    mio_test::expect_no_events(poll, evs);
    // Registered twice is an error, as for any source.
    poll.registry().register_(src, token(5), interest::readable);
    error_code ec;
    poll.registry().register_(src, token(6), interest::readable, ec);
    BOOST_CHECK(ec == boost::system::errc::file_exists);
}

BOOST_AUTO_TEST_CASE(closed_object_reports_bad_descriptor)
{
    asio::io_context ioc;
    tcp::socket closed(ioc);
    mio::poll poll;
    error_code ec;
    poll.registry().register_(as_source(closed), token(1), interest::readable, ec);
    BOOST_CHECK(ec == asio::error::bad_descriptor);
    BOOST_CHECK_THROW(poll.registry().register_(as_source(closed), token(1), interest::readable),
        boost::system::system_error);
}

BOOST_AUTO_TEST_CASE(failed_registration_restores_blocking_mode)
{
    asio::io_context ioc;
    tcp_pair p(ioc);
    mio::poll poll;
    mio::poll moved(std::move(poll)); // `poll` is closed: registering fails
    error_code ec;
    poll.registry().register_(as_source(p.server), token(1), interest::readable, ec);
    BOOST_CHECK(ec);
    BOOST_CHECK(!p.server.non_blocking());
    BOOST_CHECK(!handle_is_nonblocking(p.server));
}

// Registering must not turn the user's own synchronous Asio calls into
// would_block errors: a blocking read still waits for data that another
// thread writes later. (The writer always writes, and shuts the socket down
// if the read has not returned in time, so the test cannot hang.)
BOOST_AUTO_TEST_CASE(synchronous_asio_read_still_blocks_after_registering)
{
    asio::io_context ioc;
    tcp_pair p(ioc);
    mio::poll poll;
    poll.registry().register_(as_source(p.server), token(1), interest::readable);
    BOOST_REQUIRE(handle_is_nonblocking(p.server));

    std::atomic<bool> read_returned{false};
    std::thread writer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        error_code ignored;
        asio::write(p.client, asio::buffer("late", 4), ignored);
        const auto deadline = std::chrono::steady_clock::now() + mio_test::event_timeout;
        while (!read_returned && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (!read_returned)
            ::shutdown(p.server.native_handle(), shut_both);
    });
    char buf[4];
    error_code ec;
    const std::size_t n = asio::read(p.server, asio::buffer(buf), ec);
    read_returned = true;
    writer.join();
    BOOST_CHECK(!ec);
    BOOST_CHECK_EQUAL(n, 4u);
    BOOST_CHECK_EQUAL(std::string(buf, n), "late");
}

BOOST_FIXTURE_TEST_CASE(asio_operations_still_work_on_a_registered_object, registered_server)
{
    asio::write(p.client, asio::buffer("abc", 3));
    mio_test::expect_events(poll, evs, {readable(1)});
    char buf[3];
    std::size_t got = 0;
    asio::async_read(p.server, asio::buffer(buf), [&](error_code ec, std::size_t n) {
        BOOST_CHECK(!ec);
        got = n;
    });
    ioc.run_for(std::chrono::seconds(3));
    BOOST_CHECK_EQUAL(got, 3u);
    BOOST_CHECK_EQUAL(std::string(buf, 3), "abc");
}
