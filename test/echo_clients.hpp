//
// test/echo_clients.hpp: clients that check an echo server (an example
// program run by child_process) byte for byte: many connections at once,
// and a 32 MiB echo after a half-close with the server's growth bounded.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Include after "util.hpp", "child_process.hpp" and "net_util.hpp". Every
// wait is bounded.

#ifndef BOOST_MIO_TEST_ECHO_CLIENTS_HPP
#define BOOST_MIO_TEST_ECHO_CLIENTS_HPP

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace mio_test {

inline std::string pattern(std::size_t size, std::size_t seed)
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
        p.registry().register_(
            clients[i], mio::token(i), mio::interest::readable | mio::interest::writable);
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
                p.registry().reregister(clients[i], mio::token(i), mio::interest::readable);
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

inline constexpr std::size_t half_close_size = 32 * 1024 * 1024;

// The most a server may grow (peak RSS over its RSS before) while echoing
// half_close_size bytes to a client that reads nothing at first: its
// bounded pending output (1 MiB in echo_connection.hpp) and the buffer
// reallocations around it. A server that buffers whatever it reads holds
// most of the 32 MiB.
// ThreadSanitizer's shadow memory multiplies every page the server touches
// (16.3 MiB measured for the bounded echo; an unbounded one holds the
// 32 MiB and their shadow, far past this).
#if defined(__SANITIZE_THREAD__)
inline constexpr std::size_t max_growth_kib = 64 * 1024;
#else
inline constexpr std::size_t max_growth_kib = 16 * 1024;
#endif

// A client that sends `total` bytes, first without reading (until all are
// sent or the server has taken nothing for a second, which is where a
// bounded server stops reading), then shuts down its sending side and
// reads the echo to end of stream, sending what is left as the server
// takes it. Every byte must come back, in order; the server must close
// the connection after the last one and not grow past max_growth_kib.
template <class Stream>
void check_echo_after_half_close(child_process& server, Stream c, std::size_t total)
{
    const std::size_t rss_before = server.rss_kib();
    mio::poll p;
    mio::events evs(8);
    register_until_writable(p, evs, c, 1);
    const std::string msg = pattern(total, 3);
    std::size_t sent = 0;
    auto send_what_fits = [&] {
        boost::system::error_code ec;
        while (sent < msg.size() && !ec)
            sent += c.write_some(asio::buffer(msg.data() + sent, msg.size() - sent), ec);
        BOOST_REQUIRE_MESSAGE(!ec || is_would_block(ec), "write: " << ec.message());
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (bool stalled = false; sent < msg.size() && !stalled;)
    {
        send_what_fits();
        p.wait(evs, std::chrono::seconds(1));
        stalled = evs.empty();
        BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    }
    std::string got;
    bool eof = false, shut = false;
    while (!eof && std::chrono::steady_clock::now() < deadline)
    {
        send_what_fits();
        if (sent == msg.size() && !shut)
        {
            c.shutdown(net::shutdown_type::send); // the echo must still come back whole
            shut = true;
        }
        boost::system::error_code ec;
        std::vector<char> buf(64 * 1024);
        while (!ec)
        {
            const std::size_t n = c.read_some(asio::buffer(buf), ec);
            got.append(buf.data(), n);
        }
        eof = ec == asio::error::eof;
        BOOST_REQUIRE_MESSAGE(eof || is_would_block(ec), "read: " << ec.message());
        BOOST_REQUIRE(got.size() <= msg.size());
        if (!eof)
            p.wait(evs, std::chrono::milliseconds(200));
    }
    BOOST_TEST(eof, "the server closed after echoing everything");
    BOOST_TEST_REQUIRE(got.size() == msg.size());
    BOOST_TEST((got == msg), "the echo differs");
    const std::size_t growth = server.rss_kib("VmHWM") - std::min(rss_before, server.rss_kib("VmHWM"));
    BOOST_TEST_MESSAGE("the server grew by " << growth << " KiB");
    BOOST_TEST(growth < max_growth_kib, "the server grew by " << growth << " KiB");
}

} // namespace mio_test

#endif // BOOST_MIO_TEST_ECHO_CLIENTS_HPP
