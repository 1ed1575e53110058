//
// example/tcp_server.cpp: an edge-triggered TCP echo server on 127.0.0.1.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: tcp_server [PORT]    (default 9000; 0 picks a free port)
//
// Prints "listening on 127.0.0.1:PORT" (the actual port) as its first line,
// then echoes every byte back to its sender, over any number of
// connections and messages of any size (see echo_server.hpp for the event
// loop: token -> connection map, pending output with WRITABLE interest
// while a write would block). TCP_NODELAY is set on every connection so
// echoes leave at once. SIGINT or SIGTERM stops it with exit status 0.
// Benchmarks and the test suite (test/examples_net.cpp) drive it.

#include "command_line.hpp"
#include "echo_server.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/mio.hpp>

#include <iostream>
#include <string>

namespace net = boost::mio::net;

int main(int argc, char* argv[])
{
    return run_main("tcp_server", "[PORT]  (default 9000; 0 picks a free port)", [&] {
        expect_args(argc, 0, 1);
        const unsigned short port = argc > 1 ? port_arg(argv[1]) : 9000;
        auto listener = net::tcp_listener::bind({boost::asio::ip::address_v4::loopback(), port});
        echo_server<net::tcp_listener> server(std::move(listener),
            [](net::tcp_stream& s) {
                boost::system::error_code ec; // a peer gone already is not fatal
                s.set_nodelay(true, ec);
            });
        std::cout << "listening on " << server.local_endpoint() << std::endl;
        return server.run();
    });
}
