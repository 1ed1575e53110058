//
// doc/snippets/tutorial.cpp: the code of doc/tutorial.adoc, run.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Each test case runs one section of the tutorial; the regions between
// "tag::" and "end::" lines are what the tutorial shows. Every wait is
// bounded, so a broken snippet fails instead of hanging.

#define BOOST_TEST_MODULE snippets_tutorial
#include <boost/test/unit_test.hpp>

#include <boost/mio.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <sys/timerfd.h>
#include <unistd.h>

namespace mio = boost::mio;
namespace net = boost::mio::net;
using namespace std::chrono_literals;

namespace {

std::string handled;
void handle(const char* data, std::size_t n) { handled.append(data, n); }

} // namespace

BOOST_AUTO_TEST_CASE(a_poll_a_source_a_token_and_draining)
{
    handled.clear();
    // tag::setup[]
    mio::poll poll;                // opens the selector (epoll fd, O_CLOEXEC)
    mio::events events(64);        // a buffer for up to 64 events per wait

    auto [tx, rx] = mio::posix::make_pipe();
    poll.registry().register_(rx, mio::token(7), mio::interest::readable);
    // end::setup[]

    tx.write_some(boost::asio::buffer("ping", 4));

    // tag::waiting[]
    poll.wait(events, std::nullopt);                      // until something is ready
    poll.wait(events, std::chrono::milliseconds(10));     // or 10 ms at most
    poll.wait(events, std::chrono::microseconds(250));    // sub-millisecond works
    poll.wait(events, std::chrono::nanoseconds(0));       // just look
    // end::waiting[]
    // The pipe was ready before the first wait, which reported it; nothing
    // more is reported until a read says would_block (the portable rule:
    // on poll(2) a new write alone raises no new event). So empty it, then
    // write again for the drain below.
    for (boost::system::error_code ec; !ec;) {
        char sink[16];
        rx.read_some(boost::asio::buffer(sink), ec);
    }
    tx.write_some(boost::asio::buffer("pong", 4));
    poll.wait(events, 3s);
    BOOST_TEST_REQUIRE(events.size() == 1u);

    // tag::drain[]
    for (const mio::event& e : events) {
        if (e.token() != mio::token(7)) continue;
        for (;;) {
            char buf[4096];
            boost::system::error_code ec;
            std::size_t n = rx.read_some(boost::asio::buffer(buf), ec);
            if (ec == boost::asio::error::would_block) break;   // drained: wait again
            if (ec == boost::asio::error::eof) { /* peer closed */ break; }
            if (ec) { /* a real error */ break; }
            handle(buf, n);
        }
    }
    // end::drain[]
    BOOST_TEST(handled == "pong");
}

BOOST_AUTO_TEST_CASE(a_short_read_may_end_the_drain_where_the_backend_says_so)
{
    handled.clear();
    mio::poll poll;
    mio::events events(8);
    auto [tx, rx] = mio::posix::make_pipe();
    poll.registry().register_(rx, mio::token(7), mio::interest::readable);
    tx.write_some(boost::asio::buffer("short", 5));
    poll.wait(events, 3s);
    BOOST_TEST_REQUIRE(events.size() == 1u);
    const mio::event& e = *events.begin();
    char buf[4096];
    boost::system::error_code ec;

    // tag::short_read[]
    const bool may_stop_short = mio::poll::short_read_drains
        && !e.is_read_closed() && !e.is_error();
    for (;;) {
        std::size_t n = rx.read_some(boost::asio::buffer(buf), ec);
        if (ec == boost::asio::error::would_block) break;
        if (ec) { /* eof or a real error */ break; }
        handle(buf, n);
        if (may_stop_short && n < sizeof buf) break;   // drained: wait again
    }
    // end::short_read[]
    BOOST_TEST(handled == "short");
    // Either way the next arrival is reported.
    tx.write_some(boost::asio::buffer("x", 1));
    poll.wait(events, 3s);
    BOOST_TEST(events.size() == 1u);
}

BOOST_AUTO_TEST_CASE(reregister_changes_token_and_interest_then_deregister)
{
    mio::poll poll;
    auto [tx, rx] = mio::posix::make_pipe();
    poll.registry().register_(rx, mio::token(7), mio::interest::readable);
    // tag::reregister[]
    poll.registry().reregister(rx, mio::token(8), mio::interest::readable);
    poll.registry().deregister(rx);
    // end::reregister[]
    boost::system::error_code ec;
    poll.registry().deregister(rx, ec);
    BOOST_TEST(ec == boost::system::errc::no_such_file_or_directory);
}

BOOST_AUTO_TEST_CASE(a_write_that_would_block_adds_writable_interest)
{
    mio::poll poll;
    mio::events events(8);
    auto [stream, peer] = net::unix_stream::pair();
    const mio::token t(3);
    poll.registry().register_(stream, t, mio::interest::readable);
    std::string pending;
    auto keep_pending = [&](boost::asio::const_buffer b) {
        pending.assign(static_cast<const char*>(b.data()), b.size());
    };
    const std::string chunk(64 * 1024, 'x');
    boost::asio::const_buffer out = boost::asio::buffer(chunk);
    boost::system::error_code ec;
    for (int i = 0; i < 10000 && !ec; ++i) {
        // tag::write_path[]
        std::size_t n = stream.write_some(out, ec);
        if (ec == boost::asio::error::would_block) {
            keep_pending(out);
            // If the send buffer drained between the write and this call, the
            // next wait still reports WRITABLE: nothing is missed.
            poll.registry().reregister(stream, t, mio::interest::readable | mio::interest::writable);
        }
        // end::write_path[]
        (void)n;
    }
    BOOST_TEST_REQUIRE(ec == boost::asio::error::would_block);
    BOOST_TEST(pending.size() == chunk.size());
    // Drain the peer: the stream becomes writable and the wait says so.
    char buf[65536];
    for (;;) {
        boost::system::error_code rec;
        peer.read_some(boost::asio::buffer(buf), rec);
        if (rec) break;
    }
    poll.wait(events, 3s);
    BOOST_TEST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events.begin()->is_writable());
}

BOOST_AUTO_TEST_CASE(another_thread_registers_through_a_clone)
{
    mio::poll poll;
    mio::events events(8);
    auto [tx, other] = mio::posix::make_pipe();
    tx.write_some(boost::asio::buffer("x", 1));
    // tag::clone[]
    mio::registry reg = poll.registry().try_clone();
    std::thread t([&reg, &other = other] {
        reg.register_(other, mio::token(9), mio::interest::readable);   // while poll waits
    });
    poll.wait(events, std::chrono::seconds(3));
    t.join();
    // end::clone[]
    // The wait may have returned before the registration; the next one
    // reports it then (the pipe was ready all along).
    if (events.empty())
        poll.wait(events, 3s);
    BOOST_TEST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events.begin()->token() == mio::token(9));
}

BOOST_AUTO_TEST_CASE(the_waker_interrupts_a_wait)
{
    mio::poll poll;
    mio::events events(8);
    // tag::waker[]
    mio::waker waker(poll.registry(), mio::token(0));
    // any thread:
    std::thread producer([&waker] { waker.wake(); });   // after queueing work for the poll
    poll.wait(events, std::chrono::seconds(3));          // reports token 0, readable
    producer.join();
    // end::waker[]
    BOOST_TEST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events.begin()->token() == mio::token(0));
}

// tag::own_source[]
struct timer_pair {
    int a, b;   // two timerfds
    void register_(const mio::registry& r, mio::token t, mio::interest i,
                   boost::system::error_code& ec) {
        mio::posix::source_fd(a).register_(r, t, i, ec);
        if (!ec) mio::posix::source_fd(b).register_(r, t, i, ec);
    }
    void reregister(const mio::registry& r, mio::token t, mio::interest i,
                    boost::system::error_code& ec) {
        mio::posix::source_fd(a).reregister(r, t, i, ec);
        if (!ec) mio::posix::source_fd(b).reregister(r, t, i, ec);
    }
    void deregister(const mio::registry& r, boost::system::error_code& ec) {
        mio::posix::source_fd(a).deregister(r, ec);
        if (!ec) mio::posix::source_fd(b).deregister(r, ec);
    }
};
static_assert(mio::is_event_source_v<timer_pair>);
// end::own_source[]

BOOST_AUTO_TEST_CASE(a_user_type_with_three_members_is_a_source)
{
    mio::poll poll;
    mio::events events(8);
    timer_pair timers{::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC),
                      ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)};
    BOOST_TEST_REQUIRE(timers.a >= 0);
    BOOST_TEST_REQUIRE(timers.b >= 0);
    poll.registry().register_(timers, mio::token(5), mio::interest::readable);
    itimerspec soon{};
    soon.it_value.tv_nsec = 1000000;   // 1 ms
    ::timerfd_settime(timers.a, 0, &soon, nullptr);
    poll.wait(events, 3s);
    BOOST_TEST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events.begin()->token() == mio::token(5));
    poll.registry().deregister(timers);
    ::close(timers.a);
    ::close(timers.b);
}

BOOST_AUTO_TEST_CASE(a_non_blocking_connect_ends_with_a_writable_event)
{
    mio::poll poll;
    mio::events events(8);
    // tag::sockets[]
    namespace net = boost::mio::net;
    auto listener = net::tcp_listener::bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    auto client = net::tcp_stream::connect(listener.local_endpoint());   // non-blocking
    poll.registry().register_(client, mio::token(1), mio::interest::writable);
    poll.wait(events, std::chrono::seconds(3));
    // writable event: the connect finished; take_error() says whether it worked
    if (auto err = client.take_error()) { /* e.g. connection_refused */ }
    // end::sockets[]
    BOOST_TEST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events.begin()->is_writable());
    BOOST_TEST(!client.take_error());
    BOOST_TEST(client.peer_endpoint() == listener.local_endpoint());
}

BOOST_AUTO_TEST_CASE(the_poll_name_inside_a_function)
{
    // tag::poll_name[]
    using boost::mio::poll;   // inside the function: hides ::poll here
    poll p;
    // end::poll_name[]
    BOOST_TEST(p.is_open());
}
