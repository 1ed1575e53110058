//
// test/windows_named_pipe.cpp: windows::named_pipe (mio's NamedPipe),
// built only for Windows (test/windows_tests.cmake) and run under Wine in
// CI (tools/test-windows). Real pipes on the poll's completion port.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)

#define BOOST_TEST_MODULE windows_named_pipe
#include <boost/test/unit_test.hpp>

#include "windows_pipe_util.hpp"

#include <boost/mio/windows/named_pipe.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <string>
#include <thread>
#include <vector>
#include <windows.h>

using namespace mio_test;
using namespace std::chrono_literals;

namespace {

// A pipe name no other test (or test run) uses.
std::wstring unique_name()
{
    static int n = 0;
    return L"\\\\.\\pipe\\boost-mio-test-" + std::to_wstring(::GetCurrentProcessId()) + L"-"
        + std::to_wstring(++n);
}

// A server end (token 1) and a client end (token 2), both registered for
// reading and writing, connected: each has reported writable.
struct connected_pipes
{
    mio::poll p;
    mio::events evs{16};
    std::wstring name = unique_name();
    named_pipe server = named_pipe::create(name);
    named_pipe client;

    connected_pipes()
    {
        const auto both = mio::interest::readable | mio::interest::writable;
        p.registry().register_(server, mio::token(1), both);
        boost::system::error_code ec;
        server.connect(ec);
        BOOST_REQUIRE_EQUAL(ec, asio::error::would_block);
        client = named_pipe::open(name);
        p.registry().register_(client, mio::token(2), both);
        expect_events(p, evs, {writable(1), writable(2)});
        BOOST_TEST(!server.take_error());
    }
};

// One wait of at most `timeout`: adds what the events of `seen.token`
// show to `seen` (the other tokens' events are ignored).
void collect(mio::poll& p, mio::events& evs, expected_event& seen,
    std::chrono::milliseconds timeout)
{
    boost::system::error_code ec;
    p.wait(evs, timeout, ec);
    BOOST_REQUIRE_MESSAGE(!ec, "poll.wait failed: " << ec.message());
    for (const auto& e : evs)
        if (e.token() == seen.token)
            seen.add(e);
}

// Waits (bounded) until the events seen for its token cover `expected`.
void wait_until_seen(mio::poll& p, mio::events& evs, expected_event& seen,
    const expected_event& expected)
{
    const auto deadline = std::chrono::steady_clock::now() + event_timeout;
    while (!seen.covers(expected) && std::chrono::steady_clock::now() < deadline)
        collect(p, evs, seen, 100ms);
    BOOST_REQUIRE_MESSAGE(seen.covers(expected),
        "the events of token=" << expected.token.value() << " lack an expected flag");
}

// Everything `s` (token `t`) reads up to end of stream, waiting for
// events when drained (bounded); the flags of its events go to `seen`.
std::string read_to_eof(mio::poll& p, mio::events& evs, named_pipe& s, expected_event& seen)
{
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + event_timeout;
    for (;;)
    {
        char buf[4096];
        boost::system::error_code ec;
        const std::size_t n = s.read_some(asio::buffer(buf), ec);
        if (ec == asio::error::eof)
            return out;
        if (ec == asio::error::would_block)
        {
            BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, "no end of stream");
            collect(p, evs, seen, 100ms);
            continue;
        }
        BOOST_REQUIRE_MESSAGE(!ec, "read_some: " << ec.message());
        out.append(buf, n);
    }
}

// Readable, writable, and both directions closed.
expected_event hang_up(std::size_t t)
{
    expected_event e{mio::token(t)};
    e.readable = e.writable = e.read_closed = e.write_closed = true;
    return e;
}

} // namespace

BOOST_AUTO_TEST_CASE(is_an_event_source)
{
    static_assert(mio::is_event_source_v<named_pipe>);
    named_pipe closed;
    BOOST_TEST(!closed.is_open());
    BOOST_TEST(closed.native_handle() == nullptr);
}

// connect() on a server end reports would_block until a client comes; the
// client's arrival is a writable event; connect() then succeeds.
BOOST_FIXTURE_TEST_CASE(connect_accepts_a_client, connected_pipes)
{
    BOOST_TEST(server.is_open());
    BOOST_TEST(server.native_handle() != nullptr);
    BOOST_TEST(client.native_handle() != server.native_handle());
    boost::system::error_code ec;
    server.connect(ec);
    BOOST_TEST(!ec, ec.message());
    // Not inherited by child processes (CLOEXEC's counterpart).
    for (const named_pipe* end : {&server, &client})
    {
        ::DWORD flags = 0;
        BOOST_REQUIRE(::GetHandleInformation(end->native_handle(), &flags));
        BOOST_TEST((flags & HANDLE_FLAG_INHERIT) == 0u);
    }
}

// A client that opened before connect() was called: connect() succeeds at
// once, and the registration reports writable.
BOOST_AUTO_TEST_CASE(connect_succeeds_at_once_when_the_client_came_first)
{
    mio::poll p;
    mio::events evs{8};
    const std::wstring name = unique_name();
    named_pipe server = named_pipe::create(name);
    named_pipe client = named_pipe::open(name);
    p.registry().register_(server, mio::token(1), mio::interest::readable | mio::interest::writable);
    server.connect();
    expect_events(p, evs, {writable(1)});
}

BOOST_FIXTURE_TEST_CASE(bytes_both_ways, connected_pipes)
{
    client.write_some(asio::buffer(std::string("hello server")));
    BOOST_TEST(read_exactly(p, evs, server, 1, 12) == "hello server");
    server.write_some(asio::buffer(std::string("hello client")));
    BOOST_TEST(read_exactly(p, evs, client, 2, 12) == "hello client");
}

// Buffer sequences: several buffers in and out.
BOOST_FIXTURE_TEST_CASE(buffer_sequences, connected_pipes)
{
    const std::string a = "abc", b = "defgh";
    const std::array<asio::const_buffer, 2> out{asio::buffer(a), asio::buffer(b)};
    BOOST_TEST(client.write_some(out) == 8u);
    expect_events(p, evs, {readable(1)});
    char x[2], y[10];
    const std::array<asio::mutable_buffer, 2> in{asio::buffer(x), asio::buffer(y)};
    const std::size_t n = server.read_some(in);
    BOOST_REQUIRE_EQUAL(n, 8u);
    BOOST_TEST(std::string(x, 2) + std::string(y, 6) == "abcdefgh");
}

// Far more than the internal buffers (64 KiB each), both ways at once,
// verified byte for byte.
BOOST_FIXTURE_TEST_CASE(large_transfer_both_ways, connected_pipes)
{
    std::string up(3 * 1024 * 1024 + 17, '\0'), down(1024 * 1024 + 5, '\0');
    for (std::size_t i = 0; i < up.size(); ++i)
        up[i] = static_cast<char>(i * 7 + i / 251);
    for (std::size_t i = 0; i < down.size(); ++i)
        down[i] = static_cast<char>(i * 13 + 1);
    BOOST_TEST((transfer(p, evs, client, 2, server, 1, up) == up));
    BOOST_TEST((transfer(p, evs, server, 1, client, 2, down) == down));
}

// One thread writes while another waits on the poll, which completes
// that thread's writes: the pipe's state is shared between them.
BOOST_FIXTURE_TEST_CASE(a_writing_thread_and_a_waiting_poll, connected_pipes)
{
    std::string data(512 * 1024, '\0');
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>(i * 31 + 3);
    std::atomic<bool> failed{false};
    std::thread writer([&] {
        // Bounded: gives up after the deadline (the reader then fails).
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        std::size_t sent = 0;
        while (sent < data.size() && std::chrono::steady_clock::now() < deadline)
        {
            boost::system::error_code ec;
            const std::size_t n = client.write_some(
                asio::buffer(data.data() + sent, std::min<std::size_t>(data.size() - sent, 7000)), ec);
            if (ec == asio::error::would_block)
                std::this_thread::sleep_for(1ms); // its completion is the poll's to take
            else if (ec)
            {
                failed = true;
                return;
            }
            sent += n;
        }
    });
    struct joiner // also when a check below throws: the writer is bounded
    {
        std::thread& t;
        ~joiner() { if (t.joinable()) t.join(); }
    } join_writer{writer};
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + 25s;
    while (got.size() < data.size() && !failed && std::chrono::steady_clock::now() < deadline)
    {
        got += read_available(server);
        p.wait(evs, 50ms);
    }
    writer.join();
    BOOST_TEST(!failed);
    BOOST_TEST((got == data));
}

// Edge-triggered: would_block when empty; one readable event per arrival
// after a drain, none while nothing new came.
BOOST_FIXTURE_TEST_CASE(would_block_then_a_readable_edge, connected_pipes)
{
    char buf[16];
    boost::system::error_code ec;
    BOOST_TEST(server.read_some(asio::buffer(buf), ec) == 0u);
    BOOST_TEST(ec == asio::error::would_block);

    client.write_some(asio::buffer(std::string("x")));
    expect_events(p, evs, {readable(1)});
    BOOST_TEST(read_available(server) == "x");
    expect_no_events(p, evs, 200ms);

    client.write_some(asio::buffer(std::string("yz")));
    expect_events(p, evs, {readable(1)});
    BOOST_TEST(read_exactly(p, evs, server, 1, 2) == "yz");
}

// While a write is in flight write_some says would_block; its completion
// is a writable event.
BOOST_FIXTURE_TEST_CASE(writable_again_after_a_write_completes, connected_pipes)
{
    // More than the pipe's own buffer: the write stays in flight until the
    // server reads.
    const std::string big(boost::mio::detail::win_pipe_ops::buffer_size, 'w');
    BOOST_TEST(client.write_some(asio::buffer(big)) == big.size());
    boost::system::error_code ec;
    client.write_some(asio::buffer(big), ec);
    BOOST_TEST(ec == asio::error::would_block);
    // The client's writable event may come in any wait of the server's reads.
    expected_event seen{mio::token(2)};
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + event_timeout;
    while ((got.size() < big.size() || !seen.writable)
        && std::chrono::steady_clock::now() < deadline)
    {
        got += read_available(server);
        collect(p, evs, seen, 50ms);
    }
    BOOST_TEST((got == big));
    BOOST_TEST(seen.writable);
    BOOST_TEST(client.write_some(asio::buffer(big)) == big.size());
}

// The client closes: the server is read-closed (and write-closed: a pipe
// is one connection), reads the bytes sent before, then end of stream;
// its writes fail with broken_pipe.
BOOST_FIXTURE_TEST_CASE(eof_when_the_client_closes, connected_pipes)
{
    client.write_some(asio::buffer(std::string("last words")));
    client.close();
    expected_event seen{mio::token(1)};
    BOOST_TEST(read_to_eof(p, evs, server, seen) == "last words");
    wait_until_seen(p, evs, seen, hang_up(1));
    // Sticky, as a socket's end of stream.
    boost::system::error_code ec;
    char buf[4];
    BOOST_TEST(server.read_some(asio::buffer(buf), ec) == 0u);
    BOOST_TEST(ec == asio::error::eof);
    server.write_some(asio::buffer(std::string("anyone?")), ec);
    BOOST_TEST(ec == boost::system::errc::broken_pipe, ec.message());
}

// The server closes: the client sees the hang-up too.
BOOST_FIXTURE_TEST_CASE(write_closed_when_the_server_closes, connected_pipes)
{
    server.close();
    expected_event seen{mio::token(2)};
    wait_until_seen(p, evs, seen, hang_up(2));
    boost::system::error_code ec;
    client.write_some(asio::buffer(std::string("x")), ec);
    BOOST_TEST(ec == boost::system::errc::broken_pipe, ec.message());
}

// Deregistering with a read in flight cancels it safely: no event comes
// for the pipe, nothing sent meanwhile is lost, and registering again
// reports it.
BOOST_FIXTURE_TEST_CASE(deregister_while_a_read_is_in_flight, connected_pipes)
{
    p.registry().deregister(server);
    client.write_some(asio::buffer(std::string("kept")));
    expected_event seen{mio::token(1)};
    collect(p, evs, seen, 300ms);
    BOOST_TEST(!seen.readable);
    boost::system::error_code ec;
    char buf[8];
    server.read_some(asio::buffer(buf), ec);
    BOOST_TEST(ec == asio::error::would_block); // no I/O while unregistered
    p.registry().register_(server, mio::token(3), mio::interest::readable);
    BOOST_TEST(read_exactly(p, evs, server, 3, 4) == "kept");
    // Deregistering twice: not registered.
    p.registry().deregister(server);
    p.registry().deregister(server, ec);
    BOOST_TEST(ec == boost::system::errc::no_such_file_or_directory, ec.message());
}

// Closing a registered pipe with a read in flight: its late completion is
// dropped, the poll goes on serving the others, and the peer hangs up.
BOOST_FIXTURE_TEST_CASE(close_while_registered, connected_pipes)
{
    server.close();
    BOOST_TEST(!server.is_open());
    expected_event seen{mio::token(2)};
    wait_until_seen(p, evs, seen, hang_up(2));
    expected_event closed{mio::token(1)};
    collect(p, evs, closed, 100ms);
    BOOST_TEST(!closed.covers(readable(1))); // nothing for the closed pipe
    // A new pair on the same poll still works.
    const std::wstring name = unique_name();
    named_pipe s2 = named_pipe::create(name);
    p.registry().register_(s2, mio::token(5), mio::interest::readable);
    boost::system::error_code ec;
    s2.connect(ec);
    named_pipe c2 = named_pipe::open(name);
    p.registry().register_(c2, mio::token(6), mio::interest::writable);
    expect_events(p, evs, {writable(6)});
    c2.write_some(asio::buffer(std::string("again")));
    BOOST_TEST(read_exactly(p, evs, s2, 5, 5) == "again");
}

// The poll closes first, with reads in flight: every pipe goes on being
// closable, and nothing is written into freed memory (the completions are
// drained when the poll closes).
BOOST_AUTO_TEST_CASE(poll_closed_while_io_is_in_flight)
{
    const std::wstring name = unique_name();
    named_pipe server = named_pipe::create(name);
    named_pipe client;
    {
        mio::poll p;
        mio::events evs{8};
        p.registry().register_(server, mio::token(1), mio::interest::readable);
        boost::system::error_code ec;
        server.connect(ec);
        client = named_pipe::open(name);
        p.registry().register_(client, mio::token(2), mio::interest::readable);
        client.write_some(asio::buffer(std::string("unread")));
        expect_events(p, evs, {readable(1)});
    }
    boost::system::error_code ec;
    char buf[8];
    server.read_some(asio::buffer(buf), ec);
    BOOST_TEST(ec == asio::error::would_block); // its poll is gone
    mio::poll other;
    other.registry().register_(server, mio::token(1), mio::interest::readable, ec);
    BOOST_TEST(ec); // the handle belongs to the first poll's port for good
    server.close();
    client.close();
}

// Reregistering changes the token and the interests, and reports what is
// ready now under the new ones.
BOOST_FIXTURE_TEST_CASE(reregister_changes_interests, connected_pipes)
{
    p.registry().reregister(server, mio::token(7), mio::interest::writable);
    expect_events(p, evs, {writable(7)});
    client.write_some(asio::buffer(std::string("r")));
    expected_event seen{mio::token(7)};
    collect(p, evs, seen, 300ms);
    BOOST_TEST(!seen.readable); // not asked for
    p.registry().reregister(server, mio::token(8), mio::interest::readable);
    expect_events(p, evs, {readable(8)});
    BOOST_TEST(read_available(server) == "r");
}

// A server end is one client at a time: disconnect() ends the
// connection (the client hangs up) and connect() takes the next client.
BOOST_FIXTURE_TEST_CASE(disconnect_then_the_next_client, connected_pipes)
{
    server.disconnect();
    expected_event seen{mio::token(2)};
    wait_until_seen(p, evs, seen, hang_up(2));
    boost::system::error_code ec;
    server.write_some(asio::buffer(std::string("x")), ec);
    BOOST_TEST(ec == asio::error::not_connected, ec.message());
    server.connect(ec);
    BOOST_TEST(ec == asio::error::would_block);
    named_pipe next = named_pipe::open(name);
    p.registry().register_(next, mio::token(3), mio::interest::readable | mio::interest::writable);
    expect_events(p, evs, {writable(1), writable(3)});
    next.write_some(asio::buffer(std::string("second")));
    BOOST_TEST(read_exactly(p, evs, server, 1, 6) == "second");
}

// More instances of one pipe: one client each.
BOOST_AUTO_TEST_CASE(create_instance_serves_another_client)
{
    mio::poll p;
    mio::events evs{8};
    const std::wstring name = unique_name();
    named_pipe first = named_pipe::create(name);
    named_pipe second = named_pipe::create_instance(name);
    named_pipe c1 = named_pipe::open(name);
    named_pipe c2 = named_pipe::open(name);
    p.registry().register_(first, mio::token(1), mio::interest::readable);
    p.registry().register_(second, mio::token(2), mio::interest::readable);
    p.registry().register_(c1, mio::token(3), mio::interest::writable);
    p.registry().register_(c2, mio::token(4), mio::interest::writable);
    first.connect();
    second.connect();
    c1.write_some(asio::buffer(std::string("one")));
    c2.write_some(asio::buffer(std::string("two")));
    BOOST_TEST(read_exactly(p, evs, first, 1, 3) == "one");
    BOOST_TEST(read_exactly(p, evs, second, 2, 3) == "two");
}

// The error_code overloads report, the throwing ones throw the same code
// with the caller's location.
BOOST_AUTO_TEST_CASE(error_code_and_throwing_overloads)
{
    named_pipe closed;
    boost::system::error_code ec;
    char buf[4];
    closed.read_some(asio::buffer(buf), ec);
    BOOST_TEST(ec == boost::system::errc::bad_file_descriptor);
    closed.write_some(asio::buffer(buf), ec);
    BOOST_TEST(ec == boost::system::errc::bad_file_descriptor);
    closed.connect(ec);
    BOOST_TEST(ec == boost::system::errc::bad_file_descriptor);
    closed.take_error(ec);
    BOOST_TEST(ec == boost::system::errc::bad_file_descriptor);
    expect_system_error([&] { closed.read_some(asio::buffer(buf)); BOOST_MIO_TEST_HERE; },
        boost::system::errc::bad_file_descriptor);
    expect_system_error([&] { closed.disconnect(); }, boost::system::errc::bad_file_descriptor);

    // Unregistered: no I/O (its completion would have no port to go to).
    const std::wstring name = unique_name();
    named_pipe server = named_pipe::create(name);
    server.read_some(asio::buffer(buf), ec);
    BOOST_TEST(ec == asio::error::would_block);
    expect_system_error([&] { server.write_some(asio::buffer(buf)); }, asio::error::would_block);
    expect_system_error([&] { server.connect(); }, asio::error::not_connected);

    expect_system_error(
        [&] { named_pipe::open(unique_name()); }, boost::system::errc::no_such_file_or_directory);
    named_pipe::open(std::string("\\\\.\\pipe\\boost-mio-no-such-pipe"), ec);
    BOOST_TEST(ec == boost::system::errc::no_such_file_or_directory, ec.message());
}

// Bad names: a clear error, no handle.
BOOST_AUTO_TEST_CASE(bad_names)
{
    boost::system::error_code ec;
    for (const std::wstring& bad :
        {std::wstring(), std::wstring(L"not-a-pipe"), std::wstring(L"\\\\.\\pipe\\"),
            std::wstring(L"C:\\temp\\file"), std::wstring(L"\\\\.\\pipe\\a\0b", 11)})
    {
        const named_pipe p = named_pipe::create(bad, ec);
        BOOST_TEST(ec == boost::system::errc::invalid_argument);
        BOOST_TEST(!p.is_open());
    }
    named_pipe::open(std::wstring_view(), ec);
    BOOST_TEST(ec == boost::system::errc::invalid_argument);
    named_pipe::create(std::string("\\\\.\\pipe\\\xff\xfe"), ec); // not UTF-8
    BOOST_TEST(ec == boost::system::errc::invalid_argument);
    expect_system_error([] { named_pipe::create(std::string("pipe")); },
        boost::system::errc::invalid_argument);

    // FILE_FLAG_FIRST_PIPE_INSTANCE: a second create of one name fails on
    // Windows (ERROR_ACCESS_DENIED). Wine 8.0 ignores the flag and
    // creates a second instance.
    const std::wstring name = unique_name();
    const named_pipe first = named_pipe::create(name);
    const named_pipe again = named_pipe::create(name, ec);
    if (running_under_wine())
        BOOST_TEST_MESSAGE("Wine: FILE_FLAG_FIRST_PIPE_INSTANCE ignored (" << ec.message() << ")");
    else
    {
        BOOST_TEST(ec == boost::system::errc::permission_denied, ec.message());
        BOOST_TEST(!again.is_open());
    }
}

// A handle joins one completion port: a second poll is refused, and
// registering twice with one poll is file_exists, as for sockets.
BOOST_FIXTURE_TEST_CASE(one_registration_at_a_time, connected_pipes)
{
    boost::system::error_code ec;
    p.registry().register_(server, mio::token(9), mio::interest::readable, ec);
    BOOST_TEST(ec == boost::system::errc::file_exists, ec.message());
    mio::poll other;
    other.registry().register_(client, mio::token(9), mio::interest::readable, ec);
    BOOST_TEST(ec == boost::system::errc::file_exists, ec.message());
}

// Moving keeps the registration; from_native adopts a handle.
BOOST_FIXTURE_TEST_CASE(move_and_from_native, connected_pipes)
{
    named_pipe moved = std::move(server);
    BOOST_TEST(!server.is_open());
    client.write_some(asio::buffer(std::string("moved")));
    BOOST_TEST(read_exactly(p, evs, moved, 1, 5) == "moved");
    BOOST_TEST(!named_pipe::from_native(nullptr).is_open());
    BOOST_TEST(!named_pipe::from_native(INVALID_HANDLE_VALUE).is_open());
}
