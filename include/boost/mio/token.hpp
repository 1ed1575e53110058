//
// boost/mio/token.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_TOKEN_HPP
#define BOOST_MIO_TOKEN_HPP

#include <boost/mio/detail/config.hpp>
#include <cstddef>
#include <functional>
#include <iosfwd>

namespace boost {
namespace mio {

/// Associates an event with the source that produced it.
///
/// A token is chosen by the user when a source is registered and comes back
/// in every event for that source; it is usually an index into a table of
/// connections. Any `std::size_t` is valid, including 0 and SIZE_MAX: the
/// library reserves none (the waker takes whichever token it is given).
///
/// Regular and trivially copyable; `std::hash<boost::mio::token>` is
/// specialised, so a token can key an unordered container.
///
/// @par Thread safety
/// A value type: distinct objects, distinct threads.
///
/// @par Example
/// @code
/// constexpr boost::mio::token listener{0};
/// poll.registry().register_(server, listener, boost::mio::interest::readable);
/// @endcode
class token
{
public:
    /// token(0), so that a token is regular: it can be a member of an
    /// aggregate or an element of a container before it is assigned.
    /// Complexity: constant.
    constexpr token() noexcept = default;

    /// Wraps `value`. Complexity: constant.
    constexpr explicit token(std::size_t value) noexcept : value_(value) {}

    /// The wrapped value.
    constexpr std::size_t value() const noexcept { return value_; }

    /// Compare the wrapped values. Complexity: constant.
    /// @{
    friend constexpr bool operator==(token a, token b) noexcept { return a.value_ == b.value_; }
    friend constexpr bool operator!=(token a, token b) noexcept { return a.value_ != b.value_; }
    friend constexpr bool operator<(token a, token b) noexcept { return a.value_ < b.value_; }
    friend constexpr bool operator<=(token a, token b) noexcept { return a.value_ <= b.value_; }
    friend constexpr bool operator>(token a, token b) noexcept { return a.value_ > b.value_; }
    friend constexpr bool operator>=(token a, token b) noexcept { return a.value_ >= b.value_; }
    /// @}

private:
    std::size_t value_ = 0;
};

/// Writes "token(7)".
BOOST_MIO_DECL std::ostream& operator<<(std::ostream& os, token t);

} // namespace mio
} // namespace boost

/// @cond BOOST_MIO_STD_HASH
// Documented on boost::mio::token (Doxygen cannot place a specialisation
// of a std template whose namespace it does not see).
template <>
struct std::hash<boost::mio::token>
{
    std::size_t operator()(boost::mio::token t) const noexcept
    {
        return std::hash<std::size_t>{}(t.value());
    }
};
/// @endcond

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/impl/token.ipp>
#endif

#endif // BOOST_MIO_TOKEN_HPP
