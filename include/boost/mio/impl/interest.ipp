//
// boost/mio/impl/interest.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_IMPL_INTEREST_IPP
#define BOOST_MIO_IMPL_INTEREST_IPP

#include <boost/mio/interest.hpp>
#include <ostream>

namespace boost {
namespace mio {

BOOST_MIO_DECL std::ostream& operator<<(std::ostream& os, interest i)
{
    const char* sep = "";
    if (i.is_readable())
    {
        os << sep << "READABLE";
        sep = " | ";
    }
    if (i.is_writable())
    {
        os << sep << "WRITABLE";
        sep = " | ";
    }
    if (i.is_priority())
        os << sep << "PRIORITY";
    return os;
}

} // namespace mio
} // namespace boost

#endif // BOOST_MIO_IMPL_INTEREST_IPP
