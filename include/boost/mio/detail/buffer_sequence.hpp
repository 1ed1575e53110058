//
// boost/mio/detail/buffer_sequence.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Maps an Asio buffer sequence onto an iovec array on the stack, for one
// readv/writev/sendmsg/recvmsg: no copy of the data, no allocation. For a
// stream, a sequence of more than max_iovecs buffers is transferred in
// part (as a partial read or write, which callers of *_some expect
// anyway). A datagram cannot be sent in part: datagram_socket maps a
// longer sequence again, out of line, onto max_datagram_iovecs.

#ifndef BOOST_MIO_DETAIL_BUFFER_SEQUENCE_HPP
#define BOOST_MIO_DETAIL_BUFFER_SEQUENCE_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/socket_types.hpp>
#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <type_traits>

namespace boost {
namespace mio {
namespace detail {

// Linux's UIO_MAXIOV is 1024; 64 keeps the array at 1 KiB of stack.
constexpr std::size_t max_iovecs = 64;

// The most buffers one sendmsg/recvmsg takes (UIO_MAXIOV, IOV_MAX): the
// limit of a datagram's buffer sequence (16 KiB of stack, on its own path).
constexpr std::size_t max_datagram_iovecs = 1024;

// True when the sequence is a single buffer, so that the caller can use
// read/write/send/recv directly and skip building an iovec.
template <class Sequence, class Buffer>
constexpr bool is_single_buffer_v = std::is_convertible<Sequence, Buffer>::value;

// The non-empty buffers of a sequence, up to Capacity of them.
template <class Buffer, std::size_t Capacity = max_iovecs>
class iovec_array
{
public:
    template <class Sequence>
    explicit iovec_array(const Sequence& bufs) noexcept
    {
        auto it = boost::asio::buffer_sequence_begin(bufs);
        const auto end = boost::asio::buffer_sequence_end(bufs);
        for (; it != end; ++it)
        {
            Buffer b(*it);
            if (b.size() == 0)
                continue;
            if (count_ == Capacity)
            {
                complete_ = false;
                break;
            }
            iov_[count_].iov_base = const_cast<void*>(static_cast<const void*>(b.data()));
            iov_[count_].iov_len = static_cast<decltype(io_vec::iov_len)>(b.size());
            total_ += b.size();
            ++count_;
        }
    }

    iovec_array(const iovec_array&) = delete;
    iovec_array& operator=(const iovec_array&) = delete;

    io_vec* data() noexcept { return iov_; }
    std::size_t count() const noexcept { return count_; }
    std::size_t total_size() const noexcept { return total_; }
    // Whether every non-empty buffer of the sequence is in the array.
    bool complete() const noexcept { return complete_; }

private:
    io_vec iov_[Capacity];
    std::size_t count_ = 0;
    std::size_t total_ = 0;
    bool complete_ = true;
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_BUFFER_SEQUENCE_HPP
