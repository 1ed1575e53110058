//
// boost/mio/asio_bridge/native_source.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_ASIO_BRIDGE_NATIVE_SOURCE_HPP
#define BOOST_MIO_ASIO_BRIDGE_NATIVE_SOURCE_HPP

#include <boost/mio/interest.hpp>
#include <boost/mio/registry.hpp>
#include <boost/mio/token.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <type_traits>
#include <utility> // std::declval

namespace boost {
namespace mio {
namespace asio_bridge {

/// An Asio I/O object (socket, acceptor, `posix::stream_descriptor`, ...)
/// seen as a mio event source, without taking it over.
///
/// `AsioObject` needs `is_open()`, `native_handle()` and `native_non_blocking(bool,
/// error_code&)`. Registering switches the handle to non-blocking mode
/// with `native_non_blocking(true)`, which edge-triggered readiness needs
/// (a source is read until would_block). The object's own non_blocking()
/// flag is left alone, so its synchronous operations (`read_some`,
/// `accept`, `asio::read`, ...) keep Asio's blocking semantics: they wait
/// for the data instead of reporting would_block. Mio-style code that reads
/// until would_block with the object's own calls sets `non_blocking(true)`
/// itself. If registration fails, the handle's mode is restored.
///
/// A view: copying it copies a pointer. The Asio object must outlive every
/// registration made through it, and must not be closed while registered
/// (deregister first). Asio's own asynchronous operations on the object
/// keep working; mixing them with mio readiness on the same direction is
/// the caller's business.
///
/// The handle is registered as `posix::source_fd` registers a descriptor:
/// edge-triggered where the kernel has edges (epoll, kqueue), and
/// level-triggered where edges are emulated (poll(2); Windows, where the
/// socket is polled through the AFD driver on the poll's own handle, beside
/// the completion port Asio associated it with), since the library never
/// sees the object's I/O and so never sees would_block.
///
/// @par Example
/// @code
/// boost::asio::ip::tcp::socket sock(ioc);
/// ...
/// auto src = boost::mio::asio_bridge::as_source(sock);
/// poll.registry().register_(src, boost::mio::token(7), boost::mio::interest::readable);
/// @endcode
template <class AsioObject>
class native_source
{
public:
    /// The viewed Asio object's type.
    using object_type = AsioObject;
    /// The Asio object's native handle type.
    using native_handle_type =
        std::decay_t<decltype(std::declval<AsioObject&>().native_handle())>;

    /// A view of `object`, which must outlive the view's registrations.
    explicit native_source(AsioObject& object) noexcept : object_(&object) {}

    /// The Asio object viewed.
    AsioObject& object() const noexcept { return *object_; }

    /// The Asio object's native handle.
    native_handle_type native_handle() const { return object_->native_handle(); }

    /// Switches the handle to non-blocking mode and registers it. Reports
    /// `EBADF` for a closed object.
    void register_(const registry& r, mio::token t, interest i,
        boost::system::error_code& ec) const
    {
        if (!object_->is_open())
        {
            ec = boost::asio::error::bad_descriptor;
            return;
        }
        const bool was_non_blocking = is_non_blocking();
        set_non_blocking(true, ec);
        if (ec)
            return;
        mio::detail::registry_access::get(r).register_(handle(), t.value(), i, nullptr, ec);
        if (ec && !was_non_blocking)
        {
            boost::system::error_code ignored;
            set_non_blocking(false, ignored);
        }
    }

    /// Event source member, called by registry::reregister: changes the
    /// handle's registration (`ENOENT` if it is not registered).
    void reregister(const registry& r, mio::token t, interest i,
        boost::system::error_code& ec) const
    {
        mio::detail::registry_access::get(r).reregister(handle(), t.value(), i, nullptr, ec);
    }

    /// Event source member, called by registry::deregister; the
    /// non-blocking mode set by register_ is left as it is.
    void deregister(const registry& r, boost::system::error_code& ec) const
    {
        mio::detail::registry_access::get(r).deregister(handle(), nullptr, ec);
    }

private:
    // Registered without per-source state, as posix::source_fd registers a
    // descriptor (source_fd itself is POSIX only).
    mio::detail::selector::handle_type handle() const
    {
        return static_cast<mio::detail::selector::handle_type>(object_->native_handle());
    }

    bool is_non_blocking() const { return object_->native_non_blocking(); }

    void set_non_blocking(bool on, boost::system::error_code& ec) const
    {
        object_->native_non_blocking(on, ec);
    }

    AsioObject* object_;
};

/// `native_source<AsioObject>(object)`.
template <class AsioObject>
native_source<AsioObject> as_source(AsioObject& object) noexcept
{
    return native_source<AsioObject>(object);
}

} // namespace asio_bridge
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_ASIO_BRIDGE_NATIVE_SOURCE_HPP
