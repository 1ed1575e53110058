//
// example/udp_server.cpp: an edge-triggered UDP echo server on 127.0.0.1.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: udp_server [PORT]    (default 9000; 0 picks a free port)
//
// Prints "listening on 127.0.0.1:PORT" as its first line, then sends every
// datagram back to where it came from. On a readable event it receives
// until would_block (edge-triggered). A reply that would block is queued
// and the socket registers WRITABLE interest until the queue is drained,
// so no datagram is dropped by the server while the queue has room.
// SIGINT or SIGTERM stops it with exit status 0.

#include "command_line.hpp"
#include "event_loop.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/mio.hpp>

#include <deque>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace mio = boost::mio;
namespace net = boost::mio::net;
using udp_endpoint = boost::asio::ip::udp::endpoint;

namespace {

constexpr mio::token socket_token{0};
constexpr std::size_t max_queued = 4096;

class udp_echo
{
public:
    explicit udp_echo(net::udp_socket socket) : socket_(std::move(socket))
    {
        loop_.registry().register_(socket_, socket_token, mio::interest::readable);
    }

    udp_endpoint local_endpoint() const { return socket_.local_endpoint(); }

    int run()
    {
        return loop_.run([this](const mio::event&) { return serve(); });
    }

private:
    // Sends what is queued, then receives (and answers) until would_block.
    bool serve()
    {
        if (!send_queued())
            return false;
        while (queue_.size() < max_queued)
        {
            boost::system::error_code ec;
            auto [n, from] = socket_.receive_from(boost::asio::buffer(buffer_), ec);
            if (ec == boost::asio::error::would_block)
                break;
            if (ec)
                continue; // truncated or ICMP-reported: drop that one
            queue_.emplace_back(from, std::string(buffer_.data(), n));
            if (!send_queued())
                return false;
        }
        return update_interest();
    }

    bool send_queued()
    {
        while (!queue_.empty())
        {
            boost::system::error_code ec;
            socket_.send_to(boost::asio::buffer(queue_.front().second), queue_.front().first, ec);
            if (ec == boost::asio::error::would_block)
                return true;
            if (ec)
                std::cerr << "send_to: " << ec.message() << "\n"; // e.g. the peer is gone
            queue_.pop_front();
        }
        return true;
    }

    bool update_interest()
    {
        const bool want = !queue_.empty();
        if (want == wants_writable_)
            return true;
        wants_writable_ = want;
        const mio::interest i = want ? mio::interest::readable | mio::interest::writable
                                     : mio::interest::readable;
        boost::system::error_code ec;
        loop_.registry().reregister(socket_, socket_token, i, ec);
        return !ec;
    }

    event_loop loop_;
    net::udp_socket socket_;
    std::deque<std::pair<udp_endpoint, std::string>> queue_;
    bool wants_writable_ = false;
    std::vector<char> buffer_ = std::vector<char>(65536); // any UDP payload fits
};

} // namespace

int main(int argc, char* argv[])
{
    return run_main("udp_server", "[PORT]  (default 9000; 0 picks a free port)", [&] {
        expect_args(argc, 0, 1);
        const unsigned short port = argc > 1 ? port_arg(argv[1]) : 9000;
        udp_echo server(net::udp_socket::bind({boost::asio::ip::address_v4::loopback(), port}));
        std::cout << "listening on " << server.local_endpoint() << std::endl;
        return server.run();
    });
}
