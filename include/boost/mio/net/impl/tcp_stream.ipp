//
// boost/mio/net/impl/tcp_stream.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_IMPL_TCP_STREAM_IPP
#define BOOST_MIO_NET_IMPL_TCP_STREAM_IPP

#include <boost/mio/net/tcp_stream.hpp>
#include <boost/mio/detail/socket_ops.hpp>

namespace boost {
namespace mio {
namespace net {

BOOST_MIO_DECL tcp_stream tcp_stream::connect(const endpoint_type& peer,
    boost::system::error_code& ec)
{
    tcp_stream s;
    s.open_connected(peer, ec);
    return s;
}

BOOST_MIO_DECL void tcp_stream::set_nodelay(bool on, boost::system::error_code& ec)
{
    set_flag(mio::detail::socket_ops::option::tcp_nodelay, on, ec);
}

BOOST_MIO_DECL bool tcp_stream::nodelay(boost::system::error_code& ec) const
{
    return flag(mio::detail::socket_ops::option::tcp_nodelay, ec);
}

} // namespace net
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_NET_IMPL_TCP_STREAM_IPP
