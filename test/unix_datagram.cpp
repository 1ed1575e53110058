//
// test/unix_datagram.cpp: mio's tests/unix_datagram.rs, ported (and its
// regression issue_1403: a datagram from an unbound socket).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/net/unix_datagram.hpp>

#define BOOST_TEST_MODULE unix_datagram
#include "util.hpp"
#include "net_util.hpp"

#include <array>
#include <string>
#include <string_view>
#include <type_traits>

using namespace mio_test;
using mio::interest;
using mio::token;
using dgram_endpoint = asio::local::datagram_protocol::endpoint;

static_assert(std::is_nothrow_default_constructible_v<net::unix_datagram>);
static_assert(std::is_nothrow_move_constructible_v<net::unix_datagram>);
static_assert(!std::is_copy_constructible_v<net::unix_datagram>);
static_assert(mio::is_event_source_v<net::unix_datagram>);

namespace {

const std::string& data1 = datagram1;
const std::string& data2 = datagram2;

} // namespace

BOOST_AUTO_TEST_CASE(unconnected_smoke)
{
    temp_dir dir;
    auto d1 = net::unix_datagram::bind(dir.file("one"));
    auto d2 = net::unix_datagram::bind(dir.file("two"));
    BOOST_TEST(d1.local_endpoint().path() == dir.file("one"));
    exchange_unconnected(d1, d2);
}

BOOST_AUTO_TEST_CASE(connected_smoke_with_every_kind_of_path)
{
    temp_dir dir;
    const std::string path1 = dir.file("one"), path2 = dir.file("two");
    auto d1 = net::unix_datagram::bind(path1.c_str());
    auto d2 = net::unix_datagram::bind(std::string_view(path2));
    d1.connect(path2);
    d2.connect(dgram_endpoint(path1));
    BOOST_TEST(d1.peer_endpoint().path() == path2);
    BOOST_TEST(d2.peer_endpoint().path() == path1);
    exchange_connected(d1, d2);
}

BOOST_AUTO_TEST_CASE(send_to_a_path_or_an_endpoint)
{
    temp_dir dir;
    auto d1 = net::unix_datagram::bind(dir.file("one"));
    auto d2 = net::unix_datagram::bind(dir.file("two"));
    BOOST_TEST(d1.send_to(asio::buffer(data1), dir.file("two")) == data1.size());
    BOOST_TEST(d1.send_to(asio::buffer(data1), dir.file("two").c_str()) == data1.size());
    BOOST_TEST(d1.send_to(asio::buffer(data1), dgram_endpoint(dir.file("two"))) == data1.size());
    char buf[64];
    for (int i = 0; i < 3; ++i)
    {
        auto [n, from] = d2.receive_from(asio::buffer(buf));
        BOOST_TEST(std::string(buf, n) == data1);
        BOOST_TEST(from.path() == dir.file("one"));
    }
}

BOOST_AUTO_TEST_CASE(connect_to_itself)
{
    temp_dir dir;
    auto d = net::unix_datagram::bind(dir.file("self"));
    d.connect(d.local_endpoint());
    BOOST_TEST(d.send(asio::buffer(data1)) == data1.size());
    char buf[64];
    BOOST_TEST(d.receive(asio::buffer(buf)) == data1.size());
}

BOOST_AUTO_TEST_CASE(pair_is_connected)
{
    auto [d1, d2] = net::unix_datagram::pair();
    exchange_connected(d1, d2);
    BOOST_TEST(d1.local_endpoint().path().empty());
}

BOOST_AUTO_TEST_CASE(several_buffers_are_one_datagram_and_empty_datagrams_arrive)
{
    auto [d1, d2] = net::unix_datagram::pair();
    const std::array<asio::const_buffer, 2> out{asio::buffer(data1), asio::buffer(data2)};
    BOOST_TEST(d1.send(out) == data1.size() + data2.size());
    BOOST_TEST(d1.send(asio::const_buffer()) == 0u);
    char a[12], b[32]; // a: exactly data1
    const std::array<asio::mutable_buffer, 2> in{asio::buffer(a), asio::buffer(b)};
    BOOST_TEST(d2.receive(in) == data1.size() + data2.size());
    BOOST_TEST(std::string(a, sizeof(a)) == data1);
    BOOST_TEST(std::string(b, data2.size()) == data2);
    boost::system::error_code ec;
    BOOST_TEST(d2.receive(in, ec) == 0u); // the empty datagram: not eof
    BOOST_TEST(!ec);
    d2.receive(in, ec);
    BOOST_TEST(is_would_block(ec));
}

BOOST_AUTO_TEST_CASE(datagram_of_more_than_64_buffers_is_all_or_nothing)
{
    auto [tx, rx] = net::unix_datagram::pair();
    check_datagrams_of_many_buffers(tx, rx);
}

BOOST_AUTO_TEST_CASE(shutdown_gives_read_closed_then_write_closed)
{
    restore_default_sigpipe();
    temp_dir dir;
    mio::poll p;
    mio::events evs(8);
    auto d1 = net::unix_datagram::bind(dir.file("one"));
    auto d2 = net::unix_datagram::bind(dir.file("two"));
    p.registry().register_(d1, token(1), interest::readable | interest::writable);
    p.registry().register_(d2, token(2), interest::readable | interest::writable);
    d1.connect(dir.file("two"));
    expect_events(p, evs, {writable(1)});
    BOOST_TEST(d1.send(asio::buffer(data1)) == data1.size());
    expect_events(p, evs, {readable(2)});
    d1.shutdown(net::shutdown_type::receive);
    expect_events(p, evs, {read_closed(1)});
    d1.shutdown(net::shutdown_type::send);
    expect_events(p, evs, {write_closed(1)});
    boost::system::error_code ec;
    d1.send(asio::buffer(data2), ec);
    BOOST_TEST(ec == boost::asio::error::broken_pipe);
    BOOST_TEST(!d1.take_error());
}

BOOST_AUTO_TEST_CASE(unbound_sender_is_an_empty_path)
{
    // mio's regression issue_1403.
    temp_dir dir;
    auto d1 = net::unix_datagram::bind(dir.file("bound"));
    auto d2 = net::unix_datagram::unbound();
    check_fresh_socket(d2);
    const std::string big(1024, '\1');
    const std::size_t n = d2.send_to(asio::buffer(big), dir.file("bound"));
    BOOST_TEST(n == big.size());
    char buf[1024];
    auto [got, from] = d1.receive_from(asio::buffer(buf));
    BOOST_TEST(got == n);
    BOOST_TEST(from.path().empty());
}

// A sender bound to a name that fills sun_path is read back exactly (its
// datagrams used to be taken and dropped with ENAMETOOLONG), by every
// receiving call, and the name read back can be replied to and connected to.
BOOST_AUTO_TEST_CASE(receive_from_reads_back_a_sender_name_filling_sun_path)
{
    temp_dir dir;
    auto rx = net::unix_datagram::bind(dir.file("rx"));
    for (const std::string& name : names_filling_sun_path(dir, 's'))
    {
        auto tx = net::unix_datagram::from_native(raw_unix_socket(SOCK_DGRAM, name));
        boost::system::error_code ec;
        BOOST_TEST(tx.local_endpoint().path() == name);
        BOOST_TEST(tx.local_endpoint(ec).path() == name);
        BOOST_TEST(!ec);
        for (const std::string& d : {data1, data2})
            BOOST_TEST(tx.send_to(asio::buffer(d), dir.file("rx")) == d.size());

        char buf[64];
        auto [peeked, peeked_from] = rx.peek_from(asio::buffer(buf), ec);
        BOOST_TEST(!ec);
        BOOST_TEST(std::string(buf, peeked) == data1);
        BOOST_TEST(peeked_from.path() == name);
        auto [n1, from1] = rx.receive_from(asio::buffer(buf), ec);
        BOOST_TEST(!ec);
        BOOST_TEST(std::string(buf, n1) == data1);
        BOOST_TEST(from1.path() == name);
        auto [n2, from2] = rx.receive_from(asio::buffer(buf));
        BOOST_TEST(std::string(buf, n2) == data2);
        BOOST_TEST(from2.path() == name);

        BOOST_TEST(rx.send_to(asio::buffer(data2), from2) == data2.size());
        BOOST_TEST(tx.receive(asio::buffer(buf)) == data2.size());
        auto connected = net::unix_datagram::unbound();
        connected.connect(from2);
        BOOST_TEST(connected.peer_endpoint().path() == name);
        BOOST_TEST(connected.peer_endpoint(ec).path() == name);
        BOOST_TEST(!ec);
    }
}

BOOST_AUTO_TEST_CASE(abstract_names)
{
    const std::string name1 = abstract_name("dgram1"), name2 = abstract_name("dgram2");
    auto d1 = net::unix_datagram::bind(name1);
    auto d2 = net::unix_datagram::bind(name2);
    BOOST_TEST(d1.local_endpoint().path() == name1);
    BOOST_TEST(d1.send_to(asio::buffer(data1), name2) == data1.size());
    char buf[64];
    auto [n, from] = d2.receive_from(asio::buffer(buf));
    BOOST_TEST(n == data1.size());
    BOOST_TEST(from.path() == name1);
}

BOOST_AUTO_TEST_CASE(register_reregister_deregister)
{
    temp_dir dir;
    mio::poll p;
    mio::events evs(8);
    auto d1 = net::unix_datagram::bind(dir.file("one"));
    p.registry().register_(d1, token(1), interest::readable);
    expect_no_events(p, evs);
    auto d2 = net::unix_datagram::bind(dir.file("two"));
    d2.connect(dir.file("one"));
    p.registry().reregister(d1, token(1), interest::writable);
    expect_events(p, evs, {writable(1)});
    p.registry().deregister(d1);
    BOOST_TEST(d2.send(asio::buffer(data1)) == data1.size());
    expect_no_events(p, evs);
    char buf[64];
    BOOST_TEST(d1.receive(asio::buffer(buf)) == data1.size());
}

BOOST_AUTO_TEST_CASE(release_and_from_native_keep_the_socket)
{
    temp_dir dir;
    auto d = net::unix_datagram::bind(dir.file("one"));
    const int fd = d.release();
    BOOST_TEST(!d.is_open());
    auto adopted = net::unix_datagram::from_native(fd);
    BOOST_TEST(adopted.local_endpoint().path() == dir.file("one"));
}
