//
// test/asio_bridge_util.hpp: helpers for the Asio bridge tests.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Include after "util.hpp". Everything here is bounded in time: running an
// io_context until a condition holds fails the test after a timeout, and
// multi-threaded runs have a watchdog timer that stops the context and
// fails the test if they overrun.

#ifndef BOOST_MIO_TEST_ASIO_BRIDGE_UTIL_HPP
#define BOOST_MIO_TEST_ASIO_BRIDGE_UTIL_HPP

#include "util.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#if defined(_WIN32)
#  include <boost/asio/ip/tcp.hpp>
#else
#  include <boost/asio/local/connect_pair.hpp>
#  include <boost/asio/local/stream_protocol.hpp>
#endif
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include "byte_channel.hpp"

#include <atomic>
#if !defined(_WIN32)
#  include <fcntl.h>
#endif
#include <chrono>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

namespace bridge_test {

using namespace std::chrono_literals;
using mio_test::event_timeout;

// Runs `ioc` on this thread until `pred()` holds; fails after `timeout`.
template <class Pred>
void run_until(boost::asio::io_context& ioc, Pred pred,
    std::chrono::milliseconds timeout = event_timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred() && std::chrono::steady_clock::now() < deadline)
    {
        ioc.restart();
        if (ioc.run_one_for(10ms) == 0)
            std::this_thread::sleep_for(1ms); // out of work: do not spin
    }
    BOOST_REQUIRE_MESSAGE(pred(), "condition not reached within " << timeout.count() << " ms");
}

// Long exchanges (thousands of round trips) are checked for progress, not
// against a total deadline: a lost wake-up stalls them, while a loaded
// machine, or Wine (whose completions go through its server process, about
// a millisecond a round trip), only makes them slow. `step()` runs until
// `done()` holds, failing once `progress()` stayed the same for `stall`.
template <class Step, class Done, class Progress>
void step_while_progressing(Step step, Done done, Progress progress,
    std::chrono::milliseconds stall)
{
    auto seen = progress();
    auto moved_at = std::chrono::steady_clock::now();
    while (!done() && std::chrono::steady_clock::now() - moved_at < stall)
    {
        step();
        const auto now = progress();
        if (now != seen)
        {
            seen = now;
            moved_at = std::chrono::steady_clock::now();
        }
    }
    BOOST_REQUIRE_MESSAGE(done(), "stalled at " << seen << ": no progress for "
        << stall.count() << " ms");
}

// Runs `ioc` on this thread until `done()` holds, as above.
template <class Done, class Progress>
void run_while_progressing(boost::asio::io_context& ioc, Done done, Progress progress,
    std::chrono::milliseconds stall = event_timeout)
{
    step_while_progressing([&] {
        ioc.restart();
        if (ioc.run_one_for(10ms) == 0)
            std::this_thread::sleep_for(1ms); // out of work: do not spin
    }, done, progress, stall);
}

// Waits (sleeping) until `done()` holds, for exchanges other threads run,
// as above.
template <class Done, class Progress>
void wait_while_progressing(Done done, Progress progress,
    std::chrono::milliseconds stall = event_timeout)
{
    step_while_progressing([] { std::this_thread::sleep_for(1ms); }, done, progress, stall);
}

// How many times a long test repeats its exchange (round trips, race
// rounds) here: a fifth of `n` under Wine, where each round trip costs
// about a millisecond, so that the program stays well inside CTest's
// time limit.
inline int repeats_here(int n)
{
    return mio_test::running_under_wine() ? n / 5 : n;
}

// Runs `ioc` until it is out of work and checks that this happens within
// `limit`: nothing (no pending wait, no armed watcher) keeps run() going.
inline void expect_run_returns_by_itself(boost::asio::io_context& ioc,
    std::chrono::milliseconds limit = 2000ms)
{
    ioc.restart();
    const auto start = std::chrono::steady_clock::now();
    ioc.run_for(limit + 1000ms);
    BOOST_CHECK_MESSAGE(std::chrono::steady_clock::now() - start < limit,
        "run() did not return by itself: work was left pending");
}

// Waits (sleeping) until `pred()` holds, for conditions other threads make
// true; fails after `timeout`.
template <class Pred>
void wait_until(Pred pred, std::chrono::milliseconds timeout = event_timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    BOOST_REQUIRE_MESSAGE(pred(), "condition not reached within " << timeout.count() << " ms");
}

// Runs an io_context on `threads` threads, kept alive by a work guard, with
// a watchdog that stops it (failing the test) after `limit`.
class threaded_run
{
public:
    threaded_run(boost::asio::io_context& ioc, int threads,
        std::chrono::milliseconds limit = 15000ms)
        : ioc_(ioc), work_(boost::asio::make_work_guard(ioc)), watchdog_(ioc, limit)
    {
        watchdog_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec)
            {
                timed_out_ = true;
                ioc_.stop();
            }
        });
        for (int i = 0; i < threads; ++i)
            threads_.emplace_back([this] { ioc_.run(); });
    }

    ~threaded_run() { stop(); }

    // Lets run() return once the context has no other work, then joins.
    // Bounded: if work is still pending after `timeout`, the context is
    // stopped and the test fails.
    void join_when_idle(std::chrono::milliseconds timeout = event_timeout)
    {
        boost::asio::post(ioc_, [this] { watchdog_.cancel(); });
        work_.reset();
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!ioc_.stopped() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(1ms);
        BOOST_CHECK_MESSAGE(ioc_.stopped(), "the io_context still had work after "
            << timeout.count() << " ms");
        stop();
    }

    // Stops the context at once and joins.
    void stop()
    {
        ioc_.stop();
        join();
    }

    bool timed_out() const { return timed_out_; }

private:
    void join()
    {
        for (auto& t : threads_)
            if (t.joinable())
                t.join();
        BOOST_CHECK_MESSAGE(!timed_out_, "the io_context overran its watchdog");
    }

    boost::asio::io_context& ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    boost::asio::steady_timer watchdog_;
    std::atomic<bool> timed_out_{false};
    std::vector<std::thread> threads_;
};

// Reads `r` until would_block; returns the bytes read (eof stops too).
inline std::string drain(mio_test::byte_receiver& r, bool* eof = nullptr)
{
    std::string out;
    for (;;)
    {
        char buf[512];
        boost::system::error_code ec;
        const std::size_t n = r.read_some(boost::asio::buffer(buf), ec);
        if (ec == boost::asio::error::eof && eof)
            *eof = true;
        if (ec)
            break;
        out.append(buf, n);
    }
    return out;
}

// Two connected Asio stream sockets, for tests of an Asio object seen as a
// source: a socketpair on POSIX, a loopback TCP pair on Windows (no
// Unix-domain sockets there).
#if defined(_WIN32)
using asio_stream_socket = boost::asio::ip::tcp::socket;

inline void connect_asio_pair(asio_stream_socket& a, asio_stream_socket& b)
{
    boost::asio::ip::tcp::acceptor acceptor(a.get_executor(),
        {boost::asio::ip::make_address_v4("127.0.0.1"), 0});
    a.connect(acceptor.local_endpoint());
    acceptor.accept(b);
}
#else
using asio_stream_socket = boost::asio::local::stream_protocol::socket;

inline void connect_asio_pair(asio_stream_socket& a, asio_stream_socket& b)
{
    boost::asio::local::connect_pair(a, b);
}
#endif

#if defined(_WIN32)
// True while `h` (a poll's completion port) is an open handle of this process.
inline bool fd_is_open(void* h)
{
    ::DWORD flags = 0;
    return ::GetHandleInformation(h, &flags) != 0;
}
#else
// True while `fd` is an open descriptor of this process.
inline bool fd_is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }
#endif

inline void write_byte(mio_test::byte_sender& s, char c = 'x')
{
    BOOST_REQUIRE_EQUAL(s.write_some(boost::asio::buffer(&c, 1)), 1u);
}

// The same from a thread other than the test's own (an io_context worker, a
// writer thread): a failure is recorded in `failures`, never asserted here.
inline void write_byte(mio_test::byte_sender& s, mio_test::thread_failures& failures,
    char c = 'x')
{
    boost::system::error_code ec;
    failures.expect(s.write_some(boost::asio::buffer(&c, 1), ec) == 1 && !ec,
        "write_byte: the one-byte write failed");
}

} // namespace bridge_test

#endif // BOOST_MIO_TEST_ASIO_BRIDGE_UTIL_HPP
