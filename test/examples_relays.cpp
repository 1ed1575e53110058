//
// test/examples_relays.cpp: runs example/tcp_proxy (in front of
// example/tcp_server) and example/chat_server as real processes with real
// clients, and checks every byte relayed, back-pressure, half-close, and
// the chat server's bound on a client that does not read.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Every wait is bounded; no check depends on timing.

#include <boost/mio.hpp>

#define BOOST_TEST_MODULE examples_relays
#include "util.hpp"
#include "child_process.hpp"
#include "net_util.hpp"
#include "echo_clients.hpp"

#include <csignal>
#include <map>
#include <string>
#include <vector>

using namespace mio_test;

namespace {

// tcp_server, and tcp_proxy in front of it.
struct proxied_echo
{
    child_process server{{example_path("tcp_server"), "0"}};
    const unsigned short server_port = parse_port(server.first_line());
    child_process proxy{{example_path("tcp_proxy"), "0", std::to_string(server_port)}};
    const tcp::endpoint at = local_v4(parse_port(proxy.first_line()));

    void stop()
    {
        BOOST_TEST(proxy.stop(SIGTERM) == 0);
        BOOST_TEST(server.stop(SIGTERM) == 0);
    }
};

// Reads what `s` has to would_block, appending it to `into`; true at its
// end of stream (or reset: the server closed a dropped client).
bool read_available(net::tcp_stream& s, std::string& into)
{
    std::vector<char> buf(64 * 1024);
    for (;;)
    {
        boost::system::error_code ec;
        const std::size_t n = s.read_some(asio::buffer(buf), ec);
        into.append(buf.data(), n);
        if (is_would_block(ec))
            return false;
        if (ec)
            return true;
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(tcp_proxy_relays_one_mib_and_100_connections_both_ways)
{
    proxied_echo p;
    std::vector<net::tcp_stream> one;
    one.push_back(net::tcp_stream::connect(p.at));
    echo_all(one, {pattern(1024 * 1024, 21)});
    auto many = connect_n<net::tcp_stream>(100, [&] { return net::tcp_stream::connect(p.at); });
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < many.size(); ++i)
        payloads.push_back(pattern(16 * 1024, i + 22));
    echo_all(many, payloads);
    p.stop();
}

// The client sends 32 MiB without reading at first: the echo server's
// output backs up into the proxy, which must stop reading from it (and so
// from the client) rather than grow; then the client's half-close must
// travel through the proxy, and the echo's end back.
BOOST_AUTO_TEST_CASE(tcp_proxy_holds_back_both_ways_and_passes_half_close_on)
{
    proxied_echo p;
    check_echo_after_half_close(p.proxy, net::tcp_stream::connect(p.at), half_close_size);
    p.stop();
}

BOOST_AUTO_TEST_CASE(tcp_proxy_closes_the_client_when_the_target_refuses)
{
    refusing_port refusing;
    child_process proxy({example_path("tcp_proxy"), "0", std::to_string(refusing.endpoint().port())});
    auto client = net::tcp_stream::connect(local_v4(parse_port(proxy.first_line())));
    mio::poll poll;
    mio::events evs(8);
    poll.registry().register_(client, mio::token(1), mio::interest::readable);
    std::string got;
    bool ended = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!ended && std::chrono::steady_clock::now() < deadline)
    {
        poll.wait(evs, std::chrono::milliseconds(200));
        ended = read_available(client, got);
    }
    BOOST_TEST(ended, "the proxy kept the client's connection open");
    BOOST_TEST(got.empty());
    BOOST_TEST(proxy.stop(SIGTERM) == 0);
}

namespace {

// Chat clients, all connected and known to the server: client 0 says
// "sync J" until client J has heard it, so no line sent later can miss a
// client that the server had not accepted yet. Those lines, which every
// other client hears too, are dropped from what each one received.
struct chat_room
{
    explicit chat_room(const std::vector<std::string>& args) : server(args)
    {
        at = local_v4(parse_port(server.first_line()));
    }

    void join(std::size_t n)
    {
        for (std::size_t j = 0; j < n; ++j)
        {
            clients.push_back(net::tcp_stream::connect(at));
            received.emplace_back();
            poll.registry().register_(clients[j], mio::token(j), mio::interest::readable);
            const std::string sync = "sync " + std::to_string(j) + "\n";
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (j != 0 && received[j].find(sync) == std::string::npos)
            {
                BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                    "client " << j << " never joined");
                BOOST_REQUIRE(clients[0].write_some(asio::buffer(sync)) == sync.size());
                poll.wait(evs, std::chrono::milliseconds(100));
                for (std::size_t i = 0; i <= j; ++i)
                    read_available(clients[i], received[i]);
            }
        }
        // Resent syncs may still be on their way: they come before this
        // last one, which the server relays after them, in order.
        const std::string done = "sync done\n";
        BOOST_REQUIRE(clients[0].write_some(asio::buffer(done)) == done.size());
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        for (std::size_t i = 1; i < n; ++i)
            while (received[i].find(done) == std::string::npos)
            {
                BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                    "client " << i << " did not hear the last sync");
                poll.wait(evs, std::chrono::milliseconds(100));
                read_available(clients[i], received[i]);
            }
        for (std::string& r : received)
            r = without_sync_lines(r);
    }

    static std::string without_sync_lines(const std::string& s)
    {
        std::string out;
        for (std::size_t at = 0, nl; at < s.size(); at = nl + 1)
        {
            nl = s.find('\n', at);
            BOOST_REQUIRE(nl != std::string::npos);
            if (s.compare(at, 5, "sync ") != 0)
                out.append(s, at, nl + 1 - at);
        }
        return out;
    }

    child_process server;
    tcp::endpoint at;
    std::vector<net::tcp_stream> clients;
    std::vector<std::string> received;
    mio::poll poll;
    mio::events evs{64};
};

std::string chat_line(std::size_t client, std::size_t k, std::size_t size)
{
    std::string l = "client " + std::to_string(client) + " line " + std::to_string(k) + " ";
    l.resize(size - 1, static_cast<char>('a' + (client + k) % 26));
    return l + "\n";
}

} // namespace

BOOST_AUTO_TEST_CASE(chat_server_relays_every_line_to_every_other_client)
{
    constexpr std::size_t clients = 5, lines = 300;
    chat_room room({example_path("chat_server"), "0"});
    room.join(clients);
    std::vector<std::string> sent(clients);
    for (std::size_t c = 0; c < clients; ++c)
    {
        for (std::size_t k = 0; k < lines; ++k)
            sent[c] += chat_line(c, k, 40 + (c * 31 + k * 7) % 200);
        // A line may be split between writes: the server relays lines whole.
        const std::size_t half = sent[c].size() / 2 + 3;
        room.clients[c].write_some(asio::buffer(sent[c].data(), half));
        room.clients[c].write_some(asio::buffer(sent[c].data() + half, sent[c].size() - half));
    }
    std::vector<std::size_t> want(clients, 0);
    for (std::size_t c = 0; c < clients; ++c)
        for (std::size_t o = 0; o < clients; ++o)
            want[c] += o == c ? 0 : sent[o].size();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto all_in = [&] {
        for (std::size_t c = 0; c < clients; ++c)
            if (room.received[c].size() < want[c])
                return false;
        return true;
    };
    while (!all_in() && std::chrono::steady_clock::now() < deadline)
    {
        room.poll.wait(room.evs, std::chrono::milliseconds(200));
        for (std::size_t c = 0; c < clients; ++c)
            BOOST_REQUIRE(!read_available(room.clients[c], room.received[c]));
    }
    // Each client got exactly the others' lines, each sender's in order.
    for (std::size_t c = 0; c < clients; ++c)
    {
        BOOST_TEST_REQUIRE(room.received[c].size() == want[c]);
        std::map<std::size_t, std::string> by_sender;
        const std::string& r = room.received[c];
        for (std::size_t at = 0, nl; at < r.size(); at = nl + 1)
        {
            nl = r.find('\n', at);
            std::size_t from = clients;
            BOOST_TEST_REQUIRE(std::sscanf(r.c_str() + at, "client %zu", &from) == 1);
            BOOST_TEST_REQUIRE(from < clients);
            BOOST_TEST_REQUIRE(from != c, "a client got its own line back");
            by_sender[from].append(r, at, nl + 1 - at);
        }
        for (std::size_t o = 0; o < clients; ++o)
            if (o != c)
                BOOST_TEST((by_sender[o] == sent[o]), "client " << c << ": lines of " << o << " differ");
    }
    BOOST_TEST(room.server.stop(SIGTERM) == 0);
}

// A client that never reads is dropped once more than MAX_PENDING bytes
// are held for it, while a reading client gets every byte. The sender
// never runs more than 32 KiB ahead of the reading client, so that one
// stays far below the bound however slowly this test runs.
BOOST_AUTO_TEST_CASE(chat_server_drops_a_client_that_does_not_read_and_serves_the_others)
{
    // 12 MiB: far more than the kernel holds for a client that does not
    // read (its receive buffer does not grow then; the server's send
    // buffer reaches at most tcp_wmem's 4 MiB) plus max_pending.
    constexpr std::size_t max_pending = 64 * 1024, total = 12 * 1024 * 1024, window = 32 * 1024;
    chat_room room({example_path("chat_server"), "0", std::to_string(max_pending)});
    room.join(3); // 0 sends, 1 reads, 2 never reads
    std::string stream;
    for (std::size_t k = 0; stream.size() < total; ++k)
        stream += chat_line(0, k, 1024);
    std::size_t sent = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (room.received[1].size() < stream.size())
    {
        BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
            "the reading client got " << room.received[1].size() << " of " << stream.size());
        const std::size_t ahead = sent - room.received[1].size();
        if (sent < stream.size() && ahead < window)
        {
            boost::system::error_code ec;
            sent += room.clients[0].write_some(
                asio::buffer(stream.data() + sent, std::min(window - ahead, stream.size() - sent)), ec);
            BOOST_REQUIRE(!ec || is_would_block(ec));
        }
        room.poll.wait(room.evs, std::chrono::milliseconds(50));
        BOOST_REQUIRE_MESSAGE(!read_available(room.clients[1], room.received[1]),
            "the reading client was dropped");
    }
    BOOST_TEST((room.received[1] == stream), "the reading client's bytes differ");

    const std::string dropped = room.server.read_line();
    BOOST_TEST(dropped.find("dropped client 3: ") == 0, dropped); // the third to connect
    // The dropped client reads what had reached it, a prefix, then the end.
    std::string got;
    bool ended = false;
    while (!ended && std::chrono::steady_clock::now() < deadline)
    {
        ended = read_available(room.clients[2], got);
        if (!ended)
            room.poll.wait(room.evs, std::chrono::milliseconds(200));
    }
    BOOST_TEST(ended);
    BOOST_TEST(got.size() < stream.size());
    BOOST_TEST((stream.compare(0, got.size(), got) == 0), "the dropped client's bytes differ");
    BOOST_TEST(room.server.stop(SIGTERM) == 0);
}
