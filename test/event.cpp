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
#include "byte_channel.hpp"

#include <limits>
#include <sstream>
#include <string>
#include <cstring>
#include <type_traits>

using boost::mio::event;
using boost::mio::token;
using native_type = event::native_type;

// The event is the native struct behind accessors, nothing more.
static_assert(sizeof(event) == sizeof(native_type));
static_assert(alignof(event) == alignof(native_type));
static_assert(std::is_standard_layout_v<event>);
static_assert(std::is_trivially_copyable_v<event>);
static_assert(std::is_nothrow_default_constructible_v<event>);

// Every member compiles with the documented signature.
static_assert(std::is_same_v<decltype(std::declval<const event&>().token()), token>);
static_assert(std::is_same_v<decltype(std::declval<const event&>().native()),
    const native_type&>);
static_assert(std::is_same_v<decltype(event::from_native(std::declval<const native_type&>())),
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

std::string str(const event& e)
{
    std::ostringstream os;
    os << e;
    return os.str();
}

} // namespace

#if defined(BOOST_MIO_BACKEND_EPOLL) || defined(BOOST_MIO_BACKEND_POLL)

// epoll and poll(2) report the same flags under other names, and map them
// the same way (mio's epoll.rs and poll.rs).
#if defined(BOOST_MIO_BACKEND_EPOLL)
#  include <sys/epoll.h>
static_assert(std::is_same_v<native_type, ::epoll_event>);
using native_flags = std::uint32_t;
constexpr native_flags IN = EPOLLIN, PRI = EPOLLPRI, OUT = EPOLLOUT, HUP = EPOLLHUP,
                       RDHUP = EPOLLRDHUP, ERR = EPOLLERR;
#else
#  include <poll.h>
static_assert(std::is_same_v<native_type, boost::mio::detail::poll_event>);
using native_flags = short;
constexpr native_flags IN = POLLIN, PRI = POLLPRI, OUT = POLLOUT, HUP = POLLHUP,
                       RDHUP = POLLRDHUP, ERR = POLLERR;
#endif

namespace {

native_type native(int flags, std::uint64_t tok = 7)
{
    native_type e{};
#if defined(BOOST_MIO_BACKEND_EPOLL)
    e.events = static_cast<native_flags>(flags);
    e.data.u64 = tok;
#else
    e.revents = static_cast<native_flags>(flags);
    e.token = static_cast<std::size_t>(tok);
#endif
    return e;
}

native_type native_readable(std::uint64_t tok) { return native(IN, tok); }
native_type native_writable(std::uint64_t tok) { return native(OUT, tok); }
native_type native_read_closed(std::uint64_t tok) { return native(IN | RDHUP, tok); }
bool native_says_writable(const native_type& e)
{
#if defined(BOOST_MIO_BACKEND_EPOLL)
    return (e.events & OUT) != 0;
#else
    return (e.revents & OUT) != 0;
#endif
}

} // namespace

// The flag mapping is mio's (src/sys/unix/selector/epoll.rs, poll.rs).
BOOST_AUTO_TEST_CASE(readiness_flags_map_as_in_mio)
{
    const native_type in = native(IN);
    BOOST_TEST(event::from_native(in).is_readable());
    BOOST_TEST(!event::from_native(in).is_read_closed());
    BOOST_TEST(!event::from_native(in).is_priority());

    const native_type pri = native(PRI);
    BOOST_TEST(event::from_native(pri).is_readable(), "urgent data is also readable");
    BOOST_TEST(event::from_native(pri).is_priority());

    const native_type out = native(OUT);
    BOOST_TEST(event::from_native(out).is_writable());
    BOOST_TEST(!event::from_native(out).is_readable());
    BOOST_TEST(!event::from_native(out).is_write_closed());

    const native_type hup = native(HUP);
    BOOST_TEST(event::from_native(hup).is_read_closed());
    BOOST_TEST(event::from_native(hup).is_write_closed());
    BOOST_TEST(!event::from_native(hup).is_error());

    const native_type rdhup = native(IN | RDHUP);
    BOOST_TEST(event::from_native(rdhup).is_read_closed());
    BOOST_TEST(!event::from_native(rdhup).is_write_closed());
    const native_type rdhup_alone = native(RDHUP);
    BOOST_TEST(!event::from_native(rdhup_alone).is_read_closed());

    const native_type err = native(ERR);
    BOOST_TEST(event::from_native(err).is_error());
    BOOST_TEST(event::from_native(err).is_write_closed(), "a pipe whose reader is gone");
    const native_type out_err = native(OUT | ERR);
    BOOST_TEST(event::from_native(out_err).is_write_closed());
    BOOST_TEST(event::from_native(out_err).is_error());
    const native_type in_err = native(IN | ERR);
    BOOST_TEST(event::from_native(in_err).is_error());
    BOOST_TEST(!event::from_native(in_err).is_write_closed());
}

BOOST_AUTO_TEST_CASE(prints_every_flag)
{
    const native_type all = native(IN | OUT | ERR | HUP | PRI, 9);
    BOOST_TEST(str(event::from_native(all))
        == "event{token=9, READABLE | WRITABLE | ERROR | READ_CLOSED | WRITE_CLOSED | PRIORITY}");
}

#elif defined(BOOST_MIO_BACKEND_KQUEUE)

static_assert(std::is_same_v<native_type, struct ::kevent>);

namespace {

struct ::kevent native(short filter, unsigned short flags, std::uint64_t tok = 7,
    unsigned fflags = 0)
{
    struct ::kevent e{};
    e.ident = 3;
    e.filter = filter;
    e.flags = flags;
    e.fflags = fflags;
    e.udata = boost::mio::detail::kevent_ops::to_udata(static_cast<std::size_t>(tok));
    return e;
}

struct ::kevent native_readable(std::uint64_t tok) { return native(EVFILT_READ, 0, tok); }
struct ::kevent native_writable(std::uint64_t tok) { return native(EVFILT_WRITE, 0, tok); }
struct ::kevent native_read_closed(std::uint64_t tok) { return native(EVFILT_READ, EV_EOF, tok); }
bool native_says_writable(const struct ::kevent& e) { return e.filter == EVFILT_WRITE; }

} // namespace

// The flag mapping is mio's (src/sys/unix/selector/kqueue.rs): one filter
// per event, so readable and writable never come together.
BOOST_AUTO_TEST_CASE(readiness_flags_map_as_in_mio)
{
    const struct ::kevent in = native(EVFILT_READ, 0);
    BOOST_TEST(event::from_native(in).is_readable());
    BOOST_TEST(!event::from_native(in).is_writable());
    BOOST_TEST(!event::from_native(in).is_read_closed());
    BOOST_TEST(!event::from_native(in).is_error());
    BOOST_TEST(!event::from_native(in).is_priority(), "kqueue has no priority filter");

    const struct ::kevent out = native(EVFILT_WRITE, 0);
    BOOST_TEST(event::from_native(out).is_writable());
    BOOST_TEST(!event::from_native(out).is_readable());
    BOOST_TEST(!event::from_native(out).is_write_closed());

    const struct ::kevent user = native(EVFILT_USER, 0);
    BOOST_TEST(event::from_native(user).is_readable(), "the waker's event is readable");

    const struct ::kevent read_eof = native(EVFILT_READ, EV_EOF);
    BOOST_TEST(event::from_native(read_eof).is_read_closed());
    BOOST_TEST(!event::from_native(read_eof).is_write_closed());
    BOOST_TEST(!event::from_native(read_eof).is_error(), "EOF without an error code");

    const struct ::kevent write_eof = native(EVFILT_WRITE, EV_EOF);
    BOOST_TEST(event::from_native(write_eof).is_write_closed());
    BOOST_TEST(!event::from_native(write_eof).is_read_closed());

    const struct ::kevent refused = native(EVFILT_WRITE, EV_EOF, 7, ECONNREFUSED);
    BOOST_TEST(event::from_native(refused).is_error(), "EOF with the socket's error in fflags");
    BOOST_TEST(event::from_native(refused).is_write_closed());

    const struct ::kevent failed = native(EVFILT_READ, EV_ERROR);
    BOOST_TEST(event::from_native(failed).is_error());
}

BOOST_AUTO_TEST_CASE(prints_every_flag)
{
    const struct ::kevent all = native(EVFILT_WRITE, EV_EOF | EV_ERROR, 9);
    BOOST_TEST(str(event::from_native(all)) == "event{token=9, WRITABLE | ERROR | WRITE_CLOSED}");
}

#elif defined(BOOST_MIO_BACKEND_IOCP)

static_assert(std::is_same_v<native_type, boost::mio::detail::iocp_event>);

namespace {

namespace afd = boost::mio::detail::afd;

native_type native(std::uint32_t flags, std::uint64_t tok = 7)
{
    return native_type{static_cast<std::size_t>(tok), flags};
}

native_type native_readable(std::uint64_t tok) { return native(afd::poll_receive, tok); }
native_type native_writable(std::uint64_t tok) { return native(afd::poll_send, tok); }
native_type native_read_closed(std::uint64_t tok) { return native(afd::poll_disconnect, tok); }
bool native_says_writable(const native_type& e) { return (e.flags & afd::poll_send) != 0; }

} // namespace

// The flag mapping is mio's (src/sys/windows/event.rs): an abort (reset)
// closes both directions without being an error; a failed connect is
// everything, error included.
BOOST_AUTO_TEST_CASE(readiness_flags_map_as_in_mio)
{
    const event& in = event::from_native(native(afd::poll_receive));
    BOOST_TEST(in.is_readable());
    BOOST_TEST(!in.is_writable());
    BOOST_TEST(!in.is_read_closed());
    BOOST_TEST(!in.is_error());
    BOOST_TEST(!in.is_priority());

    BOOST_TEST(event::from_native(native(afd::poll_accept)).is_readable());

    const event& out = event::from_native(native(afd::poll_send));
    BOOST_TEST(out.is_writable());
    BOOST_TEST(!out.is_readable());
    BOOST_TEST(!out.is_write_closed());

    const event& fin = event::from_native(native(afd::poll_disconnect));
    BOOST_TEST(fin.is_readable());
    BOOST_TEST(fin.is_read_closed());
    BOOST_TEST(!fin.is_write_closed());
    BOOST_TEST(!fin.is_error());

    const event& reset = event::from_native(native(afd::poll_abort));
    BOOST_TEST(reset.is_read_closed());
    BOOST_TEST(reset.is_write_closed());
    BOOST_TEST(!reset.is_error());

    const event& refused = event::from_native(native(afd::poll_connect_fail));
    BOOST_TEST(refused.is_error());
    BOOST_TEST(refused.is_writable());
    BOOST_TEST(refused.is_write_closed());

    const event& urgent = event::from_native(native(afd::poll_receive_expedited));
    BOOST_TEST(urgent.is_priority());
    BOOST_TEST(urgent.is_readable());
}

BOOST_AUTO_TEST_CASE(prints_every_flag)
{
    const native_type all = native(afd::poll_connect_fail | afd::poll_receive_expedited, 9);
    BOOST_TEST(str(event::from_native(all))
        == "event{token=9, READABLE | WRITABLE | ERROR | READ_CLOSED | WRITE_CLOSED | PRIORITY}");
}

#else
#  error "test/event.cpp: write this backend's native events and its flag mapping test"
#endif

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
    const native_type zero{};
    // Byte for byte where the struct has no padding (poll(2)'s has).
    if constexpr (std::has_unique_object_representations_v<native_type>)
        BOOST_TEST(std::memcmp(&e.native(), &zero, sizeof zero) == 0);
    BOOST_TEST(str(event::from_native(zero)) == str(e));
    BOOST_TEST(str(e) == "event{token=0, NONE}");
}

BOOST_AUTO_TEST_CASE(from_native_is_a_view_not_a_copy)
{
    const native_type n = native_readable(42);
    const event& e = event::from_native(n);
    BOOST_TEST(static_cast<const void*>(&e) == static_cast<const void*>(&n));
    BOOST_TEST(&e.native() == &n);
    BOOST_TEST(e.token().value() == 42u);
}

BOOST_AUTO_TEST_CASE(prints_token_and_flags)
{
    const native_type n = native_read_closed(3);
    BOOST_TEST(str(event::from_native(n)) == "event{token=3, READABLE | READ_CLOSED}");
}

BOOST_AUTO_TEST_CASE(token_survives_the_full_width)
{
    const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    const native_type n = native_writable(max);
    BOOST_TEST(event::from_native(n).token().value() == static_cast<std::size_t>(max));
}

BOOST_AUTO_TEST_CASE(real_event_from_a_pipe)
{
    boost::mio::poll p;
    boost::mio::events evs(4);
    auto ends = mio_test::make_byte_channel();
    p.registry().register_(ends.sender, token(5), boost::mio::interest::writable);
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    const event& e = *evs.begin();
    BOOST_TEST((e.token() == token(5)));
    BOOST_TEST(e.is_writable());
    BOOST_TEST(!e.is_readable());
    BOOST_TEST(!e.is_error());
    BOOST_TEST(!e.is_write_closed());
    BOOST_TEST(native_says_writable(e.native()));
    BOOST_TEST(str(e) == "event{token=5, WRITABLE}");
}
