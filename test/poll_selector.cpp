//
// test/poll_selector.cpp: what the poll(2) backend adds. poll(2) has no
// edge triggers; the backend emulates them as mio's poll.rs does, and these
// tests pin the emulation down: an interest that was reported is disarmed
// until an operation on the source reports would_block (in that direction)
// or the source is reregistered; posix::source_fd, whose I/O the library
// never sees, stays level-triggered. Built only with BOOST_MIO_BACKEND=poll.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#include <boost/mio.hpp>

#define BOOST_TEST_MODULE poll_selector
#include "util.hpp"

#include <unistd.h>

namespace mio = boost::mio;
namespace asio = boost::asio;
using boost::system::error_code;
using mio::interest;
using mio::token;
using namespace mio_test;

static_assert(mio::current_backend == mio::backend::poll);
static_assert(!mio::poll::short_read_drains);

namespace {

void put(mio::posix::sender& s, char byte)
{
    BOOST_REQUIRE(s.write_some(asio::buffer(&byte, 1)) == 1u);
}

char take(mio::posix::receiver& r)
{
    char byte = 0;
    BOOST_REQUIRE(r.read_some(asio::buffer(&byte, 1)) == 1u);
    return byte;
}

// Reads once from `src`, which must report would_block: the operation that
// re-arms a drained source on this backend.
template <class Source>
void read_to_would_block(Source& src)
{
    char byte;
    error_code ec;
    src.read_some(asio::buffer(&byte, 1), ec);
    BOOST_TEST_REQUIRE(is_would_block(ec));
}

struct watched_pipe
{
    mio::poll p;
    mio::events evs{8};
    mio::posix::pipe_ends ends = mio::posix::make_pipe();

    watched_pipe()
    {
        p.registry().register_(ends.receiver, token(1), interest::readable);
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(a_reported_interest_waits_for_would_block)
{
    watched_pipe w;
    put(w.ends.sender, 'a');
    expect_events(w.p, w.evs, {readable(1)});

    // More data, but no would_block yet: disarmed, as an edge would be.
    put(w.ends.sender, 'b');
    expect_no_events(w.p, w.evs);
    BOOST_TEST(take(w.ends.receiver) == 'a');
    expect_no_events(w.p, w.evs); // a read that found data re-arms nothing
    BOOST_TEST(take(w.ends.receiver) == 'b');
    expect_no_events(w.p, w.evs);

    // would_block re-arms: the next arrival is an event.
    read_to_would_block(w.ends.receiver);
    expect_no_events(w.p, w.evs); // armed, but nothing to report
    put(w.ends.sender, 'c');
    expect_events(w.p, w.evs, {readable(1)});
}

BOOST_AUTO_TEST_CASE(would_block_rearms_data_already_there)
{
    // Data that arrives between the would_block and the re-arm is not
    // lost: the re-armed interest is reported on the next wait.
    watched_pipe w;
    put(w.ends.sender, 'a');
    expect_events(w.p, w.evs, {readable(1)});
    BOOST_TEST(take(w.ends.receiver) == 'a');
    read_to_would_block(w.ends.receiver);
    put(w.ends.sender, 'b');
    expect_events(w.p, w.evs, {readable(1)});
}

BOOST_AUTO_TEST_CASE(reregister_rearms)
{
    watched_pipe w;
    put(w.ends.sender, 'a');
    expect_events(w.p, w.evs, {readable(1)});
    expect_no_events(w.p, w.evs);
    w.p.registry().reregister(w.ends.receiver, token(2), interest::readable);
    expect_events(w.p, w.evs, {readable(2)});
}

BOOST_AUTO_TEST_CASE(would_block_rearms_only_its_direction)
{
    // A unix stream pair, registered for both: a read's would_block must
    // not bring back the writable readiness already reported.
    auto [a, b] = mio::net::unix_stream::pair();
    mio::poll p;
    mio::events evs(8);
    p.registry().register_(a, token(1), interest::readable | interest::writable);
    expect_events(p, evs, {writable(1)});
    read_to_would_block(a);
    expect_no_events(p, evs);
    BOOST_TEST(b.write_some(asio::buffer("x", 1)) == 1u);
    expect_events(p, evs, {readable(1)});
}

BOOST_AUTO_TEST_CASE(hang_up_is_reported_once)
{
    watched_pipe w;
    w.ends.sender.close();
    w.p.wait(w.evs, event_timeout);
    BOOST_TEST_REQUIRE(w.evs.size() == 1u);
    BOOST_TEST(w.evs.begin()->is_read_closed());
    // poll(2) reports POLLHUP on every call; the backend says it once, as
    // an edge does, instead of spinning the loop.
    expect_no_events(w.p, w.evs);
}

BOOST_AUTO_TEST_CASE(source_fd_is_level_triggered)
{
    // The library never sees a source_fd's I/O, so nothing could re-arm
    // it: it is reported for as long as it is ready (as mio documents).
    mio::poll p;
    mio::events evs(8);
    auto ends = mio::posix::make_pipe();
    p.registry().register_(mio::posix::source_fd(ends.receiver.native_handle()), token(7),
        interest::readable);
    put(ends.sender, 'a');
    expect_events(p, evs, {readable(7)});
    expect_events(p, evs, {readable(7)}); // still ready: reported again
    char byte;
    BOOST_TEST(::read(ends.receiver.native_handle(), &byte, 1) == 1);
    expect_no_events(p, evs);
    p.registry().deregister(mio::posix::source_fd(ends.receiver.native_handle()));
}

BOOST_AUTO_TEST_CASE(closing_a_registered_source_deregisters_it)
{
    // poll(2) would go on polling a closed descriptor (or whichever file
    // reuses its number): a library source deregisters itself on close.
    mio::poll p;
    mio::events evs(8);
    auto ends = mio::posix::make_pipe();
    const int fd = ends.receiver.native_handle();
    p.registry().register_(ends.receiver, token(1), interest::readable);
    ends.receiver.close();
    auto next = mio::posix::make_pipe(); // the lowest free number: usually `fd`
    BOOST_TEST_MESSAGE("closed fd " << fd << ", new fd " << next.receiver.native_handle());
    p.registry().register_(next.receiver, token(2), interest::readable); // no EEXIST
    put(next.sender, 'a');
    p.wait(evs, event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST((evs.begin()->token() == token(2)));
}
