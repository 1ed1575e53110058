//
// bench/servers/bridge_source_echo.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Scenario 6b: an echo server written on asio_bridge::basic_async_source,
// the way tokio code uses AsyncFd: per connection, async_wait(readable),
// then read with the Mio stream until would_block (or a short read, as
// tokio does where poll::short_read_drains) echoing each chunk, then wait
// again. The source keeps end-of-stream and error readiness set, so the
// next async_wait completes at once for those. An echo the socket cannot
// take is kept, and the connection waits for writable before it reads
// again. Single-threaded io_context; the sources use io_context's own
// executor type.

#include <boost/mio/asio_bridge.hpp>
#include <boost/mio/net/tcp_listener.hpp>
#include <boost/mio/net/tcp_stream.hpp>
#include <boost/mio/poll.hpp>

#include "bench_common.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/signal_set.hpp>
#include <memory>
#include <vector>

namespace mio = boost::mio;
namespace asio = boost::asio;
using executor = asio::io_context::executor_type;
using async_source = mio::asio_bridge::basic_async_source<executor>;

namespace {

char buffer[BENCH_READ_BUFFER];

class connection : public std::enable_shared_from_this<connection>
{
public:
    connection(const executor& ex, mio::net::tcp_stream s)
        : stream_(std::move(s)), source_(ex, stream_, mio::interest::readable | mio::interest::writable)
    {
    }

    void wait_readable()
    {
        source_.async_wait(mio::interest::readable,
            [self = shared_from_this()](boost::system::error_code ec, mio::event) {
                if (!ec)
                    self->on_readable();
            });
    }

private:
    // Reads until would-block or a short read, echoing each chunk.
    void on_readable()
    {
        for (;;)
        {
            boost::system::error_code ec;
            const std::size_t n = stream_.read_some(asio::buffer(buffer), ec);
            if (ec)
            {
                if (ec == asio::error::would_block)
                    wait_readable();
                return; // eof or error: the last reference goes
            }
            std::size_t done = 0;
            if (!write_all(buffer, n, done, ec))
            {
                if (!ec)
                    keep_pending(buffer + done, n - done);
                return;
            }
            if (mio::poll::short_read_drains && n < sizeof buffer)
                return wait_readable();
        }
    }

    bool write_all(const char* data, std::size_t size, std::size_t& done, boost::system::error_code& ec)
    {
        while (done < size)
        {
            done += stream_.write_some(asio::buffer(data + done, size - done), ec);
            if (ec)
            {
                if (ec == asio::error::would_block)
                    ec.clear();
                return false;
            }
        }
        return true;
    }

    void keep_pending(const char* data, std::size_t size)
    {
        pending_.assign(data, data + size);
        pending_off_ = 0;
        wait_writable();
    }

    void wait_writable()
    {
        source_.async_wait(mio::interest::writable,
            [self = shared_from_this()](boost::system::error_code ec, mio::event) {
                if (ec)
                    return;
                if (!self->write_all(self->pending_.data(), self->pending_.size(), self->pending_off_, ec))
                {
                    if (!ec)
                        self->wait_writable();
                    return;
                }
                self->pending_.clear();
                self->on_readable(); // data may be queued with no new edge
            });
    }

    mio::net::tcp_stream stream_;
    async_source source_;
    std::vector<char> pending_;
    std::size_t pending_off_ = 0;
};

class acceptor
{
public:
    acceptor(const executor& ex, int port)
        : ex_(ex),
          listener_(mio::net::tcp_listener::bind(
              asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), static_cast<unsigned short>(port)))),
          source_(ex, listener_, mio::interest::readable)
    {
        bench_announce(listener_.local_endpoint().port());
    }

    void wait()
    {
        source_.async_wait(mio::interest::readable, [this](boost::system::error_code ec, mio::event) {
            if (!ec)
                on_readable();
        });
    }

    void cancel() { source_.cancel(); }

private:
    void on_readable()
    {
        for (;;)
        {
            boost::system::error_code ec;
            auto accepted = listener_.accept(ec);
            if (ec)
                break; // would_block, or out of fds: retried on the next edge
            accepted.first.set_nodelay(true, ec);
            std::make_shared<connection>(ex_, std::move(accepted.first))->wait_readable();
        }
        wait();
    }

    executor ex_;
    mio::net::tcp_listener listener_;
    async_source source_;
};

} // namespace

int main(int argc, char** argv)
{
    bench_ignore_sigpipe();
    bench_raise_fd_limit();
    asio::io_context io(1);
    acceptor a(io.get_executor(), bench_port_arg(argc, argv));
    a.wait();
    asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](boost::system::error_code, int) {
        a.cancel();
        io.stop();
    });
    io.run();
    return 0;
}
