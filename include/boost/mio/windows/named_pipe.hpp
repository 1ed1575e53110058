//
// boost/mio/windows/named_pipe.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_WINDOWS_NAMED_PIPE_HPP
#define BOOST_MIO_WINDOWS_NAMED_PIPE_HPP

#if !defined(_WIN32) && !defined(BOOST_MIO_DOXYGEN)
#  error "boost/mio/windows/named_pipe.hpp: windows::named_pipe is Windows only"
#else

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/buffer_sequence.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/mio/detail/win_pipe.hpp>
#include <boost/mio/registry.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace boost {
namespace mio {
namespace windows {

/// A non-blocking Windows named pipe, either end; an event source (mio's
/// `NamedPipe`).
///
/// Move-only; owns its `HANDLE`. The server end comes from create(), the
/// client end from open(), an existing overlapped handle from
/// from_native(). Byte mode, duplex, not inheritable.
///
/// A pipe has no readiness of its own for the poll to ask about, so its
/// I/O is overlapped on the poll's completion port with internal buffers
/// (64 KiB each, as `detail::win_pipe_ops::buffer_size`): one read is kept
/// in flight into the read buffer, and read_some copies out of it; each
/// write_some copies into the write buffer and starts one overlapped
/// write. Readable is reported when the read completes (data, end of
/// stream or an error is buffered), writable when the write buffer is free
/// again. Events are edge-triggered as for every source: read until
/// `would_block` (the read that empties the buffer starts the next read;
/// its completion is the next readable event), write until `would_block`.
///
/// The pipe does I/O only while registered (each completion needs the
/// poll's port): unregistered, read_some and write_some report
/// `would_block`, and connect() `not_connected`. Its handle joins the
/// port of the first poll it is registered with for good (Windows cannot
/// undo that): registering it with another poll reports `file_exists`.
/// Once that poll is closed the pipe can do no more I/O (`would_block`):
/// close it.
///
/// @par Example
/// @code
/// auto server = windows::named_pipe::create(L"\\\\.\\pipe\\my-pipe");
/// poll.registry().register_(server, token(0), interest::readable | interest::writable);
/// server.connect(ec);   // would_block: a writable event once a client is there
/// auto client = windows::named_pipe::open(L"\\\\.\\pipe\\my-pipe");
/// @endcode
class named_pipe
{
public:
    /// The OS handle type: `HANDLE`.
    using native_handle_type = void*;

    /// A closed pipe.
    named_pipe() noexcept = default;
    /// Takes over `other`'s pipe, its registration included; `other` is closed.
    named_pipe(named_pipe&& other) noexcept = default;
    /// Closes this pipe, then takes over `other`'s.
    named_pipe& operator=(named_pipe&& other) noexcept
    {
        if (this != &other)
        {
            close();
            impl_ = std::move(other.impl_);
        }
        return *this;
    }
    /// Closes the pipe (as close()).
    ~named_pipe() { close(); }

    /// Creates the first instance of the pipe `name` (\\\\.\\pipe\\ and a name),
    /// its server end (`FILE_FLAG_FIRST_PIPE_INSTANCE`: `access_denied` if
    /// the pipe exists already). Register it, then connect().
    /// @throws boost::system::system_error (`invalid_argument` for a name
    /// that is not \\\\.\\pipe\\ and a name).
    static named_pipe create(std::wstring_view name,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        named_pipe p = create(name, ec);
        mio::detail::throw_error(ec, "create", loc);
        return p;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    static named_pipe create(std::wstring_view name, boost::system::error_code& ec)
    {
        return named_pipe(mio::detail::win_pipe_ops::create(name, true, ec));
    }
    /// As the wide overload, for a UTF-8 name.
    /// @throws boost::system::system_error.
    static named_pipe create(std::string_view name,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        named_pipe p = create(name, ec);
        mio::detail::throw_error(ec, "create", loc);
        return p;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    static named_pipe create(std::string_view name, boost::system::error_code& ec)
    {
        const std::wstring w = mio::detail::win_pipe_ops::widen(name, ec);
        return ec ? named_pipe() : create(std::wstring_view(w), ec);
    }

    /// Creates another instance of an existing pipe `name`, for the next
    /// client of a server (each instance serves one client at a time).
    /// @throws boost::system::system_error.
    static named_pipe create_instance(std::wstring_view name,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        named_pipe p = create_instance(name, ec);
        mio::detail::throw_error(ec, "create_instance", loc);
        return p;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    static named_pipe create_instance(std::wstring_view name, boost::system::error_code& ec)
    {
        return named_pipe(mio::detail::win_pipe_ops::create(name, false, ec));
    }

    /// Opens the client end of the pipe `name` (`CreateFileW`, overlapped;
    /// connected at once). `no_such_file_or_directory` if no server
    /// created it; `ERROR_PIPE_BUSY` if every instance has a client.
    /// @throws boost::system::system_error.
    static named_pipe open(std::wstring_view name,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        named_pipe p = open(name, ec);
        mio::detail::throw_error(ec, "open", loc);
        return p;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    static named_pipe open(std::wstring_view name, boost::system::error_code& ec)
    {
        return named_pipe(mio::detail::win_pipe_ops::open(name, ec));
    }
    /// As the wide overload, for a UTF-8 name.
    /// @throws boost::system::system_error.
    static named_pipe open(std::string_view name,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        named_pipe p = open(name, ec);
        mio::detail::throw_error(ec, "open", loc);
        return p;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    static named_pipe open(std::string_view name, boost::system::error_code& ec)
    {
        const std::wstring w = mio::detail::win_pipe_ops::widen(name, ec);
        return ec ? named_pipe() : open(std::wstring_view(w), ec);
    }

    /// Takes ownership of `h`, a pipe handle opened with
    /// `FILE_FLAG_OVERLAPPED` (either end). A null or invalid handle
    /// leaves the result closed.
    static named_pipe from_native(native_handle_type h) noexcept
    {
        boost::system::error_code ec;
        return named_pipe(mio::detail::win_pipe_ops::adopt(h, ec));
    }

    /// The pipe's `HANDLE`; null when closed.
    native_handle_type native_handle() const noexcept
    {
        return impl_ ? mio::detail::win_pipe_ops::native_handle(*impl_) : nullptr;
    }
    /// Whether this object owns an open pipe.
    bool is_open() const noexcept { return impl_ != nullptr; }

    /// Closes the pipe, which also removes it from its poll. A read or
    /// connect in flight is cancelled; a write in flight is let finish, so
    /// that every byte write_some accepted reaches the peer, and the handle
    /// is closed after it (as mio does). Closing a closed pipe does nothing.
    void close() noexcept
    {
        if (impl_)
        {
            mio::detail::win_pipe_ops::close(*impl_);
            impl_.reset();
        }
    }
    /// As close(); clears `ec` (closing cannot fail).
    void close(boost::system::error_code& ec) noexcept
    {
        close();
        ec.clear();
    }

    /// Server end: waits for a client (`ConnectNamedPipe`, overlapped).
    /// Succeeds at once if a client is connected; otherwise reports
    /// `would_block`, and the poll reports writable when a client
    /// connects (take_error() then says whether it failed). The pipe must
    /// be registered (`not_connected` otherwise).
    /// @throws boost::system::system_error, `would_block` included.
    void connect(const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        connect(ec);
        mio::detail::throw_error(ec, "connect", loc);
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    void connect(boost::system::error_code& ec)
    {
        if (!impl_)
            return set_bad(ec);
        mio::detail::win_pipe_ops::connect(*impl_, ec);
    }

    /// Server end: ends the connection with the current client
    /// (`DisconnectNamedPipe`; bytes it has not read are lost), so that
    /// connect() can take the next one.
    /// @throws boost::system::system_error.
    void disconnect(const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        disconnect(ec);
        mio::detail::throw_error(ec, "disconnect", loc);
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    void disconnect(boost::system::error_code& ec)
    {
        if (!impl_)
            return set_bad(ec);
        mio::detail::win_pipe_ops::disconnect(*impl_, ec);
    }

    /// Reads into `buffers`, any Asio MutableBufferSequence (the first 64
    /// buffers of a longer one), from the read buffer.
    /// @returns The number of bytes read.
    /// @par Errors
    /// `boost::asio::error::would_block` when nothing is buffered (the read
    /// is in flight: wait for the next readable event); 0 bytes with
    /// `boost::asio::error::eof` once the other end has closed; a failed
    /// read's error once.
    /// @throws boost::system::system_error for any of them.
    /// @par Complexity
    /// A copy; no system call unless the buffer empties (then one ReadFile).
    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        const std::size_t n = read_some(buffers, ec);
        mio::detail::throw_error(ec, "read_some", loc);
        return n;
    }
    /// As the overload above, but reports failure through `ec` instead of
    /// throwing (`would_block` is the normal end of a drain).
    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec)
    {
        if (!impl_)
            return set_bad(ec), 0;
        mio::detail::iovec_array<boost::asio::mutable_buffer> iov(buffers);
        return mio::detail::win_pipe_ops::read(*impl_, iov.data(), iov.count(), ec);
    }

    /// Writes some of `buffers`, any Asio ConstBufferSequence: copies up to
    /// 64 KiB into the write buffer and starts writing it.
    /// @returns The number of bytes accepted (may be fewer than given).
    /// @par Errors
    /// `boost::asio::error::would_block` while the last write is in flight
    /// (wait for writable); `not_connected` on a server end with no client;
    /// `broken_pipe` once the other end has closed (also reported for a
    /// write accepted before the other end closed).
    /// @throws boost::system::system_error for any of them.
    /// @par Complexity
    /// A copy and one WriteFile; no allocation.
    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        const std::size_t n = write_some(buffers, ec);
        mio::detail::throw_error(ec, "write_some", loc);
        return n;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& ec)
    {
        if (!impl_)
            return set_bad(ec), 0;
        mio::detail::iovec_array<boost::asio::const_buffer> iov(buffers);
        return mio::detail::win_pipe_ops::write(*impl_, iov.data(), iov.count(), ec);
    }

    /// The error of the last connect() that completed in the background
    /// (cleared by reading it); empty if it succeeded.
    /// @throws boost::system::system_error (`bad_file_descriptor` if closed).
    boost::system::error_code take_error(
        const boost::source_location& loc = BOOST_CURRENT_LOCATION) const
    {
        boost::system::error_code ec;
        const boost::system::error_code e = take_error(ec);
        mio::detail::throw_error(ec, "take_error", loc);
        return e;
    }
    /// As the overload above, but reports failure through `ec` instead of throwing.
    boost::system::error_code take_error(boost::system::error_code& ec) const
    {
        if (!impl_)
            return set_bad(ec), boost::system::error_code();
        ec.clear();
        return mio::detail::win_pipe_ops::take_error(*impl_);
    }

    /// Event source members, called by registry::register_, reregister and
    /// deregister (use those). Registering associates the handle with the
    /// poll's completion port and starts the first read; the poll reports
    /// at once what is ready (writable on a connected pipe). Deregistering
    /// cancels the read in flight (nothing read is lost) and lets a write
    /// in flight finish. A closed pipe reports `bad_file_descriptor`.
    /// @{
    void register_(const registry& r, mio::token t, interest i,
        boost::system::error_code& ec) const
    {
        if (!impl_)
            return set_bad(ec);
        mio::detail::win_pipe_ops::register_(impl_,
            mio::detail::registry_access::get(r), t.value(), i, ec);
    }
    void reregister(const registry& r, mio::token t, interest i,
        boost::system::error_code& ec) const
    {
        if (!impl_)
            return set_bad(ec);
        mio::detail::win_pipe_ops::reregister(*impl_,
            mio::detail::registry_access::get(r), t.value(), i, ec);
    }
    void deregister(const registry& r, boost::system::error_code& ec) const
    {
        if (!impl_)
            return set_bad(ec);
        mio::detail::win_pipe_ops::deregister(*impl_, mio::detail::registry_access::get(r), ec);
    }
    /// @}

private:
    explicit named_pipe(std::shared_ptr<mio::detail::win_pipe> impl) noexcept
        : impl_(std::move(impl))
    {
    }

    static void set_bad(boost::system::error_code& ec) noexcept
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::bad_file_descriptor);
    }

    std::shared_ptr<mio::detail::win_pipe> impl_;
};

} // namespace windows
} // namespace mio
} // namespace boost

#endif // _WIN32 || BOOST_MIO_DOXYGEN

#endif // BOOST_MIO_WINDOWS_NAMED_PIPE_HPP
