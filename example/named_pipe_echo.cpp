//
// example/named_pipe_echo.cpp: an edge-triggered echo server on a Windows
// named pipe (Windows only).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: named_pipe_echo NAME [CLIENTS]
//
// Creates the pipe \\.\pipe\NAME, prints "listening on \\.\pipe\NAME" as
// its first line, and serves its clients one after another: every byte a
// client sends comes back (echo_connection.hpp, as tcp_server does); when
// the client closes its end, the server disconnects and waits for the
// next. Exits with status 0 after CLIENTS clients (default: never) or on
// Ctrl+C (event_loop.hpp).
//
// One pipe instance serves one client at a time; a server for several at
// once keeps one instance per client (named_pipe::create_instance).

#include "echo_connection.hpp"
#include "event_loop.hpp"

#include <boost/mio.hpp>
#include <boost/mio/windows/named_pipe.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mio = boost::mio;
using mio::windows::named_pipe;

namespace {

// The server end of the pipe and the client it serves, if any.
class pipe_server
{
public:
    pipe_server(const mio::registry& r, named_pipe pipe) : registry_(r), pipe_(std::move(pipe))
    {
        // Writable: how connect() reports that a client came.
        registry_.register_(pipe_, token, mio::interest::readable | mio::interest::writable);
    }

    // Handles an event of the pipe (the first call starts listening);
    // returns the number of clients served so far.
    long on_event(std::vector<char>& scratch)
    {
        // A client may come, send and leave before it is seen: go on
        // until something would block.
        while ((client_ || accept()) && !client_->on_ready(registry_, token, scratch))
        {
            // The client is gone and got everything back: the next one.
            pipe_ = std::move(client_->stream());
            client_.reset();
            ++served_;
            pipe_.disconnect();
            registry_.reregister(pipe_, token, mio::interest::readable | mio::interest::writable);
        }
        return served_;
    }

    static constexpr mio::token token{0};

private:
    // True once a client is connected; connect() says would_block until
    // one comes, and the poll then reports writable.
    bool accept()
    {
        boost::system::error_code ec;
        pipe_.connect(ec);
        if (ec == boost::asio::error::would_block)
            return false;
        if (ec)
            throw boost::system::system_error(ec, "connect");
        // echo_connection keeps writable interest only while output pends.
        registry_.reregister(pipe_, token, mio::interest::readable);
        client_.emplace(std::move(pipe_));
        return true;
    }

    const mio::registry& registry_;
    named_pipe pipe_;
    std::optional<echo_connection<named_pipe>> client_;
    long served_ = 0;
};

} // namespace

int main(int argc, char* argv[])
{
    if (argc != 2 && argc != 3)
    {
        std::cerr << "usage: named_pipe_echo NAME [CLIENTS]\n";
        return 2;
    }
    const std::string name = std::string("\\\\.\\pipe\\") + argv[1];
    const long clients = argc == 3 ? std::atol(argv[2]) : -1;
    try
    {
        event_loop loop;
        pipe_server server(loop.registry(), named_pipe::create(name));
        std::cout << "listening on " << name << std::endl;
        std::vector<char> scratch(64 * 1024);
        server.on_event(scratch);
        bool done = false;
        const int status = loop.run([&](const mio::event&) {
            done = clients >= 0 && server.on_event(scratch) >= clients;
            return !done;
        });
        return done ? 0 : status;
    }
    catch (const std::exception& e)
    {
        std::cerr << "named_pipe_echo: " << e.what() << "\n";
        return 1;
    }
}
