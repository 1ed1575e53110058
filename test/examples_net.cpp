//
// test/examples_net.cpp: runs example/tcp_server, udp_server and unix_echo
// as real processes and checks them with real clients: every echoed byte,
// many connections, and a clean exit (status 0) on SIGTERM / SIGINT.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The example binaries are found (in this order) among the program's
// arguments (b2 passes each binary; a directory works too), then in
// BOOST_MIO_EXAMPLE_DIR (CMake).

// The header is self-contained: it comes first.
#include <boost/mio.hpp>

#define BOOST_TEST_MODULE examples_net
#include "util.hpp"
#include "net_util.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <vector>

extern char** environ;

using namespace mio_test;
using mio::interest;
using mio::token;

namespace {

std::string find_example(const std::string& name)
{
    const auto& suite = boost::unit_test::framework::master_test_suite();
    for (int i = 1; i < suite.argc; ++i)
    {
        const std::string arg = suite.argv[i];
        if (arg == name || (arg.size() > name.size()
                && arg.compare(arg.size() - name.size() - 1, std::string::npos, "/" + name) == 0))
            return arg;
        struct stat st;
        if (::stat(arg.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
            return arg + "/" + name;
    }
#if defined(BOOST_MIO_EXAMPLE_DIR)
    return std::string(BOOST_MIO_EXAMPLE_DIR) + "/" + name;
#else
    BOOST_FAIL("example " << name << " not found: pass its path as an argument");
    return {};
#endif
}

// A spawned example with its stdout on a pipe. The destructor kills and
// reaps it if the test did not, so a failing test leaves no process.
class child_process
{
public:
    explicit child_process(const std::vector<std::string>& args)
    {
        int fds[2];
        BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1); // dup2 clears CLOEXEC
        std::vector<char*> argv;
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
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

    // The first line of its stdout, without the newline (bounded wait).
    std::string first_line()
    {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline)
        {
            ::pollfd pfd{out_, POLLIN, 0};
            if (::poll(&pfd, 1, 100) <= 0)
                continue;
            char c;
            const ssize_t n = ::read(out_, &c, 1);
            BOOST_REQUIRE_MESSAGE(n == 1, "the example ended before printing a line");
            if (c == '\n')
                return line;
            line += c;
        }
        BOOST_FAIL("no first line from the example within 10 s");
        return line;
    }

    // Sends `sig` and returns the exit status (see wait_exit).
    int stop(int sig)
    {
        BOOST_REQUIRE(::kill(pid_, sig) == 0);
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
        BOOST_FAIL("the example did not exit within 10 s of the signal");
        return -1;
    }

private:
    pid_t pid_ = -1;
    int out_ = -1;
};

// The port in "listening on 127.0.0.1:PORT".
unsigned short parse_port(const std::string& line)
{
    const std::string prefix = "listening on 127.0.0.1:";
    BOOST_REQUIRE_MESSAGE(line.compare(0, prefix.size(), prefix) == 0, "first line: " << line);
    const unsigned long port = std::stoul(line.substr(prefix.size()));
    BOOST_REQUIRE(port > 0 && port < 65536);
    return static_cast<unsigned short>(port);
}

std::string pattern(std::size_t size, std::size_t seed)
{
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        s[i] = static_cast<char>((i * 7 + seed * 13 + (i >> 10)) % 256);
    return s;
}

// Drives many clients at once through one poll: each sends its payload
// (as fast as the server takes it) while reading the echo, and the echo
// must equal the payload byte for byte. Bounded by `limit`.
template <class Stream>
void echo_all(std::vector<Stream>& clients, const std::vector<std::string>& payloads,
    std::chrono::seconds limit = std::chrono::seconds(30))
{
    struct progress
    {
        std::size_t sent = 0;
        std::string received;
        bool reading = false; // only under libkqueue (below)
    };
    std::vector<progress> state(clients.size());
    mio::poll p;
    mio::events evs(1024);
    for (std::size_t i = 0; i < clients.size(); ++i)
        p.registry().register_(clients[i], token(i), interest::readable | interest::writable);
    std::size_t done = 0;
    std::vector<char> buf(64 * 1024);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (done < clients.size() && std::chrono::steady_clock::now() < deadline)
    {
        p.wait(evs, std::chrono::milliseconds(200));
        for (const auto& e : evs)
        {
            const std::size_t i = e.token().value();
            progress& st = state[i];
            const std::string& want = payloads[i];
            boost::system::error_code ec;
            while (st.sent < want.size() && !ec)
                st.sent += clients[i].write_some(
                    asio::buffer(want.data() + st.sent, want.size() - st.sent), ec);
            BOOST_REQUIRE_MESSAGE(!ec || is_would_block(ec), "write: " << ec.message());
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
            // libkqueue's kevent() asks epoll for as many events as the
            // buffer holds (at most 512) and drops the kevents that do not
            // fit when an epoll event becomes two (a socket's read and write
            // filters): those edges are lost, where a BSD kernel keeps them
            // queued. So a client watches one direction at a time there:
            // writable until its payload is out, then readable. (Not an fd
            // limit: a registration costs libkqueue no fd.)
            if (!ec && st.sent == want.size() && !st.reading)
            {
                p.registry().reregister(clients[i], token(i), interest::readable);
                st.reading = true;
            }
#endif
            const bool was_done = st.received.size() == want.size();
            for (ec.clear(); !ec && st.received.size() < want.size();)
            {
                const std::size_t n = clients[i].read_some(asio::buffer(buf), ec);
                st.received.append(buf.data(), n);
            }
            BOOST_REQUIRE_MESSAGE(!ec || is_would_block(ec), "read: " << ec.message());
            BOOST_REQUIRE(st.received.size() <= want.size());
            if (!was_done && st.received.size() == want.size())
            {
                BOOST_REQUIRE_MESSAGE(st.received == want, "client " << i << ": echo differs");
                ++done;
            }
        }
    }
    BOOST_TEST(done == clients.size());
}

template <class Stream, class Connect>
std::vector<Stream> connect_n(std::size_t n, Connect connect)
{
    std::vector<Stream> v;
    for (std::size_t i = 0; i < n; ++i)
        v.push_back(connect());
    return v;
}

} // namespace

BOOST_AUTO_TEST_CASE(tcp_server_echoes_one_mib_and_100_connections_then_exits_on_sigterm)
{
    child_process server({find_example("tcp_server"), "0"});
    const tcp::endpoint at = local_v4(parse_port(server.first_line()));

    // One connection, 1 MiB: far more than the server's 64 KiB buffer and
    // the socket buffers, so its pending output and WRITABLE path run.
    std::vector<net::tcp_stream> one;
    one.push_back(net::tcp_stream::connect(at));
    echo_all(one, {pattern(1024 * 1024, 1)});

    // 100 connections at once, 16 KiB each, all different.
    auto many = connect_n<net::tcp_stream>(100, [&] { return net::tcp_stream::connect(at); });
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < many.size(); ++i)
        payloads.push_back(pattern(16 * 1024, i + 2));
    echo_all(many, payloads);

    BOOST_TEST(server.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(tcp_server_holds_a_thousand_connections)
{
    child_process server({find_example("tcp_server"), "0"});
    const tcp::endpoint at = local_v4(parse_port(server.first_line()));
    auto clients = connect_n<net::tcp_stream>(1000, [&] { return net::tcp_stream::connect(at); });
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < clients.size(); ++i)
        payloads.push_back("connection " + std::to_string(i) + "\n");
    echo_all(clients, payloads);
    BOOST_TEST(server.stop(SIGINT) == 0);
}

BOOST_AUTO_TEST_CASE(tcp_server_finishes_the_echo_after_half_close)
{
    child_process server({find_example("tcp_server"), "0"});
    const tcp::endpoint at = local_v4(parse_port(server.first_line()));
    auto c = net::tcp_stream::connect(at);
    mio::poll p;
    mio::events evs(8);
    register_until_writable(p, evs, c, 1);
    const std::string msg = pattern(100 * 1000, 3);
    std::size_t sent = 0;
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    bool eof = false, shut = false;
    while (!eof && std::chrono::steady_clock::now() < deadline)
    {
        boost::system::error_code ec;
        while (sent < msg.size() && !ec)
            sent += c.write_some(asio::buffer(msg.data() + sent, msg.size() - sent), ec);
        if (sent == msg.size() && !shut)
        {
            c.shutdown(net::shutdown_type::send); // the echo must still come back whole
            shut = true;
        }
        char buf[8192];
        for (ec.clear(); !ec;)
        {
            const std::size_t n = c.read_some(asio::buffer(buf), ec);
            got.append(buf, n);
        }
        eof = ec == asio::error::eof;
        BOOST_REQUIRE(eof || is_would_block(ec));
        if (!eof)
            p.wait(evs, std::chrono::milliseconds(200));
    }
    BOOST_TEST(eof); // the server closed after echoing everything
    BOOST_TEST((got == msg));
    BOOST_TEST(server.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(udp_server_echoes_every_datagram)
{
    child_process server({find_example("udp_server"), "0"});
    const udp::endpoint at = udp_local_v4(parse_port(server.first_line()));
    auto client = net::udp_socket::bind(udp_local_v4());
    mio::poll p;
    mio::events evs(8);
    p.registry().register_(client, token(1), interest::readable);
    std::vector<char> buf(65536);
    for (std::size_t i = 0; i < 100; ++i)
    {
        const std::string msg = i == 0 ? std::string() : pattern((i * 613) % 60000, i);
        BOOST_TEST(client.send_to(asio::buffer(msg), at) == msg.size());
        expect_events(p, evs, {readable(1)});
        auto [n, from] = client.receive_from(asio::buffer(buf));
        BOOST_TEST(from == at);
        BOOST_REQUIRE_EQUAL(n, msg.size());
        BOOST_TEST((std::string(buf.data(), n) == msg));
        // One echo per datagram, and drained: the next one is a new event.
        boost::system::error_code ec;
        client.receive_from(asio::buffer(buf), ec);
        BOOST_TEST(is_would_block(ec));
    }
    // A burst from several sockets: each gets its own datagrams back.
    std::vector<net::udp_socket> senders;
    for (int i = 0; i < 10; ++i)
        senders.push_back(net::udp_socket::bind(udp_local_v4()));
    for (std::size_t i = 0; i < senders.size(); ++i)
        for (int k = 0; k < 5; ++k)
            senders[i].send_to(asio::buffer(std::to_string(i) + ":" + std::to_string(k)), at);
    for (std::size_t i = 0; i < senders.size(); ++i)
    {
        p.registry().register_(senders[i], token(10 + i), interest::readable);
        for (int k = 0; k < 5; ++k)
        {
            boost::system::error_code ec;
            auto [n, from] = senders[i].receive_from(asio::buffer(buf), ec);
            if (is_would_block(ec))
            {
                expect_events(p, evs, {readable(10 + i)});
                std::tie(n, from) = senders[i].receive_from(asio::buffer(buf));
            }
            BOOST_TEST(std::string(buf.data(), n) == std::to_string(i) + ":" + std::to_string(k));
        }
    }
    BOOST_TEST(server.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(unix_echo_echoes_and_removes_its_socket_on_sigterm)
{
    temp_dir dir;
    const std::string path = dir.file("echo.sock");
    child_process server({find_example("unix_echo"), path});
    BOOST_TEST(server.first_line() == "listening on " + path);

    std::vector<net::unix_stream> one;
    one.push_back(net::unix_stream::connect(path));
    echo_all(one, {pattern(1024 * 1024, 5)});

    auto many = connect_n<net::unix_stream>(100, [&] { return net::unix_stream::connect(path); });
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < many.size(); ++i)
        payloads.push_back(pattern(8 * 1024, i + 7));
    echo_all(many, payloads);

    BOOST_TEST(server.stop(SIGTERM) == 0);
    struct stat st;
    BOOST_TEST(::stat(path.c_str(), &st) != 0); // removed on exit
}

BOOST_AUTO_TEST_CASE(unix_echo_refuses_an_existing_path)
{
    temp_dir dir;
    const std::string path = dir.file("taken");
    auto squatter = net::unix_listener::bind(path);
    child_process server({find_example("unix_echo"), path});
    // It prints no "listening" line and exits with status 1.
    BOOST_TEST(server.wait_exit() == 1);
}
