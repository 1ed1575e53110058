//
// bench/micro/waker_bench.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Scenario 3: waking a thread blocked in the event loop from another
// thread.
//
//   waker_bench IMPL latency SECONDS   one wake at a time: the waker
//       stamps the time and wakes, the loop thread stamps the return and
//       acknowledges; prints p50/p99 wake-to-return latency.
//   waker_bench IMPL rate SECONDS      the waker thread calls wake() as
//       fast as it can while the loop thread keeps waiting; prints wake()
//       calls per second (and how many times the loop woke).
//
// IMPL: eventfd (raw epoll + an eventfd written on every wake: the
// always-write baseline), mio (boost::mio::waker, which skips the write
// while a wake is pending), asio (post() to an io_context), libuv
// (uv_async_send, which also coalesces).

#include "bench_common.h"

#include <boost/asio.hpp>
#include <boost/mio/poll.hpp>
#include <boost/mio/waker.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <thread>
#include <uv.h>
#include <vector>

namespace {

// What the two threads share. The loop thread calls on_wake() whenever
// its loop returns with the wake-up event.
struct shared_state
{
    std::atomic<bool> stop{false};
    std::atomic<std::int64_t> sent_at{0};
    std::atomic<long> acked{0};
    std::atomic<long> wakeups{0};
    bool latency_mode = false;
    std::vector<std::int64_t> latencies;

    void on_wake()
    {
        wakeups.fetch_add(1, std::memory_order_relaxed);
        if (!latency_mode)
            return;
        const std::int64_t t = bench_now_ns() - sent_at.load(std::memory_order_acquire);
        if (latencies.size() < latencies.capacity())
            latencies.push_back(t);
        acked.fetch_add(1, std::memory_order_release);
    }
};

// Each implementation: run_loop() on the loop thread until stop, wake()
// from the other thread.
class eventfd_impl
{
public:
    eventfd_impl()
    {
        ep_ = ::epoll_create1(EPOLL_CLOEXEC);
        efd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        ::epoll_event ev{};
        ev.events = EPOLLIN | EPOLLET;
        ::epoll_ctl(ep_, EPOLL_CTL_ADD, efd_, &ev);
    }
    void wake()
    {
        const std::uint64_t one = 1;
        if (::write(efd_, &one, sizeof one) < 0)
            bench_die("eventfd write");
    }
    void run_loop(shared_state& s)
    {
        ::epoll_event evs[64];
        while (!s.stop.load(std::memory_order_relaxed))
            if (::epoll_wait(ep_, evs, 64, -1) > 0)
                s.on_wake();
    }

private:
    int ep_, efd_;
};

class mio_impl
{
public:
    mio_impl() : waker_(poll_.registry(), boost::mio::token(7)), events_(64) {}
    void wake() { waker_.wake(); }
    void run_loop(shared_state& s)
    {
        while (!s.stop.load(std::memory_order_relaxed))
        {
            poll_.wait(events_);
            if (!events_.empty())
                s.on_wake();
        }
    }

private:
    boost::mio::poll poll_;
    boost::mio::waker waker_;
    boost::mio::events events_;
};

class asio_impl
{
public:
    asio_impl() : work_(boost::asio::make_work_guard(io_)) {}
    void wake()
    {
        boost::asio::post(io_, [this] { state_->on_wake(); });
    }
    void run_loop(shared_state& s)
    {
        state_ = &s;
        while (!s.stop.load(std::memory_order_relaxed))
            io_.run_one();
        io_.poll(); // the handlers still queued reference `s`
    }

private:
    boost::asio::io_context io_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    shared_state* state_ = nullptr;
};

class libuv_impl
{
public:
    libuv_impl()
    {
        uv_loop_init(&loop_);
        uv_async_init(&loop_, &async_, on_async);
        async_.data = this;
    }
    ~libuv_impl()
    {
        uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
        uv_run(&loop_, UV_RUN_DEFAULT);
        uv_loop_close(&loop_);
    }
    void wake() { uv_async_send(&async_); }
    void run_loop(shared_state& s)
    {
        state_ = &s;
        while (!s.stop.load(std::memory_order_relaxed))
            uv_run(&loop_, UV_RUN_ONCE);
    }

private:
    static void on_async(uv_async_t* a)
    {
        static_cast<libuv_impl*>(a->data)->state_->on_wake();
    }
    uv_loop_t loop_;
    uv_async_t async_;
    shared_state* state_ = nullptr;
};

template <class Impl>
void measure(const std::string& mode, double seconds)
{
    Impl impl;
    shared_state s;
    s.latency_mode = mode == "latency";
    if (s.latency_mode)
        s.latencies.reserve(1 << 20);
    std::thread loop([&] { impl.run_loop(s); });
    const std::int64_t start = bench_now_ns();
    const std::int64_t end = start + static_cast<std::int64_t>(seconds * 1e9);
    long calls = 0;
    if (s.latency_mode)
    {
        for (std::int64_t now = start; now < end; now = bench_now_ns())
        {
            s.sent_at.store(bench_now_ns(), std::memory_order_release);
            impl.wake();
            ++calls;
            while (s.acked.load(std::memory_order_acquire) < calls)
                std::this_thread::yield();
        }
    }
    else
    {
        std::int64_t now = start;
        while (now < end)
        {
            for (int i = 0; i < 256; ++i)
                impl.wake();
            calls += 256;
            now = bench_now_ns();
        }
    }
    const std::int64_t elapsed = bench_now_ns() - start;
    s.stop.store(true);
    impl.wake();
    loop.join();
    const double secs = static_cast<double>(elapsed) / 1e9;
    if (s.latency_mode)
    {
        auto& l = s.latencies;
        std::sort(l.begin(), l.end());
        const double p50 = l.empty() ? 0 : l[l.size() / 2] / 1000.0;
        const double p99 = l.empty() ? 0 : l[std::min(l.size() - 1, l.size() * 99 / 100)] / 1000.0;
        std::printf("wake_p50_us=%.2f wake_p99_us=%.2f round_trips_per_s=%.1f\n", p50, p99,
            static_cast<double>(calls) / secs);
    }
    else
    {
        std::printf("wakes_per_s=%.1f loop_wakeups_per_s=%.1f\n", static_cast<double>(calls) / secs,
            static_cast<double>(s.wakeups.load()) / secs);
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 4)
    {
        std::fprintf(stderr, "usage: waker_bench eventfd|mio|asio|libuv latency|rate SECONDS\n");
        return 2;
    }
    const std::string impl = argv[1], mode = argv[2];
    const double seconds = std::atof(argv[3]);
    if (impl == "eventfd") measure<eventfd_impl>(mode, seconds);
    else if (impl == "mio") measure<mio_impl>(mode, seconds);
    else if (impl == "asio") measure<asio_impl>(mode, seconds);
    else if (impl == "libuv") measure<libuv_impl>(mode, seconds);
    else { std::fprintf(stderr, "unknown implementation %s\n", impl.c_str()); return 2; }
    return 0;
}
