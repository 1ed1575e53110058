//
// example/demo.cpp: poll, registry, waker and a pipe at work.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// A producer thread writes three messages into a non-blocking pipe and then
// wakes the poll; the main thread waits on one poll for both, drains the
// pipe to would_block on every readable event (the edge-triggered rule),
// and stops when it has seen the waker and end of stream.

#include <boost/mio.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

namespace mio = boost::mio;
using namespace std::chrono_literals;

int main()
{
    constexpr mio::token pipe_token{0};
    constexpr mio::token waker_token{1};

    mio::poll poll;
    mio::events events(16);
    auto [sender, receiver] = mio::posix::make_pipe();
    poll.registry().register_(receiver, pipe_token, mio::interest::readable);
    mio::waker waker(poll.registry(), waker_token);
    std::cout << "poll fd " << poll.native_handle() << ", pipe fds " << receiver.native_handle()
              << " <- " << sender.native_handle() << ", waker fd " << waker.native_handle()
              << "\n";

    // The thread uses the error_code forms: an exception escaping a
    // thread's function ends the program (std::terminate). What failed is
    // reported after join().
    boost::system::error_code producer_ec;
    std::thread producer([&, &sender = sender] {
        for (const char* msg : {"hello ", "from ", "another thread\n"})
        {
            // A few bytes always fit in an empty pipe: no would_block here.
            sender.write_some(boost::asio::buffer(std::string(msg)), producer_ec);
            if (producer_ec)
                break;
            std::this_thread::sleep_for(20ms);
        }
        sender.close(); // the reader sees end of stream
        boost::system::error_code wake_ec;
        waker.wake(wake_ec);
        if (!producer_ec)
            producer_ec = wake_ec;
    });

    std::string received;
    bool woken = false, eof = false;
    for (int round = 0; !(woken && eof) && round < 100; ++round)
    {
        poll.wait(events, 2s);
        if (events.empty())
        {
            std::cout << "timed out\n";
            break;
        }
        for (const mio::event& e : events)
        {
            std::cout << "  " << e << "\n";
            if (e.token() == waker_token)
                woken = true;
            if (e.token() != pipe_token)
                continue;
            for (;;) // drain to would_block: no new event comes otherwise
            {
                char buf[64];
                boost::system::error_code ec;
                const std::size_t n = receiver.read_some(boost::asio::buffer(buf), ec);
                if (ec == boost::asio::error::would_block)
                    break;
                if (ec == boost::asio::error::eof)
                {
                    eof = true;
                    break;
                }
                if (ec)
                {
                    std::cerr << "read: " << ec.message() << "\n";
                    return 1;
                }
                std::cout << "    read " << n << " bytes\n";
                received.append(buf, n);
            }
        }
    }
    producer.join();
    if (producer_ec)
    {
        std::cerr << "producer: " << producer_ec.message() << "\n";
        return 1;
    }
    std::cout << "received: " << received;
    std::cout << "waker: " << (woken ? "woke the poll" : "NOT SEEN") << ", pipe: "
              << (eof ? "end of stream" : "NOT CLOSED") << "\n";
    return woken && eof && received == "hello from another thread\n" ? 0 : 1;
}
