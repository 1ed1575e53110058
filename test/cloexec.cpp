//
// test/cloexec.cpp: every fd the library creates is close-on-exec, and
// pipes are non-blocking.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The whole library is self-contained: it comes first.
#include <boost/mio.hpp>

#define BOOST_TEST_MODULE cloexec
#include "util.hpp"

#include <string>
#include <sys/wait.h>
#include <vector>

namespace mio = boost::mio;

namespace {

// Runs a shell in a child and asks whether each fd survived the exec. The
// flag check above says what the kernel will do; this watches it do so.
bool none_inherited(const std::vector<int>& fds)
{
    std::string script = "for f in";
    for (int fd : fds)
        script += ' ' + std::to_string(fd);
    script += "; do [ -e /proc/self/fd/$f ] && exit 1; done; exit 0";
    const pid_t pid = ::fork();
    if (pid == 0)
    {
        ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    BOOST_REQUIRE(pid > 0);
    int status = 0;
    BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    BOOST_REQUIRE_MESSAGE(WIFEXITED(status) && WEXITSTATUS(status) != 127, "exec failed");
    return WEXITSTATUS(status) == 0;
}

} // namespace

BOOST_AUTO_TEST_CASE(poll_fd_is_cloexec)
{
    mio::poll p;
    BOOST_TEST(mio_test::is_cloexec(p.native_handle()));
    boost::system::error_code ec;
    mio::poll q(ec);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(mio_test::is_cloexec(q.native_handle()));
}

BOOST_AUTO_TEST_CASE(registry_clone_fd_is_cloexec)
{
    mio::poll p;
    const mio::registry a = p.registry().try_clone();
    boost::system::error_code ec;
    const mio::registry b = a.try_clone(ec);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(mio_test::is_cloexec(a.native_handle()));
    BOOST_TEST(mio_test::is_cloexec(b.native_handle()));
}

BOOST_AUTO_TEST_CASE(waker_fd_is_cloexec_and_nonblocking)
{
    mio::poll p;
    const mio::waker w(p.registry(), mio::token(0));
    BOOST_TEST(mio_test::is_cloexec(w.native_handle()));
    // A blocking eventfd could stall wake() when its counter is full.
    BOOST_TEST(mio_test::is_nonblocking(w.native_handle()));
}

BOOST_AUTO_TEST_CASE(both_pipe_ends_are_cloexec_and_nonblocking)
{
    const mio::posix::pipe_ends a = mio::posix::make_pipe();
    boost::system::error_code ec;
    const mio::posix::pipe_ends b = mio::posix::make_pipe(ec);
    BOOST_TEST_REQUIRE(!ec);
    for (const mio::posix::pipe_ends* ends : {&a, &b})
    {
        BOOST_TEST(mio_test::is_cloexec(ends->sender.native_handle()));
        BOOST_TEST(mio_test::is_cloexec(ends->receiver.native_handle()));
        BOOST_TEST(mio_test::is_nonblocking(ends->sender.native_handle()));
        BOOST_TEST(mio_test::is_nonblocking(ends->receiver.native_handle()));
    }
}

BOOST_AUTO_TEST_CASE(no_library_fd_survives_exec)
{
    mio::poll p;
    const mio::registry clone = p.registry().try_clone();
    const mio::waker w(p.registry(), mio::token(0));
    const mio::posix::pipe_ends ends = mio::posix::make_pipe();
    const std::vector<int> fds{p.native_handle(), clone.native_handle(), w.native_handle(),
        ends.sender.native_handle(), ends.receiver.native_handle()};

    // The check itself can fail: an fd without the flag is inherited.
    const int plain = ::fcntl(STDERR_FILENO, F_DUPFD, 0);
    BOOST_TEST_REQUIRE(plain >= 0);
    BOOST_TEST(!none_inherited({plain}), "the probe sees inherited fds");
    ::close(plain);

    BOOST_TEST(none_inherited(fds));
}
