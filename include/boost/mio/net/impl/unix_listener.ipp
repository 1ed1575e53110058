//
// boost/mio/net/impl/unix_listener.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_IMPL_UNIX_LISTENER_IPP
#define BOOST_MIO_NET_IMPL_UNIX_LISTENER_IPP

#include <boost/mio/net/unix_listener.hpp>

namespace boost {
namespace mio {
namespace net {

BOOST_MIO_DECL unix_listener unix_listener::bind(const endpoint_type& local,
    boost::system::error_code& ec)
{
    unix_listener s;
    s.open_listening(local, false, ec);
    return s;
}

} // namespace net
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_NET_IMPL_UNIX_LISTENER_IPP
