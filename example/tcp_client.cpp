//
// example/tcp_client.cpp: a non-blocking TCP client: connect without
// waiting, learn the outcome from the writable event and take_error(),
// send while reading, half-close, read to the end.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: tcp_client PORT MESSAGE
//
// Connects to 127.0.0.1:PORT, sends MESSAGE, shuts down its sending side,
// and copies everything the server sends to stdout until the server
// closes; against tcp_server that is MESSAGE itself. "connected to ..."
// goes to stderr, so stdout holds the server's bytes alone. Exit status 0
// when the server closed after everything was sent; 1 on a failed
// connect ("connection refused"), a reset, or 10 s without any event; 2
// on bad arguments.
//
// The points it shows:
//  - tcp_stream::connect returns at once, the connection in progress.
//    Its outcome comes as an event (writable, or error / write-closed
//    when refused); take_error() says which (SO_ERROR), and is clear on
//    success, when peer_endpoint() works (not_connected: still going).
//  - Sending and reading go on together: a client that sent everything
//    before reading could deadlock against a server whose output is
//    bounded (tcp_server stops reading while 1 MiB of echo is pending).
//  - Every registration is edge-triggered: each event is followed by
//    writing until would_block (or done) and reading until would_block.

#include "bounded_wait.hpp"
#include "command_line.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/mio.hpp>

#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>

namespace mio = boost::mio;
namespace net = boost::mio::net;
using boost::system::error_code;

namespace {

class client
{
public:
    client(net::tcp_stream stream, std::string message)
        : stream_(std::move(stream)), message_(std::move(message))
    {
        // Writable interest from the start: that event reports the connect.
        poll_.registry().register_(stream_, token, mio::interest::readable | mio::interest::writable);
    }

    int run()
    {
        mio::events events(8);
        for (;;)
        {
            wait_bounded(poll_, events, std::chrono::seconds(10));
            for (const mio::event& e : events)
                if (on_event(e))
                    return 0;
        }
    }

private:
    static constexpr mio::token token{0};

    // True once the server has closed after the whole message was sent.
    bool on_event(const mio::event& e)
    {
        if (!connected_ && !check_connected(e))
            return false;
        send();
        return receive();
    }

    bool check_connected(const mio::event& e)
    {
        if (!(e.is_writable() || e.is_error() || e.is_write_closed() || e.is_read_closed()))
            return false; // not the connect's outcome yet
        if (const error_code err = stream_.take_error())
            throw boost::system::system_error(err, "connect");
        error_code ec;
        const auto peer = stream_.peer_endpoint(ec);
        if (ec == boost::asio::error::not_connected)
        {
            // Not connected, and no error kept: still in progress, unless
            // the event itself says it failed. (libkqueue, the kqueue of
            // the Linux tests, reads SO_ERROR into the event and so
            // clears it; a BSD kernel and epoll keep it for take_error.)
            if (e.is_error() || e.is_write_closed())
                throw std::runtime_error("connect: failed (the reason was not kept)");
            return false;
        }
        if (ec)
            throw boost::system::system_error(ec, "connect");
        std::cerr << "connected to " << peer << std::endl;
        connected_ = true;
        return true;
    }

    void send()
    {
        while (sent_ < message_.size())
        {
            error_code ec;
            sent_ += stream_.write_some(
                boost::asio::buffer(message_.data() + sent_, message_.size() - sent_), ec);
            if (ec == boost::asio::error::would_block)
                return; // the next writable event goes on
            if (ec)
                throw boost::system::system_error(ec, "send");
        }
        if (!shut_down_)
        {
            stream_.shutdown(net::shutdown_type::send); // the server sees end of stream
            shut_down_ = true;
        }
    }

    bool receive()
    {
        for (;;)
        {
            char buf[16 * 1024];
            error_code ec;
            const std::size_t n = stream_.read_some(boost::asio::buffer(buf), ec);
            if (ec == boost::asio::error::would_block)
                return false;
            if (ec == boost::asio::error::eof)
            {
                if (!shut_down_)
                    throw std::runtime_error("the server closed before the message was sent");
                std::cout.flush();
                return true;
            }
            if (ec)
                throw boost::system::system_error(ec, "receive");
            std::cout.write(buf, static_cast<std::streamsize>(n));
        }
    }

    mio::poll poll_;
    net::tcp_stream stream_;
    std::string message_;
    std::size_t sent_ = 0;
    bool connected_ = false;
    bool shut_down_ = false;
};

} // namespace

int main(int argc, char* argv[])
{
    return run_main("tcp_client", "PORT MESSAGE", [&] {
        expect_args(argc, 2, 2);
        const unsigned short port = port_arg(argv[1]);
        if (port == 0)
            throw usage_error("bad port '0': a server's port is never 0");
        // Returns at once; a refusal on loopback may already be known here.
        auto stream = net::tcp_stream::connect({boost::asio::ip::address_v4::loopback(), port});
        return client(std::move(stream), argv[2]).run();
    });
}
