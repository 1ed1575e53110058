//
// test/throwing_overloads.cpp: the throwing forms throw system_error with
// the error of the ec form, a message naming the operation, and a source
// location.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#define BOOST_TEST_MODULE throwing_overloads
#include "util.hpp"

#include <boost/exception/get_error_info.hpp>
#include <boost/throw_exception.hpp>
#include <cerrno>
#include <cstring>
#include <string>

namespace mio = boost::mio;

namespace {

template <class F>
void expect_throw(F&& f, int expected_errno, const char* what)
{
    try
    {
        f();
        BOOST_FAIL("no exception for " << what);
    }
    catch (const boost::system::system_error& e)
    {
        BOOST_TEST(e.code().value() == expected_errno);
        BOOST_TEST((e.code().category() == boost::system::system_category()));
        BOOST_TEST(std::string(e.what()).find(what) != std::string::npos, e.what());
        const boost::source_location loc = boost::get_throw_location(e);
        BOOST_TEST(loc.line() > 0u);
        BOOST_TEST(std::string(loc.file_name()).find("boost/mio") != std::string::npos,
            loc.file_name());
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(register_of_bad_fd_throws_ebadf_with_location)
{
    mio::poll poll;
    expect_throw([&] { poll.registry().register_(mio::posix::source_fd(-1), mio::token(0),
                           mio::interest::readable); },
        EBADF, "register");
}

BOOST_AUTO_TEST_CASE(wait_on_zero_capacity_throws_einval)
{
    mio::poll poll;
    mio::events evs(0);
    expect_throw([&] { poll.wait(evs, std::chrono::milliseconds(0)); }, EINVAL, "wait");
}

BOOST_AUTO_TEST_CASE(ec_form_reports_the_same_error_and_does_not_throw)
{
    mio::poll poll;
    boost::system::error_code ec;
    auto ends = mio::posix::make_pipe();
    poll.registry().deregister(ends.receiver, ec); // never registered
    BOOST_TEST(ec.value() == ENOENT);
    ec = boost::asio::error::eof; // cleared on success
    mio::events evs(4);
    poll.wait(evs, std::chrono::milliseconds(0), ec);
    BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_CASE(second_waker_throws_library_error)
{
    mio::poll poll;
    mio::waker first(poll.registry(), mio::token(1));
    try
    {
        mio::waker second(poll.registry(), mio::token(2));
        BOOST_FAIL("no exception for a second waker");
    }
    catch (const boost::system::system_error& e)
    {
        BOOST_TEST((e.code() == mio::error::waker_already_exists));
        BOOST_TEST(std::string(e.code().category().name()) == "boost.mio");
        BOOST_TEST(std::string(e.what()).find("a waker already exists") != std::string::npos);
    }
}
