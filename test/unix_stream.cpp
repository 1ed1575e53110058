//
// test/unix_stream.cpp: mio's tests/unix_stream.rs and the socket half of
// tests/unix_pipe.rs (events when the other end goes away), ported.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/net/unix_stream.hpp>

#define BOOST_TEST_MODULE unix_stream
#include "util.hpp"
#include "net_util.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <string>
#include <string_view>
#include <type_traits>

using namespace mio_test;
using mio::interest;
using mio::token;

static_assert(std::is_nothrow_default_constructible_v<net::unix_stream>);
static_assert(std::is_nothrow_move_constructible_v<net::unix_stream>);
static_assert(!std::is_copy_constructible_v<net::unix_stream>);
static_assert(mio::is_event_source_v<net::unix_stream>);
static_assert(std::is_same_v<decltype(net::unix_stream::pair()),
    std::pair<net::unix_stream, net::unix_stream>>);

namespace {

const std::string data1 = "Hello same host!";
const std::string data2 = "Why hello mio!";

// A listener in `dir` and one connection: client and accepted server.
struct connected
{
    temp_dir dir;
    net::unix_listener listener = net::unix_listener::bind(dir.file("sock"));
    net::unix_stream client = net::unix_stream::connect(dir.file("sock"));
    net::unix_stream server = listener.accept().first;
};

} // namespace

BOOST_AUTO_TEST_CASE(smoke)
{
    connected c;
    mio::poll p;
    mio::events evs(8);
    check_fresh_socket(c.client);
    register_until_writable(p, evs, c.client, 1);
    char buf[64];
    boost::system::error_code ec;
    c.client.read_some(asio::buffer(buf), ec);
    BOOST_TEST(is_would_block(ec));

    BOOST_TEST(c.client.write_some(asio::buffer(data1)) == data1.size());
    const std::string got = read_available(c.server);
    BOOST_TEST(got == data1);
    BOOST_TEST(c.server.write_some(asio::buffer(got)) == got.size());
    expect_events(p, evs, {readable(1)});
    BOOST_TEST(c.client.peek(asio::buffer(buf)) == data1.size());
    BOOST_TEST(read_available(c.client) == data1);
    BOOST_TEST(!c.client.take_error());

    const std::array<asio::const_buffer, 2> out{asio::buffer(data1), asio::buffer(data2)};
    BOOST_TEST(c.client.write_some(out) == data1.size() + data2.size());
    char in1[16];
    char in2[15];
    std::memset(in2, '#', sizeof(in2));
    const std::array<asio::mutable_buffer, 2> in{asio::buffer(in1), asio::buffer(in2)};
    BOOST_TEST(c.server.read_some(in) == data1.size() + data2.size());
    BOOST_TEST(std::string(in1, 16) == data1);
    BOOST_TEST(std::string(in2, 14) == data2);
    BOOST_TEST(in2[14] == '#');
}

BOOST_AUTO_TEST_CASE(connect_accepts_every_kind_of_path)
{
    connected c;
    const std::string path = c.dir.file("sock");
    auto a = net::unix_stream::connect(path.c_str());
    auto b = net::unix_stream::connect(std::string_view(path));
    auto e = net::unix_stream::connect(asio::local::stream_protocol::endpoint(path));
    boost::system::error_code ec;
    auto f = net::unix_stream::connect(path, ec);
    BOOST_TEST(!ec);
    for (auto* s : {&a, &b, &e, &f})
        BOOST_TEST(s->peer_endpoint().path() == path);
}

BOOST_AUTO_TEST_CASE(connect_event_then_peer_close_is_readable)
{
    connected c;
    mio::poll p;
    mio::events evs(8);
    register_until_writable(p, evs, c.client, 1);
    c.server.close();
    expected_event e = readable(1);
    e.read_closed = true;
    expect_events(p, evs, {e});
    char buf[8];
    boost::system::error_code ec;
    c.client.read_some(asio::buffer(buf), ec);
    BOOST_TEST(ec == boost::asio::error::eof);
}

BOOST_AUTO_TEST_CASE(pair_is_connected_and_unnamed)
{
    mio::poll p;
    mio::events evs(8);
    auto [s1, s2] = net::unix_stream::pair();
    check_fresh_socket(s1);
    check_fresh_socket(s2);
    p.registry().register_(s1, token(1), interest::readable | interest::writable);
    p.registry().register_(s2, token(2), interest::readable | interest::writable);
    expect_events(p, evs, {writable(1), writable(2)});
    char buf[64];
    boost::system::error_code ec;
    s1.read_some(asio::buffer(buf), ec);
    BOOST_TEST(is_would_block(ec));
    BOOST_TEST(s1.write_some(asio::buffer(data1)) == data1.size());
    BOOST_TEST(read_available(s2) == data1);
    BOOST_TEST(s2.write_some(asio::buffer(data2)) == data2.size());
    BOOST_TEST(read_available(s1) == data2);
    BOOST_TEST(s1.local_endpoint().path().empty());
    BOOST_TEST(s1.peer_endpoint().path().empty());
}

// Unlike a datagram, a stream may move part of a long buffer sequence:
// write_some and read_some transfer a prefix of it (the first 64 buffers,
// one call), and Asio's write and read loop over the rest, losing nothing.
BOOST_AUTO_TEST_CASE(more_than_64_buffers_move_in_part_and_asio_algorithms_finish)
{
    auto [s1, s2] = net::unix_stream::pair();
    std::string out(100, '\0'), in(100, '\0');
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<char>('a' + i % 26);
    const auto out100 = one_byte_buffers<asio::const_buffer>(out, 100);
    const auto in100 = one_byte_buffers<asio::mutable_buffer>(in, 100);

    const std::size_t written = s1.write_some(out100);
    BOOST_TEST(written > 0u);
    BOOST_TEST(written <= 100u);
    BOOST_TEST(read_available(s2) == out.substr(0, written));

    BOOST_TEST(asio::write(s1, out100) == 100u);
    const std::size_t got = s2.read_some(in100);
    BOOST_TEST(got > 0u);
    BOOST_TEST(in.substr(0, got) == out.substr(0, got));
    BOOST_TEST(asio::read(s2, asio::buffer(in) + got) == 100u - got);
    BOOST_TEST(in == out);
}

BOOST_AUTO_TEST_CASE(peer_and_local_endpoints)
{
    connected c;
    BOOST_TEST(c.client.peer_endpoint().path() == c.dir.file("sock"));
    BOOST_TEST(c.client.local_endpoint().path().empty());
    BOOST_TEST(c.server.local_endpoint().path() == c.dir.file("sock"));
}

BOOST_AUTO_TEST_CASE(shutdown_receive_gives_read_closed)
{
    connected c;
    mio::poll p;
    mio::events evs(8);
    register_until_writable(p, evs, c.client, 1);
    c.client.shutdown(net::shutdown_type::receive);
    expect_events(p, evs, {read_closed(1)});
}

BOOST_AUTO_TEST_CASE(shutdown_send_fails_writes_reads_still_work)
{
    restore_default_sigpipe();
    connected c;
    BOOST_TEST(c.server.write_some(asio::buffer(data1)) == data1.size());
    c.client.shutdown(net::shutdown_type::send);
    boost::system::error_code ec;
    c.client.write_some(asio::buffer(data2), ec);
    BOOST_TEST(ec == boost::asio::error::broken_pipe);
    BOOST_TEST(read_available(c.client) == data1);
    char buf[8];
    c.server.read_some(asio::buffer(buf), ec);
    BOOST_TEST(ec == boost::asio::error::eof);
}

BOOST_AUTO_TEST_CASE(shutdown_both_gives_write_closed)
{
    restore_default_sigpipe();
    connected c;
    mio::poll p;
    mio::events evs(8);
    register_until_writable(p, evs, c.client, 1);
    c.client.shutdown(net::shutdown_type::both);
    expect_events(p, evs, {write_closed(1)});
    boost::system::error_code ec;
    c.client.write_some(asio::buffer(data2), ec);
    BOOST_TEST(ec == boost::asio::error::broken_pipe);
}

BOOST_AUTO_TEST_CASE(listener_side_shutdown_send_gives_read_closed)
{
    connected c;
    mio::poll p;
    mio::events evs(8);
    register_until_writable(p, evs, c.client, 1);
    c.server.shutdown(net::shutdown_type::send);
    expect_events(p, evs, {read_closed(1)});
}

BOOST_AUTO_TEST_CASE(event_when_peer_is_closed_reading_side)
{
    // unix_pipe.rs' event_when_sender_is_dropped, for a socket pair.
    mio::poll p;
    mio::events evs(8);
    auto [reader, writer] = net::unix_stream::pair();
    p.registry().register_(reader, token(0), interest::readable);
    BOOST_TEST(writer.write_some(asio::buffer(data1)) == data1.size());
    expect_events(p, evs, {readable(0)});
    writer.close();
    expect_events(p, evs, {read_closed(0)});
    BOOST_TEST(read_available_until_eof(reader) == data1);
}

BOOST_AUTO_TEST_CASE(event_when_peer_is_closed_writing_side)
{
    // unix_pipe.rs' event_when_receiver_is_dropped: the writer sees
    // write-closed, and a write reports EPIPE without SIGPIPE.
    restore_default_sigpipe();
    mio::poll p;
    mio::events evs(8);
    auto [writer, reader] = net::unix_stream::pair();
    p.registry().register_(writer, token(1), interest::writable);
    expect_events(p, evs, {writable(1)});
    reader.close();
    expect_events(p, evs, {write_closed(1)});
    boost::system::error_code ec;
    writer.write_some(asio::buffer(data1), ec);
    BOOST_TEST(ec == boost::asio::error::broken_pipe);
}

BOOST_AUTO_TEST_CASE(register_reregister_deregister)
{
    connected c;
    mio::poll p;
    mio::events evs(8);
    p.registry().register_(c.client, token(1), interest::readable);
    expect_no_events(p, evs);
    p.registry().reregister(c.client, token(1), interest::writable);
    expect_events(p, evs, {writable(1)});
    p.registry().deregister(c.client);
    c.server.write_some(asio::buffer(data1));
    expect_no_events(p, evs);
    BOOST_TEST(read_available(c.client) == data1);
}

BOOST_AUTO_TEST_CASE(release_and_from_native_keep_the_socket)
{
    auto [a, b] = net::unix_stream::pair();
    const int fd = a.release();
    BOOST_TEST(!a.is_open());
    auto adopted = net::unix_stream::from_native(fd);
    BOOST_TEST(adopted.write_some(asio::buffer(data1)) == data1.size());
    BOOST_TEST(read_available(b) == data1);
}
