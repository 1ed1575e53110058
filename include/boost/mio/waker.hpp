//
// boost/mio/waker.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_WAKER_HPP
#define BOOST_MIO_WAKER_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/selector.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/registry.hpp>
#include <boost/mio/token.hpp>
#include <boost/system/error_code.hpp>

namespace boost {
namespace mio {

/// Wakes a poll blocked in wait() from any thread.
///
/// The waker registers itself (an eventfd on Linux) with the registry under
/// the given token; wake() makes the next or current wait() report a
/// readable event with that token. Wakes before a wait are not lost, and
/// many wakes before a wait may coalesce into one event: wake() does not
/// even make a syscall while an earlier wake-up is still unconsumed.
///
/// At most one live waker per poll, as in mio: a second reports
/// boost::mio::error::waker_already_exists until the first is destroyed.
/// Move-only; default-constructed closed.
///
/// @par Thread safety
/// wake() may be called from any number of threads at once.
class waker
{
public:
    /// A closed waker.
    waker() noexcept = default;

    /// Creates the waker and registers it with `r` under `t`.
    /// @throws boost::system::system_error on failure.
    waker(const registry& r, mio::token t,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        impl_.open(detail::registry_access::get(r), t.value(), ec);
        detail::throw_error(ec, "waker", loc);
    }

    /// Creates the waker; on failure sets `ec` and the waker is closed.
    ///
    /// @par Errors
    /// boost::mio::error::waker_already_exists while another waker of the
    /// same poll is alive; `EMFILE` when out of descriptors; `EBADF` for a
    /// closed registry.
    waker(const registry& r, mio::token t, boost::system::error_code& ec)
    {
        impl_.open(detail::registry_access::get(r), t.value(), ec);
    }

    /// Takes over the waker; the source is left closed.
    waker(waker&&) noexcept = default;
    /// Closes this waker and takes over the other.
    waker& operator=(waker&&) noexcept = default;

    /// Wakes the poll. Thread-safe. @throws boost::system::system_error.
    void wake(const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        impl_.wake(ec);
        detail::throw_error(ec, "wake", loc);
    }

    /// Wakes the poll; sets `ec` on failure (`EBADF` if closed).
    ///
    /// @par Complexity
    /// At most one system call, none while an earlier wake-up has not been
    /// consumed by a wait; no allocation, no lock.
    void wake(boost::system::error_code& ec) const { impl_.wake(ec); }

    /// Whether the waker is open (registered).
    bool is_open() const noexcept { return impl_.is_open(); }

    /// The OS handle type of the waker.
    using native_handle_type = detail::selector_waker::native_handle_type;

    /// The OS handle behind the waker (the eventfd on epoll; backend-defined).
    native_handle_type native_handle() const noexcept { return impl_.native_handle(); }

private:
    detail::selector_waker impl_;
};

} // namespace mio
} // namespace boost

#endif // BOOST_MIO_WAKER_HPP
