//
// boost/mio/detail/io_source.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Owns one OS handle and is the only path by which pipes and sockets reach
// the selector and the OS. Every read/write/accept/connect goes through
// do_io(): a backend that must re-arm a registration after would_block
// (poll(2), IOCP) hooks in there; with epoll it is a plain call.

#ifndef BOOST_MIO_DETAIL_IO_SOURCE_HPP
#define BOOST_MIO_DETAIL_IO_SOURCE_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/errno_error.hpp>
#include <boost/mio/detail/posix_ops.hpp>
#include <boost/mio/registry.hpp>
#include <boost/system/error_code.hpp>
#include <cerrno>
#include <utility>

namespace boost {
namespace mio {
namespace detail {

class io_source
{
public:
    using native_handle_type = int;

    io_source() noexcept = default;
    explicit io_source(native_handle_type fd) noexcept : fd_(fd < 0 ? -1 : fd) {}

    io_source(io_source&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    io_source& operator=(io_source&& other) noexcept
    {
        if (this != &other)
        {
            close();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    ~io_source() { close(); }

    native_handle_type native_handle() const noexcept { return fd_; }
    bool is_open() const noexcept { return fd_ >= 0; }
    native_handle_type release() noexcept { return std::exchange(fd_, -1); }

    // Closing a closed source is not an error (as with Asio's close()).
    void close() noexcept
    {
        if (fd_ >= 0)
            posix_ops::close(std::exchange(fd_, -1));
    }

    // A closed source reports EBADF from the kernel (fd -1).
    void register_(const registry& r, token t, interest i,
        boost::system::error_code& ec) const
    {
        registry_access::get(r).register_(fd_, t.value(), i, ec);
    }
    void reregister(const registry& r, token t, interest i,
        boost::system::error_code& ec) const
    {
        registry_access::get(r).reregister(fd_, t.value(), i, ec);
    }
    void deregister(const registry& r, boost::system::error_code& ec) const
    {
        registry_access::get(r).deregister(fd_, ec);
    }

    // Runs `op(fd)`, one OS operation. The epoll backend needs no
    // bookkeeping around it.
    template <class Op>
    decltype(auto) do_io(Op&& op) const
    {
        return std::forward<Op>(op)(fd_);
    }

private:
    native_handle_type fd_ = -1;
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IO_SOURCE_HPP
