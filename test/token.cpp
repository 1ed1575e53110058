//
// test/token.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/token.hpp>

#define BOOST_TEST_MODULE token
#include "util.hpp"

#include <limits>
#include <type_traits>
#include <unordered_set>

using boost::mio::token;

static_assert(std::is_trivially_copyable_v<token>);
static_assert(std::is_nothrow_default_constructible_v<token>, "token is regular");
static_assert(token().value() == 0, "a default token is token(0), in constant expressions too");
static_assert(token() == token(0));
static_assert(!std::is_convertible_v<std::size_t, token>, "the constructor is explicit");
static_assert(token(7).value() == 7);
static_assert(std::is_nothrow_constructible_v<token, std::size_t>);
static_assert(noexcept(token(1).value()) && noexcept(token(1) == token(2))
    && noexcept(token(1) < token(2)));
static_assert(noexcept(std::hash<token>{}(token(1))));
static_assert(std::is_same_v<decltype(token(1).value()), std::size_t>);
static_assert(token(1) < token(2) && token(2) > token(1) && token(1) <= token(1)
    && token(1) >= token(1) && token(1) == token(1) && token(1) != token(2));

BOOST_AUTO_TEST_CASE(holds_any_value_including_limits)
{
    const std::size_t max = std::numeric_limits<std::size_t>::max();
    BOOST_TEST(token(0).value() == 0u);
    BOOST_TEST(token(max).value() == max);
    BOOST_TEST((token(max) > token(0)));
}

BOOST_AUTO_TEST_CASE(default_constructed_is_zero_and_assignable)
{
    token t;
    BOOST_TEST(t.value() == 0u);
    t = token(9);
    BOOST_TEST(t.value() == 9u);
    const token zeros[2]{};
    BOOST_TEST((zeros[0] == token(0) && zeros[1] == token(0)));
}

BOOST_AUTO_TEST_CASE(hashes_like_its_value)
{
    std::unordered_set<token> set{token(1), token(2), token(1)};
    BOOST_TEST(set.size() == 2u);
    BOOST_TEST(std::hash<token>{}(token(42)) == std::hash<std::size_t>{}(42));
}

BOOST_AUTO_TEST_CASE(prints_as_token_value)
{
    std::ostringstream os;
    os << token(7);
    BOOST_TEST(os.str() == "token(7)");
    BOOST_TEST(token(3) == token(3)); // printable, so BOOST_TEST needs no extra parentheses
}
