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
#include <boost/mio/poll.hpp>

#include "mio_loop.hpp"

#include <boost/asio/io_context.hpp>

namespace mio = boost::mio;
namespace asio = boost::asio;

int main(int argc, char** argv)
{
    const bench_loop_args args = bench_loop_parse(argc, argv);
    asio::io_context io(1);
    mio::poll poll;
    mio_loop::sockets socks(args.idle);
    for (std::size_t i = 0; i < static_cast<std::size_t>(args.idle); ++i)
        poll.registry().register_(socks.idle[i], mio::token(i + 1), mio::interest::readable);
    poll.registry().register_(socks.stream, mio::token(0), mio::interest::readable);

    long done = 0;
    mio::asio_bridge::basic_poll_driver<asio::io_context::executor_type> driver(io.get_executor(), poll, 64);
    driver.start([&](const mio::events& evs) {
        for (const mio::event& e : evs)
        {
            if (e.token() != mio::token(0))
                continue;
            mio_loop::drain_and_echo(socks.stream);
            ++done;
        }
    });
    long target = 0;
    BENCH_LOOP_RUN(args, socks.peer_fd, {
        ++target;
        while (done < target)
            io.run_one();
    });
    driver.stop();
    return 0;
}
