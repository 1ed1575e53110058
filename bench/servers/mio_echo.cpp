//
// bench/servers/mio_echo.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The Boost.Mio echo server: mio_echo_core.hpp driven by a poll::wait
// loop, as raw_epoll_echo.c is driven by epoll_wait (with the same
// zero-timeout polls before blocking). Built twice: mio_echo and
// mio_echo_alloc (counting operator new; prints the allocations made
// inside library calls when it exits on SIGTERM).

#include "mio_echo_core.hpp"

int main(int argc, char** argv)
{
    namespace mio = boost::mio;
    bench_ignore_sigpipe();
    bench_catch_term();
    bench_raise_fd_limit();
    {
        mio::poll poll;
        bench::echo_core core(poll.registry(), bench_port_arg(argc, argv));
        mio::events evs(256);
        boost::system::error_code ec;
        int polls_left = 0; // zero-timeout polls before blocking (BENCH_IDLE_POLLS)
        while (!bench_stop_flag)
        {
            using timeout = std::optional<std::chrono::nanoseconds>;
            BENCH_COUNTED(bench::wait_calls,
                poll.wait(evs, polls_left > 0 ? timeout(std::chrono::nanoseconds(0)) : std::nullopt, ec));
            if (ec)
            {
                if (ec == boost::system::errc::interrupted)
                    continue; // SIGTERM: the flag is checked
                bench_die("wait");
            }
            for (const mio::event& e : evs)
                core.on_event(e);
            polls_left = evs.empty() ? polls_left - 1 : core.open_connections() > 1 ? BENCH_IDLE_POLLS : 0;
        }
    }
    bench::print_allocations();
    return 0;
}
