//
// test/iocp_selector.cpp: what the Windows backend adds (IOCP + AFD
// polling), built only with it (test/CMakeLists.txt). Runs under Wine in
// CI (tools/test-windows); where Wine differs from Windows the test says so.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)

#define BOOST_TEST_MODULE iocp_selector
#include <boost/test/unit_test.hpp>

#include "net_util.hpp"

#include <set>
#include <thread>
#include <string>
#include <vector>
#include <winsock2.h>

using namespace mio_test;
using namespace std::chrono_literals;

static_assert(mio::current_backend == mio::backend::iocp, "built with the IOCP backend only");

namespace {

// Writes `data` whole (a loopback socket takes a few bytes at once).
void write_all(net::tcp_stream& s, const std::string& data)
{
    const std::size_t n = s.write_some(asio::buffer(data));
    BOOST_REQUIRE_EQUAL(n, data.size());
}

// A connected pair whose server side is registered readable under token 1.
struct server_registered
{
    mio::poll p;
    mio::events evs{16};
    tcp_pair pair = make_tcp_pair();
    server_registered()
    {
        p.registry().register_(pair.server, mio::token(1), mio::interest::readable);
    }
};

} // namespace

// The emulated edge: a reported readable is disarmed until a read reports
// would_block, so more data before that raises no event; after it, new
// data does.
BOOST_FIXTURE_TEST_CASE(rearms_after_would_block_only, server_registered)
{
    write_all(pair.client, "a");
    expect_events(p, evs, {readable(1)});
    write_all(pair.client, "b");
    expect_no_events(p, evs, 200ms);

    BOOST_TEST(read_exactly(p, evs, pair.server, 1, 2) == "ab");
    // read_exactly stopped at would_block: armed again.
    write_all(pair.client, "c");
    expect_events(p, evs, {readable(1)});
    BOOST_TEST(read_available(pair.server) == "c");
}

// A would_block that comes while the completion of the poll that saw the
// data is still queued (not taken by a wait yet) re-arms all the same: the
// queued completion reports the old data (spurious, allowed) and must not
// disarm the source again, or the next data would raise no event.
BOOST_FIXTURE_TEST_CASE(would_block_rearms_while_a_completion_is_queued, server_registered)
{
    write_all(pair.client, "a");
    // Let the AFD poll complete into the port, untaken.
    std::this_thread::sleep_for(200ms);
    BOOST_TEST(read_available(pair.server) == "a"); // ends with would_block
    expect_events(p, evs, {readable(1)});           // the queued one
    write_all(pair.client, "b");
    expect_events(p, evs, {readable(1)});
    BOOST_TEST(read_available(pair.server) == "b");
}

// A partial read (no would_block) leaves the source disarmed: this backend
// cannot treat a short read as a drain (poll::short_read_drains).
BOOST_FIXTURE_TEST_CASE(short_read_does_not_rearm, server_registered)
{
    BOOST_TEST(!mio::poll::short_read_drains);
    write_all(pair.client, "xy");
    expect_events(p, evs, {readable(1)});
    char one = 0;
    BOOST_TEST(pair.server.read_some(asio::buffer(&one, 1)) == 1u);
    write_all(pair.client, "z");
    expect_no_events(p, evs, 200ms);
    // Reregistering re-arms, as a new registration would.
    p.registry().reregister(pair.server, mio::token(2), mio::interest::readable);
    expect_events(p, evs, {readable(2)});
    BOOST_TEST(read_available(pair.server) == "yz");
}

// Deregistering cancels the poll in flight; its late completion is
// discarded, so no event for the old token ever arrives, and registering
// again works with the new token.
BOOST_AUTO_TEST_CASE(deregister_with_poll_in_flight)
{
    mio::poll p;
    mio::events evs(16);
    tcp_pair pair = make_tcp_pair();
    for (int round = 0; round < 20; ++round)
    {
        p.registry().register_(pair.server, mio::token(1), mio::interest::readable);
        p.registry().deregister(pair.server);
    }
    write_all(pair.client, "late");
    expect_no_events(p, evs, 200ms);

    p.registry().register_(pair.server, mio::token(7), mio::interest::readable);
    expect_events(p, evs, {readable(7)});
    for (const auto& e : evs)
        BOOST_TEST(e.token() != mio::token(1));
    BOOST_TEST(read_available(pair.server) == "late");
}

// A registered socket closed behind the library's back (released, then
// closesocket): AFD reports LOCAL_CLOSE, the registration is forgotten
// without an event, and the poll goes on serving the others.
BOOST_AUTO_TEST_CASE(socket_closed_while_registered)
{
    mio::poll p;
    mio::events evs(16);
    tcp_pair a = make_tcp_pair();
    tcp_pair b = make_tcp_pair();
    p.registry().register_(a.server, mio::token(1), mio::interest::readable);
    p.registry().register_(b.server, mio::token(2), mio::interest::readable);

    ::closesocket(a.server.release());
    expect_no_events(p, evs, 200ms);

    write_all(b.client, "still here");
    expect_events(p, evs, {readable(2)});
    for (const auto& e : evs)
        BOOST_TEST(e.token() != mio::token(1));
    BOOST_TEST(read_available(b.server) == "still here");
}

// Sockets share AFD handles, 32 to a handle (mio's poll groups): 70
// registrations open 3 handles, not 70, and every socket still gets its
// own events. Closing the sockets closes the handles.
BOOST_AUTO_TEST_CASE(many_sockets_share_afd_handles)
{
    constexpr std::size_t count = 70;
    mio::poll p;
    mio::events evs(128);
    std::vector<tcp_pair> pairs;
    for (std::size_t i = 0; i < count; ++i)
        pairs.push_back(make_tcp_pair());

    const auto& selector = boost::mio::detail::registry_access::get(p.registry());
    BOOST_TEST(selector.afd_handle_count() == 0u);
    for (std::size_t i = 0; i < count; ++i)
        p.registry().register_(pairs[i].server, mio::token(i), mio::interest::readable);
    BOOST_TEST(selector.afd_handle_count() == 3u); // ceil(70 / 32)

    for (auto& pr : pairs)
        write_all(pr.client, "!");
    std::set<std::size_t> seen;
    const auto deadline = std::chrono::steady_clock::now() + event_timeout;
    while (seen.size() < count && std::chrono::steady_clock::now() < deadline)
    {
        p.wait(evs, 100ms);
        for (const auto& e : evs)
            if (e.is_readable())
                seen.insert(e.token().value());
    }
    BOOST_TEST(seen.size() == count);
    // The cancelled polls complete in later waits, which free their groups
    // but for the one that new sockets join.
    pairs.clear();
    const auto until = std::chrono::steady_clock::now() + event_timeout;
    while (selector.afd_handle_count() > 1 && std::chrono::steady_clock::now() < until)
        p.wait(evs, 50ms);
    BOOST_TEST(selector.afd_handle_count() == 1u);
}

// Wakes coalesce: many wake() calls before a wait are one event, and none
// is left for the next wait.
BOOST_AUTO_TEST_CASE(waker_coalesces)
{
    mio::poll p;
    mio::events evs(16);
    mio::waker w(p.registry(), mio::token(9));
    for (int i = 0; i < 100; ++i)
        w.wake();
    p.wait(evs, 1s);
    int wakes = 0;
    for (const auto& e : evs)
        if (e.token() == mio::token(9))
        {
            ++wakes;
            BOOST_TEST(e.is_readable());
        }
    BOOST_TEST(wakes == 1);
    expect_no_events(p, evs, 100ms);
    w.wake();
    expect_events(p, evs, {readable(9)});
}

// A refused connect is AFD_POLL_CONNECT_FAIL: an error event (also
// readable, writable and both closed, as mio maps it), and take_error()
// says why.
BOOST_AUTO_TEST_CASE(connect_failure_is_an_error_event)
{
    mio::poll p;
    mio::events evs(16);
    refusing_port refusing;
    net::tcp_stream s = net::tcp_stream::connect(refusing.endpoint());
    p.registry().register_(s, mio::token(3), mio::interest::readable | mio::interest::writable);
    expected_event failed{mio::token(3)};
    failed.error = true;
    failed.writable = true;
    failed.write_closed = true;
    // Real Windows retries a refused loopback connect for about two seconds
    // before it fails; Wine fails it at once, as Linux does.
    expect_events(p, evs, {failed}, 10s);
    BOOST_TEST((s.take_error() == asio::error::connection_refused));
}

// The event is the backend's own small struct, with the token and the AFD
// flags (not the completion entry), and the poll's handle is the port.
BOOST_AUTO_TEST_CASE(event_and_handle_types)
{
    static_assert(std::is_same_v<mio::event::native_type, boost::mio::detail::iocp_event>);
    mio::poll p;
    BOOST_TEST(p.native_handle() != nullptr);
}
