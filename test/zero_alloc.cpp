//
// test/zero_alloc.cpp: the hot path allocates nothing. After a warm-up,
// wait, read, write, register, reregister, deregister and accept (TCP and
// Unix), in both the throwing and the error_code forms, must not call
// operator new or malloc even once.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// operator new is counted by the benchmarks' counting replacement
// (bench/common/count_alloc.cpp, linked into this program by the build);
// malloc, calloc, realloc and the aligned allocators are counted here by
// interposing glibc's allocator, which catches allocations that bypass
// operator new. Sanitizer runtimes own malloc themselves, and Windows' C
// runtime cannot be interposed, so there only operator new is counted.
// Nothing between the two readings of a counter may use Boost.Test (it
// allocates): the measured calls are bracketed by `meter`, and asserted on
// afterwards.

#define BOOST_TEST_MODULE zero_alloc
#include "util.hpp"
#include "net_util.hpp"
#include "byte_channel.hpp"
#include "../bench/common/count_alloc.hpp"

#include <boost/mio/asio_bridge.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>
#if defined(_WIN32)
#  include <winsock2.h>
#else
#  include <poll.h>
#endif

#if defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) \
      || __has_feature(memory_sanitizer)
#    define BOOST_MIO_TEST_SANITIZED_MALLOC 1
#  endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define BOOST_MIO_TEST_SANITIZED_MALLOC 1
#endif

namespace {
std::atomic<std::uint64_t> malloc_calls{0};
} // namespace

#if !defined(BOOST_MIO_TEST_SANITIZED_MALLOC) && defined(__GLIBC__)
#  define BOOST_MIO_TEST_COUNTS_MALLOC 1
// glibc's own entry points: the interposed functions forward to them, and
// free() stays glibc's, which matches.
extern "C" void* __libc_malloc(std::size_t);
extern "C" void* __libc_calloc(std::size_t, std::size_t);
extern "C" void* __libc_realloc(void*, std::size_t);
extern "C" void* malloc(std::size_t n)
{
    malloc_calls.fetch_add(1, std::memory_order_relaxed);
    return __libc_malloc(n);
}
extern "C" void* calloc(std::size_t n, std::size_t size)
{
    malloc_calls.fetch_add(1, std::memory_order_relaxed);
    return __libc_calloc(n, size);
}
extern "C" void* realloc(void* p, std::size_t n)
{
    malloc_calls.fetch_add(1, std::memory_order_relaxed);
    return __libc_realloc(p, n);
}
// Asio's handler memory (recycling_allocator, thread_info_base) comes from
// std::aligned_alloc when C++17 has it, which reaches none of the above:
// the aligned entry points are counted too, or an allocation per
// async_source wait would go unseen.
extern "C" void* __libc_memalign(std::size_t, std::size_t);
extern "C" void* aligned_alloc(std::size_t align, std::size_t n)
{
    malloc_calls.fetch_add(1, std::memory_order_relaxed);
    return __libc_memalign(align, n);
}
extern "C" void* memalign(std::size_t align, std::size_t n)
{
    malloc_calls.fetch_add(1, std::memory_order_relaxed);
    return __libc_memalign(align, n);
}
extern "C" int posix_memalign(void** out, std::size_t align, std::size_t n)
{
    malloc_calls.fetch_add(1, std::memory_order_relaxed);
    if (align % sizeof(void*) != 0 || (align & (align - 1)) != 0)
        return EINVAL;
    void* p = __libc_memalign(align, n);
    if (p == nullptr)
        return ENOMEM;
    *out = p;
    return 0;
}
#endif

namespace {

namespace mio = boost::mio;
namespace net = boost::mio::net;
namespace asio = boost::asio;
using boost::system::error_code;
using mio::interest;
using mio::token;
using mio_test::local_v4;
using namespace std::chrono_literals;

constexpr int warm_up = 50;
constexpr int measured = 500;

// Loopback TCP and UDP may queue a packet for a softirq that runs after the
// send returned: a read that must find data first waits here, unmeasured.
void wait_readable(net::tcp_stream::native_handle_type fd)
{
#if defined(_WIN32)
    ::WSAPOLLFD pfd{fd, POLLRDNORM, 0};
    BOOST_REQUIRE_MESSAGE(::WSAPoll(&pfd, 1, 3000) == 1, "no data within 3 s");
#else
    ::pollfd pfd{fd, POLLIN, 0};
    BOOST_REQUIRE_MESSAGE(::poll(&pfd, 1, 3000) == 1, "no data within 3 s");
#endif
}

// Allocations made inside the calls bracketed by this meter.
struct meter
{
    std::uint64_t news = 0;
    std::uint64_t mallocs = 0;
    std::uint64_t calls = 0;

    template <class F>
    decltype(auto) operator()(F&& f)
    {
        struct charge
        {
            meter& m;
            const std::uint64_t news = bench_alloc_count();
            const std::uint64_t mallocs = malloc_calls.load(std::memory_order_relaxed);
            ~charge()
            {
                m.news += bench_alloc_count() - news;
                m.mallocs += malloc_calls.load(std::memory_order_relaxed) - mallocs;
                ++m.calls;
            }
        } c{*this};
        return f();
    }

    void reset() { *this = meter(); }
};

// libkqueue (the kqueue backend on Linux) mallocs a knote in user space for
// every filter added, where a BSD kernel allocates in the kernel: there
// malloc is the emulation's, and only the library's own operator new is
// checked for registrations.
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
constexpr bool registration_mallocs_are_ours = false;
#else
constexpr bool registration_mallocs_are_ours = true;
#endif

void expect_none(const char* what, const meter& m, int expected_calls, bool mallocs_are_ours = true)
{
    BOOST_TEST_MESSAGE(what << ": " << m.news << " operator new, " << m.mallocs << " malloc in "
        << m.calls << " calls");
    BOOST_TEST(m.calls == static_cast<std::uint64_t>(expected_calls), what << ": not measured");
    BOOST_TEST(m.news == 0u, what << ": " << m.news << " operator new in " << m.calls << " calls");
    if (mallocs_are_ours)
        BOOST_TEST(m.mallocs == 0u, what << ": " << m.mallocs << " malloc in " << m.calls << " calls");
}

// Runs `round(meter&)` warm_up times unmeasured, then `measured` times, and
// checks that the meter saw no allocation. `round` brackets each library
// call under test with the meter and nothing else.
template <class Round>
void steady_state(const char* what, Round round, int calls_per_round, bool mallocs_are_ours = true)
{
    meter m;
    for (int i = 0; i < warm_up; ++i)
        round(m);
    m.reset();
    for (int i = 0; i < measured; ++i)
        round(m);
    expect_none(what, m, measured * calls_per_round, mallocs_are_ours);
}

} // namespace

BOOST_AUTO_TEST_CASE(the_counters_see_an_allocation)
{
    // The test can fail: an allocation between the readings is counted.
    meter m;
    m([] {
        int* volatile p = new int(1); // volatile: the pair may not be elided
        delete p;
    });
    BOOST_TEST(m.news == 1u);
#if defined(BOOST_MIO_TEST_COUNTS_MALLOC)
    m.reset();
    m([] {
        void* volatile p = std::malloc(16);
        std::free(p);
    });
    BOOST_TEST(m.mallocs == 1u);
#endif
}

BOOST_AUTO_TEST_CASE(wait_allocates_nothing)
{
    mio::poll p;
    mio::events evs(16);
    auto ends = mio_test::make_byte_channel();
    p.registry().register_(ends.receiver, token(1), interest::readable);
    const mio::waker w(p.registry(), token(2));
    char buf[8];
    steady_state("wait (ec, with events)", [&](meter& m) {
        error_code ec;
        ends.sender.write_some(asio::buffer("x", 1), ec);
        m([&] { p.wait(evs, 100ms, ec); });
        // To would_block: where edges are emulated (IOCP) that re-arms.
        while (!ec)
            ends.receiver.read_some(asio::buffer(buf), ec);
    }, 1);
    steady_state("wait (throwing, zero timeout)", [&](meter& m) {
        m([&] { p.wait(evs, 0ms); });
    }, 1);
    steady_state("wake + wait (both forms)", [&](meter& m) {
        error_code ec;
        m([&] { w.wake(ec); });
        m([&] { p.wait(evs, 100ms, ec); });
        m([&] { w.wake(); });
        m([&] { p.wait(evs, 100ms); });
    }, 4);
}

#if !defined(_WIN32) // posix::pipe is POSIX only; the TCP case below covers Windows
BOOST_AUTO_TEST_CASE(pipe_read_and_write_allocate_nothing)
{
    auto ends = mio::posix::make_pipe();
    char buf[64];
    const std::string data(40, 'p');
    steady_state("pipe write_some/read_some (both forms)", [&](meter& m) {
        error_code ec;
        m([&] { ends.sender.write_some(asio::buffer(data), ec); });
        m([&] { ends.receiver.read_some(asio::buffer(buf), ec); });
        m([&] { ends.sender.write_some(asio::buffer(data)); });
        m([&] { ends.receiver.read_some(asio::buffer(buf)); });
        m([&] { ends.receiver.read_some(asio::buffer(buf), ec); }); // would_block
    }, 5);
}
#endif

BOOST_AUTO_TEST_CASE(stream_read_and_write_allocate_nothing)
{
    auto tcp = mio_test::make_tcp_pair();
    char a[100], b[200];
    const std::string head(50, 'h'), tail(70, 't');
    const std::array<asio::const_buffer, 2> gather{asio::buffer(head), asio::buffer(tail)};
    const std::array<asio::mutable_buffer, 2> scatter{asio::buffer(a), asio::buffer(b)};
    auto exchange = [&](auto& x, auto& y) {
        return [&](meter& m) {
            error_code ec;
            m([&] { x.write_some(gather, ec); });
            wait_readable(y.native_handle());
            m([&] { y.read_some(scatter, ec); });
            m([&] { x.write_some(asio::buffer(head)); });
            wait_readable(y.native_handle());
            m([&] { y.read_some(asio::buffer(a)); });
            mio_test::read_available(y); // what a split delivery left
            m([&] { y.read_some(asio::buffer(a), ec); }); // would_block
        };
    };
    steady_state("tcp_stream write_some/read_some (both forms)", exchange(tcp.client, tcp.server), 5);
#if !defined(_WIN32) // Unix-domain sockets are POSIX only
    auto [u1, u2] = net::unix_stream::pair();
    steady_state("unix_stream write_some/read_some (both forms)", exchange(u1, u2), 5);
#endif
}

BOOST_AUTO_TEST_CASE(datagram_send_and_receive_allocate_nothing)
{
    auto s1 = net::udp_socket::bind(mio_test::udp_local_v4());
    auto s2 = net::udp_socket::bind(mio_test::udp_local_v4());
    const auto to = s2.local_endpoint();
    char buf[64];
    steady_state("udp send_to/receive_from (both forms)", [&](meter& m) {
        error_code ec;
        m([&] { s1.send_to(asio::buffer("datagram", 8), to, ec); });
        wait_readable(s2.native_handle());
        m([&] { s2.receive_from(asio::buffer(buf), ec); });
        m([&] { s1.send_to(asio::buffer("datagram", 8), to); });
        wait_readable(s2.native_handle());
        m([&] { s2.receive_from(asio::buffer(buf)); });
    }, 4);
}

BOOST_AUTO_TEST_CASE(register_reregister_deregister_allocate_nothing)
{
    mio::poll p;
    const mio::registry& r = p.registry();
    auto ends = mio_test::make_byte_channel();
    auto tcp = mio_test::make_tcp_pair();
    // On IOCP a registration allocates the socket's poll state, which the
    // kernel writes into while a poll is in flight, so it needs an address
    // of its own (doc/design.adoc, "Windows"): counted apart, one each, and
    // an AFD handle's group when the current one is full (32 sockets; a
    // deregistered socket holds its place until its cancelled poll's
    // completion is taken, which the unmeasured wait of each round does).
    // reregister and deregister allocate nothing there either.
    const bool registering_allocates = mio::current_backend == mio::backend::iocp;
    meter registering;
    mio::events evs(8);
    steady_state("register_/reregister/deregister (both forms)", [&](meter& m) {
        error_code ec;
        if (registering_allocates)
            p.wait(evs, 0ms);
        meter& reg = registering_allocates ? registering : m;
        reg([&] { r.register_(ends.receiver, token(1), interest::readable, ec); });
        m([&] { r.reregister(ends.receiver, token(2), interest::readable | interest::priority, ec); });
        m([&] { r.deregister(ends.receiver, ec); });
        reg([&] { r.register_(tcp.client, token(3), interest::readable); });
        m([&] { r.reregister(tcp.client, token(4), interest::readable | interest::writable); });
        m([&] { r.deregister(tcp.client); });
        m([&] { r.deregister(tcp.client, ec); }); // ENOENT: errors allocate nothing either
    }, registering_allocates ? 5 : 7, registration_mallocs_are_ours);
    if (registering_allocates)
        BOOST_TEST(registering.news <= registering.calls + registering.calls / 32,
            registering.news << " operator new in " << registering.calls << " registrations");
}

namespace {

// Accepts one connection per round from `l`, both forms alternating; the
// connecting and the waiting are not measured.
template <class Listener, class Connect>
void accept_rounds(const char* what, Listener& l, Connect connect)
{
    mio::poll p;
    mio::events evs(4);
    p.registry().register_(l, token(0), interest::readable);
    int round = 0;
    steady_state(what, [&](meter& m) {
        auto client = connect();
        mio_test::expect_events(p, evs, {mio_test::readable(0)});
        error_code ec;
        if (++round % 2 == 0)
        {
            auto accepted = m([&] { return l.accept(ec); });
            BOOST_REQUIRE_MESSAGE(!ec, "accept: " << ec.message());
        }
        else
        {
            auto accepted = m([&] { return l.accept(); });
        }
        m([&] { l.accept(ec); }); // would_block
        BOOST_REQUIRE(mio_test::is_would_block(ec));
    }, 2);
}

} // namespace

BOOST_AUTO_TEST_CASE(tcp_accept_allocates_nothing)
{
    auto l = net::tcp_listener::bind(local_v4());
    const auto where = l.local_endpoint();
    accept_rounds("tcp_listener::accept (both forms)", l,
        [&] { return net::tcp_stream::connect(where); });
}

#if !defined(_WIN32) // Unix-domain sockets are POSIX only
BOOST_AUTO_TEST_CASE(unix_accept_allocates_nothing)
{
    mio_test::temp_dir dir;
    const std::string path = dir.file("listener");
    auto l = net::unix_listener::bind(path);
    accept_rounds("unix_listener::accept (both forms)", l,
        [&] { return net::unix_stream::connect(path); });
}
#endif

// The Asio bridge: once warm, a wait that an event completes (the
// watcher's wake-up, the handler, which starts the next wait as a server's
// does) allocates nothing. The op's block is back in Asio's recycling cache
// before its handler runs, and the handler is dispatched from the watcher's
// completion rather than posted, which took a third block while the cache
// holds two: one malloc and one free per wait.
// Where the poll has no pollable handle (poll(2), libkqueue) a thread of
// the bridge's own waits and posts each batch, allocating outside Asio's
// per-thread cache: not covered.
BOOST_AUTO_TEST_CASE(async_source_wait_allocates_nothing)
{
    if constexpr (!mio::detail::selector::has_pollable_handle)
    {
        BOOST_TEST_MESSAGE("the bridge waits on a thread with this backend: not measured");
        return;
    }
    using source_type = mio::asio_bridge::basic_async_source<asio::io_context::executor_type>;
    asio::io_context io(1);
    auto [peer, stream] = mio_test::local_stream_pair();
    // Waits again from each completion, until the wait is aborted.
    struct waiter
    {
        source_type source;
        long completed = 0;
        long failed = 0;

        void start()
        {
            source.async_wait(interest::readable, [this](error_code ec, mio::event) {
                if (ec == asio::error::operation_aborted)
                    return;
                failed += ec ? 1 : 0;
                ++completed;
                start();
            });
        }
    } w{source_type(io.get_executor(), stream, interest::readable)};
    w.start();
    // run_one() as an event loop calls it (a timed run takes another path
    // through the scheduler), bounded by a watchdog armed once, outside
    // the measurement.
    asio::steady_timer watchdog(io, 30s);
    bool timed_out = false;
    watchdog.async_wait([&](error_code ec) { timed_out = !ec; });
    char buf[64];
    steady_state("async_source: a wait completed by an event", [&](meter& m) {
        error_code ec;
        peer.write_some(asio::buffer("x", 1), ec);
        const long target = w.completed + 1;
        m([&] {
            while (w.completed < target && !timed_out)
                io.run_one();
        });
        BOOST_REQUIRE_MESSAGE(!timed_out, "the waits did not complete within 30 s");
        while (!ec)
            stream.read_some(asio::buffer(buf), ec); // to would_block: the next byte is a new edge
    }, 1);
    watchdog.cancel();
    BOOST_TEST(w.failed == 0);
}
