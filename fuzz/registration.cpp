//
// fuzz/registration.cpp: registration sequences against a model.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The fuzzer's bytes are a program over a few slots, each holding the read
// end of a pipe or one end of a Unix socket pair: create, dup, register_,
// reregister, deregister, close, write to the other end, read, close the
// other end, wake, and wait with a zero timeout. A small model predicts
// every error code (EBADF for a closed source, EEXIST, ENOENT) and judges
// every event:
//  - its token belongs to a registration that still exists: one not
//    deregistered whose file is still open (epoll keys registrations by
//    file and fd number: one whose fd was closed lives on while a dup keeps
//    the file open, and a dup given the same fd number finds it again; so
//    does the model);
//  - readable or writable only when the registration's interest asks;
//  - a source that becomes ready while registered (data into an empty
//    buffer, the other end closed, registered while ready, a wake) is
//    reported within a few zero-timeout waits.

#include "fuzz_check.hpp"

#include <boost/mio.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fcntl.h>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unistd.h>
#include <variant>

namespace {

namespace mio = boost::mio;
namespace net = boost::mio::net;
using boost::system::error_code;
using boost::system::errc::bad_file_descriptor;
using boost::system::errc::file_exists;
using boost::system::errc::no_such_file_or_directory;
using mio::interest;

constexpr std::size_t slot_count = 6;
constexpr std::uint64_t waker_token = 1ull << 40;
// Zero-timeout waits a ready source gets to be reported: every ready
// registration fits after this many waits of the smallest capacity.
constexpr int flush_waits = 2 * static_cast<int>(slot_count) + 4;

using source = std::variant<std::monostate, mio::posix::receiver, net::unix_stream>;
using peer_end = std::variant<mio::posix::sender, net::unix_stream>;

// One open file description: what a slot and its dups share.
struct file
{
    peer_end peer;              // the other end: writes go there
    bool peer_open = true;
    std::size_t buffered = 0;   // written by the peer, not read yet
    int fds = 0;                // slots whose fd refers to this file
};

// epoll keys a registration by (file, fd number): it outlives its fd while
// a dup keeps the file open, and a later dup that gets the same fd number
// finds it again.
struct registration
{
    interest in;
    std::shared_ptr<file> f;
    int fd;
    bool fd_open = true;        // false: the fd is closed, a dup keeps the file
};

struct slot
{
    source src;
    std::shared_ptr<file> f;
    std::optional<std::uint64_t> reg;   // the live registration's token
};

int fd_of(const source& s)
{
    if (auto* r = std::get_if<mio::posix::receiver>(&s))
        return r->native_handle();
    if (auto* u = std::get_if<net::unix_stream>(&s))
        return u->native_handle();
    return -1;
}

interest interest_from(std::uint8_t bits)
{
    switch (bits % 4)
    {
    case 0: return interest::readable;
    case 1: return interest::writable;
    case 2: return interest::readable | interest::writable;
    default: return interest::readable | interest::priority;
    }
}

class model
{
public:
    explicit model(std::size_t capacity) : evs_(capacity), waker_(poll_.registry(), mio::token(waker_token)) {}

    void run(FuzzedDataProvider& in)
    {
        while (in.remaining_bytes() > 0)
        {
            const auto op = in.ConsumeIntegralInRange<int>(0, 11);
            slot& s = slots_[in.ConsumeIntegralInRange<std::size_t>(0, slot_count - 1)];
            switch (op)
            {
            case 0: create_pipe(s); break;
            case 1: create_pair(s); break;
            case 2: dup_into(s, slots_[in.ConsumeIntegralInRange<std::size_t>(0, slot_count - 1)]); break;
            case 3: register_(s, interest_from(in.ConsumeIntegral<std::uint8_t>())); break;
            case 4: reregister(s, interest_from(in.ConsumeIntegral<std::uint8_t>())); break;
            case 5: deregister(s); break;
            case 6: close(s); break;
            case 7: write(s, in.ConsumeIntegralInRange<std::size_t>(1, 64)); break;
            case 8: read(s); break;
            case 9: close_peer(s); break;
            case 10: wake(); break;
            default: wait_once(); break;
            }
        }
        flush();
    }

private:
    void create_pipe(slot& s)
    {
        if (s.f)
            return;
        auto ends = mio::posix::make_pipe();
        s.f = std::make_shared<file>(file{std::move(ends.sender)});
        s.src = std::move(ends.receiver);
        s.f->fds = 1;
    }

    void create_pair(slot& s)
    {
        if (s.f)
            return;
        auto [a, b] = net::unix_stream::pair();
        s.f = std::make_shared<file>(file{std::move(b)});
        s.src = std::move(a);
        s.f->fds = 1;
    }

    // A second fd for `from`'s file, in the empty slot `to`.
    void dup_into(slot& from, slot& to)
    {
        if (!from.f || to.f || &from == &to)
            return;
        const int fd = ::fcntl(fd_of(from.src), F_DUPFD_CLOEXEC, 0);
        FUZZ_CHECK(fd >= 0, "dup failed");
        if (std::holds_alternative<mio::posix::receiver>(from.src))
            to.src = mio::posix::receiver::from_native(fd);
        else
            to.src = net::unix_stream::from_native(fd);
        to.f = from.f;
        ++to.f->fds;
        for (auto& [t, r] : regs_)
        {
            if (r.f == to.f && r.fd == fd)
            {
                r.fd_open = true;
                to.reg = t;
            }
        }
    }

    // Calls `op(source&)` on the slot's source, of whichever type.
    template <class Op>
    void on_source(slot& s, Op op)
    {
        std::visit([&](auto& src) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(src)>, std::monostate>)
                op(src);
        }, s.src);
    }

    // What registering for `in` makes the model expect at once.
    void expect_ready_now(std::uint64_t t, const registration& r)
    {
        if (r.in.is_readable() && (r.f->buffered > 0 || !r.f->peer_open))
            expected_.insert(t);
        if (r.in.is_writable() && r.f->peer_open
            && std::holds_alternative<net::unix_stream>(r.f->peer))
            expected_.insert(t); // an idle socket is writable
    }

    void register_(slot& s, interest in)
    {
        if (std::holds_alternative<std::monostate>(s.src))
            return;
        const std::uint64_t t = next_token_++;
        error_code ec;
        on_source(s, [&](auto& src) { poll_.registry().register_(src, mio::token(t), in, ec); });
        if (!s.f)
            return FUZZ_CHECK_EC(ec, bad_file_descriptor, "register_ of a closed source");
        if (s.reg)
            return FUZZ_CHECK_EC(ec, file_exists, "register_ twice");
        FUZZ_CHECK_EC(ec, error_code(), "register_");
        s.reg = t;
        const auto& r = regs_.insert_or_assign(t, registration{in, s.f, fd_of(s.src)}).first->second;
        expect_ready_now(t, r);
    }

    void reregister(slot& s, interest in)
    {
        if (std::holds_alternative<std::monostate>(s.src))
            return;
        const std::uint64_t t = next_token_++;
        error_code ec;
        on_source(s, [&](auto& src) { poll_.registry().reregister(src, mio::token(t), in, ec); });
        if (!s.f)
            return FUZZ_CHECK_EC(ec, bad_file_descriptor, "reregister of a closed source");
        if (!s.reg)
            return FUZZ_CHECK_EC(ec, no_such_file_or_directory, "reregister, not registered");
        FUZZ_CHECK_EC(ec, error_code(), "reregister");
        // An event queued under the old token may still come with the new
        // one; one with the old token no longer can.
        forget(*s.reg);
        s.reg = t;
        const auto& r = regs_.insert_or_assign(t, registration{in, s.f, fd_of(s.src)}).first->second;
        expect_ready_now(t, r);
    }

    void deregister(slot& s)
    {
        if (std::holds_alternative<std::monostate>(s.src))
            return;
        error_code ec;
        on_source(s, [&](auto& src) { poll_.registry().deregister(src, ec); });
        if (!s.f)
            return FUZZ_CHECK_EC(ec, bad_file_descriptor, "deregister of a closed source");
        if (!s.reg)
            return FUZZ_CHECK_EC(ec, no_such_file_or_directory, "deregister, not registered");
        FUZZ_CHECK_EC(ec, error_code(), "deregister");
        forget(*s.reg);
        s.reg.reset();
    }

    void forget(std::uint64_t t)
    {
        regs_.erase(t);
        expected_.erase(t);
    }

    void close(slot& s)
    {
        if (!s.f)
            return;
        on_source(s, [&](auto& src) { src.close(); });
        if (s.reg)
        {
            regs_.at(*s.reg).fd_open = false;
            expected_.erase(*s.reg);
            s.reg.reset();
        }
        if (--s.f->fds == 0)
        {
            // The last fd: epoll drops every registration of the file.
            for (auto it = regs_.begin(); it != regs_.end();)
                it = it->second.f == s.f ? regs_.erase(it) : std::next(it);
        }
        s.f.reset();
    }

    // Live registrations of `f` that ask for readable.
    template <class F>
    void for_readers(const std::shared_ptr<file>& f, F each)
    {
        for (auto& [t, r] : regs_)
            if (r.f == f && r.fd_open && r.in.is_readable())
                each(t);
    }

    void write(slot& s, std::size_t n)
    {
        if (!s.f || !s.f->peer_open)
            return;
        const std::array<char, 64> bytes{};
        error_code ec;
        const std::size_t done = std::visit(
            [&](auto& p) { return p.write_some(boost::asio::buffer(bytes.data(), n), ec); },
            s.f->peer);
        if (ec)
            return FUZZ_CHECK_EC(ec, boost::asio::error::would_block, "write to the other end");
        FUZZ_CHECK(done > 0 && done <= n, "write_some's count");
        // Only an empty buffer becoming non-empty is an edge every kernel
        // reports; more data on top may or may not raise another event.
        if (s.f->buffered == 0)
            for_readers(s.f, [&](std::uint64_t t) { expected_.insert(t); });
        s.f->buffered += done;
    }

    void read(slot& s)
    {
        if (!s.f)
            return;
        std::size_t got = 0;
        bool eof = false;
        on_source(s, [&](auto& src) {
            std::array<char, 256> buf;
            for (;;)
            {
                error_code ec;
                const std::size_t n = src.read_some(boost::asio::buffer(buf), ec);
                if (ec == boost::asio::error::would_block)
                    break;
                if (ec == boost::asio::error::eof)
                {
                    eof = true;
                    break;
                }
                FUZZ_CHECK_EC(ec, error_code(), "read_some");
                got += n;
            }
        });
        FUZZ_CHECK(got == s.f->buffered, "read returned what was written, no more, no less");
        FUZZ_CHECK(eof == !s.f->peer_open, "eof exactly when the other end is closed");
        s.f->buffered = 0;
        // Reading may take back readiness that was queued: an expectation
        // of this file is void once it is read.
        for (auto& [t, r] : regs_)
            if (r.f == s.f)
                expected_.erase(t);
    }

    void close_peer(slot& s)
    {
        if (!s.f || !s.f->peer_open)
            return;
        std::visit([](auto& p) { p.close(); }, s.f->peer);
        s.f->peer_open = false;
        for_readers(s.f, [&](std::uint64_t t) { expected_.insert(t); });
    }

    void wake()
    {
        waker_.wake();
        expected_.insert(waker_token);
    }

    void wait_once()
    {
        error_code ec;
        poll_.wait(evs_, std::chrono::nanoseconds(0), ec);
        FUZZ_CHECK_EC(ec, error_code(), "wait");
        FUZZ_CHECK(evs_.size() <= evs_.capacity(), "no more events than the capacity");
        for (const mio::event& e : evs_)
        {
            const std::uint64_t t = e.token().value();
            expected_.erase(t);
            if (t == waker_token)
            {
                FUZZ_CHECK(e.is_readable(), "a waker event is readable");
                continue;
            }
            const auto it = regs_.find(t);
            FUZZ_CHECK(it != regs_.end(), "an event for a token that is not registered");
            const interest in = it->second.in;
            FUZZ_CHECK(!e.is_readable() || in.is_readable() || in.is_priority(),
                "readable without readable interest");
            FUZZ_CHECK(!e.is_writable() || in.is_writable(), "writable without writable interest");
        }
    }

    // Every expected event must come within a few zero-timeout waits.
    void flush()
    {
        for (int i = 0; i < flush_waits && !expected_.empty(); ++i)
            wait_once();
        FUZZ_CHECK(expected_.empty(), "a source that became ready was never reported");
    }

    mio::poll poll_;
    mio::events evs_;
    mio::waker waker_;
    std::array<slot, slot_count> slots_;
    std::map<std::uint64_t, registration> regs_;
    std::set<std::uint64_t> expected_;
    std::uint64_t next_token_ = 1;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FuzzedDataProvider in(data, size);
    model m(in.ConsumeIntegralInRange<std::size_t>(1, 8));
    m.run(in);
    return 0;
}
