//
// boost/mio/detail/impl/win_pipe_state.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The state of one windows::named_pipe (detail/win_pipe.hpp): its handle,
// its buffers, the OVERLAPPEDs of its read, write and connect, and how
// each completion becomes readiness. Included by win_pipe.ipp only (it
// needs <windows.h>).

#ifndef BOOST_MIO_DETAIL_IMPL_WIN_PIPE_STATE_HPP
#define BOOST_MIO_DETAIL_IMPL_WIN_PIPE_STATE_HPP

#include <boost/mio/detail/win_pipe.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <winsock2.h> // before windows.h, which would bring in winsock.h
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
    ~win_pipe() override { close_handle(); }

    void close_handle() noexcept
    {
        if (handle != nullptr)
            ::CloseHandle(std::exchange(handle, nullptr));
    }

    bool complete(void* overlapped, std::uint32_t bytes, iocp_event& out) noexcept override
    {
        std::lock_guard<std::mutex> lock(mutex);
        --pending;
        if (closed)
        {
            // The write close() let finish: the handle closes after it.
            if (overlapped == &write_ov)
                write_done_after_close();
            return false;
        }
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
        if (ok && (wpos += n) < wlen && !dead)
        {
            // Written in part: the rest before writable is reported (not
            // once the poll is closing: it counts no new I/O).
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

    void write_done_after_close() noexcept
    {
        ::DWORD n = 0;
        const bool ok = ::GetOverlappedResult(handle, &write_ov, &n, FALSE) != 0;
        writing = false;
        if (ok && (wpos += n) < wlen && !dead)
            start_write();
        if (!writing)
            close_handle();
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

    // Closed by close() at once, or after the write in flight then: the
    // peer sees the end of the stream without waiting for a poll.
    ::HANDLE handle;
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

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_IMPL_WIN_PIPE_STATE_HPP
