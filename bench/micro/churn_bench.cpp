//
// bench/micro/churn_bench.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Scenario 4: registration churn. One socket is registered for reading
// and deregistered again, as fast as possible, for SECONDS:
//
//   churn_bench IMPL SECONDS     prints pairs_per_s=... ns_per_pair=...
//   churn_bench IMPL 0 COUNT     exactly COUNT pairs, untimed: under
//                                callgrind, (Ir(N2) - Ir(N1)) / (N2 - N1)
//                                is the user-space cost of one pair
//
// IMPL: raw (epoll_ctl ADD + DEL), mio (registry::register_ +
// deregister of a posix::source_fd), asio (assigning the descriptor to a
// socket object, which registers it, then release(), which deregisters
// it), libevent (event_add + event_del; libevent applies them to epoll at
// once unless its changelist is enabled). libuv is absent: it defers
// epoll_ctl to the next loop iteration, so there is nothing comparable.

#include "bench_common.h"

#include <boost/asio.hpp>
#include <boost/mio/poll.hpp>
#include <boost/mio/posix/source_fd.hpp>
#include <cstdio>
#include <event2/event.h>
#include <string>
#include <sys/epoll.h>

namespace {

long fixed_count = 0; // > 0: run exactly this many pairs, untimed (callgrind)

template <class Pair>
void measure(double seconds, Pair&& pair)
{
    if (fixed_count > 0)
    {
        for (long i = 0; i < fixed_count; ++i)
            pair();
        std::printf("pairs=%ld\n", fixed_count);
        return;
    }
    for (int i = 0; i < 1000; ++i)
        pair(); // warm-up
    const std::int64_t start = bench_now_ns();
    const std::int64_t end = start + static_cast<std::int64_t>(seconds * 1e9);
    long pairs = 0;
    std::int64_t now = start;
    while (now < end)
    {
        for (int i = 0; i < 1000; ++i)
            pair();
        pairs += 1000;
        now = bench_now_ns();
    }
    const double ns = static_cast<double>(now - start);
    std::printf("pairs_per_s=%.1f ns_per_pair=%.2f\n", static_cast<double>(pairs) * 1e9 / ns,
        ns / static_cast<double>(pairs));
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3)
    {
        std::fprintf(stderr, "usage: churn_bench raw|mio|asio|libevent SECONDS [COUNT]\n");
        return 2;
    }
    const std::string impl = argv[1];
    const double seconds = std::atof(argv[2]);
    if (argc > 3)
        fixed_count = std::atol(argv[3]);
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
        bench_die("socketpair");
    const int fd = sv[0];
    if (impl == "raw")
    {
        const int ep = ::epoll_create1(EPOLL_CLOEXEC);
        measure(seconds, [&] {
            ::epoll_event ev{};
            ev.events = EPOLLIN | EPOLLET;
            ev.data.u64 = 1;
            if (::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
                bench_die("epoll_ctl(ADD)");
            if (::epoll_ctl(ep, EPOLL_CTL_DEL, fd, &ev) < 0)
                bench_die("epoll_ctl(DEL)");
        });
    }
    else if (impl == "mio")
    {
        boost::mio::poll poll;
        const boost::mio::registry& r = poll.registry();
        measure(seconds, [&] {
            boost::system::error_code ec;
            r.register_(boost::mio::posix::source_fd(fd), boost::mio::token(1),
                boost::mio::interest::readable, ec);
            if (ec)
                bench_die("register_");
            r.deregister(boost::mio::posix::source_fd(fd), ec);
            if (ec)
                bench_die("deregister");
        });
    }
    else if (impl == "asio")
    {
        boost::asio::io_context io(1);
        boost::asio::local::stream_protocol::socket s(io);
        measure(seconds, [&] {
            boost::system::error_code ec;
            s.assign(boost::asio::local::stream_protocol(), fd, ec);
            if (ec)
                bench_die("assign");
            s.release(ec);
            if (ec)
                bench_die("release");
        });
    }
    else if (impl == "libevent")
    {
        event_base* base = event_base_new();
        event* ev = event_new(base, fd, EV_READ | EV_PERSIST | EV_ET, [](evutil_socket_t, short, void*) {}, nullptr);
        measure(seconds, [&] {
            if (event_add(ev, nullptr) < 0)
                bench_die("event_add");
            if (event_del(ev) < 0)
                bench_die("event_del");
        });
        event_free(ev);
        event_base_free(base);
    }
    else
    {
        std::fprintf(stderr, "unknown implementation %s\n", impl.c_str());
        return 2;
    }
    return 0;
}
