//
// boost/mio/detail/impl/afd.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_IMPL_AFD_IPP
#define BOOST_MIO_DETAIL_IMPL_AFD_IPP

#include <boost/mio/detail/afd.hpp>
#include <cstddef>
#include <winsock2.h>
#include <windows.h>
#include <winternl.h>
#include <mswsock.h>

namespace boost {
namespace mio {
namespace detail {
namespace afd {

static_assert(sizeof(io_status) == sizeof(::IO_STATUS_BLOCK), "afd::io_status must be IO_STATUS_BLOCK");
static_assert(sizeof(poll_request) == 32 && offsetof(poll_request, handle) == 16,
    "afd::poll_request must be AFD_POLL_INFO with one handle");

namespace afd_detail {

constexpr ::ULONG ioctl_afd_poll = 0x00012024;

using nt_create_file_fn = ::NTSTATUS(NTAPI*)(::PHANDLE, ::ACCESS_MASK, ::POBJECT_ATTRIBUTES,
    ::PIO_STATUS_BLOCK, ::PLARGE_INTEGER, ::ULONG, ::ULONG, ::ULONG, ::ULONG, ::PVOID, ::ULONG);
using nt_device_io_control_file_fn = ::NTSTATUS(NTAPI*)(::HANDLE, ::HANDLE, ::PVOID, ::PVOID,
    ::PIO_STATUS_BLOCK, ::ULONG, ::PVOID, ::ULONG, ::PVOID, ::ULONG);
using nt_cancel_io_file_ex_fn = ::NTSTATUS(NTAPI*)(::HANDLE, ::PIO_STATUS_BLOCK, ::PIO_STATUS_BLOCK);
using rtl_nt_status_to_dos_error_fn = ::ULONG(NTAPI*)(::NTSTATUS);

// ntdll.dll is mapped into every process; its entry points are looked up
// once (the import library would tie the build to one SDK's ntdll.a).
struct ntdll
{
    nt_create_file_fn create_file = nullptr;
    nt_device_io_control_file_fn device_io_control_file = nullptr;
    nt_cancel_io_file_ex_fn cancel_io_file_ex = nullptr;
    rtl_nt_status_to_dos_error_fn status_to_dos_error = nullptr;

    ntdll() noexcept
    {
        const ::HMODULE m = ::GetModuleHandleW(L"ntdll.dll");
        if (m == nullptr)
            return;
        create_file = reinterpret_cast<nt_create_file_fn>(
            reinterpret_cast<void*>(::GetProcAddress(m, "NtCreateFile")));
        device_io_control_file = reinterpret_cast<nt_device_io_control_file_fn>(
            reinterpret_cast<void*>(::GetProcAddress(m, "NtDeviceIoControlFile")));
        cancel_io_file_ex = reinterpret_cast<nt_cancel_io_file_ex_fn>(
            reinterpret_cast<void*>(::GetProcAddress(m, "NtCancelIoFileEx")));
        status_to_dos_error = reinterpret_cast<rtl_nt_status_to_dos_error_fn>(
            reinterpret_cast<void*>(::GetProcAddress(m, "RtlNtStatusToDosError")));
    }

    bool complete() const noexcept
    {
        return create_file && device_io_control_file && cancel_io_file_ex && status_to_dos_error;
    }
};

inline const ntdll& nt() noexcept
{
    static const ntdll functions;
    return functions;
}

inline void set_status(boost::system::error_code& ec, ::NTSTATUS status) noexcept
{
    ec.assign(static_cast<int>(nt().status_to_dos_error(status)), boost::system::system_category());
}

} // namespace afd_detail

BOOST_MIO_DECL void* open(void* port, boost::system::error_code& ec) noexcept
{
    const afd_detail::ntdll& nt = afd_detail::nt();
    if (!nt.complete())
    {
        ec.assign(ERROR_PROC_NOT_FOUND, boost::system::system_category());
        return nullptr;
    }
    // Any name under \Device\Afd opens the driver; this one says who.
    wchar_t name[] = L"\\Device\\Afd\\Boost.Mio";
    ::UNICODE_STRING path;
    path.Length = static_cast<::USHORT>((sizeof(name) - sizeof(wchar_t)));
    path.MaximumLength = static_cast<::USHORT>(sizeof(name));
    path.Buffer = name;
    ::OBJECT_ATTRIBUTES attributes;
    InitializeObjectAttributes(&attributes, &path, 0, nullptr, nullptr);
    ::IO_STATUS_BLOCK iosb{};
    ::HANDLE afd = nullptr;
    const ::NTSTATUS status = nt.create_file(&afd, SYNCHRONIZE, &attributes, &iosb, nullptr, 0,
        FILE_SHARE_READ | FILE_SHARE_WRITE, 1 /* FILE_OPEN */, 0, nullptr, 0);
    if (status != 0)
    {
        afd_detail::set_status(ec, status);
        return nullptr;
    }
    // Completions go to the port; the handle's event is never waited on,
    // so the driver need not set it.
    if (::CreateIoCompletionPort(afd, static_cast<::HANDLE>(port), 0, 0) == nullptr
        || !::SetFileCompletionNotificationModes(afd, FILE_SKIP_SET_EVENT_ON_HANDLE))
    {
        ec.assign(static_cast<int>(::GetLastError()), boost::system::system_category());
        ::CloseHandle(afd);
        return nullptr;
    }
    ec.clear();
    return afd;
}

BOOST_MIO_DECL void close(void* afd) noexcept
{
    if (afd != nullptr)
        ::CloseHandle(static_cast<::HANDLE>(afd));
}

BOOST_MIO_DECL bool poll(void* afd, poll_request* request, io_status* status, void* context,
    boost::system::error_code& ec) noexcept
{
    status->status = status_pending;
    const ::NTSTATUS result = afd_detail::nt().device_io_control_file(static_cast<::HANDLE>(afd),
        nullptr, nullptr, context, reinterpret_cast<::PIO_STATUS_BLOCK>(status),
        afd_detail::ioctl_afd_poll, request, sizeof(*request), request, sizeof(*request));
    // Done at once or pending: the completion is queued either way (the
    // handle does not skip the port on success).
    if (result == 0 || result == status_pending)
    {
        ec.clear();
        return true;
    }
    afd_detail::set_status(ec, result);
    return false;
}

BOOST_MIO_DECL void cancel(void* afd, io_status* status) noexcept
{
    if (status->status != status_pending)
        return; // completed: its packet is queued already
    ::IO_STATUS_BLOCK cancel_status{};
    // STATUS_NOT_FOUND: it completed meanwhile, which is as good.
    afd_detail::nt().cancel_io_file_ex(static_cast<::HANDLE>(afd),
        reinterpret_cast<::PIO_STATUS_BLOCK>(status), &cancel_status);
}

BOOST_MIO_DECL std::uintptr_t base_socket(std::uintptr_t s, boost::system::error_code& ec) noexcept
{
    ::SOCKET base = INVALID_SOCKET;
    ::DWORD bytes = 0;
    if (::WSAIoctl(static_cast<::SOCKET>(s), SIO_BASE_HANDLE, nullptr, 0, &base, sizeof(base), &bytes,
            nullptr, nullptr)
            == 0
        && base != INVALID_SOCKET)
    {
        ec.clear();
        return base;
    }
    const int e = ::WSAGetLastError();
    // Not a socket (closed, or never one): what EBADF says on POSIX.
    if (e == WSAENOTSOCK)
    {
        ec.assign(WSAEBADF, boost::system::system_category());
        return s;
    }
    // Wine and some providers do not answer SIO_BASE_HANDLE: the socket is
    // its own base there.
    ec.clear();
    return s;
}

} // namespace afd
} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IMPL_AFD_IPP
