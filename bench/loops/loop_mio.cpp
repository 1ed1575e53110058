//
// bench/loops/loop_mio.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The in-process ping-pong (see common/loop_common.h) on Boost.Mio:
// loop_raw_epoll.c with the library in place of the syscalls. The
// library end is a net::unix_stream from unix_stream::pair(); it is read
// with read_some until would_block and each chunk is echoed with
// write_some, exactly as a Mio user writes it.

#include <boost/mio/net/unix_stream.hpp>
#include <boost/mio/poll.hpp>

#include "loop_common.h"

#include <boost/asio/error.hpp>
#include <vector>

namespace mio = boost::mio;

namespace {

char buffer[BENCH_READ_BUFFER];

void echo(mio::net::unix_stream& s, const char* data, std::size_t size)
{
    boost::system::error_code ec;
    while (size > 0)
    {
        const std::size_t k = s.write_some(boost::asio::buffer(data, size), ec);
        if (ec)
            bench_die("write_some");
        data += k;
        size -= k;
    }
}

// Waits, reads until would-block, echoes each chunk.
void serve(mio::poll& poll, mio::events& evs, mio::net::unix_stream& s)
{
    boost::system::error_code ec;
    poll.wait(evs, ec);
    if (ec)
        bench_die("wait");
    for (const mio::event& e : evs)
    {
        if (e.token() != mio::token(0))
            continue; // an idle socket: never happens
        for (;;)
        {
            const std::size_t n = s.read_some(boost::asio::buffer(buffer), ec);
            if (ec)
            {
                if (ec == boost::asio::error::would_block)
                    break;
                bench_die("read_some");
            }
            echo(s, buffer, n);
        }
    }
}

} // namespace

int main(int argc, char** argv)
{
    const bench_loop_args args = bench_loop_parse(argc, argv);
    mio::poll poll;
    mio::events evs(64);
    auto [peer, stream] = mio::net::unix_stream::pair();
    const int peer_fd = peer.release();
    ::fcntl(peer_fd, F_SETFL, ::fcntl(peer_fd, F_GETFL) & ~O_NONBLOCK);
    std::vector<mio::net::unix_stream> idle;
    for (long i = 0; i < args.idle; i += 2)
    {
        auto [a, b] = mio::net::unix_stream::pair();
        idle.push_back(std::move(a));
        idle.push_back(std::move(b)); // kept open (unregistered when IDLE is odd)
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(args.idle); ++i)
        poll.registry().register_(idle[i], mio::token(i + 1), mio::interest::readable);
    poll.registry().register_(stream, mio::token(0), mio::interest::readable);
    BENCH_LOOP_RUN(args, peer_fd, serve(poll, evs, stream));
    return 0;
}
