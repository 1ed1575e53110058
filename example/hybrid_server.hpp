//
// example/hybrid_server.hpp: an Asio acceptor handing its connections to
// mio-style echo code, driven by one io_context. Used by
// asio_hybrid_server.cpp (the sockets change owner with to_mio) and
// asio_source_echo.cpp (they stay Asio sockets, registered with as_source).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Asio accepts (async_accept); Adopter::adopt turns every accepted socket
// into an event source (Adopter::stream_type), registered edge-triggered
// with a mio::poll. A poll_driver runs that poll inside the same
// io_context, so one run() drives both worlds on one thread. The echo is
// written the mio way (echo_connection.hpp, shared with tcp_server): on an
// event, read until would_block, keep what could not be written yet and
// send it when the stream becomes writable, stop reading while too much is
// pending, and after the peer's end of stream echo the rest before closing.
//
// When accept fails for want of fds (EMFILE), it retries as soon as a
// connection closes, and every 100 ms (see acceptor.hpp for why an
// edge-triggered server must). run_hybrid_server prints "listening on
// 127.0.0.1:PORT" first and stops cleanly on SIGTERM or SIGINT, printing
// "stopped" (exit status 0).

#ifndef BOOST_MIO_EXAMPLE_HYBRID_SERVER_HPP
#define BOOST_MIO_EXAMPLE_HYBRID_SERVER_HPP

#include "command_line.hpp"
#include "echo_connection.hpp"

#include <boost/mio.hpp>
#include <boost/mio/asio_bridge.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <iostream>
#include <unordered_map>
#include <vector>

namespace hybrid {

namespace asio = boost::asio;
namespace mio = boost::mio;
using asio::ip::tcp;
using boost::system::error_code;

template <class Adopter>
class hybrid_server
{
public:
    hybrid_server(asio::io_context& ioc, unsigned short port)
        : acceptor_(ioc, tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), port)),
          retry_(ioc),
          driver_(ioc.get_executor(), poll_, 256)
    {
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    void start()
    {
        driver_.start([this](const mio::events& evs) { on_events(evs); });
        accept();
    }

    void stop()
    {
        stopping_ = true;
        retry_.cancel();
        driver_.stop();
        acceptor_.close();
        connections_.clear(); // closing a stream removes it from the poll
    }

private:
    using connection = echo_connection<typename Adopter::stream_type>;

    // The Asio side: accept, then give the socket to mio.
    void accept()
    {
        acceptor_.async_accept([this](const error_code& ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted)
                return;
            if (!ec)
            {
                stalled_ = false;
                adopt(std::move(socket));
                accept();
                return;
            }
            // EMFILE and the like: the connection stays queued, and asking
            // again at once fails the same way (a busy loop). Retry once a
            // connection closes (on_closed) or after a while, whichever
            // comes first: fds can also free up where this loop sees nothing.
            if (!stalled_)
                std::cerr << "accept: " << ec.message() << "; retrying\n";
            stalled_ = true;
            retry_.expires_after(std::chrono::milliseconds(100));
            retry_.async_wait([this](const error_code&) {
                if (!stopping_)
                    accept();
            });
        });
    }

    // A connection closed: an fd is free for a stalled accept.
    void on_closed()
    {
        if (stalled_)
            retry_.cancel(); // its handler accepts at once
    }

    void adopt(tcp::socket socket)
    {
        error_code ec;
        auto stream = Adopter::adopt(std::move(socket), ec);
        if (!ec)
            poll_.registry().register_(stream, mio::token(next_token_), mio::interest::readable, ec);
        if (ec)
        {
            std::cerr << "adopt: " << ec.message() << "\n";
            return;
        }
        connections_.emplace(next_token_++, connection(std::move(stream)));
    }

    // The mio side: one batch of events, delivered by the poll_driver.
    void on_events(const mio::events& evs)
    {
        for (const mio::event& e : evs)
        {
            auto it = connections_.find(e.token().value());
            if (it == connections_.end())
                continue;
            if (!it->second.on_ready(poll_.registry(), e.token(), buffer_))
            {
                connections_.erase(it); // closing it removes it from the poll
                on_closed();
            }
        }
    }

    tcp::acceptor acceptor_;
    asio::steady_timer retry_; // a stalled accept's next try
    bool stalled_ = false;
    bool stopping_ = false;
    mio::poll poll_;
    mio::asio_bridge::poll_driver driver_;
    std::unordered_map<std::size_t, connection> connections_;
    std::size_t next_token_ = 1;
    std::vector<char> buffer_ = std::vector<char>(64 * 1024);
};

// The whole program: `program [PORT]`, serving until SIGINT or SIGTERM.
template <class Adopter>
int run_hybrid_server(const char* program, int argc, char* argv[])
{
    return run_main(program, "[PORT]  (default 0: a free port)", [&] {
        expect_args(argc, 0, 1);
        const unsigned short port = argc > 1 ? port_arg(argv[1]) : 0;
        asio::io_context ioc;
        hybrid_server<Adopter> server(ioc, port);
        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const error_code&, int) { server.stop(); });
        server.start();
        std::cout << "listening on 127.0.0.1:" << server.port() << std::endl;
        ioc.run(); // returns once stop() left nothing to do
        std::cout << "stopped" << std::endl;
        return 0;
    });
}

} // namespace hybrid

#endif // BOOST_MIO_EXAMPLE_HYBRID_SERVER_HPP
