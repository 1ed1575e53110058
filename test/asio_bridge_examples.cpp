//
// test/asio_bridge_examples.cpp: runs the Asio bridge examples against real
// clients.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Each example is an echo server: it is spawned, must print
// "listening on 127.0.0.1:PORT" as its first line, echo what several
// clients send (large enough to fill socket buffers), and exit with status
// 0 on SIGTERM. The binaries are found by mio_test::example_path (CMake's
// BOOST_MIO_EXAMPLE_DIR, or b2's arguments).

#define BOOST_TEST_MODULE asio_bridge_examples
#include "util.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <cerrno>
#include <cstring>
#include <csignal>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

// A child process with its stdout on a pipe. Killed and reaped by the
// destructor if still running, so a failing test leaves nothing behind.
class child_process
{
public:
    explicit child_process(const std::string& path)
    {
        int fds[2];
        BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        posix_spawn_file_actions_t actions;
        ::posix_spawn_file_actions_init(&actions);
        ::posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
        const int rc = ::posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv, environ);
        ::posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        out_ = fds[0];
        BOOST_REQUIRE_MESSAGE(rc == 0, "cannot run " << path << ": " << std::strerror(rc));
    }

    ~child_process()
    {
        if (pid_ > 0)
        {
            ::kill(pid_, SIGKILL);
            int status;
            ::waitpid(pid_, &status, 0);
        }
        if (out_ >= 0)
            ::close(out_);
    }

    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    // The next line of the child's stdout, without '\n'; what was read so
    // far if the timeout or end of output comes first.
    std::string read_line(std::chrono::milliseconds timeout)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::string line;
        for (;;)
        {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                return line;
            pollfd p{out_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
                continue;
            char c;
            const ssize_t n = ::read(out_, &c, 1);
            if (n <= 0 || c == '\n')
                return line;
            line += c;
        }
    }

    void signal(int sig) { BOOST_REQUIRE(::kill(pid_, sig) == 0); }

    // The exit status once the child exited normally; nullopt if it is
    // still running after `timeout` or died from a signal.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline)
        {
            int status;
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_)
            {
                pid_ = -1;
                if (WIFEXITED(status))
                    return WEXITSTATUS(status);
                return std::nullopt;
            }
            std::this_thread::sleep_for(5ms);
        }
        return std::nullopt;
    }

private:
    pid_t pid_ = -1;
    int out_ = -1;
};

// The port of a "listening on 127.0.0.1:PORT" line, or 0.
unsigned short listening_port(const std::string& line)
{
    const std::string prefix = "listening on 127.0.0.1:";
    if (line.compare(0, prefix.size(), prefix) != 0)
        return 0;
    return static_cast<unsigned short>(std::stoi(line.substr(prefix.size())));
}

// Connects `clients` clients at once, each sending its own payload of
// `size` bytes while reading the echo back; checks every byte. Bounded.
void check_echo(unsigned short port, int clients, std::size_t size)
{
    asio::io_context ioc;
    const tcp::endpoint server(asio::ip::make_address_v4("127.0.0.1"), port);
    struct client
    {
        explicit client(asio::io_context& ioc) : socket(ioc) {}
        tcp::socket socket;
        std::string sent, received;
        bool done = false;
    };
    std::vector<std::unique_ptr<client>> cs;
    for (int i = 0; i < clients; ++i)
    {
        auto c = std::make_unique<client>(ioc);
        c->socket.connect(server);
        for (std::size_t k = 0; k < size; ++k)
            c->sent += static_cast<char>('a' + (k * 7 + static_cast<std::size_t>(i)) % 26);
        c->received.resize(size);
        client& cr = *c;
        asio::async_write(cr.socket, asio::buffer(cr.sent),
            [](boost::system::error_code ec, std::size_t) { BOOST_CHECK(!ec); });
        asio::async_read(cr.socket, asio::buffer(cr.received),
            [&cr](boost::system::error_code ec, std::size_t) {
                BOOST_CHECK(!ec);
                cr.done = true;
            });
        cs.push_back(std::move(c));
    }
    ioc.run_for(15s);
    for (const auto& c : cs)
    {
        BOOST_CHECK_MESSAGE(c->done, "the echo did not come back in time");
        BOOST_CHECK(c->received == c->sent);
    }
}

// Runs an echo server example end to end.
void run_echo_example(const std::string& name)
{
    child_process child(mio_test::example_path(name));
    const std::string first = child.read_line(10s);
    const unsigned short port = listening_port(first);
    BOOST_REQUIRE_MESSAGE(port != 0, name << "'s first line: \"" << first << "\"");
    check_echo(port, 1, 5);
    check_echo(port, 4, 256 * 1024);
    child.signal(SIGTERM);
    const std::optional<int> status = child.wait_exit(10s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), name << " did not exit on SIGTERM");
    BOOST_CHECK_EQUAL(*status, 0);
}

} // namespace

BOOST_AUTO_TEST_CASE(coroutine_echo_serves_clients_and_stops_on_sigterm)
{
#if defined(BOOST_ASIO_HAS_CO_AWAIT)
    run_echo_example("coroutine_echo");
#else
    // Without coroutines the example only says so, and succeeds.
    child_process child(mio_test::example_path("coroutine_echo"));
    const std::string first = child.read_line(10s);
    BOOST_CHECK_MESSAGE(first.find("needs C++20") != std::string::npos, "first line: " << first);
    const std::optional<int> status = child.wait_exit(10s);
    BOOST_REQUIRE(status.has_value());
    BOOST_CHECK_EQUAL(*status, 0);
#endif
}

BOOST_AUTO_TEST_CASE(asio_hybrid_server_serves_clients_and_stops_on_sigterm)
{
    run_echo_example("asio_hybrid_server");
}
