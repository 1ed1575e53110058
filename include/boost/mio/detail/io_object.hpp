//
// boost/mio/detail/io_object.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_IO_OBJECT_HPP
#define BOOST_MIO_DETAIL_IO_OBJECT_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/io_source.hpp>
#include <boost/mio/detail/posix_ops.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/registry.hpp>
#include <boost/system/error_code.hpp>
#include <utility>

namespace boost {
namespace mio {
namespace detail {

// What every library type that owns one OS handle has (pipe ends and
// sockets): ownership of the handle, blocking mode and registration. The
// derived types add the transfers they support, each through io_.do_io().
class io_object
{
public:
    using native_handle_type = int;

    native_handle_type native_handle() const noexcept { return io_.native_handle(); }
    bool is_open() const noexcept { return io_.is_open(); }

    /// Gives up ownership: returns the handle (or -1) and leaves this closed.
    /// The handle stays registered with any poll it was registered with.
    native_handle_type release() noexcept { return io_.release(); }

    /// Closes the handle (the OS removes it from every poll). Closing a
    /// closed object does nothing.
    void close() noexcept { io_.close(); }
    void close(boost::system::error_code& ec) noexcept
    {
        io_.close();
        ec.clear();
    }

    /// Switches O_NONBLOCK. Handles the library creates already are
    /// non-blocking; this is for handles adopted with from_native().
    /// @throws boost::system::system_error.
    void set_nonblocking(bool on, const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        set_nonblocking(on, ec);
        detail::throw_error(ec, "set_nonblocking", loc);
    }
    void set_nonblocking(bool on, boost::system::error_code& ec)
    {
        detail::posix_ops::set_nonblocking(io_.native_handle(), on, ec);
    }

    void register_(const registry& r, mio::token t, interest i,
        boost::system::error_code& ec) const
    {
        io_.register_(r, t, i, ec);
    }
    void reregister(const registry& r, mio::token t, interest i,
        boost::system::error_code& ec) const
    {
        io_.reregister(r, t, i, ec);
    }
    void deregister(const registry& r, boost::system::error_code& ec) const
    {
        io_.deregister(r, ec);
    }

protected:
    io_object() noexcept = default;
    explicit io_object(native_handle_type fd) noexcept : io_(fd) {}
    explicit io_object(io_source&& io) noexcept : io_(std::move(io)) {}

    io_source io_;
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IO_OBJECT_HPP
