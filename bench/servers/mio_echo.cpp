//
// bench/servers/mio_echo.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The Boost.Mio echo server: raw_epoll_echo.c line for line, with the
// library in place of the syscalls (poll::wait for epoll_wait, registry
// for epoll_ctl, tcp_listener/tcp_stream for accept4/read/write), so the
// difference between the two is what the library costs.
//
// Built twice: mio_echo, and mio_echo_alloc with a counting global
// operator new (-DBENCH_COUNT_ALLOC), which charges the allocations made
// inside every wait, read, write, register/reregister/deregister and
// accept to that kind of call and prints the totals when it exits
// (scenario 5: all must be zero).

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

namespace mio = boost::mio;
using boost::asio::ip::tcp;

namespace {

bench_alloc_category wait_calls{"wait"}, read_calls{"read"}, write_calls{"write"},
    register_calls{"register"}, accept_calls{"accept"};

struct connection
{
    explicit connection(mio::net::tcp_stream s) : stream(std::move(s)) {}
    mio::net::tcp_stream stream;
    std::vector<char> pending; // unsent tail of an echo
    std::size_t pending_off = 0;
};

const mio::token listener_token(0);
char buffer[BENCH_READ_BUFFER];

class server
{
public:
    explicit server(int port)
        : listener_(mio::net::tcp_listener::bind(
              tcp::endpoint(boost::asio::ip::address_v4::loopback(), static_cast<unsigned short>(port))))
    {
        poll_.registry().register_(listener_, listener_token, mio::interest::readable);
        bench_announce(listener_.local_endpoint().port());
    }

    void run()
    {
        mio::events evs(256);
        boost::system::error_code ec;
        while (!bench_stop_flag)
        {
            BENCH_COUNTED(wait_calls, poll_.wait(evs, ec));
            if (ec)
            {
                if (ec == boost::system::errc::interrupted)
                    continue;
                bench_die("wait");
            }
            for (const mio::event& e : evs)
                on_event(e);
        }
    }

private:
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
            on_readable(slot, *c);
    }

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
            BENCH_COUNTED(register_calls, poll_.registry().register_(conns_[slot]->stream,
                mio::token(slot + 1), mio::interest::readable, ec));
            if (ec)
                bench_die("register_");
        }
    }

    // Reads until would-block, echoing each chunk.
    void on_readable(std::size_t slot, connection& c)
    {
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
        // the data already queued: continue now.
        on_readable(slot, c);
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
        BENCH_COUNTED(register_calls, poll_.registry().reregister(c.stream, mio::token(slot + 1), i, ec));
        if (ec)
            bench_die("reregister");
    }

    void close(std::size_t slot)
    {
        boost::system::error_code ec;
        BENCH_COUNTED(register_calls, poll_.registry().deregister(conns_[slot]->stream, ec));
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

    mio::poll poll_;
    mio::net::tcp_listener listener_;
    std::vector<std::unique_ptr<connection>> conns_;
    std::vector<std::size_t> free_;
};

void print_allocations()
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

} // namespace

int main(int argc, char** argv)
{
    bench_ignore_sigpipe();
    bench_catch_term();
    bench_raise_fd_limit();
    {
        server s(bench_port_arg(argc, argv));
        s.run();
    }
    print_allocations();
    return 0;
}
