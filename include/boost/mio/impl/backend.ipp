//
// boost/mio/impl/backend.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_IMPL_BACKEND_IPP
#define BOOST_MIO_IMPL_BACKEND_IPP

#include <boost/mio/backend.hpp>
#include <ostream>

namespace boost {
namespace mio {

BOOST_MIO_DECL std::ostream& operator<<(std::ostream& os, backend b)
{
    switch (b)
    {
    case backend::epoll: return os << "epoll";
    case backend::kqueue: return os << "kqueue";
    case backend::poll: return os << "poll";
    case backend::iocp: return os << "iocp";
    }
    return os << "backend(" << static_cast<int>(b) << ')';
}

} // namespace mio
} // namespace boost

#endif // BOOST_MIO_IMPL_BACKEND_IPP
