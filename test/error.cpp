//
// test/error.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/error.hpp>

#define BOOST_TEST_MODULE error
#include "util.hpp"

#include <boost/throw_exception.hpp>
#include <cstring>
#include <string>
#include <type_traits>

using boost::mio::error;
using boost::system::error_code;

// Every member compiles with the documented signature.
static_assert(std::is_enum_v<error>);
static_assert(!std::is_convertible_v<error, int>, "a scoped enum");
static_assert(boost::system::is_error_code_enum<error>::value);
static_assert(std::is_convertible_v<error, error_code>, "through make_error_code");
static_assert(std::is_same_v<decltype(boost::mio::get_error_category()),
    const boost::system::error_category&>);
static_assert(noexcept(boost::mio::get_error_category()));
static_assert(std::is_same_v<decltype(make_error_code(error::waker_already_exists)), error_code>);
static_assert(noexcept(make_error_code(error::waker_already_exists)));

BOOST_AUTO_TEST_CASE(category_is_named_and_unique)
{
    const auto& cat = boost::mio::get_error_category();
    BOOST_TEST(std::strcmp(cat.name(), "boost.mio") == 0);
    BOOST_TEST(&cat == &boost::mio::get_error_category());
    BOOST_TEST((cat != boost::system::system_category()));
    BOOST_TEST((cat != boost::system::generic_category()));
}

BOOST_AUTO_TEST_CASE(waker_already_exists_is_a_distinct_error)
{
    const error_code ec = error::waker_already_exists;
    BOOST_TEST(ec.failed());
    BOOST_TEST(ec.value() == 1);
    BOOST_TEST((ec.category() == boost::mio::get_error_category()));
    BOOST_TEST((ec == error::waker_already_exists));
    BOOST_TEST((ec == make_error_code(error::waker_already_exists)));
    BOOST_TEST(ec.message() == "a waker already exists for this poll");
    // Not mistaken for the errno with the same value (EPERM).
    BOOST_TEST((ec != boost::system::errc::operation_not_permitted));
    BOOST_TEST((ec != error_code(1, boost::system::system_category())));
}

BOOST_AUTO_TEST_CASE(unknown_values_have_a_message)
{
    const error_code ec(12345, boost::mio::get_error_category());
    BOOST_TEST(ec.message() == "unknown boost.mio error");
}

BOOST_AUTO_TEST_CASE(thrown_error_carries_code_message_and_location)
{
    boost::mio::poll p;
    boost::mio::waker w(p.registry(), boost::mio::token(1));
    const unsigned line = __LINE__ + 3; // the line of the throwing call
    try
    {
        boost::mio::waker second(p.registry(), boost::mio::token(2));
        BOOST_FAIL("no exception");
    }
    catch (const boost::system::system_error& e)
    {
        BOOST_TEST((e.code() == error::waker_already_exists));
        const std::string what = e.what();
        BOOST_TEST(what.find("a waker already exists for this poll") != std::string::npos, what);
        BOOST_TEST(what.find("waker") == 0u, "names the operation: " << what);
        // The caller's line, in the exception and in its code (which what()
        // then shows), as Boost.System 1.79+ records locations.
        const boost::source_location loc = boost::get_throw_location(e);
        BOOST_TEST(loc.line() == line);
        BOOST_TEST(std::string(loc.file_name()) == __FILE__);
        BOOST_TEST(e.code().location().line() == line);
        BOOST_TEST(what.find(__FILE__ ":" + std::to_string(line)) != std::string::npos, what);
    }
}

BOOST_AUTO_TEST_CASE(os_errors_stay_in_the_system_category)
{
    boost::mio::poll p;
    error_code ec;
#if defined(_WIN32)
    // A closed socket: WSAEBADF (the error is the OS's, in its category).
    p.registry().register_(boost::mio::net::tcp_stream(), boost::mio::token(0),
        boost::mio::interest::readable, ec);
    BOOST_TEST((ec.category() == boost::system::system_category()));
    BOOST_TEST(ec.value() == WSAEBADF);
#else
    p.registry().register_(boost::mio::posix::source_fd(-1), boost::mio::token(0),
        boost::mio::interest::readable, ec);
    BOOST_TEST((ec.category() == boost::system::system_category()));
    BOOST_TEST(ec.value() == EBADF);
#endif
}
