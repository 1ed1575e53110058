//
// test/child_process.hpp: runs an example program as a real process, for
// the tests that drive the examples with real clients.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Include after "util.hpp". Every wait is bounded, and the destructor
// kills and reaps a child the test did not stop, so a failing test leaves
// no process behind.

#ifndef BOOST_MIO_TEST_CHILD_PROCESS_HPP
#define BOOST_MIO_TEST_CHILD_PROCESS_HPP

#include "util.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace mio_test {

// A spawned program with its stdout (and, if asked, its stderr) on a pipe.
class child_process
{
public:
    enum class capture { stdout_only, stdout_and_stderr };

    explicit child_process(const std::vector<std::string>& args, capture what = capture::stdout_only)
    {
        int fds[2];
        BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        posix_spawn_file_actions_t actions;
        ::posix_spawn_file_actions_init(&actions);
        ::posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO); // clears CLOEXEC
        if (what == capture::stdout_and_stderr)
            ::posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
        std::vector<char*> argv;
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        ::posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        if (rc != 0) // the destructor will not run: nothing may be left open
            ::close(fds[0]);
        else
            out_ = fds[0];
        BOOST_REQUIRE_MESSAGE(rc == 0, "posix_spawn " << args[0] << ": " << std::strerror(rc));
    }
    ~child_process()
    {
        if (pid_ > 0)
        {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_ >= 0)
            ::close(out_);
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    pid_t pid() const { return pid_; }

    // The next line of its stdout without the '\n'; what was read so far
    // if the timeout or the end of its output comes first.
    std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(10))
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::string line;
        for (;;)
        {
            if (!wait_for_output(deadline))
                return line;
            char c;
            if (::read(out_, &c, 1) != 1 || c == '\n')
                return line;
            line += c;
        }
    }

    // All of its output up to end of file (it exited, or closed stdout);
    // fails unless that comes within `timeout`.
    std::string read_all(std::chrono::milliseconds timeout = std::chrono::seconds(30))
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::string all;
        for (;;)
        {
            BOOST_REQUIRE_MESSAGE(wait_for_output(deadline),
                "no end of output within the time limit; got " << all.size() << " bytes");
            char buf[16 * 1024];
            const ssize_t n = ::read(out_, buf, sizeof buf);
            if (n == 0)
                return all;
            if (n < 0)
            {
                BOOST_REQUIRE_MESSAGE(errno == EINTR, "read: " << std::strerror(errno));
                continue;
            }
            all.append(buf, static_cast<std::size_t>(n));
        }
    }

    // The first line of its stdout; fails unless a whole one comes in 10 s.
    std::string first_line()
    {
        const std::string line = read_line();
        BOOST_REQUIRE_MESSAGE(!line.empty(), "no first line from the example within 10 s");
        return line;
    }

    void signal(int sig) { BOOST_REQUIRE(::kill(pid_, sig) == 0); }

    // Sends `sig` and returns the exit status (see wait_exit).
    int stop(int sig)
    {
        signal(sig);
        return wait_exit();
    }

    // The exit status; fails unless it exits normally within 10 s.
    int wait_exit()
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        int status = 0;
        while (std::chrono::steady_clock::now() < deadline)
        {
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_)
            {
                pid_ = -1;
                BOOST_REQUIRE_MESSAGE(WIFEXITED(status), "the example died of a signal: "
                        << (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
                return WEXITSTATUS(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        BOOST_FAIL("the example did not exit within 10 s");
        return -1;
    }

    // Its resident set in KiB: the current one, or the peak ("VmHWM").
    std::size_t rss_kib(const char* field = "VmRSS") const
    {
        FILE* f = std::fopen(("/proc/" + std::to_string(pid_) + "/status").c_str(), "r");
        BOOST_REQUIRE(f != nullptr);
        char line[256];
        std::size_t kib = 0;
        const std::size_t len = std::strlen(field);
        while (std::fgets(line, sizeof line, f) != nullptr)
            if (std::strncmp(line, field, len) == 0 && line[len] == ':')
                kib = std::strtoul(line + len + 1, nullptr, 10);
        std::fclose(f);
        BOOST_REQUIRE_MESSAGE(kib != 0, field << " not found for pid " << pid_);
        return kib;
    }

    // Its open file descriptors, in increasing order.
    std::vector<long> fds() const
    {
        const std::string dir = "/proc/" + std::to_string(pid_) + "/fd";
        DIR* d = ::opendir(dir.c_str());
        BOOST_REQUIRE(d != nullptr);
        std::vector<long> open;
        while (const dirent* e = ::readdir(d))
            if (e->d_name[0] != '.')
                open.push_back(std::strtol(e->d_name, nullptr, 10));
        ::closedir(d);
        std::sort(open.begin(), open.end());
        return open;
    }
    std::size_t open_fds() const { return fds().size(); }

    // Lowers its soft RLIMIT_NOFILE so that exactly `free_fds` more
    // descriptors fit, counted from what it has open now; accept(2) then
    // reports EMFILE once they are used. Returns the limit set.
    rlim_t limit_fds_to(std::size_t free_fds)
    {
        const std::vector<long> open = fds();
        // New fds take the lowest free numbers below the limit, wherever
        // the holes are; fds open above it (inherited ones) do not count.
        rlim_t limit = 0;
        std::size_t free = 0, below = 0;
        while (free < free_fds || (below < open.size() && open[below] == static_cast<long>(limit)))
        {
            if (below < open.size() && open[below] == static_cast<long>(limit))
                ++below;
            else
                ++free;
            ++limit;
        }
        set_fd_limit(limit);
        return limit;
    }

    // Sets its soft RLIMIT_NOFILE (the hard one stays, so that it can be
    // raised again without privileges).
    void set_fd_limit(rlim_t limit)
    {
        ::rlimit r{};
        BOOST_REQUIRE(::prlimit(pid_, RLIMIT_NOFILE, nullptr, &r) == 0);
        BOOST_REQUIRE_MESSAGE(limit <= r.rlim_max, "hard fd limit " << r.rlim_max << " < " << limit);
        r.rlim_cur = limit;
        BOOST_REQUIRE_MESSAGE(::prlimit(pid_, RLIMIT_NOFILE, &r, nullptr) == 0,
            "prlimit: " << std::strerror(errno));
    }

private:
    // Until its output has something to read (or has ended); false once
    // `deadline` has passed.
    bool wait_for_output(std::chrono::steady_clock::time_point deadline) const
    {
        for (;;)
        {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                return false;
            ::pollfd pfd{out_, POLLIN, 0};
            if (::poll(&pfd, 1, static_cast<int>(left.count())) > 0)
                return true;
        }
    }

    pid_t pid_ = -1;
    int out_ = -1;
};

// The port in "listening on 127.0.0.1:PORT".
inline unsigned short parse_port(const std::string& line)
{
    const std::string prefix = "listening on 127.0.0.1:";
    BOOST_REQUIRE_MESSAGE(line.compare(0, prefix.size(), prefix) == 0, "first line: " << line);
    const unsigned long port = std::stoul(line.substr(prefix.size()));
    BOOST_REQUIRE(port > 0 && port < 65536);
    return static_cast<unsigned short>(port);
}

} // namespace mio_test

#endif // BOOST_MIO_TEST_CHILD_PROCESS_HPP
