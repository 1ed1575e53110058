//
// boost/mio/impl/event.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_IMPL_EVENT_IPP
#define BOOST_MIO_IMPL_EVENT_IPP

#include <boost/mio/event.hpp>
#include <ostream>

namespace boost {
namespace mio {

BOOST_MIO_DECL std::ostream& operator<<(std::ostream& os, const event& e)
{
    os << "event{token=" << e.token().value() << ", ";
    const char* sep = "";
    auto flag = [&](bool set, const char* name) {
        if (set)
        {
            os << sep << name;
            sep = " | ";
        }
    };
    flag(e.is_readable(), "READABLE");
    flag(e.is_writable(), "WRITABLE");
    flag(e.is_error(), "ERROR");
    flag(e.is_read_closed(), "READ_CLOSED");
    flag(e.is_write_closed(), "WRITE_CLOSED");
    flag(e.is_priority(), "PRIORITY");
    if (*sep == '\0')
        os << "NONE";
    return os << '}';
}

} // namespace mio
} // namespace boost

#endif // BOOST_MIO_IMPL_EVENT_IPP
