//
// test/windows_pipe_util.hpp: what the named-pipe tests share (Windows
// only): moving a stream of bytes through a pipe, bounded in time.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)

#ifndef BOOST_MIO_TEST_WINDOWS_PIPE_UTIL_HPP
#define BOOST_MIO_TEST_WINDOWS_PIPE_UTIL_HPP

#include "net_util.hpp"

#include <boost/mio/windows/named_pipe.hpp>

#include <string>

namespace mio_test {

using boost::mio::windows::named_pipe;

// Writes all of `data` to `w` while reading what arrives on `r` (tokens
// `wt`, `rt`), waiting for events when both are blocked; returns what `r`
// read. Bounded: each wait by event_timeout.
inline std::string transfer(mio::poll& p, mio::events& evs, named_pipe& w, std::size_t wt,
    named_pipe& r, std::size_t rt, const std::string& data)
{
    std::string got;
    std::size_t sent = 0;
    while (got.size() < data.size())
    {
        boost::system::error_code ec;
        bool progress = false;
        while (sent < data.size())
        {
            const std::size_t n = w.write_some(asio::buffer(data.data() + sent,
                data.size() - sent), ec);
            if (ec == asio::error::would_block)
                break;
            BOOST_REQUIRE_MESSAGE(!ec, "write_some: " << ec.message());
            sent += n;
            progress = true;
        }
        const std::string more = read_available(r);
        got += more;
        progress = progress || !more.empty();
        if (!progress && got.size() < data.size())
        {
            p.wait(evs, event_timeout, ec);
            BOOST_REQUIRE(!ec);
            bool ours = false;
            for (const auto& e : evs)
                ours = ours || e.token() == mio::token(wt) || e.token() == mio::token(rt);
            BOOST_REQUIRE_MESSAGE(ours, "no event within the timeout");
        }
    }
    return got;
}


} // namespace mio_test

#endif // BOOST_MIO_TEST_WINDOWS_PIPE_UTIL_HPP
