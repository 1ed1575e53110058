//
// example/unix_datagram_pair.cpp: a parent and a child process talking
// over a connected pair of Unix datagram sockets, each with its own poll.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: unix_datagram_pair COUNT    (1 to 100000)
//
// The parent makes the pair (unix_datagram::pair) and forks. It sends
// COUNT requests, request K being "K:" and then (K * 7919 % 4000) letters,
// then one empty datagram meaning "done". The child answers every request
// with the same datagram in capitals and the "done" with an empty one,
// then exits. The parent prints "reply K: <reply>" for each reply and
// checks it, then "COUNT replies, each its request in capitals", reaps
// the child and exits 0 (1 if anything differed or failed).
//
// The points it shows:
//  - A datagram is a message: one send is one receive, whatever its size,
//    and an empty datagram is a message too (0 bytes, no error), not end
//    of stream; so "done" has to be said, here with an empty one.
//  - Each process makes its own poll after fork: an epoll set inherited
//    across fork is the same kernel object, and both processes would
//    take each other's events.
//  - Flow control both ways: a sender whose datagram would block keeps it
//    and waits for writable; the child stops reading while 64 replies are
//    queued, so a parent sending faster than the child answers is held
//    back by the socket buffer, never by lost datagrams.

#include "bounded_wait.hpp"
#include "command_line.hpp"

#include <boost/mio.hpp>

#include <cctype>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace mio = boost::mio;
namespace net = boost::mio::net;
using boost::system::error_code;

namespace {

constexpr mio::token socket_token{0};
constexpr std::size_t max_datagram = 4096;

std::string request(std::size_t k)
{
    return std::to_string(k) + ":" + std::string(k * 7919 % 4000, static_cast<char>('a' + k % 26));
}

std::string in_capitals(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// One end of the pair with its poll, its queue of datagrams to send, and
// the edge-triggered rules: send the queue until would_block, receive
// until would_block.
class endpoint
{
public:
    explicit endpoint(net::unix_datagram socket) : socket_(std::move(socket))
    {
        // Both interests for good: each edge comes once, so an idle
        // writable socket costs nothing.
        poll_.registry().register_(socket_, socket_token,
            mio::interest::readable | mio::interest::writable);
    }

    void queue(std::string datagram) { out_.push_back(std::move(datagram)); }
    std::size_t queued() const { return out_.size(); }

    // Sends what is queued until the queue is empty or a send would block.
    void send_queued()
    {
        while (!out_.empty())
        {
            error_code ec;
            socket_.send(boost::asio::buffer(out_.front()), ec);
            if (ec == boost::asio::error::would_block)
                return;
            if (ec)
                throw boost::system::system_error(ec, "send");
            out_.pop_front();
        }
    }

    // Receives one datagram into `d`; false on would_block.
    bool receive(std::string& d)
    {
        error_code ec;
        const std::size_t n = socket_.receive(boost::asio::buffer(buf_), ec);
        if (ec == boost::asio::error::would_block)
            return false;
        if (ec)
            throw boost::system::system_error(ec, "receive");
        d.assign(buf_.data(), n);
        return true;
    }

    void wait() { wait_bounded(poll_, events_, std::chrono::seconds(10)); }

private:
    mio::poll poll_;
    mio::events events_{4};
    net::unix_datagram socket_;
    std::deque<std::string> out_;
    std::vector<char> buf_ = std::vector<char>(max_datagram + 1);
};

// The child: answers until the empty datagram, answers that, returns.
void serve(net::unix_datagram socket)
{
    endpoint e(std::move(socket));
    for (bool done = false; !done || e.queued() != 0;)
    {
        e.wait();
        e.send_queued();
        std::string d;
        while (!done && e.queued() < 64 && e.receive(d))
        {
            done = d.empty();
            e.queue(in_capitals(d));
            e.send_queued();
        }
    }
}

// The parent: sends the requests and the empty one, checks every reply.
bool ask(net::unix_datagram socket, std::size_t count)
{
    endpoint e(std::move(socket));
    std::size_t next = 0, replies = 0;
    bool ok = true, done = false;
    while (!done)
    {
        // At most 64 requests ahead of the replies: enough to keep the
        // child busy, and a bound on what this side holds.
        for (; next <= count && e.queued() < 64 && next < replies + 64; ++next)
            e.queue(next < count ? request(next) : std::string());
        e.send_queued();
        std::string d;
        bool received = false;
        while (!done && e.receive(d))
        {
            received = true;
            if (d.empty())
            {
                done = true;
                break;
            }
            const bool same = replies < count && d == in_capitals(request(replies));
            ok = ok && same;
            std::cout << "reply " << replies << ": " << d << (same ? "" : "  <- WRONG") << "\n";
            ++replies;
        }
        // Replies make room for more requests: send those before waiting,
        // or with nothing in flight no event would ever come.
        if (!done && !received)
            e.wait();
    }
    ok = ok && replies == count;
    std::cout << replies << " replies, " << (ok ? "each its request in capitals" : "NOT all right")
              << std::endl;
    return ok;
}

} // namespace

int main(int argc, char* argv[])
{
    return run_main("unix_datagram_pair", "COUNT  (1 to 100000)", [&] {
        expect_args(argc, 1, 1);
        const std::size_t count = number_arg(argv[1], "count", 1, 100000);
        auto [parent_end, child_end] = net::unix_datagram::pair();
        std::cout.flush(); // nothing buffered may be written twice
        const pid_t pid = ::fork();
        if (pid < 0)
            throw boost::system::system_error(errno, boost::system::system_category(), "fork");
        if (pid == 0)
        {
            parent_end.close();
            int status = 0;
            try
            {
                serve(std::move(child_end));
            }
            catch (const std::exception& x)
            {
                std::cerr << "unix_datagram_pair (child): " << x.what() << "\n";
                status = 1;
            }
            std::_Exit(status); // the parent's objects are not ours to destroy
        }
        child_end.close();
        const bool ok = ask(std::move(parent_end), count);
        int status = 0;
        if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        {
            std::cerr << "unix_datagram_pair: the child failed\n";
            return 1;
        }
        return ok ? 0 : 1;
    });
}
