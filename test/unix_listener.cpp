//
// test/unix_listener.cpp: mio's tests/unix_listener.rs, ported.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/net/unix_listener.hpp>

#define BOOST_TEST_MODULE unix_listener
#include "util.hpp"
#include "net_util.hpp"

#include <string>
#include <string_view>
#include <sys/stat.h>
#include <type_traits>

using namespace mio_test;
using mio::interest;
using mio::token;
using local_endpoint = asio::local::stream_protocol::endpoint;

static_assert(std::is_nothrow_default_constructible_v<net::unix_listener>);
static_assert(std::is_nothrow_move_constructible_v<net::unix_listener>);
static_assert(!std::is_copy_constructible_v<net::unix_listener>);
static_assert(mio::is_event_source_v<net::unix_listener>);
static_assert(std::is_same_v<decltype(std::declval<net::unix_listener&>().accept()),
    std::pair<net::unix_stream, local_endpoint>>);

BOOST_AUTO_TEST_CASE(bind_accepts_every_kind_of_path_without_ambiguity)
{
    temp_dir dir;
    const std::string s = dir.file("string");
    auto a = net::unix_listener::bind(dir.file("literal").c_str());   // const char*
    auto b = net::unix_listener::bind(s);                              // std::string
    auto c = net::unix_listener::bind(std::string_view(dir.file("view")));
    auto d = net::unix_listener::bind(local_endpoint(dir.file("endpoint")));
    boost::system::error_code ec;
    auto e = net::unix_listener::bind(dir.file("ec").c_str(), ec);
    BOOST_TEST(!ec);
    for (auto* l : {&a, &b, &c, &d, &e})
        check_fresh_socket(*l);
    BOOST_TEST(b.local_endpoint().path() == s);
    struct stat st;
    BOOST_TEST(::stat(s.c_str(), &st) == 0);
    BOOST_TEST(S_ISSOCK(st.st_mode));
}

BOOST_AUTO_TEST_CASE(relative_path_literal_compiles_and_binds)
{
    // bind("sock") must pick the path overload, not be ambiguous with the
    // endpoint's converting constructor.
    temp_dir dir;
    char cwd[4096];
    BOOST_REQUIRE(::getcwd(cwd, sizeof(cwd)) != nullptr);
    BOOST_REQUIRE(::chdir(dir.path().c_str()) == 0);
    boost::system::error_code ec;
    auto l = net::unix_listener::bind("sock", ec);
    BOOST_REQUIRE(::chdir(cwd) == 0);
    BOOST_TEST(!ec);
    BOOST_TEST(l.local_endpoint().path() == "sock");
}

BOOST_AUTO_TEST_CASE(smoke)
{
    temp_dir dir;
    mio::poll p;
    mio::events evs(8);
    auto l = net::unix_listener::bind(dir.file("any"));
    p.registry().register_(l, token(1), interest::readable | interest::writable);
    expect_no_events(p, evs);

    auto c = net::unix_stream::connect(dir.file("any"));
    expect_events(p, evs, {readable(1)});
    auto [s, peer] = l.accept();
    check_fresh_socket(s);
    BOOST_TEST(peer.path().empty()); // the client is unnamed
    BOOST_TEST(s.local_endpoint().path() == dir.file("any"));
    char buf[16];
    boost::system::error_code ec;
    s.read_some(asio::buffer(buf), ec);
    BOOST_TEST(is_would_block(ec));
    l.accept(ec);
    BOOST_TEST(is_would_block(ec));
    BOOST_TEST(!l.take_error());
}

BOOST_AUTO_TEST_CASE(abstract_name_binds_and_connects)
{
    mio::poll p;
    mio::events evs(8);
    const std::string name = abstract_name("listener");
    auto l = net::unix_listener::bind(name);
    BOOST_TEST(l.local_endpoint().path() == name);
    p.registry().register_(l, token(1), interest::readable);
    auto c = net::unix_stream::connect(name);
    expect_events(p, evs, {readable(1)});
    BOOST_TEST(l.accept().first.peer_endpoint().path().empty());
    BOOST_TEST(c.peer_endpoint().path() == name);
}

BOOST_AUTO_TEST_CASE(accept_reports_a_named_peer)
{
    // A client socket bound before connecting is reported by its name.
    temp_dir dir;
    auto l = net::unix_listener::bind(dir.file("server"));
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    BOOST_REQUIRE(fd >= 0);
    const local_endpoint client_name(dir.file("client"));
    BOOST_REQUIRE(::bind(fd, client_name.data(), static_cast<socklen_t>(client_name.size())) == 0);
    const local_endpoint server_name(dir.file("server"));
    BOOST_REQUIRE(::connect(fd, server_name.data(), static_cast<socklen_t>(server_name.size())) == 0);
    auto [s, peer] = l.accept();
    BOOST_TEST(peer.path() == dir.file("client"));
    BOOST_TEST(s.peer_endpoint().path() == dir.file("client"));
    ::close(fd);
}

// A peer bound to a name that fills sun_path is accepted and named exactly
// (it used to be closed, with ENAMETOOLONG): a connection taken from the
// kernel is never dropped for its address.
BOOST_AUTO_TEST_CASE(accept_reads_back_a_peer_name_filling_sun_path)
{
    temp_dir dir;
    const std::string server_name = dir.file("server");
    auto server = net::unix_listener::bind(server_name);
    const auto connect_from = [&](const std::string& name) {
        auto client = net::unix_stream::from_native(raw_unix_socket(SOCK_STREAM, name));
        raw_connect(client.native_handle(), server_name);
        BOOST_TEST(client.write_some(asio::buffer("hi", 2)) == 2u);
        return client;
    };
    const auto check = [&](net::unix_stream& s, const std::string& name) {
        BOOST_TEST_REQUIRE(s.is_open());
        BOOST_TEST(s.peer_endpoint().path() == name);
        boost::system::error_code ec;
        BOOST_TEST(s.peer_endpoint(ec).path() == name);
        BOOST_TEST(!ec);
        BOOST_TEST(read_available(s) == "hi");
    };
    for (const char tag : {'a', 'b'})
    {
        for (const std::string& name : names_filling_sun_path(dir, tag))
        {
            auto client = connect_from(name);
            boost::system::error_code ec;
            auto [s, peer] = tag == 'a' ? server.accept(ec) : server.accept();
            BOOST_TEST(!ec);
            BOOST_TEST(peer.path() == name);
            check(s, name);
        }
    }
}

// local_endpoint and peer_endpoint of names that fill sun_path, bound by
// other code (the library binds at most 107 bytes).
BOOST_AUTO_TEST_CASE(endpoints_of_names_filling_sun_path_read_back_exactly)
{
    temp_dir dir;
    for (const std::string& name : names_filling_sun_path(dir, 'e'))
    {
        const int fd = raw_unix_socket(SOCK_STREAM, name);
        BOOST_REQUIRE(::listen(fd, 8) == 0);
        auto listener = net::unix_listener::from_native(fd);
        boost::system::error_code ec;
        BOOST_TEST(listener.local_endpoint().path() == name);
        BOOST_TEST(listener.local_endpoint(ec).path() == name);
        BOOST_TEST(!ec);

        auto client = net::unix_stream::from_native(
            ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        raw_connect(client.native_handle(), name);
        BOOST_TEST(client.peer_endpoint().path() == name);
        BOOST_TEST(client.peer_endpoint(ec).path() == name);
        BOOST_TEST(!ec);
        auto [s, peer] = listener.accept();
        BOOST_TEST(s.local_endpoint().path() == name);
        BOOST_TEST(peer.path().empty()); // the client is unnamed
    }
}

BOOST_AUTO_TEST_CASE(binding_an_existing_path_is_address_in_use)
{
    temp_dir dir;
    auto l = net::unix_listener::bind(dir.file("taken"));
    boost::system::error_code ec;
    auto again = net::unix_listener::bind(dir.file("taken"), ec);
    BOOST_TEST(ec == boost::asio::error::address_in_use);
    BOOST_TEST(!again.is_open());
}

BOOST_AUTO_TEST_CASE(reregister_and_deregister)
{
    temp_dir dir;
    mio::poll p;
    mio::events evs(8);
    auto l = net::unix_listener::bind(dir.file("any"));
    p.registry().register_(l, token(1), interest::writable);
    auto c1 = net::unix_stream::connect(dir.file("any"));
    expect_no_events(p, evs);
    p.registry().reregister(l, token(1), interest::readable);
    expect_events(p, evs, {readable(1)});
    BOOST_TEST(l.accept().first.is_open());

    p.registry().deregister(l);
    auto c2 = net::unix_stream::connect(dir.file("any"));
    expect_no_events(p, evs);
    BOOST_TEST(l.accept().first.is_open());
}

BOOST_AUTO_TEST_CASE(listener_with_two_polls_in_turn)
{
    temp_dir dir;
    mio::poll p1, p2;
    mio::events evs(8);
    auto l = net::unix_listener::bind(dir.file("any"));
    p1.registry().register_(l, token(1), interest::readable);
    auto c1 = net::unix_stream::connect(dir.file("any"));
    expect_events(p1, evs, {readable(1)});
    BOOST_TEST(l.accept().first.is_open());
    p1.registry().deregister(l);
    p2.registry().register_(l, token(2), interest::readable);
    auto c2 = net::unix_stream::connect(dir.file("any"));
    expect_events(p2, evs, {readable(2)});
    expect_no_events(p1, evs);
    BOOST_TEST(l.accept().first.is_open());
}

BOOST_AUTO_TEST_CASE(release_and_from_native_keep_the_socket)
{
    temp_dir dir;
    auto l = net::unix_listener::bind(dir.file("any"));
    const int fd = l.release();
    BOOST_TEST(!l.is_open());
    auto adopted = net::unix_listener::from_native(fd);
    BOOST_TEST(adopted.local_endpoint().path() == dir.file("any"));
}
