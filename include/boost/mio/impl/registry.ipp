//
// boost/mio/impl/registry.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_IMPL_REGISTRY_IPP
#define BOOST_MIO_IMPL_REGISTRY_IPP

#include <boost/mio/registry.hpp>

namespace boost {
namespace mio {

BOOST_MIO_DECL registry registry::try_clone(const boost::source_location& loc) const
{
    boost::system::error_code ec;
    registry r = try_clone(ec);
    detail::throw_error(ec, "try_clone", loc);
    return r;
}

BOOST_MIO_DECL registry registry::try_clone(boost::system::error_code& ec) const
{
    registry r;
    r.selector_ = selector_.try_clone(ec);
    return r;
}

} // namespace mio
} // namespace boost

#endif // BOOST_MIO_IMPL_REGISTRY_IPP
