//
// bench/loops/mio_loop.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// What the three Boost.Mio ping-pong loops share (loop_mio.cpp,
// loop_bridge_driver.cpp, loop_bridge_source.cpp): the library side of a
// round trip, and the sockets. They differ only in how the readiness
// reaches drain_and_echo().

#ifndef BENCH_MIO_LOOP_HPP
#define BENCH_MIO_LOOP_HPP

#include <boost/config.hpp>
#include <boost/mio/net/unix_stream.hpp>

#include "loop_common.h"

#include <boost/asio/error.hpp>
#include <vector>

namespace mio_loop {

namespace mio = boost::mio;

// One per program (internal linkage: an inline variable would be reached
// through the GOT on every read).
static char buffer[BENCH_READ_BUFFER];

// Forced inline for the reason drain_and_echo() is: once the setup code in
// main() grew (each throwing call now carries its caller's
// source_location), GCC -O2 left this helper out of line, and the figure
// gained a call the loop's own factoring added (+16 instructions).
BOOST_FORCEINLINE void echo(mio::net::unix_stream& s, const char* data, std::size_t size)
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

// Reads until would_block and echoes each chunk, exactly as a Mio user
// writes it. Forced inline: written out in each loop, as it was, so the
// instruction counts measure the library and not a call added here.
BOOST_FORCEINLINE void drain_and_echo(mio::net::unix_stream& s)
{
    boost::system::error_code ec;
    for (;;)
    {
        const std::size_t n = s.read_some(boost::asio::buffer(buffer), ec);
        if (ec)
        {
            if (ec == boost::asio::error::would_block)
                return;
            bench_die("read_some");
        }
        echo(s, buffer, n);
    }
}

// The active pair (the peer's end a blocking raw fd, the library's end a
// unix_stream) and `idle_count` idle sockets, made as pairs with both ends
// kept open (one more than asked when it is odd; the loops register the
// first idle_count).
struct sockets
{
    int peer_fd = -1;
    mio::net::unix_stream stream;
    std::vector<mio::net::unix_stream> idle;

    explicit sockets(long idle_count)
    {
        auto [peer, s] = mio::net::unix_stream::pair();
        stream = std::move(s);
        peer_fd = peer.release();
        ::fcntl(peer_fd, F_SETFL, ::fcntl(peer_fd, F_GETFL) & ~O_NONBLOCK);
        for (long i = 0; i < idle_count; i += 2)
        {
            auto [a, b] = mio::net::unix_stream::pair();
            idle.push_back(std::move(a));
            idle.push_back(std::move(b));
        }
    }
};

} // namespace mio_loop

#endif // BENCH_MIO_LOOP_HPP
