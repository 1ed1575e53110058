//
// test/net_close_on_drop.cpp: mio's tests/close_on_drop.rs and the network
// cases of tests/regressions.rs; every socket type closes its descriptor
// when destroyed (and only then, and not after release()).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio.hpp>

#define BOOST_TEST_MODULE net_close_on_drop
#include "util.hpp"
#include "net_util.hpp"

#include <thread>

using namespace mio_test;
using mio::interest;
using mio::token;

BOOST_AUTO_TEST_CASE(close_on_drop)
{
    // The client connects, sees the accepted side dropped by the server,
    // and reads end of stream: mio's close_on_drop event loop.
    constexpr token server_token(0), client_token(1);
    mio::poll p;
    mio::events evs(16);
    auto srv = net::tcp_listener::bind(local_v4());
    p.registry().register_(srv, server_token, interest::readable);
    auto cli = net::tcp_stream::connect(srv.local_endpoint());
    p.registry().register_(cli, client_token, interest::writable);

    bool connected = false, accepted = false, eof = false;
    const auto deadline = std::chrono::steady_clock::now() + event_timeout;
    while (!eof && std::chrono::steady_clock::now() < deadline)
    {
        p.wait(evs, std::chrono::milliseconds(100));
        for (const auto& e : evs)
        {
            if (e.token() == server_token && e.is_readable())
            {
                auto dropped = srv.accept().first; // closed at once
                accepted = true;
            }
            else if (e.token() == client_token && e.is_writable() && !connected)
            {
                connected = true;
                p.registry().reregister(cli, client_token, interest::readable);
            }
            else if (e.token() == client_token && e.is_readable())
            {
                char buf[1024];
                boost::system::error_code ec;
                const std::size_t n = cli.read_some(asio::buffer(buf), ec);
                BOOST_REQUIRE_MESSAGE(ec == asio::error::eof, "read " << n << " bytes, " << ec.message());
                eof = true;
            }
        }
    }
    BOOST_TEST(connected);
    BOOST_TEST(accepted);
    BOOST_TEST(eof);
}

namespace {

template <class Make>
void destroying_closes_the_descriptor(Make make)
{
    // Wine's handle count is a stub (always 0): the counts are checked
    // where they are real, the rest everywhere.
    const bool counts = handle_counts_work();
    const int before = count_open_fds();
    {
        auto s = make();
        BOOST_TEST(s.is_open());
        if (counts)
            BOOST_TEST(count_open_fds() == before + 1);
        auto moved = std::move(s);
        BOOST_TEST(!s.is_open());
        BOOST_TEST(moved.is_open());
        if (counts)
            BOOST_TEST(count_open_fds() == before + 1); // moving opens nothing
    }
    if (counts)
        BOOST_TEST(count_open_fds() == before);

    decltype(make().release()) fd;
    {
        auto s = make();
        fd = s.release();
        BOOST_TEST(!s.is_open());
    }
    if (counts)
        BOOST_TEST(count_open_fds() == before + 1); // released: not closed
    // Still open after the object's destruction: it can be queried (a closed
    // handle would say bad descriptor) and closed once here.
    auto adopted = decltype(make())::from_native(fd);
    boost::system::error_code ec;
    adopted.local_endpoint(ec);
    BOOST_TEST(!ec, ec.message());
}

} // namespace

BOOST_AUTO_TEST_CASE(every_socket_type_closes_on_destruction)
{
    destroying_closes_the_descriptor([] { return net::tcp_listener::bind(local_v4()); });
    destroying_closes_the_descriptor([] { return net::udp_socket::bind(udp_local_v4()); });
    auto l = net::tcp_listener::bind(local_v4());
    destroying_closes_the_descriptor([&] { return net::tcp_stream::connect(l.local_endpoint()); });
#if !defined(_WIN32) // Unix-domain sockets are POSIX only
    temp_dir dir;
    destroying_closes_the_descriptor([] { return net::unix_datagram::unbound(); });
    int n = 0;
    destroying_closes_the_descriptor(
        [&] { return net::unix_listener::bind(dir.file("l" + std::to_string(n++))); });
    destroying_closes_the_descriptor(
        [&] { return net::unix_datagram::bind(dir.file("d" + std::to_string(n++))); });
    auto u = net::unix_listener::bind(dir.file("u"));
    destroying_closes_the_descriptor([&] { return net::unix_stream::connect(dir.file("u")); });
#endif
}

BOOST_AUTO_TEST_CASE(deregistered_listener_gives_only_the_waker_event)
{
    // mio's regression issue_1205.
    constexpr token listener_token(1), wake_token(10);
    mio::poll p;
    mio::events evs(8);
    mio::waker w(p.registry(), wake_token);
    auto l = net::tcp_listener::bind(local_v4());
    p.registry().register_(l, listener_token, interest::readable);
    p.wait(evs, std::chrono::milliseconds(0));
    BOOST_TEST(evs.empty());
    auto s = net::tcp_stream::connect(l.local_endpoint());
    p.registry().deregister(l);
    std::thread waker_thread([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        w.wake();
    });
    p.wait(evs, event_timeout);
    waker_thread.join();
    BOOST_TEST(evs.size() == 1u);
    BOOST_TEST((evs.begin()->token() == wake_token));
    BOOST_TEST(evs.begin()->is_readable());
}

BOOST_AUTO_TEST_CASE(closing_registered_sockets_of_every_type_gives_no_events)
{
    mio::poll p;
    mio::events evs(16);
    auto l = net::tcp_listener::bind(local_v4());
    auto c = net::tcp_stream::connect(l.local_endpoint());
    auto u = net::udp_socket::bind(udp_local_v4());
    p.registry().register_(l, token(1), interest::readable);
    p.registry().register_(c, token(2), interest::readable | interest::writable);
    p.registry().register_(u, token(3), interest::readable | interest::writable);
#if !defined(_WIN32) // Unix-domain sockets are POSIX only
    temp_dir dir;
    auto ul = net::unix_listener::bind(dir.file("l"));
    auto [s1, s2] = net::unix_stream::pair();
    auto [d1, d2] = net::unix_datagram::pair();
    p.registry().register_(ul, token(4), interest::readable);
    p.registry().register_(s1, token(5), interest::readable | interest::writable);
    p.registry().register_(d1, token(6), interest::readable | interest::writable);
#endif
    const udp::endpoint uaddr = u.local_endpoint();
    l.close();
    c.close();
    u.close();
    // Activity that would have produced events for each of them.
    auto stranger = net::udp_socket::bind(udp_local_v4());
    stranger.send_to(asio::buffer("x", 1), uaddr);
    boost::system::error_code ec;
#if !defined(_WIN32)
    ul.close();
    s1.close();
    d1.close();
    net::unix_stream::connect(dir.file("l"), ec);
    s2.write_some(asio::buffer("x", 1), ec);
    d2.send(asio::buffer("x", 1), ec);
#endif
    expect_no_events(p, evs, std::chrono::milliseconds(100));
}
