//
// fuzz/fuzz_io.hpp: what the I/O fuzz targets share: buffer sequences of
// the fuzzer's choosing over storage filled with checkable bytes, and a
// bounded wait for an fd to become readable.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)

#ifndef BOOST_MIO_FUZZ_IO_HPP
#define BOOST_MIO_FUZZ_IO_HPP

#include "fuzz_check.hpp"

#include <boost/asio/buffer.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <poll.h>
#include <string>
#include <vector>

namespace mio_fuzz {

// A scatter/gather list chosen by the fuzzer: `count` buffers of random
// sizes (empty ones included) carved from one block of storage.
struct buffer_plan
{
    std::vector<std::size_t> sizes;
    std::size_t total = 0;

    static buffer_plan make(FuzzedDataProvider& in, std::size_t max_buffers, std::size_t max_size)
    {
        buffer_plan p;
        const std::size_t count = in.ConsumeIntegralInRange<std::size_t>(1, max_buffers);
        for (std::size_t i = 0; i < count; ++i)
        {
            // Mostly small buffers, sometimes large ones and empty ones.
            const std::size_t size = in.ConsumeBool()
                ? in.ConsumeIntegralInRange<std::size_t>(0, 16)
                : in.ConsumeIntegralInRange<std::size_t>(0, max_size);
            p.sizes.push_back(size);
            p.total += size;
        }
        return p;
    }

    template <class Buffer, class Char>
    std::vector<Buffer> over(Char* storage) const
    {
        std::vector<Buffer> bufs;
        std::size_t at = 0;
        for (std::size_t s : sizes)
        {
            bufs.emplace_back(storage + at, s);
            at += s;
        }
        return bufs;
    }
};

// The bytes of an endless, checkable stream: byte i is a function of i.
inline char stream_byte(std::uint64_t i)
{
    std::uint64_t x = i * 0x9E3779B97F4A7C15ull;
    return static_cast<char>((x >> 56) ^ (x >> 29));
}

// Waits (bounded) until `fd` is readable; false on timeout.
inline bool wait_readable(int fd, int timeout_ms = 2000)
{
    ::pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) == 1;
}

} // namespace mio_fuzz

#endif // BOOST_MIO_FUZZ_IO_HPP
