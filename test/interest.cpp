//
// test/interest.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/interest.hpp>

#define BOOST_TEST_MODULE interest
#include "util.hpp"
#include "byte_channel.hpp"

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>

using boost::mio::interest;

// Every member compiles, and everything but operator<< is a constant
// expression.
static_assert(std::is_trivially_copyable_v<interest>);
static_assert(!std::is_default_constructible_v<interest>, "no empty interest");
static_assert(!std::is_constructible_v<interest, std::uint8_t>, "no public way to make one");
static_assert(!std::is_constructible_v<interest, int>);
static_assert(std::is_same_v<decltype(interest::readable.add(interest::writable)), interest>);
static_assert(std::is_same_v<decltype(interest::readable.remove(interest::writable)),
    std::optional<interest>>);
static_assert(std::is_same_v<decltype(interest::readable | interest::writable), interest>);
static_assert(noexcept(interest::readable.add(interest::writable)));
static_assert(noexcept(interest::readable.remove(interest::writable)));
static_assert(noexcept(interest::readable | interest::writable));
static_assert(noexcept(interest::readable == interest::writable));

static_assert(interest::readable.is_readable() && !interest::readable.is_writable()
    && !interest::readable.is_priority());
static_assert(!interest::writable.is_readable() && interest::writable.is_writable()
    && !interest::writable.is_priority());
static_assert(!interest::priority.is_readable() && !interest::priority.is_writable()
    && interest::priority.is_priority());
static_assert(interest::readable != interest::writable);
static_assert(interest::readable != interest::priority);
static_assert(interest::writable != interest::priority);

constexpr interest both = interest::readable | interest::writable;
static_assert(both.is_readable() && both.is_writable() && !both.is_priority());
static_assert(both == interest::readable.add(interest::writable));
static_assert(both == (interest::writable | interest::readable), "| is commutative");
static_assert((both | interest::readable) == both, "| is idempotent");
static_assert(*both.remove(interest::writable) == interest::readable);
static_assert(*both.remove(interest::readable) == interest::writable);
static_assert(!interest::readable.remove(interest::readable).has_value(),
    "removing the last member gives nullopt, never an empty interest");
static_assert(!both.remove(both).has_value());
static_assert(*interest::readable.remove(interest::writable) == interest::readable,
    "removing a member that is not there changes nothing");

constexpr interest or_assigned()
{
    interest i = interest::readable;
    i |= interest::priority;
    return i;
}
static_assert(or_assigned() == (interest::readable | interest::priority));

namespace {
std::string str(interest i)
{
    std::ostringstream os;
    os << i;
    return os.str();
}
} // namespace

BOOST_AUTO_TEST_CASE(prints_members_joined_by_bar)
{
    BOOST_TEST(str(interest::readable) == "READABLE");
    BOOST_TEST(str(interest::writable) == "WRITABLE");
    BOOST_TEST(str(interest::priority) == "PRIORITY");
    BOOST_TEST(str(interest::readable | interest::writable) == "READABLE | WRITABLE");
    BOOST_TEST(str(interest::writable | interest::priority) == "WRITABLE | PRIORITY");
    BOOST_TEST(str(interest::priority | interest::writable | interest::readable)
        == "READABLE | WRITABLE | PRIORITY");
}

BOOST_AUTO_TEST_CASE(or_assign_adds_members)
{
    interest i = interest::writable;
    interest& ref = (i |= interest::readable);
    BOOST_TEST(&ref == &i);
    BOOST_TEST(i.is_readable());
    BOOST_TEST(i.is_writable());
    BOOST_TEST(!i.is_priority());
}

BOOST_AUTO_TEST_CASE(remove_at_run_time)
{
    interest i = interest::readable | interest::writable | interest::priority;
    std::optional<interest> rest = i.remove(interest::readable | interest::priority);
    BOOST_TEST_REQUIRE(rest.has_value());
    BOOST_TEST((*rest == interest::writable));
    BOOST_TEST(!rest->remove(interest::writable).has_value());
}

BOOST_AUTO_TEST_CASE(every_combination_is_a_registrable_interest)
{
    // Each non-empty combination is accepted by a real registration.
    boost::mio::poll p;
    auto ends = mio_test::make_byte_channel();
    const interest all[] = {interest::readable, interest::writable, interest::priority,
        interest::readable | interest::writable, interest::readable | interest::priority,
        interest::writable | interest::priority,
        interest::readable | interest::writable | interest::priority};
    for (interest i : all)
    {
        boost::system::error_code ec;
        p.registry().register_(ends.receiver, boost::mio::token(1), i, ec);
        BOOST_TEST(!ec, str(i) << ": " << ec.message());
        p.registry().deregister(ends.receiver, ec);
        BOOST_TEST(!ec);
    }
}
