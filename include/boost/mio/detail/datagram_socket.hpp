//
// boost/mio/detail/datagram_socket.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_DETAIL_DATAGRAM_SOCKET_HPP
#define BOOST_MIO_DETAIL_DATAGRAM_SOCKET_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/basic_socket.hpp>
#include <boost/mio/detail/buffer_sequence.hpp>
#include <boost/mio/detail/socket_ops.hpp>
#include <boost/mio/detail/throw_error.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <utility>

namespace boost {
namespace mio {
namespace detail {

// What udp_socket and unix_datagram share.
//
// Receiving: one call receives one datagram. A zero-length datagram is 0
// bytes and no error (it is not end of stream). A datagram larger than
// the buffers is truncated, and that is reported, not hidden: the buffers
// hold its first bytes, the call returns how many (their total size), and
// `ec` is boost::asio::error::message_size (the throwing form throws it);
// the rest of the datagram is discarded by the OS. receive_from still
// returns the sender in that case. peek and peek_from never report
// truncation, as the datagram stays queued.
//
// A datagram is all or nothing whatever the number of buffers that make
// it. Up to 1024 non-empty buffers (UIO_MAXIOV, the most one sendmsg or
// recvmsg takes) are gathered or scattered in one call, with no copy and
// no allocation: up to 64 in the stack array every call uses, more in a
// 16 KiB one on a separate path. A send from more than 1024 buffers sends
// nothing and reports boost::asio::error::message_size (EMSGSIZE, as
// sendmsg itself would); a receive uses the first 1024 buffers, and a
// datagram that they cannot hold is truncated and reported as above.
template <class Protocol>
class datagram_socket : public basic_socket<Protocol>
{
    using base = basic_socket<Protocol>;

public:
    using typename base::endpoint_type;

    /// Sets the default destination and the only accepted source
    /// (connect(2)); connecting again switches to another peer.
    /// @throws boost::system::system_error.
    void connect(const endpoint_type& peer,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        connect(peer, ec);
        detail::throw_error(ec, "connect", loc);
    }
    void connect(const endpoint_type& peer, boost::system::error_code& ec)
    {
        this->do_io(interest::writable, ec, [&](socket_handle fd, boost::system::error_code& ec) {
            socket_ops::connect(fd, peer.data(), peer.size(), ec);
        });
    }

    /// Sends one datagram made of `buffers` to the connected peer
    /// (`EDESTADDRREQ` if not connected). @throws boost::system::system_error.
    template <class ConstBufferSequence>
    std::size_t send(const ConstBufferSequence& buffers,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        const std::size_t n = send(buffers, ec);
        detail::throw_error(ec, "send", loc);
        return n;
    }
    template <class ConstBufferSequence>
    std::size_t send(const ConstBufferSequence& buffers, boost::system::error_code& ec)
    {
        return send_datagram(buffers, nullptr, 0, ec);
    }

    /// Sends one datagram made of `buffers` to `to`.
    /// @throws boost::system::system_error.
    template <class ConstBufferSequence>
    std::size_t send_to(const ConstBufferSequence& buffers, const endpoint_type& to,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        const std::size_t n = send_to(buffers, to, ec);
        detail::throw_error(ec, "send_to", loc);
        return n;
    }
    template <class ConstBufferSequence>
    std::size_t send_to(const ConstBufferSequence& buffers, const endpoint_type& to,
        boost::system::error_code& ec)
    {
        return send_datagram(buffers, to.data(), to.size(), ec);
    }

    /// Receives one datagram (see the class comment on truncation).
    /// @throws boost::system::system_error.
    template <class MutableBufferSequence>
    std::size_t receive(const MutableBufferSequence& buffers,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        const std::size_t n = receive(buffers, ec);
        detail::throw_error(ec, "receive", loc);
        return n;
    }
    template <class MutableBufferSequence>
    std::size_t receive(const MutableBufferSequence& buffers, boost::system::error_code& ec)
    {
        return take(buffers, 0, nullptr, nullptr, ec);
    }

    /// As receive, leaving the datagram queued.
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
        return take(buffers, socket_ops::message_peek, nullptr, nullptr, ec);
    }

    /// Receives one datagram and its sender, read back exactly (an unbound
    /// Unix sender is an empty path; a name that fills `sun_path`, 108
    /// bytes with no NUL, comes back whole, and send_to it replies).
    /// @throws boost::system::system_error.
    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> receive_from(const MutableBufferSequence& buffers,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        auto result = receive_from(buffers, ec);
        detail::throw_error(ec, "receive_from", loc);
        return result;
    }
    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> receive_from(const MutableBufferSequence& buffers,
        boost::system::error_code& ec)
    {
        return take_from(buffers, 0, ec);
    }

    /// As receive_from, leaving the datagram queued.
    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> peek_from(const MutableBufferSequence& buffers,
        const boost::source_location& loc = BOOST_CURRENT_LOCATION)
    {
        boost::system::error_code ec;
        auto result = peek_from(buffers, ec);
        detail::throw_error(ec, "peek_from", loc);
        return result;
    }
    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> peek_from(const MutableBufferSequence& buffers,
        boost::system::error_code& ec)
    {
        return take_from(buffers, socket_ops::message_peek, ec);
    }

    using base::peer_endpoint;
    using base::shutdown;

protected:
    using base::base;

private:
    // `op(iov)` on the iovecs of `buffers`: the stack array of streams when
    // it holds every buffer, else a larger one out of line, so that the
    // common case pays no stack for it (see the class comment).
    template <class Buffer, class Sequence, class Op>
    static std::size_t with_iovecs(const Sequence& buffers, Op&& op)
    {
        iovec_array<Buffer> iov(buffers);
        if (BOOST_LIKELY(iov.complete()))
            return op(iov);
        return with_many_iovecs<Buffer>(buffers, op);
    }
    template <class Buffer, class Sequence, class Op>
    BOOST_NOINLINE static std::size_t with_many_iovecs(const Sequence& buffers, Op& op)
    {
        iovec_array<Buffer, max_datagram_iovecs> iov(buffers);
        return op(iov);
    }

    template <class ConstBufferSequence>
    std::size_t send_datagram(const ConstBufferSequence& buffers, const ::sockaddr* to,
        std::size_t to_len, boost::system::error_code& ec)
    {
        using boost::asio::const_buffer;
        if constexpr (is_single_buffer_v<ConstBufferSequence, const_buffer>)
            return this->send_buffers(buffers, to, to_len, ec);
        else
            return with_iovecs<const_buffer>(buffers, [&](auto& iov) -> std::size_t {
                if (!iov.complete())
                {
                    ec = boost::asio::error::message_size; // never a cut datagram
                    return 0;
                }
                return this->do_io(interest::writable, ec,
                    [&](socket_handle fd, boost::system::error_code& ec) {
                        return socket_ops::send(fd, iov.data(), iov.count(), to, to_len, ec);
                    });
            });
    }

    // One recvmsg whatever the sequence: a datagram is received whole by
    // one call, so a single buffer needs no other path.
    template <class MutableBufferSequence>
    std::size_t take(const MutableBufferSequence& buffers, int flags, ::sockaddr* from,
        std::size_t* from_len, boost::system::error_code& ec)
    {
        return with_iovecs<boost::asio::mutable_buffer>(buffers, [&](auto& iov) {
            return this->do_io(interest::readable, ec, [&](socket_handle fd, boost::system::error_code& ec) {
                return socket_ops::recv_from(fd, iov.data(), iov.count(), flags, from, from_len, ec);
            });
        });
    }

    template <class MutableBufferSequence>
    std::pair<std::size_t, endpoint_type> take_from(const MutableBufferSequence& buffers,
        int flags, boost::system::error_code& ec)
    {
        endpoint_type from;
        std::size_t len = from.capacity();
        const std::size_t n = take(buffers, flags, from.data(), &len, ec);
        if (ec && ec != boost::asio::error::message_size)
            return {0, endpoint_type()};
        this->set_endpoint_size(from, len);
        return {n, from};
    }
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_DATAGRAM_SOCKET_HPP
