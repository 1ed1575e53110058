//
// example/acceptor.hpp: a listener that accepts until would_block and
// recovers by itself after the process ran out of file descriptors. Used
// by echo_server.hpp (tcp_server, unix_echo) and http_server.cpp.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Why it is needed: an edge-triggered listener reports READABLE when
// connections arrive. When accept fails with EMFILE (or ENFILE, ENOBUFS,
// ENOMEM), the connection stays in the listen backlog, and no new event
// will announce it: the listener did not become ready again, it never
// stopped being ready. Left there, the queued clients wait until some
// new client connects and raises a new edge, which may be never, even
// after every fd is free again.
//
// What it does: after such a failure it remembers that connections are
// still queued ("stalled"), and the loop retries the accept
//  - before every wait, so right after a batch of events that closed a
//    connection (which freed an fd), and
//  - at least every retry_interval, because fds can also free up where
//    the loop sees no event (another thread, a raised RLIMIT_NOFILE).
// While nothing is stalled it costs nothing: no timeout, no extra call.
// The other known remedy (libuv's) keeps a spare fd open and, on EMFILE,
// closes it to accept and at once close the connection: the client sees a
// closed connection instead of waiting. That sheds load; this keeps every
// client, which suits an echo or HTTP server over a brief shortage.

#ifndef BOOST_MIO_EXAMPLE_ACCEPTOR_HPP
#define BOOST_MIO_EXAMPLE_ACCEPTOR_HPP

#include <boost/mio.hpp>

#include <chrono>
#include <iostream>
#include <optional>
#include <utility>

template <class Listener>
class acceptor
{
public:
    using stream_type = decltype(std::declval<Listener&>().accept().first);

    // How often a stalled acceptor retries while the loop sees no event.
    static constexpr std::chrono::milliseconds retry_interval{100};

    // Registers `listener` (READABLE) with `r` under token `t`.
    acceptor(Listener listener, const boost::mio::registry& r, boost::mio::token t)
        : listener_(std::move(listener))
    {
        r.register_(listener_, t, boost::mio::interest::readable);
    }

    const Listener& listener() const { return listener_; }

    // On the listener's events: accepts until would_block, handing each new
    // stream to on_accept(stream_type&&).
    template <class OnAccept>
    void accept_all(OnAccept&& on_accept)
    {
        for (;;)
        {
            boost::system::error_code ec;
            auto accepted = listener_.accept(ec);
            if (ec == boost::asio::error::would_block)
            {
                stalled_ = false;
                return;
            }
            if (ec == boost::asio::error::connection_aborted)
                continue; // that client gave up while queued; the next one may be there
            if (ec)
            {
                if (!stalled_) // once per shortage, not once per retry
                    std::cerr << "accept: " << ec.message() << "; retrying\n";
                stalled_ = true;
                return;
            }
            on_accept(std::move(accepted.first));
        }
    }

    // Before every wait: retries a stalled accept, and returns how long the
    // wait may block (nullopt: as long as it takes).
    template <class OnAccept>
    std::optional<std::chrono::nanoseconds> before_wait(OnAccept&& on_accept)
    {
        if (stalled_)
            accept_all(on_accept);
        if (stalled_)
            return retry_interval;
        return std::nullopt;
    }

private:
    Listener listener_;
    bool stalled_ = false;
};

// Runs `loop` (an event_loop, event_loop.hpp) until a stop signal: the
// events of token `t`, the acceptor's, accept (each new stream goes to
// on_accept(stream_type&&)), and every other event goes to
// on_event(const event&). A stalled accept is retried before each wait.
template <class Loop, class Listener, class OnAccept, class OnEvent>
int run_accepting(Loop& loop, acceptor<Listener>& a, boost::mio::token t, OnAccept on_accept,
    OnEvent on_event)
{
    return loop.run(
        [&](const boost::mio::event& e) {
            if (e.token() == t)
                a.accept_all(on_accept);
            else
                on_event(e);
            return true;
        },
        [&] { return a.before_wait(on_accept); });
}

#endif // BOOST_MIO_EXAMPLE_ACCEPTOR_HPP
