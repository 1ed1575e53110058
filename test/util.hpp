//
// test/util.hpp: helpers shared by the tests (mio's tests/util/mod.rs).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Include after <boost/test/unit_test.hpp>. Every wait here is bounded:
// a test that waits for an event that never comes fails after a timeout,
// it never hangs.

#ifndef BOOST_MIO_TEST_UTIL_HPP
#define BOOST_MIO_TEST_UTIL_HPP

#include <boost/mio.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>
#include <boost/throw_exception.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>
#if defined(_WIN32)
#  include <windows.h>
#else
#  include <dirent.h>
#  include <fcntl.h>
#  include <unistd.h>
#endif

namespace mio_test {

using namespace std::chrono_literals;

// How long expect_events waits for an event before failing. Generous,
// because CI machines are shared and sanitizer builds are slow.
inline constexpr std::chrono::milliseconds event_timeout = 3000ms;

// The number of open file descriptors of this process (on Windows, of
// open handles: sockets, the completion port and AFD handles among them).
inline int count_open_fds()
{
#if defined(_WIN32)
    ::DWORD handles = 0;
    ::GetProcessHandleCount(::GetCurrentProcess(), &handles);
    return static_cast<int>(handles);
#else
    int n = 0;
    if (DIR* d = ::opendir("/proc/self/fd"))
    {
        while (::readdir(d) != nullptr)
            ++n;
        ::closedir(d);
        n -= 3; // ".", ".." and the directory's own fd
    }
    return n;
#endif
}

// How many fds one more poll opens now: 1 on epoll and a kernel's kqueue
// (the selector), 2 on poll(2) (the pipe that interrupts its waits). On
// libkqueue it depends on what is alive: its first queue also opens fds
// that its queues share and the last one closes, and each queue has an
// eventfd per EVFILT_USER knote. So it is measured at each call: call it
// in the state where its answer is used (e.g. before making the poll).
inline int fds_per_poll()
{
    const int before = count_open_fds();
    const boost::mio::poll p;
    return count_open_fds() - before;
}

#if !defined(_WIN32)
inline bool is_cloexec(int fd)
{
    const int flags = ::fcntl(fd, F_GETFD);
    return flags >= 0 && (flags & FD_CLOEXEC) != 0;
}

inline bool is_nonblocking(int fd)
{
    const int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && (flags & O_NONBLOCK) != 0;
}
#endif

// Whether a selector or waker handle is "none": -1 on POSIX, a null
// HANDLE on Windows.
template <class Handle>
bool is_no_handle(Handle h)
{
    if constexpr (std::is_pointer_v<Handle>)
        return h == nullptr;
    else
        return h == -1;
}

// Whether this Windows program runs under Wine (its ntdll exports
// wine_get_version). Tests name each place where Wine differs from
// Windows and check Windows' behaviour elsewhere (doc/design.adoc lists them).
inline bool running_under_wine()
{
#if defined(_WIN32)
    const ::HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
    return ntdll != nullptr && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
#else
    return false;
#endif
}

// Whether count_open_fds() counts: Wine's GetProcessHandleCount is a stub
// that always says 0, so handle leaks cannot be seen there.
inline bool handle_counts_work()
{
    return !running_under_wine();
}

inline bool is_would_block(const boost::system::error_code& ec)
{
    return ec == boost::asio::error::would_block;
}

// What an expected event must show; the flags left unset are not checked.
struct expected_event
{
    boost::mio::token token;
    bool readable = false;
    bool writable = false;
    bool read_closed = false;
    bool write_closed = false;
    bool error = false;
    bool priority = false;

    bool matches(const boost::mio::event& e) const
    {
        return e.token() == token && (!readable || e.is_readable())
            && (!writable || e.is_writable()) && (!read_closed || e.is_read_closed())
            && (!write_closed || e.is_write_closed()) && (!error || e.is_error())
            && (!priority || e.is_priority());
    }

    // Adds the flags `e` shows.
    void add(const boost::mio::event& e)
    {
        readable |= e.is_readable();
        writable |= e.is_writable();
        read_closed |= e.is_read_closed();
        write_closed |= e.is_write_closed();
        error |= e.is_error();
        priority |= e.is_priority();
    }

    // Whether this shows every flag `other` expects.
    bool covers(const expected_event& o) const
    {
        return (!o.readable || readable) && (!o.writable || writable)
            && (!o.read_closed || read_closed) && (!o.write_closed || write_closed)
            && (!o.error || error) && (!o.priority || priority);
    }
};

inline expected_event readable(std::size_t t) { expected_event e{boost::mio::token(t)}; e.readable = true; return e; }
inline expected_event writable(std::size_t t) { expected_event e{boost::mio::token(t)}; e.writable = true; return e; }

// Waits (bounded) until every expected event was seen at least once.
// Events for other tokens are ignored, as in mio's expect_events.
inline void expect_events(boost::mio::poll& p, boost::mio::events& evs,
    std::vector<expected_event> expected,
    std::chrono::milliseconds timeout = event_timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!expected.empty())
    {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline)
            break;
        boost::system::error_code ec;
        p.wait(evs, deadline - now, ec);
        if (ec == boost::system::errc::interrupted)
            continue;
        BOOST_REQUIRE_MESSAGE(!ec, "poll.wait failed: " << ec.message());
        for (const auto& e : evs)
        {
            for (auto it = expected.begin(); it != expected.end(); ++it)
            {
                if (it->matches(e))
                {
                    expected.erase(it);
                    break;
                }
            }
        }
    }
    std::ostringstream missing;
    for (const auto& e : expected)
        missing << " token=" << e.token.value();
    BOOST_REQUIRE_MESSAGE(expected.empty(), "expected events not seen:" << missing.str());
}

// Waits (bounded) until the events for `expected.token` show every flag of
// `expected`. epoll and poll(2) report a source's readiness in one event,
// which must show them all (as expect_events checks); kqueue reports each
// filter (read, write) as an event of its own (kqueue_event.hpp), so there
// what they show together counts.
inline void expect_readiness(boost::mio::poll& p, boost::mio::events& evs,
    const expected_event& expected, std::chrono::milliseconds timeout = event_timeout)
{
#if defined(BOOST_MIO_BACKEND_KQUEUE)
    expected_event seen{expected.token};
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!seen.covers(expected) && std::chrono::steady_clock::now() < deadline)
    {
        boost::system::error_code ec;
        p.wait(evs, deadline - std::chrono::steady_clock::now(), ec);
        if (ec == boost::system::errc::interrupted)
            continue;
        BOOST_REQUIRE_MESSAGE(!ec, "poll.wait failed: " << ec.message());
        for (const auto& e : evs)
            if (e.token() == expected.token)
                seen.add(e);
    }
    BOOST_REQUIRE_MESSAGE(seen.covers(expected),
        "the events of token=" << expected.token.value() << " lack an expected flag");
#else
    expect_events(p, evs, {expected}, timeout);
#endif
}

// Fails if any event arrives within `timeout`.
inline void expect_no_events(boost::mio::poll& p, boost::mio::events& evs,
    std::chrono::milliseconds timeout = 50ms)
{
    boost::system::error_code ec;
    p.wait(evs, timeout, ec);
    BOOST_REQUIRE(!ec);
    std::ostringstream got;
    for (const auto& e : evs)
        got << ' ' << e;
    BOOST_REQUIRE_MESSAGE(evs.empty(), "unexpected events:" << got.str());
}

// The fds a process holds once it has made its first selector, which are
// not the library's to close: libkqueue (the kqueue backend on Linux)
// keeps a monitoring epoll fd and an eventfd from its first kqueue() to
// exit. A BSD kernel and the other backends hold none. On Windows, the
// first socket starts Winsock, whose handles stay open to exit, and the
// first AFD handle loads the driver's: both are made once here.
inline int count_open_fds_after_first_poll()
{
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    {
        boost::mio::poll first;
    }
#elif defined(_WIN32)
    {
        boost::mio::poll first;
        boost::mio::net::tcp_listener l = boost::mio::net::tcp_listener::bind(
            boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
        first.registry().register_(l, boost::mio::token(0), boost::mio::interest::readable);
    }
#endif
    return count_open_fds();
}

// Checks, once per test program, that it closed every fd it opened.
struct fd_leak_check
{
    int at_start = count_open_fds_after_first_poll();
    ~fd_leak_check()
    {
        const int at_end = count_open_fds();
        if (at_end != at_start)
        {
            std::cerr << "fd leak: " << at_start << " fds open at start, " << at_end
                      << " at exit:";
#if !defined(_WIN32)
            for (int fd = 0; fd < 1024; ++fd)
            {
                char link[64], target[256];
                std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
                const ssize_t n = ::readlink(link, target, sizeof target - 1);
                if (n > 0)
                    std::cerr << ' ' << fd << "->" << std::string(target, std::size_t(n));
            }
#endif
            std::cerr << '\n';
            std::_Exit(EXIT_FAILURE);
        }
    }
};

#if !defined(_WIN32)
// A fresh directory for Unix socket paths, removed with its contents.
class temp_dir
{
public:
    temp_dir()
    {
        char tmpl[] = "/tmp/boost_mio_test_XXXXXX";
        if (::mkdtemp(tmpl) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~temp_dir()
    {
        const std::string cmd = "rm -rf '" + path_ + "'";
        (void)std::system(cmd.c_str());
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};
#endif

// The path of the example program `name`. The b2 build passes the example
// binaries as arguments to every test program; CMake compiles their
// directory in as BOOST_MIO_EXAMPLE_DIR.
inline std::string example_path(const std::string& name)
{
    const auto& suite = boost::unit_test::framework::master_test_suite();
    for (int i = 1; i < suite.argc; ++i)
    {
        const std::string arg = suite.argv[i];
        if (arg.size() > name.size() && arg.compare(arg.size() - name.size(), name.size(), name) == 0
            && arg[arg.size() - name.size() - 1] == '/')
            return arg;
    }
#if defined(BOOST_MIO_EXAMPLE_DIR)
    return std::string(BOOST_MIO_EXAMPLE_DIR) + "/" + name;
#else
    BOOST_FAIL("example " << name << " not found: pass its path as an argument");
    return {};
#endif
}

// Boost.Test's assertions are not thread-safe (each one updates the
// framework's shared checkpoint), so code running on another thread (a
// std::thread, an io_context worker) never calls them: it records what went
// wrong here, in atomics, and the test's own thread checks after joining.
class thread_failures
{
public:
    // Thread-safe. `what` must outlive this object (a string literal).
    void record(const char* what) noexcept
    {
        const char* none = nullptr;
        first_.compare_exchange_strong(none, what);
        count_.fetch_add(1);
    }

    // Records `what` unless `ok`; returns `ok`.
    bool expect(bool ok, const char* what) noexcept
    {
        if (!ok)
            record(what);
        return ok;
    }

    int count() const noexcept { return count_.load(); }

    // On the test's thread only.
    void check() const
    {
        const char* first = first_.load();
        BOOST_TEST(count() == 0,
            count() << " failure(s) on other threads, the first: " << (first ? first : ""));
    }

private:
    std::atomic<int> count_{0};
    std::atomic<const char*> first_{nullptr};
};

// Where a test makes a throwing call: the location its exception must
// carry. Write the call and BOOST_MIO_TEST_HERE on the same line.
struct call_site
{
    const char* file;
    unsigned line;
};
#define BOOST_MIO_TEST_HERE (::mio_test::call_site{__FILE__, static_cast<unsigned>(__LINE__)})

// Runs `f`, which must throw boost::system::system_error whose code()
// compares equal to `expected` (an error_code, an errc or a library enum).
// Given a `site`, the exception must also name it, the caller's line (not
// the library's), both as its throw location and in its code.
template <class F, class Code>
void expect_system_error(F&& f, const Code& expected, std::optional<call_site> site = std::nullopt)
{
    try
    {
        f();
    }
    catch (const boost::system::system_error& e)
    {
        BOOST_TEST((e.code() == expected), "threw " << e.code() << " (" << e.what() << ")");
        if (site)
        {
            const boost::source_location thrown = boost::get_throw_location(e);
            BOOST_TEST(std::string(thrown.file_name()) == site->file);
            BOOST_TEST(thrown.line() == site->line);
            BOOST_TEST_REQUIRE(e.code().has_location(), e.what());
            BOOST_TEST(std::string(e.code().location().file_name()) == site->file);
            BOOST_TEST(e.code().location().line() == site->line);
        }
        return;
    }
    BOOST_ERROR("expected boost::system::system_error, nothing was thrown");
}

} // namespace mio_test

// One per test program: fails the program if it leaked a file descriptor.
using mio_test_fd_leak_check = mio_test::fd_leak_check;
BOOST_TEST_GLOBAL_FIXTURE(mio_test_fd_leak_check);

#endif // BOOST_MIO_TEST_UTIL_HPP
