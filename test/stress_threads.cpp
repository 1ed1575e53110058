//
// test/stress_threads.cpp: the registry and the waker used from many threads
// at once, long enough for ThreadSanitizer to see the interleavings that the
// short functional tests in registry.cpp and waker.cpp never reach.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Bounded twice: a fixed number of iterations, and a deadline after which
// the workers stop early and the test fails rather than hangs. The worker
// threads assert nothing (Boost.Test is not thread-safe): they record
// failures in a thread_failures that the test's thread checks.

#define BOOST_TEST_MODULE stress_threads
#include "util.hpp"
#include "byte_channel.hpp"

#include <boost/asio/buffer.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <thread>
#include <unordered_set>
#include <vector>

namespace mio = boost::mio;
using boost::system::error_code;
using mio::interest;
using mio::token;
using namespace std::chrono_literals;
using std::chrono::steady_clock;

namespace {

// Long enough under TSan on a loaded 2-core machine; a healthy run takes
// well under a second without sanitizers.
constexpr auto stress_deadline = 30s;

bool put_byte(mio_test::byte_sender& s)
{
    const char byte = 'x';
    error_code ec;
    return s.write_some(boost::asio::buffer(&byte, 1), ec) == 1 && !ec;
}

// One pass of a worker's churn on a fresh source: made ready before or
// after registering, sometimes reregistered, then deregistered and closed
// (which frees the fd number for another thread's next source).
template <class Source, class Ready>
void churn_once(const mio::registry& r, Source& src, Ready make_ready, token t, std::size_t i,
    mio_test::thread_failures& failures)
{
    error_code ec;
    if (i % 2 == 0)
        failures.expect(make_ready(), "could not make the source ready");
    r.register_(src, t, interest::readable, ec);
    failures.expect(!ec, "register_ failed");
    if (i % 2 == 1)
        failures.expect(make_ready(), "could not make the source ready");
    if (i % 3 == 0)
    {
        r.reregister(src, t, interest::readable | interest::writable, ec);
        failures.expect(!ec, "reregister failed");
    }
    r.deregister(src, ec);
    failures.expect(!ec, "deregister failed");
    r.deregister(src, ec);
    failures.expect(ec == boost::system::errc::no_such_file_or_directory,
        "a second deregister did not report ENOENT");
}

#if defined(_WIN32)
// Windows has no Unix-domain socket pair: every source is a channel there.
constexpr bool has_unix_pairs = false;

// Windows has no pipes and no socketpair: a worker's fresh sources are
// loopback TCP pairs from a listener of its own. make_byte_channel asserts,
// which a worker thread must not; this reports failure as an error instead.
// The accepted end is the sender: it is connected when accept returns,
// while the connecting end may not know it yet.
class channel_maker
{
public:
    explicit channel_maker(error_code& ec)
        : listener_(mio::net::tcp_listener::bind(
            {boost::asio::ip::address_v4::loopback(), 0}, ec))
    {
    }

    mio_test::byte_channel make(steady_clock::time_point deadline, error_code& ec)
    {
        mio_test::byte_channel c;
        c.receiver = mio::net::tcp_stream::connect(listener_.local_endpoint(), ec);
        while (!ec)
        {
            c.sender = listener_.accept(ec).first;
            if (ec != boost::asio::error::would_block)
                break;
            if (steady_clock::now() >= deadline)
                ec = boost::asio::error::timed_out;
            else
            {
                ec.clear();
                std::this_thread::yield();
            }
        }
        return c;
    }

private:
    mio::net::tcp_listener listener_;
};
#else
constexpr bool has_unix_pairs = true;
#endif

} // namespace

// N threads register, reregister and deregister fresh pipes and socket
// pairs (ready ones, so that events are in flight) while the test's thread
// waits on the poll. Every event must carry a token that was handed out,
// and at the end each worker's last source, left registered and readable,
// must be reported.
BOOST_AUTO_TEST_CASE(register_and_deregister_on_many_threads_while_one_waits)
{
    constexpr std::size_t threads = 4;
    constexpr std::size_t iterations = 400;
    mio::poll p;
    mio::events evs(64);
    const auto deadline = steady_clock::now() + stress_deadline;

    // Tokens are numbered in the order they are handed out: an event whose
    // token is not below `issued` was invented.
    std::atomic<std::size_t> issued{0};
    std::atomic<std::size_t> finished{0};
    mio_test::thread_failures failures;
    std::vector<mio_test::byte_channel> last(threads);
    std::vector<token> last_token(threads, token(0));

    std::vector<std::thread> workers;
    for (std::size_t w = 0; w < threads; ++w)
    {
        workers.emplace_back([&, w] {
            const mio::registry& r = p.registry();
#if defined(_WIN32)
            error_code listen_ec;
            channel_maker maker(listen_ec);
            if (!failures.expect(!listen_ec, "bind failed"))
                return;
            auto make_channel = [&](error_code& ec) { return maker.make(deadline, ec); };
#else
            auto make_channel = [](error_code& ec) { return mio::posix::make_pipe(ec); };
#endif
            for (std::size_t i = 0; i < iterations && steady_clock::now() < deadline; ++i)
            {
                const token t(issued.fetch_add(1));
                error_code ec;
                if (!has_unix_pairs || (i + w) % 2 == 0)
                {
                    auto ends = make_channel(ec);
                    if (!failures.expect(!ec, "making a channel failed"))
                        break;
                    churn_once(r, ends.receiver, [&] { return put_byte(ends.sender); }, t, i,
                        failures);
                }
#if !defined(_WIN32)
                else
                {
                    auto [a, b] = mio::net::unix_stream::pair(ec);
                    if (!failures.expect(!ec, "unix_stream::pair failed"))
                        break;
                    const char byte = 'y';
                    churn_once(r, a, [&, &b = b] {
                        error_code wec;
                        return b.write_some(boost::asio::buffer(&byte, 1), wec) == 1 && !wec;
                    }, t, i, failures);
                }
#endif
            }
            error_code ec;
            last[w] = make_channel(ec);
            failures.expect(!ec, "making a channel failed");
            last_token[w] = token(issued.fetch_add(1));
            r.register_(last[w].receiver, last_token[w], interest::readable, ec);
            failures.expect(!ec, "register_ of the last source failed");
            failures.expect(put_byte(last[w].sender), "could not write to the last source");
            finished.fetch_add(1);
        });
    }

    std::size_t events_seen = 0;
    std::size_t bogus = 0;
    std::unordered_set<std::size_t> tokens_seen;
    // The last tokens are only read once every worker has finished (the
    // acquire on `finished` makes their writes visible).
    auto all_last_seen = [&] {
        if (finished.load() != threads)
            return false;
        for (const token t : last_token)
            if (tokens_seen.count(t.value()) == 0)
                return false;
        return true;
    };
    while (!all_last_seen() && steady_clock::now() < deadline)
    {
        error_code ec;
        p.wait(evs, 10ms, ec);
        if (ec == boost::system::errc::interrupted)
            continue;
        BOOST_REQUIRE_MESSAGE(!ec, "wait failed: " << ec.message());
        for (const auto& e : evs)
        {
            ++events_seen;
            if (e.token().value() >= issued.load())
                ++bogus;
            tokens_seen.insert(e.token().value());
        }
    }
    for (auto& t : workers)
        t.join();
    failures.check();
    BOOST_TEST(bogus == 0u, bogus << " events carried a token never handed out");
    BOOST_TEST(all_last_seen(), "a source left registered and readable was never reported");
    BOOST_TEST(issued.load() == threads * (iterations + 1), "the deadline cut the run short");
    BOOST_TEST_MESSAGE(issued.load() << " registrations, " << events_seen << " events seen");
}

// Rounds of N threads waking at once. Wakes may coalesce, but each round's
// batch must produce an event: the test's thread sees the round's wakes
// done, then waits for the event; a lost wake fails after event_timeout.
// Between rounds it drains with a zero timeout, so that a stray event from
// an earlier round cannot stand in for a lost one.
BOOST_AUTO_TEST_CASE(every_batch_of_concurrent_wakes_gives_an_event)
{
    constexpr int threads = 4;
    constexpr int rounds = 500;
    mio::poll p;
    mio::events evs(8);
    const mio::waker w(p.registry(), token(1));
    const auto deadline = steady_clock::now() + stress_deadline;

    std::atomic<int> round{0};  // the round the wakers may run; -1: stop
    std::atomic<int> done{0};   // wakes finished, over all rounds
    mio_test::thread_failures failures;
    std::vector<std::thread> wakers;
    for (int t = 0; t < threads; ++t)
    {
        wakers.emplace_back([&] {
            for (int mine = 1;; ++mine)
            {
                int r;
                while ((r = round.load()) != -1 && r < mine)
                    std::this_thread::yield();
                if (r == -1)
                    return;
                error_code ec;
                w.wake(ec);
                failures.expect(!ec, "wake failed");
                done.fetch_add(1);
            }
        });
    }

    int completed = 0;
    int lost = 0;
    for (int r = 1; r <= rounds && lost == 0 && steady_clock::now() < deadline; ++r)
    {
        round.store(r);
        while (done.load() < r * threads && steady_clock::now() < deadline)
            std::this_thread::yield();
        bool seen = false;
        const auto round_deadline = steady_clock::now() + mio_test::event_timeout;
        while (!seen && steady_clock::now() < round_deadline)
        {
            error_code ec;
            p.wait(evs, mio_test::event_timeout, ec);
            for (const auto& e : evs)
                seen = seen || (e.token() == token(1) && e.is_readable());
        }
        if (!seen)
            ++lost;
        else
            ++completed;
        p.wait(evs, 0ms); // leftovers of this round
    }
    round.store(-1);
    for (auto& t : wakers)
        t.join();
    failures.check();
    BOOST_TEST(lost == 0, "a batch of wakes gave no event in round " << completed + 1);
    BOOST_TEST(completed == rounds, "the deadline cut the run short");
}
