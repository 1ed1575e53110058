//
// boost/mio/net/impl/tcp_listener.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_IMPL_TCP_LISTENER_IPP
#define BOOST_MIO_NET_IMPL_TCP_LISTENER_IPP

#include <boost/mio/net/tcp_listener.hpp>

namespace boost {
namespace mio {
namespace net {

BOOST_MIO_DECL tcp_listener tcp_listener::bind(const endpoint_type& local,
    boost::system::error_code& ec)
{
    tcp_listener s;
    s.open_listening(local, true, ec);
    return s;
}

} // namespace net
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_NET_IMPL_TCP_LISTENER_IPP
