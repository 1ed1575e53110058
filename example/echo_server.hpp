//
// example/echo_server.hpp: an edge-triggered echo server over any mio
// listener (tcp_listener, unix_listener); the shape of mio's tcp_server
// example. Used by tcp_server.cpp and unix_echo.cpp.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// One thread, one poll. Each connection gets its own token and lives in a
// token -> connection map. All registrations are edge-triggered, so every
// event is handled by going on until the operation reports would_block:
//  - the listener: accept until would_block;
//  - a connection: read until would_block, writing each chunk straight
//    back. What the peer is not ready to take is kept as pending output and
//    the connection registers WRITABLE interest; the writable event flushes
//    it and the interest goes back to READABLE alone. With more than
//    max_pending bytes pending the server stops reading from that peer
//    (back-pressure) and resumes after the next flush, so a client that
//    sends far more than it reads cannot make the server grow without bound.
// A peer that shuts down its sending side gets everything echoed, then the
// connection is closed. SIGINT/SIGTERM end the loop (event_loop.hpp);
// run() returns 0 and the destructors close every socket.

#ifndef BOOST_MIO_EXAMPLE_ECHO_SERVER_HPP
#define BOOST_MIO_EXAMPLE_ECHO_SERVER_HPP

#include "event_loop.hpp"

#include <boost/mio.hpp>

#include <cstddef>
#include <functional>
#include <iostream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

template <class Listener>
class echo_server
{
public:
    using stream_type = decltype(std::declval<Listener&>().accept().first);

    // `on_accept` runs for each new connection (e.g. to set TCP_NODELAY).
    explicit echo_server(Listener listener, std::function<void(stream_type&)> on_accept = {})
        : listener_(std::move(listener)), on_accept_(std::move(on_accept))
    {
        loop_.registry().register_(listener_, listener_token, boost::mio::interest::readable);
    }

    // Where the listener is bound (the port chosen for port 0).
    typename Listener::endpoint_type local_endpoint() const { return listener_.local_endpoint(); }

    // Serves until SIGINT or SIGTERM; returns the process exit status.
    int run()
    {
        return loop_.run([this](const boost::mio::event& e) {
            if (e.token() == listener_token)
                accept_all();
            else
                on_connection_event(e.token());
            return true;
        });
    }

private:
    static constexpr boost::mio::token listener_token{0};
    static constexpr std::size_t max_pending = 4 * 1024 * 1024;

    struct connection
    {
        stream_type stream;
        std::string pending; // read but not yet echoed; starts at `sent`
        std::size_t sent = 0;
        bool read_closed = false;
        bool wants_writable = false;

        std::size_t pending_size() const { return pending.size() - sent; }
    };

    void accept_all()
    {
        for (;;)
        {
            boost::system::error_code ec;
            auto accepted = listener_.accept(ec);
            if (ec == boost::asio::error::would_block)
                return;
            if (ec)
            {
                // EMFILE and the like: the connection stays queued and is
                // accepted with the next one. Log and go on serving.
                std::cerr << "accept: " << ec.message() << "\n";
                return;
            }
            if (on_accept_)
                on_accept_(accepted.first);
            const boost::mio::token t(next_token_++);
            loop_.registry().register_(accepted.first, t, boost::mio::interest::readable, ec);
            if (ec)
                continue; // the stream closes as `accepted` goes away
            connections_.emplace(t.value(), connection{std::move(accepted.first), {}, 0, false, false});
        }
    }

    void on_connection_event(boost::mio::token t)
    {
        const auto it = connections_.find(t.value());
        if (it == connections_.end())
            return; // closed earlier in this batch
        if (!service(it->second, t))
            connections_.erase(it); // closes the socket, which leaves the poll
    }

    // Reads and echoes until would_block; false when the connection is done.
    bool service(connection& c, boost::mio::token t)
    {
        for (;;)
        {
            if (!flush(c))
                return false;
            if (c.read_closed || c.pending_size() >= max_pending)
                break;
            boost::system::error_code ec;
            const std::size_t n = c.stream.read_some(boost::asio::buffer(buffer_), ec);
            if (ec == boost::asio::error::would_block)
                break;
            if (ec == boost::asio::error::eof)
            {
                c.read_closed = true;
                continue;
            }
            if (ec)
                return false; // reset by the peer, ...
            if (!echo(c, n))
                return false;
        }
        if (c.read_closed && c.pending_size() == 0)
            return false; // everything echoed and the peer is done sending
        return update_interest(c, t);
    }

    // Writes buffer_[0, n) back, keeping what does not fit as pending.
    bool echo(connection& c, std::size_t n)
    {
        std::size_t written = 0;
        if (c.pending_size() == 0)
        {
            boost::system::error_code ec;
            written = c.stream.write_some(boost::asio::buffer(buffer_.data(), n), ec);
            if (ec && ec != boost::asio::error::would_block)
                return false;
        }
        c.pending.append(buffer_.data() + written, n - written);
        return true;
    }

    bool flush(connection& c)
    {
        while (c.pending_size() != 0)
        {
            boost::system::error_code ec;
            const std::size_t n = c.stream.write_some(
                boost::asio::buffer(c.pending.data() + c.sent, c.pending_size()), ec);
            if (ec == boost::asio::error::would_block)
                break;
            if (ec)
                return false;
            c.sent += n;
        }
        if (c.pending_size() == 0)
        {
            c.pending.clear();
            c.sent = 0;
        }
        else if (c.sent > c.pending.size() / 2)
        {
            c.pending.erase(0, c.sent); // keeps the buffer from creeping
            c.sent = 0;
        }
        return true;
    }

    // WRITABLE interest exactly while output is pending: with it always on,
    // every drained send buffer would wake the loop for nothing.
    bool update_interest(connection& c, boost::mio::token t)
    {
        const bool want = c.pending_size() != 0;
        if (want == c.wants_writable)
            return true;
        c.wants_writable = want;
        const boost::mio::interest i = want
            ? boost::mio::interest::readable | boost::mio::interest::writable
            : boost::mio::interest::readable;
        boost::system::error_code ec;
        loop_.registry().reregister(c.stream, t, i, ec);
        return !ec;
    }

    event_loop loop_;
    Listener listener_;
    std::function<void(stream_type&)> on_accept_;
    std::unordered_map<std::size_t, connection> connections_;
    std::size_t next_token_ = 1;
    std::vector<char> buffer_ = std::vector<char>(64 * 1024);
};

#endif // BOOST_MIO_EXAMPLE_ECHO_SERVER_HPP
