//
// test/byte_channel.hpp: a one-way byte channel between two event
// sources, for the tests that need "something that becomes readable":
// a pipe on POSIX, a connected loopback TCP pair on Windows (which has no
// pipes the library can register).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)

#ifndef BOOST_MIO_TEST_BYTE_CHANNEL_HPP
#define BOOST_MIO_TEST_BYTE_CHANNEL_HPP

#if defined(_WIN32)
#  include "net_util.hpp"
#else
#  include <boost/mio/posix/pipe.hpp>
#endif

namespace mio_test {

#if defined(_WIN32)
using byte_sender = boost::mio::net::tcp_stream;
using byte_receiver = boost::mio::net::tcp_stream;

// In posix::pipe_ends' order, so that `auto [tx, rx]` reads the same.
struct byte_channel
{
    boost::mio::net::tcp_stream sender;
    boost::mio::net::tcp_stream receiver;
};

inline byte_channel make_byte_channel()
{
    tcp_pair pair = make_tcp_pair();
    return {std::move(pair.client), std::move(pair.server)};
}

// Closes the receiving end so that the sender's writes fail. A socket is
// reset (SO_LINGER 0): a plain close would only send a FIN, which leaves
// the sender's direction open, where a pipe's writer gets EPIPE.
inline void hang_up_receiver(byte_receiver& r)
{
    set_linger_zero(r.native_handle());
    r.close();
}
#else
using byte_sender = boost::mio::posix::sender;
using byte_receiver = boost::mio::posix::receiver;
using byte_channel = boost::mio::posix::pipe_ends;

inline byte_channel make_byte_channel()
{
    return boost::mio::posix::make_pipe();
}

// Closes the read end: the writer gets EPIPE (and an error event).
inline void hang_up_receiver(byte_receiver& r) { r.close(); }
#endif

} // namespace mio_test

#endif // BOOST_MIO_TEST_BYTE_CHANNEL_HPP
