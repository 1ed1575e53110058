//
// example/asio_source_echo.cpp: an Asio program whose sockets stay Asio
// sockets, watched by a mio::poll through asio_bridge::as_source.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: asio_source_echo [PORT]    (default 0: the OS picks the port)
//
// The same echo server as asio_hybrid_server (hybrid_server.hpp), but the
// accepted boost::asio::ip::tcp::socket is never handed over: as_source
// views it as a mio event source, and the echo calls the socket's own
// read_some / write_some, which report would_block like mio's streams once
// the socket is in Asio's non-blocking mode (socket.non_blocking(true)). That is the way to add
// readiness-driven code to an Asio program without changing its socket
// types. The one rule: no Asio asynchronous operation may run on a socket
// that mio code reads and writes, or the two would take each other's data.
// On the poll(2) backend a source viewed through its descriptor is
// level-triggered (as in mio), so while a connection has stopped reading
// (too much output pending) its readable events repeat: correct, but
// busier than epoll and kqueue.
// Prints "listening on 127.0.0.1:PORT" first and stops cleanly on SIGTERM
// or SIGINT (exit status 0).

#include "hybrid_server.hpp"

#include <boost/mio/asio_bridge.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <utility>

namespace {

namespace mio = boost::mio;
using boost::system::error_code;

// An Asio socket as the stream echo_connection.hpp expects: the socket's
// own reads and writes, and the three event-source members, which
// forward to as_source (a user type owning a handle does just this).
// It deregisters itself before the socket closes: mio's own sockets do
// that when they close, but an Asio socket knows nothing of the poll, and
// a poll(2) or kqueue backend would keep watching a closed (and soon
// reused) descriptor number.
class asio_stream
{
public:
    explicit asio_stream(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}
    asio_stream(asio_stream&& o) noexcept
        : socket_(std::move(o.socket_)), registry_(std::exchange(o.registry_, nullptr))
    {
    }
    asio_stream& operator=(asio_stream&&) = delete;
    ~asio_stream()
    {
        error_code ignored; // closing anyway
        if (registry_ != nullptr)
            deregister(*registry_, ignored);
    }

    template <class Buffers>
    std::size_t read_some(const Buffers& b, error_code& ec)
    {
        return socket_.read_some(b, ec);
    }
    template <class Buffers>
    std::size_t write_some(const Buffers& b, error_code& ec)
    {
        return socket_.write_some(b, ec);
    }

    void register_(const mio::registry& r, mio::token t, mio::interest i, error_code& ec)
    {
        mio::asio_bridge::as_source(socket_).register_(r, t, i, ec);
        if (!ec)
            registry_ = &r;
    }
    void reregister(const mio::registry& r, mio::token t, mio::interest i, error_code& ec)
    {
        mio::asio_bridge::as_source(socket_).reregister(r, t, i, ec);
    }
    void deregister(const mio::registry& r, error_code& ec)
    {
        mio::asio_bridge::as_source(socket_).deregister(r, ec);
        registry_ = nullptr;
    }

private:
    boost::asio::ip::tcp::socket socket_;
    const mio::registry* registry_ = nullptr; // while registered
};

struct as_source_adopter
{
    using stream_type = asio_stream;

    static stream_type adopt(boost::asio::ip::tcp::socket&& socket, error_code& ec)
    {
        // as_source makes the descriptor non-blocking (native_non_blocking),
        // but Asio's synchronous read_some and write_some would still wait
        // for readiness themselves, in poll(), blocking the whole loop:
        // non_blocking(true) makes them report would_block instead.
        socket.non_blocking(true, ec);
        return asio_stream(std::move(socket));
    }
};

} // namespace

int main(int argc, char* argv[])
{
    return hybrid::run_hybrid_server<as_source_adopter>("asio_source_echo", argc, argv);
}
