//
// boost/mio/detail/afd.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The Windows AFD driver as the IOCP backend uses it, after mio's
// src/sys/windows/afd.rs and wepoll: a handle to \Device\Afd, associated
// with a completion port, on which IOCTL_AFD_POLL asks for a socket's
// readiness; the answer arrives as a completion packet whose overlapped
// pointer is the context given here. These are undocumented but stable
// kernel interfaces (libuv, wepoll, mio and Node.js rely on them), reached
// through ntdll.dll. Windows only; the OS types stay in afd.ipp.

#ifndef BOOST_MIO_DETAIL_AFD_HPP
#define BOOST_MIO_DETAIL_AFD_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>

namespace boost {
namespace mio {
namespace detail {
namespace afd {

// The poll flags (AFD_POLL_*), as the driver reports them.
constexpr std::uint32_t poll_receive = 0x0001;
constexpr std::uint32_t poll_receive_expedited = 0x0002;
constexpr std::uint32_t poll_send = 0x0004;
constexpr std::uint32_t poll_disconnect = 0x0008;
constexpr std::uint32_t poll_abort = 0x0010;
constexpr std::uint32_t poll_local_close = 0x0020;
constexpr std::uint32_t poll_accept = 0x0080;
constexpr std::uint32_t poll_connect_fail = 0x0100;

// The status block and request of one poll, at a stable address for as
// long as the poll is in flight (the kernel writes both on completion).
// Laid out as IO_STATUS_BLOCK and AFD_POLL_INFO with one handle.
struct io_status
{
    union
    {
        long status; // NTSTATUS; 0x103 (STATUS_PENDING) while in flight
        void* pointer;
    };
    std::uintptr_t information;
};

struct poll_request
{
    std::int64_t timeout;
    std::uint32_t number_of_handles;
    std::uint32_t exclusive;
    void* handle;
    std::uint32_t events;
    long status;
};

constexpr long status_pending = 0x103;
constexpr long status_cancelled = static_cast<long>(0xC0000120);

// Opens an AFD handle bound to `port` (completion key 0), or returns null
// with `ec` set.
BOOST_MIO_DECL void* open(void* port, boost::system::error_code& ec) noexcept;

BOOST_MIO_DECL void close(void* afd) noexcept;

// Starts a poll of `request->handle` for `request->events`; `context`
// comes back as the completion's overlapped pointer. True if the poll is
// in flight (or done: a completion is queued either way); false with `ec`
// set if it was refused (no completion will come).
BOOST_MIO_DECL bool poll(void* afd, poll_request* request, io_status* status, void* context,
    boost::system::error_code& ec) noexcept;

// Asks the driver to end the poll whose status block is `status` (it then
// completes, STATUS_CANCELLED unless it had completed already).
BOOST_MIO_DECL void cancel(void* afd, io_status* status) noexcept;

// The socket the AFD driver knows (the base provider's, under any layered
// service provider), or the socket itself where that cannot be asked.
BOOST_MIO_DECL std::uintptr_t base_socket(std::uintptr_t s, boost::system::error_code& ec) noexcept;

} // namespace afd
} // namespace detail
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/detail/impl/afd.ipp>
#endif

#endif // BOOST_MIO_DETAIL_AFD_HPP
