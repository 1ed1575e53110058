//
// test/fd_flags.cpp: every socket the library creates or accepts is
// non-blocking and close-on-exec, on every path detail/fd_flags.hpp takes
// (SOCK_CLOEXEC and accept4 on Linux; socket()/accept() and fcntl with
// BOOST_MIO_NO_LINUX_EXTENSIONS, the path macOS takes). Pipes and the
// poll's own fds: test/cloexec.cpp.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#include <boost/mio.hpp>

#define BOOST_TEST_MODULE fd_flags
#include "net_util.hpp"

#include <string>

namespace mio = boost::mio;
namespace net = boost::mio::net;
using namespace mio_test;

namespace {

template <class Socket>
void check_flags(const Socket& s, const char* what)
{
    BOOST_TEST_REQUIRE(s.is_open(), what);
    BOOST_TEST(is_cloexec(s.native_handle()), what << " is close-on-exec");
    BOOST_TEST(is_nonblocking(s.native_handle()), what << " is non-blocking");
}

// Waits (bounded) until `l` has a connection to accept.
template <class Listener>
auto accept_one(Listener& l)
{
    wait_until_readable(l);
    return l.accept();
}

} // namespace

BOOST_AUTO_TEST_CASE(tcp_sockets_are_nonblocking_and_cloexec)
{
    auto listener = net::tcp_listener::bind(local_v4());
    check_flags(listener, "tcp_listener");
    auto client = net::tcp_stream::connect(listener.local_endpoint());
    check_flags(client, "connecting tcp_stream");
    auto [accepted, peer] = accept_one(listener);
    check_flags(accepted, "accepted tcp_stream");
    BOOST_TEST(peer == client.local_endpoint());
}

BOOST_AUTO_TEST_CASE(udp_sockets_are_nonblocking_and_cloexec)
{
    check_flags(net::udp_socket::bind(udp_local_v4()), "udp_socket (v4)");
    check_flags(net::udp_socket::bind(udp_local_v6()), "udp_socket (v6)");
}

BOOST_AUTO_TEST_CASE(unix_sockets_are_nonblocking_and_cloexec)
{
    temp_dir dir;
    const std::string path = dir.file("s");
    auto listener = net::unix_listener::bind(path);
    check_flags(listener, "unix_listener");
    auto client = net::unix_stream::connect(path);
    check_flags(client, "connecting unix_stream");
    auto [accepted, peer] = accept_one(listener);
    check_flags(accepted, "accepted unix_stream");

    auto [a, b] = net::unix_stream::pair();
    check_flags(a, "unix_stream::pair first");
    check_flags(b, "unix_stream::pair second");

    auto [c, d] = net::unix_datagram::pair();
    check_flags(c, "unix_datagram::pair first");
    check_flags(d, "unix_datagram::pair second");
    check_flags(net::unix_datagram::unbound(), "unix_datagram::unbound");
    check_flags(net::unix_datagram::bind(dir.file("d")), "unix_datagram::bind");
}
