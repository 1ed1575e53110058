//
// example/coroutine_echo.cpp: a TCP echo server whose C++20 coroutines
// await mio readiness through the Asio bridge.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// tokio's AsyncFd pattern with Asio's use_awaitable: the listener and every
// connection are mio::net sockets, each wrapped in an async_source; a
// coroutine awaits readiness, then does mio-style non-blocking I/O until
// would_block (the edge-triggered rule: the next wait needs a new edge),
// and awaits writable readiness whenever the peer is slow to read. All the
// sockets share the io_context's one mio::poll, watched by its reactor.
//
// After accept fails for want of fds (EMFILE) the listener retries when a
// connection ends and every 100 ms. Prints "listening on 127.0.0.1:PORT"
// first (the OS picks the port) and stops cleanly on SIGTERM or SIGINT
// (exit status 0). Without C++20
// coroutines it says so and exits 0.

#include <boost/mio.hpp>
#include <boost/mio/asio_bridge.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <csignal>
#include <iostream>

#if defined(BOOST_ASIO_HAS_CO_AWAIT)

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asio = boost::asio;
namespace mio = boost::mio;
namespace net = boost::mio::net;
using asio::awaitable;
using asio::use_awaitable;
using boost::system::error_code;
using mio::interest;
using mio::asio_bridge::async_source;

namespace {

// Writes all of `data`, awaiting writable readiness whenever the socket's
// send buffer is full. False if the connection failed.
awaitable<bool> write_all(net::tcp_stream& s, async_source& ready, const char* data,
    std::size_t size)
{
    while (size > 0)
    {
        error_code ec;
        const std::size_t n = s.write_some(asio::buffer(data, size), ec);
        if (ec == asio::error::would_block)
        {
            auto [wait_ec, ev] = co_await ready.async_wait(interest::writable,
                asio::as_tuple(use_awaitable));
            if (wait_ec)
                co_return false;
            continue;
        }
        if (ec)
            co_return false;
        data += n;
        size -= n;
    }
    co_return true;
}

awaitable<void> echo(net::tcp_stream s)
{
    // Declared after the stream: the async_source, which deregisters the
    // stream, goes first.
    async_source ready(co_await asio::this_coro::executor, s,
        interest::readable | interest::writable);
    for (;;)
    {
        auto [ec, ev] = co_await ready.async_wait(interest::readable, asio::as_tuple(use_awaitable));
        if (ec)
            co_return;
        for (;;) // until would_block: no new edge comes otherwise
        {
            char buf[16 * 1024];
            error_code rec;
            const std::size_t n = s.read_some(asio::buffer(buf), rec);
            if (rec == asio::error::would_block)
                break;
            if (rec) // eof, or the peer reset: the coroutine ends, the stream closes
                co_return;
            if (!co_await write_all(s, ready, buf, n))
                co_return;
        }
    }
}

// One connection's life; when it ends, an fd is free for a stalled accept.
awaitable<void> serve(net::tcp_stream s, asio::steady_timer& accept_retry)
{
    co_await echo(std::move(s));
    accept_retry.cancel();
}

awaitable<void> listen(net::tcp_listener listener)
{
    const auto ex = co_await asio::this_coro::executor;
    async_source ready(ex, listener, interest::readable);
    asio::steady_timer accept_retry(ex);
    bool stalled = false;
    for (;;)
    {
        if (stalled)
        {
            // EMFILE and the like: the connection stays queued and no new
            // edge will say so. Retry when a connection ends or after
            // 100 ms, whichever comes first (acceptor.hpp: why).
            accept_retry.expires_after(std::chrono::milliseconds(100));
            co_await accept_retry.async_wait(asio::as_tuple(use_awaitable));
        }
        else
            co_await ready.async_wait(interest::readable, use_awaitable);
        for (;;) // accept every pending connection
        {
            error_code ec;
            auto [stream, peer] = listener.accept(ec);
            if (ec == asio::error::would_block)
            {
                stalled = false;
                break;
            }
            if (ec == asio::error::connection_aborted)
                continue;
            if (ec)
            {
                if (!stalled) // once per shortage
                    std::cerr << "accept: " << ec.message() << "; retrying\n";
                stalled = true;
                break;
            }
            asio::co_spawn(ex, serve(std::move(stream), accept_retry), asio::detached);
        }
    }
}

} // namespace

int main()
{
    try
    {
        asio::io_context ioc;
        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const error_code&, int) { ioc.stop(); });

        auto listener = net::tcp_listener::bind(
            asio::ip::tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
        std::cout << "listening on 127.0.0.1:" << listener.local_endpoint().port() << std::endl;
        asio::co_spawn(ioc, listen(std::move(listener)), asio::detached);
        ioc.run();
        // Destroying the io_context destroys the suspended coroutines, and
        // with them their sockets and async_sources.
        std::cout << "stopped" << std::endl;
        return 0;
    }
    catch (const std::exception& e)
    {
        std::cerr << "coroutine_echo: " << e.what() << "\n";
        return 1;
    }
}

#else // no coroutines

int main()
{
    std::cout << "coroutine_echo needs C++20 coroutines (co_await); this build has none" << std::endl;
    return 0;
}

#endif
