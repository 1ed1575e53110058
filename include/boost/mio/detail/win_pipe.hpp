//
// boost/mio/detail/win_pipe.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// What windows::named_pipe is built on (mio's NamedPipe, src/sys/windows/
// named_pipe.rs): a pipe HANDLE opened for overlapped I/O, whose readiness
// is made from the completions of its own I/O on the poll's completion
// port (an iocp_handle_source of detail/iocp_selector.hpp). One read is
// kept in flight into an internal buffer, and reads copy out of it;
// writes are copied into a second buffer and written overlapped. Readable
// is the read's completion, writable the write's. The state lives in
// win_pipe.ipp, out of sight of <windows.h>; named_pipe holds it shared,
// as does the poll while a completion is still to come.

#ifndef BOOST_MIO_DETAIL_WIN_PIPE_HPP
#define BOOST_MIO_DETAIL_WIN_PIPE_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/iocp_selector.hpp>
#include <boost/mio/detail/socket_types.hpp>
#include <boost/mio/interest.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#if !defined(_WIN32)
#  error "boost/mio/detail/win_pipe.hpp is for Windows only"
#endif

namespace boost {
namespace mio {
namespace detail {

class win_pipe;

namespace win_pipe_ops {

// The size of each internal buffer: the most one read_some or write_some
// moves.
constexpr std::size_t buffer_size = 64 * 1024;

// The server end of a new pipe instance (CreateNamedPipeW); `first` asks
// for FILE_FLAG_FIRST_PIPE_INSTANCE. A name that is not \\.\pipe\<name> is
// `invalid_argument`.
BOOST_MIO_DECL std::shared_ptr<win_pipe> create(std::wstring_view name, bool first,
    boost::system::error_code& ec);
// The client end of an existing pipe (CreateFileW).
BOOST_MIO_DECL std::shared_ptr<win_pipe> open(std::wstring_view name,
    boost::system::error_code& ec);
// Takes ownership of `handle` (null or INVALID_HANDLE_VALUE: `bad_descriptor`).
BOOST_MIO_DECL std::shared_ptr<win_pipe> adopt(void* handle, boost::system::error_code& ec);
// UTF-8 to UTF-16, for the narrow names.
BOOST_MIO_DECL std::wstring widen(std::string_view utf8, boost::system::error_code& ec);

BOOST_MIO_DECL void* native_handle(const win_pipe& p) noexcept;
BOOST_MIO_DECL void connect(win_pipe& p, boost::system::error_code& ec);
BOOST_MIO_DECL void disconnect(win_pipe& p, boost::system::error_code& ec);
BOOST_MIO_DECL std::size_t read(win_pipe& p, const io_vec* bufs, std::size_t count,
    boost::system::error_code& ec);
BOOST_MIO_DECL std::size_t write(win_pipe& p, const io_vec* bufs, std::size_t count,
    boost::system::error_code& ec);
BOOST_MIO_DECL boost::system::error_code take_error(win_pipe& p);
BOOST_MIO_DECL void register_(const std::shared_ptr<win_pipe>& p, const iocp_selector& sel,
    std::size_t token, interest i, boost::system::error_code& ec);
BOOST_MIO_DECL void reregister(win_pipe& p, const iocp_selector& sel, std::size_t token,
    interest i, boost::system::error_code& ec);
BOOST_MIO_DECL void deregister(win_pipe& p, const iocp_selector& sel,
    boost::system::error_code& ec);
// Ends the pipe's reads and its registration; the handle is closed once
// no completion is still to come (a write in flight is let finish, as
// mio does, so that what write_some accepted reaches the peer).
BOOST_MIO_DECL void close(win_pipe& p) noexcept;

} // namespace win_pipe_ops
} // namespace detail
} // namespace mio
} // namespace boost

#if defined(BOOST_MIO_HEADER_ONLY)
#  include <boost/mio/detail/impl/win_pipe.ipp>
#endif

#endif // BOOST_MIO_DETAIL_WIN_PIPE_HPP
