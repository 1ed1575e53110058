//
// test/asio_bridge_async_source_races.cpp: cancel() and destruction of an
// async_source racing its own completions, with run() on several threads.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Each round makes a fresh pipe and async_source, starts waits from one
// thread while another makes the pipe readable, and cancels or destroys the
// source from the test's thread at the same time. Whatever wins, every wait
// completes exactly once, either readable or operation_aborted. Handlers
// run on io_context workers and assert nothing: they count, and record
// failures for the test's thread to check.

#include <boost/mio/asio_bridge/async_source.hpp>

#define BOOST_TEST_MODULE asio_bridge_async_source_races
#include "util.hpp"
#include "asio_bridge_util.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace mio = boost::mio;
namespace asio = boost::asio;
using boost::system::error_code;
using mio::interest;
using mio::asio_bridge::async_source;
using namespace std::chrono_literals;
using std::chrono::steady_clock;

namespace {

enum class ending { cancel, destroy };

struct counts
{
    std::atomic<int> started{0};
    std::atomic<int> completed{0};
    std::atomic<int> ready{0};
    std::atomic<int> aborted{0};
    mio_test::thread_failures failures;

    auto handler()
    {
        return [this](error_code ec, mio::event e) {
            if (!ec)
            {
                failures.expect(e.is_readable(), "a successful wait without readable");
                ++ready;
            }
            else
            {
                failures.expect(ec == asio::error::operation_aborted,
                    "a wait completed with an error other than operation_aborted");
                ++aborted;
            }
            ++completed;
        };
    }
};

// One round; returns false if its waits did not all complete in time.
bool race_once(asio::io_context& ioc, ending how, int waits, counts& c)
{
    auto ends = mio_test::make_byte_channel();
    auto src = std::make_unique<async_source>(ioc, ends.receiver, interest::readable);
    const int before = c.started.load();
    std::thread starter([&] {
        for (int i = 0; i < waits; ++i)
        {
            ++c.started;
            src->async_wait(interest::readable, c.handler());
        }
    });
    std::thread writer([&] { bridge_test::write_byte(ends.sender, c.failures); });
    if (how == ending::cancel)
    {
        src->cancel(); // concurrent with async_wait and with completions
        starter.join();
        src->cancel(); // whatever started after the first cancel
    }
    else
    {
        starter.join(); // destruction may not overlap a member call
        src.reset();    // concurrent with the completions
    }
    writer.join();
    const auto deadline = steady_clock::now() + mio_test::event_timeout;
    while (c.completed.load() < before + waits && steady_clock::now() < deadline)
        std::this_thread::sleep_for(100us);
    src.reset();
    return c.completed.load() == c.started.load();
}

void race(ending how)
{
    const int rounds = bridge_test::repeats_here(300);
    constexpr int waits = 4;
    asio::io_context ioc;
    counts c;
    bridge_test::threaded_run run(ioc, 3, 60000ms);
    const auto deadline = steady_clock::now() + 30s;
    int done = 0;
    while (done < rounds && steady_clock::now() < deadline && race_once(ioc, how, waits, c))
        ++done;
    run.join_when_idle();
    c.failures.check();
    BOOST_TEST(done == rounds, "stopped after " << done << " rounds of " << rounds);
    BOOST_TEST(c.completed.load() == c.started.load(), "every wait completes exactly once");
    BOOST_TEST(c.ready.load() + c.aborted.load() == c.completed.load());
    BOOST_TEST_MESSAGE(c.ready.load() << " ready, " << c.aborted.load() << " aborted");
}

} // namespace

BOOST_AUTO_TEST_CASE(cancel_races_completions_on_several_threads)
{
    race(ending::cancel);
}

BOOST_AUTO_TEST_CASE(destruction_races_completions_on_several_threads)
{
    race(ending::destroy);
}
