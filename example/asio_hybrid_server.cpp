//
// example/asio_hybrid_server.cpp: an Asio acceptor hands its connections to
// mio-style code, through the Asio bridge: each accepted socket changes
// owner with to_mio and becomes a mio::net::tcp_stream.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: asio_hybrid_server [PORT]    (default 0: the OS picks the port)
//
// The server is hybrid_server.hpp (async_accept, a poll_driver running the
// mio::poll inside the io_context, echo_connection.hpp's echo). Prints
// "listening on 127.0.0.1:PORT" first and stops cleanly on SIGTERM or
// SIGINT (exit status 0). asio_source_echo.cpp is the same server keeping
// the Asio sockets.

#include "hybrid_server.hpp"

#include <boost/mio/asio_bridge.hpp>

#include <utility>

namespace {

// to_mio moves the OS handle into a mio stream; nothing queued is lost.
struct to_mio_adopter
{
    using stream_type = boost::mio::net::tcp_stream;

    static stream_type adopt(boost::asio::ip::tcp::socket&& socket, boost::system::error_code& ec)
    {
        return boost::mio::asio_bridge::to_mio(std::move(socket), ec);
    }
};

} // namespace

int main(int argc, char* argv[])
{
    return hybrid::run_hybrid_server<to_mio_adopter>("asio_hybrid_server", argc, argv);
}
