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
#include <boost/asio/error.hpp>
#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>
#include <windows.h>

namespace boost {
namespace mio {
namespace detail {

namespace win_pipe_detail {

inline void set_error(boost::system::error_code& ec, ::DWORD code) noexcept
{
    ec.assign(static_cast<int>(code), boost::system::system_category());
}

// The errors that say the other end is gone.
inline bool is_hang_up(::DWORD e) noexcept
{
    return e == ERROR_BROKEN_PIPE || e == ERROR_NO_DATA || e == ERROR_PIPE_NOT_CONNECTED;
}

// The error a write reports: one code for every way of saying that the
// other end is gone (Windows has three, depending on when it went).
inline ::DWORD write_error(::DWORD e) noexcept
{
    return is_hang_up(e) ? static_cast<::DWORD>(ERROR_BROKEN_PIPE) : e;
}

// What a hang-up reads as on the poll: readable and writable, both
// directions closed (as epoll reports a Unix stream's hang-up).
constexpr std::uint32_t hang_up_flags = afd::poll_disconnect | afd::poll_abort;

} // namespace win_pipe_detail

// The state of one pipe. Every member is guarded by `mutex`; complete()
// and finished() are called by select() with the core's mutex held (the
// core's mutex is always taken first).
class win_pipe final : public iocp_handle_source
{
public:
    enum class read_state
    {
        idle,    // no read in flight (not registered, cancelled, listening)
        pending, // a ReadFile into `rbuf` is in flight
        ready,   // rbuf[rpos, rlen) is to be read
        eof,     // the other end closed
        failed   // the read failed with `rerror`
    };

    explicit win_pipe(::HANDLE h) : handle(h)
    {
        rbuf.reset(new char[win_pipe_ops::buffer_size]);
        wbuf.reset(new char[win_pipe_ops::buffer_size]);
    }
    ~win_pipe() override { ::CloseHandle(handle); }

    bool complete(void* overlapped, std::uint32_t bytes, iocp_event& out) noexcept override
    {
        std::lock_guard<std::mutex> lock(mutex);
        --pending;
        std::uint32_t flags = 0;
        if (overlapped == &read_ov)
            flags = read_done();
        else if (overlapped == &write_ov)
            flags = write_done();
        else if (overlapped == &connect_ov)
            flags = connect_done();
        else
            flags = bytes; // posted by post(): the flags themselves
        if (!registered)
            return false;
        flags &= iocp_event_ops::flags_for(interests);
        out = iocp_event{token, flags};
        return flags != 0;
    }

    bool finished() noexcept override
    {
        std::lock_guard<std::mutex> lock(mutex);
        return pending == 0 && (closed || dead);
    }

    std::size_t abandon() noexcept override
    {
        std::lock_guard<std::mutex> lock(mutex);
        dead = true;
        registered = false;
        ::CancelIoEx(handle, nullptr);
        return pending;
    }

    // Whether new I/O may start: only while registered, so that each
    // completion has a poll to go to.
    bool live() const noexcept { return registered && !closed && !dead; }

    // Starts the next read, if none is in flight and none is to be read.
    void start_read() noexcept
    {
        if (!live() || rstate != read_state::idle || connecting || listening)
            return;
        read_ov = ::OVERLAPPED{};
        if (::ReadFile(handle, rbuf.get(), static_cast<::DWORD>(win_pipe_ops::buffer_size),
                nullptr, &read_ov)
            || ::GetLastError() == ERROR_IO_PENDING)
        {
            // Done at once or not, the completion is queued to the port.
            rstate = read_state::pending;
            ++pending;
            return;
        }
        const ::DWORD e = ::GetLastError();
        if (e == ERROR_PIPE_LISTENING)
        {
            // An adopted server end no client has connected to yet:
            // connect() starts the read once one has.
            listening = true;
            return;
        }
        read_failed(e);
        post(win_pipe_detail::is_hang_up(e) ? win_pipe_detail::hang_up_flags
                                            : afd::poll_connect_fail);
    }

    void read_failed(::DWORD e) noexcept
    {
        if (win_pipe_detail::is_hang_up(e))
            rstate = read_state::eof;
        else
        {
            rstate = read_state::failed;
            rerror = e;
        }
    }

    // Reports `flags` through the port, as if an operation had completed.
    void post(std::uint32_t flags) noexcept
    {
        if (!live() || flags == 0)
            return;
        ++pending;
        if (!iocp_post(*core, *this, &event_ov, flags))
            --pending;
    }

    // What a registration (or reregistration) reports at once: what is
    // ready now, as a new epoll registration does.
    void arm() noexcept
    {
        start_read();
        std::uint32_t flags = 0;
        if (rstate == read_state::ready)
            flags |= afd::poll_receive;
        else if (rstate == read_state::eof)
            flags |= win_pipe_detail::hang_up_flags;
        else if (rstate == read_state::failed)
            flags |= afd::poll_connect_fail;
        if (!writing && !connecting && !listening)
            flags |= afd::poll_send;
        post(flags);
    }

    std::uint32_t read_done() noexcept
    {
        ::DWORD n = 0;
        const bool ok = ::GetOverlappedResult(handle, &read_ov, &n, FALSE) != 0;
        const ::DWORD e = ok ? 0 : ::GetLastError();
        rstate = read_state::idle;
        if (std::exchange(drop_read, false))
        {
            start_read(); // once connected again
            return 0;
        }
        if (e == ERROR_OPERATION_ABORTED)
            return 0; // deregistered or closed: a new read when registered
        if (!ok)
        {
            read_failed(e);
            return win_pipe_detail::is_hang_up(e) ? win_pipe_detail::hang_up_flags
                                                  : afd::poll_connect_fail;
        }
        if (n == 0)
        {
            // A zero-byte write on the other end: nothing to read yet.
            start_read();
            return 0;
        }
        rstate = read_state::ready;
        rpos = 0;
        rlen = n;
        return afd::poll_receive;
    }

    std::uint32_t write_done() noexcept
    {
        ::DWORD n = 0;
        const bool ok = ::GetOverlappedResult(handle, &write_ov, &n, FALSE) != 0;
        const ::DWORD e = ok ? 0 : ::GetLastError();
        writing = false;
        if (std::exchange(drop_write, false))
            return 0; // disconnected: the bytes were for the last client
        if (ok && (wpos += n) < wlen)
        {
            // Written in part: the rest before writable is reported.
            start_write();
            if (writing)
                return 0;
            return werror != 0 ? afd::poll_connect_fail : 0;
        }
        if (!ok)
        {
            werror = win_pipe_detail::write_error(e);
            return win_pipe_detail::is_hang_up(e) ? win_pipe_detail::hang_up_flags
                                                  : afd::poll_connect_fail;
        }
        return afd::poll_send;
    }

    // Writes wbuf[wpos, wlen); sets `werror` if the write was refused.
    void start_write() noexcept
    {
        write_ov = ::OVERLAPPED{};
        if (::WriteFile(handle, wbuf.get() + wpos, static_cast<::DWORD>(wlen - wpos), nullptr,
                &write_ov)
            || ::GetLastError() == ERROR_IO_PENDING)
        {
            writing = true;
            ++pending;
            return;
        }
        werror = win_pipe_detail::write_error(::GetLastError());
    }

    std::uint32_t connect_done() noexcept
    {
        ::DWORD n = 0;
        const bool ok = ::GetOverlappedResult(handle, &connect_ov, &n, FALSE) != 0;
        connecting = false;
        if (!ok)
        {
            const ::DWORD e = ::GetLastError();
            if (e == ERROR_OPERATION_ABORTED)
                return 0; // deregistered or closed: connect() again after
            connect_error = e;
            return afd::poll_connect_fail;
        }
        listening = false;
        start_read();
        return afd::poll_send;
    }

    const ::HANDLE handle;
    std::mutex mutex;
    std::shared_ptr<iocp_core> core; // set by the first registration, for good
    std::size_t token = 0;
    interest interests = interest::readable;
    bool registered = false;
    bool closed = false;     // by its owner
    bool dead = false;       // its poll closed
    // A server end with no client: created, or disconnected, and not
    // connected since (connect() and its completion clear it).
    bool listening = false;
    // Disconnected with a read or write in flight: its completion is old news.
    bool drop_read = false;
    bool drop_write = false;
    std::size_t pending = 0; // completions still to come

    ::OVERLAPPED read_ov{};
    read_state rstate = read_state::idle;
    std::unique_ptr<char[]> rbuf;
    std::size_t rpos = 0;
    std::size_t rlen = 0;
    ::DWORD rerror = 0;

    ::OVERLAPPED write_ov{};
    bool writing = false;
    std::unique_ptr<char[]> wbuf;
    std::size_t wpos = 0;
    std::size_t wlen = 0;
    ::DWORD werror = 0;

    ::OVERLAPPED connect_ov{};
    bool connecting = false;
    ::DWORD connect_error = 0;

    ::OVERLAPPED event_ov{}; // the packets of post(): never written by the kernel
};

namespace win_pipe_ops {

namespace {

std::shared_ptr<win_pipe> make_state(::HANDLE h, boost::system::error_code& ec)
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
bool copy_name(std::wstring_view name, std::wstring& out, boost::system::error_code& ec)
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

} // namespace

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
    if (!copy_name(name, z, ec))
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
    auto p = make_state(h, ec);
    if (p)
        p->listening = true;
    return p;
}

BOOST_MIO_DECL std::shared_ptr<win_pipe> open(std::wstring_view name,
    boost::system::error_code& ec)
{
    std::wstring z;
    if (!copy_name(name, z, ec))
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
    return make_state(h, ec);
}

BOOST_MIO_DECL std::shared_ptr<win_pipe> adopt(void* handle, boost::system::error_code& ec)
{
    if (handle == nullptr || handle == INVALID_HANDLE_VALUE)
    {
        ec = boost::system::errc::make_error_code(boost::system::errc::bad_file_descriptor);
        return nullptr;
    }
    return make_state(handle, ec);
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
        win_pipe_detail::set_error(ec, p.rerror);
        p.rstate = win_pipe::read_state::idle;
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
