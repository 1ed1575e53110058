//
// test/poll.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/poll.hpp>

#define BOOST_TEST_MODULE poll
#include "util.hpp"
#include "byte_channel.hpp"

#include <atomic>
#include <csignal>
#include <ctime>
#include <limits>
#if !defined(_WIN32)
#  include <pthread.h>
#endif
#include <thread>
#include <type_traits>
#include <vector>

// Asio's headers declare ::poll(2); inside this namespace `poll` is the class.
namespace {

using boost::mio::events;
using boost::mio::interest;
using boost::mio::poll;
using boost::mio::registry;
using boost::mio::token;
using mio_test::make_byte_channel;
using boost::system::error_code;
using mio_test::expect_system_error;
using namespace std::chrono_literals;
using std::chrono::nanoseconds;
using std::chrono::steady_clock;

// Every member compiles with the documented signature.
using timeout_t = std::optional<nanoseconds>;
static_assert(std::is_default_constructible_v<poll>);
static_assert(!std::is_nothrow_default_constructible_v<poll>, "opening the selector may throw");
static_assert(std::is_constructible_v<poll, error_code&>);
static_assert(!std::is_convertible_v<error_code&, poll>, "poll(ec) is explicit");
static_assert(!std::is_copy_constructible_v<poll>);
static_assert(!std::is_copy_assignable_v<poll>);
static_assert(std::is_nothrow_move_constructible_v<poll>);
static_assert(std::is_nothrow_move_assignable_v<poll>);
#if defined(BOOST_MIO_BACKEND_IOCP)
static_assert(std::is_same_v<poll::native_handle_type, void*>); // the completion port
#else
static_assert(std::is_same_v<poll::native_handle_type, int>);
#endif
static_assert(std::is_same_v<decltype(std::declval<poll&>().registry()), registry&>);
static_assert(std::is_same_v<decltype(std::declval<const poll&>().registry()), const registry&>);
static_assert(noexcept(std::declval<poll&>().registry()));
static_assert(noexcept(std::declval<const poll&>().native_handle()));
static_assert(noexcept(std::declval<const poll&>().is_open()));
static_assert(std::is_same_v<decltype(std::declval<poll&>().wait(std::declval<events&>())), void>);
static_assert(std::is_same_v<decltype(std::declval<poll&>().wait(std::declval<events&>(),
    timeout_t())), void>);
static_assert(std::is_same_v<decltype(std::declval<poll&>().wait(std::declval<events&>(),
    std::declval<error_code&>())), void>);
static_assert(std::is_same_v<decltype(std::declval<poll&>().wait(std::declval<events&>(),
    timeout_t(), std::declval<error_code&>())), void>);
// Any duration converts to the timeout.
static_assert(std::is_same_v<decltype(std::declval<poll&>().wait(std::declval<events&>(),
    std::chrono::milliseconds(1))), void>);

namespace {

void put_byte(mio_test::byte_sender& s)
{
    const char byte = 'x';
    BOOST_REQUIRE(s.write_some(boost::asio::buffer(&byte, 1)) == 1u);
}

nanoseconds thread_cpu_time()
{
    ::timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + nanoseconds(ts.tv_nsec);
}

// Waits on an empty poll and returns how long the wait took.
nanoseconds timed_empty_wait(poll& p, events& evs, timeout_t timeout)
{
    const auto start = steady_clock::now();
    error_code ec;
    p.wait(evs, timeout, ec);
    const auto elapsed = steady_clock::now() - start;
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(evs.empty());
    return elapsed;
}

#if !defined(_WIN32) // signals and EINTR are POSIX's
extern "C" void ignore_signal(int) {}

// Installs a SIGUSR1 handler without SA_RESTART while alive.
class sigusr1_handler
{
public:
    sigusr1_handler()
    {
        struct sigaction sa = {};
        sa.sa_handler = &ignore_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0; // no SA_RESTART: the wait must see EINTR
        BOOST_REQUIRE(::sigaction(SIGUSR1, &sa, &old_) == 0);
    }
    ~sigusr1_handler() { ::sigaction(SIGUSR1, &old_, nullptr); }
    sigusr1_handler(const sigusr1_handler&) = delete;
    sigusr1_handler& operator=(const sigusr1_handler&) = delete;

private:
    struct sigaction old_ = {};
};

// Sends SIGUSR1 to the constructing thread after ~50 ms, then every 20 ms
// until destroyed, so that one of them surely lands inside the wait.
class signal_sender
{
public:
    signal_sender() : target_(::pthread_self())
    {
        thread_ = std::thread([this] {
            std::this_thread::sleep_for(50ms);
            while (!done_.load())
            {
                ::pthread_kill(target_, SIGUSR1);
                std::this_thread::sleep_for(20ms);
            }
        });
    }
    ~signal_sender()
    {
        done_.store(true);
        thread_.join();
    }
    signal_sender(const signal_sender&) = delete;
    signal_sender& operator=(const signal_sender&) = delete;

private:
    pthread_t target_;
    std::atomic<bool> done_{false};
    std::thread thread_;
};
#endif

} // namespace

BOOST_AUTO_TEST_CASE(every_member_runs_once)
{
    poll p;
    BOOST_TEST(p.is_open());
    BOOST_TEST(!mio_test::is_no_handle(p.native_handle()));
    BOOST_TEST(p.registry().native_handle() == p.native_handle());
    const poll& cp = p;
    BOOST_TEST(&cp.registry() == &p.registry());

    error_code ec = make_error_code(boost::system::errc::io_error);
    poll q(ec);
    BOOST_TEST(!ec, "success clears ec");
    BOOST_TEST(q.is_open());
    BOOST_TEST(q.native_handle() != p.native_handle());

    auto ends = make_byte_channel();
    p.registry().register_(ends.receiver, token(1), interest::readable);
    events evs(4);
    p.wait(evs, 0ms);
    p.wait(evs, 0ms, ec);
    BOOST_TEST(!ec);
    put_byte(ends.sender);
    p.wait(evs); // no timeout: the byte is there
    BOOST_TEST(evs.size() == 1u);
    // Drained to would_block, so the next byte is a new event everywhere
    // (on poll(2) the would_block is what re-arms the source).
    char buf[8];
    BOOST_TEST(ends.receiver.read_some(boost::asio::buffer(buf)) == 1u);
    ends.receiver.read_some(boost::asio::buffer(buf), ec);
    BOOST_TEST_REQUIRE(mio_test::is_would_block(ec));
    put_byte(ends.sender);
    p.wait(evs, ec);
    BOOST_TEST(!ec);
    BOOST_TEST(evs.size() == 1u);
}

BOOST_AUTO_TEST_CASE(empty_poll_times_out_with_no_events)
{
    poll p;
    events evs(16);
    for (nanoseconds timeout : {nanoseconds(1ms), nanoseconds(10ms), nanoseconds(1500us),
             nanoseconds(100ms)})
    {
        const nanoseconds elapsed = timed_empty_wait(p, evs, timeout);
        BOOST_TEST((elapsed >= timeout), "returned early: " << elapsed.count() << "ns < "
                                                           << timeout.count() << "ns");
        BOOST_TEST((elapsed < timeout + 2s));
    }
}

BOOST_AUTO_TEST_CASE(zero_timeout_returns_at_once_with_pending_events)
{
    poll p;
    events evs(16);
    std::vector<mio_test::byte_channel> pipes;
    for (std::size_t i = 0; i < 3; ++i)
    {
        pipes.push_back(make_byte_channel());
        p.registry().register_(pipes.back().sender, token(i), interest::writable);
    }
    // Zero still asks the OS: the events are there.
    const auto start = steady_clock::now();
    p.wait(evs, 0ns);
    const auto elapsed = steady_clock::now() - start;
    BOOST_TEST(evs.size() == 3u);
    BOOST_TEST((elapsed < 500ms));

    // And with nothing ready it returns at once, empty.
    BOOST_TEST((timed_empty_wait(p, evs, 0ns) < 500ms));
}

BOOST_AUTO_TEST_CASE(sub_millisecond_timeouts_are_honoured)
{
    poll p;
    events evs(4);
    for (nanoseconds timeout : {nanoseconds(200us), nanoseconds(1us), nanoseconds(1ns),
             nanoseconds(999us)})
    {
        const nanoseconds elapsed = timed_empty_wait(p, evs, timeout);
        BOOST_TEST((elapsed >= timeout), "returned early: " << elapsed.count() << "ns < "
                                                           << timeout.count() << "ns");
    }
}

BOOST_AUTO_TEST_CASE(sub_millisecond_waits_sleep_instead_of_spinning)
{
    poll p;
    events evs(4);
    constexpr int waits = 50;
    const nanoseconds cpu_start = thread_cpu_time();
    const auto start = steady_clock::now();
    for (int i = 0; i < waits; ++i)
    {
        error_code ec;
        p.wait(evs, 200us, ec);
        BOOST_TEST_REQUIRE(!ec);
    }
    const nanoseconds wall = steady_clock::now() - start;
    const nanoseconds cpu = thread_cpu_time() - cpu_start;
    BOOST_TEST((wall >= waits * nanoseconds(200us)));
    BOOST_TEST((cpu * 2 < wall), "cpu " << cpu.count() << "ns of wall " << wall.count() << "ns");
}

BOOST_AUTO_TEST_CASE(negative_timeouts_behave_as_zero)
{
    poll p;
    events evs(4);
    for (nanoseconds timeout : {nanoseconds(-1), nanoseconds(-1s), nanoseconds::min()})
        BOOST_TEST((timed_empty_wait(p, evs, timeout) < 500ms));

    auto ends = make_byte_channel();
    p.registry().register_(ends.sender, token(3), interest::writable);
    p.wait(evs, nanoseconds::min());
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST((evs.begin()->token() == token(3)));
}

BOOST_AUTO_TEST_CASE(huge_timeouts_with_a_ready_source_return_at_once)
{
    poll p;
    events evs(4);
    auto ends = make_byte_channel();
    p.registry().register_(ends.receiver, token(8), interest::readable);
    const nanoseconds huge[] = {nanoseconds::max(), std::chrono::hours(24 * 365 * 100),
        std::chrono::duration_cast<nanoseconds>(std::chrono::milliseconds(
            std::numeric_limits<int>::max())) + 1ms,
        std::chrono::duration_cast<nanoseconds>(std::chrono::milliseconds(
            std::numeric_limits<int>::max()))};
    for (nanoseconds timeout : huge)
    {
        put_byte(ends.sender);
        const auto start = steady_clock::now();
        error_code ec;
        p.wait(evs, timeout, ec);
        BOOST_TEST(!ec, timeout.count() << "ns: " << ec.message());
        BOOST_TEST((steady_clock::now() - start < 2s));
        BOOST_TEST_REQUIRE(evs.size() == 1u);
        BOOST_TEST((evs.begin()->token() == token(8)));
        // Drained to would_block: the next byte is a new edge everywhere.
        char byte;
        BOOST_TEST(ends.receiver.read_some(boost::asio::buffer(&byte, 1)) == 1u);
        ends.receiver.read_some(boost::asio::buffer(&byte, 1), ec);
        BOOST_TEST_REQUIRE(mio_test::is_would_block(ec));
    }
}

BOOST_AUTO_TEST_CASE(huge_timeout_still_blocks)
{
    // An overflow to zero or a negative value would return at once.
    const nanoseconds century = std::chrono::hours(24 * 365 * 100);
    for (nanoseconds timeout : {nanoseconds::max(), century})
    {
        poll p;
        events evs(4);
        auto ends = make_byte_channel();
        p.registry().register_(ends.receiver, token(1), interest::readable);
        // Before the thread starts: its sleep counts from here.
        const auto start = steady_clock::now();
        std::thread t([&] {
            std::this_thread::sleep_for(50ms);
            const char byte = 'x';
            error_code ec;
            ends.sender.write_some(boost::asio::buffer(&byte, 1), ec);
        });
        p.wait(evs, timeout);
        const auto elapsed = steady_clock::now() - start;
        t.join();
        BOOST_TEST((elapsed >= 40ms));
        BOOST_TEST(evs.size() == 1u);
    }
}

BOOST_AUTO_TEST_CASE(no_timeout_waits_for_an_event_from_another_thread)
{
    poll p;
    events evs(4);
    auto ends = make_byte_channel();
    p.registry().register_(ends.receiver, token(2), interest::readable);
    // Before the thread starts: its sleep counts from here.
    const auto start = steady_clock::now();
    std::thread t([&] {
        std::this_thread::sleep_for(50ms);
        const char byte = 'x';
        error_code ec;
        ends.sender.write_some(boost::asio::buffer(&byte, 1), ec);
    });
    p.wait(evs, std::nullopt);
    const auto elapsed = steady_clock::now() - start;
    t.join();
    BOOST_TEST((elapsed >= 40ms));
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST((evs.begin()->token() == token(2)));
}

// Edge-triggered: an event per new readiness, none for readiness that was
// already reported and not drained, and a new one after would_block.
BOOST_AUTO_TEST_CASE(readiness_reported_again_after_would_block)
{
    poll p;
    events evs(4);
    auto ends = make_byte_channel();
    p.registry().register_(ends.receiver, token(1), interest::readable);

    const char data[4] = {'a', 'b', 'c', 'd'};
    ends.sender.write_some(boost::asio::buffer(data));
    mio_test::expect_events(p, evs, {mio_test::readable(1)});

    char buf[2];
    BOOST_TEST(ends.receiver.read_some(boost::asio::buffer(buf)) == 2u);
    mio_test::expect_no_events(p, evs); // 2 bytes left, but no new edge

    BOOST_TEST(ends.receiver.read_some(boost::asio::buffer(buf)) == 2u);
    error_code ec;
    BOOST_TEST(ends.receiver.read_some(boost::asio::buffer(buf), ec) == 0u);
    BOOST_TEST(mio_test::is_would_block(ec), ec.message());
    mio_test::expect_no_events(p, evs);

    put_byte(ends.sender);
    mio_test::expect_events(p, evs, {mio_test::readable(1)});
    BOOST_TEST(ends.receiver.read_some(boost::asio::buffer(buf)) == 1u);
    ends.receiver.read_some(boost::asio::buffer(buf), ec);
    BOOST_TEST(mio_test::is_would_block(ec));
    put_byte(ends.sender);
    mio_test::expect_events(p, evs, {mio_test::readable(1)});
}

#if !defined(_WIN32)
BOOST_AUTO_TEST_CASE(signal_interrupts_a_blocking_wait)
{
    poll p;
    events evs(4);
    sigusr1_handler handler;
    {
        const auto start = steady_clock::now();
        error_code ec;
        {
            signal_sender sender;
            p.wait(evs, 5s, ec);
        }
        const auto elapsed = steady_clock::now() - start;
        BOOST_TEST((ec == boost::system::errc::interrupted), ec.message());
        BOOST_TEST((ec.category() == boost::system::system_category()));
        BOOST_TEST(evs.empty());
        BOOST_TEST((elapsed < 4s), "the signal ended the wait");
    }
    {
        signal_sender sender;
        expect_system_error([&] { p.wait(evs, 5s); }, boost::system::errc::interrupted);
    }
    {
        // Without a timeout too.
        error_code ec;
        {
            signal_sender sender;
            p.wait(evs, ec);
        }
        BOOST_TEST((ec == boost::system::errc::interrupted), ec.message());
    }
    // The poll is still usable.
    auto ends = make_byte_channel();
    p.registry().register_(ends.sender, token(1), interest::writable);
    mio_test::expect_events(p, evs, {mio_test::writable(1)});
}
#endif

BOOST_AUTO_TEST_CASE(destruction_closes_the_poll_fd)
{
    const int per_poll = mio_test::fds_per_poll(); // measured while no poll lives
    const int before = mio_test::count_open_fds();
    {
        poll p;
        BOOST_TEST(mio_test::count_open_fds() == before + per_poll);
    }
    BOOST_TEST(mio_test::count_open_fds() == before);

    // mio's poll_closes_fd: many polls in a row leak nothing.
    events evs(4);
    for (int i = 0; i < 2000; ++i)
    {
        poll p;
        p.wait(evs, 0ms);
    }
    BOOST_TEST(mio_test::count_open_fds() == before);
}

BOOST_AUTO_TEST_CASE(moved_from_poll_is_closed)
{
    events evs(4);
    poll p;
    auto ends = make_byte_channel();
    p.registry().register_(ends.sender, token(6), interest::writable);
    const auto fd = p.native_handle();
    const int before = mio_test::count_open_fds();

    poll q(std::move(p));
    BOOST_TEST(mio_test::count_open_fds() == before, "a move opens nothing");
    BOOST_TEST(!p.is_open()); // NOLINT(bugprone-use-after-move): documented state
    BOOST_TEST(mio_test::is_no_handle(p.native_handle()));
    BOOST_TEST(!p.registry().is_open());
    BOOST_TEST(q.is_open());
    BOOST_TEST(q.native_handle() == fd);

    // The registrations moved with it.
    mio_test::expect_events(q, evs, {mio_test::writable(6)});

    error_code ec;
    p.wait(evs, 0ms, ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor), ec.message());
    p.wait(evs, ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
    expect_system_error([&] { p.wait(evs, 0ms); }, boost::system::errc::bad_file_descriptor);
    expect_system_error([&] { p.wait(evs); }, boost::system::errc::bad_file_descriptor);
    p.registry().register_(ends.receiver, token(1), interest::readable, ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));

    // Move-assigning closes the target's own selector.
    const int per_poll = mio_test::fds_per_poll(); // while q lives, as when r is made
    poll r;
    BOOST_TEST(mio_test::count_open_fds() == before + per_poll);
    r = std::move(q);
    BOOST_TEST(mio_test::count_open_fds() == before);
    BOOST_TEST(r.native_handle() == fd);
    BOOST_TEST(!q.is_open()); // NOLINT(bugprone-use-after-move): documented state

    // A moved-from poll can be assigned a live one again.
    p = std::move(r);
    BOOST_TEST(p.is_open());
    p.wait(evs, 0ms);
}

// A source registers with one poll at a time on IOCP (its one AFD poll in
// flight is its registration), as in mio on Windows.
#if !defined(BOOST_MIO_BACKEND_IOCP)
BOOST_AUTO_TEST_CASE(two_polls_are_independent)
{
    poll a;
    poll b;
    events evs(4);
    auto ends = make_byte_channel();
    a.registry().register_(ends.receiver, token(1), interest::readable);
    b.registry().register_(ends.receiver, token(2), interest::readable);
    put_byte(ends.sender);
    mio_test::expect_events(a, evs, {mio_test::readable(1)});
    mio_test::expect_events(b, evs, {mio_test::readable(2)});
    a.registry().deregister(ends.receiver);
    b.registry().reregister(ends.receiver, token(3), interest::readable);
    mio_test::expect_events(b, evs, {mio_test::readable(3)});
    mio_test::expect_no_events(a, evs);
}
#endif

} // namespace
