//
// doc/snippets/quick_start.cpp: the README's tour and the quick start guide.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The regions between "tag::" and "end::" lines are what README.md and
// doc/quick_start.adoc show, byte for byte (tools/check_readme_snippets
// checks the README; asciidoctor includes them into the guides). The test
// cases at the end run them.

#define BOOST_TEST_MODULE snippets_quick_start
#include <boost/test/unit_test.hpp>

// tag::tour[]
#include <boost/mio.hpp>
#include <string>
#include <thread>
namespace mio = boost::mio;

// Reads what another thread writes into a pipe until that thread wakes us.
std::string tour()
{
    mio::poll poll;                        // owns the epoll fd (O_CLOEXEC)
    mio::events events(128);               // one fixed buffer, filled in place
    auto [sender, receiver] = mio::posix::make_pipe();   // O_NONBLOCK | O_CLOEXEC

    // Every registration is edge-triggered: an event comes when a source becomes
    // ready, and again only after an operation on it reported would_block (the
    // portable rule; poll::short_read_drains below is an epoll relaxation).
    poll.registry().register_(receiver, mio::token(0), mio::interest::readable);

    // A waker wakes a blocked wait from any thread (one per poll, as in mio).
    mio::waker waker(poll.registry(), mio::token(1));

    std::thread producer([&out = sender, &waker] {
        out.write_some(boost::asio::buffer("hello", 5));
        waker.wake();
    });

    std::string received;
    bool woken = false;
    while (!woken) {
        poll.wait(events, std::chrono::milliseconds(100));   // nullopt: no timeout
        for (const mio::event& e : events) {
            if (e.token() == mio::token(1)) { woken = true; continue; }
            for (;;) {                                       // drain to would_block
                char buf[4096];
                boost::system::error_code ec;
                std::size_t n = receiver.read_some(boost::asio::buffer(buf), ec);
                if (ec == boost::asio::error::would_block) break;
                if (ec == boost::asio::error::eof) break;    // the writer closed
                if (ec) throw boost::system::system_error(ec);
                received.append(buf, n);
            }
        }
    }
    producer.join();
    return received;
}
// end::tour[]

#include <map>
#include <optional>

// tag::accept[]
namespace net = boost::mio::net;
using namespace std::chrono_literals;

struct server {
    mio::poll poll;
    mio::events events{64};
    net::tcp_listener listener = net::tcp_listener::bind({boost::asio::ip::address_v4::loopback(), 0});
    std::map<std::size_t, net::tcp_stream> connections;
    std::size_t next = 1;
    bool stalled = false;   // connections are queued that no event will announce

    server() { poll.registry().register_(listener, mio::token(0), mio::interest::readable); }

    void accept_all() {
        for (;;) {
            boost::system::error_code ec;
            auto [stream, peer] = listener.accept(ec);
            if (ec == boost::asio::error::would_block) { stalled = false; return; }
            if (ec == boost::asio::error::connection_aborted) continue;   // gave up while queued
            if (ec) { stalled = true; return; }   // e.g. EMFILE: see below
            stream.set_nodelay(true);
            poll.registry().register_(stream, mio::token(next), mio::interest::readable);
            connections.emplace(next++, std::move(stream));
        }
    }

    // One turn of the event loop; `idle` bounds the wait (nullopt: none).
    void turn(std::optional<std::chrono::nanoseconds> idle) {
        if (stalled) accept_all();        // before every wait while stalled
        poll.wait(events, stalled ? std::optional<std::chrono::nanoseconds>(100ms) : idle);
        for (const mio::event& e : events) {
            if (e.token() == mio::token(0)) accept_all();
            else { /* serve connections.at(e.token().value()) */ }
        }
    }
};
// end::accept[]

BOOST_AUTO_TEST_CASE(tour_reads_what_the_producer_wrote)
{
    BOOST_TEST(tour() == "hello");
}

BOOST_AUTO_TEST_CASE(accept_all_takes_every_queued_connection)
{
    server s;
    auto a = net::tcp_stream::connect(s.listener.local_endpoint());
    auto b = net::tcp_stream::connect(s.listener.local_endpoint());
    // Bounded: 50 turns of at most 100 ms each, for a loaded machine.
    for (int round = 0; s.connections.size() < 2 && round < 50; ++round)
        s.turn(100ms);
    BOOST_TEST(s.connections.size() == 2u);
    BOOST_TEST(!s.stalled);
}
