//
// boost/mio/posix/source_fd.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_POSIX_SOURCE_FD_HPP
#define BOOST_MIO_POSIX_SOURCE_FD_HPP

#if defined(_WIN32)
#  error "boost/mio/posix/source_fd.hpp: posix::source_fd is POSIX only"
#else

#include <boost/mio/detail/config.hpp>
#include <boost/mio/registry.hpp>
#include <boost/system/error_code.hpp>

namespace boost {
namespace mio {
namespace posix {

/// A non-owning view of any file descriptor as an event source.
///
/// Registers an fd the library did not create (timerfd, signalfd, inotify,
/// a child's stdout, ...). It does not own, close or change the fd; the
/// caller keeps it open while it is registered, and should make it
/// non-blocking, since edge-triggered sources are drained to would_block.
/// On the poll(2) backend a source_fd is level-triggered, as in mio: the
/// library never sees its I/O, so nothing could re-arm an emulated edge,
/// and it is reported at every wait for as long as it is ready. Deregister
/// it before closing the fd there (poll(2) would go on polling the number).
/// Being a view, it may be passed as a temporary:
///
/// @code
/// poll.registry().register_(posix::source_fd(tfd), token(1), interest::readable);
/// @endcode
class source_fd
{
public:
    /// A view of `fd`; nothing is checked until registration (a bad fd
    /// reports `EBADF` then).
    explicit source_fd(int fd) noexcept : fd_(fd) {}

    /// The viewed fd.
    int native_handle() const noexcept { return fd_; }

    /// Event source members, called by registry::register_, reregister and deregister (use
    /// those); they register the fd itself. Errors as the registry's:
    /// `EEXIST`, `ENOENT`, `EBADF`, `EPERM` (epoll: a regular file).
    /// @{
    void register_(const registry& r, mio::token t, interest i,
        boost::system::error_code& ec) const
    {
        mio::detail::registry_access::get(r).register_(fd_, t.value(), i, nullptr, ec);
    }
    void reregister(const registry& r, mio::token t, interest i,
        boost::system::error_code& ec) const
    {
        mio::detail::registry_access::get(r).reregister(fd_, t.value(), i, nullptr, ec);
    }
    void deregister(const registry& r, boost::system::error_code& ec) const
    {
        mio::detail::registry_access::get(r).deregister(fd_, nullptr, ec);
    }
    /// @}

private:
    int fd_;
};

} // namespace posix
} // namespace mio
} // namespace boost

#endif // _WIN32

#endif // BOOST_MIO_POSIX_SOURCE_FD_HPP
