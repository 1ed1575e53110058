//
// fuzz/stream_io.cpp: stream I/O with buffer sequences of the fuzzer's
// choosing, every byte checked.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Over a TCP connection on loopback, a Unix socket pair or a pipe, the
// fuzzer's bytes choose writes and reads: how many buffers (up to 100, past
// the 64 a single readv/sendmsg takes), their sizes (empty ones too), the
// error_code or the throwing form. Writes fill the kernel's buffers, so
// partial writes and would_block happen. The model is the stream itself:
// byte i written is stream_byte(i), so every byte read is checked where it
// lands, and at the end (writer shut down, reader drained to eof) the
// reader has received exactly what was written, no more, no less.

#include "fuzz_io.hpp"

#include <boost/mio.hpp>

#include <cstdint>
#include <vector>

namespace {

namespace mio = boost::mio;
namespace net = boost::mio::net;
namespace asio = boost::asio;
using boost::system::error_code;
using mio_fuzz::buffer_plan;
using mio_fuzz::stream_byte;

constexpr std::size_t max_buffers = 100;
constexpr std::size_t max_buffer_size = 4096;

// Calls `op(ec)` in the error_code form or, when `throwing`, through the
// throwing form, turning its exception back into `ec`.
template <class Op>
std::size_t call(bool throwing, Op op, error_code& ec)
{
    if (!throwing)
        return op(&ec);
    try
    {
        ec.clear();
        return op(nullptr);
    }
    catch (const boost::system::system_error& e)
    {
        ec = e.code();
        return 0;
    }
}

template <class Writer, class Reader>
class stream_model
{
public:
    stream_model(Writer& w, Reader& r, bool delivers_at_once)
        : w_(w), r_(r), delivers_at_once_(delivers_at_once)
    {
    }

    void run(FuzzedDataProvider& in)
    {
        while (in.remaining_bytes() > 0)
        {
            if (in.ConsumeBool())
                write(in);
            else
                read(in);
        }
    }

    // Ends the stream and reads the rest: everything written arrives.
    template <class Close>
    void finish(Close close_writer)
    {
        close_writer();
        std::vector<char> buf(65536);
        for (;;)
        {
            error_code ec;
            const std::size_t n = r_.read_some(asio::buffer(buf), ec);
            if (ec == asio::error::eof)
                break;
            if (ec == asio::error::would_block)
            {
                FUZZ_CHECK(mio_fuzz::wait_readable(r_.native_handle()), "the rest never came");
                continue;
            }
            FUZZ_CHECK_EC(ec, error_code(), "read_some while draining");
            check_received(buf.data(), n);
        }
        FUZZ_CHECK(read_ == written_, "the reader got exactly what was written");
    }

private:
    template <class Buffers, class Op>
    static std::size_t one_or_many(const std::vector<Buffers>& bufs, Op op)
    {
        // One buffer goes through the single-buffer path, more through the
        // scatter/gather one.
        if (bufs.size() == 1)
            return op(bufs.front());
        return op(bufs);
    }

    void write(FuzzedDataProvider& in)
    {
        const auto plan = buffer_plan::make(in, max_buffers, max_buffer_size);
        const bool throwing = in.ConsumeBool();
        std::vector<char> storage(plan.total);
        for (std::size_t k = 0; k < plan.total; ++k)
            storage[k] = stream_byte(written_ + k);
        const auto bufs = plan.over<asio::const_buffer>(storage.data());
        error_code ec;
        const std::size_t n = call(throwing, [&](error_code* e) {
            return one_or_many(bufs, [&](const auto& b) {
                return e ? w_.write_some(b, *e) : w_.write_some(b);
            });
        }, ec);
        if (ec)
        {
            FUZZ_CHECK_EC(ec, asio::error::would_block, "write_some to an open stream");
            FUZZ_CHECK(n == 0, "a failed write reports no count");
            return;
        }
        FUZZ_CHECK(n <= plan.total, "write_some wrote more than it was given");
        FUZZ_CHECK(n > 0 || plan.total == 0, "write_some returned 0 without an error");
        written_ += n;
    }

    void read(FuzzedDataProvider& in)
    {
        const auto plan = buffer_plan::make(in, max_buffers, max_buffer_size);
        const bool throwing = in.ConsumeBool();
        std::vector<char> storage(plan.total + 1);
        const auto bufs = plan.over<asio::mutable_buffer>(storage.data());
        error_code ec;
        const std::size_t n = call(throwing, [&](error_code* e) {
            return one_or_many(bufs, [&](const auto& b) {
                return e ? r_.read_some(b, *e) : r_.read_some(b);
            });
        }, ec);
        if (ec)
        {
            FUZZ_CHECK_EC(ec, asio::error::would_block, "read_some from an open stream");
            FUZZ_CHECK(n == 0, "a failed read reports no count");
            // Pipes and Unix sockets deliver a write before it returns.
            FUZZ_CHECK(!delivers_at_once_ || read_ == written_ || plan.total == 0,
                "would_block with unread bytes queued");
            return;
        }
        FUZZ_CHECK(n <= plan.total, "read_some read more than the buffers hold");
        FUZZ_CHECK(n > 0 || plan.total == 0, "read_some returned 0 without eof");
        // The buffers are filled in order: the first n bytes of storage.
        check_received(storage.data(), n);
    }

    void check_received(const char* p, std::size_t n)
    {
        FUZZ_CHECK(read_ + n <= written_, "read more bytes than were written");
        for (std::size_t j = 0; j < n; ++j)
            FUZZ_CHECK(p[j] == stream_byte(read_ + j), "a byte read is not the byte written there");
        read_ += n;
    }

    Writer& w_;
    Reader& r_;
    bool delivers_at_once_;
    std::uint64_t written_ = 0;
    std::uint64_t read_ = 0;
};

net::tcp_stream accept_one(net::tcp_listener& l)
{
    for (;;)
    {
        error_code ec;
        auto [s, peer] = l.accept(ec);
        if (!ec)
            return std::move(s);
        FUZZ_CHECK_EC(ec, asio::error::would_block, "accept");
        FUZZ_CHECK(mio_fuzz::wait_readable(l.native_handle()), "no connection to accept");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FuzzedDataProvider in(data, size);
    switch (in.ConsumeIntegralInRange<int>(0, 2))
    {
    case 0:
    {
        static auto listener = net::tcp_listener::bind({asio::ip::address_v4::loopback(), 0});
        auto client = net::tcp_stream::connect(listener.local_endpoint());
        auto server = accept_one(listener);
        stream_model<net::tcp_stream, net::tcp_stream> m(client, server, false);
        m.run(in);
        m.finish([&] { client.shutdown(net::shutdown_type::send); });
        break;
    }
    case 1:
    {
        auto [a, b] = net::unix_stream::pair();
        stream_model<net::unix_stream, net::unix_stream> m(a, b, true);
        m.run(in);
        m.finish([&, &a = a] { a.shutdown(net::shutdown_type::send); });
        break;
    }
    default:
    {
        auto ends = mio::posix::make_pipe();
        stream_model<mio::posix::sender, mio::posix::receiver> m(ends.sender, ends.receiver, true);
        m.run(in);
        m.finish([&] { ends.sender.close(); });
        break;
    }
    }
    return 0;
}
