//
// boost/mio/net/shutdown_type.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_SHUTDOWN_TYPE_HPP
#define BOOST_MIO_NET_SHUTDOWN_TYPE_HPP

namespace boost {
namespace mio {
namespace net {

/// Which direction of a connection `shutdown` closes (SHUT_RD, SHUT_WR,
/// SHUT_RDWR).
///
/// After `send`, the peer reads end of stream and writes here report
/// `EPIPE` (never SIGPIPE). After `receive`, Linux still delivers what was
/// already queued and reports end of stream after it; a registered socket
/// sees a read-closed event.
enum class shutdown_type
{
    receive,
    send,
    both
};

} // namespace net
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_NET_SHUTDOWN_TYPE_HPP
