//
// doc/snippets/error_handling.cpp: the code of doc/error_handling.adoc, run.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)

#define BOOST_TEST_MODULE snippets_error_handling
#include <boost/test/unit_test.hpp>

#include <boost/mio.hpp>
#include <boost/throw_exception.hpp>
#include <iostream>

namespace mio = boost::mio;

BOOST_AUTO_TEST_CASE(the_two_overload_forms)
{
    mio::poll poll;
    auto [tx, rx] = mio::posix::make_pipe();
    bool threw = false;
    bool ec_set = false;
    // tag::two_forms[]
    poll.registry().register_(rx, mio::token(1), mio::interest::readable);

    // The throwing form: boost::system::system_error, with the caller's line.
    try {
        poll.registry().register_(rx, mio::token(1), mio::interest::readable);
    } catch (const boost::system::system_error& e) {
        // e.code() == errc::file_exists (EEXIST: registered twice)
        std::cerr << e.what() << '\n';   // names the operation and the location
        std::cerr << boost::get_throw_location(e) << '\n';
        threw = e.code() == boost::system::errc::file_exists;
    }

    // The error_code form never throws and clears ec on success.
    boost::system::error_code ec;
    poll.registry().register_(rx, mio::token(1), mio::interest::readable, ec);
    if (ec == boost::system::errc::file_exists) { ec_set = true; }
    // end::two_forms[]
    BOOST_TEST(threw);
    BOOST_TEST(ec_set);
}

BOOST_AUTO_TEST_CASE(would_block_is_not_an_error_condition_to_throw_for)
{
    auto [tx, rx] = mio::posix::make_pipe();
    bool drained = false;
    // tag::would_block[]
    char buf[64];
    boost::system::error_code ec;
    rx.read_some(boost::asio::buffer(buf), ec);
    if (ec == boost::asio::error::would_block) {
        drained = true;                  // readiness used up: wait for the next event
    }
    // end::would_block[]
    BOOST_TEST(drained);
}

BOOST_AUTO_TEST_CASE(the_library_category)
{
    mio::poll poll;
    bool second = false;
    // tag::category[]
    mio::waker first(poll.registry(), mio::token(0));
    boost::system::error_code ec;
    mio::waker other(poll.registry(), mio::token(1), ec);
    if (ec == mio::error::waker_already_exists) {   // category "boost.mio"
        second = true;
    }
    // end::category[]
    BOOST_TEST(second);
    BOOST_TEST(ec.category().name() == std::string("boost.mio"));
}
