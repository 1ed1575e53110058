//
// example/unix_echo.cpp: an edge-triggered echo server on a Unix socket.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: unix_echo PATH       (a leading '@' means an abstract name)
//
// Prints "listening on PATH" as its first line, echoes every byte back to
// its sender (the same event loop as tcp_server: echo_server.hpp), and on
// SIGINT or SIGTERM removes the socket file and exits with status 0.
// A path that exists already is refused (EADDRINUSE): remove a stale
// socket file yourself, so that a mistyped path never deletes a file.

#include "echo_server.hpp"

#include <boost/mio.hpp>

#include <exception>
#include <iostream>
#include <string>
#include <unistd.h>

namespace net = boost::mio::net;

int main(int argc, char* argv[])
{
    if (argc != 2)
    {
        std::cerr << "usage: unix_echo PATH\n";
        return 2;
    }
    const std::string shown = argv[1];
    std::string name = shown;
    const bool abstract = !name.empty() && name[0] == '@';
    if (abstract)
        name[0] = '\0';
    try
    {
        echo_server<net::unix_listener> server(net::unix_listener::bind(name));
        std::cout << "listening on " << shown << std::endl;
        const int status = server.run();
        if (!abstract)
            ::unlink(name.c_str());
        return status;
    }
    catch (const std::exception& e)
    {
        std::cerr << "unix_echo: " << e.what() << "\n";
        return 1;
    }
}
