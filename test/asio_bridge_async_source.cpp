//
// test/asio_bridge_async_source.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/asio_bridge/async_source.hpp>

#define BOOST_TEST_MODULE asio_bridge_async_source
#include "util.hpp"
#include "asio_bridge_util.hpp"

#include <boost/mio/asio_bridge/native_source.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace mio = boost::mio;
namespace asio = boost::asio;
using boost::system::error_code;
using mio::interest;
using mio::asio_bridge::async_source;
using mio::asio_bridge::basic_async_source;
using namespace std::chrono_literals;
using bridge_test::run_until;

static_assert(std::is_same_v<async_source, basic_async_source<asio::any_io_executor>>);
static_assert(!std::is_copy_constructible_v<async_source>);
static_assert(std::is_nothrow_move_constructible_v<async_source>);
static_assert(noexcept(std::declval<async_source&>().cancel()));

namespace {

// The outcome of one async_wait with a callback.
struct outcome
{
    std::optional<error_code> ec;
    mio::event ev;
    int calls = 0;

    auto handler()
    {
        return [this](error_code e, mio::event ev_) {
            ec = e;
            ev = ev_;
            ++calls;
        };
    }
    bool done() const { return ec.has_value(); }
};

} // namespace

BOOST_AUTO_TEST_CASE(wait_completes_when_readable_with_the_event)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source src(ioc.get_executor(), rx, interest::readable);
    BOOST_CHECK(src.get_executor() == asio::any_io_executor(ioc.get_executor()));
    outcome o;
    src.async_wait(interest::readable, o.handler());
    ioc.run_for(20ms);
    BOOST_CHECK(!o.done());
    bridge_test::write_byte(tx);
    run_until(ioc, [&] { return o.done(); });
    BOOST_CHECK(!*o.ec);
    BOOST_CHECK(o.ev.is_readable());
    BOOST_CHECK(!o.ev.is_read_closed());
    BOOST_CHECK_EQUAL(bridge_test::drain(rx), "x");
}

BOOST_AUTO_TEST_CASE(context_constructor_uses_its_executor)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    basic_async_source<asio::io_context::executor_type> src(ioc, rx, interest::readable);
    BOOST_CHECK(src.get_executor() == ioc.get_executor());
}

BOOST_AUTO_TEST_CASE(completion_is_never_run_inside_async_wait)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source src(ioc, rx, interest::readable);
    bridge_test::write_byte(tx);
    outcome first;
    src.async_wait(interest::readable, first.handler());
    run_until(ioc, [&] { return first.done(); });
    // Closed readiness stays set, so this one is ready at once: still
    // posted, not called inline. (Drained first: Wine reports a FIN that
    // follows unread data only once the data is read.)
    BOOST_CHECK_EQUAL(bridge_test::drain(rx), "x");
    tx.close();
    outcome a;
    src.async_wait(interest::readable, a.handler());
    run_until(ioc, [&] { return a.done(); });
    outcome b;
    src.async_wait(interest::readable, b.handler());
    BOOST_CHECK(!b.done());
    ioc.restart();
    ioc.poll();
    BOOST_CHECK(b.done());
}

// An event completes its wait in the turn of the loop that saw it: the
// watcher's completion runs the handler (dispatch, as Asio's reactor ops
// complete) instead of posting it for a second turn, which cost an
// allocation and a trip through the scheduler per wait.
BOOST_AUTO_TEST_CASE(an_event_completes_its_wait_in_the_watchers_turn)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source src(ioc, rx, interest::readable);
    outcome o;
    src.async_wait(interest::readable, o.handler());
    bridge_test::write_byte(tx);
    BOOST_TEST(ioc.run_one_for(mio_test::event_timeout) == 1u);
    BOOST_TEST(o.done());
    BOOST_TEST(o.calls == 1);
}

BOOST_AUTO_TEST_CASE(readiness_is_consumed_no_busy_loop_after_would_block)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source src(ioc, rx, interest::readable);
    bridge_test::write_byte(tx);
    outcome a;
    src.async_wait(interest::readable, a.handler());
    run_until(ioc, [&] { return a.done(); });
    BOOST_CHECK_EQUAL(bridge_test::drain(rx), "x");

    outcome b;
    src.async_wait(interest::readable, b.handler());
    ioc.restart();
    ioc.run_for(60ms);
    BOOST_CHECK_MESSAGE(!b.done(), "a wait after would_block completed without a new edge");
    bridge_test::write_byte(tx, 'y');
    run_until(ioc, [&] { return b.done(); });
    BOOST_CHECK(!*b.ec);
    BOOST_CHECK_EQUAL(bridge_test::drain(rx), "y");
    BOOST_CHECK_EQUAL(a.calls + b.calls, 2);
}

BOOST_AUTO_TEST_CASE(edge_between_drain_and_next_wait_is_not_lost)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    auto [tx2, rx2] = mio_test::make_byte_channel();
    async_source src(ioc, rx, interest::readable);
    async_source other(ioc, rx2, interest::readable);

    // Nobody waits: the edge stays queued in the shared poll.
    bridge_test::write_byte(tx);
    ioc.run_for(20ms);
    outcome a;
    src.async_wait(interest::readable, a.handler());
    run_until(ioc, [&] { return a.done(); });
    BOOST_CHECK(!*a.ec);
    BOOST_CHECK_EQUAL(bridge_test::drain(rx), "x");

    // Another source keeps the shared poll watched: the edge is taken from
    // the poll while nobody waits for this source, and remembered.
    outcome o;
    other.async_wait(interest::readable, o.handler());
    ioc.restart();
    ioc.run_for(10ms);
    bridge_test::write_byte(tx, 'y');
    bridge_test::write_byte(tx2);
    run_until(ioc, [&] { return o.done(); });
    outcome b;
    src.async_wait(interest::readable, b.handler());
    run_until(ioc, [&] { return b.done(); });
    BOOST_CHECK(!*b.ec);
    BOOST_CHECK_EQUAL(bridge_test::drain(rx), "y");
}

BOOST_AUTO_TEST_CASE(use_future_and_deferred_tokens)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source src(ioc, rx, interest::readable);

    std::future<mio::event> f = src.async_wait(interest::readable, asio::use_future);
    bridge_test::write_byte(tx);
    std::thread runner([&] { ioc.run_for(3s); });
    BOOST_REQUIRE(f.wait_for(3s) == std::future_status::ready);
    BOOST_CHECK(f.get().is_readable());
    runner.join();
    bridge_test::drain(rx);

    // deferred: nothing starts until the operation is launched.
    auto op = src.async_wait(interest::readable, asio::deferred);
    bridge_test::write_byte(tx);
    outcome o;
    std::move(op)(o.handler());
    ioc.restart();
    run_until(ioc, [&] { return o.done(); });
    BOOST_CHECK(!*o.ec);
    BOOST_CHECK(o.ev.is_readable());

    // use_future reports errors as exceptions.
    bridge_test::drain(rx);
    auto g = src.async_wait(interest::readable, asio::use_future);
    src.cancel();
    ioc.restart();
    ioc.run_for(20ms);
    BOOST_REQUIRE(g.wait_for(3s) == std::future_status::ready);
    try
    {
        g.get();
        BOOST_FAIL("no exception");
    }
    catch (const boost::system::system_error& e)
    {
        BOOST_CHECK(e.code() == asio::error::operation_aborted);
    }
}

BOOST_AUTO_TEST_CASE(cancel_completes_waits_with_operation_aborted)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source src(ioc, rx, interest::readable);
    outcome a, b;
    src.async_wait(interest::readable, a.handler());
    src.async_wait(interest::readable, b.handler());
    src.cancel();
    BOOST_CHECK(!a.done()); // posted, not run inside cancel()
    // run() returns once the aborted handlers ran: nothing is left.
    bridge_test::expect_run_returns_by_itself(ioc);
    BOOST_REQUIRE(a.done() && b.done());
    BOOST_CHECK(*a.ec == asio::error::operation_aborted);
    BOOST_CHECK(*b.ec == asio::error::operation_aborted);
    src.cancel(); // nothing pending: no effect
    // The source still works after a cancel.
    outcome c;
    src.async_wait(interest::readable, c.handler());
    bridge_test::write_byte(tx);
    run_until(ioc, [&] { return c.done(); });
    BOOST_CHECK(!*c.ec);
}

BOOST_AUTO_TEST_CASE(idle_source_does_not_keep_run_alive_a_pending_wait_does)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source src(ioc, rx, interest::readable);
    bridge_test::expect_run_returns_by_itself(ioc, 1000ms);

    outcome a;
    src.async_wait(interest::readable, a.handler());
    ioc.restart();
    const auto start = std::chrono::steady_clock::now();
    ioc.run_for(100ms);
    BOOST_CHECK(std::chrono::steady_clock::now() - start >= 100ms);
    BOOST_CHECK(!ioc.stopped());
    BOOST_CHECK(!a.done());

    // Once the wait completed, run() returns by itself again.
    bridge_test::write_byte(tx);
    bridge_test::expect_run_returns_by_itself(ioc);
    BOOST_CHECK(a.done());
}

BOOST_AUTO_TEST_CASE(destroying_the_source_aborts_its_pending_wait)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    outcome a;
    {
        async_source src(ioc, rx, interest::readable);
        src.async_wait(interest::readable, a.handler());
        ioc.run_for(10ms);
    }
    BOOST_CHECK(!a.done());
    bridge_test::expect_run_returns_by_itself(ioc);
    BOOST_REQUIRE(a.done());
    BOOST_CHECK(*a.ec == asio::error::operation_aborted);
    // It was deregistered: the receiver can be registered again.
    async_source again(ioc, rx, interest::readable);
}

BOOST_AUTO_TEST_CASE(destroying_the_io_context_with_pending_waits_is_safe)
{
    auto [tx, rx] = mio_test::make_byte_channel();
    auto sentinel = std::make_shared<int>(0);
    std::weak_ptr<int> watch = sentinel;
    bool called = false;
    std::optional<async_source> src;
    {
        asio::io_context ioc;
        src.emplace(ioc, rx, interest::readable);
        src->async_wait(interest::readable,
            [&called, s = std::move(sentinel)](error_code, mio::event) { called = true; });
        ioc.run_for(10ms);
    }
    // The handler was destroyed, never called (Asio's rule).
    BOOST_CHECK(watch.expired());
    BOOST_CHECK(!called);
    // The source outlives its context and can still be destroyed; its
    // cancel() does nothing.
    src->cancel();
    src.reset();
}

BOOST_AUTO_TEST_CASE(handler_owning_its_source_destroyed_with_the_io_context)
{
    auto [tx, rx] = mio_test::make_byte_channel();
    std::weak_ptr<async_source> watch;
    {
        asio::io_context ioc;
        auto src = std::make_shared<async_source>(ioc, rx, interest::readable);
        watch = src;
        src->async_wait(interest::readable, [src](error_code, mio::event) {});
        // The handler holds the last reference: shutting the context down
        // destroys the source from inside the service's shutdown.
    }
    BOOST_CHECK(watch.expired());
}

BOOST_AUTO_TEST_CASE(interest_not_registered_completes_with_invalid_argument)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source src(ioc, rx, interest::readable);
    outcome a, b;
    src.async_wait(interest::writable, a.handler());
    src.async_wait(interest::readable | interest::writable, b.handler());
    run_until(ioc, [&] { return a.done() && b.done(); });
    BOOST_CHECK(*a.ec == asio::error::invalid_argument);
    BOOST_CHECK(*b.ec == asio::error::invalid_argument);
}

BOOST_AUTO_TEST_CASE(read_closed_stays_set_once_seen)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source src(ioc, rx, interest::readable);
    tx.close();
    for (int i = 0; i < 3; ++i)
    {
        outcome o;
        src.async_wait(interest::readable, o.handler());
        run_until(ioc, [&] { return o.done(); });
        BOOST_CHECK(!*o.ec);
        BOOST_CHECK(o.ev.is_read_closed());
        bool eof = false;
        bridge_test::drain(rx, &eof);
        BOOST_CHECK(eof);
    }
}

BOOST_AUTO_TEST_CASE(error_stays_set_once_seen)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source src(ioc, tx, interest::writable);
    outcome first;
    src.async_wait(interest::writable, first.handler());
    run_until(ioc, [&] { return first.done(); });
    BOOST_CHECK(first.ev.is_writable());
    BOOST_CHECK(!first.ev.is_error());

    // The write end now reports an error (EPIPE on write; a reset socket).
    mio_test::hang_up_receiver(rx);
    for (int i = 0; i < 3; ++i)
    {
        outcome o;
        src.async_wait(interest::writable, o.handler());
        run_until(ioc, [&] { return o.done(); });
        BOOST_CHECK(!*o.ec);
        BOOST_CHECK(o.ev.is_error() || o.ev.is_write_closed());
    }
}

BOOST_AUTO_TEST_CASE(completions_run_on_the_handlers_associated_executor)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    auto strand = asio::make_strand(ioc);
    async_source src(ioc, rx, interest::readable);
    bool in_strand = false;
    bool done = false;
    src.async_wait(interest::readable,
        asio::bind_executor(strand, [&](error_code ec, mio::event) {
            in_strand = strand.running_in_this_thread();
            done = !ec;
        }));
    bridge_test::write_byte(tx);
    run_until(ioc, [&] { return done; });
    BOOST_CHECK(in_strand);

    // Without an associated executor, the source's executor is used.
    auto [tx2, rx2] = mio_test::make_byte_channel();
    basic_async_source<decltype(strand)> on_strand(strand, rx2, interest::readable);
    bool in_strand2 = false;
    bool done2 = false;
    on_strand.async_wait(interest::readable, [&](error_code ec, mio::event) {
        in_strand2 = strand.running_in_this_thread();
        done2 = !ec;
    });
    bridge_test::write_byte(tx2);
    run_until(ioc, [&] { return done2; });
    BOOST_CHECK(in_strand2);
}

BOOST_AUTO_TEST_CASE(all_sources_of_a_context_share_one_poll)
{
    asio::io_context ioc;
    std::vector<mio_test::byte_channel> ends;
    for (int i = 0; i < 41; ++i)
        ends.push_back(mio_test::make_byte_channel());
    std::vector<std::unique_ptr<async_source>> sources;
    sources.push_back(std::make_unique<async_source>(ioc, ends[0].receiver, interest::readable));
    const int fds = mio_test::count_open_fds();
    for (int i = 1; i < 41; ++i)
        sources.push_back(std::make_unique<async_source>(ioc, ends[i].receiver, interest::readable));
    BOOST_CHECK_EQUAL(mio_test::count_open_fds(), fds);

    // One poll: registering the same source twice in a context fails...
    BOOST_CHECK_THROW(async_source(ioc, ends[0].receiver, interest::readable),
        boost::system::system_error);
#if !defined(_WIN32)
    // ...but another context has a poll of its own. Not on Windows, where
    // a socket has one registration at a time (an AFD poll per socket per
    // completion port, as in mio), so a second poll refuses it as well.
    asio::io_context other;
    async_source elsewhere(other, ends[0].receiver, interest::readable);
#endif

    std::vector<outcome> out(41);
    for (int i = 0; i < 41; ++i)
        sources[i]->async_wait(interest::readable, out[i].handler());
    for (auto& e : ends)
        bridge_test::write_byte(e.sender);
    run_until(ioc, [&] {
        for (auto& o : out)
            if (!o.done())
                return false;
        return true;
    });
    for (auto& o : out)
        BOOST_CHECK(!*o.ec && o.ev.is_readable());
}

BOOST_AUTO_TEST_CASE(several_waiters_for_one_edge_all_complete)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source src(ioc, rx, interest::readable);
    outcome a, b;
    src.async_wait(interest::readable, a.handler());
    src.async_wait(interest::readable, b.handler());
    bridge_test::write_byte(tx);
    run_until(ioc, [&] { return a.done() && b.done(); });
    BOOST_CHECK(!*a.ec && !*b.ec);
}

BOOST_AUTO_TEST_CASE(readable_and_writable_waits_pending_together_on_an_asio_socket)
{
    asio::io_context ioc;
    bridge_test::asio_stream_socket s1(ioc), s2(ioc);
    bridge_test::connect_asio_pair(s1, s2);
    auto view = mio::asio_bridge::as_source(s1);
    async_source src(ioc, view, interest::readable | interest::writable);
    outcome r, w;
    src.async_wait(interest::readable, r.handler());
    src.async_wait(interest::writable, w.handler());
    run_until(ioc, [&] { return w.done(); });
    BOOST_CHECK(!*w.ec && w.ev.is_writable());
    BOOST_CHECK(!r.done());
    asio::write(s2, asio::buffer("hi", 2));
    run_until(ioc, [&] { return r.done(); });
    BOOST_CHECK(!*r.ec && r.ev.is_readable());
    // Mio style: the user switches Asio's own calls to non-blocking mode
    // (registering only made the fd non-blocking) and reads to would_block.
    s1.non_blocking(true);
    char buf[8];
    error_code ec;
    BOOST_CHECK_EQUAL(s1.read_some(asio::buffer(buf), ec), 2u);
    s1.read_some(asio::buffer(buf), ec);
    BOOST_CHECK(ec == asio::error::would_block);
}

BOOST_AUTO_TEST_CASE(per_operation_cancellation_aborts_only_that_wait)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source src(ioc, rx, interest::readable);
    asio::cancellation_signal signal;
    outcome a, b;
    src.async_wait(interest::readable, asio::bind_cancellation_slot(signal.slot(), a.handler()));
    src.async_wait(interest::readable, b.handler());
    signal.emit(asio::cancellation_type::terminal);
    run_until(ioc, [&] { return a.done(); });
    BOOST_CHECK(*a.ec == asio::error::operation_aborted);
    BOOST_CHECK(!b.done());
    // A stale emit after completion finds nothing to cancel.
    signal.emit(asio::cancellation_type::terminal);
    bridge_test::write_byte(tx);
    run_until(ioc, [&] { return b.done(); });
    BOOST_CHECK(!*b.ec);
}

BOOST_AUTO_TEST_CASE(moved_from_source_reports_bad_descriptor)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    async_source a(ioc, rx, interest::readable);
    async_source b(std::move(a));
    outcome o;
    a.async_wait(interest::readable, o.handler());
    run_until(ioc, [&] { return o.done(); });
    BOOST_CHECK(*o.ec == asio::error::bad_descriptor);
    a.cancel();
    outcome p;
    b.async_wait(interest::readable, p.handler());
    bridge_test::write_byte(tx);
    run_until(ioc, [&] { return p.done(); });
    BOOST_CHECK(!*p.ec);

    auto [tx2, rx2] = mio_test::make_byte_channel();
    async_source c(ioc, rx2, interest::readable);
    outcome q;
    c.async_wait(interest::readable, q.handler());
    c = std::move(b); // c's old registration goes, its wait is aborted
    run_until(ioc, [&] { return q.done(); });
    BOOST_CHECK(*q.ec == asio::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(deferred_wait_launched_after_the_source_died_is_aborted)
{
    asio::io_context ioc;
    auto [tx, rx] = mio_test::make_byte_channel();
    std::optional<async_source> src(std::in_place, ioc, rx, interest::readable);
    auto op = src->async_wait(interest::readable, asio::deferred);
    src.reset();
    outcome o;
    std::move(op)(o.handler());
    run_until(ioc, [&] { return o.done(); });
    BOOST_CHECK(*o.ec == asio::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(registration_failure_throws)
{
    asio::io_context ioc;
    mio_test::byte_receiver closed;
    BOOST_CHECK_THROW(async_source(ioc, closed, interest::readable), boost::system::system_error);
}
