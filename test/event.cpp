//
// test/event.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/event.hpp>

#define BOOST_TEST_MODULE event
#include "util.hpp"

#include <limits>
#include <sstream>
#include <string>
#include <sys/epoll.h>
#include <type_traits>

using boost::mio::event;
using boost::mio::token;

// The event is the native struct behind accessors, nothing more.
static_assert(std::is_same_v<event::native_type, ::epoll_event>);
static_assert(sizeof(event) == sizeof(::epoll_event));
static_assert(alignof(event) == alignof(::epoll_event));
static_assert(std::is_standard_layout_v<event>);
static_assert(std::is_trivially_copyable_v<event>);
static_assert(std::is_nothrow_default_constructible_v<event>);

// Every member compiles with the documented signature.
static_assert(std::is_same_v<decltype(std::declval<const event&>().token()), token>);
static_assert(std::is_same_v<decltype(std::declval<const event&>().native()),
    const ::epoll_event&>);
static_assert(std::is_same_v<decltype(event::from_native(std::declval<const ::epoll_event&>())),
    const event&>);
static_assert(noexcept(std::declval<const event&>().token()));
static_assert(noexcept(std::declval<const event&>().is_readable()));
static_assert(noexcept(std::declval<const event&>().is_writable()));
static_assert(noexcept(std::declval<const event&>().is_error()));
static_assert(noexcept(std::declval<const event&>().is_read_closed()));
static_assert(noexcept(std::declval<const event&>().is_write_closed()));
static_assert(noexcept(std::declval<const event&>().is_priority()));
static_assert(noexcept(std::declval<const event&>().native()));

namespace {

::epoll_event native(std::uint32_t flags, std::uint64_t tok = 7)
{
    ::epoll_event e{};
    e.events = flags;
    e.data.u64 = tok;
    return e;
}

std::string str(const event& e)
{
    std::ostringstream os;
    os << e;
    return os.str();
}

} // namespace

BOOST_AUTO_TEST_CASE(default_event_has_token_zero_and_no_readiness)
{
    const event e;
    BOOST_TEST(e.token().value() == 0u);
    BOOST_TEST(!e.is_readable());
    BOOST_TEST(!e.is_writable());
    BOOST_TEST(!e.is_error());
    BOOST_TEST(!e.is_read_closed());
    BOOST_TEST(!e.is_write_closed());
    BOOST_TEST(!e.is_priority());
    BOOST_TEST(e.native().events == 0u);
    BOOST_TEST(str(e) == "event{token=0, NONE}");
}

BOOST_AUTO_TEST_CASE(from_native_is_a_view_not_a_copy)
{
    const ::epoll_event n = native(EPOLLIN, 42);
    const event& e = event::from_native(n);
    BOOST_TEST(static_cast<const void*>(&e) == static_cast<const void*>(&n));
    BOOST_TEST(&e.native() == &n);
    BOOST_TEST(e.token().value() == 42u);
}

// The flag mapping is mio's (src/sys/unix/selector/epoll.rs).
BOOST_AUTO_TEST_CASE(readiness_flags_map_as_in_mio)
{
    const ::epoll_event in = native(EPOLLIN);
    BOOST_TEST(event::from_native(in).is_readable());
    BOOST_TEST(!event::from_native(in).is_read_closed());
    BOOST_TEST(!event::from_native(in).is_priority());

    const ::epoll_event pri = native(EPOLLPRI);
    BOOST_TEST(event::from_native(pri).is_readable(), "urgent data is also readable");
    BOOST_TEST(event::from_native(pri).is_priority());

    const ::epoll_event out = native(EPOLLOUT);
    BOOST_TEST(event::from_native(out).is_writable());
    BOOST_TEST(!event::from_native(out).is_readable());
    BOOST_TEST(!event::from_native(out).is_write_closed());

    const ::epoll_event hup = native(EPOLLHUP);
    BOOST_TEST(event::from_native(hup).is_read_closed());
    BOOST_TEST(event::from_native(hup).is_write_closed());
    BOOST_TEST(!event::from_native(hup).is_error());

    const ::epoll_event rdhup = native(EPOLLIN | EPOLLRDHUP);
    BOOST_TEST(event::from_native(rdhup).is_read_closed());
    BOOST_TEST(!event::from_native(rdhup).is_write_closed());
    const ::epoll_event rdhup_alone = native(EPOLLRDHUP);
    BOOST_TEST(!event::from_native(rdhup_alone).is_read_closed());

    const ::epoll_event err = native(EPOLLERR);
    BOOST_TEST(event::from_native(err).is_error());
    BOOST_TEST(event::from_native(err).is_write_closed(), "a pipe whose reader is gone");
    const ::epoll_event out_err = native(EPOLLOUT | EPOLLERR);
    BOOST_TEST(event::from_native(out_err).is_write_closed());
    BOOST_TEST(event::from_native(out_err).is_error());
    const ::epoll_event in_err = native(EPOLLIN | EPOLLERR);
    BOOST_TEST(event::from_native(in_err).is_error());
    BOOST_TEST(!event::from_native(in_err).is_write_closed());
}

BOOST_AUTO_TEST_CASE(prints_token_and_flags)
{
    const ::epoll_event n = native(EPOLLIN | EPOLLRDHUP, 3);
    BOOST_TEST(str(event::from_native(n)) == "event{token=3, READABLE | READ_CLOSED}");
    const ::epoll_event all = native(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLPRI, 9);
    BOOST_TEST(str(event::from_native(all))
        == "event{token=9, READABLE | WRITABLE | ERROR | READ_CLOSED | WRITE_CLOSED | PRIORITY}");
}

BOOST_AUTO_TEST_CASE(token_survives_the_full_width)
{
    const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    const ::epoll_event n = native(EPOLLOUT, max);
    BOOST_TEST(event::from_native(n).token().value() == static_cast<std::size_t>(max));
}

BOOST_AUTO_TEST_CASE(real_event_from_a_pipe)
{
    boost::mio::poll p;
    boost::mio::events evs(4);
    auto ends = boost::mio::posix::make_pipe();
    p.registry().register_(ends.sender, token(5), boost::mio::interest::writable);
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    const event& e = *evs.begin();
    BOOST_TEST((e.token() == token(5)));
    BOOST_TEST(e.is_writable());
    BOOST_TEST(!e.is_readable());
    BOOST_TEST(!e.is_error());
    BOOST_TEST(!e.is_write_closed());
    BOOST_TEST((e.native().events & EPOLLOUT) != 0u);
    BOOST_TEST(str(e) == "event{token=5, WRITABLE}");
}
