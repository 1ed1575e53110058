//
// boost/mio/interest.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_INTEREST_HPP
#define BOOST_MIO_INTEREST_HPP

#include <boost/mio/detail/config.hpp>
#include <cstdint>
#include <iosfwd>
#include <optional>

namespace boost {
namespace mio {

/// The readiness a source is registered for.
///
/// An interest is never empty: the only values are the constants below and
/// their unions, and remove() returns `std::nullopt` instead of an empty
/// set. (Registering for nothing is what deregister() is for.)
///
/// `priority` (out-of-band TCP data, EPOLLPRI) is Linux/Android only, as in
/// mio.
///
/// @par Example
/// @code
/// constexpr auto both = interest::readable | interest::writable;
/// static_assert(both.remove(interest::writable) == interest::readable);
/// @endcode
class interest
{
public:
    /// Readable readiness: data, end of stream, a pending connection.
    static const interest readable;
    /// Writable readiness: room in the send buffer, a finished connect.
    static const interest writable;
    /// Priority readiness (EPOLLPRI: TCP urgent data); Linux and Android.
    static const interest priority;

    /// The union of `*this` and `other`. Complexity: constant.
    constexpr interest add(interest other) const noexcept
    {
        return interest(static_cast<std::uint8_t>(bits_ | other.bits_));
    }

    /// `*this` without `other`, or nullopt if nothing would remain (an
    /// interest is never empty). Complexity: constant.
    constexpr std::optional<interest> remove(interest other) const noexcept
    {
        const auto rest = static_cast<std::uint8_t>(bits_ & ~other.bits_);
        if (rest == 0)
            return std::nullopt;
        return interest(rest);
    }

    /// Whether the set holds readable, writable, priority. Complexity: constant.
    /// @{
    constexpr bool is_readable() const noexcept { return (bits_ & readable_bit) != 0; }
    constexpr bool is_writable() const noexcept { return (bits_ & writable_bit) != 0; }
    constexpr bool is_priority() const noexcept { return (bits_ & priority_bit) != 0; }
    /// @}

    /// The union: `a.add(b)`.
    friend constexpr interest operator|(interest a, interest b) noexcept { return a.add(b); }
    /// `*this = add(other)`; returns `*this`.
    constexpr interest& operator|=(interest other) noexcept
    {
        bits_ = static_cast<std::uint8_t>(bits_ | other.bits_);
        return *this;
    }

    /// Set equality.
    /// @{
    friend constexpr bool operator==(interest a, interest b) noexcept { return a.bits_ == b.bits_; }
    friend constexpr bool operator!=(interest a, interest b) noexcept { return a.bits_ != b.bits_; }
    /// @}

    /// The raw bit set (readable 1, writable 2, priority 4), for backends.
    constexpr std::uint8_t bits() const noexcept { return bits_; }

private:
    static constexpr std::uint8_t readable_bit = 1;
    static constexpr std::uint8_t writable_bit = 2;
    static constexpr std::uint8_t priority_bit = 4;

    constexpr explicit interest(std::uint8_t bits) noexcept : bits_(bits) {}

    std::uint8_t bits_;
};

inline constexpr interest interest::readable{interest::readable_bit};
inline constexpr interest interest::writable{interest::writable_bit};
inline constexpr interest interest::priority{interest::priority_bit};

/// Writes the set as "READABLE | WRITABLE | PRIORITY" (members present only).
BOOST_MIO_DECL std::ostream& operator<<(std::ostream& os, interest i);

} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/impl/interest.ipp>
#endif

#endif // BOOST_MIO_INTEREST_HPP
