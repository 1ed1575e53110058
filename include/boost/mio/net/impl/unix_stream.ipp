//
// boost/mio/net/impl/unix_stream.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_IMPL_UNIX_STREAM_IPP
#define BOOST_MIO_NET_IMPL_UNIX_STREAM_IPP

#include <boost/mio/net/unix_stream.hpp>
#include <boost/mio/detail/socket_ops.hpp>

namespace boost {
namespace mio {
namespace net {

BOOST_MIO_DECL unix_stream unix_stream::connect(const endpoint_type& peer,
    boost::system::error_code& ec)
{
    unix_stream s;
    s.open_connected(peer, ec);
    return s;
}

BOOST_MIO_DECL std::pair<unix_stream, unix_stream> unix_stream::pair(
    boost::system::error_code& ec)
{
    int fds[2];
    mio::detail::socket_ops::open_pair(protocol_type().type(), fds, ec);
    if (ec)
        return {};
    return {unix_stream(fds[0]), unix_stream(fds[1])};
}

} // namespace net
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_NET_IMPL_UNIX_STREAM_IPP
