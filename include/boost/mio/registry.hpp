//
// boost/mio/registry.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_REGISTRY_HPP
#define BOOST_MIO_REGISTRY_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/selector.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/event_source.hpp>
#include <boost/mio/interest.hpp>
#include <boost/mio/token.hpp>
#include <boost/system/error_code.hpp>

namespace boost {
namespace mio {

class poll;
namespace detail {
struct registry_access;
}

/// Registers event sources with a poll.
///
/// Obtained from poll::registry(), or from try_clone() to share a poll's
/// registrations with other threads: every member is `const` and
/// thread-safe, and registering while another thread blocks in
/// poll::wait is allowed (the registration takes effect for that wait).
/// A registry and its clones are the same registry: a source registered
/// through one is known to all.
///
/// All registrations are edge-triggered: an event is reported when a source
/// becomes ready, and again only after an operation on it reported
/// would_block. That is the portable rule; poll::short_read_drains names
/// the one relaxation a backend may allow (on epoll a short stream read
/// also counts as drained). Registering a source twice reports `EEXIST`; reregister or
/// deregister of a source that is not registered reports `ENOENT`; a closed
/// handle reports `EBADF`. Closing a registered handle removes it (the OS
/// does so), but deregister first when the handle may have been dup'ed.
///
/// Move-only; a default-constructed or moved-from registry is closed.
///
/// @par Thread safety
/// Every member is const and may be called from any thread, also while
/// another thread waits on the poll.
class registry
{
public:
    /// The selector's OS handle type (`int` on POSIX).
    using native_handle_type = detail::selector::native_handle_type;

    /// A closed registry.
    registry() noexcept = default;
    /// Takes over the handle; the source is left closed.
    registry(registry&&) noexcept = default;
    /// Closes this handle and takes over the other's.
    registry& operator=(registry&&) noexcept = default;

    /// Registers `src` for `i` with token `t`.
    /// @throws boost::system::system_error on failure.
    template <class Source>
    void register_(Source&& src, mio::token t, interest i,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        register_(src, t, i, ec);
        detail::throw_error(ec, "register", loc);
    }

    /// Registers `src` for `i` with token `t`; sets `ec` on failure.
    ///
    /// @par Requires
    /// `Source` is an event source (is_event_source_v); a type that is not
    /// fails to compile with a static_assert naming the three members.
    ///
    /// @par Errors
    /// `EEXIST` already registered with this registry (or a clone),
    /// `EBADF` a closed source or registry, `EPERM` (epoll) a regular file.
    ///
    /// @par Complexity
    /// One system call on epoll and kqueue; no allocation.
    template <class Source>
    void register_(Source&& src, mio::token t, interest i,
        boost::system::error_code& ec) const
    {
        detail::check_event_source<Source>();
        ec.clear(); // a source that succeeds may leave ec alone
        src.register_(*this, t, i, ec);
    }

    /// Changes the token and interest of a registered `src`, and re-arms
    /// it: readiness that `src` has now for the new interest is reported by
    /// the next wait, without an operation having reported would_block
    /// first, even readiness an earlier event already reported. So the
    /// usual "a write hit would_block: add writable interest" never misses
    /// a send buffer that drained in between, and reregistering an
    /// interest that is already ready yields an event at once (on every
    /// backend; on epoll this is `EPOLL_CTL_MOD`, which re-evaluates the
    /// source). Readiness only of an interest that was removed is not
    /// reported under the new one.
    /// @throws boost::system::system_error on failure.
    template <class Source>
    void reregister(Source&& src, mio::token t, interest i,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        reregister(src, t, i, ec);
        detail::throw_error(ec, "reregister", loc);
    }

    /// Changes the token and interest of a registered `src` and re-arms it,
    /// as the throwing overload; sets `ec`.
    ///
    /// @par Errors
    /// `ENOENT` not registered with this registry, `EBADF` a closed source
    /// or registry.
    ///
    /// @par Complexity
    /// One system call on epoll and kqueue; no allocation.
    template <class Source>
    void reregister(Source&& src, mio::token t, interest i,
        boost::system::error_code& ec) const
    {
        detail::check_event_source<Source>();
        ec.clear();
        src.reregister(*this, t, i, ec);
    }

    /// Removes `src`; no event is reported for it afterwards.
    /// @throws boost::system::system_error on failure.
    template <class Source>
    void deregister(Source&& src, const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        deregister(src, ec);
        detail::throw_error(ec, "deregister", loc);
    }

    /// Removes `src`; sets `ec` on failure.
    ///
    /// @par Errors
    /// `ENOENT` not registered with this registry, `EBADF` a closed source
    /// or registry.
    ///
    /// @par Complexity
    /// One system call on epoll and kqueue; no allocation.
    template <class Source>
    void deregister(Source&& src, boost::system::error_code& ec) const
    {
        detail::check_event_source<Source>();
        ec.clear();
        src.deregister(*this, ec);
    }

    /// A new handle to the same registry (dup of the OS handle, CLOEXEC).
    /// @throws boost::system::system_error on failure.
    BOOST_MIO_DECL registry try_clone(
        const boost::source_location& loc = BOOST_CURRENT_LOCATION) const;

    /// A new handle to the same registry; a closed one and `ec` on failure
    /// (`EMFILE` when out of descriptors, `EBADF` for a closed registry).
    BOOST_MIO_DECL registry try_clone(boost::system::error_code& ec) const;

    /// The OS selector handle (the epoll or kqueue fd; on poll(2), the fd
    /// that interrupts its waits).
    native_handle_type native_handle() const noexcept { return selector_.native_handle(); }

    /// Whether this registry holds an open selector handle.
    bool is_open() const noexcept { return selector_.is_open(); }

private:
    friend class poll;
    friend struct detail::registry_access;

    detail::selector selector_;
};

namespace detail {

// How library sources and the waker reach the backend of a registry.
struct registry_access
{
    static const selector& get(const registry& r) noexcept { return r.selector_; }
};

} // namespace detail
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/impl/registry.ipp>
#endif

#endif // BOOST_MIO_REGISTRY_HPP
