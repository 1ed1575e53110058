//
// test/short_read.cpp: poll::short_read_drains. Where it is true, a read
// from a stream that returns fewer bytes than asked leaves nothing behind,
// and the next arrival raises a new event without a would_block read in
// between. Checked for TCP, Unix stream sockets and pipes: once with one
// arrival at a time, once under a writer thread racing the reads (a lost
// edge shows as a wait that times out), and the documented exception
// (an end of stream that came with the data raises no new edge).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#include <boost/mio/poll.hpp>

#define BOOST_TEST_MODULE short_read
#include "util.hpp"
#include "net_util.hpp"

#if !defined(_WIN32)
#  include <boost/mio/net/unix_stream.hpp>
#  include <boost/mio/posix/pipe.hpp>
#endif

#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace mio_test;

namespace {

// A reader and a writer end of one stream, both non-blocking.
struct tcp_ends
{
    tcp_pair p = make_tcp_pair();
    net::tcp_stream& reader() { return p.server; }
    net::tcp_stream& writer() { return p.client; }
    void close_writer() { p.client = net::tcp_stream(); }
};

#if !defined(_WIN32) // Unix-domain sockets and pipes are POSIX only
struct unix_ends
{
    std::pair<net::unix_stream, net::unix_stream> p = net::unix_stream::pair();
    net::unix_stream& reader() { return p.first; }
    net::unix_stream& writer() { return p.second; }
    void close_writer() { p.second = net::unix_stream(); }
};

struct pipe_ends
{
    mio::posix::pipe_ends p = mio::posix::make_pipe();
    mio::posix::receiver& reader() { return p.receiver; }
    mio::posix::sender& writer() { return p.sender; }
    void close_writer() { p.sender = mio::posix::sender(); }
};
#endif

// Both ends, and a poll watching the reader (token 1, readable).
template <class Ends>
struct watched
{
    Ends ends;
    mio::poll p;
    mio::events evs{8};
    watched() { p.registry().register_(ends.reader(), mio::token(1), mio::interest::readable); }
};

// Writes all of `s`, sleeping while the writer would block; returns what
// went wrong, or nullptr. Asserts nothing, so any thread may call it.
template <class Writer>
const char* try_write_all(Writer& w, const std::string& s)
{
    std::size_t done = 0;
    const auto deadline = std::chrono::steady_clock::now() + event_timeout;
    while (done < s.size())
    {
        boost::system::error_code ec;
        done += w.write_some(asio::buffer(s.data() + done, s.size() - done), ec);
        if (ec == asio::error::would_block)
        {
            if (std::chrono::steady_clock::now() >= deadline)
                return "writer stuck";
            std::this_thread::sleep_for(std::chrono::microseconds(100));
            continue;
        }
        if (ec)
            return "write failed";
    }
    return nullptr;
}

template <class Writer>
void write_all(Writer& w, const std::string& s)
{
    const char* failure = try_write_all(w, s);
    BOOST_REQUIRE_MESSAGE(failure == nullptr, failure);
}

template <class Ends>
void one_arrival_at_a_time()
{
    watched<Ends> w;

    char buf[64];
    for (const std::string msg : {"abc", "defg", "h"})
    {
        write_all(w.ends.writer(), msg);
        expect_events(w.p, w.evs, {readable(1)});
        boost::system::error_code ec;
        const std::size_t n = w.ends.reader().read_some(asio::buffer(buf), ec);
        BOOST_REQUIRE(!ec);
        BOOST_TEST(std::string(buf, n) == msg);
        BOOST_REQUIRE(n < sizeof buf); // a short read ...
        // ... and no read after it. Edge-triggered: nothing repeats ...
        expect_no_events(w.p, w.evs);
        if (!mio::poll::short_read_drains)
        {
            // ... and this backend re-arms only on would_block.
            w.ends.reader().read_some(asio::buffer(buf), ec);
            BOOST_TEST(is_would_block(ec));
        }
        // ... and the next message, written at the top of the loop, must
        // raise a new event for expect_events to see.
    }
}

// A writer thread sends `total` bytes in chunks of random sizes with
// random pauses while the reader stops at every short read. A lost edge
// would leave the reader waiting for an event that never comes; every
// wait is bounded, so that fails the test instead of hanging it.
template <class Ends>
void racing_writer()
{
    watched<Ends> w;

    constexpr std::size_t total = 1 << 20;
    std::string sent(total, '\0');
    std::mt19937 rng(12345);
    for (char& c : sent)
        c = static_cast<char>(rng());

    mio_test::thread_failures writer_failures;
    std::thread writer([&] {
        std::mt19937 r(678);
        std::size_t off = 0;
        while (off < total)
        {
            const std::size_t chunk = std::min<std::size_t>(total - off, 1 + r() % 3000);
            if (const char* failure = try_write_all(w.ends.writer(), sent.substr(off, chunk)))
                return writer_failures.record(failure);
            off += chunk;
            if (r() % 8 == 0)
                std::this_thread::sleep_for(std::chrono::microseconds(r() % 200));
        }
    });

    std::string got;
    got.reserve(total);
    std::size_t short_reads = 0;
    char buf[4096];
    bool timed_out = false;
    while (got.size() < total && !timed_out)
    {
        boost::system::error_code ec;
        w.p.wait(w.evs, event_timeout, ec);
        if (ec == boost::system::errc::interrupted)
            continue;
        BOOST_REQUIRE(!ec);
        timed_out = w.evs.empty();
        for (;;)
        {
            const std::size_t n = w.ends.reader().read_some(asio::buffer(buf), ec);
            if (ec == asio::error::would_block)
                break;
            BOOST_REQUIRE_MESSAGE(!ec, "read: " << ec.message());
            got.append(buf, n);
            if (n < sizeof buf && mio::poll::short_read_drains)
            {
                ++short_reads;
                break; // the rule under test
            }
        }
    }
    writer.join();
    writer_failures.check();
    BOOST_REQUIRE_MESSAGE(!timed_out, "no event for " << event_timeout.count()
        << " ms after a short read, with " << got.size() << " of " << total << " bytes read");
    BOOST_TEST(got.size() == total);
    BOOST_TEST((got == sent));
    BOOST_TEST_MESSAGE("short reads that ended a drain: " << short_reads);
    if (mio::poll::short_read_drains)
        BOOST_TEST(short_reads > 10u); // the rule was exercised, not bypassed
}

// The exception: when the end of stream arrived with the data, the short
// read returns the data, the end of stream raises no new edge, and only a
// read that goes on finds it.
template <class Ends>
void end_of_stream_with_the_data()
{
    watched<Ends> w;
    write_all(w.ends.writer(), "last words");
    w.ends.close_writer();
    expected_event e = readable(1);
    e.read_closed = true;
    expect_events(w.p, w.evs, {e});

    char buf[64];
    boost::system::error_code ec;
    const std::size_t n = w.ends.reader().read_some(asio::buffer(buf), ec);
    BOOST_REQUIRE(!ec);
    BOOST_TEST(std::string(buf, n) == "last words");
    expect_no_events(w.p, w.evs);
    w.ends.reader().read_some(asio::buffer(buf), ec);
    BOOST_TEST(ec == asio::error::eof);
}

} // namespace

static_assert(std::is_same_v<decltype(mio::poll::short_read_drains), const bool>);

BOOST_AUTO_TEST_CASE(short_read_drains_where_the_kernel_has_edges)
{
    // epoll and kqueue (EV_CLEAR knotes; libkqueue: epoll's EPOLLET) have
    // real kernel edges; poll(2) re-arms only on would_block, so there a
    // short read must not end a drain, nor on IOCP, whose emulated edges
    // re-arm the same way (AFD polls are one-shot).
#if defined(BOOST_MIO_BACKEND_POLL) || defined(BOOST_MIO_BACKEND_IOCP)
    BOOST_TEST(!mio::poll::short_read_drains);
#else
    BOOST_TEST(mio::poll::short_read_drains);
#endif
}

// The cases below hold the backends that say a short read drains to
// their word; test/poll_selector.cpp has the poll(2) counterpart,
// test/iocp_selector.cpp the IOCP one (re-arm after would_block).
#if !defined(BOOST_MIO_BACKEND_POLL) && !defined(BOOST_MIO_BACKEND_IOCP)

BOOST_AUTO_TEST_CASE(tcp_one_arrival_at_a_time) { one_arrival_at_a_time<tcp_ends>(); }
BOOST_AUTO_TEST_CASE(unix_one_arrival_at_a_time) { one_arrival_at_a_time<unix_ends>(); }
BOOST_AUTO_TEST_CASE(pipe_one_arrival_at_a_time) { one_arrival_at_a_time<pipe_ends>(); }

BOOST_AUTO_TEST_CASE(tcp_racing_writer) { racing_writer<tcp_ends>(); }
BOOST_AUTO_TEST_CASE(unix_racing_writer) { racing_writer<unix_ends>(); }
BOOST_AUTO_TEST_CASE(pipe_racing_writer) { racing_writer<pipe_ends>(); }

BOOST_AUTO_TEST_CASE(tcp_end_of_stream_with_the_data) { end_of_stream_with_the_data<tcp_ends>(); }
BOOST_AUTO_TEST_CASE(unix_end_of_stream_with_the_data) { end_of_stream_with_the_data<unix_ends>(); }
BOOST_AUTO_TEST_CASE(pipe_end_of_stream_with_the_data) { end_of_stream_with_the_data<pipe_ends>(); }
#endif
