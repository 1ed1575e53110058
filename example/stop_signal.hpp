//
// example/stop_signal.hpp: SIGINT and SIGTERM as an event source.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The signals are blocked and read from a signalfd registered with the
// poll, so a server leaves its event loop at a clean point (and exits 0)
// instead of being interrupted anywhere. Construct it before starting any
// thread: the blocked mask is per thread and inherited.

#ifndef BOOST_MIO_EXAMPLE_STOP_SIGNAL_HPP
#define BOOST_MIO_EXAMPLE_STOP_SIGNAL_HPP

#include <boost/mio.hpp>
#include <boost/system/system_error.hpp>

#include <cerrno>
#include <csignal>
#include <sys/signalfd.h>
#include <unistd.h>

class stop_signal
{
public:
    stop_signal()
    {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0
            || (fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
            throw boost::system::system_error(errno, boost::system::system_category(), "signalfd");
    }
    ~stop_signal() { ::close(fd_); }
    stop_signal(const stop_signal&) = delete;
    stop_signal& operator=(const stop_signal&) = delete;

    void register_with(const boost::mio::registry& r, boost::mio::token t) const
    {
        r.register_(boost::mio::posix::source_fd(fd_), t, boost::mio::interest::readable);
    }

private:
    int fd_ = -1;
};

#endif // BOOST_MIO_EXAMPLE_STOP_SIGNAL_HPP
