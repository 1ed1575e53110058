//
// test/examples_programs.cpp: runs example/tcp_client, timer, threads and
// unix_datagram_pair as real processes and checks every byte they print,
// and every example's answer to bad arguments.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The example binaries are found by mio_test::example_path (b2 passes
// each binary as an argument; CMake compiles in BOOST_MIO_EXAMPLE_DIR).
// Every run is bounded (child_process's waits).

#include <boost/mio.hpp>

#define BOOST_TEST_MODULE examples_programs
#include "util.hpp"
#include "child_process.hpp"
#include "net_util.hpp"
#include "echo_clients.hpp"

#include <csignal>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace mio_test;
using capture = child_process::capture;

namespace {

// Runs `args` to its end; returns its exit status and all it printed.
std::pair<int, std::string> run_to_end(const std::vector<std::string>& args,
    capture what = capture::stdout_only)
{
    child_process p(args, what);
    std::string out = p.read_all();
    return {p.wait_exit(), std::move(out)};
}

#if !defined(_WIN32) // for the POSIX examples below
std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    return lines;
}

// What unix_datagram_pair sends as request K (see its header comment).
std::string datagram_request(std::size_t k)
{
    return std::to_string(k) + ":" + std::string(k * 7919 % 4000, static_cast<char>('a' + k % 26));
}
#endif

} // namespace

BOOST_AUTO_TEST_CASE(every_example_rejects_bad_arguments_with_a_usage_line)
{
    struct bad_call
    {
        std::string example;
        std::vector<std::string> args;
        std::string says; // the reason it must give
    };
    const std::vector<bad_call> calls = {
        {"tcp_server", {"x"}, "bad port 'x'"},
        {"tcp_server", {"1", "2"}, "too many arguments"},
        {"udp_server", {"70000"}, "bad port '70000'"},
        {"udp_server", {"-1"}, "bad port '-1'"},
        {"tcp_client", {"1"}, "too few arguments"},
        {"tcp_client", {"0", "hello"}, "bad port '0'"},
        {"chat_server", {"0", "100"}, "bad byte count '100'"},
        {"tcp_proxy", {"0"}, "too few arguments"},
        {"tcp_proxy", {"0", "0"}, "bad target port '0'"},
#if !defined(_WIN32) // examples Windows does not build (example/CMakeLists.txt)
        {"asio_hybrid_server", {"9x"}, "bad port '9x'"},
        {"asio_source_echo", {" 80"}, "bad port ' 80'"},
        {"unix_echo", {}, ""},
        {"timer", {"0", "5"}, "bad interval '0'"},
        {"timer", {"10", "99999999999999999999999"}, "bad count"},
        {"threads", {"65"}, "bad worker count '65'"},
        {"unix_datagram_pair", {}, "too few arguments"},
        {"unix_datagram_pair", {"0"}, "bad count '0'"},
#endif
    };
    for (const auto& c : calls)
    {
        std::vector<std::string> args{example_path(c.example)};
        args.insert(args.end(), c.args.begin(), c.args.end());
        const auto [status, out] = run_to_end(args, capture::stdout_and_stderr);
        BOOST_TEST_CONTEXT(c.example << " given " << c.args.size() << " arguments, printed:\n" << out)
        {
            BOOST_TEST(status == 2);
            BOOST_TEST(out.find("usage: " + c.example) != std::string::npos);
            BOOST_TEST(out.find(c.says) != std::string::npos);
            BOOST_TEST(out.find("stoul") == std::string::npos); // the old message
        }
    }
}

BOOST_AUTO_TEST_CASE(tcp_client_gets_its_100_kb_message_back_from_tcp_server)
{
    child_process server({example_path("tcp_server"), "0"});
    const unsigned short port = parse_port(server.first_line());
    // Printable (it is a command-line argument), and far more than one
    // write: the client sends while it reads. A Windows command line holds
    // 32,767 characters at most (CreateProcess): 30 KB there.
#if defined(_WIN32)
    std::string message = pattern(30 * 1000, 9);
#else
    std::string message = pattern(100 * 1000, 9);
#endif
    for (char& c : message)
        c = static_cast<char>('!' + static_cast<unsigned char>(c) % 90);
    const auto [status, out] = run_to_end({example_path("tcp_client"), std::to_string(port), message});
    BOOST_TEST(status == 0);
    BOOST_TEST_REQUIRE(out.size() == message.size());
    BOOST_TEST((out == message), "the echo differs");
    BOOST_TEST(server.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(tcp_client_reports_a_refused_connection)
{
    refusing_port refusing;
    const auto [status, out] = run_to_end(
        {example_path("tcp_client"), std::to_string(refusing.endpoint().port()), "hello"},
        capture::stdout_and_stderr);
    BOOST_TEST(status == 1);
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
    // libkqueue reads SO_ERROR itself, so the reason is gone (tcp_client.cpp).
    BOOST_TEST(out.find("tcp_client: connect: failed") != std::string::npos, out);
#else
    // "Connection refused" on POSIX; the OS's own words for it on Windows.
    const std::string refused = make_error_code(asio::error::connection_refused).message();
    BOOST_TEST(out.find("tcp_client: connect: " + refused) != std::string::npos, out);
#endif
}

// timer (timerfd), threads (pipes) and unix_datagram_pair are POSIX
// examples, which Windows does not build (example/CMakeLists.txt).
#if !defined(_WIN32)
BOOST_AUTO_TEST_CASE(timer_counts_every_expiration_and_never_finishes_early)
{
    constexpr int interval_ms = 20, count = 5;
    const auto [status, out] = run_to_end(
        {example_path("timer"), std::to_string(interval_ms), std::to_string(count)});
    BOOST_TEST_REQUIRE(status == 0, out);
    const auto lines = lines_of(out);
    BOOST_TEST_REQUIRE(lines.size() >= 2u);
    unsigned long ticked = 0;
    for (std::size_t i = 0; i + 1 < lines.size(); ++i)
    {
        unsigned long n = 0;
        char rest[32] = {};
        BOOST_TEST_REQUIRE(std::sscanf(lines[i].c_str(), "tick: %lu expiration%31s", &n, rest) == 2,
            lines[i]);
        BOOST_TEST(n >= 1u);
        ticked += n;
    }
    unsigned long total = 0, ms = 0;
    BOOST_TEST_REQUIRE(std::sscanf(lines.back().c_str(), "%lu expirations in %lu ms", &total, &ms) == 2,
        lines.back());
    BOOST_TEST(total == ticked);
    BOOST_TEST(total >= static_cast<unsigned long>(count));
    // The kernel's guarantee, not a timing guess: expiration k is k
    // intervals after the timer was armed.
    BOOST_TEST(ms >= total * interval_ms);
}

BOOST_AUTO_TEST_CASE(threads_relays_every_message_of_every_worker_in_order)
{
    constexpr std::size_t workers = 6, messages = 3000;
    const auto [status, out] = run_to_end(
        {example_path("threads"), std::to_string(workers), std::to_string(messages)});
    BOOST_TEST_REQUIRE(status == 0, out.substr(out.size() > 2000 ? out.size() - 2000 : 0));
    const auto lines = lines_of(out);
    BOOST_TEST_REQUIRE(lines.size() == workers * messages + 1);
    std::map<std::size_t, std::size_t> next; // worker -> the message expected next
    for (std::size_t i = 0; i + 1 < lines.size(); ++i)
    {
        std::size_t w = 0, k = 0;
        char end = 0;
        BOOST_TEST_REQUIRE(std::sscanf(lines[i].c_str(), "worker %zu message %zu%c", &w, &k, &end) == 2,
            lines[i]);
        BOOST_TEST_REQUIRE(w < workers);
        BOOST_TEST_REQUIRE(k == next[w], "worker " << w << ": message " << k << ", expected " << next[w]);
        ++next[w];
    }
    for (std::size_t w = 0; w < workers; ++w)
        BOOST_TEST(next[w] == messages);
    BOOST_TEST(lines.back() == std::to_string(workers * messages) + " messages from "
            + std::to_string(workers) + " workers");
}

BOOST_AUTO_TEST_CASE(unix_datagram_pair_gets_every_reply_whole_and_in_order)
{
    constexpr std::size_t count = 1500;
    const auto [status, out] = run_to_end({example_path("unix_datagram_pair"), std::to_string(count)});
    BOOST_TEST_REQUIRE(status == 0);
    const auto lines = lines_of(out);
    BOOST_TEST_REQUIRE(lines.size() == count + 1);
    for (std::size_t k = 0; k < count; ++k)
    {
        std::string want = datagram_request(k);
        for (char& c : want)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        BOOST_TEST_REQUIRE(lines[k] == "reply " + std::to_string(k) + ": " + want);
    }
    BOOST_TEST(lines.back() == std::to_string(count) + " replies, each its request in capitals");
}
#endif
