//
// bench/loops/loop_bridge_source.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The in-process ping-pong (see common/loop_common.h) on
// asio_bridge::basic_async_source: async_wait(readable), read with the Mio
// stream until would_block echoing each chunk, wait again; a
// single-threaded io_context run with run_one() until the echo is done.

#include <boost/mio/asio_bridge.hpp>

#include "mio_loop.hpp"

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

namespace mio = boost::mio;
namespace asio = boost::asio;
using async_source = mio::asio_bridge::basic_async_source<asio::io_context::executor_type>;

namespace {

class echo
{
public:
    echo(asio::io_context& io, mio::net::unix_stream& s)
        : stream_(s), source_(io.get_executor(), stream_, mio::interest::readable)
    {
    }

    void wait()
    {
        source_.async_wait(mio::interest::readable, [this](boost::system::error_code ec, mio::event) {
            if (ec)
                bench_die("async_wait");
            mio_loop::drain_and_echo(stream_);
            ++done;
            wait();
        });
    }

    long done = 0;

private:
    mio::net::unix_stream& stream_;
    async_source source_;
};

} // namespace

int main(int argc, char** argv)
{
    const bench_loop_args args = bench_loop_parse(argc, argv);
    asio::io_context io(1);
    mio_loop::sockets socks(args.idle);
    // Idle sockets as a server holds them: each an async_source with a
    // wait pending.
    std::vector<std::unique_ptr<async_source>> idle_sources;
    for (std::size_t i = 0; i < static_cast<std::size_t>(args.idle); ++i)
    {
        idle_sources.push_back(std::make_unique<async_source>(io.get_executor(), socks.idle[i], mio::interest::readable));
        idle_sources.back()->async_wait(mio::interest::readable, [](boost::system::error_code, mio::event) {});
    }
    echo e(io, socks.stream);
    e.wait();
    long target = 0;
    BENCH_LOOP_RUN(args, socks.peer_fd, {
        ++target;
        while (e.done < target)
            io.run_one();
    });
    return 0;
}
