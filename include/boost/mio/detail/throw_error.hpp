//
// boost/mio/detail/throw_error.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The throwing overload of every operation calls the error_code overload
// and then throw_error(ec, "what"), which throws system_error carrying the
// source location of the throwing overload (as Asio's throw_error does).

#ifndef BOOST_MIO_DETAIL_THROW_ERROR_HPP
#define BOOST_MIO_DETAIL_THROW_ERROR_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

namespace boost {
namespace mio {
namespace detail {

[[noreturn]] BOOST_NOINLINE inline void do_throw_error(
    const boost::system::error_code& ec, const char* what,
    const boost::source_location& loc)
{
    boost::throw_exception(boost::system::system_error(ec, what), loc);
}

inline void throw_error(const boost::system::error_code& ec, const char* what,
    const boost::source_location& loc = BOOST_CURRENT_LOCATION)
{
    if (BOOST_UNLIKELY(ec.failed()))
        do_throw_error(ec, what, loc);
}

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_THROW_ERROR_HPP
