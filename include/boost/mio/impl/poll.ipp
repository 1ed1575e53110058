//
// boost/mio/impl/poll.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_IMPL_POLL_IPP
#define BOOST_MIO_IMPL_POLL_IPP

#include <boost/mio/poll.hpp>

namespace boost {
namespace mio {

BOOST_MIO_DECL poll::poll(const boost::source_location& loc)
{
    boost::system::error_code ec;
    registry_.selector_.open(ec);
    detail::throw_error(ec, "poll", loc);
}

BOOST_MIO_DECL poll::poll(boost::system::error_code& ec)
{
    registry_.selector_.open(ec);
}

} // namespace mio
} // namespace boost

#endif // BOOST_MIO_IMPL_POLL_IPP
