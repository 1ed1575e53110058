//
// boost/mio/detail/unix_path.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Unix socket names given as strings. Asio's local endpoints throw for a
// name of 108+ bytes before any library code runs, so the Unix socket
// types also take the name as anything convertible to std::string_view,
// check it here and report through `ec`. The path overloads are templates
// constrained by is_unix_path_v: `bind("sock")` then prefers them (an
// exact match) to the endpoint overload (a user-defined conversion), and
// is not ambiguous.

#ifndef BOOST_MIO_DETAIL_UNIX_PATH_HPP
#define BOOST_MIO_DETAIL_UNIX_PATH_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/errno_error.hpp>
#include <boost/mio/detail/socket_ops.hpp>
#include <boost/system/error_code.hpp>
#include <cerrno>
#include <string_view>
#include <type_traits>

namespace boost {
namespace mio {
namespace detail {

template <class T>
constexpr bool is_unix_path_v = std::is_convertible<const T&, std::string_view>::value;

template <class T>
using enable_if_unix_path_t = std::enable_if_t<is_unix_path_v<T>, int>;

// The endpoint for `path`: a filesystem path, or with a leading '\0' an
// abstract name (Linux). More than 107 bytes is ENAMETOOLONG; a '\0'
// inside a filesystem path is EINVAL (the OS would silently cut the name
// there).
template <class Endpoint>
Endpoint to_unix_endpoint(std::string_view path, boost::system::error_code& ec)
{
    if (path.size() > socket_ops::max_unix_path)
    {
        set_errno(ec, ENAMETOOLONG);
        return Endpoint();
    }
    if (!path.empty() && path[0] != '\0' && path.find('\0') != std::string_view::npos)
    {
        set_errno(ec, EINVAL);
        return Endpoint();
    }
    ec.clear();
    return Endpoint(path);
}

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_UNIX_PATH_HPP
