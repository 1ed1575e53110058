//
// example/tcp_proxy.cpp: a TCP proxy with back-pressure in both
// directions and half-close passed through.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: tcp_proxy LISTEN_PORT TARGET_PORT    (LISTEN_PORT 0 picks a free port)
//
// Listens on 127.0.0.1:LISTEN_PORT (prints "listening on 127.0.0.1:PORT"
// first); for every client it connects to 127.0.0.1:TARGET_PORT without
// blocking and relays bytes both ways until both directions have ended.
// SIGINT or SIGTERM stops it (exit status 0). A target that refuses the
// connection closes the client's.
//
// Back-pressure: each direction has one fixed 64 KiB buffer. When it is
// full the proxy stops reading from that side, leaving the bytes in the
// kernel, whose full buffers in turn stop the sender: a peer that does not
// read holds its partner back instead of growing the proxy. Reading goes
// on when the other side's writable event has made room.
//
// Half-close: when one side ends its stream, the proxy sends what it still
// holds for the other side and then shuts down its sending side
// (shutdown(send)), so the other side sees end of stream and may go on
// answering; the pair closes once both directions have ended.
//
// Events: both sockets of a pair are registered readable | writable once,
// edge-triggered, and every event for either runs both directions as far
// as they go (read until would_block or the buffer is full, write until
// would_block or it is empty): simple, and no edge is lost whichever
// socket it came on.

#include "acceptor.hpp"
#include "command_line.hpp"
#include "event_loop.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/mio.hpp>

#include <array>
#include <cstddef>
#include <cstring>
#include <iostream>
#include <memory>
#include <unordered_map>
#include <utility>

namespace mio = boost::mio;
namespace net = boost::mio::net;
using boost::system::error_code;

namespace {

// Bytes read from one socket and not yet written to the other.
class relay_buffer
{
public:
    bool empty() const { return begin_ == end_; }
    bool full() const { return end_ - begin_ == data_.size(); }

    // Reads from `from` until would_block or full. False on an error.
    bool fill(net::tcp_stream& from, bool& ended)
    {
        while (!full() && !ended)
        {
            if (end_ == data_.size()) // room only at the front: move the bytes there
            {
                std::memmove(data_.data(), data_.data() + begin_, end_ - begin_);
                end_ -= begin_;
                begin_ = 0;
            }
            error_code ec;
            end_ += from.read_some(boost::asio::buffer(data_.data() + end_, data_.size() - end_), ec);
            if (ec == boost::asio::error::would_block)
                return true;
            if (ec == boost::asio::error::eof)
                ended = true;
            else if (ec)
                return false;
        }
        return true;
    }

    // Writes to `to` until would_block or empty. False on an error.
    bool drain(net::tcp_stream& to)
    {
        while (!empty())
        {
            error_code ec;
            begin_ += to.write_some(boost::asio::buffer(data_.data() + begin_, end_ - begin_), ec);
            if (ec == boost::asio::error::would_block)
                return true;
            if (ec)
                return false;
        }
        begin_ = end_ = 0;
        return true;
    }

private:
    std::array<char, 64 * 1024> data_;
    std::size_t begin_ = 0, end_ = 0;
};

// One direction: from one socket, through a buffer, to the other.
struct direction
{
    relay_buffer buffer;
    bool read_ended = false; // the source sent end of stream
    bool shut = false;       // passed on: the destination's sending side is shut down

    // As far as it goes. False on an error (the pair then closes).
    bool pump(net::tcp_stream& from, net::tcp_stream& to)
    {
        for (;;)
        {
            if (!buffer.drain(to))
                return false;
            if (!buffer.empty() || read_ended)
                break; // the destination is full, or nothing more comes
            if (!buffer.fill(from, read_ended))
                return false;
            if (buffer.empty() && !read_ended)
                break; // would_block with nothing read
        }
        if (read_ended && buffer.empty() && !shut)
        {
            error_code ec;
            to.shutdown(net::shutdown_type::send, ec);
            shut = true;
            return !ec;
        }
        return true;
    }
};

class proxied_pair
{
public:
    proxied_pair(net::tcp_stream client, net::tcp_stream target)
        : client_(std::move(client)), target_(std::move(target))
    {
    }

    net::tcp_stream& client() { return client_; }
    net::tcp_stream& target() { return target_; }

    // After any event of either socket. False once the pair is done
    // (both directions ended) or failed.
    bool on_ready()
    {
        if (!connected_)
        {
            // The target's connect completes with an event (writable or
            // error); until then its reads and writes report would_block.
            if (const error_code err = target_.take_error())
            {
                std::cerr << "connect to target: " << err.message() << "\n";
                return false;
            }
            error_code ec;
            target_.peer_endpoint(ec);
            connected_ = !ec;
            if (ec && ec != boost::asio::error::not_connected)
                return false;
        }
        if (!upstream_.pump(client_, target_) || !downstream_.pump(target_, client_))
            return false;
        return !(upstream_.shut && downstream_.shut);
    }

private:
    net::tcp_stream client_;
    net::tcp_stream target_;
    direction upstream_;   // client -> target
    direction downstream_; // target -> client
    bool connected_ = false;
};

class proxy
{
public:
    proxy(net::tcp_listener listener, net::tcp_stream::endpoint_type target)
        : acceptor_(std::move(listener), loop_.registry(), listener_token), target_(target)
    {
    }

    net::tcp_listener::endpoint_type local_endpoint() const
    {
        return acceptor_.listener().local_endpoint();
    }

    int run()
    {
        return run_accepting(loop_, acceptor_, listener_token,
            [this](net::tcp_stream&& s) { add_pair(std::move(s)); },
            [this](const mio::event& e) { on_pair_event(e.token().value() / 2); });
    }

private:
    static constexpr mio::token listener_token{0};
    static constexpr mio::interest both = mio::interest::readable | mio::interest::writable;

    // The pair with id N has the tokens 2N (client) and 2N + 1 (target).
    void add_pair(net::tcp_stream&& client)
    {
        error_code ec;
        net::tcp_stream target = net::tcp_stream::connect(target_, ec);
        if (ec)
        {
            std::cerr << "connect to target: " << ec.message() << "\n";
            return; // closes the client
        }
        auto p = std::make_unique<proxied_pair>(std::move(client), std::move(target));
        const std::size_t id = next_id_++;
        loop_.registry().register_(p->client(), mio::token(2 * id), both, ec);
        if (!ec)
            loop_.registry().register_(p->target(), mio::token(2 * id + 1), both, ec);
        if (!ec)
            pairs_.emplace(id, std::move(p));
    }

    void on_pair_event(std::size_t id)
    {
        const auto it = pairs_.find(id);
        if (it != pairs_.end() && !it->second->on_ready())
            pairs_.erase(it); // closing both sockets removes them from the poll
    }

    event_loop loop_;
    acceptor<net::tcp_listener> acceptor_;
    net::tcp_stream::endpoint_type target_;
    // unique_ptr: the 128 KiB of buffers stay put as the map grows.
    std::unordered_map<std::size_t, std::unique_ptr<proxied_pair>> pairs_;
    std::size_t next_id_ = 1;
};

} // namespace

int main(int argc, char* argv[])
{
    return run_main("tcp_proxy", "LISTEN_PORT TARGET_PORT", [&] {
        expect_args(argc, 2, 2);
        const unsigned short port = port_arg(argv[1]);
        const unsigned short target = port_arg(argv[2]);
        if (target == 0)
            throw usage_error("bad target port '0': a server's port is never 0");
        const auto loopback = boost::asio::ip::address_v4::loopback();
        proxy server(net::tcp_listener::bind({loopback, port}), {loopback, target});
        std::cout << "listening on " << server.local_endpoint() << std::endl;
        return server.run();
    });
}
