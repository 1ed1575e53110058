//
// bench/loops/loop_tour.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The in-process ping-pong (common/loop_common.h) written as README.md's
// tour teaches it, not tuned for the benchmark: one unix_stream pair, the
// library's end registered readable | writable; `poll.wait(events)`, the
// throwing overload (or, built with BENCH_TOUR_EC, `wait(events, ec)`);
// `for (const event& e : events)`; on a readable event read_some(buf, ec)
// until would_block, each chunk echoed with write_some. Nothing here is
// forced inline: what it costs is what a user's code costs.
//
// bench/CMakeLists.txt builds it in every configuration users have
// (compiled library static and shared, header-only; -O2 and -O3; both
// forms of wait), and loop_tour_raw.c is the same loop on raw epoll.
// The IDLE argument is ignored (always 0).
//
// BENCH_TOUR_THROW_COPY (a diagnosis, never a target) throws a copy of
// `ec` instead of `ec` itself: system_error's constructor takes its
// error_code by reference into out-of-line code, so `ec`'s address
// escapes and GCC keeps it in memory, where every construction, clear and
// assignment of it is three stores the compiler cannot drop. With a copy,
// `ec` lives in registers; the difference between the two builds is what
// that one line of the user's costs.

#include <boost/mio/net/unix_stream.hpp>
#include <boost/mio/poll.hpp>

#include "loop_common.h"

#include <boost/asio/error.hpp>

namespace mio = boost::mio;

namespace {

#if defined(BENCH_TOUR_THROW_COPY)
#  define BENCH_TOUR_FAIL(ec) throw boost::system::system_error(boost::system::error_code(ec))
#else
#  define BENCH_TOUR_FAIL(ec) throw boost::system::system_error(ec)
#endif

char buf[BENCH_READ_BUFFER];

void serve(mio::poll& poll, mio::events& events, mio::net::unix_stream& stream)
{
#if defined(BENCH_TOUR_EC)
    boost::system::error_code wait_ec;
    poll.wait(events, wait_ec);
    if (wait_ec)
        throw boost::system::system_error(wait_ec);
#else
    poll.wait(events);
#endif
    for (const mio::event& e : events)
    {
        if (e.token() != mio::token(0) || !e.is_readable())
            continue;
        for (;;) // drain to would_block
        {
            boost::system::error_code ec;
            std::size_t n = stream.read_some(boost::asio::buffer(buf), ec);
            if (ec == boost::asio::error::would_block)
                break;
            if (ec)
                BENCH_TOUR_FAIL(ec);
            // Echo the chunk (64 bytes always fit in an idle socket's buffer).
            const char* p = buf;
            while (n > 0)
            {
                const std::size_t k = stream.write_some(boost::asio::buffer(p, n), ec);
                if (ec)
                    BENCH_TOUR_FAIL(ec);
                p += k;
                n -= k;
            }
        }
    }
}

} // namespace

int main(int argc, char** argv)
{
    const bench_loop_args args = bench_loop_parse(argc, argv);
    mio::poll poll;
    mio::events events(128);
    auto [peer, stream] = mio::net::unix_stream::pair();
    const int peer_fd = peer.release();
    ::fcntl(peer_fd, F_SETFL, ::fcntl(peer_fd, F_GETFL) & ~O_NONBLOCK);
    poll.registry().register_(stream, mio::token(0),
        mio::interest::readable | mio::interest::writable);
    BENCH_LOOP_RUN(args, peer_fd, serve(poll, events, stream));
    return 0;
}
