//
// test/asio_bridge_coroutines.cpp: async_source with C++20 coroutines.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Built in every build; the tests exist where Asio has co_await (C++20).

// The header is self-contained: it comes first.
#include <boost/mio/asio_bridge/async_source.hpp>

#define BOOST_TEST_MODULE asio_bridge_coroutines
#include "util.hpp"
#include "asio_bridge_util.hpp"

#if defined(BOOST_ASIO_HAS_CO_AWAIT)

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <variant>

namespace mio = boost::mio;
namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using boost::system::error_code;
using mio::interest;
using mio::asio_bridge::async_source;
using namespace std::chrono_literals;

namespace {

// Rethrows, on the test's thread, what a spawned coroutine threw.
auto rethrow_into(std::exception_ptr& slot)
{
    return [&slot](std::exception_ptr e) { slot = e; };
}

// Answers each byte read from `in` with one byte on `out`, `n` times.
// It may run on an io_context worker: failures go to `failures`.
awaitable<void> echo(mio_test::byte_receiver& in, mio_test::byte_sender& out, int n,
    mio_test::thread_failures& failures)
{
    async_source ready(co_await asio::this_coro::executor, in, interest::readable);
    int seen = 0;
    while (seen < n)
    {
        const mio::event e = co_await ready.async_wait(interest::readable, use_awaitable);
        failures.expect(e.is_readable(), "echo: a completion without readable");
        const std::string got = bridge_test::drain(in);
        for (std::size_t i = 0; i < got.size(); ++i)
            bridge_test::write_byte(out, failures);
        seen += static_cast<int>(got.size());
    }
}

awaitable<int> ask(mio_test::byte_sender& out, mio_test::byte_receiver& in, int n,
    mio_test::thread_failures& failures)
{
    async_source ready(co_await asio::this_coro::executor, in, interest::readable);
    int answers = 0;
    for (int i = 0; i < n; ++i)
    {
        bridge_test::write_byte(out, failures);
        std::string got;
        while (got.empty())
        {
            co_await ready.async_wait(interest::readable, use_awaitable);
            got = bridge_test::drain(in);
        }
        answers += static_cast<int>(got.size());
    }
    co_return answers;
}

} // namespace

BOOST_AUTO_TEST_CASE(coroutines_await_readiness_thousands_of_times)
{
    const int rounds = bridge_test::repeats_here(2000);
    asio::io_context ioc;
    auto a = mio_test::make_byte_channel();
    auto b = mio_test::make_byte_channel();
    std::exception_ptr failure;
    int answers = -1;
    mio_test::thread_failures failures;
    asio::co_spawn(ioc, echo(a.receiver, b.sender, rounds, failures), rethrow_into(failure));
    asio::co_spawn(ioc, ask(a.sender, b.receiver, rounds, failures),
        [&](std::exception_ptr e, int n) {
            failure = e;
            answers = n;
        });
    bridge_test::run_until(ioc, [&] { return answers >= 0 || failure; }, 15000ms);
    if (failure)
        std::rethrow_exception(failure);
    failures.check();
    BOOST_CHECK_EQUAL(answers, rounds);
}

BOOST_AUTO_TEST_CASE(coroutines_on_several_threads)
{
    constexpr int pairs = 6;
    const int rounds = bridge_test::repeats_here(300);
    asio::io_context ioc;
    std::vector<mio_test::byte_channel> ends(2 * pairs);
    for (auto& e : ends)
        e = mio_test::make_byte_channel();
    std::atomic<int> finished{0};
    std::atomic<int> total{0};
    mio_test::thread_failures failures; // the coroutines run on the workers
    for (int i = 0; i < pairs; ++i)
    {
        auto& a = ends[2 * i];
        auto& b = ends[2 * i + 1];
        asio::co_spawn(ioc, echo(a.receiver, b.sender, rounds, failures), asio::detached);
        asio::co_spawn(ioc, ask(a.sender, b.receiver, rounds, failures),
            [&](std::exception_ptr e, int n) {
                failures.expect(!e, "ask: the coroutine threw");
                total += n;
                ++finished;
            });
    }
    bridge_test::threaded_run run(ioc, 3);
    bridge_test::wait_until([&] { return finished == pairs; }, 15000ms);
    run.join_when_idle();
    failures.check();
    BOOST_CHECK_EQUAL(total.load(), pairs * rounds);
}

BOOST_AUTO_TEST_CASE(errors_throw_or_come_back_as_tuples)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    bool threw = false;
    error_code tuple_ec;
    bool done = false;
    asio::co_spawn(ioc,
        [&]() -> awaitable<void> {
            async_source src(co_await asio::this_coro::executor, rx, interest::readable);
            try
            {
                co_await src.async_wait(interest::writable, use_awaitable);
            }
            catch (const boost::system::system_error& e)
            {
                threw = e.code() == asio::error::invalid_argument;
            }
            asio::post(co_await asio::this_coro::executor, [&src] { src.cancel(); });
            auto [ec, ev] = co_await src.async_wait(interest::readable,
                asio::as_tuple(use_awaitable));
            tuple_ec = ec;
            done = true;
        },
        asio::detached);
    bridge_test::run_until(ioc, [&] { return done; });
    BOOST_CHECK(threw);
    BOOST_CHECK(tuple_ec == asio::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(timeout_with_awaitable_operators_cancels_the_wait)
{
    using namespace asio::experimental::awaitable_operators;
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    std::size_t first_winner = 99;
    std::size_t second_winner = 99;
    asio::co_spawn(ioc,
        [&]() -> awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            async_source src(ex, rx, interest::readable);
            asio::steady_timer timer(ex, 20ms);
            // Nothing to read: the timer wins, the wait is cancelled.
            auto r1 = co_await (src.async_wait(interest::readable, use_awaitable)
                || timer.async_wait(use_awaitable));
            first_winner = r1.index();
            // The source still works: a byte arrives before the timer.
            bridge_test::write_byte(tx);
            timer.expires_after(3s);
            auto r2 = co_await (src.async_wait(interest::readable, use_awaitable)
                || timer.async_wait(use_awaitable));
            second_winner = r2.index();
        },
        asio::detached);
    bridge_test::run_until(ioc, [&] { return second_winner != 99; }, 5000ms);
    BOOST_CHECK_EQUAL(first_winner, 1u);
    BOOST_CHECK_EQUAL(second_winner, 0u);
}

BOOST_AUTO_TEST_CASE(io_context_destroyed_with_a_suspended_coroutine)
{
    auto [tx, rx] = mio_test::make_byte_channel();
    auto alive = std::make_shared<int>(0);
    std::weak_ptr<int> watch = alive;
    {
        asio::io_context ioc;
        asio::co_spawn(ioc,
            [&rx = rx, keep = std::move(alive)]() -> awaitable<void> {
                async_source src(co_await asio::this_coro::executor, rx, interest::readable);
                co_await src.async_wait(interest::readable, use_awaitable);
                BOOST_ERROR("resumed without readiness");
            },
            asio::detached);
        ioc.run_for(20ms);
        BOOST_CHECK(!watch.expired()); // suspended, not finished
    }
    // The frame (and its async_source) went with the context.
    BOOST_CHECK(watch.expired());
}

#else // no co_await

BOOST_AUTO_TEST_CASE(coroutine_tests_need_cpp20)
{
    BOOST_TEST_MESSAGE("Asio has no co_await in this build (C++17): coroutine tests skipped");
}

#endif
