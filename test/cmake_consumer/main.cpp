// Uses the installed Boost.Mio: a pipe and a waker on one poll.
#include <boost/mio.hpp>
#include <chrono>
#include <cstdio>

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
    std::printf("consumer: pipe %s, waker %s\n", pipe_seen ? "ok" : "MISSING",
        waker_seen ? "ok" : "MISSING");
    return pipe_seen && waker_seen ? 0 : 1;
}
