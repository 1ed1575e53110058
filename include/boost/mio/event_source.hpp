//
// boost/mio/event_source.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_EVENT_SOURCE_HPP
#define BOOST_MIO_EVENT_SOURCE_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/interest.hpp>
#include <boost/mio/token.hpp>
#include <boost/system/error_code.hpp>
#include <type_traits>
#include <utility>

namespace boost {
namespace mio {

class registry;

namespace detail {

// registry's register_/reregister/deregister are templates that accept any
// argument, so a registry has the three members with the right shape and
// would pass for a source: registering one registry with another then
// compiled and recursed until the stack overflowed. A registry is not a
// source (as in mio); to nest selectors, register the native handle
// through posix::source_fd.
template <class S>
constexpr bool is_registry_v = std::is_same<std::remove_cv_t<S>, registry>::value;

} // namespace detail

/// Whether `S` can be registered with a registry.
///
/// A type is an event source when, for `S& s`, `const registry& r`,
/// `token t`, `interest i` and `error_code& ec`, the three calls
/// `s.register_(r, t, i, ec)`, `s.reregister(r, t, i, ec)` and
/// `s.deregister(r, ec)` are valid. Library types forward them to the
/// backend; a user type that owns several handles forwards them to its
/// parts (e.g. two `posix::source_fd`s). The registry clears `ec` before
/// it calls the member, so a source sets `ec` only when it fails.
///
/// @par Example
/// @code
/// struct timer_pair {
///     int a, b;
///     void register_(const registry& r, token t, interest i, error_code& ec) {
///         posix::source_fd(a).register_(r, t, i, ec);
///         if (!ec) posix::source_fd(b).register_(r, t, i, ec);
///     }
///     // reregister, deregister likewise
/// };
/// static_assert(is_event_source_v<timer_pair>);
/// @endcode
template <class S, class = void>
struct is_event_source : std::false_type
{
};

template <class S>
struct is_event_source<S,
    std::void_t<
        decltype(std::declval<S&>().register_(std::declval<const registry&>(),
            std::declval<token>(), std::declval<interest>(),
            std::declval<boost::system::error_code&>())),
        decltype(std::declval<S&>().reregister(std::declval<const registry&>(),
            std::declval<token>(), std::declval<interest>(),
            std::declval<boost::system::error_code&>())),
        decltype(std::declval<S&>().deregister(std::declval<const registry&>(),
            std::declval<boost::system::error_code&>()))>>
    : std::bool_constant<!detail::is_registry_v<S>>
{
};

template <class S>
inline constexpr bool is_event_source_v = is_event_source<S>::value;

#if defined(BOOST_MIO_HAS_CONCEPTS)
/// The C++20 spelling of is_event_source.
template <class S>
concept event_source = !detail::is_registry_v<S>
    && requires(S& s, const registry& r, token t, interest i, boost::system::error_code& ec) {
    s.register_(r, t, i, ec);
    s.reregister(r, t, i, ec);
    s.deregister(r, ec);
};
#endif

namespace detail {

// Used by the registry's templates so that a wrong type fails with one
// line that says what is missing, instead of a page of overload noise.
template <class Source>
constexpr void check_event_source() noexcept
{
    static_assert(is_event_source_v<std::remove_reference_t<Source>>,
        "boost::mio: this type is not an event source. An event source has "
        "members register_(const registry&, token, interest, error_code&), "
        "reregister(const registry&, token, interest, error_code&) and "
        "deregister(const registry&, error_code&); see "
        "<boost/mio/event_source.hpp>.");
}

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_EVENT_SOURCE_HPP
