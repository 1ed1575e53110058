//
// boost/mio/net/impl/unix_datagram.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_IMPL_UNIX_DATAGRAM_IPP
#define BOOST_MIO_NET_IMPL_UNIX_DATAGRAM_IPP

#include <boost/mio/net/unix_datagram.hpp>
#include <boost/mio/detail/socket_ops.hpp>

namespace boost {
namespace mio {
namespace net {

BOOST_MIO_DECL unix_datagram unix_datagram::bind(const endpoint_type& local,
    boost::system::error_code& ec)
{
    unix_datagram s;
    s.open_bound(local, false, ec);
    return s;
}

BOOST_MIO_DECL unix_datagram unix_datagram::unbound(boost::system::error_code& ec)
{
    const protocol_type p;
    return unix_datagram(mio::detail::socket_ops::open(p.family(), p.type(), ec));
}

BOOST_MIO_DECL std::pair<unix_datagram, unix_datagram> unix_datagram::pair(
    boost::system::error_code& ec)
{
    int fds[2];
    mio::detail::socket_ops::open_pair(protocol_type().type(), fds, ec);
    if (ec)
        return {};
    return {unix_datagram(fds[0]), unix_datagram(fds[1])};
}

} // namespace net
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_NET_IMPL_UNIX_DATAGRAM_IPP
