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

#include <boost/mio/poll.hpp>

#include "mio_loop.hpp"

namespace mio = boost::mio;

namespace {

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
        mio_loop::drain_and_echo(s);
    }
}

} // namespace

int main(int argc, char** argv)
{
    const bench_loop_args args = bench_loop_parse(argc, argv);
    mio::poll poll;
    mio::events evs(64);
    mio_loop::sockets socks(args.idle);
    for (std::size_t i = 0; i < static_cast<std::size_t>(args.idle); ++i)
        poll.registry().register_(socks.idle[i], mio::token(i + 1), mio::interest::readable);
    poll.registry().register_(socks.stream, mio::token(0), mio::interest::readable);
    BENCH_LOOP_RUN(args, socks.peer_fd, serve(poll, evs, socks.stream));
    return 0;
}
