//
// boost/mio/error.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_ERROR_HPP
#define BOOST_MIO_ERROR_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace boost {
namespace mio {

/// Conditions that belong to Boost.Mio rather than to the OS.
///
/// Everything the OS reports stays an errno value in
/// `boost::system::system_category()`; these are the library's own rules.
enum class error
{
    /// A second live waker was created for the same poll (mio allows one).
    waker_already_exists = 1,
};

/// The category of boost::mio::error; its name() is "boost.mio".
BOOST_MIO_DECL const boost::system::error_category& get_error_category() noexcept;

/// Makes `e` an error_code (found by ADL, as Boost.System expects).
inline boost::system::error_code make_error_code(error e) noexcept
{
    return boost::system::error_code(static_cast<int>(e), get_error_category());
}

} // namespace mio

namespace system {
template <>
struct is_error_code_enum<boost::mio::error> : std::true_type {};
} // namespace system
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/impl/error.ipp>
#endif

#endif // BOOST_MIO_ERROR_HPP
