//
// boost/mio/backend.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_BACKEND_HPP
#define BOOST_MIO_BACKEND_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/selector.hpp>
#include <iosfwd>

namespace boost {
namespace mio {

/// The OS selectors Boost.Mio can be built on (see API.md, "Backends").
enum class backend
{
    epoll,  ///< Linux, Android: the default there.
    kqueue, ///< macOS, iOS and the BSDs: the default there.
    poll,   ///< poll(2), any POSIX system: edge triggers are emulated.
    iocp    ///< Windows: I/O completion ports and AFD polling.
};

/// The backend this build uses: chosen at build time, one per build
/// (`-DBOOST_MIO_BACKEND=...` with CMake, or a `BOOST_MIO_BACKEND_*`
/// macro), the platform's native one by default. The same choice is
/// visible to the preprocessor: exactly one of `BOOST_MIO_BACKEND_EPOLL`,
/// `_KQUEUE`, `_POLL`, `_IOCP` is defined, and `BOOST_MIO_BACKEND_NAME`
/// is its name as a string literal.
inline constexpr backend current_backend =
#if defined(BOOST_MIO_BACKEND_EPOLL)
    backend::epoll;
#elif defined(BOOST_MIO_BACKEND_KQUEUE)
    backend::kqueue;
#elif defined(BOOST_MIO_BACKEND_POLL)
    backend::poll;
#else
    backend::iocp;
#endif

/// Writes the backend's name ("epoll", "kqueue", "poll", "iocp").
BOOST_MIO_DECL std::ostream& operator<<(std::ostream& os, backend b);

} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/impl/backend.ipp>
#endif

#endif // BOOST_MIO_BACKEND_HPP
