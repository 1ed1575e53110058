//
// tools/soak_client.cpp: many TCP connections to an echo server, every
// byte echoed checked. Used by tools/soak (10,000 connections) and
// tools/faults (a server under injected syscall faults).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
//   soak_client --port P [--conns N] [--seconds T] [--window BYTES]
//               [--seed S] [--allow-closes] [--pid SERVER_PID] [--warmup T]
//
// Raw epoll and sockets only (not Boost.Mio: the client must not share the
// code under test). Opens N connections to 127.0.0.1:P (at most 256
// connects in flight, so the accept queue never overflows), then for T
// seconds each connection streams its own pseudo-random bytes, at most
// WINDOW bytes ahead of what came back, and every byte received is checked
// against what was sent at that offset. Then it stops sending and waits
// (bounded) until every live connection got all its bytes back.
//
// A connection the server closes or resets is "closed by the server": with
// --allow-closes (a server under injected ECONNRESET/EPIPE) its unechoed
// bytes count as discarded, not lost; without, it is a failure. With --pid,
// the server's RSS and open fds are read once every connection is up and
// WARMUP seconds have passed, and again at the end of the sending phase.
//
// Prints key=value lines, then exits 0 when nothing was lost, corrupted or
// duplicated and every connection was established.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct options
{
    int port = 0;
    std::size_t conns = 100;
    double seconds = 5;
    double warmup = 2;
    std::uint64_t window = 16384;
    std::uint64_t seed = 1;
    bool allow_closes = false;
    long pid = 0;
};

options parse(int argc, char** argv)
{
    options o;
    for (int i = 1; i < argc; ++i)
    {
        const std::string k = argv[i];
        auto next = [&]() -> const char* {
            if (i + 1 >= argc)
            {
                std::fprintf(stderr, "soak_client: %s needs a value\n", k.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (k == "--port") o.port = std::atoi(next());
        else if (k == "--conns") o.conns = std::strtoull(next(), nullptr, 10);
        else if (k == "--seconds") o.seconds = std::atof(next());
        else if (k == "--warmup") o.warmup = std::atof(next());
        else if (k == "--window") o.window = std::strtoull(next(), nullptr, 10);
        else if (k == "--seed") o.seed = std::strtoull(next(), nullptr, 10);
        else if (k == "--pid") o.pid = std::atol(next());
        else if (k == "--allow-closes") o.allow_closes = true;
        else
        {
            std::fprintf(stderr, "soak_client: unknown option %s\n", k.c_str());
            std::exit(2);
        }
    }
    if (o.port <= 0 || o.conns == 0 || o.window == 0)
    {
        std::fprintf(stderr, "usage: soak_client --port P [--conns N] [--seconds T] ...\n");
        std::exit(2);
    }
    return o;
}

std::uint64_t splitmix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// Byte `i` of the stream of the connection seeded `seed`.
unsigned char stream_byte(std::uint64_t seed, std::uint64_t i)
{
    return static_cast<unsigned char>(splitmix(seed ^ (i >> 3) * 0x100000001B3ull) >> (8 * (i & 7)));
}

enum class state { connecting, open, closed_by_server, failed };

struct connection
{
    int fd = -1;
    state st = state::connecting;
    std::uint64_t seed = 0;
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    bool corrupt = false;
    bool want_out = false;
};

struct totals
{
    std::size_t established = 0, connect_failures = 0, closed_by_server = 0, peak_open = 0;
    std::uint64_t sent = 0, echoed = 0, corrupt = 0, duplicated = 0, lost = 0, discarded = 0;
};

long read_status_kb(long pid, const char* key)
{
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line))
        if (line.compare(0, std::strlen(key), key) == 0)
            return std::atol(line.c_str() + std::strlen(key));
    return -1;
}

long count_fds(long pid)
{
    long n = 0;
    const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    if (DIR* d = ::opendir(dir.c_str()))
    {
        while (const dirent* e = ::readdir(d))
            if (e->d_name[0] != '.')
                ++n;
        ::closedir(d);
    }
    return n;
}

class client
{
public:
    explicit client(const options& o) : o_(o), conns_(o.conns)
    {
        ep_ = ::epoll_create1(EPOLL_CLOEXEC);
        if (ep_ < 0)
            die("epoll_create1");
        for (std::size_t i = 0; i < conns_.size(); ++i)
            conns_[i].seed = splitmix(o.seed * 1000003 + i);
    }

    int run()
    {
        const auto start = clock_type::now();
        open_all();
        const auto up = clock_type::now();
        std::printf("connect_seconds=%.2f\n", seconds_between(start, up));
        sample_server("start", up + to_duration(o_.warmup));
        const auto send_until = clock_type::now() + to_duration(o_.seconds);
        pump(send_until, true);
        sample_server("end", clock_type::now());
        // Drain: nothing more is sent; everything in flight must come back.
        pump(clock_type::now() + std::chrono::seconds(15), false);
        return report();
    }

private:
    static double seconds_between(clock_type::time_point a, clock_type::time_point b)
    {
        return std::chrono::duration<double>(b - a).count();
    }
    static clock_type::duration to_duration(double s)
    {
        return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
    }
    [[noreturn]] static void die(const char* what)
    {
        std::fprintf(stderr, "soak_client: %s: %s\n", what, std::strerror(errno));
        std::exit(2);
    }

    void open_all()
    {
        ::sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<std::uint16_t>(o_.port));
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        std::size_t next = 0, connecting = 0;
        const auto deadline = clock_type::now() + std::chrono::seconds(60);
        while ((next < conns_.size() || connecting > 0) && clock_type::now() < deadline)
        {
            while (next < conns_.size() && connecting < 256)
            {
                connection& c = conns_[next];
                c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                if (c.fd < 0)
                    die("socket (raise ulimit -n)");
                const int one = 1;
                ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                if (::connect(c.fd, reinterpret_cast<const ::sockaddr*>(&to), sizeof to) != 0
                    && errno != EINPROGRESS)
                    fail_connect(c);
                else
                {
                    watch(c, next, EPOLL_CTL_ADD, EPOLLOUT);
                    ++connecting;
                }
                ++next;
            }
            connecting -= poll_once(50, true);
        }
        for (auto& c : conns_)
            if (c.st == state::connecting)
                fail_connect(c);
    }

    void fail_connect(connection& c)
    {
        c.st = state::failed;
        ++t_.connect_failures;
        if (c.fd >= 0)
            ::close(c.fd);
        c.fd = -1;
    }

    void watch(connection& c, std::size_t i, int op, std::uint32_t events)
    {
        ::epoll_event e{};
        e.events = events;
        e.data.u64 = i;
        if (::epoll_ctl(ep_, op, c.fd, &e) != 0)
            die("epoll_ctl");
        c.want_out = (events & EPOLLOUT) != 0;
    }

    // One epoll_wait; returns how many connects completed (or failed).
    std::size_t poll_once(int timeout_ms, bool sending)
    {
        ::epoll_event evs[512];
        const int n = ::epoll_wait(ep_, evs, 512, timeout_ms);
        if (n < 0 && errno != EINTR)
            die("epoll_wait");
        std::size_t completed = 0;
        for (int k = 0; k < n; ++k)
        {
            const std::size_t i = evs[k].data.u64;
            connection& c = conns_[i];
            if (c.st == state::connecting)
            {
                ++completed;
                int err = 0;
                ::socklen_t len = sizeof err;
                ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err != 0)
                {
                    fail_connect(c);
                    continue;
                }
                c.st = state::open;
                ++t_.established;
                ++open_;
                t_.peak_open = std::max(t_.peak_open, open_);
            }
            if (c.st != state::open)
                continue;
            if (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                receive(c);
            if (c.st == state::open)
                send(c, i, sending);
        }
        return completed;
    }

    void pump(clock_type::time_point until, bool sending)
    {
        for (std::size_t i = 0; i < conns_.size(); ++i)
            if (conns_[i].st == state::open)
                send(conns_[i], i, sending);
        while (clock_type::now() < until)
        {
            poll_once(20, sending);
            if (!sending && all_echoed())
                return;
        }
    }

    bool all_echoed() const
    {
        for (const auto& c : conns_)
            if (c.st == state::open && c.received < c.sent && !c.corrupt)
                return false;
        return true;
    }

    void send(connection& c, std::size_t i, bool sending)
    {
        unsigned char buf[8192];
        while (sending && c.sent - c.received < o_.window)
        {
            const std::uint64_t room = o_.window - (c.sent - c.received);
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(
                {room, sizeof buf, 1 + splitmix(c.sent ^ c.seed) % sizeof buf}));
            for (std::size_t j = 0; j < n; ++j)
                buf[j] = stream_byte(c.seed, c.sent + j);
            const ssize_t w = ::send(c.fd, buf, n, MSG_NOSIGNAL);
            if (w < 0 && errno == EAGAIN)
                break;
            if (w < 0)
                return closed_by_server(c);
            c.sent += static_cast<std::uint64_t>(w);
            t_.sent += static_cast<std::uint64_t>(w);
        }
        const bool blocked = sending && c.sent - c.received < o_.window;
        if (blocked != c.want_out)
            watch(c, i, EPOLL_CTL_MOD, EPOLLIN | (blocked ? EPOLLOUT : 0u));
    }

    void receive(connection& c)
    {
        unsigned char buf[65536];
        for (;;)
        {
            const ssize_t r = ::recv(c.fd, buf, sizeof buf, 0);
            if (r < 0 && errno == EAGAIN)
                return;
            if (r <= 0)
                return closed_by_server(c);
            for (ssize_t j = 0; j < r; ++j)
            {
                const std::uint64_t at = c.received + static_cast<std::uint64_t>(j);
                if (at >= c.sent)
                    ++t_.duplicated; // more came back than was sent
                else if (buf[j] != stream_byte(c.seed, at))
                {
                    ++t_.corrupt;
                    c.corrupt = true;
                }
            }
            c.received += static_cast<std::uint64_t>(r);
            t_.echoed += static_cast<std::uint64_t>(r);
            if (static_cast<std::size_t>(r) < sizeof buf)
                return; // level-triggered: the next wait reports the rest
        }
    }

    void closed_by_server(connection& c)
    {
        c.st = state::closed_by_server;
        ++t_.closed_by_server;
        --open_;
        if (c.sent > c.received)
            t_.discarded += c.sent - c.received;
        ::close(c.fd);
        c.fd = -1;
    }

    void sample_server(const char* when, clock_type::time_point at)
    {
        if (o_.pid == 0)
            return;
        pump(at, true); // keep the traffic going until then
        std::printf("server_rss_kb_%s=%ld\nserver_fds_%s=%ld\n", when,
            read_status_kb(o_.pid, "VmRSS:"), when, count_fds(o_.pid));
    }

    int report()
    {
        for (auto& c : conns_)
        {
            if (c.st == state::open && c.sent > c.received)
                t_.lost += c.sent - c.received;
            if (c.fd >= 0)
                ::close(c.fd);
        }
        std::printf("connections=%zu\nestablished=%zu\npeak_open=%zu\nconnect_failures=%zu\n"
                    "closed_by_server=%zu\n",
            conns_.size(), t_.established, t_.peak_open, t_.connect_failures, t_.closed_by_server);
        std::printf("bytes_sent=%llu\nbytes_echoed=%llu\nbytes_lost=%llu\nbytes_discarded_by_closes=%llu\n"
                    "bytes_corrupt=%llu\nbytes_duplicated=%llu\n",
            ull(t_.sent), ull(t_.echoed), ull(t_.lost), ull(t_.discarded), ull(t_.corrupt),
            ull(t_.duplicated));
        const bool ok = t_.connect_failures == 0 && t_.lost == 0 && t_.corrupt == 0
            && t_.duplicated == 0 && (o_.allow_closes || t_.closed_by_server == 0);
        std::printf("result=%s\n", ok ? "ok" : "FAILED");
        return ok ? 0 : 1;
    }

    static unsigned long long ull(std::uint64_t v) { return static_cast<unsigned long long>(v); }

    options o_;
    std::vector<connection> conns_;
    totals t_;
    std::size_t open_ = 0;
    int ep_ = -1;
};

} // namespace

int main(int argc, char** argv)
{
    const options o = parse(argc, argv);
    // One fd per connection, and then some.
    ::rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < o.conns + 64)
    {
        lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, o.conns + 64);
        ::setrlimit(RLIMIT_NOFILE, &lim);
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    return client(o).run();
}
