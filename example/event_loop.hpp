//
// example/event_loop.hpp: a poll that runs until SIGINT or SIGTERM (on
// Windows: Ctrl+C, Ctrl+Break or the console closing).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The two signals are blocked and read from a signalfd registered with the
// poll (under the largest token, out of the servers' way), so a server
// leaves its loop at a clean point and exits 0 instead of being interrupted
// anywhere. Construct it before starting any thread: the blocked mask is
// per thread and inherited by threads created later. Windows has no
// signalfd: there a console control handler wakes the poll through a
// waker registered under the same token.

#ifndef BOOST_MIO_EXAMPLE_EVENT_LOOP_HPP
#define BOOST_MIO_EXAMPLE_EVENT_LOOP_HPP

#include <boost/mio.hpp>
#include <boost/system/system_error.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <iostream>
#include <limits>
#include <optional>
#if defined(_WIN32)
#  include <windows.h>
#else
#  include <sys/signalfd.h>
#  include <unistd.h>
#endif

class event_loop
{
public:
#if defined(_WIN32)
    event_loop() : stop_(poll_.registry(), stop_token)
    {
        waker_to_stop() = &stop_;
        if (!::SetConsoleCtrlHandler(&on_console_event, TRUE))
            throw boost::system::system_error(static_cast<int>(::GetLastError()),
                boost::system::system_category(), "SetConsoleCtrlHandler");
    }
    ~event_loop()
    {
        ::SetConsoleCtrlHandler(&on_console_event, FALSE);
        waker_to_stop() = nullptr;
    }
#else
    event_loop()
    {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0
            || (signal_fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
            throw boost::system::system_error(errno, boost::system::system_category(), "signalfd");
        poll_.registry().register_(boost::mio::posix::source_fd(signal_fd_), stop_token,
            boost::mio::interest::readable);
    }
    ~event_loop() { ::close(signal_fd_); }
#endif
    event_loop(const event_loop&) = delete;
    event_loop& operator=(const event_loop&) = delete;

    const boost::mio::registry& registry() const { return poll_.registry(); }

    // Calls handle(event) for every event until a stop signal; returns the
    // exit status: 0 when stopped by a signal, 1 when handle returned false
    // or waiting failed. Before every wait it calls before_wait(), which
    // returns how long that wait may block (nullopt: until an event): the
    // place for work that no event announces, such as retrying an accept
    // after EMFILE (acceptor.hpp).
    template <class Handler>
    int run(Handler handle)
    {
        return run(handle, [] { return std::optional<std::chrono::nanoseconds>(); });
    }

    template <class Handler, class BeforeWait>
    int run(Handler handle, BeforeWait before_wait)
    {
        boost::mio::events events(1024);
        for (;;)
        {
            boost::system::error_code ec;
            poll_.wait(events, before_wait(), ec);
            if (ec == boost::system::errc::interrupted)
                continue; // another signal (e.g. SIGCHLD): just wait again
            if (ec)
            {
                std::cerr << "wait: " << ec.message() << "\n";
                return 1;
            }
            for (const boost::mio::event& e : events)
            {
                if (e.token() == stop_token)
                    return 0;
                if (!handle(e))
                    return 1;
            }
        }
    }

private:
    static constexpr boost::mio::token stop_token{std::numeric_limits<std::size_t>::max()};

    boost::mio::poll poll_;
#if defined(_WIN32)
    // Runs on a thread of its own; waking is thread-safe.
    static BOOL WINAPI on_console_event(DWORD)
    {
        boost::system::error_code ignored;
        if (const boost::mio::waker* w = waker_to_stop())
            w->wake(ignored);
        return TRUE;
    }
    static const boost::mio::waker*& waker_to_stop()
    {
        static const boost::mio::waker* w = nullptr;
        return w;
    }

    boost::mio::waker stop_;
#else
    int signal_fd_ = -1;
#endif
};

#endif // BOOST_MIO_EXAMPLE_EVENT_LOOP_HPP
