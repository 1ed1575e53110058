//
// example/timer.cpp: a periodic Linux timerfd waited on with a mio::poll,
// through posix::source_fd.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Usage: timer INTERVAL_MS COUNT    (1 to 60000 ms; 1 to 100000 expirations)
//
// Arms a timer that expires every INTERVAL_MS and prints one line per read
// of it, "tick: N expiration(s)" (N > 1 when the program was late and
// expirations coalesced), then "E expirations in T ms" once E >= COUNT
// have passed, and exits 0. Since the k-th expiration is at k * INTERVAL_MS
// after the timer was armed, T is never less than E * INTERVAL_MS.
//
// The points it shows:
//  - Any descriptor the library does not wrap (timerfd, signalfd,
//    eventfd, inotify, a device) is registered through posix::source_fd,
//    a non-owning view: the program keeps owning, reading and closing it.
//  - Read it until EAGAIN on every event, as any edge-triggered source.
//    (On the poll(2) backend source_fd is level-triggered, as in mio;
//    reading to EAGAIN is right there too.)
//  - Deregister before closing: the registration is the poll's, the
//    descriptor is ours.

#include "bounded_wait.hpp"
#include "command_line.hpp"

#include <boost/mio.hpp>
#include <boost/system/system_error.hpp>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <stdexcept>
#include <sys/timerfd.h>
#include <unistd.h>

namespace mio = boost::mio;
using boost::system::error_code;

namespace {

[[noreturn]] void throw_errno(const char* what)
{
    throw boost::system::system_error(errno, boost::system::system_category(), what);
}

// A periodic timerfd (non-blocking, close-on-exec) that closes itself.
class periodic_timer
{
public:
    explicit periodic_timer(std::chrono::milliseconds interval)
        : fd_(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC))
    {
        if (fd_ < 0)
            throw_errno("timerfd_create");
        const auto ms = interval.count();
        ::itimerspec spec{};
        spec.it_interval.tv_sec = ms / 1000;
        spec.it_interval.tv_nsec = ms % 1000 * 1000000;
        spec.it_value = spec.it_interval; // the first expiration, one interval from now
        if (::timerfd_settime(fd_, 0, &spec, nullptr) != 0)
        {
            ::close(fd_);
            throw_errno("timerfd_settime");
        }
    }
    ~periodic_timer() { ::close(fd_); }
    periodic_timer(const periodic_timer&) = delete;
    periodic_timer& operator=(const periodic_timer&) = delete;

    int fd() const { return fd_; }

    // Expirations since the last read; 0 when none (EAGAIN).
    std::uint64_t read_expirations()
    {
        for (;;)
        {
            std::uint64_t n = 0;
            if (::read(fd_, &n, sizeof n) == static_cast<ssize_t>(sizeof n))
                return n;
            if (errno == EAGAIN)
                return 0;
            if (errno != EINTR)
                throw_errno("read timerfd");
        }
    }

private:
    int fd_;
};

} // namespace

int main(int argc, char* argv[])
{
    return run_main("timer", "INTERVAL_MS COUNT", [&] {
        expect_args(argc, 2, 2);
        const std::chrono::milliseconds interval(number_arg(argv[1], "interval", 1, 60000));
        const std::uint64_t count = number_arg(argv[2], "count", 1, 100000);

        constexpr mio::token timer_token{0};
        mio::poll poll;
        mio::events events(4);
        const auto start = std::chrono::steady_clock::now();
        periodic_timer timer(interval);
        poll.registry().register_(mio::posix::source_fd(timer.fd()), timer_token,
            mio::interest::readable);

        std::uint64_t expirations = 0;
        while (expirations < count)
        {
            // Bounded: a timer that never fires is a failure, not a hang.
            wait_bounded(poll, events, interval + std::chrono::seconds(10));
            for (const mio::event& e : events)
            {
                if (e.token() != timer_token)
                    continue;
                while (const std::uint64_t n = timer.read_expirations()) // to EAGAIN
                {
                    expirations += n;
                    std::cout << "tick: " << n << " expiration(s)\n";
                }
            }
        }
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
        poll.registry().deregister(mio::posix::source_fd(timer.fd()));
        std::cout << expirations << " expirations in " << elapsed.count() << " ms" << std::endl;
        return 0;
    });
}
