//
// example/asio_hybrid_server.cpp: an Asio acceptor hands its connections to
// mio-style code, through the Asio bridge.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Asio accepts (async_accept); every accepted socket changes owner with
// to_mio and becomes a mio::net::tcp_stream, registered edge-triggered
// with a mio::poll. A poll_driver runs that poll inside the same
// io_context, so one run() drives both worlds on one thread. The echo is
// written the mio way: on an event, read until would_block, keep what
// could not be written yet, and send it when the stream becomes writable.
//
// Prints "listening on 127.0.0.1:PORT" first (the OS picks the port) and
// stops cleanly on SIGTERM or SIGINT (exit status 0).

#include <boost/mio.hpp>
#include <boost/mio/asio_bridge.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstddef>
#include <iostream>
#include <string>
#include <unordered_map>

namespace asio = boost::asio;
namespace mio = boost::mio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

class hybrid_server
{
public:
    explicit hybrid_server(asio::io_context& ioc)
        : acceptor_(ioc, tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0)),
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
        driver_.stop();
        acceptor_.close();
        connections_.clear(); // closing a stream removes it from the poll
    }

private:
    struct connection
    {
        mio::net::tcp_stream stream;
        std::string unsent; // echoed bytes the peer was not ready for yet
    };

    // The Asio side: accept, then give the socket to mio.
    void accept()
    {
        acceptor_.async_accept([this](const error_code& ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted)
                return;
            if (!ec)
                adopt(std::move(socket));
            accept();
        });
    }

    void adopt(tcp::socket socket)
    {
        error_code ec;
        mio::net::tcp_stream stream = mio::asio_bridge::to_mio(std::move(socket), ec);
        if (!ec)
            poll_.registry().register_(stream, mio::token(next_token_),
                mio::interest::readable | mio::interest::writable, ec);
        if (ec)
        {
            std::cerr << "adopt: " << ec.message() << "\n";
            return;
        }
        connections_.emplace(next_token_++, connection{std::move(stream), {}});
    }

    // The mio side: one batch of events, delivered by the poll_driver.
    void on_events(const mio::events& evs)
    {
        for (const mio::event& e : evs)
        {
            auto it = connections_.find(e.token().value());
            if (it == connections_.end())
                continue;
            bool open = true;
            if (e.is_readable() || e.is_read_closed())
                open = echo(it->second);
            if (open && e.is_writable())
                open = flush(it->second);
            if (!open || e.is_error())
                connections_.erase(it);
        }
    }

    // Reads until would_block (the edge-triggered rule) and echoes. False
    // once the connection is done.
    static bool echo(connection& c)
    {
        for (;;)
        {
            char buf[16 * 1024];
            error_code ec;
            const std::size_t n = c.stream.read_some(asio::buffer(buf), ec);
            if (ec == asio::error::would_block)
                return true;
            if (ec) // eof or reset
                return false;
            c.unsent.append(buf, n);
            if (!flush(c))
                return false;
        }
    }

    // Writes what it can of the unsent bytes; the rest waits for the next
    // writable event.
    static bool flush(connection& c)
    {
        while (!c.unsent.empty())
        {
            error_code ec;
            const std::size_t n = c.stream.write_some(asio::buffer(c.unsent), ec);
            if (ec == asio::error::would_block)
                return true;
            if (ec)
                return false;
            c.unsent.erase(0, n);
        }
        return true;
    }

    tcp::acceptor acceptor_;
    mio::poll poll_;
    mio::asio_bridge::poll_driver driver_;
    std::unordered_map<std::size_t, connection> connections_;
    std::size_t next_token_ = 1;
};

} // namespace

int main()
{
    try
    {
        asio::io_context ioc;
        hybrid_server server(ioc);
        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const error_code&, int) { server.stop(); });
        server.start();
        std::cout << "listening on 127.0.0.1:" << server.port() << std::endl;
        ioc.run(); // returns once stop() left nothing to do
        std::cout << "stopped" << std::endl;
        return 0;
    }
    catch (const std::exception& e)
    {
        std::cerr << "asio_hybrid_server: " << e.what() << "\n";
        return 1;
    }
}
