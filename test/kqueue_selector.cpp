//
// test/kqueue_selector.cpp: what the kqueue backend adds (built only when
// the backend is kqueue: test/CMakeLists.txt, test/Jamfile). Where
// libkqueue, on which this runs on Linux, differs from a BSD kernel, the
// test names the difference and the backend follows the kernel (FreeBSD's
// kqueue(2)).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#include <boost/mio/detail/kqueue_selector.hpp>

#define BOOST_TEST_MODULE kqueue_selector
#include "util.hpp"

#include <boost/mio/posix/pipe.hpp>
#include <boost/mio/posix/source_fd.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#if !defined(BOOST_MIO_BACKEND_KQUEUE)
#  error "test/kqueue_selector.cpp is built only with the kqueue backend"
#endif

using namespace mio_test;
using boost::mio::events;
using boost::mio::interest;

using boost::mio::token;
using boost::mio::posix::source_fd;
using boost::system::error_code;
using boost::system::errc::bad_file_descriptor;
using boost::system::errc::file_exists;
using boost::system::errc::no_such_file_or_directory;

namespace {

void put_byte(boost::mio::posix::sender& s)
{
    const char c = 'x';
    BOOST_TEST_REQUIRE(s.write_some(boost::asio::buffer(&c, 1)) == 1u);
}

// Blocks in select() (no timeout) on another thread; `returned` tells
// when and `n` how many events it got.
struct blocked_select
{
    boost::mio::detail::kqueue_selector& sel;
    boost::mio::event::native_type* buf;
    std::atomic<bool> returned{false};
    std::atomic<int> n{-1};
    std::thread t{[this] {
        error_code ec;
        n = sel.select(buf, 4, std::nullopt, ec);
        returned = true;
    }};
    ~blocked_select() { t.join(); }
};

} // namespace

BOOST_AUTO_TEST_CASE(the_event_is_a_struct_kevent)
{
    static_assert(std::is_same_v<boost::mio::event::native_type, struct ::kevent>);
    BOOST_TEST(boost::mio::current_backend == boost::mio::backend::kqueue);
    BOOST_TEST(boost::mio::poll::short_read_drains);
}

// Every filter's error comes back in its own EV_RECEIPT, and the contract's
// errors are the same as epoll's although EV_ADD alone never fails twice.
BOOST_AUTO_TEST_CASE(receipts_give_each_registration_error)
{
    boost::mio::poll p;
    auto ends = boost::mio::posix::make_pipe();
    const auto& r = p.registry();
    error_code ec;

    r.reregister(ends.receiver, token(1), interest::readable, ec);
    BOOST_TEST((ec == no_such_file_or_directory), ec.message());
    r.deregister(ends.receiver, ec);
    BOOST_TEST((ec == no_such_file_or_directory), ec.message());

    r.register_(ends.receiver, token(1), interest::readable | interest::writable, ec);
    BOOST_TEST(!ec, ec.message());
    r.register_(ends.receiver, token(1), interest::readable, ec);
    BOOST_TEST((ec == file_exists), ec.message());
    // Registered for writing only, it is registered all the same.
    r.reregister(ends.receiver, token(1), interest::writable, ec);
    BOOST_TEST(!ec, ec.message());
    r.register_(ends.receiver, token(1), interest::readable, ec);
    BOOST_TEST((ec == file_exists), ec.message());
    r.deregister(ends.receiver, ec);
    BOOST_TEST(!ec, ec.message());
    r.deregister(ends.receiver, ec);
    BOOST_TEST((ec == no_such_file_or_directory), ec.message());

    // libkqueue answers a delete of a closed fd with ENOENT; a kernel
    // checks the fd first and says EBADF, as the backend does.
    const int closed = ::fcntl(ends.sender.native_handle(), F_DUPFD_CLOEXEC, 0);
    BOOST_TEST_REQUIRE(closed >= 0);
    ::close(closed);
    r.register_(source_fd(closed), token(2), interest::readable, ec);
    BOOST_TEST((ec == bad_file_descriptor), ec.message());
    r.deregister(source_fd(closed), ec);
    BOOST_TEST((ec == bad_file_descriptor), ec.message());
}

// A second register_ reports EEXIST and leaves the first registration's
// token and interest as they were (kqueue's EV_ADD would replace them).
BOOST_AUTO_TEST_CASE(failed_register_keeps_the_registration)
{
    boost::mio::poll p;
    events evs(4);
    auto ends = boost::mio::posix::make_pipe();
    p.registry().register_(ends.receiver, token(1), interest::readable);
    error_code ec;
    p.registry().register_(ends.receiver, token(2), interest::readable | interest::writable, ec);
    BOOST_TEST((ec == file_exists), ec.message());
    put_byte(ends.sender);
    p.wait(evs, event_timeout);
    BOOST_TEST_REQUIRE(!evs.empty());
    for (const auto& e : evs)
        BOOST_TEST(e.token().value() == 1u, "token " << e.token().value());
    // Still registered for reading only: a reregister finds it.
    p.registry().reregister(ends.receiver, token(3), interest::readable, ec);
    BOOST_TEST(!ec, ec.message());
}

// Without EVFILT_USER (forced on Linux with BOOST_MIO_KQUEUE_NO_EVFILT_USER)
// the waker is a pipe watched with EVFILT_READ; with it, an EVFILT_USER knote.
BOOST_AUTO_TEST_CASE(waker_kind_follows_evfilt_user)
{
    boost::mio::poll p;
    events evs(4);
    boost::mio::waker w(p.registry(), token(9));
    for (int i = 0; i < 3; ++i)
    {
        w.wake();
        p.wait(evs, event_timeout);
        BOOST_TEST_REQUIRE(evs.size() == 1u);
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
        BOOST_TEST(evs.begin()->native().filter == EVFILT_READ);
        BOOST_TEST(is_cloexec(w.native_handle()));
        BOOST_TEST(is_nonblocking(w.native_handle()));
#else
        BOOST_TEST(evs.begin()->native().filter == EVFILT_USER);
#endif
        BOOST_TEST(evs.begin()->token().value() == 9u);
    }
}

// A reregister of an unregistered fd adds its knotes to find out, and must
// take them back: nothing may fire afterwards.
BOOST_AUTO_TEST_CASE(failed_reregister_leaves_no_registration)
{
    boost::mio::poll p;
    events evs(4);
    auto ends = boost::mio::posix::make_pipe();
    error_code ec;
    p.registry().reregister(ends.sender, token(1), interest::writable, ec);
    BOOST_TEST((ec == no_such_file_or_directory), ec.message());
    expect_no_events(p, evs);
}

// EV_CLEAR: an edge per arrival, none while nothing new arrives.
BOOST_AUTO_TEST_CASE(ev_clear_reports_each_arrival_once)
{
    boost::mio::poll p;
    events evs(4);
    auto ends = boost::mio::posix::make_pipe();
    p.registry().register_(ends.receiver, token(1), interest::readable);
    put_byte(ends.sender);
    expect_events(p, evs, {readable(1)});
    expect_no_events(p, evs); // the byte is still there, but no new edge
    put_byte(ends.sender);
    expect_events(p, evs, {readable(1)});
}

// A BSD kernel forgets an fd's knotes when that fd is closed, even while a
// dup keeps the pipe open (kqueue keys on the fd, epoll on the open file).
// libkqueue cannot see close(2); the library's sources delete their knotes
// first, which gives the kernel's behaviour, and the number can be reused.
BOOST_AUTO_TEST_CASE(closing_a_source_forgets_its_registration)
{
    boost::mio::poll p;
    events evs(4);
    auto ends = boost::mio::posix::make_pipe();
    const int fd = ends.receiver.native_handle();
    p.registry().register_(ends.receiver, token(1), interest::readable);
    const int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    BOOST_TEST_REQUIRE(dup >= 0);
    ends.receiver.close();
    put_byte(ends.sender);
    expect_no_events(p, evs);
    ::close(dup);

    auto again = boost::mio::posix::make_pipe();
    error_code ec;
    p.registry().register_(again.receiver, token(2), interest::readable, ec);
    BOOST_TEST(!ec, "fd " << again.receiver.native_handle() << " (was " << fd << "): "
        << ec.message());
}

// The waker (an EVFILT_USER knote, or a pipe without it) delivers its
// token, readable, once for wakes not yet consumed.
BOOST_AUTO_TEST_CASE(waker_is_evfilt_user_with_its_token)
{
    boost::mio::poll p;
    events evs(4);
    boost::mio::waker w(p.registry(), token(77));
    w.wake();
    w.wake(); // coalesced with the first
    p.wait(evs, event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    const auto& e = *evs.begin();
#if defined(BOOST_MIO_DETAIL_KQUEUE_PIPE_WAKER)
    BOOST_TEST(e.native().filter == EVFILT_READ);
#else
    BOOST_TEST(e.native().filter == EVFILT_USER);
#endif
    BOOST_TEST(e.token().value() == 77u, "a kernel stores each change's udata: wake() sets it");
    BOOST_TEST(e.is_readable());
    expect_no_events(p, evs);
}

// interrupt() ends a blocked select(), whose batch holds none of its events.
BOOST_AUTO_TEST_CASE(interrupt_wakes_a_blocked_select_and_stays_invisible)
{
    boost::mio::detail::kqueue_selector sel;
    error_code ec;
    sel.open(ec);
    BOOST_TEST_REQUIRE(!ec);
    auto ends = boost::mio::posix::make_pipe();
    boost::mio::event::native_type buf[4];
    {
        blocked_select b{sel, buf};
        sel.interrupt(ec);
        BOOST_TEST(!ec, ec.message());
        const auto deadline = std::chrono::steady_clock::now() + event_timeout;
        while (!b.returned && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const bool returned = b.returned;
        if (!returned) // let the thread go, so that the test fails instead of hanging
            sel.register_(ends.sender.native_handle(), 1, interest::writable, nullptr, ec);
        BOOST_TEST(returned, "interrupt() did not end the blocked select()");
        BOOST_TEST(b.n == 0);
    }
    // An interrupt and a real event in one batch: only the real one shows.
    sel.register_(ends.sender.native_handle(), 5, interest::writable, nullptr, ec);
    BOOST_TEST_REQUIRE(!ec);
    sel.interrupt(ec);
    const int n = sel.select(buf, 4, event_timeout, ec);
    BOOST_TEST_REQUIRE(n == 1);
    BOOST_TEST(buf[0].filter == EVFILT_WRITE);
    BOOST_TEST(boost::mio::detail::kevent_ops::token(buf[0]) == 5u);
}

// The timeout goes to kevent() as a timespec: 300 us is not rounded down
// to a busy zero, and a zero timeout returns at once.
BOOST_AUTO_TEST_CASE(sub_millisecond_timeout_is_honoured)
{
    boost::mio::poll p;
    events evs(4);
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    p.wait(evs, std::chrono::microseconds(300));
    BOOST_TEST(evs.empty());
    BOOST_TEST((clock::now() - start >= std::chrono::microseconds(300)));
}
