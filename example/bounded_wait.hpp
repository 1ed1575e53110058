//
// example/bounded_wait.hpp: a wait that gives up: for the client programs
// (tcp_client, timer, unix_datagram_pair), where no event for a long time
// means the other side is gone or stuck, and the program should say so
// and exit rather than hang.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)

#ifndef BOOST_MIO_EXAMPLE_BOUNDED_WAIT_HPP
#define BOOST_MIO_EXAMPLE_BOUNDED_WAIT_HPP

#include <boost/mio.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <stdexcept>
#include <string>

// Waits for events; throws if none comes within `limit`. A signal that
// ends the wait early (e.g. SIGCHLD, SIGWINCH) just waits again.
inline void wait_bounded(boost::mio::poll& poll, boost::mio::events& events,
    std::chrono::milliseconds limit)
{
    for (;;)
    {
        boost::system::error_code ec;
        poll.wait(events, limit, ec);
        if (ec == boost::system::errc::interrupted)
            continue;
        if (ec)
            throw boost::system::system_error(ec, "wait");
        if (events.empty())
            throw std::runtime_error("no event for " + std::to_string(limit.count()) + " ms");
        return;
    }
}

#endif // BOOST_MIO_EXAMPLE_BOUNDED_WAIT_HPP
