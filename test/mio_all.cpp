//
// test/mio_all.cpp: <boost/mio.hpp> alone is enough for the core API.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// Only the umbrella header, and first.
#include <boost/mio.hpp>

#include <type_traits>

// Every public name of the core is reachable through it.
static_assert(std::is_class_v<boost::mio::token>);
static_assert(std::is_class_v<boost::mio::interest>);
static_assert(std::is_class_v<boost::mio::event>);
static_assert(std::is_class_v<boost::mio::events>);
static_assert(std::is_class_v<boost::mio::registry>);
static_assert(std::is_class_v<boost::mio::poll>);
static_assert(std::is_class_v<boost::mio::waker>);
static_assert(std::is_enum_v<boost::mio::error>);
static_assert(boost::mio::is_event_source_v<boost::mio::net::tcp_stream>);
#if !defined(_WIN32) // posix:: is POSIX only, and left out of the umbrella there
static_assert(boost::mio::is_event_source_v<boost::mio::posix::source_fd>);
static_assert(boost::mio::is_event_source_v<boost::mio::posix::sender>);
static_assert(boost::mio::is_event_source_v<boost::mio::posix::receiver>);
static_assert(std::is_class_v<boost::mio::posix::pipe_ends>);
#  if defined(BOOST_MIO_HAS_CONCEPTS)
static_assert(boost::mio::event_source<boost::mio::posix::receiver>);
#  endif
#endif
static_assert(BOOST_MIO_VERSION >= 100, "<boost/mio.hpp> brings in version.hpp");

#define BOOST_TEST_MODULE mio_all
#include "util.hpp"
#include "byte_channel.hpp"

BOOST_AUTO_TEST_CASE(a_round_trip_with_the_umbrella_header)
{
    namespace mio = boost::mio;
    mio::poll p;
    mio::events evs(4);
    auto ends = mio_test::make_byte_channel();
    p.registry().register_(ends.receiver, mio::token(1), mio::interest::readable);
    const mio::waker w(p.registry(), mio::token(2));
    w.wake();
    const char byte = 'x';
    ends.sender.write_some(boost::asio::buffer(&byte, 1));
    mio_test::expect_events(p, evs, {mio_test::readable(1), mio_test::readable(2)});
}
