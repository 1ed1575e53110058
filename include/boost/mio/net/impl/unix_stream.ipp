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
    return unix_stream(open_connected(peer, ec));
}

BOOST_MIO_DECL std::pair<unix_stream, unix_stream> unix_stream::pair(
    boost::system::error_code& ec)
{
    mio::detail::io_source a, b;
    mio::detail::socket_ops::open_pair(protocol_type().type(), a, b, ec);
    return {unix_stream(std::move(a)), unix_stream(std::move(b))};
}

} // namespace net
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_NET_IMPL_UNIX_STREAM_IPP
