//
// boost/mio/detail/throw_error.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The throwing overload of every operation calls the error_code overload
// and then throw_error(ec, "what", loc), which throws system_error. `loc`
// is the caller's line: each throwing overload takes a trailing
// `const boost::source_location& loc = BOOST_CURRENT_LOCATION`, which the
// compiler fills in at the call site (Boost.System 1.79's convention).
// The location is recorded twice, as Boost.System does it: in the
// exception (boost::get_throw_location(e)) and in its code
// (e.code().location(), which e.what() shows).

#ifndef BOOST_MIO_DETAIL_THROW_ERROR_HPP
#define BOOST_MIO_DETAIL_THROW_ERROR_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <set>

namespace boost {
namespace mio {
namespace detail {

// An error_code keeps only a pointer to its source_location, while `loc`
// is the caller's temporary (a default argument) and the exception lives
// on. So each distinct location is copied once into a set that is never
// freed: its size is bounded by the number of call sites that ever throw,
// and only a throw touches it. Null (no location in the code) if that copy
// cannot be made.
inline const boost::source_location* lasting_location(const boost::source_location& loc) noexcept
{
    struct before
    {
        bool operator()(const boost::source_location& a, const boost::source_location& b) const
        {
            if (a.line() != b.line())
                return a.line() < b.line();
            if (a.column() != b.column())
                return a.column() < b.column();
            if (const int c = std::strcmp(a.file_name(), b.file_name()))
                return c < 0;
            return std::strcmp(a.function_name(), b.function_name()) < 0;
        }
    };
    static std::mutex mutex;
    // Leaked on purpose: a location may be read during static destruction.
    static auto* const locations = new std::set<boost::source_location, before>;
    try
    {
        std::lock_guard<std::mutex> lock(mutex);
        return &*locations->insert(loc).first;
    }
    catch (...)
    {
        return nullptr;
    }
}

// Takes the code and the location apart, as scalars: a throwing overload
// is inlined into its caller, and a reference to its local error_code or
// to the caller's location temporary would make the compiler build both
// in memory on every call, on the path that does not throw (callgrind: 9
// stores per throwing poll::wait). As scalars they are only materialized
// on the throwing path. Every code the library reports is a value and a
// category (it never wraps a std::error_code), so nothing is lost; the
// location replaces any the code had, as before.
// Six arguments, all in registers (line and column share one: a seventh,
// on the stack, made GCC give the caller a frame pointer, and the user's
// loop a register fewer).
[[noreturn]] BOOST_NOINLINE inline void do_throw_error(int value,
    const boost::system::error_category& category, const char* what, const char* file,
    const char* function, std::uint64_t line_column)
{
    const boost::source_location loc(file, static_cast<boost::uint_least32_t>(line_column >> 32),
        function, static_cast<boost::uint_least32_t>(line_column));
    const boost::system::error_code located(value, category, lasting_location(loc));
    boost::throw_exception(boost::system::system_error(located, what), loc);
}

BOOST_FORCEINLINE void throw_error(const boost::system::error_code& ec, const char* what,
    const boost::source_location& loc)
{
    if (BOOST_UNLIKELY(ec.failed()))
        do_throw_error(ec.value(), ec.category(), what, loc.file_name(), loc.function_name(),
            std::uint64_t(loc.line()) << 32 | loc.column());
}

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_THROW_ERROR_HPP
