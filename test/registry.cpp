//
// test/registry.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/registry.hpp>

#define BOOST_TEST_MODULE registry
#include "util.hpp"
#include "byte_channel.hpp"

#include <atomic>
#include <limits>
#include <set>
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
using pipe_ends = mio_test::byte_channel;
#if !defined(_WIN32)
using boost::mio::posix::source_fd;
#endif
using boost::system::error_code;
using boost::system::errc::bad_file_descriptor;
using boost::system::errc::file_exists;
using boost::system::errc::no_such_file_or_directory;
using mio_test::expect_system_error;
using namespace std::chrono_literals;

// Every member compiles with the documented signature, and works on a
// const registry.
using creg = const registry&;
using pipe_receiver = decltype(mio_test::make_byte_channel().receiver);
static_assert(std::is_nothrow_default_constructible_v<registry>);
static_assert(!std::is_copy_constructible_v<registry>);
static_assert(!std::is_copy_assignable_v<registry>);
static_assert(std::is_nothrow_move_constructible_v<registry>);
static_assert(std::is_nothrow_move_assignable_v<registry>);
#if defined(BOOST_MIO_BACKEND_IOCP)
static_assert(std::is_same_v<registry::native_handle_type, void*>); // the completion port
#else
static_assert(std::is_same_v<registry::native_handle_type, int>);
#endif
static_assert(std::is_same_v<decltype(std::declval<creg>().register_(
    std::declval<pipe_receiver&>(), token(0), interest::readable)), void>);
static_assert(std::is_same_v<decltype(std::declval<creg>().register_(
    std::declval<const pipe_receiver&>(), token(0), interest::readable,
    std::declval<error_code&>())), void>);
#if !defined(_WIN32)
static_assert(std::is_same_v<decltype(std::declval<creg>().reregister(
    source_fd(0), token(0), interest::readable)), void>);
static_assert(std::is_same_v<decltype(std::declval<creg>().reregister(
    source_fd(0), token(0), interest::readable, std::declval<error_code&>())), void>);
static_assert(std::is_same_v<decltype(std::declval<creg>().deregister(source_fd(0))), void>);
static_assert(std::is_same_v<decltype(std::declval<creg>().deregister(
    source_fd(0), std::declval<error_code&>())), void>);
#endif
static_assert(std::is_same_v<decltype(std::declval<creg>().try_clone()), registry>);
static_assert(std::is_same_v<decltype(std::declval<creg>().try_clone(
    std::declval<error_code&>())), registry>);
static_assert(std::is_same_v<decltype(std::declval<creg>().native_handle()),
    registry::native_handle_type>);
static_assert(noexcept(std::declval<creg>().native_handle()));
static_assert(noexcept(std::declval<creg>().is_open()));

namespace {

void put_byte(mio_test::byte_sender& s)
{
    const char byte = 'x';
    BOOST_REQUIRE(s.write_some(boost::asio::buffer(&byte, 1)) == 1u);
}

// Registers, deregisters, registers and reregisters (mio's
// registry_ops_flow), returning the first failure.
error_code registration_flow(const registry& r, const pipe_receiver& src, token t)
{
    error_code ec;
    r.register_(src, t, interest::readable, ec);
    if (!ec)
        r.deregister(src, ec);
    if (!ec)
        r.register_(src, t, interest::writable, ec);
    if (!ec)
        r.reregister(src, t, interest::readable, ec);
    return ec;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_member_runs_once)
{
    poll p;
    events evs(4);
    const registry& r = p.registry();
    BOOST_TEST(r.is_open());
    BOOST_TEST(r.native_handle() == p.native_handle());
    auto ends = make_byte_channel();
    error_code ec;
    r.register_(ends.receiver, token(1), interest::readable);
    r.reregister(ends.receiver, token(2), interest::readable);
    r.deregister(ends.receiver);
    r.register_(ends.receiver, token(1), interest::readable, ec);
    BOOST_TEST(!ec);
    r.reregister(ends.receiver, token(2), interest::readable, ec);
    BOOST_TEST(!ec);
    r.deregister(ends.receiver, ec);
    BOOST_TEST(!ec);
    registry c1 = r.try_clone();
    registry c2 = r.try_clone(ec);
    BOOST_TEST(!ec);
    BOOST_TEST(c1.is_open());
    BOOST_TEST(c2.is_open());
}

BOOST_AUTO_TEST_CASE(register_then_event_with_its_token)
{
    poll p;
    events evs(4);
    auto ends = make_byte_channel();
    p.registry().register_(ends.receiver, token(11), interest::readable);
    mio_test::expect_no_events(p, evs);
    put_byte(ends.sender);
    mio_test::expect_events(p, evs, {mio_test::readable(11)});
}

BOOST_AUTO_TEST_CASE(double_register_fails_with_eexist)
{
    poll p;
    events evs(4);
    auto ends = make_byte_channel();
    p.registry().register_(ends.receiver, token(1), interest::readable);

    error_code ec;
    p.registry().register_(ends.receiver, token(2), interest::readable, ec);
    BOOST_TEST((ec == file_exists), ec.message());
    BOOST_TEST((ec.category() == boost::system::system_category()));
    expect_system_error(
        [&] { p.registry().register_(ends.receiver, token(1), interest::readable); },
        file_exists);

    // The failed calls left the first registration as it was.
    put_byte(ends.sender);
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST((evs.begin()->token() == token(1)));
}

BOOST_AUTO_TEST_CASE(reregister_without_register_fails_with_enoent)
{
    poll p;
    auto ends = make_byte_channel();
    error_code ec;
    p.registry().reregister(ends.receiver, token(1), interest::readable, ec);
    BOOST_TEST((ec == no_such_file_or_directory), ec.message());
    expect_system_error(
        [&] { p.registry().reregister(ends.receiver, token(1), interest::readable); },
        no_such_file_or_directory);
}

BOOST_AUTO_TEST_CASE(deregister_without_register_fails_with_enoent)
{
    poll p;
    auto ends = make_byte_channel();
    error_code ec;
    p.registry().deregister(ends.receiver, ec);
    BOOST_TEST((ec == no_such_file_or_directory), ec.message());
    expect_system_error([&] { p.registry().deregister(ends.receiver); },
        no_such_file_or_directory);
}

BOOST_AUTO_TEST_CASE(deregister_twice_fails_with_enoent)
{
    poll p;
    auto ends = make_byte_channel();
    p.registry().register_(ends.receiver, token(1), interest::readable);
    p.registry().deregister(ends.receiver);
    error_code ec;
    p.registry().deregister(ends.receiver, ec);
    BOOST_TEST((ec == no_such_file_or_directory));
    p.registry().reregister(ends.receiver, token(1), interest::readable, ec);
    BOOST_TEST((ec == no_such_file_or_directory));
}

BOOST_AUTO_TEST_CASE(success_clears_a_previous_error)
{
    poll p;
    auto ends = make_byte_channel();
    error_code ec = make_error_code(boost::system::errc::io_error);
    p.registry().register_(ends.receiver, token(1), interest::readable, ec);
    BOOST_TEST(!ec);
    ec = make_error_code(boost::system::errc::io_error);
    p.registry().reregister(ends.receiver, token(1), interest::readable, ec);
    BOOST_TEST(!ec);
    ec = make_error_code(boost::system::errc::io_error);
    p.registry().deregister(ends.receiver, ec);
    BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_CASE(register_again_after_deregister)
{
    poll p;
    events evs(4);
    auto ends = make_byte_channel();
    p.registry().register_(ends.receiver, token(1), interest::readable);
    p.registry().deregister(ends.receiver);
    p.registry().register_(ends.receiver, token(2), interest::readable);
    mio_test::expect_no_events(p, evs);
    put_byte(ends.sender);
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST((evs.begin()->token() == token(2)));
}

// mio's reregister_interest_token_usage: reregister replaces both the
// token and the interest, and may be repeated.
BOOST_AUTO_TEST_CASE(reregister_changes_token_and_interest)
{
    poll p;
    events evs(4);
    auto ends = make_byte_channel();
    // The write end is never readable: no event for this interest.
    p.registry().register_(ends.sender, token(1), interest::readable);
    p.registry().reregister(ends.sender, token(1), interest::readable);
    mio_test::expect_no_events(p, evs);

    p.registry().reregister(ends.sender, token(2), interest::writable);
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST((evs.begin()->token() == token(2)));
    BOOST_TEST(evs.begin()->is_writable());

    // Back to readable only: the writable readiness is no longer reported,
    // even though reregister re-arms the edge.
    p.registry().reregister(ends.sender, token(3), interest::readable);
    mio_test::expect_no_events(p, evs);
    p.registry().reregister(ends.sender, token(4), interest::readable | interest::writable);
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST((evs.begin()->token() == token(4)));
}

// The contract of registry::reregister: it re-arms the source, so an
// interest that is already ready when it is added is reported by the next
// wait, without an operation reporting would_block first. The common case:
// a write hit would_block, WRITABLE interest is added, and the send buffer
// drained in between.
BOOST_AUTO_TEST_CASE(reregister_reports_already_ready_interest)
{
    poll p;
    events evs(4);
#if defined(_WIN32) // a connected pair: TCP there
    auto [a, b] = mio_test::make_tcp_pair();
#else
    auto [a, b] = boost::mio::net::unix_stream::pair();
#endif
    p.registry().register_(a, token(1), interest::readable);
    // Make `a` readable and drain it, so its registration is quiet and its
    // send buffer (empty, writable all along) has raised no event.
    const char byte = 'x';
    BOOST_TEST_REQUIRE(b.write_some(boost::asio::buffer(&byte, 1)) == 1u);
    mio_test::expect_events(p, evs, {mio_test::readable(1)});
    char buf[16];
    error_code ec;
    while (!ec)
        a.read_some(boost::asio::buffer(buf), ec);
    BOOST_TEST_REQUIRE(mio_test::is_would_block(ec));

    p.registry().reregister(a, token(2), interest::readable | interest::writable);
    mio_test::expect_events(p, evs, {mio_test::writable(2)});
}

// mio's reregister_different_interest_without_poll: a readiness queued for
// the old interest is not reported under the new one.
BOOST_AUTO_TEST_CASE(reregister_drops_readiness_of_the_old_interest)
{
    poll p;
    events evs(4);
    auto ends = make_byte_channel();
    p.registry().register_(ends.receiver, token(1), interest::readable);
    put_byte(ends.sender);
    std::this_thread::sleep_for(20ms);
    p.registry().reregister(ends.receiver, token(1), interest::writable);
#if defined(_WIN32)
    // The receiver is a TCP socket there, writable all along: what must
    // not show is the old interest's readiness.
    p.wait(evs, 100ms);
    for (const auto& e : evs)
        BOOST_TEST(!e.is_readable());
#else
    mio_test::expect_no_events(p, evs, 100ms);
#endif
}

BOOST_AUTO_TEST_CASE(no_events_after_deregister)
{
    poll p;
    events evs(4);
    auto ends = make_byte_channel();
    p.registry().register_(ends.receiver, token(1), interest::readable);
    put_byte(ends.sender); // queued before deregister
    p.registry().deregister(ends.receiver);
    put_byte(ends.sender); // and after
    ends.sender.close();   // even a hang-up is not reported
    mio_test::expect_no_events(p, evs, 100ms);
}

BOOST_AUTO_TEST_CASE(closing_a_registered_fd_is_safe)
{
    poll p;
    events evs(4);
    auto ends = make_byte_channel();
    auto other = make_byte_channel();
    p.registry().register_(ends.receiver, token(1), interest::readable);
    p.registry().register_(other.receiver, token(2), interest::readable);
    put_byte(ends.sender);
    const auto fd = ends.receiver.native_handle();
    ends.receiver.close();
    BOOST_TEST(!ends.receiver.is_open());

    // The OS removed the registration with the last reference to the file.
    mio_test::expect_no_events(p, evs);
    error_code ec;
#if defined(_WIN32)
    (void)fd; // no source_fd: the closed stream itself says it
#else
    p.registry().deregister(source_fd(fd), ec);
    BOOST_TEST((ec == bad_file_descriptor), ec.message());
#endif
    p.registry().deregister(ends.receiver, ec);
    BOOST_TEST((ec == bad_file_descriptor));

    // The poll is unharmed.
    put_byte(other.sender);
    mio_test::expect_events(p, evs, {mio_test::readable(2)});
}

#if defined(BOOST_MIO_BACKEND_EPOLL)
// Why the registry's documentation says to deregister before closing a
// handle that may have been duplicated: epoll keys a registration on the
// open file, which outlives this fd while a duplicate is open. (kqueue
// keys it on the fd: test/kqueue_selector.cpp; on poll(2) a library source
// deregisters itself when it closes.)
BOOST_AUTO_TEST_CASE(registration_outlives_close_while_a_dup_is_open)
{
    poll p;
    events evs(4);
    auto ends = make_byte_channel();
    p.registry().register_(ends.receiver, token(9), interest::readable);
    const int dup = ::fcntl(ends.receiver.native_handle(), F_DUPFD_CLOEXEC, 0);
    BOOST_TEST_REQUIRE(dup >= 0);
    ends.receiver.close();
    put_byte(ends.sender);
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST(evs.size() == 1u);
    ::close(dup); // the last reference: now the registration is gone
    mio_test::expect_no_events(p, evs);
}
#endif

#if !defined(_WIN32) // raw fds through posix::source_fd
BOOST_AUTO_TEST_CASE(invalid_fd_reports_ebadf)
{
    poll p;
    const registry& r = p.registry();
    error_code ec;
    r.register_(source_fd(-1), token(1), interest::readable, ec);
    BOOST_TEST((ec == bad_file_descriptor), ec.message());
    r.reregister(source_fd(-1), token(1), interest::readable, ec);
    BOOST_TEST((ec == bad_file_descriptor));
    r.deregister(source_fd(-1), ec);
    BOOST_TEST((ec == bad_file_descriptor));
    expect_system_error([&] { r.register_(source_fd(-1), token(1), interest::readable); },
        bad_file_descriptor);
    expect_system_error([&] { r.reregister(source_fd(-1), token(1), interest::readable); },
        bad_file_descriptor);
    expect_system_error([&] { r.deregister(source_fd(-1)); }, bad_file_descriptor);
}

BOOST_AUTO_TEST_CASE(closed_fd_reports_ebadf)
{
    poll p;
    const registry& r = p.registry();
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    ::close(fds[0]);
    ::close(fds[1]);
    error_code ec;
    r.register_(source_fd(fds[0]), token(1), interest::readable, ec);
    BOOST_TEST((ec == bad_file_descriptor), ec.message());
    r.reregister(source_fd(fds[0]), token(1), interest::readable, ec);
    BOOST_TEST((ec == bad_file_descriptor));
    r.deregister(source_fd(fds[0]), ec);
    BOOST_TEST((ec == bad_file_descriptor));
    expect_system_error([&] { r.register_(source_fd(fds[1]), token(1), interest::readable); },
        bad_file_descriptor);
    expect_system_error([&] { r.reregister(source_fd(fds[1]), token(1), interest::writable); },
        bad_file_descriptor);
    expect_system_error([&] { r.deregister(source_fd(fds[1])); }, bad_file_descriptor);

    // A closed library source, too.
    pipe_receiver closed;
    r.register_(closed, token(1), interest::readable, ec);
    BOOST_TEST((ec == bad_file_descriptor));
    expect_system_error([&] { r.deregister(closed); }, bad_file_descriptor);
}
#endif

BOOST_AUTO_TEST_CASE(closed_registry_reports_ebadf)
{
    auto ends = make_byte_channel();
    registry closed;
    BOOST_TEST(!closed.is_open());
    BOOST_TEST(mio_test::is_no_handle(closed.native_handle()));

    poll p;
    registry moved = p.registry().try_clone();
    registry target = std::move(moved);
    BOOST_TEST(target.is_open());
    BOOST_TEST(!moved.is_open()); // NOLINT(bugprone-use-after-move): documented state

    for (const registry* r : {static_cast<const registry*>(&closed),
             static_cast<const registry*>(&moved)})
    {
        error_code ec;
        r->register_(ends.receiver, token(1), interest::readable, ec);
        BOOST_TEST((ec == bad_file_descriptor), ec.message());
        r->reregister(ends.receiver, token(1), interest::readable, ec);
        BOOST_TEST((ec == bad_file_descriptor));
        r->deregister(ends.receiver, ec);
        BOOST_TEST((ec == bad_file_descriptor));
        registry c = r->try_clone(ec);
        BOOST_TEST((ec == bad_file_descriptor));
        BOOST_TEST(!c.is_open());
        expect_system_error([&] { r->register_(ends.receiver, token(1), interest::readable); },
            bad_file_descriptor);
        expect_system_error([&] { r->reregister(ends.receiver, token(1), interest::readable); },
            bad_file_descriptor);
        expect_system_error([&] { r->deregister(ends.receiver); }, bad_file_descriptor);
        expect_system_error([&] { (void)r->try_clone(); }, bad_file_descriptor);
    }
}

BOOST_AUTO_TEST_CASE(clone_is_the_same_registry)
{
    poll p;
    events evs(8);
    registry clone = p.registry().try_clone();
    BOOST_TEST(clone.is_open());
#if defined(BOOST_MIO_BACKEND_IOCP)
    // A completion port cannot be duplicated into another selector: a
    // clone shares it.
    BOOST_TEST(clone.native_handle() == p.registry().native_handle());
#else
    BOOST_TEST(clone.native_handle() != p.registry().native_handle(), "a new handle");
    BOOST_TEST(mio_test::is_cloexec(clone.native_handle()));
#endif

    auto a = make_byte_channel();
    auto b = make_byte_channel();
    clone.register_(a.receiver, token(1), interest::readable);
    p.registry().register_(b.receiver, token(2), interest::readable);

    // Known to both handles.
    error_code ec;
    p.registry().register_(a.receiver, token(3), interest::readable, ec);
    BOOST_TEST((ec == file_exists));
    clone.register_(b.receiver, token(3), interest::readable, ec);
    BOOST_TEST((ec == file_exists));
    registry clone_of_clone = clone.try_clone();
    clone_of_clone.reregister(b.receiver, token(4), interest::readable);

    put_byte(a.sender);
    put_byte(b.sender);
    mio_test::expect_events(p, evs, {mio_test::readable(1), mio_test::readable(4)});

    p.registry().deregister(a.receiver);
    clone.deregister(b.receiver);
    clone_of_clone.deregister(a.receiver, ec);
    BOOST_TEST((ec == no_such_file_or_directory));
}

BOOST_AUTO_TEST_CASE(clone_keeps_working_after_the_original_handle_moves)
{
    events evs(4);
    poll p;
    registry clone = p.registry().try_clone();
    poll moved = std::move(p);
    auto ends = make_byte_channel();
    clone.register_(ends.receiver, token(5), interest::readable);
    put_byte(ends.sender);
    mio_test::expect_events(moved, evs, {mio_test::readable(5)});
}

BOOST_AUTO_TEST_CASE(register_from_another_thread_while_waiting)
{
    poll p;
    events evs(4);
    registry clone = p.registry().try_clone();
    auto ends = make_byte_channel();
    put_byte(ends.sender); // already readable when registered

    error_code thread_ec;
    // Before the thread starts: its sleep counts from here.
    const auto start = std::chrono::steady_clock::now();
    std::thread t([&] {
        std::this_thread::sleep_for(50ms);
        clone.register_(ends.receiver, token(7), interest::readable, thread_ec);
    });
    error_code ec;
    p.wait(evs, 5s, ec);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    t.join();

    BOOST_TEST(!thread_ec, thread_ec.message());
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST((evs.begin()->token() == token(7)));
    BOOST_TEST(evs.begin()->is_readable());
    BOOST_TEST((elapsed >= 40ms), "the wait blocked until the registration");
    BOOST_TEST((elapsed < 4s), "the registration ended the wait");
}

BOOST_AUTO_TEST_CASE(original_registry_is_usable_from_other_threads)
{
    // Registry members are const and thread-safe: no clone is needed.
    poll p;
    events evs(4);
    auto ends = make_byte_channel();
    error_code thread_ec;
    std::thread t([&, &r = p.registry()] {
        r.register_(ends.receiver, token(3), interest::readable, thread_ec);
    });
    t.join();
    BOOST_TEST(!thread_ec);
    put_byte(ends.sender);
    mio_test::expect_events(p, evs, {mio_test::readable(3)});
}

// Several threads hammer the same registry (some through a shared clone,
// some through their own) with many pipes at once; afterwards every pipe
// is registered exactly once, under its own token.
BOOST_AUTO_TEST_CASE(clones_used_concurrently_from_many_threads)
{
    constexpr std::size_t threads = 4;
    constexpr std::size_t per_thread = 32;
    constexpr int rounds = 5;

    poll p;
    events evs(64);
    const registry shared = p.registry().try_clone();
    std::vector<std::vector<pipe_ends>> pipes(threads);
    for (auto& v : pipes)
        for (std::size_t i = 0; i < per_thread; ++i)
            v.push_back(make_byte_channel());

    std::atomic<int> failures{0};
    std::atomic<std::size_t> ready{0};
    std::vector<std::thread> workers;
    for (std::size_t t = 0; t < threads; ++t)
    {
        workers.emplace_back([&, t] {
            error_code ec;
            const registry own = shared.try_clone(ec);
            if (ec)
                ++failures;
            const registry& r = (t % 2 == 0) ? shared : own;
            ++ready;
            while (ready.load() < threads)
                std::this_thread::yield();
            for (int round = 0; round < rounds; ++round)
            {
                for (std::size_t i = 0; i < per_thread; ++i)
                {
                    const token tok(t * per_thread + i);
                    if (registration_flow(r, pipes[t][i].receiver, tok))
                        ++failures;
                    if (round + 1 < rounds)
                    {
                        r.deregister(pipes[t][i].receiver, ec);
                        if (ec)
                            ++failures;
                    }
                }
            }
            for (auto& ends : pipes[t])
            {
                const char byte = 'x';
                if (ends.sender.write_some(boost::asio::buffer(&byte, 1), ec) != 1)
                    ++failures;
            }
        });
    }
    for (auto& w : workers)
        w.join();
    BOOST_TEST(failures.load() == 0);

    std::multiset<std::size_t> seen;
    const auto deadline = std::chrono::steady_clock::now() + mio_test::event_timeout;
    while (seen.size() < threads * per_thread && std::chrono::steady_clock::now() < deadline)
    {
        p.wait(evs, 100ms);
        for (const auto& e : evs)
        {
            BOOST_TEST(e.is_readable());
            seen.insert(e.token().value());
        }
    }
    BOOST_TEST(seen.size() == threads * per_thread);
    for (std::size_t tok = 0; tok < threads * per_thread; ++tok)
        BOOST_TEST(seen.count(tok) == 1u, "token " << tok);
    mio_test::expect_no_events(p, evs);
}

BOOST_AUTO_TEST_CASE(tokens_at_the_numeric_limits_round_trip)
{
    constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
    poll p;
    events evs(4);
    auto a = make_byte_channel();
    auto b = make_byte_channel();
    p.registry().register_(a.receiver, token(0), interest::readable);
    p.registry().register_(b.receiver, token(max), interest::readable);
    put_byte(a.sender);
    put_byte(b.sender);
    std::set<std::size_t> seen;
    const auto deadline = std::chrono::steady_clock::now() + mio_test::event_timeout;
    while (seen.size() < 2 && std::chrono::steady_clock::now() < deadline)
    {
        p.wait(evs, 100ms);
        for (const auto& e : evs)
            seen.insert(e.token().value());
    }
    BOOST_TEST((seen == std::set<std::size_t>{0, max}));

    p.registry().reregister(a.receiver, token(max - 1), interest::readable);
    put_byte(a.sender);
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST(evs.begin()->token().value() == max - 1);
}

} // namespace
