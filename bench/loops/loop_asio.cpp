//
// bench/loops/loop_asio.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The in-process ping-pong (see common/loop_common.h) on Boost.Asio, the
// way its echo server is written: async_read_some, then async_write of
// what was read, then async_read_some again, on a single-threaded
// io_context driven by run_one() until the echo's write completed. Asio
// tries each operation at once (speculatively), so the syscalls are the
// raw loop's: one epoll_wait, a read with data, a write, a read that
// would block.

#include "loop_common.h"

#include <boost/asio.hpp>
#include <memory>
#include <vector>

namespace asio = boost::asio;
using stream = asio::local::stream_protocol::socket;

namespace {

class echo
{
public:
    echo(asio::io_context& io, int fd) : socket_(io, asio::local::stream_protocol(), fd) {}

    void read()
    {
        socket_.async_read_some(asio::buffer(buffer_),
            [this](boost::system::error_code ec, std::size_t n) {
                if (ec)
                    bench_die("async_read_some");
                write(n);
            });
    }

    long done = 0; // echoes completed

private:
    void write(std::size_t n)
    {
        asio::async_write(socket_, asio::buffer(buffer_, n),
            [this](boost::system::error_code ec, std::size_t) {
                if (ec)
                    bench_die("async_write");
                ++done;
                read();
            });
    }

    stream socket_;
    char buffer_[BENCH_READ_BUFFER];
};

} // namespace

int main(int argc, char** argv)
{
    const bench_loop_args args = bench_loop_parse(argc, argv);
    asio::io_context io(1);
    int sv[2];
    bench_loop_pair(sv);
    // Idle sockets as a server holds them: assigned (registered with
    // epoll) with a read pending.
    int* idle_fds = bench_loop_idle(args.idle);
    std::vector<std::unique_ptr<stream>> idle;
    char idle_buffer[16];
    for (long i = 0; i < args.idle; ++i)
    {
        idle.push_back(std::make_unique<stream>(io, asio::local::stream_protocol(), idle_fds[i]));
        idle.back()->async_read_some(asio::buffer(idle_buffer),
            [](boost::system::error_code, std::size_t) {});
    }
    auto e = std::make_unique<echo>(io, sv[1]);
    e->read();
    long target = 0;
    BENCH_LOOP_RUN(args, sv[0], {
        ++target;
        while (e->done < target)
            io.run_one();
    });
    free(idle_fds);
    return 0;
}
