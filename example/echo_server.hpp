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
//  - the listener: accept until would_block, and after running out of
//    fds retry by itself (acceptor.hpp);
//  - a connection: read until would_block, writing each chunk straight
//    back (echo_connection.hpp: pending output with WRITABLE interest,
//    back-pressure, the whole echo after a half-close).
// SIGINT/SIGTERM end the loop (event_loop.hpp); run() returns 0 and the
// destructors close every socket.

#ifndef BOOST_MIO_EXAMPLE_ECHO_SERVER_HPP
#define BOOST_MIO_EXAMPLE_ECHO_SERVER_HPP

#include "acceptor.hpp"
#include "echo_connection.hpp"
#include "event_loop.hpp"

#include <boost/mio.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

template <class Listener>
class echo_server
{
public:
    using stream_type = typename acceptor<Listener>::stream_type;

    // `on_accept` runs for each new connection (e.g. to set TCP_NODELAY).
    explicit echo_server(Listener listener, std::function<void(stream_type&)> on_accept = {})
        : acceptor_(std::move(listener), loop_.registry(), listener_token),
          on_accept_(std::move(on_accept))
    {
    }

    // Where the listener is bound (the port chosen for port 0).
    typename Listener::endpoint_type local_endpoint() const
    {
        return acceptor_.listener().local_endpoint();
    }

    // Serves until SIGINT or SIGTERM; returns the process exit status.
    int run()
    {
        return run_accepting(loop_, acceptor_, listener_token,
            [this](stream_type&& s) { add_connection(std::move(s)); },
            [this](const boost::mio::event& e) { on_connection_event(e.token()); });
    }

private:
    static constexpr boost::mio::token listener_token{0};

    using connection = echo_connection<stream_type>;

    void add_connection(stream_type&& s)
    {
        if (on_accept_)
            on_accept_(s);
        const boost::mio::token t(next_token_++);
        boost::system::error_code ec;
        loop_.registry().register_(s, t, boost::mio::interest::readable, ec);
        if (!ec) // else the stream closes as `s` goes away
            connections_.emplace(t.value(), connection(std::move(s)));
    }

    void on_connection_event(boost::mio::token t)
    {
        const auto it = connections_.find(t.value());
        if (it == connections_.end())
            return; // closed earlier in this batch
        if (!it->second.on_ready(loop_.registry(), t, buffer_))
            connections_.erase(it); // closes the socket, which leaves the poll
    }

    event_loop loop_;
    acceptor<Listener> acceptor_;
    std::function<void(stream_type&)> on_accept_;
    std::unordered_map<std::size_t, connection> connections_;
    std::size_t next_token_ = 1;
    std::vector<char> buffer_ = std::vector<char>(64 * 1024);
};

#endif // BOOST_MIO_EXAMPLE_ECHO_SERVER_HPP
