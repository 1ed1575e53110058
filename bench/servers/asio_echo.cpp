//
// bench/servers/asio_echo.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The Boost.Asio echo server a user would write: a single-threaded
// io_context, one session object per connection, async_read_some into
// the session's buffer, async_write of what was read, repeat. The
// io_context is told it runs on one thread (concurrency hint 1) so that
// Asio skips its locking, as a single-threaded user would.

#include "bench_common.h"

#include <boost/asio.hpp>
#include <cstdio>
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
        socket_.async_read_some(asio::buffer(data_),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                if (!ec)
                    self->write(n);
            });
    }

    void write(std::size_t n)
    {
        asio::async_write(socket_, asio::buffer(data_, n),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                if (!ec)
                    self->read();
            });
    }

    tcp::socket socket_;
    char data_[BENCH_READ_BUFFER];
};

void accept(tcp::acceptor& acceptor)
{
    acceptor.async_accept([&acceptor](boost::system::error_code ec, tcp::socket s) {
        if (ec == asio::error::operation_aborted)
            return;
        if (!ec)
        {
            s.set_option(tcp::no_delay(true), ec);
            std::make_shared<session>(std::move(s))->start();
        }
        accept(acceptor);
    });
}

} // namespace

int main(int argc, char** argv)
{
    bench_raise_fd_limit();
    asio::io_context io(1);
    tcp::acceptor acceptor(io,
        tcp::endpoint(asio::ip::address_v4::loopback(),
            static_cast<unsigned short>(bench_port_arg(argc, argv))));
    asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
    bench_announce(acceptor.local_endpoint().port());
    accept(acceptor);
    io.run();
    return 0;
}
