//
// boost/mio/impl/token.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_IMPL_TOKEN_IPP
#define BOOST_MIO_IMPL_TOKEN_IPP

#include <boost/mio/token.hpp>
#include <ostream>

namespace boost {
namespace mio {

BOOST_MIO_DECL std::ostream& operator<<(std::ostream& os, token t)
{
    return os << "token(" << t.value() << ')';
}

} // namespace mio
} // namespace boost

#endif // BOOST_MIO_IMPL_TOKEN_IPP
