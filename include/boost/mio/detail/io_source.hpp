//
// boost/mio/detail/io_source.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// What every library type that owns one OS handle is built on (pipe ends
// and sockets): ownership of the handle, blocking mode, registration, and
// the one path by which an operation reaches the OS, do_io(). It carries
// the backend's per-source state (detail/selector.hpp): nothing for epoll
// and kqueue, the re-arm bookkeeping for poll(2), where do_io() re-arms a
// registration when an operation reports would_block. That is mio's
// IoSource.

#ifndef BOOST_MIO_DETAIL_IO_SOURCE_HPP
#define BOOST_MIO_DETAIL_IO_SOURCE_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/selector.hpp>
#include <boost/mio/detail/socket_types.hpp>
#if defined(_WIN32)
#  include <boost/mio/detail/win_handle_ops.hpp>
#else
#  include <boost/mio/detail/posix_ops.hpp>
#endif
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/registry.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <utility>

namespace boost {
namespace mio {
namespace detail {

// The state is a base, not a member, so that an empty one takes no room.
class io_source : private source_state
{
public:
    using native_handle_type = selector::handle_type;

    native_handle_type native_handle() const noexcept { return fd_; }
    bool is_open() const noexcept { return is_valid_handle(fd_); }

    /// Gives up ownership: returns the handle (or -1, INVALID_SOCKET on
    /// Windows) and leaves this closed. The handle stays registered with
    /// any poll it was registered with.
    native_handle_type release() noexcept { return std::exchange(fd_, invalid_socket_handle); }

    /// Closes the handle (and with it every registration). Closing a closed
    /// object does nothing (as with Asio's close()).
    void close() noexcept
    {
        if (is_valid_handle(fd_))
        {
            state().on_close(fd_);
            handle_ops::close(std::exchange(fd_, invalid_socket_handle));
        }
    }
    void close(boost::system::error_code& ec) noexcept
    {
        close();
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
        handle_ops::set_nonblocking(fd_, on, ec);
    }

    // The event source members. A closed object reports EBADF (from the
    // kernel: the handle is -1).
    void register_(const registry& r, mio::token t, interest i,
        boost::system::error_code& ec) const
    {
        registry_access::get(r).register_(fd_, t.value(), i, &state(), ec);
    }
    void reregister(const registry& r, mio::token t, interest i,
        boost::system::error_code& ec) const
    {
        registry_access::get(r).reregister(fd_, t.value(), i, &state(), ec);
    }
    void deregister(const registry& r, boost::system::error_code& ec) const
    {
        registry_access::get(r).deregister(fd_, &state(), ec);
    }

protected:
    io_source() noexcept = default;
    explicit io_source(native_handle_type fd) noexcept
        : fd_(is_valid_handle(fd) ? fd : invalid_socket_handle)
    {
    }

    io_source(io_source&& other) noexcept
        : source_state(std::move(other.state())),
          fd_(std::exchange(other.fd_, invalid_socket_handle))
    {
    }
    io_source& operator=(io_source&& other) noexcept
    {
        if (this != &other)
        {
            close();
            state() = std::move(other.state());
            fd_ = std::exchange(other.fd_, invalid_socket_handle);
        }
        return *this;
    }
    ~io_source() { close(); }

    // Runs `op(handle, ec)`, one OS operation in `direction` (readable for
    // receives and accept, writable for sends and connect), and lets the
    // backend see its outcome: a backend that emulates edge triggers
    // re-arms that direction of the source when the operation drained it
    // (reported would_block), and only that one, as a kernel edge would.
    // With epoll and kqueue this is the bare call (the branch is discarded
    // at compile time).
    template <class Op>
    BOOST_FORCEINLINE decltype(auto) do_io(interest direction, boost::system::error_code& ec, Op&& op) const
    {
        if constexpr (source_state::rearms)
        {
            const rearm_on_would_block after{*this, direction, ec};
            return std::forward<Op>(op)(fd_, ec);
        }
        else
        {
            (void)direction;
            return std::forward<Op>(op)(fd_, ec);
        }
    }

    // Takes over a handle just opened by socket_ops or posix_ops (an
    // invalid one leaves this closed).
    void adopt(native_handle_type fd) noexcept
    {
        close();
        fd_ = is_valid_handle(fd) ? fd : invalid_socket_handle;
    }

private:
    // Runs when do_io's operation has returned (its result is built first).
    struct rearm_on_would_block
    {
        const io_source& self;
        interest direction;
        const boost::system::error_code& ec;
        ~rearm_on_would_block()
        {
            if (ec == boost::asio::error::would_block)
                self.state().on_would_block(self.fd_, direction);
        }
    };

    const source_state& state() const noexcept { return *this; }
    source_state& state() noexcept { return *this; }

    native_handle_type fd_ = invalid_socket_handle;
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IO_SOURCE_HPP
