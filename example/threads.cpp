//
// example/threads.cpp: one poll, many threads: worker threads register
// their own sources through registry clones while another thread waits,
// and a waker tells the waiting thread to finish.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: threads [WORKERS] [MESSAGES]    (defaults 4 and 1000; at most 64
//                                         and 1000000)
//
// The poller thread waits on the one mio::poll. Each worker thread takes
// its own registry handle (try_clone: the same registry, usable from any
// thread), makes a pipe, registers the read end under its own token, and
// writes MESSAGES lines "worker W message K" into the write end (in
// blocking mode: the worker may simply wait while the pipe is full), then
// closes it. The poller reads each pipe to would_block on every event and
// prints every complete line it gets, then closes a pipe at its end of
// stream. When all workers have finished, the main thread wakes the poll
// with the waker; the poller stops once it has been woken and every pipe
// it was given has ended, prints "N messages from W workers" and the
// program exits 0. Lines of one worker come out in order; lines of
// different workers interleave.
//
// What it shows: registration is thread-safe and may happen while another
// thread is blocked in wait (the new source's events come in that same
// wait); the waker is the way to get a blocked wait's attention; a
// registered source is shared state, so the poller looks it up under the
// lock the worker held while installing it.

#include "command_line.hpp"

#include <boost/asio/write.hpp>
#include <boost/mio.hpp>

#include <atomic>
#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mio = boost::mio;
using boost::system::error_code;

namespace {

// What a worker hands to the poller: its pipe's read end, and the part of
// a line read so far.
struct channel
{
    mio::posix::receiver receiver;
    std::string partial;
};

class fan_in
{
public:
    fan_in(std::size_t workers, std::size_t messages)
        : channels_(workers), messages_(messages), waker_(poll_.registry(), waker_token)
    {
    }

    // Runs the poller and the workers; returns the exit status.
    int run()
    {
        std::thread poller([this] { poll_loop(); });
        std::vector<std::thread> workers;
        for (std::size_t w = 0; w < channels_.size(); ++w)
            workers.emplace_back([this, w] { work(w); });
        for (auto& t : workers)
            t.join();
        stop_.store(true);
        error_code ec;
        waker_.wake(ec);
        if (ec)
        {
            // Nothing else can get the blocked poller's attention.
            std::cerr << "threads: wake: " << ec.message() << std::endl;
            std::_Exit(1);
        }
        poller.join();
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_.empty())
        {
            std::cerr << "threads: " << error_ << "\n";
            return 1;
        }
        std::cout << lines_ << " messages from " << channels_.size() << " workers" << std::endl;
        return 0;
    }

private:
    static constexpr mio::token waker_token{1000};

    void work(std::size_t w)
    {
        error_code ec;
        const mio::registry registry = poll_.registry().try_clone(ec); // this thread's own handle
        if (ec)
            return fail("try_clone", ec);
        auto ends = mio::posix::make_pipe(ec);
        if (ec)
            return fail("make_pipe", ec);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            channels_[w].receiver = std::move(ends.receiver);
            registry.register_(channels_[w].receiver, mio::token(w), mio::interest::readable, ec);
            if (ec)
                return fail_locked("register", ec);
            ++registered_;
        }
        ends.sender.set_nonblocking(false, ec);
        for (std::size_t k = 0; k < messages_ && !ec; ++k)
        {
            const std::string line =
                "worker " + std::to_string(w) + " message " + std::to_string(k) + "\n";
            boost::asio::write(ends.sender, boost::asio::buffer(line), ec);
        }
        if (ec)
            fail("write", ec);
    } // closes the write end: the poller sees end of stream

    void poll_loop()
    {
        mio::events events(64);
        std::vector<char> buf(16 * 1024);
        for (;;)
        {
            error_code ec;
            poll_.wait(events, ec);
            if (ec == boost::system::errc::interrupted)
                continue;
            std::lock_guard<std::mutex> lock(mutex_);
            if (ec)
                fail_locked("wait", ec);
            for (const mio::event& e : events)
            {
                if (e.token() != waker_token)
                    drain(channels_[e.token().value()], buf);
            }
            // Woken after every worker finished: every registration that
            // will ever happen has happened, and `registered_` is final.
            if (stop_.load() && ended_ == registered_)
                return;
            if (!error_.empty())
            {
                // Nobody will read any more: close every pipe, so that a
                // worker blocked in write fails (EPIPE) instead of waiting
                // forever for room.
                for (channel& c : channels_)
                    c.receiver.close();
                return;
            }
        }
    }

    // Reads to would_block (the edge-triggered rule), printing whole
    // lines; at end of stream closes the pipe. Called under mutex_.
    void drain(channel& c, std::vector<char>& buf)
    {
        while (c.receiver.is_open())
        {
            error_code ec;
            const std::size_t n = c.receiver.read_some(boost::asio::buffer(buf), ec);
            if (ec == boost::asio::error::would_block)
                return;
            if (ec == boost::asio::error::eof)
            {
                poll_.registry().deregister(c.receiver, ec);
                c.receiver.close();
                ++ended_;
                if (!c.partial.empty())
                    error_ = "a line without its newline: " + c.partial;
                return;
            }
            if (ec)
                return fail_locked("read", ec);
            c.partial.append(buf.data(), n);
            std::size_t start = 0;
            for (std::size_t nl; (nl = c.partial.find('\n', start)) != std::string::npos; start = nl + 1)
            {
                std::cout.write(c.partial.data() + start, static_cast<std::streamsize>(nl + 1 - start));
                ++lines_;
            }
            c.partial.erase(0, start);
        }
    }

    void fail(const char* what, const error_code& ec)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        fail_locked(what, ec);
    }
    void fail_locked(const char* what, const error_code& ec)
    {
        if (error_.empty())
            error_ = std::string(what) + ": " + ec.message();
    }

    mio::poll poll_;
    std::mutex mutex_; // guards channels_, the counts and error_
    std::vector<channel> channels_;
    std::size_t registered_ = 0;
    std::size_t ended_ = 0;
    std::size_t lines_ = 0;
    std::string error_;
    std::size_t messages_;
    mio::waker waker_;
    std::atomic<bool> stop_{false};
};

} // namespace

int main(int argc, char* argv[])
{
    return run_main("threads", "[WORKERS] [MESSAGES]  (defaults 4 and 1000)", [&] {
        expect_args(argc, 0, 2);
        const std::size_t workers = argc > 1 ? number_arg(argv[1], "worker count", 1, 64) : 4;
        const std::size_t messages =
            argc > 2 ? number_arg(argv[2], "message count", 1, 1000000) : 1000;
        // A worker writing to a pipe the poller closed (after an error)
        // gets EPIPE rather than being killed by SIGPIPE.
        std::signal(SIGPIPE, SIG_IGN);
        return fan_in(workers, messages).run();
    });
}
