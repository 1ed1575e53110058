//
// test/waker.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/waker.hpp>

#define BOOST_TEST_MODULE waker
#include "util.hpp"

#include <atomic>
#include <cstdint>
#include <iterator>
#include <limits>
#include <thread>
#include <type_traits>
#include <vector>

// Asio's headers declare ::poll(2); inside this namespace `poll` is the class.
namespace {

using boost::mio::error;
using boost::mio::events;
using boost::mio::poll;
using boost::mio::registry;
using boost::mio::token;
using boost::mio::waker;
using boost::system::error_code;
using mio_test::expect_system_error;
using namespace std::chrono_literals;
using std::chrono::steady_clock;

// Every member compiles with the documented signature.
static_assert(std::is_nothrow_default_constructible_v<waker>);
static_assert(std::is_constructible_v<waker, const registry&, token>);
static_assert(std::is_constructible_v<waker, const registry&, token, error_code&>);
static_assert(!std::is_copy_constructible_v<waker>);
static_assert(!std::is_copy_assignable_v<waker>);
static_assert(std::is_nothrow_move_constructible_v<waker>);
static_assert(std::is_nothrow_move_assignable_v<waker>);
static_assert(std::is_same_v<decltype(std::declval<const waker&>().wake()), void>);
static_assert(std::is_same_v<decltype(std::declval<const waker&>().wake(
    std::declval<error_code&>())), void>);
static_assert(noexcept(std::declval<const waker&>().is_open()));
static_assert(noexcept(std::declval<const waker&>().native_handle()));

namespace {

// How many events of the last wait carry `t`; fails on any other token.
std::size_t waker_events(const events& evs, token t)
{
    std::size_t n = 0;
    for (const auto& e : evs)
    {
        BOOST_TEST((e.token() == t), "unexpected event " << e);
        if (e.token() == t)
        {
            BOOST_TEST(e.is_readable());
            ++n;
        }
    }
    return n;
}

// mio's expect_waker_event: the next wait reports the waker, and only it.
void expect_waker_event(poll& p, events& evs, token t)
{
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST(!evs.empty(), "no waker event");
    BOOST_TEST(waker_events(evs, t) == 1u);
}

} // namespace

BOOST_AUTO_TEST_CASE(every_member_runs_once)
{
    poll p;
    events evs(4);
    waker closed;
    BOOST_TEST(!closed.is_open());
    BOOST_TEST(mio_test::is_no_handle(closed.native_handle()));

    waker w(p.registry(), token(10));
    BOOST_TEST(w.is_open());
    BOOST_TEST(!mio_test::is_no_handle(w.native_handle()));
    w.wake();
    expect_waker_event(p, evs, token(10));
    error_code ec = make_error_code(boost::system::errc::io_error);
    w.wake(ec);
    BOOST_TEST(!ec, "success clears ec");
    expect_waker_event(p, evs, token(10));
    w = waker();
    BOOST_TEST(!w.is_open());

    ec = make_error_code(boost::system::errc::io_error);
    waker w2(p.registry(), token(11), ec);
    BOOST_TEST(!ec);
    BOOST_TEST(w2.is_open());
}

BOOST_AUTO_TEST_CASE(wake_from_the_same_thread)
{
    poll p;
    events evs(10);
    const waker w(p.registry(), token(10));
    mio_test::expect_no_events(p, evs);
    w.wake();
    expect_waker_event(p, evs, token(10));
    mio_test::expect_no_events(p, evs);
}

BOOST_AUTO_TEST_CASE(wake_before_wait_is_not_lost)
{
    poll p;
    events evs(10);
    const waker w(p.registry(), token(1));
    w.wake();
    std::this_thread::sleep_for(20ms);
    p.wait(evs, 0ms); // it is already there: no need to block
    BOOST_TEST(waker_events(evs, token(1)) == 1u);
}

BOOST_AUTO_TEST_CASE(many_wakes_before_a_wait_coalesce)
{
    poll p;
    events evs(16);
    const waker w(p.registry(), token(3));
    for (int i = 0; i < 1000; ++i)
        w.wake();
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST(waker_events(evs, token(3)) == 1u, "one source, one event per wait");
    mio_test::expect_no_events(p, evs);
}

BOOST_AUTO_TEST_CASE(each_wake_after_a_wait_is_a_new_event)
{
    // The eventfd is never drained; every consumed wake-up lets the next
    // wake() signal again.
    poll p;
    events evs(4);
    const waker w(p.registry(), token(4));
    for (int i = 0; i < 1000; ++i)
    {
        w.wake();
        p.wait(evs, mio_test::event_timeout);
        BOOST_TEST_REQUIRE(waker_events(evs, token(4)) == 1u, "round " << i);
    }
    mio_test::expect_no_events(p, evs);
}

BOOST_AUTO_TEST_CASE(wake_from_another_thread_ends_a_blocking_wait)
{
    poll p;
    events evs(10);
    const waker w(p.registry(), token(10));
    error_code thread_ec;
    // Before the thread starts: its sleep counts from here.
    const auto start = steady_clock::now();
    std::thread t([&] {
        std::this_thread::sleep_for(50ms);
        w.wake(thread_ec);
    });
    p.wait(evs, 5s);
    const auto elapsed = steady_clock::now() - start;
    t.join();
    BOOST_TEST(!thread_ec);
    BOOST_TEST(waker_events(evs, token(10)) == 1u);
    BOOST_TEST((elapsed >= 40ms));
    BOOST_TEST((elapsed < 4s));
    mio_test::expect_no_events(p, evs);
}

// mio's waker_multiple_wakeups_different_thread.
BOOST_AUTO_TEST_CASE(wakes_from_several_threads)
{
    poll p;
    events evs(10);
    const waker w(p.registry(), token(10));
    std::atomic<bool> second_may_wake{false};
    std::thread t1([&] { w.wake(); });
    std::thread t2([&] {
        while (!second_may_wake.load())
            std::this_thread::yield();
        w.wake();
    });
    expect_waker_event(p, evs, token(10));
    t1.join();
    second_may_wake.store(true);
    expect_waker_event(p, evs, token(10));
    t2.join();
    mio_test::expect_no_events(p, evs);
}

BOOST_AUTO_TEST_CASE(waker_registered_through_a_clone)
{
    poll p;
    events evs(4);
    const registry clone = p.registry().try_clone();
    const waker w(clone, token(std::numeric_limits<std::size_t>::max()));
    w.wake();
    expect_waker_event(p, evs, token(std::numeric_limits<std::size_t>::max()));
}

BOOST_AUTO_TEST_CASE(second_waker_reports_waker_already_exists)
{
    poll p;
    events evs(4);
    auto w1 = std::make_unique<waker>(p.registry(), token(1));
    const int fds = mio_test::count_open_fds();

    error_code ec;
    waker w2(p.registry(), token(2), ec);
    BOOST_TEST((ec == error::waker_already_exists), ec.message());
    BOOST_TEST((ec.category() == boost::mio::get_error_category()));
    BOOST_TEST(!w2.is_open());
    expect_system_error([&] { waker w(p.registry(), token(2)); }, error::waker_already_exists);

    // A clone is the same registry.
    const registry clone = p.registry().try_clone();
    waker w3(clone, token(3), ec);
    BOOST_TEST((ec == error::waker_already_exists));
    expect_system_error([&] { waker w(clone, token(3)); }, error::waker_already_exists);
    // A clone of an IOCP selector shares its port: no handle of its own.
    const int clone_handles = boost::mio::current_backend == boost::mio::backend::iocp ? 0 : 1;
    if (mio_test::handle_counts_work())
        BOOST_TEST(mio_test::count_open_fds() == fds + clone_handles,
            "only the clone's fd; no eventfd leaked");

    // Moving the first keeps the slot taken.
    waker moved = std::move(*w1);
    w1.reset();
    waker w4(p.registry(), token(4), ec);
    BOOST_TEST((ec == error::waker_already_exists));

    // The failed attempts did not disturb the live waker.
    moved.wake();
    expect_waker_event(p, evs, token(1));

    // Once it is gone, a new one can be made.
    moved = waker();
    waker w5(clone, token(5), ec);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(w5.is_open());
    w5.wake();
    expect_waker_event(p, evs, token(5));
}

BOOST_AUTO_TEST_CASE(wakers_of_different_polls_are_independent)
{
    poll a;
    poll b;
    events evs(4);
    const waker wa(a.registry(), token(1));
    const waker wb(b.registry(), token(2));
    wb.wake();
    mio_test::expect_no_events(a, evs);
    expect_waker_event(b, evs, token(2));
    wa.wake();
    expect_waker_event(a, evs, token(1));
}

BOOST_AUTO_TEST_CASE(unconsumed_wake_of_a_destroyed_waker_does_not_swallow_the_next)
{
    poll p;
    events evs(4);
    {
        const waker w(p.registry(), token(1));
        w.wake(); // pending, never waited for
    }
    const waker w(p.registry(), token(2));
    w.wake();
    // The old eventfd is closed, so its event is gone; the new wake must
    // signal even though the old one was never consumed.
    expect_waker_event(p, evs, token(2));
}

BOOST_AUTO_TEST_CASE(closed_waker_reports_ebadf)
{
    poll p;
    waker closed;
    error_code ec;
    closed.wake(ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor), ec.message());
    expect_system_error([&] { closed.wake(); }, boost::system::errc::bad_file_descriptor);

    waker w(p.registry(), token(1));
    waker other(std::move(w));
    BOOST_TEST(!w.is_open()); // NOLINT(bugprone-use-after-move): documented state
    BOOST_TEST(other.is_open());
    w.wake(ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
    expect_system_error([&] { w.wake(); }, boost::system::errc::bad_file_descriptor);
}

BOOST_AUTO_TEST_CASE(waker_on_a_closed_registry_reports_ebadf)
{
    const int fds = mio_test::count_open_fds();
    const int per_poll = mio_test::fds_per_poll();
    registry closed;
    error_code ec;
    waker w(closed, token(1), ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor), ec.message());
    BOOST_TEST(!w.is_open());
    expect_system_error([&] { waker x(closed, token(1)); },
        boost::system::errc::bad_file_descriptor);

    poll p;
    poll q(std::move(p));
    waker y(p.registry(), token(1), ec); // NOLINT(bugprone-use-after-move)
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
    // The moved-to poll still has its waker slot free.
    waker z(q.registry(), token(1), ec);
    BOOST_TEST(!ec);
    z = waker();
    q = poll(ec);
    BOOST_TEST(mio_test::count_open_fds() == fds + per_poll);
}

BOOST_AUTO_TEST_CASE(waker_may_outlive_its_poll)
{
    auto p = std::make_unique<poll>();
    const waker w(p->registry(), token(1));
    p.reset();
    error_code ec;
    w.wake(ec); // nobody listens, but nothing breaks
    BOOST_TEST(!ec, ec.message());
    w.wake(ec);
    BOOST_TEST(!ec);
}

// Producers bump a counter and then wake; the consumer reads the counter
// only after a waker event. Every increment must eventually be seen after
// some event: a wake skipped as "covered by a pending one" whose event
// never comes leaves the consumer blocked with a stale value.
BOOST_AUTO_TEST_CASE(stress_no_lost_wakeup_with_two_free_running_producers)
{
    constexpr int producers = 2;
    constexpr std::uint64_t wakes_each = 100000;
    constexpr std::uint64_t total = producers * wakes_each;

    poll p;
    events evs(8);
    const waker w(p.registry(), token(1));
    std::atomic<std::uint64_t> produced{0};
    std::atomic<int> wake_errors{0};
    std::atomic<bool> go{false};

    std::vector<std::thread> threads;
    for (int i = 0; i < producers; ++i)
    {
        threads.emplace_back([&] {
            while (!go.load())
                std::this_thread::yield();
            for (std::uint64_t n = 0; n < wakes_each; ++n)
            {
                produced.fetch_add(1, std::memory_order_relaxed);
                error_code ec;
                w.wake(ec); // publishes the increment to the consumer
                if (ec)
                    ++wake_errors;
            }
        });
    }

    std::uint64_t observed = 0;
    std::uint64_t batches = 0;
    bool stalled = false;
    go.store(true);
    while (observed < total)
    {
        error_code ec;
        p.wait(evs, 5s, ec);
        BOOST_REQUIRE(!ec);
        if (evs.empty())
        {
            stalled = true; // 5 s without an event while increments are unseen
            break;
        }
        if (waker_events(evs, token(1)) != 0)
        {
            ++batches;
            const std::uint64_t now = produced.load(std::memory_order_relaxed);
            BOOST_TEST_REQUIRE(now >= observed);
            observed = now;
        }
    }
    for (auto& t : threads)
        t.join();
    BOOST_TEST(!stalled, "lost wake-up: observed " << observed << " of " << total);
    BOOST_TEST(observed == total);
    BOOST_TEST(wake_errors.load() == 0);
    BOOST_TEST(batches >= 1u);
    BOOST_TEST(batches <= total, "wakes coalesce, never multiply");
    BOOST_TEST_MESSAGE(total << " wakes produced " << batches << " waker events");
    // The last wake may have signalled after the consumer already saw the
    // final count through an earlier event: at most that one is left.
    p.wait(evs, 0ms);
    BOOST_TEST(waker_events(evs, token(1)) <= 1u);
    mio_test::expect_no_events(p, evs);
}

// One producer waits for each wake to be acknowledged before the next, so
// that every single wake must produce an event of its own; a lost one
// stalls the producer, and the test fails after 5 s instead of hanging.
BOOST_AUTO_TEST_CASE(stress_every_wake_is_followed_by_an_event)
{
    // Under Wine every completion packet is a round trip through
    // wineserver (about a millisecond on a loaded machine), so fewer rounds
    // fit the 20 s bound there.
    const std::uint64_t rounds = mio_test::running_under_wine() ? 2000 : 20000;
    poll p;
    events evs(4);
    const waker w(p.registry(), token(2));
    std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> acked{0};
    std::atomic<bool> stop{false};
    std::atomic<bool> producer_timed_out{false};

    std::thread producer([&] {
        for (std::uint64_t i = 1; i <= rounds && !stop.load(); ++i)
        {
            sent.store(i, std::memory_order_relaxed);
            w.wake();
            const auto deadline = steady_clock::now() + 5s;
            while (acked.load(std::memory_order_acquire) < i)
            {
                if (steady_clock::now() > deadline)
                {
                    producer_timed_out.store(true);
                    return;
                }
                std::this_thread::yield();
            }
        }
    });

    // Blocking waits catch a wake skipped while nothing is pending; the
    // short ones make the wait end around the time the wake arrives.
    const std::chrono::nanoseconds timeouts[] = {5s, 0ns, 5s, 50us, 5s, 1ms, 5s, 10us};
    std::uint64_t observed = 0;
    std::size_t k = 0;
    const auto deadline = steady_clock::now() + 20s;
    while (observed < rounds && !producer_timed_out.load() && steady_clock::now() < deadline)
    {
        p.wait(evs, timeouts[k++ % std::size(timeouts)]);
        if (waker_events(evs, token(2)) != 0)
        {
            observed = sent.load(std::memory_order_relaxed);
            acked.store(observed, std::memory_order_release);
        }
    }
    stop.store(true);
    producer.join();
    BOOST_TEST(!producer_timed_out.load(), "lost wake-up after round " << observed);
    BOOST_TEST(observed == rounds);
}

} // namespace
