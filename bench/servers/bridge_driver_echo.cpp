//
// bench/servers/bridge_driver_echo.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Scenario 6a: the Boost.Mio echo server (mio_echo_core.hpp, unchanged)
// with its events delivered by asio_bridge::basic_poll_driver on a
// single-threaded io_context instead of a poll::wait loop. The driver is
// instantiated on io_context's own executor type (no type erasure), as a
// user who cares about speed would.

#include <boost/mio/asio_bridge.hpp>

#include "mio_echo_core.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

int main(int argc, char** argv)
{
    namespace mio = boost::mio;
    namespace asio = boost::asio;
    bench_ignore_sigpipe();
    bench_raise_fd_limit();
    asio::io_context io(1);
    mio::poll poll;
    bench::echo_core core(poll.registry(), bench_port_arg(argc, argv));
    mio::asio_bridge::basic_poll_driver<asio::io_context::executor_type> driver(io.get_executor(), poll);
    driver.start([&core](const mio::events& evs) {
        for (const mio::event& e : evs)
            core.on_event(e);
    });
    asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](boost::system::error_code, int) {
        driver.stop();
        io.stop();
    });
    io.run();
    return 0;
}
