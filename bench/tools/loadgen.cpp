//
// bench/tools/loadgen.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The one load generator every echo server is measured with: raw epoll,
// one thread, N connections each with exactly one message in flight
// (ping-pong). Every echoed byte is compared with what was sent; a
// mismatch ends the run with status 3. Per round trip it records the
// latency (send of the first byte to receipt of the last), and it reads
// the server's CPU time from /proc (schedstat, nanoseconds, all threads;
// utime+stime from /proc/PID/stat when schedstat is missing) at the start
// and end of the measured window, and its own CPU time over the same
// window (client_cpu_ns_per_rt: when it is ~1 / throughput the load
// generator is saturated too), and how often the server blocked
// (server_sleeps_per_rt: voluntary context switches per round trip).
//
//   loadgen --port P --conns C --size S --seconds T [--warmup W] [--pid PID]
//           [--think-ns N]
//   loadgen --cpu-of PID     prints "cpu_ns=N sleeps=S" for that process now
//                            (bench/run reads a server's CPU time so around
//                            other load generators, e.g. wrk)
//
// --think-ns makes the client busy for N ns before it sends each message
// (a client with work of its own). It makes the load generator the slower
// side on purpose, as this VM's slow phases do, so that the servers are
// measured in the regime where they wait for work (bench_common.h,
// BENCH_IDLE_POLLS). The latency is measured from after the think time.
//
// prints one line of key=value pairs (see the end of main).

#include "bench_common.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <string>
#include <sys/epoll.h>
#include <vector>

namespace {

struct options
{
    int port = 0;
    int conns = 1;
    std::size_t size = 64;
    double seconds = 1.0;
    double warmup = 0.2;
    long pid = 0;
    std::int64_t think_ns = 0;
    long cpu_of = 0;
};

options parse(int argc, char** argv)
{
    options o;
    for (int i = 1; i + 1 < argc; i += 2)
    {
        const std::string k = argv[i];
        const char* v = argv[i + 1];
        if (k == "--port") o.port = std::atoi(v);
        else if (k == "--conns") o.conns = std::atoi(v);
        else if (k == "--size") o.size = static_cast<std::size_t>(std::atol(v));
        else if (k == "--seconds") o.seconds = std::atof(v);
        else if (k == "--warmup") o.warmup = std::atof(v);
        else if (k == "--pid") o.pid = std::atol(v);
        else if (k == "--think-ns") o.think_ns = std::atoll(v);
        else if (k == "--cpu-of") o.cpu_of = std::atol(v);
        else { std::fprintf(stderr, "unknown option %s\n", k.c_str()); std::exit(2); }
    }
    return o;
}

// Calls f(FILE*) for /proc/PID/task/*/NAME of every thread of `pid`;
// false if the threads cannot be listed.
template <class F>
bool for_each_task_file(long pid, const char* name, F f)
{
    if (pid <= 0)
        return false;
    const std::string dir = "/proc/" + std::to_string(pid) + "/task";
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr)
        return false;
    while (dirent* e = ::readdir(d))
    {
        if (e->d_name[0] == '.')
            continue;
        const std::string p = dir + "/" + e->d_name + "/" + name;
        if (FILE* file = std::fopen(p.c_str(), "r"))
        {
            f(file);
            std::fclose(file);
        }
    }
    ::closedir(d);
    return true;
}

// CPU time of every thread of `pid`, in nanoseconds; -1 if unknown.
std::int64_t task_cpu_ns(long pid)
{
    std::int64_t total = 0;
    bool any = false;
    for_each_task_file(pid, "schedstat", [&](FILE* f) {
        long long ns = 0;
        if (std::fscanf(f, "%lld", &ns) == 1)
        {
            total += ns;
            any = true;
        }
    });
    if (any)
        return total;
    // No schedstat: utime + stime (fields 14 and 15) in clock ticks.
    const std::string stat = "/proc/" + std::to_string(pid) + "/stat";
    FILE* f = std::fopen(stat.c_str(), "r");
    if (f == nullptr)
        return -1;
    char buf[1024] = {};
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    const char* p = std::strrchr(buf, ')'); // the command name may hold spaces
    unsigned long long ut = 0, st = 0;
    if (p == nullptr || std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return static_cast<std::int64_t>((ut + st) * (1000000000ull / static_cast<unsigned long long>(::sysconf(_SC_CLK_TCK))));
}

// How many times the threads of `pid` blocked (voluntary context
// switches: a wait that found nothing ready and slept); -1 if unknown.
std::int64_t task_sleeps(long pid)
{
    std::int64_t total = 0;
    const bool listed = for_each_task_file(pid, "status", [&](FILE* f) {
        char line[256];
        long long v = 0;
        while (std::fgets(line, sizeof line, f))
            if (std::sscanf(line, "voluntary_ctxt_switches: %lld", &v) == 1)
                total += v;
    });
    return listed ? total : -1;
}

struct connection
{
    int fd = -1;
    std::uint64_t seq = 0;
    std::size_t offset = 0; // of this message's pattern in the table
    std::size_t sent = 0;
    std::size_t received = 0;
    std::int64_t started = 0;
    bool want_out = false;
};

class generator
{
public:
    explicit generator(const options& o) : o_(o), conns_(static_cast<std::size_t>(o.conns))
    {
        // Pseudo-random bytes; each message starts at a different offset,
        // so a byte from the wrong message or connection does not match.
        pattern_.resize(o.size + pattern_span);
        std::uint64_t x = 0x9e3779b97f4a7c15ull;
        for (auto& b : pattern_)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b = static_cast<unsigned char>(x);
        }
        rx_.resize(o.size);
        ep_ = ::epoll_create1(EPOLL_CLOEXEC);
    }

    void connect_all()
    {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(o_.port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        for (std::size_t i = 0; i < conns_.size(); ++i)
        {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0)
                bench_die("socket");
            if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
                bench_die("connect");
            bench_nodelay(fd);
            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
            conns_[i].fd = fd;
            ::epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u64 = i;
            ::epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
        }
    }

    int run()
    {
        latencies_.reserve(1 << 22);
        const std::int64_t begin = bench_now_ns();
        for (std::size_t i = 0; i < conns_.size(); ++i)
            start_message(i, begin);
        const std::int64_t warm_end = begin + static_cast<std::int64_t>(o_.warmup * 1e9);
        std::int64_t end = 0; // set when the measured window starts
        std::vector<::epoll_event> evs(1024);
        bool measuring = false;
        std::uint64_t rt0 = 0;
        std::int64_t cpu0 = 0, t0 = 0, self0 = 0, sleeps0 = 0;
        // The clock is read after every event, not once per batch: with
        // 1000 connections one batch can take longer than a short window.
        auto tick = [&] {
            const std::int64_t now = bench_now_ns();
            // Steady state: the warm-up time is over and every connection
            // has had its first echo (a server may take a while to accept
            // and serve 1000 new connections).
            if (!measuring && now >= warm_end && live_ == conns_.size())
            {
                end = now + static_cast<std::int64_t>(o_.seconds * 1e9);
                measuring = true;
                measuring_ = true;
                rt0 = round_trips_;
                cpu0 = task_cpu_ns(o_.pid);
                sleeps0 = task_sleeps(o_.pid);
                self0 = self_cpu_ns();
                t0 = bench_now_ns();
            }
            if (!measuring && now - begin > std::int64_t(30) * 1000000000)
            {
                std::fprintf(stderr, "loadgen: only %zu of %zu connections echoed within 30 s\n", live_, conns_.size());
                std::exit(3);
            }
            return measuring && now >= end;
        };
        for (bool done = false; !done;)
        {
            const int n = ::epoll_wait(ep_, evs.data(), static_cast<int>(evs.size()), 100);
            if (n < 0 && errno != EINTR)
                bench_die("epoll_wait");
            done = tick();
            for (int i = 0; i < n && !done; ++i)
            {
                on_event(evs[static_cast<std::size_t>(i)]);
                done = tick();
            }
        }
        const std::int64_t t1 = bench_now_ns();
        const std::int64_t cpu1 = task_cpu_ns(o_.pid);
        const std::int64_t sleeps1 = task_sleeps(o_.pid);
        report(round_trips_ - rt0, t1 - t0, cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1, self_cpu_ns() - self0,
            sleeps0 >= 0 && sleeps1 >= 0 ? sleeps1 - sleeps0 : -1);
        for (auto& c : conns_)
            ::close(c.fd);
        return 0;
    }

private:
    static constexpr std::size_t pattern_span = 65536;

    void start_message(std::size_t i, std::int64_t now)
    {
        if (o_.think_ns > 0)
            now = think(now);
        connection& c = conns_[i];
        ++c.seq;
        c.offset = static_cast<std::size_t>((c.seq * 2654435761u + i * 40503u) % pattern_span);
        c.sent = 0;
        c.received = 0;
        c.started = now;
        send_more(i);
    }

    // Busy (not asleep: the point is a slower client, not an idle one)
    // until think_ns after `now`; returns the time then.
    std::int64_t think(std::int64_t now) const
    {
        std::int64_t t = now;
        while (t - now < o_.think_ns)
            t = bench_now_ns();
        return t;
    }

    void send_more(std::size_t i)
    {
        connection& c = conns_[i];
        while (c.sent < o_.size)
        {
            const ssize_t n = ::write(c.fd, pattern_.data() + c.offset + c.sent, o_.size - c.sent);
            if (n < 0)
            {
                if (errno == EINTR)
                    continue;
                if (errno != EAGAIN)
                    bench_die("write");
                set_out(i, true);
                return;
            }
            c.sent += static_cast<std::size_t>(n);
        }
        if (c.want_out)
            set_out(i, false);
    }

    void set_out(std::size_t i, bool on)
    {
        connection& c = conns_[i];
        c.want_out = on;
        ::epoll_event ev{};
        ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
        ev.data.u64 = i;
        ::epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    }

    void on_event(const ::epoll_event& ev)
    {
        const std::size_t i = ev.data.u64;
        connection& c = conns_[i];
        if ((ev.events & EPOLLOUT) && c.sent < o_.size)
            send_more(i);
        if (!(ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
            return;
        // Level-triggered: one read per event is enough, the rest is
        // reported again by the next epoll_wait.
        const ssize_t n = ::read(c.fd, rx_.data(), o_.size - c.received);
        if (n < 0)
        {
            if (errno == EAGAIN || errno == EINTR)
                return;
            bench_die("read");
        }
        if (n == 0 || c.received + static_cast<std::size_t>(n) > c.sent)
            fail(i, n == 0 ? "server closed the connection" : "more bytes echoed than sent");
        if (std::memcmp(rx_.data(), pattern_.data() + c.offset + c.received, static_cast<std::size_t>(n)) != 0)
            fail(i, "echoed bytes differ from the bytes sent");
        c.received += static_cast<std::size_t>(n);
        if (c.received < o_.size)
            return;
        const std::int64_t now = bench_now_ns();
        ++round_trips_;
        if (c.seq == 1)
            ++live_;
        if (measuring_ && latencies_.size() < latencies_.capacity())
            latencies_.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>(now - c.started, UINT32_MAX)));
        start_message(i, now);
    }

    [[noreturn]] void fail(std::size_t i, const char* why)
    {
        std::fprintf(stderr, "loadgen: connection %zu message %" PRIu64 ": %s\n", i, conns_[i].seq, why);
        std::exit(3);
    }

    double percentile_us(double p)
    {
        if (latencies_.empty())
            return 0;
        const std::size_t k = std::min(latencies_.size() - 1,
            static_cast<std::size_t>(p * static_cast<double>(latencies_.size())));
        std::nth_element(latencies_.begin(), latencies_.begin() + static_cast<std::ptrdiff_t>(k), latencies_.end());
        return latencies_[k] / 1000.0;
    }

    // This process's CPU time: the load generator's own cost per round
    // trip shows when it, not the server, limits the throughput.
    static std::int64_t self_cpu_ns()
    {
        ::timespec ts{};
        ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    }

    void report(std::uint64_t rts, std::int64_t ns, std::int64_t cpu, std::int64_t self, std::int64_t sleeps)
    {
        const double secs = static_cast<double>(ns) / 1e9;
        const double rate = static_cast<double>(rts) / secs;
        const double p50 = percentile_us(0.50);
        const double p99 = percentile_us(0.99);
        std::printf("rt_per_s=%.1f mib_per_s=%.3f p50_us=%.2f p99_us=%.2f server_cpu_ns_per_rt=%.1f "
                    "client_cpu_ns_per_rt=%.1f server_sleeps_per_rt=%.4f round_trips=%" PRIu64 " errors=0\n",
            rate, rate * 2.0 * static_cast<double>(o_.size) / (1024.0 * 1024.0), p50, p99,
            cpu >= 0 && rts > 0 ? static_cast<double>(cpu) / static_cast<double>(rts) : -1.0,
            rts > 0 ? static_cast<double>(self) / static_cast<double>(rts) : -1.0,
            sleeps >= 0 && rts > 0 ? static_cast<double>(sleeps) / static_cast<double>(rts) : -1.0, rts);
    }

    options o_;
    std::vector<connection> conns_;
    std::vector<unsigned char> pattern_;
    std::vector<unsigned char> rx_;
    std::vector<std::uint32_t> latencies_;
    std::uint64_t round_trips_ = 0;
    bool measuring_ = false;
    std::size_t live_ = 0; // connections that had an echo
    int ep_ = -1;
};

} // namespace

int main(int argc, char** argv)
{
    bench_ignore_sigpipe();
    bench_raise_fd_limit();
    const options o = parse(argc, argv);
    if (o.cpu_of != 0)
    {
        const std::int64_t cpu = task_cpu_ns(o.cpu_of);
        std::printf("cpu_ns=%" PRId64 " sleeps=%" PRId64 "\n", cpu, task_sleeps(o.cpu_of));
        return cpu < 0 ? 1 : 0;
    }
    generator g(o);
    g.connect_all();
    return g.run();
}
