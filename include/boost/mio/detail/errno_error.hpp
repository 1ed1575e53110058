//
// boost/mio/detail/errno_error.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_ERRNO_ERROR_HPP
#define BOOST_MIO_DETAIL_ERRNO_ERROR_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/system/error_code.hpp>
#include <cerrno>

namespace boost {
namespace mio {
namespace detail {

// errno as an error_code in system_category(), the category every OS
// error of the library uses.
inline void set_errno(boost::system::error_code& ec, int value = errno) noexcept
{
    ec.assign(value, boost::system::system_category());
}

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_ERRNO_ERROR_HPP
