// Uses the installed Boost.Mio: a pipe and a waker on one poll.
#include <boost/mio.hpp>
#include <chrono>
#include <cstdio>
#include <string>

int main()
{
    namespace mio = boost::mio;
    mio::poll poll;
    mio::events evs(8);
    auto ends = mio::posix::make_pipe();
    poll.registry().register_(ends.receiver, mio::token(1), mio::interest::readable);
    mio::waker waker(poll.registry(), mio::token(2));
    ends.sender.write_some(boost::asio::buffer("x", 1));
    waker.wake();
    bool pipe_seen = false, waker_seen = false;
    for (int i = 0; i < 10 && !(pipe_seen && waker_seen); ++i)
    {
        poll.wait(evs, std::chrono::milliseconds(500));
        for (const auto& e : evs)
        {
            pipe_seen |= e.token() == mio::token(1) && e.is_readable();
            waker_seen |= e.token() == mio::token(2);
        }
    }
    const std::string version = std::to_string(BOOST_MIO_VERSION / 100000) + "."
        + std::to_string(BOOST_MIO_VERSION / 100 % 1000) + "." + std::to_string(BOOST_MIO_VERSION % 100);
    const bool version_ok = version == BOOST_MIO_PACKAGE_VERSION;
    std::printf("consumer: pipe %s, waker %s, version %s (package %s)\n", pipe_seen ? "ok" : "MISSING",
        waker_seen ? "ok" : "MISSING", version.c_str(), BOOST_MIO_PACKAGE_VERSION);
    return pipe_seen && waker_seen && version_ok ? 0 : 1;
}
