//
// test/unix_abstract_name_read_back.cpp: an abstract Unix name that ends in
// a NUL byte is read back exactly (found by fuzz/unix_path.cpp).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Abstract names are binary: "\0name\0" (6 bytes) and "\0name" (5 bytes)
// are two different sockets, and the kernel reports the exact length. Asio's
// endpoint::resize() takes a trailing NUL for a path's terminator and drops
// it, so the name reads back one byte short: a reply sent to the address
// receive_from returned goes to another socket, or nowhere.
//
// basic_socket::set_endpoint_size keeps that byte.
#define BOOST_TEST_MODULE unix_abstract_name_read_back
#include "util.hpp"
#include "net_util.hpp"

#include <string>

namespace {

using namespace mio_test;
using boost::system::error_code;

// Unique to this process, and ending in a NUL byte.
std::string name_ending_in_nul(const std::string& tag)
{
    return abstract_name(tag) + std::string(1, '\0');
}

} // namespace

BOOST_AUTO_TEST_CASE(listener_local_endpoint)
{
    const std::string name = name_ending_in_nul("listener");
    auto l = net::unix_listener::bind(name);
    BOOST_TEST(l.local_endpoint().path() == name);
}

BOOST_AUTO_TEST_CASE(stream_peer_endpoint)
{
    const std::string name = name_ending_in_nul("stream");
    auto l = net::unix_listener::bind(name);
    auto c = net::unix_stream::connect(name);
    BOOST_TEST(c.peer_endpoint().path() == name);
}

BOOST_AUTO_TEST_CASE(datagram_receive_from_names_the_sender)
{
    auto receiver = net::unix_datagram::bind(abstract_name("receiver"));
    const std::string name = name_ending_in_nul("sender");
    auto sender = net::unix_datagram::bind(name);
    BOOST_TEST(sender.local_endpoint().path() == name);
    sender.send_to(asio::buffer("x", 1), receiver.local_endpoint());
    char byte = 0;
    auto [n, from] = receiver.receive_from(asio::buffer(&byte, 1));
    BOOST_TEST(n == 1u);
    BOOST_TEST(from.path() == name, "a reply to this address would not reach the sender");
}

BOOST_AUTO_TEST_CASE(the_name_without_the_nul_is_another_socket)
{
    // Why the byte matters: both names can be bound at once.
    const std::string with = name_ending_in_nul("pair");
    const std::string without = with.substr(0, with.size() - 1);
    auto a = net::unix_listener::bind(with);
    error_code ec;
    auto b = net::unix_listener::bind(without, ec);
    BOOST_TEST(!ec, ec.message());
}
