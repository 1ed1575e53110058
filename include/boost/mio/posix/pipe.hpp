//
// boost/mio/posix/pipe.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_POSIX_PIPE_HPP
#define BOOST_MIO_POSIX_PIPE_HPP

#if defined(_WIN32)
#  error "boost/mio/posix/pipe.hpp: posix::pipe is POSIX only"
#else

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/buffer_sequence.hpp>
#include <boost/mio/detail/io_source.hpp>
#include <boost/mio/detail/posix_ops.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/registry.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>

namespace boost {
namespace mio {
namespace detail {

// Both ends of a pipe are an io_source (ownership of the fd, blocking mode
// and registration); sender and receiver add the one direction they
// transfer.
using pipe_end = io_source;

} // namespace detail

namespace posix {

/// The writing end of a pipe. Move-only; owns its fd.
///
/// A write to a pipe whose reading end is closed reports `EPIPE`. Pipes
/// have no MSG_NOSIGNAL: whether SIGPIPE is also raised depends on the
/// process's disposition for it, exactly as with Asio's pipes (ignore it
/// with `signal(SIGPIPE, SIG_IGN)` to rely on the error alone).
class sender : public mio::detail::pipe_end
{
public:
#if defined(BOOST_MIO_DOXYGEN)
    // Declared for the reference only: the members come from a detail::
    // base and are documented here, where the user meets them.
    /// The OS handle type: `int` on POSIX (`SOCKET` on Windows).
    using native_handle_type = int;
    /// @copydoc boost::mio::net::tcp_stream::native_handle()
    native_handle_type native_handle() const noexcept;
    /// @copydoc boost::mio::net::tcp_stream::is_open()
    bool is_open() const noexcept;
    /// @copydoc boost::mio::net::tcp_stream::release()
    native_handle_type release() noexcept;
    /// @copydoc boost::mio::net::tcp_stream::close()
    void close() noexcept;
    /// @copydoc boost::mio::net::tcp_stream::close(boost::system::error_code&)
    void close(boost::system::error_code& ec) noexcept;
    /// @copydoc boost::mio::net::tcp_stream::set_nonblocking(bool, const boost::source_location&)
    void set_nonblocking(bool on, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::tcp_stream::set_nonblocking(bool, boost::system::error_code&)
    void set_nonblocking(bool on, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::tcp_stream::register_
    /// @{
    void register_(const registry& r, mio::token t, interest i, boost::system::error_code& ec) const;
    void reregister(const registry& r, mio::token t, interest i, boost::system::error_code& ec) const;
    void deregister(const registry& r, boost::system::error_code& ec) const;
    /// @}
#endif

    /// A closed sender.
    sender() noexcept = default;

    /// Takes ownership of `fd` (e.g. a child process's stdin). Call
    /// set_nonblocking(true) unless the fd already is.
    static sender from_native(native_handle_type fd) noexcept { return sender(fd); }

    /// Writes some of `buffers` (a ConstBufferSequence; several buffers are
    /// one writev). Reports would_block when the pipe is full.
    /// @throws boost::system::system_error.
    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        const std::size_t n = write_some(buffers, ec);
        detail::throw_error(ec, "write_some", loc);
        return n;
    }

    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& ec)
    {
        using boost::asio::const_buffer;
        if constexpr (detail::is_single_buffer_v<ConstBufferSequence, const_buffer>)
        {
            const const_buffer b(buffers);
            return do_io(interest::writable, ec, [&](int fd, boost::system::error_code& ec) BOOST_MIO_LAMBDA_FORCEINLINE {
                return detail::posix_ops::write(fd, b.data(), b.size(), ec);
            });
        }
        else
        {
            detail::iovec_array<const_buffer> iov(buffers);
            return do_io(interest::writable, ec, [&](int fd, boost::system::error_code& ec) BOOST_MIO_LAMBDA_FORCEINLINE {
                return detail::posix_ops::writev(fd, iov.data(), iov.count(), ec);
            });
        }
    }

private:
    explicit sender(native_handle_type fd) noexcept : io_source(fd) {}
};

/// The reading end of a pipe. Move-only; owns its fd.
///
/// read_some reports `boost::asio::error::eof` (0 bytes) once every writer
/// is closed and the pipe is empty, as Asio's streams do.
class receiver : public mio::detail::pipe_end
{
public:
#if defined(BOOST_MIO_DOXYGEN)
    // Declared for the reference only: the members come from a detail::
    // base and are documented here, where the user meets them.
    /// The OS handle type: `int` on POSIX (`SOCKET` on Windows).
    using native_handle_type = int;
    /// @copydoc boost::mio::net::tcp_stream::native_handle()
    native_handle_type native_handle() const noexcept;
    /// @copydoc boost::mio::net::tcp_stream::is_open()
    bool is_open() const noexcept;
    /// @copydoc boost::mio::net::tcp_stream::release()
    native_handle_type release() noexcept;
    /// @copydoc boost::mio::net::tcp_stream::close()
    void close() noexcept;
    /// @copydoc boost::mio::net::tcp_stream::close(boost::system::error_code&)
    void close(boost::system::error_code& ec) noexcept;
    /// @copydoc boost::mio::net::tcp_stream::set_nonblocking(bool, const boost::source_location&)
    void set_nonblocking(bool on, const boost::source_location& loc = BOOST_CURRENT_LOCATION);
    /// @copydoc boost::mio::net::tcp_stream::set_nonblocking(bool, boost::system::error_code&)
    void set_nonblocking(bool on, boost::system::error_code& ec);
    /// @copydoc boost::mio::net::tcp_stream::register_
    /// @{
    void register_(const registry& r, mio::token t, interest i, boost::system::error_code& ec) const;
    void reregister(const registry& r, mio::token t, interest i, boost::system::error_code& ec) const;
    void deregister(const registry& r, boost::system::error_code& ec) const;
    /// @}
#endif

    /// A closed receiver.
    receiver() noexcept = default;

    /// Takes ownership of `fd` (e.g. a child process's stdout).
    static receiver from_native(native_handle_type fd) noexcept { return receiver(fd); }

    /// Reads into `buffers` (a MutableBufferSequence; several buffers are
    /// one readv). Reports would_block when the pipe is empty.
    /// @throws boost::system::system_error (including eof).
    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        const std::size_t n = read_some(buffers, ec);
        detail::throw_error(ec, "read_some", loc);
        return n;
    }

    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec)
    {
        using boost::asio::mutable_buffer;
        if constexpr (detail::is_single_buffer_v<MutableBufferSequence, mutable_buffer>)
        {
            const mutable_buffer b(buffers);
            return do_io(interest::readable, ec, [&](int fd, boost::system::error_code& ec) BOOST_MIO_LAMBDA_FORCEINLINE {
                return detail::posix_ops::read(fd, b.data(), b.size(), ec);
            });
        }
        else
        {
            detail::iovec_array<mutable_buffer> iov(buffers);
            return do_io(interest::readable, ec, [&](int fd, boost::system::error_code& ec) BOOST_MIO_LAMBDA_FORCEINLINE {
                return detail::posix_ops::readv(fd, iov.data(), iov.count(),
                    iov.total_size(), ec);
            });
        }
    }

private:
    explicit receiver(native_handle_type fd) noexcept : io_source(fd) {}
};

/// The two ends of a new pipe.
struct pipe_ends
{
    /// The write end.
    posix::sender sender;
    /// The read end.
    posix::receiver receiver;
};

/// Creates a pipe; on failure sets `ec` and returns two closed ends.
inline pipe_ends make_pipe(boost::system::error_code& ec)
{
    int fds[2];
    detail::posix_ops::make_pipe(fds, ec);
    if (ec)
        return pipe_ends{};
    return pipe_ends{sender::from_native(fds[1]), receiver::from_native(fds[0])};
}

/// Creates a pipe with both ends O_NONBLOCK | O_CLOEXEC.
/// @throws boost::system::system_error (e.g. EMFILE).
inline pipe_ends make_pipe(const boost::source_location& loc = BOOST_CURRENT_LOCATION)
{
    boost::system::error_code ec;
    pipe_ends ends = make_pipe(ec);
    detail::throw_error(ec, "make_pipe", loc);
    return ends;
}

} // namespace posix
} // namespace mio
} // namespace boost

#endif // _WIN32

#endif // BOOST_MIO_POSIX_PIPE_HPP
