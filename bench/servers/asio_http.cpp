//
// bench/servers/asio_http.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// example/http_server.cpp's HTTP/1.1 server as a Boost.Asio user would
// write it: a single-threaded io_context (concurrency hint 1), one session
// object per connection, async_read_some into the request buffer,
// async_write of the responses, repeat. The protocol is the example's own
// (example/http_session.hpp), so both servers answer byte for byte alike:
// keep-alive, pipelining, HTTP/1.0, Connection: close, bounded buffers.
// After the last response it shuts down its sending side and reads until
// the client closes, as the Mio server does. An accept that fails (EMFILE)
// is retried after 100 ms.
//
// Usage: asio_http [PORT]; prints "listening on 127.0.0.1:PORT", exits 0
// on SIGTERM.

#include "bench_common.h"
#include "http_session.hpp"

#include <boost/asio.hpp>
#include <chrono>
#include <memory>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

class session : public std::enable_shared_from_this<session>
{
public:
    explicit session(tcp::socket s) : socket_(std::move(s)) {}

    void start() { read(); }

private:
    void read()
    {
        socket_.async_read_some(http_.read_space(),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                if (ec == asio::error::eof)
                    self->http_.end_of_input();
                else if (ec)
                    return; // reset: the session and its socket go away
                self->http_.commit_read(n);
                self->answer();
            });
    }

    // Writes the responses to what was read, then reads again.
    void answer()
    {
        http_.produce();
        if (http_.output_size() != 0)
            return write();
        if (http_.done())
            return linger();
        read();
    }

    void write()
    {
        asio::async_write(socket_, http_.output(),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                if (ec)
                    return;
                self->http_.consume_output(n);
                self->answer();
            });
    }

    void linger()
    {
        if (http_.input_ended())
            return; // the client closed first
        boost::system::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_send, ec);
        if (!ec)
            drain();
    }

    // Reads and drops until the client closes (at most 1 MiB).
    void drain()
    {
        socket_.async_read_some(asio::buffer(scratch_),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                self->lingered_ += n;
                if (!ec && self->lingered_ <= 1024 * 1024)
                    self->drain();
            });
    }

    tcp::socket socket_;
    http_session http_;
    char scratch_[4096];
    std::size_t lingered_ = 0;
};

class server
{
public:
    server(asio::io_context& io, unsigned short port)
        : acceptor_(io, tcp::endpoint(asio::ip::address_v4::loopback(), port)), retry_(io)
    {
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    void accept()
    {
        acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
            if (ec == asio::error::operation_aborted)
                return;
            if (ec)
            {
                retry_.expires_after(std::chrono::milliseconds(100));
                retry_.async_wait([this](boost::system::error_code e) {
                    if (e != asio::error::operation_aborted)
                        accept();
                });
                return;
            }
            s.set_option(tcp::no_delay(true), ec);
            std::make_shared<session>(std::move(s))->start();
            accept();
        });
    }

private:
    tcp::acceptor acceptor_;
    asio::steady_timer retry_;
};

} // namespace

int main(int argc, char** argv)
{
    bench_raise_fd_limit();
    asio::io_context io(1);
    server s(io, static_cast<unsigned short>(bench_port_arg(argc, argv)));
    asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
    bench_announce(s.port());
    s.accept();
    io.run();
    return 0;
}
