//
// test/fd_exhaustion.cpp: every call that creates an fd reports EMFILE
// cleanly when the process has none left, leaves a closed object, and
// the library works again once fds are available.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#include <boost/mio.hpp>

#define BOOST_TEST_MODULE fd_exhaustion
#include "util.hpp"

#include <sys/resource.h>
#include <vector>

namespace mio = boost::mio;
using boost::system::error_code;
using boost::system::errc::too_many_files_open;
using mio_test::expect_system_error;

namespace {

// Uses up every fd below a lowered soft limit while alive.
class no_fds_left
{
public:
    no_fds_left()
    {
        BOOST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved_) == 0);
        ::rlimit low = saved_;
        low.rlim_cur = 256; // keeps the filling loop short
        BOOST_REQUIRE(mio_test::count_open_fds() < 200);
        BOOST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
        for (;;)
        {
            const int fd = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
            if (fd < 0)
            {
                BOOST_REQUIRE(errno == EMFILE);
                break;
            }
            fill_.push_back(fd);
        }
    }
    ~no_fds_left()
    {
        release_all();
        ::setrlimit(RLIMIT_NOFILE, &saved_);
    }
    no_fds_left(const no_fds_left&) = delete;
    no_fds_left& operator=(const no_fds_left&) = delete;

    // Frees `n` fds.
    void release(std::size_t n)
    {
        for (; n > 0 && !fill_.empty(); --n)
        {
            ::close(fill_.back());
            fill_.pop_back();
        }
    }
    void release_all() { release(fill_.size()); }

private:
    ::rlimit saved_{};
    std::vector<int> fill_;
};

} // namespace

// UBSan's vptr check probes memory through a pipe(2) on a cache miss; with
// no fd left that probe fails and it reports a valid object as having an
// "invalid vptr" (in shared_ptr's control block, in error_category...).
// Its handler is present exactly when that check is compiled in.
extern "C" void __ubsan_handle_dynamic_type_cache_miss() __attribute__((weak));

namespace {

boost::test_tools::assertion_result no_vptr_sanitizer(boost::unit_test::test_unit_id)
{
    boost::test_tools::assertion_result ok(&__ubsan_handle_dynamic_type_cache_miss == nullptr);
    ok.message() << "skipped: UBSan's vptr check needs free fds (it probes memory with pipe(2))";
    return ok;
}

} // namespace

BOOST_AUTO_TEST_SUITE(exhausted, *boost::unit_test::precondition(no_vptr_sanitizer))

BOOST_AUTO_TEST_CASE(poll_reports_emfile)
{
    const auto per_poll = static_cast<std::size_t>(mio_test::fds_per_poll());
    no_fds_left exhausted;
    error_code ec;
    mio::poll p(ec);
    BOOST_TEST((ec == too_many_files_open), ec.message());
    BOOST_TEST(!p.is_open());
    BOOST_TEST(p.native_handle() == -1);
    expect_system_error([] { mio::poll q; }, too_many_files_open, BOOST_MIO_TEST_HERE);

    // The failed poll behaves as a closed one.
    mio::events evs(4);
    p.wait(evs, std::chrono::milliseconds(0), ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
    mio::waker w(p.registry(), mio::token(0), ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));

    exhausted.release(per_poll);
    mio::poll r(ec);
    BOOST_TEST(!ec);
    BOOST_TEST(r.is_open());
}

BOOST_AUTO_TEST_CASE(try_clone_reports_emfile)
{
    mio::poll p;
    no_fds_left exhausted;
    error_code ec;
    const mio::registry clone = p.registry().try_clone(ec);
    BOOST_TEST((ec == too_many_files_open), ec.message());
    BOOST_TEST(!clone.is_open());
    expect_system_error([&] { (void)p.registry().try_clone(); }, too_many_files_open, BOOST_MIO_TEST_HERE);
    BOOST_TEST(p.is_open(), "the original is untouched");
}

// Only where a waker has an fd of its own (epoll's eventfd); on poll(2) the
// waker is part of the selector and needs none.
#if defined(BOOST_MIO_BACKEND_EPOLL)
BOOST_AUTO_TEST_CASE(failed_waker_frees_the_waker_slot)
{
    mio::poll p;
    mio::events evs(4);
    {
        no_fds_left exhausted;
        error_code ec;
        mio::waker w(p.registry(), mio::token(1), ec);
        BOOST_TEST((ec == too_many_files_open), ec.message());
        BOOST_TEST(!w.is_open());
        expect_system_error([&] { mio::waker x(p.registry(), mio::token(1)); }, too_many_files_open, BOOST_MIO_TEST_HERE);

        // Not "already exists": the failed attempts left no waker behind.
        exhausted.release(1);
        mio::waker y(p.registry(), mio::token(2), ec);
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST(y.is_open());
        y.wake();
        mio_test::expect_events(p, evs, {mio_test::readable(2)});
    }
}
#endif

BOOST_AUTO_TEST_CASE(make_pipe_reports_emfile)
{
    no_fds_left exhausted;
    error_code ec;
    mio::posix::pipe_ends ends = mio::posix::make_pipe(ec);
    BOOST_TEST((ec == too_many_files_open), ec.message());
    BOOST_TEST(!ends.sender.is_open());
    BOOST_TEST(!ends.receiver.is_open());
    expect_system_error([] { (void)mio::posix::make_pipe(); }, too_many_files_open, BOOST_MIO_TEST_HERE);

    // One fd is not enough for a pipe either.
    exhausted.release(1);
    ends = mio::posix::make_pipe(ec);
    BOOST_TEST((ec == too_many_files_open));
    BOOST_TEST(!ends.sender.is_open());
    BOOST_TEST(!ends.receiver.is_open());

    exhausted.release(1);
    ends = mio::posix::make_pipe(ec);
    BOOST_TEST(!ec);
    BOOST_TEST(ends.sender.is_open());
    BOOST_TEST(ends.receiver.is_open());
}

BOOST_AUTO_TEST_SUITE_END()
