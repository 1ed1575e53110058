//
// example/chat_server.cpp: a line-based TCP chat: every line a client
// sends goes to every other client, with a bound on what is kept for each.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: chat_server [PORT] [MAX_PENDING]
//        (PORT: default 9000, 0 picks a free port; MAX_PENDING: bytes kept
//        for one client, default 1048576, at least 65536)
//
// Prints "listening on 127.0.0.1:PORT" first. Lines (up to '\n') are
// relayed whole, byte for byte, to every client but their sender, in the
// order the server read them; what a client sends after its last newline
// is dropped with it when it leaves. SIGINT or SIGTERM stops the server
// (exit status 0).
//
// The bound, and what happens at it: a client that reads slower than the
// others write would make the server hold ever more for it. Output the
// socket does not take at once is kept for that client, and when that
// exceeds MAX_PENDING bytes the server DROPS THE CLIENT: it closes the
// connection (the client reads what was already sent, then end of
// stream) and prints "dropped client N: M bytes pending". A slow reader
// never slows the others down, which waiting for it (stopping reading
// from the senders) would. A line longer than MAX_PENDING is refused the
// same way, as its sender is dropped.
//
// Everything is edge-triggered: listener accepted to would_block
// (acceptor.hpp), each client read to would_block and flushed to
// would_block, writable interest held only while output is pending.

#include "acceptor.hpp"
#include "command_line.hpp"
#include "event_loop.hpp"
#include "pending_output.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/mio.hpp>

#include <cstddef>
#include <iostream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mio = boost::mio;
namespace net = boost::mio::net;
using boost::system::error_code;

namespace {

class chat_client
{
public:
    explicit chat_client(net::tcp_stream s) : stream_(std::move(s)) {}

    // Reads to would_block, appending whole lines to `lines`. False when
    // the client is gone (end of stream, error) or its line is too long.
    bool read_lines(std::vector<char>& scratch, std::string& lines, std::size_t max_line)
    {
        for (;;)
        {
            error_code ec;
            const std::size_t n = stream_.read_some(boost::asio::buffer(scratch), ec);
            if (ec == boost::asio::error::would_block)
                return true;
            if (ec)
                return false; // eof: a chat client that stops sending has left
            partial_.append(scratch.data(), n);
            const std::size_t end = partial_.rfind('\n');
            if (end != std::string::npos)
            {
                lines.append(partial_, 0, end + 1);
                partial_.erase(0, end + 1);
            }
            if (partial_.size() > max_line)
                return false;
        }
    }

    // Sends `data` after what is pending, keeping what the socket does
    // not take. False on an error.
    bool send(const std::string& data) { return pending_.write(stream_, data.data(), data.size()); }

    bool flush() { return pending_.flush(stream_); }

    std::size_t pending() const { return pending_.size(); }

    bool update_interest(const mio::registry& r, mio::token t)
    {
        return pending_.update_interest(stream_, r, t);
    }

private:
    net::tcp_stream stream_;
    std::string partial_; // read after the last newline
    pending_output pending_;
};

class chat_server
{
public:
    chat_server(net::tcp_listener listener, std::size_t max_pending)
        : acceptor_(std::move(listener), loop_.registry(), listener_token),
          max_pending_(max_pending)
    {
    }

    net::tcp_listener::endpoint_type local_endpoint() const
    {
        return acceptor_.listener().local_endpoint();
    }

    int run()
    {
        return run_accepting(loop_, acceptor_, listener_token,
            [this](net::tcp_stream&& s) { add_client(std::move(s)); },
            [this](const mio::event& e) { on_client_event(e.token().value()); });
    }

private:
    static constexpr mio::token listener_token{0};

    void add_client(net::tcp_stream&& s)
    {
        const std::size_t id = next_id_++;
        error_code ec;
        s.set_nodelay(true, ec);
        loop_.registry().register_(s, mio::token(id), mio::interest::readable, ec);
        if (!ec) // else it closes as `s` goes away
            clients_.emplace(id, chat_client(std::move(s)));
    }

    void on_client_event(std::size_t id)
    {
        const auto it = clients_.find(id);
        if (it == clients_.end())
            return; // dropped earlier in this batch
        chat_client& c = it->second;
        std::string lines;
        const bool alive = c.flush() && c.read_lines(buffer_, lines, max_pending_);
        if (!lines.empty())
            broadcast(id, lines); // even from a client that has just left
        if (!alive || !c.update_interest(loop_.registry(), mio::token(id)))
            clients_.erase(id); // closing the stream removes it from the poll
    }

    void broadcast(std::size_t from, const std::string& lines)
    {
        for (auto it = clients_.begin(); it != clients_.end();)
        {
            chat_client& c = it->second;
            const mio::token t(it->first);
            if (it->first == from)
                ++it;
            else if (!c.send(lines) || !c.update_interest(loop_.registry(), t))
                it = clients_.erase(it);
            else if (c.pending() > max_pending_)
            {
                std::cout << "dropped client " << it->first << ": " << c.pending()
                          << " bytes pending" << std::endl;
                it = clients_.erase(it);
            }
            else
                ++it;
        }
    }

    event_loop loop_;
    acceptor<net::tcp_listener> acceptor_;
    std::size_t max_pending_;
    std::unordered_map<std::size_t, chat_client> clients_;
    std::size_t next_id_ = 1;
    std::vector<char> buffer_ = std::vector<char>(64 * 1024);
};

} // namespace

int main(int argc, char* argv[])
{
    return run_main("chat_server", "[PORT] [MAX_PENDING]  (defaults 9000 and 1048576)", [&] {
        expect_args(argc, 0, 2);
        const unsigned short port = argc > 1 ? port_arg(argv[1]) : 9000;
        const std::size_t max_pending =
            argc > 2 ? number_arg(argv[2], "byte count", 65536, 1ul << 30) : 1024 * 1024;
        chat_server server(
            net::tcp_listener::bind({boost::asio::ip::address_v4::loopback(), port}), max_pending);
        std::cout << "listening on " << server.local_endpoint() << std::endl;
        return server.run();
    });
}
