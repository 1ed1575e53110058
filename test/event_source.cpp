//
// test/event_source.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/event_source.hpp>

#define BOOST_TEST_MODULE event_source
#include "util.hpp"

#if defined(_WIN32)
#  include "byte_channel.hpp"
#else
#  include <sys/eventfd.h>
#endif
#include <type_traits>
#include <vector>

namespace mio = boost::mio;
using boost::system::error_code;
using mio::interest;
using mio::registry;
using mio::token;
using mio_test::expect_system_error;

namespace {

#if defined(_WIN32)
// A user type owning two sockets, registered as one source: both get the
// same token (mio's pattern for a source made of several handles). Windows
// has no eventfd and no raw handle source: each part is the receiving end
// of a loopback TCP channel, registered through the registry.
class two_part_source
{
public:
    void signal_a() { signal(a_); }
    void signal_b() { signal(b_); }

    // Reads both parts to would_block, as an edge-triggered user does after
    // an event: on IOCP the would_block is what re-arms a socket's poll.
    void drain()
    {
        drain(a_);
        drain(b_);
    }

    void register_(const registry& r, token t, interest i, error_code& ec)
    {
        r.register_(a_.receiver, t, i, ec);
        if (ec)
            return;
        r.register_(b_.receiver, t, i, ec);
        if (ec)
        {
            // Strong guarantee: undo the half that succeeded.
            error_code ignored;
            r.deregister(a_.receiver, ignored);
        }
    }
    void reregister(const registry& r, token t, interest i, error_code& ec)
    {
        r.reregister(a_.receiver, t, i, ec);
        if (!ec)
            r.reregister(b_.receiver, t, i, ec);
    }
    void deregister(const registry& r, error_code& ec)
    {
        r.deregister(a_.receiver, ec);
        error_code second;
        r.deregister(b_.receiver, second);
        if (!ec)
            ec = second;
    }

private:
    static void signal(mio_test::byte_channel& c)
    {
        BOOST_REQUIRE(c.sender.write_some(boost::asio::buffer("x", 1)) == 1u);
    }
    static void drain(mio_test::byte_channel& c)
    {
        char buf[64];
        error_code ec;
        while (!ec)
            c.receiver.read_some(boost::asio::buffer(buf), ec);
        BOOST_REQUIRE(mio_test::is_would_block(ec));
    }

    mio_test::byte_channel a_ = mio_test::make_byte_channel();
    mio_test::byte_channel b_ = mio_test::make_byte_channel();
};
#else
// A user type owning two fds, registered as one source: both fds get the
// same token (mio's pattern for a source made of several handles).
class two_part_source
{
public:
    two_part_source()
        : a_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
        , b_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
    {
    }
    ~two_part_source()
    {
        ::close(a_);
        ::close(b_);
    }
    two_part_source(const two_part_source&) = delete;
    two_part_source& operator=(const two_part_source&) = delete;

    void signal_a() { signal(a_); }
    void signal_b() { signal(b_); }
    // An eventfd's every write is a new edge under epoll and kqueue: the
    // counters need no reading between events.
    void drain() {}

    void register_(const registry& r, token t, interest i, error_code& ec)
    {
        mio::posix::source_fd(a_).register_(r, t, i, ec);
        if (ec)
            return;
        mio::posix::source_fd(b_).register_(r, t, i, ec);
        if (ec)
        {
            // Strong guarantee: undo the half that succeeded.
            error_code ignored;
            mio::posix::source_fd(a_).deregister(r, ignored);
        }
    }
    void reregister(const registry& r, token t, interest i, error_code& ec)
    {
        mio::posix::source_fd(a_).reregister(r, t, i, ec);
        if (!ec)
            mio::posix::source_fd(b_).reregister(r, t, i, ec);
    }
    void deregister(const registry& r, error_code& ec)
    {
        mio::posix::source_fd(a_).deregister(r, ec);
        error_code second;
        mio::posix::source_fd(b_).deregister(r, second);
        if (!ec)
            ec = second;
    }

private:
    static void signal(int efd)
    {
        const std::uint64_t one = 1;
        BOOST_REQUIRE(::write(efd, &one, sizeof one) == static_cast<ssize_t>(sizeof one));
    }

    int a_;
    int b_;
};
#endif

// mio's TestEventSource: records what the registry asked of it.
struct recording_source
{
    std::vector<std::pair<token, interest>> registrations;
    std::vector<std::pair<token, interest>> reregistrations;
    int deregistrations = 0;
    const registry* seen = nullptr;

    void register_(const registry& r, token t, interest i, error_code& ec)
    {
        seen = &r;
        registrations.emplace_back(t, i);
        ec.clear();
    }
    void reregister(const registry& r, token t, interest i, error_code& ec)
    {
        seen = &r;
        reregistrations.emplace_back(t, i);
        ec.clear();
    }
    void deregister(const registry& r, error_code& ec)
    {
        seen = &r;
        ++deregistrations;
        ec.clear();
    }
};

// mio's ErroneousTestEventSource: its errors reach the caller unchanged.
struct failing_source
{
    void register_(const registry&, token, interest, error_code& ec) const
    {
        ec = make_error_code(boost::system::errc::operation_not_supported);
    }
    void reregister(const registry&, token, interest, error_code& ec) const
    {
        ec = make_error_code(boost::system::errc::permission_denied);
    }
    void deregister(const registry&, error_code& ec) const
    {
        ec = make_error_code(boost::system::errc::no_such_device);
    }
};

// A composite that succeeds without touching `ec` (its parts needed no
// system call, say): the registry, not the source, owes the caller a
// cleared `ec` on success.
struct silent_source
{
    int calls = 0;
    void register_(const registry&, token, interest, error_code&) { ++calls; }
    void reregister(const registry&, token, interest, error_code&) { ++calls; }
    void deregister(const registry&, error_code&) { ++calls; }
};

struct no_members
{
};
struct missing_deregister
{
    void register_(const registry&, token, interest, error_code&);
    void reregister(const registry&, token, interest, error_code&);
};
struct missing_error_code
{
    void register_(const registry&, token, interest);
    void reregister(const registry&, token, interest);
    void deregister(const registry&);
};
struct wrong_spelling
{
    void register_(const registry&, token, interest, error_code&);
    void reregister(const registry&, token, interest, error_code&);
    void unregister(const registry&, error_code&);
};
struct non_const_members_only
{
    void register_(const registry&, token, interest, error_code&);
    void reregister(const registry&, token, interest, error_code&);
    void deregister(const registry&, error_code&);
};

} // namespace

// The trait says yes to the library's sources and to user types with the
// three members, and no to everything else.
#if defined(_WIN32) // the library's sources there: the sockets
static_assert(mio::is_event_source_v<mio::net::tcp_stream>);
static_assert(mio::is_event_source_v<const mio::net::tcp_stream>);
static_assert(mio::is_event_source_v<mio::net::tcp_listener>);
static_assert(mio::is_event_source_v<mio::net::udp_socket>);
#else
static_assert(mio::is_event_source_v<mio::posix::source_fd>);
static_assert(mio::is_event_source_v<const mio::posix::source_fd>);
static_assert(mio::is_event_source_v<mio::posix::sender>);
static_assert(mio::is_event_source_v<mio::posix::receiver>);
static_assert(mio::is_event_source_v<const mio::posix::receiver>);
#endif
static_assert(mio::is_event_source_v<two_part_source>);
static_assert(mio::is_event_source_v<recording_source>);
static_assert(mio::is_event_source_v<failing_source>);
static_assert(mio::is_event_source_v<non_const_members_only>);
static_assert(!mio::is_event_source_v<const non_const_members_only>);
static_assert(!mio::is_event_source_v<int>);
static_assert(!mio::is_event_source_v<int*>);
static_assert(!mio::is_event_source_v<no_members>);
static_assert(!mio::is_event_source_v<missing_deregister>);
static_assert(!mio::is_event_source_v<missing_error_code>);
static_assert(!mio::is_event_source_v<wrong_spelling>);
static_assert(!mio::is_event_source_v<mio::poll>);
// Its members are templates of the right shape, yet it is not a source.
static_assert(!mio::is_event_source_v<mio::registry>);
static_assert(!mio::is_event_source_v<const mio::registry>);
static_assert(!mio::is_event_source_v<mio::waker>, "the waker registers itself");
static_assert(std::is_base_of_v<std::true_type, mio::is_event_source<two_part_source>>);
#if !defined(_WIN32)
static_assert(std::is_base_of_v<std::true_type, mio::is_event_source<mio::posix::sender>>);
#endif
static_assert(std::is_base_of_v<std::false_type, mio::is_event_source<int>>);

#if defined(BOOST_MIO_HAS_CONCEPTS)
// The concept agrees with the trait, case by case.
template <class T>
constexpr bool agree = mio::event_source<T> == mio::is_event_source_v<T>;
#if defined(_WIN32)
static_assert(agree<mio::net::tcp_stream> && agree<const mio::net::tcp_stream>);
#else
static_assert(agree<mio::posix::source_fd> && agree<const mio::posix::source_fd>);
static_assert(agree<mio::posix::sender> && agree<mio::posix::receiver>);
#endif
static_assert(agree<two_part_source> && agree<recording_source> && agree<failing_source>);
static_assert(agree<non_const_members_only> && agree<const non_const_members_only>);
static_assert(agree<int> && agree<int*> && agree<no_members> && agree<missing_deregister>);
static_assert(agree<missing_error_code> && agree<wrong_spelling> && agree<mio::poll>);
static_assert(agree<mio::registry> && agree<const mio::registry>);
static_assert(mio::event_source<two_part_source>);
static_assert(!mio::event_source<no_members>);

// Usable as a constraint.
template <mio::event_source S>
constexpr bool constrained(const S*) { return true; }
constexpr bool constrained(const void*) { return false; }
static_assert(constrained(static_cast<const two_part_source*>(nullptr)));
#if !defined(_WIN32)
static_assert(constrained(static_cast<const mio::posix::source_fd*>(nullptr)));
#endif
static_assert(!constrained(static_cast<const no_members*>(nullptr)));
#endif

BOOST_AUTO_TEST_CASE(composite_source_gets_events_from_both_fds)
{
    mio::poll p;
    mio::events evs(8);
    two_part_source pair;
    p.registry().register_(pair, token(7), interest::readable);
    mio_test::expect_no_events(p, evs);

    pair.signal_a();
    mio_test::expect_events(p, evs, {mio_test::readable(7)});
    pair.drain();
    pair.signal_b();
    mio_test::expect_events(p, evs, {mio_test::readable(7)});
    pair.drain();

    // Both at once: one event per fd.
    pair.signal_a();
    pair.signal_b();
    std::size_t n = 0;
    const auto deadline = std::chrono::steady_clock::now() + mio_test::event_timeout;
    while (n < 2 && std::chrono::steady_clock::now() < deadline)
    {
        p.wait(evs, std::chrono::milliseconds(100));
        for (const auto& e : evs)
            n += e.token() == token(7) ? 1 : 0;
    }
    BOOST_TEST(n == 2u);
    pair.drain();

    p.registry().reregister(pair, token(8), interest::readable);
    pair.signal_b();
    mio_test::expect_events(p, evs, {mio_test::readable(8)});

    p.registry().deregister(pair);
    pair.signal_a();
    pair.signal_b();
    mio_test::expect_no_events(p, evs);

    // Errors of the parts come through: deregistering again is ENOENT.
    expect_system_error([&] { p.registry().deregister(pair); },
        boost::system::errc::no_such_file_or_directory);
}

BOOST_AUTO_TEST_CASE(composite_source_register_twice_fails_and_keeps_the_first)
{
    mio::poll p;
    mio::events evs(8);
    two_part_source pair;
    p.registry().register_(pair, token(1), interest::readable);
    error_code ec;
    p.registry().register_(pair, token(2), interest::readable, ec);
    BOOST_TEST((ec == boost::system::errc::file_exists));
    pair.signal_b();
    mio_test::expect_events(p, evs, {mio_test::readable(1)});
}

// mio's poll_registration: the registry forwards each call once, with the
// arguments given, and passes itself.
BOOST_AUTO_TEST_CASE(registry_forwards_each_call_to_the_source)
{
    mio::poll p;
    const registry& r = p.registry();
    recording_source src;
    r.register_(src, token(0), interest::readable);
    BOOST_TEST_REQUIRE(src.registrations.size() == 1u);
    BOOST_TEST((src.registrations[0] == std::make_pair(token(0), interest::readable)));
    BOOST_TEST(src.reregistrations.empty());
    BOOST_TEST(src.deregistrations == 0);
    BOOST_TEST(src.seen == &r);

    r.reregister(src, token(5), interest::writable | interest::priority);
    BOOST_TEST(src.registrations.size() == 1u);
    BOOST_TEST_REQUIRE(src.reregistrations.size() == 1u);
    BOOST_TEST((src.reregistrations[0]
        == std::make_pair(token(5), interest::writable | interest::priority)));

    error_code ec;
    r.deregister(src, ec);
    BOOST_TEST(!ec);
    BOOST_TEST(src.deregistrations == 1);

    // A temporary works too (forwarded as an lvalue to its members).
    r.register_(recording_source{}, token(1), interest::readable);
}

BOOST_AUTO_TEST_CASE(registry_clears_a_stale_ec_when_the_source_leaves_it_alone)
{
    mio::poll p;
    const registry& r = p.registry();
    silent_source src;
    const error_code stale = make_error_code(boost::system::errc::io_error);
    error_code ec = stale;
    r.register_(src, token(0), interest::readable, ec);
    BOOST_TEST(!ec);
    ec = stale;
    r.reregister(src, token(1), interest::writable, ec);
    BOOST_TEST(!ec);
    ec = stale;
    r.deregister(src, ec);
    BOOST_TEST(!ec);
    BOOST_TEST(src.calls == 3);
}

// mio's poll_erroneous_registration.
BOOST_AUTO_TEST_CASE(errors_of_a_source_reach_the_caller)
{
    mio::poll p;
    const registry& r = p.registry();
    const failing_source src;
    error_code ec;
    r.register_(src, token(0), interest::readable, ec);
    BOOST_TEST((ec == boost::system::errc::operation_not_supported));
    r.reregister(src, token(0), interest::readable, ec);
    BOOST_TEST((ec == boost::system::errc::permission_denied));
    r.deregister(src, ec);
    BOOST_TEST((ec == boost::system::errc::no_such_device));
    expect_system_error([&] { r.register_(src, token(0), interest::readable); },
        boost::system::errc::operation_not_supported);
    expect_system_error([&] { r.reregister(src, token(0), interest::readable); },
        boost::system::errc::permission_denied);
    expect_system_error([&] { r.deregister(src); }, boost::system::errc::no_such_device);
}
