//
// test/events.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/events.hpp>

#define BOOST_TEST_MODULE events
#include "util.hpp"
#include "byte_channel.hpp"

#include <iterator>
#include <set>
#include <type_traits>
#include <vector>

using boost::mio::event;
using boost::mio::events;
using boost::mio::interest;
using boost::mio::token;
using namespace std::chrono_literals;

// Every member compiles with the documented signature.
static_assert(!std::is_copy_constructible_v<events>);
static_assert(!std::is_copy_assignable_v<events>);
static_assert(std::is_nothrow_move_constructible_v<events>);
static_assert(std::is_nothrow_move_assignable_v<events>);
static_assert(!std::is_convertible_v<std::size_t, events>, "the constructor is explicit");
static_assert(std::is_same_v<decltype(events::with_capacity(1)), events>);
static_assert(std::is_same_v<decltype(std::declval<const events&>().capacity()), std::size_t>);
static_assert(std::is_same_v<decltype(std::declval<const events&>().size()), std::size_t>);
static_assert(std::is_same_v<decltype(std::declval<const events&>().empty()), bool>);
static_assert(std::is_same_v<decltype(*std::declval<const events&>().begin()), const event&>);
static_assert(std::is_same_v<events::const_iterator,
    decltype(std::declval<const events&>().end())>);
static_assert(std::is_same_v<std::iterator_traits<events::const_iterator>::iterator_category,
    std::random_access_iterator_tag>);
static_assert(noexcept(std::declval<const events&>().capacity()));
static_assert(noexcept(std::declval<const events&>().size()));
static_assert(noexcept(std::declval<const events&>().empty()));
static_assert(noexcept(std::declval<events&>().clear()));
static_assert(noexcept(std::declval<const events&>().begin()));
static_assert(noexcept(std::declval<const events&>().end()));

namespace {

// `n` byte channels (pipes on POSIX), each with one byte waiting.
std::vector<mio_test::byte_channel> readable_pipes(std::size_t n)
{
    std::vector<mio_test::byte_channel> pipes;
    for (std::size_t i = 0; i < n; ++i)
    {
        pipes.push_back(mio_test::make_byte_channel());
        const char byte = 'x';
        BOOST_REQUIRE(pipes.back().sender.write_some(boost::asio::buffer(&byte, 1)) == 1u);
    }
    return pipes;
}

} // namespace

BOOST_AUTO_TEST_CASE(new_buffer_is_empty_with_its_capacity)
{
    events evs(16);
    BOOST_TEST(evs.capacity() == 16u);
    BOOST_TEST(evs.size() == 0u);
    BOOST_TEST(evs.empty());
    BOOST_TEST((evs.begin() == evs.end()));

    const events other = events::with_capacity(3);
    BOOST_TEST(other.capacity() == 3u);
    BOOST_TEST(other.empty());
}

BOOST_AUTO_TEST_CASE(wait_fills_and_clear_empties)
{
    boost::mio::poll p;
    events evs(16);
    auto pipes = readable_pipes(3);
    for (std::size_t i = 0; i < pipes.size(); ++i)
        p.registry().register_(pipes[i].receiver, token(i + 100), interest::readable);

    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 3u);
    BOOST_TEST(!evs.empty());
    BOOST_TEST(evs.capacity() == 16u);
    BOOST_TEST(std::distance(evs.begin(), evs.end()) == 3);

    std::set<std::size_t> seen;
    for (const event& e : evs)
    {
        BOOST_TEST(e.is_readable());
        seen.insert(e.token().value());
    }
    BOOST_TEST((seen == std::set<std::size_t>{100, 101, 102}));
    for (std::size_t i = 0; i < evs.size(); ++i)
        BOOST_TEST((&evs[i] == evs.begin() + i));

    evs.clear();
    BOOST_TEST(evs.empty());
    BOOST_TEST(evs.size() == 0u);
    BOOST_TEST(evs.capacity() == 16u);
}

BOOST_AUTO_TEST_CASE(wait_clears_the_previous_batch)
{
    boost::mio::poll p;
    events evs(4);
    auto pipes = readable_pipes(1);
    p.registry().register_(pipes[0].receiver, token(1), interest::readable);
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    // Edge-triggered and not drained: nothing new, and the old batch is gone.
    p.wait(evs, 0ms);
    BOOST_TEST(evs.empty());
}

BOOST_AUTO_TEST_CASE(more_ready_than_capacity_none_lost)
{
    boost::mio::poll p;
    events evs(3);
    auto pipes = readable_pipes(10);
    for (std::size_t i = 0; i < pipes.size(); ++i)
        p.registry().register_(pipes[i].receiver, token(i), interest::readable);

    std::multiset<std::size_t> seen;
    for (int round = 0; round < 10 && seen.size() < 10; ++round)
    {
        p.wait(evs, mio_test::event_timeout);
        BOOST_TEST(evs.size() <= 3u);
        for (const event& e : evs)
            seen.insert(e.token().value());
    }
    BOOST_TEST(seen.size() == 10u);
    for (std::size_t i = 0; i < 10; ++i)
        BOOST_TEST(seen.count(i) == 1u, "token " << i << " reported " << seen.count(i) << " times");
    mio_test::expect_no_events(p, evs);
}

BOOST_AUTO_TEST_CASE(capacity_one_reports_one_at_a_time)
{
    boost::mio::poll p;
    events evs(1);
    auto pipes = readable_pipes(2);
    p.registry().register_(pipes[0].receiver, token(0), interest::readable);
    p.registry().register_(pipes[1].receiver, token(1), interest::readable);
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    const std::size_t first = evs.begin()->token().value();
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST(evs.begin()->token().value() == 1 - first);
}

BOOST_AUTO_TEST_CASE(zero_capacity_wait_reports_invalid_argument)
{
    boost::mio::poll p;
    events evs(0);
    BOOST_TEST(evs.capacity() == 0u);
    BOOST_TEST(evs.empty());
    BOOST_TEST((evs.begin() == evs.end()));

    // Even with a ready source: the buffer, not the poll, is at fault.
    auto pipes = readable_pipes(1);
    p.registry().register_(pipes[0].receiver, token(1), interest::readable);

    boost::system::error_code ec;
    p.wait(evs, 0ms, ec);
    BOOST_TEST((ec == boost::system::errc::invalid_argument), ec.message());
    BOOST_TEST(evs.empty());
    p.wait(evs, std::nullopt, ec); // would block forever if not rejected
    BOOST_TEST((ec == boost::system::errc::invalid_argument));
    p.wait(evs, ec);
    BOOST_TEST((ec == boost::system::errc::invalid_argument));

    try
    {
        p.wait(evs, 0ms);
        BOOST_FAIL("wait on a zero-capacity buffer did not throw");
    }
    catch (const boost::system::system_error& e)
    {
        BOOST_TEST((e.code() == boost::system::errc::invalid_argument));
    }
    BOOST_CHECK_THROW(p.wait(evs), boost::system::system_error);

    // The event was not consumed by the failed waits.
    events good(4);
    p.wait(good, mio_test::event_timeout);
    BOOST_TEST(good.size() == 1u);
}

BOOST_AUTO_TEST_CASE(moved_from_buffer_has_no_capacity)
{
    events a(8);
    events b(std::move(a));
    BOOST_TEST(b.capacity() == 8u);
    BOOST_TEST(a.capacity() == 0u); // NOLINT(bugprone-use-after-move): documented state
    BOOST_TEST(a.empty());

    boost::mio::poll p;
    auto pipes = readable_pipes(1);
    p.registry().register_(pipes[0].receiver, token(4), interest::readable);
    p.wait(b, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(b.size() == 1u);

    events c(2);
    c = std::move(b);
    BOOST_TEST(c.capacity() == 8u);
    BOOST_TEST(c.size() == 1u, "the filled batch moves with the buffer");
    BOOST_TEST((c.begin()->token() == token(4)));
    BOOST_TEST(b.capacity() == 0u);
    BOOST_TEST(b.empty());

    boost::system::error_code ec;
    p.wait(a, 0ms, ec);
    BOOST_TEST((ec == boost::system::errc::invalid_argument));
}
