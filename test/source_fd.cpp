//
// test/source_fd.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/posix/source_fd.hpp>

#define BOOST_TEST_MODULE source_fd
#include "util.hpp"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <type_traits>

namespace mio = boost::mio;
using boost::system::error_code;
using mio::interest;
using mio::token;
using mio::posix::source_fd;
using mio_test::expect_system_error;
using namespace std::chrono_literals;

// Every member compiles with the documented signature.
static_assert(std::is_nothrow_constructible_v<source_fd, int>);
static_assert(!std::is_convertible_v<int, source_fd>, "the constructor is explicit");
static_assert(!std::is_default_constructible_v<source_fd>);
static_assert(std::is_trivially_copyable_v<source_fd>, "a view");
static_assert(std::is_same_v<decltype(std::declval<const source_fd&>().native_handle()), int>);
static_assert(noexcept(std::declval<const source_fd&>().native_handle()));
static_assert(mio::is_event_source_v<source_fd>);
static_assert(mio::is_event_source_v<const source_fd>, "registration does not change the view");

namespace {

// An fd owned by the test, closed at scope exit.
class fd_guard
{
public:
    explicit fd_guard(int fd) : fd_(fd) { BOOST_REQUIRE(fd_ >= 0); }
    ~fd_guard() { ::close(fd_); }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

std::uint64_t read_counter(int fd, error_code& ec)
{
    std::uint64_t value = 0;
    if (::read(fd, &value, sizeof value) < 0)
        ec.assign(errno, boost::system::system_category());
    else
        ec.clear();
    return value;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_member_runs_once)
{
    mio::poll p;
    const fd_guard efd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    const source_fd src(efd.get());
    BOOST_TEST(src.native_handle() == efd.get());
    error_code ec;
    src.register_(p.registry(), token(1), interest::readable, ec);
    BOOST_TEST(!ec);
    src.reregister(p.registry(), token(2), interest::readable, ec);
    BOOST_TEST(!ec);
    src.deregister(p.registry(), ec);
    BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_CASE(timerfd_expiry_is_an_event)
{
    mio::poll p;
    mio::events evs(4);
    const fd_guard tfd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    // A temporary view is enough: it only passes the fd along.
    p.registry().register_(source_fd(tfd.get()), token(1), interest::readable);

    mio_test::expect_no_events(p, evs, 1ms); // not armed yet
    ::itimerspec its{};
    its.it_value.tv_nsec = 10 * 1000 * 1000; // 10 ms
    BOOST_TEST_REQUIRE(::timerfd_settime(tfd.get(), 0, &its, nullptr) == 0);
    mio_test::expect_events(p, evs, {mio_test::readable(1)});

    error_code ec;
    BOOST_TEST(read_counter(tfd.get(), ec) >= 1u);
    BOOST_TEST(!ec);
    read_counter(tfd.get(), ec);
    BOOST_TEST(mio_test::is_would_block(ec), "drained");

    // Periodic: a new event for each expiry after draining.
    its.it_value.tv_nsec = 1000 * 1000;
    its.it_interval.tv_nsec = 1000 * 1000;
    BOOST_TEST_REQUIRE(::timerfd_settime(tfd.get(), 0, &its, nullptr) == 0);
    for (int i = 0; i < 3; ++i)
    {
        mio_test::expect_events(p, evs, {mio_test::readable(1)});
        read_counter(tfd.get(), ec);
        BOOST_TEST(!ec);
    }
    p.registry().deregister(source_fd(tfd.get()));
}

BOOST_AUTO_TEST_CASE(eventfd_write_is_an_event)
{
    mio::poll p;
    mio::events evs(4);
    const fd_guard efd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    const source_fd src(efd.get());
    p.registry().register_(src, token(2), interest::readable | interest::writable);
    // An eventfd with a zero counter is writable, not readable.
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST(evs.begin()->is_writable());
    BOOST_TEST(!evs.begin()->is_readable());

    p.registry().reregister(src, token(3), interest::readable);
    const std::uint64_t five = 5;
    BOOST_TEST_REQUIRE(::write(efd.get(), &five, sizeof five) == 8);
    mio_test::expect_events(p, evs, {mio_test::readable(3)});
    error_code ec;
    BOOST_TEST(read_counter(efd.get(), ec) == 5u);
    read_counter(efd.get(), ec);
    BOOST_TEST(mio_test::is_would_block(ec));
    mio_test::expect_no_events(p, evs);
}

// A raw pipe, as a child's stdin/stdout would be: the view does not own it.
BOOST_AUTO_TEST_CASE(raw_pipe_read_end_like_stdin)
{
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    const fd_guard rd(fds[0]);
    std::optional<fd_guard> wr;
    wr.emplace(fds[1]);

    mio::poll p;
    mio::events evs(4);
    {
        const source_fd view(rd.get());
        p.registry().register_(view, token(0), interest::readable);
    }
    // The view is gone; the fd is still open and registered.
    BOOST_TEST(::fcntl(rd.get(), F_GETFD) >= 0);
    BOOST_TEST_REQUIRE(::write(wr->get(), "hi", 2) == 2);
    mio_test::expect_events(p, evs, {mio_test::readable(0)});
    char buf[4];
    BOOST_TEST(::read(rd.get(), buf, sizeof buf) == 2);

    wr.reset(); // the writer hangs up
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST(evs.begin()->is_read_closed());
    p.registry().deregister(source_fd(rd.get()));
}

BOOST_AUTO_TEST_CASE(the_real_stdin_can_be_registered_or_is_refused_cleanly)
{
    // Under ctest stdin may be /dev/null or a regular file, which epoll
    // refuses with EPERM; either way the error is reported, not hidden.
    mio::poll p;
    error_code ec;
    p.registry().register_(source_fd(STDIN_FILENO), token(0), interest::readable, ec);
    if (ec)
        BOOST_TEST((ec == boost::system::errc::operation_not_permitted
                       || ec == boost::system::errc::bad_file_descriptor),
            ec.message());
    else
        p.registry().deregister(source_fd(STDIN_FILENO));
}

// epoll refuses regular files (they are always ready); poll(2) and kqueue
// accept them.
#if defined(BOOST_MIO_BACKEND_EPOLL)
BOOST_AUTO_TEST_CASE(regular_file_is_refused_with_eperm)
{
    mio_test::temp_dir dir;
    const std::string path = dir.file("plain");
    const fd_guard fd(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
    mio::poll p;
    error_code ec;
    p.registry().register_(source_fd(fd.get()), token(0), interest::readable, ec);
    BOOST_TEST((ec == boost::system::errc::operation_not_permitted), ec.message());
    expect_system_error(
        [&] { p.registry().register_(source_fd(fd.get()), token(0), interest::readable); },
        boost::system::errc::operation_not_permitted);
}
#endif

// kqueue queues in queues (a kqueue fd is a source like any other).
#if !defined(BOOST_MIO_BACKEND_KQUEUE)
BOOST_AUTO_TEST_CASE(registering_the_poll_in_itself_is_refused)
{
    mio::poll p;
    error_code ec;
    p.registry().register_(source_fd(p.native_handle()), token(0), interest::readable, ec);
    BOOST_TEST((ec == boost::system::errc::invalid_argument), ec.message());
}
#endif

BOOST_AUTO_TEST_CASE(invalid_and_closed_fds_report_ebadf)
{
    mio::poll p;
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    ::close(fds[0]);
    ::close(fds[1]);
    for (int fd : {-1, fds[0], 1 << 20})
    {
        const source_fd src(fd);
        error_code ec;
        src.register_(p.registry(), token(1), interest::readable, ec);
        BOOST_TEST((ec == boost::system::errc::bad_file_descriptor), fd << ": " << ec.message());
        src.reregister(p.registry(), token(1), interest::readable, ec);
        BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
        src.deregister(p.registry(), ec);
        BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
        expect_system_error([&] { p.registry().register_(src, token(1), interest::readable); },
            boost::system::errc::bad_file_descriptor);
        expect_system_error([&] { p.registry().reregister(src, token(1), interest::readable); },
            boost::system::errc::bad_file_descriptor);
        expect_system_error([&] { p.registry().deregister(src); },
            boost::system::errc::bad_file_descriptor);
    }
}

BOOST_AUTO_TEST_CASE(closed_registry_reports_ebadf)
{
    const fd_guard efd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    const mio::registry closed;
    error_code ec;
    source_fd(efd.get()).register_(closed, token(1), interest::readable, ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
    source_fd(efd.get()).reregister(closed, token(1), interest::readable, ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
    source_fd(efd.get()).deregister(closed, ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
}
