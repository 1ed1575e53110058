//
// boost/mio/detail/impl/win_pipe.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_IMPL_WIN_PIPE_IPP
#define BOOST_MIO_DETAIL_IMPL_WIN_PIPE_IPP

#include <boost/mio/detail/win_pipe.hpp>
#include <boost/mio/detail/impl/win_pipe_state.hpp>
#include <boost/asio/error.hpp>
#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>
#include <winsock2.h> // before windows.h, which would bring in winsock.h
#include <windows.h>

namespace boost {
namespace mio {
namespace detail {

namespace win_pipe_detail {

inline std::shared_ptr<win_pipe> make_state(::HANDLE h, boost::system::error_code& ec)
{
    try
    {
        auto p = std::make_shared<win_pipe>(h);
        ec.clear();
        return p;
    }
    catch (const std::bad_alloc&)
    {
        ::CloseHandle(h);
        ec = boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
        return nullptr;
    }
}

// A name the OS can take: not empty, no NUL inside (the copy adds one).
inline bool copy_name(std::wstring_view name, std::wstring& out, boost::system::error_code& ec)
{
    if (name.empty() || name.find(L'\0') != std::wstring_view::npos)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
        return false;
    }
    try
    {
        out.assign(name);
    }
    catch (const std::bad_alloc&)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
        return false;
    }
    return true;
}

} // namespace win_pipe_detail

namespace win_pipe_ops {

BOOST_MIO_DECL std::shared_ptr<win_pipe> create(std::wstring_view name, bool first,
    boost::system::error_code& ec)
{
    // Only a local pipe can be created: \\.\pipe\ and a name.
    constexpr std::wstring_view prefix = L"\\\\.\\pipe\\";
    std::wstring z;
    if (name.size() <= prefix.size()
        || ::CompareStringOrdinal(name.data(), static_cast<int>(prefix.size()), prefix.data(),
               static_cast<int>(prefix.size()), TRUE)
            != CSTR_EQUAL)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
        return nullptr;
    }
    if (!win_pipe_detail::copy_name(name, z, ec))
        return nullptr;
    // No security attributes: the handle is not inherited (CLOEXEC).
    const ::DWORD open_mode
        = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
    const ::HANDLE h = ::CreateNamedPipeW(z.c_str(), open_mode,
        PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
        PIPE_UNLIMITED_INSTANCES, static_cast<::DWORD>(buffer_size),
        static_cast<::DWORD>(buffer_size), 0, nullptr);
    if (h == INVALID_HANDLE_VALUE)
    {
        win_pipe_detail::set_error(ec, ::GetLastError());
        return nullptr;
    }
    auto p = win_pipe_detail::make_state(h, ec);
    if (p)
        p->listening = true;
    return p;
}

BOOST_MIO_DECL std::shared_ptr<win_pipe> open(std::wstring_view name,
    boost::system::error_code& ec)
{
    std::wstring z;
    if (!win_pipe_detail::copy_name(name, z, ec))
        return nullptr;
    // SECURITY_IDENTIFICATION: the server may learn who the client is but
    // not act as it.
    const ::HANDLE h = ::CreateFileW(z.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr,
        OPEN_EXISTING, FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION,
        nullptr);
    if (h == INVALID_HANDLE_VALUE)
    {
        win_pipe_detail::set_error(ec, ::GetLastError());
        return nullptr;
    }
    return win_pipe_detail::make_state(h, ec);
}

BOOST_MIO_DECL std::shared_ptr<win_pipe> adopt(void* handle, boost::system::error_code& ec)
{
    if (handle == nullptr || handle == INVALID_HANDLE_VALUE)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::bad_file_descriptor);
        return nullptr;
    }
    return win_pipe_detail::make_state(handle, ec);
}

BOOST_MIO_DECL std::wstring widen(std::string_view utf8, boost::system::error_code& ec)
{
    std::wstring out;
    ec.clear();
    if (utf8.empty())
        return out;
    const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(),
        static_cast<int>(utf8.size()), nullptr, 0);
    if (n <= 0)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
        return out;
    }
    out.resize(static_cast<std::size_t>(n));
    ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(),
        static_cast<int>(utf8.size()), out.data(), n);
    return out;
}

BOOST_MIO_DECL void* native_handle(const win_pipe& p) noexcept { return p.handle; }

BOOST_MIO_DECL void connect(win_pipe& p, boost::system::error_code& ec)
{
    std::lock_guard<std::mutex> lock(p.mutex);
    ec.clear();
    if (!p.live())
    {
        // Its completion would have no port to go to.
        ec = boost::asio::error::not_connected;
        return;
    }
    if (p.connecting)
    {
        ec = boost::asio::error::would_block;
        return;
    }
    p.connect_ov = ::OVERLAPPED{};
    if (::ConnectNamedPipe(p.handle, &p.connect_ov))
    {
        // Done at once: the completion is queued all the same.
        p.connecting = true;
        ++p.pending;
        ec = boost::asio::error::would_block;
        return;
    }
    switch (const ::DWORD e = ::GetLastError())
    {
    case ERROR_IO_PENDING:
        p.connecting = true;
        ++p.pending;
        ec = boost::asio::error::would_block;
        return;
    case ERROR_PIPE_CONNECTED:
        // A client is there (it may have come before this call).
        p.listening = false;
        p.arm();
        return;
    default:
        win_pipe_detail::set_error(ec, e);
    }
}

BOOST_MIO_DECL void disconnect(win_pipe& p, boost::system::error_code& ec)
{
    std::lock_guard<std::mutex> lock(p.mutex);
    if (!::DisconnectNamedPipe(p.handle))
        return win_pipe_detail::set_error(ec, ::GetLastError());
    // The read and write in flight end with an error that is not news:
    // their completions are dropped.
    p.listening = true;
    if (p.rstate == win_pipe::read_state::pending)
        p.drop_read = true;
    else
        p.rstate = win_pipe::read_state::idle;
    p.drop_write = p.writing;
    p.werror = 0;
    ec.clear();
}

BOOST_MIO_DECL std::size_t read(win_pipe& p, const io_vec* bufs, std::size_t count,
    boost::system::error_code& ec)
{
    std::lock_guard<std::mutex> lock(p.mutex);
    ec.clear();
    std::size_t total = 0;
    for (std::size_t k = 0; k < count; ++k)
        total += bufs[k].iov_len;
    if (total == 0)
        return 0;
    if (!p.live())
    {
        ec = boost::asio::error::would_block;
        return 0;
    }
    p.start_read();
    switch (p.rstate)
    {
    case win_pipe::read_state::idle:
    case win_pipe::read_state::pending:
        ec = boost::asio::error::would_block;
        return 0;
    case win_pipe::read_state::eof:
        ec = boost::asio::error::eof;
        return 0;
    case win_pipe::read_state::failed:
        // Said once; the next read goes in flight (as in mio), so that an
        // event follows.
        win_pipe_detail::set_error(ec, p.rerror);
        p.rstate = win_pipe::read_state::idle;
        p.start_read();
        return 0;
    case win_pipe::read_state::ready:
        break;
    }
    std::size_t n = 0;
    for (std::size_t k = 0; k < count && p.rpos < p.rlen; ++k)
    {
        const std::size_t m = std::min<std::size_t>(bufs[k].iov_len, p.rlen - p.rpos);
        std::memcpy(bufs[k].iov_base, p.rbuf.get() + p.rpos, m);
        p.rpos += m;
        n += m;
    }
    if (p.rpos == p.rlen)
    {
        // Drained: the next read goes in flight now; its completion is
        // the next readable event.
        p.rstate = win_pipe::read_state::idle;
        p.start_read();
    }
    return n;
}

BOOST_MIO_DECL std::size_t write(win_pipe& p, const io_vec* bufs, std::size_t count,
    boost::system::error_code& ec)
{
    std::lock_guard<std::mutex> lock(p.mutex);
    ec.clear();
    if (p.werror != 0)
    {
        // The last write failed after write_some returned: said once.
        win_pipe_detail::set_error(ec, std::exchange(p.werror, 0));
        return 0;
    }
    std::size_t total = 0;
    for (std::size_t k = 0; k < count; ++k)
        total += bufs[k].iov_len;
    if (total == 0)
        return 0;
    if (!p.live() || p.writing || p.connecting)
    {
        ec = boost::asio::error::would_block;
        return 0;
    }
    if (p.listening)
    {
        ec = boost::asio::error::not_connected;
        return 0;
    }
    std::size_t n = 0;
    for (std::size_t k = 0; k < count && n < buffer_size; ++k)
    {
        const std::size_t m = std::min<std::size_t>(bufs[k].iov_len, buffer_size - n);
        std::memcpy(p.wbuf.get() + n, bufs[k].iov_base, m);
        n += m;
    }
    p.wpos = 0;
    p.wlen = n;
    p.start_write();
    if (p.werror != 0)
    {
        win_pipe_detail::set_error(ec, std::exchange(p.werror, 0));
        return 0;
    }
    return n;
}

BOOST_MIO_DECL boost::system::error_code take_error(win_pipe& p)
{
    std::lock_guard<std::mutex> lock(p.mutex);
    boost::system::error_code e;
    if (p.connect_error != 0)
        win_pipe_detail::set_error(e, std::exchange(p.connect_error, 0));
    return e;
}

BOOST_MIO_DECL void register_(const std::shared_ptr<win_pipe>& p, const iocp_selector& sel,
    std::size_t token, interest i, boost::system::error_code& ec)
{
    const std::shared_ptr<iocp_core>& core = sel.core();
    if (!core)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::bad_file_descriptor);
        return;
    }
    bool attach = false;
    {
        std::lock_guard<std::mutex> lock(p->mutex);
        if (p->dead)
        {
            ec = boost::system::errc::make_error_code(boost::system::errc::bad_file_descriptor);
            return;
        }
        // A handle joins one completion port for good: one poll only.
        if (p->registered || (p->core && p->core != core))
            return win_pipe_detail::set_error(ec, ERROR_ALREADY_EXISTS);
        attach = !p->core;
    }
    if (attach)
    {
        iocp_attach(*core, p->handle, p, ec);
        if (ec)
            return;
    }
    std::lock_guard<std::mutex> lock(p->mutex);
    if (p->dead)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::bad_file_descriptor);
        return;
    }
    p->core = core;
    p->token = token;
    p->interests = i;
    p->registered = true;
    p->arm();
    ec.clear();
}

BOOST_MIO_DECL void reregister(win_pipe& p, const iocp_selector& sel, std::size_t token,
    interest i, boost::system::error_code& ec)
{
    std::lock_guard<std::mutex> lock(p.mutex);
    if (!p.registered || p.core != sel.core())
        return win_pipe_detail::set_error(ec, ERROR_FILE_NOT_FOUND);
    p.token = token;
    p.interests = i;
    p.arm();
    ec.clear();
}

BOOST_MIO_DECL void deregister(win_pipe& p, const iocp_selector& sel,
    boost::system::error_code& ec)
{
    std::lock_guard<std::mutex> lock(p.mutex);
    if (!p.registered || p.core != sel.core())
        return win_pipe_detail::set_error(ec, ERROR_FILE_NOT_FOUND);
    p.registered = false;
    // The read and connect in flight end (their completions come, and
    // are dropped); a write in flight finishes, so no accepted byte is lost.
    if (p.rstate == win_pipe::read_state::pending)
        ::CancelIoEx(p.handle, &p.read_ov);
    if (p.connecting)
        ::CancelIoEx(p.handle, &p.connect_ov);
    ec.clear();
}

BOOST_MIO_DECL void close(win_pipe& p) noexcept
{
    std::shared_ptr<iocp_core> core;
    {
        std::lock_guard<std::mutex> lock(p.mutex);
        p.closed = true;
        p.registered = false;
        if (p.rstate == win_pipe::read_state::pending)
            ::CancelIoEx(p.handle, &p.read_ov);
        if (p.connecting)
            ::CancelIoEx(p.handle, &p.connect_ov);
        // The cancelled completions need no handle (complete() drops
        // them): only a write in flight keeps it open.
        if (!p.writing)
            p.close_handle();
        core = p.core;
    }
    if (core)
        iocp_release(*core, p);
}

} // namespace win_pipe_ops
} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IMPL_WIN_PIPE_IPP
