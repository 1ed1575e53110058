//
// boost/mio/detail/stream_socket.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_STREAM_SOCKET_HPP
#define BOOST_MIO_DETAIL_STREAM_SOCKET_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/basic_socket.hpp>
#include <boost/mio/detail/buffer_sequence.hpp>
#include <boost/mio/detail/socket_ops.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <utility>

namespace boost {
namespace mio {
namespace detail {

// What tcp_stream and unix_stream share: a connected byte stream that
// models Asio's SyncReadStream and SyncWriteStream, so boost::asio::read,
// write and read_until work on it (and stop with would_block when the
// socket is drained, instead of blocking).
template <class Protocol>
class stream_socket : public basic_socket<Protocol>
{
    using base = basic_socket<Protocol>;

public:
    using typename base::endpoint_type;

    /// Reads into `buffers` (several buffers are one recvmsg). Reports
    /// would_block when nothing is queued, and 0 bytes with
    /// boost::asio::error::eof once the peer has shut down its sending
    /// side and everything was read. @throws boost::system::system_error.
    template <class MutableBufferSequence>
    BOOST_FORCEINLINE std::size_t read_some(const MutableBufferSequence& buffers,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        const std::size_t n = read_some(buffers, ec);
        detail::throw_error(ec, "read_some", loc);
        return n;
    }
    template <class MutableBufferSequence>
    BOOST_FORCEINLINE std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec)
    {
        return receive(buffers, 0, ec);
    }

    /// As read_some, but the bytes stay queued (MSG_PEEK).
    template <class MutableBufferSequence>
    std::size_t peek(const MutableBufferSequence& buffers,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        const std::size_t n = peek(buffers, ec);
        detail::throw_error(ec, "peek", loc);
        return n;
    }
    template <class MutableBufferSequence>
    std::size_t peek(const MutableBufferSequence& buffers, boost::system::error_code& ec)
    {
        return receive(buffers, socket_ops::message_peek, ec);
    }

    /// Writes some of `buffers` (several buffers are one sendmsg). Reports
    /// would_block when the send buffer is full; a write after the peer
    /// reset or after shutdown(send) reports `EPIPE` or `ECONNRESET`,
    /// never SIGPIPE. @throws boost::system::system_error.
    template <class ConstBufferSequence>
    BOOST_FORCEINLINE std::size_t write_some(const ConstBufferSequence& buffers,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        const std::size_t n = write_some(buffers, ec);
        detail::throw_error(ec, "write_some", loc);
        return n;
    }
    template <class ConstBufferSequence>
    BOOST_FORCEINLINE std::size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& ec)
    {
        return this->send_buffers(buffers, nullptr, 0, ec);
    }

    using base::peer_endpoint;
    using base::shutdown;

protected:
    using base::base;

    // Makes this a new socket with a non-blocking connect to `ep` under
    // way; on failure it stays closed.
    void open_connected(const endpoint_type& ep, boost::system::error_code& ec)
    {
        this->adopt(socket_ops::open(ep.protocol().family(), ep.protocol().type(), ec));
        if (!ec)
            this->do_io(interest::writable, ec, [&](socket_handle fd, boost::system::error_code& ec) BOOST_MIO_LAMBDA_FORCEINLINE {
                socket_ops::connect(fd, ep.data(), ep.size(), ec);
            });
        if (ec)
            this->close();
    }

private:
    template <class MutableBufferSequence>
    BOOST_FORCEINLINE std::size_t receive(const MutableBufferSequence& buffers, int flags,
        boost::system::error_code& ec)
    {
        using boost::asio::mutable_buffer;
        if constexpr (is_single_buffer_v<MutableBufferSequence, mutable_buffer>)
        {
            const mutable_buffer b(buffers);
            return this->do_io(interest::readable, ec, [&](socket_handle fd, boost::system::error_code& ec) BOOST_MIO_LAMBDA_FORCEINLINE {
                return socket_ops::recv(fd, b.data(), b.size(), flags, ec);
            });
        }
        else
        {
            iovec_array<mutable_buffer> iov(buffers);
            return this->do_io(interest::readable, ec, [&](socket_handle fd, boost::system::error_code& ec) BOOST_MIO_LAMBDA_FORCEINLINE {
                return socket_ops::recv(fd, iov.data(), iov.count(), iov.total_size(), flags, ec);
            });
        }
    }
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_STREAM_SOCKET_HPP
