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
#include <optional>
#include <string>
#include <thread>
#include <vector>
#if defined(_WIN32)
#  include <windows.h>
#  include <psapi.h>
#else
#  include <dirent.h>
#  include <fcntl.h>
#  include <poll.h>
#  include <spawn.h>
#  include <sys/resource.h>
#  include <sys/wait.h>
#  include <unistd.h>

extern char** environ;
#endif

namespace mio_test {

#if defined(_WIN32)
namespace child_detail {

// `arg` quoted for a command line that CommandLineToArgvW (and the C
// runtime) split back into exactly `arg`: backslashes are literal except
// before a double quote, where they (and the quote) are escaped.
inline std::string quote_argument(const std::string& arg)
{
    if (!arg.empty() && arg.find_first_of(" \t\n\v\"") == std::string::npos)
        return arg;
    std::string out = "\"";
    std::size_t backslashes = 0;
    for (const char c : arg)
    {
        if (c == '\\')
        {
            ++backslashes;
            continue;
        }
        if (c == '"')
            out.append(2 * backslashes + 1, '\\');
        else
            out.append(backslashes, '\\');
        backslashes = 0;
        out += c;
    }
    out.append(2 * backslashes, '\\'); // before the closing quote
    out += '"';
    return out;
}

} // namespace child_detail
#endif

// A spawned program with its stdout (and, if asked, its stderr) on a pipe.
// On Windows it runs in a console of its own (hidden), so that a console
// control event can stop it as SIGINT/SIGTERM do on POSIX (see signal).
class child_process
{
public:
    enum class capture { stdout_only, stdout_and_stderr };

    explicit child_process(const std::vector<std::string>& args, capture what = capture::stdout_only)
    {
        spawn(args, what);
    }
    ~child_process()
    {
#if defined(_WIN32)
        if (process_ != nullptr)
        {
            ::TerminateProcess(process_, 1);
            ::WaitForSingleObject(process_, 10000); // bounded, as every wait here
            ::CloseHandle(process_);
        }
        if (out_ != nullptr)
            ::CloseHandle(out_);
#else
        if (pid_ > 0)
        {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_ >= 0)
            ::close(out_);
#endif
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    // The next line of its stdout without the '\n' (and, on Windows, a
    // '\r' before it); what was read so far if the timeout or the end of
    // its output comes first.
    std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(10))
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::string line;
        for (;;)
        {
            if (!wait_for_output(deadline))
                return line;
            char c;
            if (read_output(&c, 1) != 1 || c == '\n')
            {
                if (!line.empty() && line.back() == '\r')
                    line.pop_back();
                return line;
            }
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
            const long n = read_output(buf, sizeof buf);
            if (n == 0)
                return all;
            if (n > 0)
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

#if defined(_WIN32)
    // Windows has no signals. What SIGINT and SIGTERM ask of a console
    // server there is a console control event, which the examples' loop
    // (example/event_loop.hpp) handles as a clean stop: a CTRL_C_EVENT to
    // every process of the child's console, which this process joins for
    // the call. The one way, on Windows and Wine, to deliver it to one
    // child without a console of one's own (Wine refuses CTRL_BREAK_EVENT
    // to a console's processes as a whole).
    void signal(int sig)
    {
        BOOST_REQUIRE_MESSAGE(sig == SIGINT || sig == SIGTERM, "no Windows counterpart to signal " << sig);
        // The event reaches this process too: handled (ignored) here, where
        // the default would end it. A handler, unlike the ignore flag that
        // SetConsoleCtrlHandler(nullptr, TRUE) sets, is not inherited by
        // the children started later, which must see the event.
        static const bool handled = ::SetConsoleCtrlHandler(&ignore_console_event, TRUE) != 0;
        BOOST_REQUIRE(handled);
        ::FreeConsole();
        BOOST_REQUIRE_MESSAGE(::AttachConsole(pid_), "AttachConsole: " << ::GetLastError());
        const bool sent = ::GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0) != 0;
        const ::DWORD error = ::GetLastError();
        ::FreeConsole();
        ::AttachConsole(ATTACH_PARENT_PROCESS); // back to ours, if there was one
        BOOST_REQUIRE_MESSAGE(sent, "GenerateConsoleCtrlEvent: " << error);
    }
#else
    void signal(int sig) { BOOST_REQUIRE(::kill(pid_, sig) == 0); }
#endif

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
        while (std::chrono::steady_clock::now() < deadline)
        {
            if (const std::optional<int> status = try_reap())
                return *status;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        BOOST_FAIL("the example did not exit within 10 s");
        return -1;
    }

#if defined(_WIN32)
    // Its working set in KiB: the current one ("VmRSS"), or the peak
    // ("VmHWM"), Linux's names for them.
    std::size_t rss_kib(const char* field = "VmRSS") const
    {
        ::PROCESS_MEMORY_COUNTERS counters{};
        BOOST_REQUIRE(::GetProcessMemoryInfo(process_, &counters, sizeof counters));
        const std::size_t bytes = std::strcmp(field, "VmHWM") == 0 ? counters.PeakWorkingSetSize
                                                                  : counters.WorkingSetSize;
        BOOST_REQUIRE_MESSAGE(bytes != 0, field << " is 0 for process " << pid_);
        return bytes / 1024;
    }

    // Its open handles, sockets among them (Wine's count is a stub that
    // says 0: see handle_counts_work).
    std::size_t open_fds() const
    {
        ::DWORD n = 0;
        BOOST_REQUIRE(::GetProcessHandleCount(process_, &n));
        return n;
    }
#else
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
#endif

private:
#if defined(_WIN32)
    void spawn(const std::vector<std::string>& args, capture what)
    {
        ::SECURITY_ATTRIBUTES inherited{sizeof(::SECURITY_ATTRIBUTES), nullptr, TRUE};
        ::HANDLE write_end = nullptr;
        BOOST_REQUIRE(::CreatePipe(&out_, &write_end, &inherited, 0));
        ::SetHandleInformation(out_, HANDLE_FLAG_INHERIT, 0); // only the child's end
        ::STARTUPINFOA startup{};
        startup.cb = sizeof startup;
        startup.dwFlags = STARTF_USESTDHANDLES | STARTF_USESHOWWINDOW;
        startup.wShowWindow = SW_HIDE;
        startup.hStdInput = ::GetStdHandle(STD_INPUT_HANDLE);
        startup.hStdOutput = write_end;
        startup.hStdError = what == capture::stdout_and_stderr ? write_end : ::GetStdHandle(STD_ERROR_HANDLE);
        std::string command_line;
        for (const auto& a : args)
            command_line += (command_line.empty() ? "" : " ") + child_detail::quote_argument(a);
        ::PROCESS_INFORMATION info{};
        // No application name: the first argument is searched for as a
        // program, ".exe" appended, as a shell would.
        const bool started = ::CreateProcessA(nullptr, command_line.data(), nullptr, nullptr, TRUE,
                                 CREATE_NEW_CONSOLE, nullptr, nullptr, &startup, &info) != 0;
        const ::DWORD error = ::GetLastError();
        ::CloseHandle(write_end);
        if (!started) // the destructor will not run: nothing may be left open
        {
            ::CloseHandle(out_);
            out_ = nullptr;
        }
        BOOST_REQUIRE_MESSAGE(started, "CreateProcess " << args[0] << ": error " << error);
        ::CloseHandle(info.hThread);
        process_ = info.hProcess;
        pid_ = info.dwProcessId;
    }

    // Until its output has something to read (or has ended); false once
    // `deadline` has passed. Anonymous pipes cannot be waited on: peeked.
    bool wait_for_output(std::chrono::steady_clock::time_point deadline) const
    {
        for (;;)
        {
            ::DWORD available = 0;
            if (!::PeekNamedPipe(out_, nullptr, 0, nullptr, &available, nullptr) || available > 0)
                return true; // data, or the end (the read will say which)
            if (std::chrono::steady_clock::now() >= deadline)
                return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }

    // Bytes read, 0 at the end of its output.
    long read_output(char* buf, std::size_t size)
    {
        ::DWORD n = 0;
        if (!::ReadFile(out_, buf, static_cast<::DWORD>(size), &n, nullptr))
        {
            BOOST_REQUIRE_MESSAGE(::GetLastError() == ERROR_BROKEN_PIPE, "ReadFile: " << ::GetLastError());
            return 0;
        }
        return static_cast<long>(n);
    }

    // Its exit status once it has exited.
    std::optional<int> try_reap()
    {
        if (::WaitForSingleObject(process_, 0) != WAIT_OBJECT_0)
            return std::nullopt;
        ::DWORD code = 0;
        BOOST_REQUIRE(::GetExitCodeProcess(process_, &code));
        ::CloseHandle(process_);
        process_ = nullptr;
        return static_cast<int>(code);
    }

    static BOOL WINAPI ignore_console_event(::DWORD) { return TRUE; }

    ::HANDLE process_ = nullptr;
    ::DWORD pid_ = 0;
    ::HANDLE out_ = nullptr;
#else
    void spawn(const std::vector<std::string>& args, capture what)
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

    // Bytes read, 0 at the end of its output.
    long read_output(char* buf, std::size_t size)
    {
        for (;;)
        {
            const ssize_t n = ::read(out_, buf, size);
            if (n >= 0)
                return static_cast<long>(n);
            BOOST_REQUIRE_MESSAGE(errno == EINTR, "read: " << std::strerror(errno));
        }
    }

    // Its exit status once it has exited; fails if a signal killed it.
    std::optional<int> try_reap()
    {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) != pid_)
            return std::nullopt;
        pid_ = -1;
        BOOST_REQUIRE_MESSAGE(WIFEXITED(status), "the example died of a signal: "
                << (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
        return WEXITSTATUS(status);
    }

    pid_t pid_ = -1;
    int out_ = -1;
#endif
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
