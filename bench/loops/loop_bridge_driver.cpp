//
// bench/loops/loop_bridge_driver.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The in-process ping-pong (see common/loop_common.h) with Boost.Mio
// driven by asio_bridge::basic_poll_driver: loop_mio.cpp's event handling
// as the driver's batch handler, on a single-threaded io_context run with
// run_one() until the echo is done.

#include <boost/mio/asio_bridge.hpp>
#include <boost/mio/net/unix_stream.hpp>
#include <boost/mio/poll.hpp>

#include "loop_common.h"

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <vector>

namespace mio = boost::mio;
namespace asio = boost::asio;

namespace {

char buffer[BENCH_READ_BUFFER];

void echo(mio::net::unix_stream& s, const char* data, std::size_t size)
{
    boost::system::error_code ec;
    while (size > 0)
    {
        const std::size_t k = s.write_some(asio::buffer(data, size), ec);
        if (ec)
            bench_die("write_some");
        data += k;
        size -= k;
    }
}

} // namespace

int main(int argc, char** argv)
{
    const bench_loop_args args = bench_loop_parse(argc, argv);
    asio::io_context io(1);
    mio::poll poll;
    auto [peer, stream] = mio::net::unix_stream::pair();
    const int peer_fd = peer.release();
    ::fcntl(peer_fd, F_SETFL, ::fcntl(peer_fd, F_GETFL) & ~O_NONBLOCK);
    std::vector<mio::net::unix_stream> idle;
    for (long i = 0; i < args.idle; i += 2)
    {
        auto [a, b] = mio::net::unix_stream::pair();
        idle.push_back(std::move(a));
        idle.push_back(std::move(b));
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(args.idle); ++i)
        poll.registry().register_(idle[i], mio::token(i + 1), mio::interest::readable);
    poll.registry().register_(stream, mio::token(0), mio::interest::readable);

    long done = 0;
    mio::asio_bridge::basic_poll_driver<asio::io_context::executor_type> driver(io.get_executor(), poll, 64);
    driver.start([&](const mio::events& evs) {
        for (const mio::event& e : evs)
        {
            if (e.token() != mio::token(0))
                continue;
            boost::system::error_code ec;
            for (;;)
            {
                const std::size_t n = stream.read_some(asio::buffer(buffer), ec);
                if (ec)
                {
                    if (ec == asio::error::would_block)
                        break;
                    bench_die("read_some");
                }
                echo(stream, buffer, n);
            }
            ++done;
        }
    });
    long target = 0;
    BENCH_LOOP_RUN(args, peer_fd, {
        ++target;
        while (done < target)
            io.run_one();
    });
    driver.stop();
    return 0;
}
