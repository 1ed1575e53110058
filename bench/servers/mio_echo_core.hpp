//
// bench/servers/mio_echo_core.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The Boost.Mio echo server without its event loop, shared by
// mio_echo.cpp (a poll::wait loop) and bridge_driver_echo.cpp (the same
// events delivered by asio_bridge::basic_poll_driver). It is
// raw_epoll_echo.c line for line, with the library in place of the
// syscalls (registry for epoll_ctl, tcp_listener/tcp_stream for
// accept4/read/write), so the difference between the two is what the
// library costs. Like it, a read that returns less than the buffer holds
// ends the drain (poll::short_read_drains), except when the event
// reported the end of stream or an error.
//
// With -DBENCH_COUNT_ALLOC (and common/count_alloc.cpp linked in) the
// heap allocations made inside every wait, read, write,
// register/reregister/deregister and accept are charged to that kind of
// call; print_allocations() prints the totals (scenario 5).

#ifndef BENCH_MIO_ECHO_CORE_HPP
#define BENCH_MIO_ECHO_CORE_HPP

#include <boost/mio/net/tcp_listener.hpp>
#include <boost/mio/net/tcp_stream.hpp>
#include <boost/mio/poll.hpp>

#include "bench_common.h"
#include "count_alloc.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <cstring>
#include <memory>
#include <vector>

namespace bench {

namespace mio = boost::mio;
using boost::asio::ip::tcp;

inline bench_alloc_category wait_calls{"wait"}, read_calls{"read"}, write_calls{"write"},
    register_calls{"register"}, accept_calls{"accept"};

struct connection
{
    explicit connection(mio::net::tcp_stream s) : stream(std::move(s)) {}
    mio::net::tcp_stream stream;
    std::vector<char> pending; // unsent tail of an echo
    std::size_t pending_off = 0;
};

inline const mio::token listener_token(0);
inline char buffer[BENCH_READ_BUFFER];

// The whole server but its event loop: it registers with `r` and handles
// the events of its tokens.
class echo_core
{
public:
    echo_core(const mio::registry& r, int port)
        : registry_(r),
          listener_(mio::net::tcp_listener::bind(
              tcp::endpoint(boost::asio::ip::address_v4::loopback(), static_cast<unsigned short>(port))))
    {
        registry_.register_(listener_, listener_token, mio::interest::readable);
        bench_announce(listener_.local_endpoint().port());
    }

    // Connections open now (the loop polls before blocking only when
    // there is more than one: BENCH_IDLE_POLLS).
    std::size_t open_connections() const noexcept { return conns_.size() - free_.size(); }

    void on_event(const mio::event& e)
    {
        if (e.token() == listener_token)
            return on_accept();
        const std::size_t slot = e.token().value() - 1;
        connection* c = slot < conns_.size() ? conns_[slot].get() : nullptr;
        if (c == nullptr)
            return;
        if (!c->pending.empty())
        {
            if (e.is_writable() || e.is_error() || e.is_write_closed())
                on_writable(slot, *c);
        }
        else if (e.is_readable() || e.is_error() || e.is_read_closed())
            on_readable(slot, *c, !(e.is_error() || e.is_read_closed()));
    }

private:
    void on_accept()
    {
        for (;;)
        {
            boost::system::error_code ec;
            auto accepted = BENCH_COUNTED(accept_calls, listener_.accept(ec));
            if (ec)
                return; // would_block, or out of fds: retried on the next edge
            mio::net::tcp_stream& s = accepted.first;
            s.set_nodelay(true, ec);
            const std::size_t slot = free_slot();
            conns_[slot] = std::make_unique<connection>(std::move(s));
            BENCH_COUNTED(register_calls, registry_.register_(conns_[slot]->stream,
                mio::token(slot + 1), mio::interest::readable, ec));
            if (ec)
                bench_die("register_");
        }
    }

    // Reads until would-block (or, with may_stop_short, until a short
    // read), echoing each chunk.
    void on_readable(std::size_t slot, connection& c, bool may_stop_short)
    {
        may_stop_short = may_stop_short && mio::poll::short_read_drains;
        for (;;)
        {
            boost::system::error_code ec;
            const std::size_t n = BENCH_COUNTED(read_calls,
                c.stream.read_some(boost::asio::buffer(buffer), ec));
            if (ec)
            {
                if (ec != boost::asio::error::would_block)
                    close(slot);
                return;
            }
            std::size_t done = 0;
            if (!write_all(c, buffer, n, done, ec))
            {
                if (ec)
                    return close(slot);
                return keep_pending(slot, c, buffer + done, n - done);
            }
            if (may_stop_short && n < sizeof buffer)
                return;
        }
    }

    void on_writable(std::size_t slot, connection& c)
    {
        boost::system::error_code ec;
        if (!write_all(c, c.pending.data(), c.pending.size(), c.pending_off, ec))
        {
            if (ec)
                close(slot);
            return;
        }
        c.pending.clear();
        set_writable_interest(slot, c, false);
        // Reading stopped before would-block, so no new edge will come for
        // the data already queued: continue now, to would-block (input
        // events were not looked at while output was pending, so an end of
        // stream may be among them).
        on_readable(slot, c, false);
    }

    // True when all was written; false with `ec` clear when the socket is
    // full, false with `ec` set when the connection failed.
    static bool write_all(connection& c, const char* data, std::size_t size,
        std::size_t& done, boost::system::error_code& ec)
    {
        while (done < size)
        {
            done += BENCH_COUNTED(write_calls,
                c.stream.write_some(boost::asio::buffer(data + done, size - done), ec));
            if (ec)
            {
                if (ec == boost::asio::error::would_block)
                    ec.clear();
                return false;
            }
        }
        return true;
    }

    void keep_pending(std::size_t slot, connection& c, const char* data, std::size_t size)
    {
        c.pending.assign(data, data + size);
        c.pending_off = 0;
        set_writable_interest(slot, c, true);
    }

    void set_writable_interest(std::size_t slot, connection& c, bool on)
    {
        const mio::interest i = on ? mio::interest::readable | mio::interest::writable
                                   : mio::interest::readable;
        boost::system::error_code ec;
        BENCH_COUNTED(register_calls, registry_.reregister(c.stream, mio::token(slot + 1), i, ec));
        if (ec)
            bench_die("reregister");
    }

    void close(std::size_t slot)
    {
        boost::system::error_code ec;
        BENCH_COUNTED(register_calls, registry_.deregister(conns_[slot]->stream, ec));
        conns_[slot].reset();
        free_.push_back(slot);
    }

    std::size_t free_slot()
    {
        if (!free_.empty())
        {
            const std::size_t s = free_.back();
            free_.pop_back();
            return s;
        }
        conns_.emplace_back();
        return conns_.size() - 1;
    }

    const mio::registry& registry_;
    mio::net::tcp_listener listener_;
    std::vector<std::unique_ptr<connection>> conns_;
    std::vector<std::size_t> free_;
};

inline void print_allocations()
{
#if defined(BENCH_COUNT_ALLOC)
    std::printf("allocations:");
    for (const bench_alloc_category* c : {&wait_calls, &read_calls, &write_calls, &register_calls, &accept_calls})
        std::printf(" %s=%llu/%llu", c->name, static_cast<unsigned long long>(c->allocations),
            static_cast<unsigned long long>(c->calls));
    std::printf("\n");
    std::fflush(stdout);
#endif
}

} // namespace bench

#endif // BENCH_MIO_ECHO_CORE_HPP
