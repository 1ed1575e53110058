//
// example/echo_connection.hpp: one edge-triggered echo connection, with
// bounded pending output and a complete echo after half-close. Used by
// echo_server.hpp (tcp_server, unix_echo) and asio_hybrid_server.cpp.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// On every event, whatever it says, on_ready() flushes pending output,
// then reads and echoes until read_some reports would_block (the
// edge-triggered rule: no new event comes for data left unread). What the
// peer is not ready to take stays as pending output, and the connection
// has WRITABLE interest exactly while some is pending; the writable event
// brings on_ready() back to flush it.
//
// Two things an echo must get right, and easy to get wrong:
//  - Back-pressure. With max_pending bytes pending it stops reading from
//    that peer, leaving the rest in the kernel, which in turn stops the
//    peer's sends. The readable edge is not lost: reading resumes on the
//    writable event that flushes the output, and goes on to would_block.
//    Without this a client that sends far more than it reads grows the
//    server without bound.
//  - Half-close. End of stream means "the peer sends nothing more", not
//    "the peer is gone": everything read before it is still echoed, and
//    the connection closes only once no output is pending.

#ifndef BOOST_MIO_EXAMPLE_ECHO_CONNECTION_HPP
#define BOOST_MIO_EXAMPLE_ECHO_CONNECTION_HPP

#include "pending_output.hpp"

#include <boost/mio.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

template <class Stream>
class echo_connection
{
public:
    // The most output kept per connection before it stops reading.
    static constexpr std::size_t max_pending = 1024 * 1024;

    // `s` must be registered for READABLE interest alone.
    explicit echo_connection(Stream s) : stream_(std::move(s)) {}

    Stream& stream() { return stream_; }

    // Handles an event for this connection (under token `t` of `r`);
    // `scratch` is a read buffer the caller shares between connections.
    // False once the connection is done: the peer reset it, or it ended
    // its stream and got everything back. Destroying it then closes the
    // socket, which removes it from the poll.
    bool on_ready(const boost::mio::registry& r, boost::mio::token t, std::vector<char>& scratch)
    {
        for (;;)
        {
            if (!flush())
                return false;
            if (read_closed_ || pending_size() >= max_pending)
                break;
            boost::system::error_code ec;
            const std::size_t n = stream_.read_some(boost::asio::buffer(scratch), ec);
            if (ec == boost::asio::error::would_block)
                break;
            if (ec == boost::asio::error::eof)
            {
                read_closed_ = true;
                continue;
            }
            if (ec)
                return false; // reset by the peer, ...
            if (!echo(scratch.data(), n))
                return false;
        }
        if (read_closed_ && pending_size() == 0)
            return false;
        return update_interest(r, t);
    }

private:
    std::size_t pending_size() const { return pending_.size(); }

    // Writes data[0, n) back, keeping what does not fit as pending.
    bool echo(const char* data, std::size_t n) { return pending_.write(stream_, data, n); }

    bool flush() { return pending_.flush(stream_); }

    bool update_interest(const boost::mio::registry& r, boost::mio::token t)
    {
        return pending_.update_interest(stream_, r, t);
    }

    Stream stream_;
    pending_output pending_; // read but not yet echoed
    bool read_closed_ = false;
};

#endif // BOOST_MIO_EXAMPLE_ECHO_CONNECTION_HPP
