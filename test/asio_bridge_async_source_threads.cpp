//
// test/asio_bridge_async_source_threads.cpp: async_source under load,
// with run() on several threads and timers interleaved.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Thousands of waits in loops, checked for nothing lost: every byte written
// is read, and a lost wake-up stalls an exchange, which fails on a bounded
// wait instead of hanging.

// The header is self-contained: it comes first.
#include <boost/mio/asio_bridge/async_source.hpp>

#define BOOST_TEST_MODULE asio_bridge_async_source_threads
#include "util.hpp"
#include "asio_bridge_util.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace mio = boost::mio;
namespace asio = boost::asio;
using boost::system::error_code;
using mio::interest;
using mio::asio_bridge::async_source;
using namespace std::chrono_literals;

namespace {

// Two byte channels, each byte read from one answered on the other: a lost
// wake-up stalls the exchange, which fails once no byte moved for a while.
void ping_pong(int threads, int rounds)
{
    asio::io_context ioc;
    auto a = mio_test::make_byte_channel();
    auto b = mio_test::make_byte_channel();
    async_source src_a(ioc, a.receiver, interest::readable);
    async_source src_b(ioc, b.receiver, interest::readable);
    std::atomic<int> received{0};
    std::atomic<bool> failed{false};
    mio_test::thread_failures failures; // the handlers run on the workers

    std::function<void(async_source&, mio_test::byte_receiver&, mio_test::byte_sender&)> serve =
        [&](async_source& src, mio_test::byte_receiver& rx, mio_test::byte_sender& peer) {
            src.async_wait(interest::readable, [&](error_code ec, mio::event) {
                if (ec)
                {
                    failed = !(ec == asio::error::operation_aborted);
                    return;
                }
                const std::string got = bridge_test::drain(rx);
                for (std::size_t i = 0; i < got.size(); ++i)
                    if (++received < 2 * rounds)
                        bridge_test::write_byte(peer, failures);
                if (received < 2 * rounds)
                    serve(src, rx, peer);
            });
        };
    serve(src_a, a.receiver, b.sender);
    serve(src_b, b.receiver, a.sender);
    bridge_test::write_byte(a.sender);

    bridge_test::threaded_run run(ioc, threads, 100000ms);
    bridge_test::wait_while_progressing([&] { return received >= 2 * rounds || failed; },
        [&] { return received.load(); });
    // One side is left waiting for a byte that never comes.
    src_a.cancel();
    src_b.cancel();
    run.join_when_idle();
    failures.check();
    BOOST_CHECK(!failed);
    BOOST_CHECK_EQUAL(received.load(), 2 * rounds);
}

} // namespace

BOOST_AUTO_TEST_CASE(thousands_of_waits_lose_nothing_single_thread)
{
    ping_pong(1, bridge_test::repeats_here(5000));
}

BOOST_AUTO_TEST_CASE(thousands_of_waits_lose_nothing_multithreaded)
{
    ping_pong(3, bridge_test::repeats_here(5000));
}

BOOST_AUTO_TEST_CASE(many_sources_many_threads_with_timers_lose_nothing)
{
    constexpr std::size_t n = 24;
    constexpr int per_source = 200;
    asio::io_context ioc;
    std::vector<mio_test::byte_channel> ends;
    std::vector<std::unique_ptr<async_source>> sources;
    ends.reserve(n); // the sources refer to the channel ends: no reallocation
    for (std::size_t i = 0; i < n; ++i)
    {
        ends.push_back(mio_test::make_byte_channel());
        sources.push_back(std::make_unique<async_source>(ioc, ends[i].receiver, interest::readable));
    }
    std::vector<std::atomic<int>> got(n);
    std::atomic<int> completions{0};
    std::atomic<bool> bad{false};
    mio_test::thread_failures failures; // written on the writer thread
    std::function<void(std::size_t)> serve = [&](std::size_t i) {
        sources[i]->async_wait(interest::readable, [&, i](error_code ec, mio::event e) {
            if (ec || !e.is_readable())
            {
                bad = true;
                return;
            }
            ++completions;
            got[i] += static_cast<int>(bridge_test::drain(ends[i].receiver).size());
            if (got[i] < per_source)
                serve(i);
        });
    };
    for (std::size_t i = 0; i < n; ++i)
        serve(i);

    // Timers firing all along, on the same threads.
    std::atomic<int> ticks{0};
    asio::steady_timer timer(ioc);
    std::function<void()> tick = [&] {
        timer.expires_after(1ms);
        timer.async_wait([&](error_code ec) {
            if (!ec && ++ticks < 100)
                tick();
        });
    };
    tick();

    bridge_test::threaded_run run(ioc, 3, 100000ms);
    std::thread writer([&] {
        for (int k = 0; k < per_source; ++k)
        {
            for (auto& e : ends)
                bridge_test::write_byte(e.sender, failures);
            if (k % 20 == 0)
                std::this_thread::sleep_for(1ms);
        }
    });
    writer.join();
    bridge_test::wait_while_progressing([&] {
        for (auto& g : got)
            if (g < per_source)
                return false;
        return ticks >= 100;
    }, [&] { return completions.load() + ticks.load(); });
    run.join_when_idle();
    failures.check();
    BOOST_CHECK(!bad);
    for (std::size_t i = 0; i < n; ++i)
        BOOST_CHECK_EQUAL(got[i].load(), per_source);
    // Consumed readiness: never more completions than bytes.
    BOOST_CHECK_LE(completions.load(), static_cast<int>(n) * per_source);
}
