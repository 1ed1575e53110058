//
// test/faults/shim.cpp: an LD_PRELOAD library that makes the syscalls
// under a server fail, at random points chosen by a seeded generator.
// Test-only: built by tools/faults, never linked into Boost.Mio (nor globbed
// into the test programs: the test build takes test/*.cpp only).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Environment:
//   FAULTS_RATE=0.05       probability that an eligible call fails
//   FAULTS_SEED=1          the generator's seed (same calls, same faults)
//   FAULTS_KINDS=all       or a comma list of: eintr,eagain,enomem,enobufs,
//                          emfile,enfile,econnreset,epipe,short
//   FAULTS_MAX=N           stop after N faults
//   FAULTS_SECONDS=T       stop T seconds after the process started
//   FAULTS_REPORT=path     where the counts per kind go at exit
//
// Which call gets what (each is an error the kernel can return there):
//   read, readv, recv, recvfrom, recvmsg:  EINTR, EAGAIN, ENOMEM,
//       ECONNRESET, a short read
//   write, writev, send, sendto, sendmsg:  EINTR, EAGAIN, ENOBUFS, EPIPE,
//       ECONNRESET, a short write
//   accept, accept4:  EINTR, EAGAIN, EMFILE, ENFILE, ENOMEM, ENOBUFS
//       (the connection stays queued, as with the real errors)
//   epoll_wait, epoll_pwait, epoll_pwait2:  EINTR
// Only sockets that were registered with an epoll instance are touched
// (never stdout, a pipe or an eventfd). The shim watches epoll_ctl for
// that, and because an edge-triggered program is entitled to trust the
// kernel's would_block, a fault that makes the caller stop early (EAGAIN,
// a short read, a failed accept) is followed by a re-arm of the fd
// (EPOLL_CTL_MOD with its registered events): a spurious wake-up, which
// edge-triggered code must tolerate, instead of a lost one the kernel
// would never cause. ECONNRESET, EPIPE, ENOMEM and ENOBUFS on a connection
// usually make the server close it: the "killing" faults.

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <string>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <type_traits>
#include <unistd.h>

namespace {

enum kind { eintr, eagain, enomem, enobufs, emfile, enfile, econnreset, epipe, short_io, kind_count };
const char* const kind_names[kind_count] = {
    "eintr", "eagain", "enomem", "enobufs", "emfile", "enfile", "econnreset", "epipe", "short"};
const int kind_errno[kind_count] = {EINTR, EAGAIN, ENOMEM, ENOBUFS, EMFILE, ENFILE, ECONNRESET, EPIPE, 0};

// What each family of calls may get.
constexpr unsigned bit(kind k) { return 1u << k; }
constexpr unsigned read_kinds = bit(eintr) | bit(eagain) | bit(enomem) | bit(econnreset) | bit(short_io);
constexpr unsigned write_kinds = bit(eintr) | bit(eagain) | bit(enobufs) | bit(epipe) | bit(econnreset) | bit(short_io);
constexpr unsigned accept_kinds = bit(eintr) | bit(eagain) | bit(emfile) | bit(enfile) | bit(enomem) | bit(enobufs);
constexpr unsigned wait_kinds = bit(eintr);

struct registration
{
    int epfd = -1;
    ::epoll_event ev{};
    bool socket = false;
};

constexpr int max_fd = 1 << 16;

struct config
{
    double rate = 0.05;
    std::uint64_t seed = 1;
    unsigned kinds = ~0u;
    std::uint64_t max = ~0ull;
    double seconds = 1e18;
    std::string report;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

config* cfg = nullptr;
std::mutex mu; // the generator and the table: servers here are single-threaded anyway
std::uint64_t state = 0;
registration table[max_fd];
std::atomic<std::uint64_t> counts[kind_count];
std::atomic<std::uint64_t> total{0};
std::atomic<bool> stopped{false};

template <class F>
F real(const char* name)
{
    return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

unsigned parse_kinds(const char* s)
{
    if (s == nullptr || std::strcmp(s, "all") == 0)
        return ~0u;
    unsigned k = 0;
    std::string list = s;
    for (int i = 0; i < kind_count; ++i)
        if (("," + list + ",").find("," + std::string(kind_names[i]) + ",") != std::string::npos)
            k |= 1u << i;
    return k;
}

void write_report()
{
    if (cfg == nullptr || cfg->report.empty())
        return;
    if (FILE* f = std::fopen(cfg->report.c_str(), "w"))
    {
        for (int i = 0; i < kind_count; ++i)
            std::fprintf(f, "faults_%s=%llu\n", kind_names[i],
                static_cast<unsigned long long>(counts[i].load()));
        std::fprintf(f, "faults_total=%llu\n", static_cast<unsigned long long>(total.load()));
        std::fclose(f);
    }
}

__attribute__((constructor)) void init()
{
    cfg = new config;
    if (const char* r = std::getenv("FAULTS_RATE"))
        cfg->rate = std::atof(r);
    if (const char* s = std::getenv("FAULTS_SEED"))
        cfg->seed = std::strtoull(s, nullptr, 10);
    cfg->kinds = parse_kinds(std::getenv("FAULTS_KINDS"));
    if (const char* m = std::getenv("FAULTS_MAX"))
        cfg->max = std::strtoull(m, nullptr, 10);
    if (const char* t = std::getenv("FAULTS_SECONDS"))
        cfg->seconds = std::atof(t);
    if (const char* p = std::getenv("FAULTS_REPORT"))
        cfg->report = p;
    state = cfg->seed * 0x9E3779B97F4A7C15ull + 1;
    std::atexit(write_report);
}

std::uint64_t next_random()
{
    // xorshift64*
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
}

bool injecting()
{
    if (stopped.load(std::memory_order_relaxed) || cfg == nullptr)
        return false;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - cfg->start).count();
    if (total.load() >= cfg->max || elapsed >= cfg->seconds)
    {
        stopped = true;
        write_report(); // the counts are final now, whatever happens later
        return false;
    }
    return true;
}

// The fault for this call on `fd`, or kind_count for none.
kind choose(int fd, unsigned allowed)
{
    if (!injecting())
        return kind_count;
    std::lock_guard<std::mutex> lock(mu);
    if (fd >= 0 && (fd >= max_fd || !table[fd].socket))
        return kind_count;
    const unsigned usable = allowed & cfg->kinds;
    if (usable == 0)
        return kind_count;
    const double u = static_cast<double>(next_random() >> 11) / static_cast<double>(1ull << 53);
    if (u >= cfg->rate)
        return kind_count;
    int n = 0;
    kind options[kind_count];
    for (int i = 0; i < kind_count; ++i)
        if (usable & (1u << i))
            options[n++] = static_cast<kind>(i);
    return options[next_random() % static_cast<std::uint64_t>(n)];
}

void count(kind k)
{
    counts[k].fetch_add(1);
    total.fetch_add(1);
}

using epoll_ctl_fn = int (*)(int, int, int, ::epoll_event*);

// A spurious wake-up for `fd`: what makes an injected early stop harmless
// to code that waits for the next edge.
void rearm(int fd)
{
    if (fd < 0 || fd >= max_fd)
        return;
    registration r;
    {
        std::lock_guard<std::mutex> lock(mu);
        r = table[fd];
    }
    if (r.epfd >= 0)
    {
        static const auto ctl = real<epoll_ctl_fn>("epoll_ctl");
        ctl(r.epfd, EPOLL_CTL_MOD, fd, &r.ev);
    }
}

// Fails the call with kind `k`'s errno (re-arming when the caller may
// then wait for an edge that will not come).
ssize_t fail(int fd, kind k)
{
    count(k);
    if (k == eagain || k == eintr || k == emfile || k == enfile || k == enomem || k == enobufs)
        rearm(fd);
    errno = kind_errno[k];
    return -1;
}

// A shorter count for a short read or write: 1 .. n-1 bytes.
std::size_t shorter(std::size_t n)
{
    std::lock_guard<std::mutex> lock(mu);
    return 1 + next_random() % (n - 1);
}

// An iovec list cut to `limit` bytes; returns the new count.
int cut(const ::iovec* in, int count_in, ::iovec* out, std::size_t limit)
{
    int n = 0;
    for (int i = 0; i < count_in && limit > 0 && n < 64; ++i)
    {
        out[n] = in[i];
        if (out[n].iov_len > limit)
            out[n].iov_len = limit;
        limit -= out[n].iov_len;
        ++n;
    }
    return n;
}

std::size_t iov_total(const ::iovec* iov, int n)
{
    std::size_t t = 0;
    for (int i = 0; i < n; ++i)
        t += iov[i].iov_len;
    return t;
}

// Calls `call(iov, count)` with the list cut to fewer bytes: a short read
// or write of a vectored call.
template <class Call>
ssize_t call_cut(const ::iovec* iov, std::size_t n, std::size_t len, Call call)
{
    count(short_io);
    ::iovec part[64];
    return call(part, cut(iov, static_cast<int>(n), part, shorter(len)));
}

// The same for a msghdr: a copy carries the cut list; what the kernel
// reports back (flags, the sender's address length) is copied back.
template <class Msg, class Call>
ssize_t call_cut(Msg* msg, std::size_t len, Call call)
{
    return call_cut(msg->msg_iov, msg->msg_iovlen, len, [&](const ::iovec* part, int parts) {
        ::msghdr m = *msg;
        m.msg_iov = const_cast<::iovec*>(part);
        m.msg_iovlen = static_cast<std::size_t>(parts);
        const ssize_t r = call(&m);
        if constexpr (!std::is_const_v<Msg>)
        {
            msg->msg_flags = m.msg_flags;
            msg->msg_namelen = m.msg_namelen;
        }
        return r;
    });
}

} // namespace

extern "C" {

int epoll_ctl(int epfd, int op, int fd, ::epoll_event* ev)
{
    static const auto f = real<epoll_ctl_fn>("epoll_ctl");
    const int rc = f(epfd, op, fd, ev);
    if (rc == 0 && fd >= 0 && fd < max_fd)
    {
        bool is_socket = false;
        if (op == EPOLL_CTL_ADD)
        {
            struct stat st;
            is_socket = ::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
        }
        std::lock_guard<std::mutex> lock(mu);
        registration& r = table[fd];
        if (op == EPOLL_CTL_DEL)
        {
            if (r.epfd == epfd)
                r = registration();
        }
        else
        {
            if (op == EPOLL_CTL_ADD)
                r.socket = is_socket;
            r.epfd = epfd;
            r.ev = *ev;
        }
    }
    return rc;
}

int close(int fd)
{
    static const auto f = real<int (*)(int)>("close");
    if (fd >= 0 && fd < max_fd)
    {
        std::lock_guard<std::mutex> lock(mu);
        table[fd] = registration();
    }
    return f(fd);
}

// Only a stream may be read or written short: a datagram would be cut.
bool is_stream(int fd)
{
    int type = 0;
    ::socklen_t len = sizeof type;
    return ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM;
}

// The read family. A short read asks the kernel for fewer bytes.
#define SHIM_READ_FAULT(fd, len)                                                                   \
    const kind k = choose(fd, read_kinds);                                                         \
    if (k != kind_count && k != short_io)                                                          \
        return fail(fd, k);                                                                        \
    const bool cut_short = k == short_io && (len) > 1 && is_stream(fd)

ssize_t read(int fd, void* buf, std::size_t n)
{
    static const auto f = real<ssize_t (*)(int, void*, std::size_t)>("read");
    SHIM_READ_FAULT(fd, n);
    if (!cut_short)
        return f(fd, buf, n);
    count(short_io);
    const ssize_t r = f(fd, buf, shorter(n));
    rearm(fd);
    return r;
}

ssize_t recv(int fd, void* buf, std::size_t n, int flags)
{
    static const auto f = real<ssize_t (*)(int, void*, std::size_t, int)>("recv");
    SHIM_READ_FAULT(fd, n);
    if (!cut_short)
        return f(fd, buf, n, flags);
    count(short_io);
    const ssize_t r = f(fd, buf, shorter(n), flags);
    rearm(fd);
    return r;
}

ssize_t recvfrom(int fd, void* buf, std::size_t n, int flags, ::sockaddr* from, ::socklen_t* len)
{
    static const auto f = real<ssize_t (*)(int, void*, std::size_t, int, ::sockaddr*, ::socklen_t*)>("recvfrom");
    SHIM_READ_FAULT(fd, n);
    if (!cut_short)
        return f(fd, buf, n, flags, from, len);
    count(short_io);
    const ssize_t r = f(fd, buf, shorter(n), flags, from, len);
    rearm(fd);
    return r;
}

ssize_t readv(int fd, const ::iovec* iov, int n)
{
    static const auto f = real<ssize_t (*)(int, const ::iovec*, int)>("readv");
    const std::size_t len = iov_total(iov, n);
    SHIM_READ_FAULT(fd, len);
    if (!cut_short)
        return f(fd, iov, n);
    const ssize_t r = call_cut(iov, static_cast<std::size_t>(n), len,
        [&](const ::iovec* part, int parts) { return f(fd, part, parts); });
    rearm(fd);
    return r;
}

ssize_t recvmsg(int fd, ::msghdr* msg, int flags)
{
    static const auto f = real<ssize_t (*)(int, ::msghdr*, int)>("recvmsg");
    const std::size_t len = iov_total(msg->msg_iov, static_cast<int>(msg->msg_iovlen));
    SHIM_READ_FAULT(fd, len);
    if (!cut_short)
        return f(fd, msg, flags);
    const ssize_t r = call_cut(msg, len, [&](::msghdr* m) { return f(fd, m, flags); });
    rearm(fd);
    return r;
}

// The write family. A short write offers the kernel fewer bytes.
#define SHIM_WRITE_FAULT(fd, len)                                                                  \
    const kind k = choose(fd, write_kinds);                                                        \
    if (k != kind_count && k != short_io)                                                          \
        return fail(fd, k);                                                                        \
    const bool cut_short = k == short_io && (len) > 1 && is_stream(fd)

ssize_t write(int fd, const void* buf, std::size_t n)
{
    static const auto f = real<ssize_t (*)(int, const void*, std::size_t)>("write");
    SHIM_WRITE_FAULT(fd, n);
    if (!cut_short)
        return f(fd, buf, n);
    count(short_io);
    return f(fd, buf, shorter(n));
}

ssize_t send(int fd, const void* buf, std::size_t n, int flags)
{
    static const auto f = real<ssize_t (*)(int, const void*, std::size_t, int)>("send");
    SHIM_WRITE_FAULT(fd, n);
    if (!cut_short)
        return f(fd, buf, n, flags);
    count(short_io);
    return f(fd, buf, shorter(n), flags);
}

ssize_t sendto(int fd, const void* buf, std::size_t n, int flags, const ::sockaddr* to, ::socklen_t len)
{
    static const auto f = real<ssize_t (*)(int, const void*, std::size_t, int, const ::sockaddr*, ::socklen_t)>("sendto");
    SHIM_WRITE_FAULT(fd, n);
    if (!cut_short)
        return f(fd, buf, n, flags, to, len);
    count(short_io);
    return f(fd, buf, shorter(n), flags, to, len);
}

ssize_t writev(int fd, const ::iovec* iov, int n)
{
    static const auto f = real<ssize_t (*)(int, const ::iovec*, int)>("writev");
    const std::size_t len = iov_total(iov, n);
    SHIM_WRITE_FAULT(fd, len);
    if (!cut_short)
        return f(fd, iov, n);
    return call_cut(iov, static_cast<std::size_t>(n), len,
        [&](const ::iovec* part, int parts) { return f(fd, part, parts); });
}

ssize_t sendmsg(int fd, const ::msghdr* msg, int flags)
{
    static const auto f = real<ssize_t (*)(int, const ::msghdr*, int)>("sendmsg");
    const std::size_t len = iov_total(msg->msg_iov, static_cast<int>(msg->msg_iovlen));
    SHIM_WRITE_FAULT(fd, len);
    if (!cut_short)
        return f(fd, msg, flags);
    return call_cut(msg, len, [&](::msghdr* m) { return f(fd, m, flags); });
}

int accept4(int fd, ::sockaddr* addr, ::socklen_t* len, int flags)
{
    static const auto f = real<int (*)(int, ::sockaddr*, ::socklen_t*, int)>("accept4");
    const kind k = choose(fd, accept_kinds);
    if (k != kind_count)
        return static_cast<int>(fail(fd, k));
    return f(fd, addr, len, flags);
}

int accept(int fd, ::sockaddr* addr, ::socklen_t* len)
{
    static const auto f = real<int (*)(int, ::sockaddr*, ::socklen_t*)>("accept");
    const kind k = choose(fd, accept_kinds);
    if (k != kind_count)
        return static_cast<int>(fail(fd, k));
    return f(fd, addr, len);
}

// epoll waits: EINTR only (a signal), on any epoll fd (-1: no table check).
int epoll_wait(int epfd, ::epoll_event* evs, int max, int timeout)
{
    static const auto f = real<int (*)(int, ::epoll_event*, int, int)>("epoll_wait");
    if (choose(-1, wait_kinds) == eintr)
        return static_cast<int>(fail(-1, eintr));
    return f(epfd, evs, max, timeout);
}

int epoll_pwait(int epfd, ::epoll_event* evs, int max, int timeout, const ::sigset_t* mask)
{
    static const auto f = real<int (*)(int, ::epoll_event*, int, int, const ::sigset_t*)>("epoll_pwait");
    if (choose(-1, wait_kinds) == eintr)
        return static_cast<int>(fail(-1, eintr));
    return f(epfd, evs, max, timeout, mask);
}

int epoll_pwait2(int epfd, ::epoll_event* evs, int max, const ::timespec* timeout, const ::sigset_t* mask)
{
    static const auto f = real<int (*)(int, ::epoll_event*, int, const ::timespec*, const ::sigset_t*)>("epoll_pwait2");
    if (choose(-1, wait_kinds) == eintr)
        return static_cast<int>(fail(-1, eintr));
    return f(epfd, evs, max, timeout, mask);
}

} // extern "C"
