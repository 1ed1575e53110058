//
// example/http_server.cpp: a minimal HTTP/1.1 server on Boost.Mio.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: http_server [PORT]    (default 8080; 0 picks a free port)
//
// Prints "listening on 127.0.0.1:PORT" first, serves GET / and
// GET /bytes/N (http_session.hpp: keep-alive, pipelining, HTTP/1.0,
// Connection: close, bounded buffers) and stops with status 0 on SIGINT
// or SIGTERM. One thread, one poll, edge-triggered:
//  - on any event for a connection: answer what was read, write until
//    would_block, then read, until read_some reports would_block, or a
//    short read where poll::short_read_drains says that drained the socket
//    (it is false on a poll(2) backend, and the loop then goes on to
//    would_block);
//  - WRITABLE interest exactly while response bytes wait to be sent;
//    while max_output of them wait, the connection is not read at all
//    (back-pressure: a client that pipelines and reads late stops being
//    read, so its own sends block and nothing grows);
//  - a connection whose last response is sent (Connection: close, an
//    error, HTTP/1.0) shuts down its sending side and reads until the
//    client closes, so a request still in flight cannot turn the close
//    into a reset that destroys the response before the client reads it;
//  - accept recovers by itself after EMFILE (acceptor.hpp).
// Not here, and a server facing the internet needs them: timeouts (an
// idle or lingering client holds its connection as long as it likes) and
// a connection limit.

#include "acceptor.hpp"
#include "event_loop.hpp"
#include "http_session.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/mio.hpp>

#include <exception>
#include <iostream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mio = boost::mio;
namespace net = boost::mio::net;

namespace {

class http_server
{
public:
    explicit http_server(net::tcp_listener listener)
        : acceptor_(std::move(listener), loop_.registry(), listener_token)
    {
    }

    boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.listener().local_endpoint(); }

    int run()
    {
        return run_accepting(loop_, acceptor_, listener_token,
            [this](net::tcp_stream&& s) { add_connection(std::move(s)); },
            [this](const mio::event& e) { on_connection_event(e); });
    }

private:
    static constexpr mio::token listener_token{0};
    // Bytes a closing connection reads (and drops) while waiting for the
    // client to close, before it gives up and closes anyway.
    static constexpr std::size_t max_linger_bytes = 1024 * 1024;

    struct connection
    {
        net::tcp_stream stream;
        http_session http;
        bool wants_writable = false;
        bool lingering = false; // sending side shut down, waiting for the client to close
        std::size_t lingered = 0;
    };

    void add_connection(net::tcp_stream&& s)
    {
        boost::system::error_code ec;
        s.set_nodelay(true, ec); // responses leave at once; a peer gone already is not fatal
        const mio::token t(next_token_++);
        loop_.registry().register_(s, t, mio::interest::readable, ec);
        if (!ec)
            connections_.emplace(t.value(), connection{std::move(s), {}, false, false, 0});
    }

    void on_connection_event(const mio::event& e)
    {
        const auto it = connections_.find(e.token().value());
        if (it == connections_.end())
            return; // closed earlier in this batch
        if (!serve(it->second, e))
            connections_.erase(it); // closes the socket, which leaves the poll
    }

    // False once the connection is to be closed.
    bool serve(connection& c, const mio::event& e)
    {
        // With the end of stream or an error already seen, no new edge
        // would come for what is left: read on to would_block or eof.
        const bool may_stop_short = mio::poll::short_read_drains && !e.is_read_closed() && !e.is_error();
        if (c.lingering)
            return linger(c, may_stop_short);
        for (bool drained = false;;)
        {
            for (bool more = true; more;) // answer and send until the output stays
            {
                more = c.http.produce();
                if (!flush(c))
                    return false;
                more = more && c.http.output_size() == 0;
            }
            if (c.http.done())
                return start_lingering(c, may_stop_short);
            const boost::asio::mutable_buffer space = c.http.read_space();
            if (drained || space.size() == 0)
                break; // drained, or back-pressure: the writable event resumes reading
            boost::system::error_code ec;
            const std::size_t n = c.stream.read_some(space, ec);
            if (ec == boost::asio::error::would_block)
                break;
            if (ec == boost::asio::error::eof)
                c.http.end_of_input();
            else if (ec)
                return false; // reset by the client, ...
            c.http.commit_read(n);
            drained = may_stop_short && n < space.size();
        }
        return update_interest(c, e.token());
    }

    bool flush(connection& c)
    {
        while (c.http.output_size() != 0)
        {
            boost::system::error_code ec;
            const std::size_t n = c.stream.write_some(c.http.output(), ec);
            if (ec == boost::asio::error::would_block)
                return true;
            if (ec)
                return false;
            c.http.consume_output(n);
        }
        return true;
    }

    bool start_lingering(connection& c, bool may_stop_short)
    {
        if (c.http.input_ended())
            return false; // the client closed first: nothing can be lost
        boost::system::error_code ec;
        c.stream.shutdown(net::shutdown_type::send, ec);
        if (ec)
            return false;
        c.lingering = true;
        return linger(c, may_stop_short);
    }

    // Reads and drops until the client closes (false: close now).
    bool linger(connection& c, bool may_stop_short)
    {
        for (;;)
        {
            boost::system::error_code ec;
            const std::size_t n = c.stream.read_some(boost::asio::buffer(scratch_), ec);
            if (ec == boost::asio::error::would_block)
                return true;
            if (ec) // eof: the client has everything and closed
                return false;
            c.lingered += n;
            if (c.lingered > max_linger_bytes)
                return false;
            if (may_stop_short && n < scratch_.size())
                return true;
        }
    }

    // WRITABLE interest exactly while response bytes wait to be sent.
    bool update_interest(connection& c, mio::token t)
    {
        const bool want = c.http.output_size() != 0;
        if (want == c.wants_writable)
            return true;
        c.wants_writable = want;
        boost::system::error_code ec;
        loop_.registry().reregister(c.stream, t,
            want ? mio::interest::readable | mio::interest::writable : mio::interest::readable, ec);
        return !ec;
    }

    event_loop loop_;
    acceptor<net::tcp_listener> acceptor_;
    std::unordered_map<std::size_t, connection> connections_;
    std::size_t next_token_ = 1;
    std::vector<char> scratch_ = std::vector<char>(16 * 1024);
};

} // namespace

int main(int argc, char* argv[])
{
    try
    {
        const unsigned long port = argc > 1 ? std::stoul(argv[1]) : 8080;
        if (port > 65535)
            throw std::out_of_range("port");
        http_server server(net::tcp_listener::bind(
            {boost::asio::ip::address_v4::loopback(), static_cast<unsigned short>(port)}));
        std::cout << "listening on " << server.local_endpoint() << std::endl;
        return server.run();
    }
    catch (const std::exception& e)
    {
        std::cerr << "http_server: " << e.what() << "\n";
        return 1;
    }
}
