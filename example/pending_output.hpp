//
// example/pending_output.hpp: what a stream did not take yet, sent when it
// becomes writable, with writable interest held exactly while some is
// pending. Used by echo_connection.hpp and chat_server.cpp.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Why writable interest only while output is pending: with it always on,
// every drained send buffer would wake the loop for nothing. Bounding how
// much may pend is the caller's policy (the echo stops reading, the chat
// server drops the client).

#ifndef BOOST_MIO_EXAMPLE_PENDING_OUTPUT_HPP
#define BOOST_MIO_EXAMPLE_PENDING_OUTPUT_HPP

#include <boost/mio.hpp>

#include <cstddef>
#include <string>

class pending_output
{
public:
    std::size_t size() const { return data_.size() - sent_; }

    // Writes data[0, n) to `s`, keeping what it does not take (all of it
    // while older output is pending, to keep the order). False on an error.
    template <class Stream>
    bool write(Stream& s, const char* data, std::size_t n)
    {
        std::size_t written = 0;
        if (size() == 0)
        {
            boost::system::error_code ec;
            written = s.write_some(boost::asio::buffer(data, n), ec);
            if (ec && ec != boost::asio::error::would_block)
                return false;
        }
        data_.append(data + written, n - written);
        return true;
    }

    // Writes what is pending until would_block. False on an error.
    template <class Stream>
    bool flush(Stream& s)
    {
        while (size() != 0)
        {
            boost::system::error_code ec;
            const std::size_t n = s.write_some(boost::asio::buffer(data_.data() + sent_, size()), ec);
            if (ec == boost::asio::error::would_block)
                break;
            if (ec)
                return false;
            sent_ += n;
        }
        if (size() == 0)
        {
            data_.clear();
            sent_ = 0;
        }
        else if (sent_ > data_.size() / 2)
        {
            data_.erase(0, sent_); // keeps the buffer from creeping
            sent_ = 0;
        }
        return true;
    }

    // Reregisters `s` (token `t`) for readable, plus writable while output
    // is pending, when that changes. False on an error.
    template <class Stream>
    bool update_interest(Stream& s, const boost::mio::registry& r, boost::mio::token t)
    {
        const bool want = size() != 0;
        if (want == wants_writable_)
            return true;
        wants_writable_ = want;
        const boost::mio::interest i = want
            ? boost::mio::interest::readable | boost::mio::interest::writable
            : boost::mio::interest::readable;
        boost::system::error_code ec;
        r.reregister(s, t, i, ec);
        return !ec;
    }

private:
    std::string data_; // pending from sent_ on
    std::size_t sent_ = 0;
    bool wants_writable_ = false;
};

#endif // BOOST_MIO_EXAMPLE_PENDING_OUTPUT_HPP
