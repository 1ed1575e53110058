//
// test/pipe.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The header is self-contained: it comes first.
#include <boost/mio/posix/pipe.hpp>

#define BOOST_TEST_MODULE pipe
#include "util.hpp"

#include <array>
#include <csignal>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace mio = boost::mio;
namespace asio = boost::asio;
using boost::system::error_code;
using mio::interest;
using mio::token;
using mio::posix::make_pipe;
using mio::posix::pipe_ends;
using mio::posix::receiver;
using mio::posix::sender;
using mio_test::expect_system_error;
using namespace std::chrono_literals;

constexpr token receiver_token(0);
constexpr token sender_token(1);

// Every member compiles with the documented signature.
template <class T, class = void>
struct has_read_some : std::false_type {};
template <class T>
struct has_read_some<T, std::void_t<decltype(std::declval<T&>().read_some(
    asio::mutable_buffer()))>> : std::true_type {};
template <class T, class = void>
struct has_write_some : std::false_type {};
template <class T>
struct has_write_some<T, std::void_t<decltype(std::declval<T&>().write_some(
    asio::const_buffer()))>> : std::true_type {};

static_assert(has_write_some<sender>::value && !has_read_some<sender>::value);
static_assert(has_read_some<receiver>::value && !has_write_some<receiver>::value);
static_assert(std::is_same_v<decltype(pipe_ends::sender), sender>);
static_assert(std::is_same_v<decltype(pipe_ends::receiver), receiver>);
static_assert(std::is_same_v<decltype(make_pipe()), pipe_ends>);
static_assert(std::is_same_v<decltype(make_pipe(std::declval<error_code&>())), pipe_ends>);

template <class End>
constexpr bool check_end()
{
    static_assert(std::is_nothrow_default_constructible_v<End>);
    static_assert(!std::is_copy_constructible_v<End>);
    static_assert(!std::is_copy_assignable_v<End>);
    static_assert(std::is_nothrow_move_constructible_v<End>);
    static_assert(std::is_nothrow_move_assignable_v<End>);
    static_assert(mio::is_event_source_v<End>);
    static_assert(mio::is_event_source_v<const End>);
    static_assert(std::is_same_v<typename End::native_handle_type, int>);
    static_assert(std::is_same_v<decltype(End::from_native(0)), End>);
    static_assert(noexcept(End::from_native(0)));
    static_assert(std::is_same_v<decltype(std::declval<const End&>().native_handle()), int>);
    static_assert(noexcept(std::declval<const End&>().native_handle()));
    static_assert(noexcept(std::declval<const End&>().is_open()));
    static_assert(std::is_same_v<decltype(std::declval<End&>().release()), int>);
    static_assert(noexcept(std::declval<End&>().release()));
    static_assert(noexcept(std::declval<End&>().close()));
    static_assert(std::is_same_v<decltype(std::declval<End&>().set_nonblocking(true)), void>);
    static_assert(std::is_same_v<decltype(std::declval<End&>().set_nonblocking(true,
        std::declval<error_code&>())), void>);
    return true;
}
static_assert(check_end<sender>() && check_end<receiver>());
static_assert(std::is_same_v<decltype(std::declval<sender&>().write_some(
    asio::const_buffer())), std::size_t>);
static_assert(std::is_same_v<decltype(std::declval<sender&>().write_some(
    asio::const_buffer(), std::declval<error_code&>())), std::size_t>);
static_assert(std::is_same_v<decltype(std::declval<receiver&>().read_some(
    asio::mutable_buffer())), std::size_t>);
static_assert(std::is_same_v<decltype(std::declval<receiver&>().read_some(
    asio::mutable_buffer(), std::declval<error_code&>())), std::size_t>);

namespace {

const char data1[] = "Hello world";
constexpr std::size_t data1_len = sizeof data1 - 1;

// Ignores SIGPIPE while alive, so a write to a reader-less pipe reports
// EPIPE instead of killing the test.
class ignore_sigpipe
{
public:
    ignore_sigpipe() : old_(std::signal(SIGPIPE, SIG_IGN)) {}
    ~ignore_sigpipe() { std::signal(SIGPIPE, old_); }
    ignore_sigpipe(const ignore_sigpipe&) = delete;
    ignore_sigpipe& operator=(const ignore_sigpipe&) = delete;

private:
    void (*old_)(int);
};

// Reads until would_block; returns the byte count.
std::size_t drain(receiver& r)
{
    std::vector<char> buf(65536);
    std::size_t total = 0;
    for (;;)
    {
        error_code ec;
        const std::size_t n = r.read_some(asio::buffer(buf), ec);
        if (mio_test::is_would_block(ec))
            return total;
        BOOST_REQUIRE_MESSAGE(!ec, "read_some: " << ec.message());
        total += n;
    }
}

// Writes until would_block; returns the byte count.
std::size_t fill(sender& s)
{
    const std::vector<char> buf(65536, 'z');
    std::size_t total = 0;
    for (;;)
    {
        error_code ec;
        const std::size_t n = s.write_some(asio::buffer(buf), ec);
        if (mio_test::is_would_block(ec))
            return total;
        BOOST_REQUIRE_MESSAGE(!ec, "write_some: " << ec.message());
        total += n;
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(every_member_runs_once)
{
    mio::poll p;
    error_code ec = make_error_code(boost::system::errc::io_error);
    pipe_ends ends = make_pipe(ec);
    BOOST_TEST(!ec, "success clears ec");
    pipe_ends other = make_pipe();
    sender& s = ends.sender;
    receiver& r = ends.receiver;
    BOOST_TEST(s.is_open());
    BOOST_TEST(r.is_open());
    BOOST_TEST(s.native_handle() >= 0);
    BOOST_TEST(r.native_handle() >= 0);
    BOOST_TEST(s.native_handle() != r.native_handle());

    s.set_nonblocking(true);
    s.set_nonblocking(true, ec);
    BOOST_TEST(!ec);
    r.set_nonblocking(true);
    r.set_nonblocking(true, ec);
    BOOST_TEST(!ec);

    error_code rec;
    p.registry().register_(s, sender_token, interest::writable);
    s.reregister(p.registry(), sender_token, interest::writable, rec);
    BOOST_TEST(!rec);
    s.deregister(p.registry(), rec);
    BOOST_TEST(!rec);
    s.register_(p.registry(), sender_token, interest::writable, rec);
    BOOST_TEST(!rec);
    r.register_(p.registry(), receiver_token, interest::readable, rec);
    BOOST_TEST(!rec);

    BOOST_TEST(s.write_some(asio::buffer(data1, 3)) == 3u);
    BOOST_TEST(s.write_some(asio::buffer(data1, 2), ec) == 2u);
    BOOST_TEST(!ec);
    char buf[8];
    BOOST_TEST(r.read_some(asio::buffer(buf, 1)) == 1u);
    BOOST_TEST(r.read_some(asio::buffer(buf), ec) == 4u);
    BOOST_TEST(!ec);

    const int fd = other.sender.release();
    BOOST_TEST(!other.sender.is_open());
    sender adopted = sender::from_native(fd);
    BOOST_TEST(adopted.native_handle() == fd);
    other.receiver.close();
    BOOST_TEST(!other.receiver.is_open());
    adopted.close(ec);
    BOOST_TEST(!ec);
    BOOST_TEST(!adopted.is_open());
}

BOOST_AUTO_TEST_CASE(new_pipe_is_nonblocking)
{
    pipe_ends ends = make_pipe();
    BOOST_TEST(mio_test::is_nonblocking(ends.sender.native_handle()));
    BOOST_TEST(mio_test::is_nonblocking(ends.receiver.native_handle()));
    char buf[4];
    error_code ec;
    BOOST_TEST(ends.receiver.read_some(asio::buffer(buf), ec) == 0u);
    BOOST_TEST(mio_test::is_would_block(ec), ec.message());
    BOOST_TEST((ec == boost::system::errc::resource_unavailable_try_again));
    expect_system_error([&] { ends.receiver.read_some(asio::buffer(buf)); },
        asio::error::would_block);
}

// mio's unix_pipe smoke test.
BOOST_AUTO_TEST_CASE(smoke)
{
    mio::poll p;
    mio::events evs(8);
    pipe_ends ends = make_pipe();
    p.registry().register_(ends.receiver, receiver_token, interest::readable);
    p.registry().register_(ends.sender, sender_token, interest::writable);

    mio_test::expect_events(p, evs, {mio_test::writable(sender_token.value())});
    BOOST_TEST(ends.sender.write_some(asio::buffer(data1, data1_len)) == data1_len);

    mio_test::expect_events(p, evs, {mio_test::readable(receiver_token.value())});
    char buf[20];
    const std::size_t n = ends.receiver.read_some(asio::buffer(buf));
    BOOST_TEST_REQUIRE(n == data1_len);
    BOOST_TEST(std::string(buf, n) == data1);
}

BOOST_AUTO_TEST_CASE(fill_until_would_block_then_writable_after_draining)
{
    mio::poll p;
    mio::events evs(8);
    pipe_ends ends = make_pipe();
    p.registry().register_(ends.sender, sender_token, interest::writable);
    p.registry().register_(ends.receiver, receiver_token, interest::readable);
    mio_test::expect_events(p, evs, {mio_test::writable(sender_token.value())});

    const std::size_t written = fill(ends.sender);
    BOOST_TEST(written >= 4096u, "a pipe holds at least a page");
    error_code ec;
    const char byte = 'x';
    BOOST_TEST(ends.sender.write_some(asio::buffer(&byte, 1), ec) == 0u);
    BOOST_TEST(mio_test::is_would_block(ec), "still full");

    // Full: the receiver is readable, the sender is not writable.
    p.wait(evs, mio_test::event_timeout);
    for (const auto& e : evs)
    {
        BOOST_TEST((e.token() == receiver_token), "unexpected " << e);
        BOOST_TEST(e.is_readable());
    }
    mio_test::expect_no_events(p, evs);

    BOOST_TEST(drain(ends.receiver) == written);
    mio_test::expect_events(p, evs, {mio_test::writable(sender_token.value())});
    BOOST_TEST(ends.sender.write_some(asio::buffer(&byte, 1)) == 1u);
}

// mio's event_when_sender_is_dropped.
BOOST_AUTO_TEST_CASE(sender_close_is_read_closed_then_eof)
{
    mio::poll p;
    mio::events evs(8);
    pipe_ends ends = make_pipe();
    p.registry().register_(ends.receiver, receiver_token, interest::readable);
    ends.sender.write_some(asio::buffer(data1, data1_len));
    mio_test::expect_events(p, evs, {mio_test::readable(receiver_token.value())});

    ends.sender.close();
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST((evs.begin()->token() == receiver_token));
    BOOST_TEST(evs.begin()->is_read_closed());

    // The data written before the close is still there, then eof.
    char buf[64];
    error_code ec;
    BOOST_TEST(ends.receiver.read_some(asio::buffer(buf), ec) == data1_len);
    BOOST_TEST(!ec);
    BOOST_TEST(ends.receiver.read_some(asio::buffer(buf), ec) == 0u);
    BOOST_TEST((ec == asio::error::eof), ec.message());
    BOOST_TEST(ends.receiver.read_some(asio::buffer(buf), ec) == 0u);
    BOOST_TEST((ec == asio::error::eof), "eof stays eof");
    expect_system_error([&] { ends.receiver.read_some(asio::buffer(buf)); }, asio::error::eof);

    // Scatter reads report eof the same way.
    std::array<asio::mutable_buffer, 2> bufs{asio::buffer(buf, 4), asio::buffer(buf + 4, 4)};
    BOOST_TEST(ends.receiver.read_some(bufs, ec) == 0u);
    BOOST_TEST((ec == asio::error::eof));
}

// mio's event_when_receiver_is_dropped.
BOOST_AUTO_TEST_CASE(receiver_close_is_write_closed_then_epipe)
{
    ignore_sigpipe guard;
    mio::poll p;
    mio::events evs(8);
    pipe_ends ends = make_pipe();
    p.registry().register_(ends.sender, sender_token, interest::writable);
    mio_test::expect_events(p, evs, {mio_test::writable(sender_token.value())});

    ends.receiver.close();
    p.wait(evs, mio_test::event_timeout);
    BOOST_TEST_REQUIRE(evs.size() == 1u);
    BOOST_TEST((evs.begin()->token() == sender_token));
    BOOST_TEST(evs.begin()->is_write_closed());
    BOOST_TEST(evs.begin()->is_error());

    error_code ec;
    BOOST_TEST(ends.sender.write_some(asio::buffer(data1, data1_len), ec) == 0u);
    BOOST_TEST((ec == boost::system::errc::broken_pipe), ec.message());
    BOOST_TEST((ec.category() == boost::system::system_category()));
    const std::array<asio::const_buffer, 2> bufs{asio::buffer(data1, 2), asio::buffer(data1, 3)};
    BOOST_TEST(ends.sender.write_some(bufs, ec) == 0u);
    BOOST_TEST((ec == boost::system::errc::broken_pipe));
    expect_system_error([&] { ends.sender.write_some(asio::buffer(data1, 1)); },
        boost::system::errc::broken_pipe);
}

BOOST_AUTO_TEST_CASE(gather_write_and_scatter_read)
{
    pipe_ends ends = make_pipe();
    const std::string a = "abc";
    const std::string b = "";
    const std::string c = "defgh";
    const std::array<asio::const_buffer, 3> gather{asio::buffer(a), asio::buffer(b),
        asio::buffer(c)};
    BOOST_TEST(ends.sender.write_some(gather) == 8u);
    std::vector<asio::const_buffer> gather_vec{asio::buffer(c), asio::buffer(a)};
    BOOST_TEST(ends.sender.write_some(gather_vec) == 8u);
    error_code ec;
    BOOST_TEST(ends.sender.write_some(std::vector<asio::const_buffer>{asio::buffer("!", 1)}, ec)
        == 1u);
    BOOST_TEST(!ec);

    char x[2];
    char y[4];
    char z[16];
    std::array<asio::mutable_buffer, 3> scatter{asio::buffer(x), asio::buffer(y),
        asio::buffer(z, 0)};
    BOOST_TEST(ends.receiver.read_some(scatter) == 6u);
    BOOST_TEST(std::string(x, 2) == "ab");
    BOOST_TEST(std::string(y, 4) == "cdef");
    std::vector<asio::mutable_buffer> scatter_vec{asio::buffer(x), asio::buffer(z)};
    BOOST_TEST(ends.receiver.read_some(scatter_vec, ec) == 11u);
    BOOST_TEST(!ec);
    BOOST_TEST(std::string(x, 2) == "gh");
    BOOST_TEST(std::string(z, 9) == "defghabc!");

    // Empty sequences and empty buffers transfer nothing and are not eof.
    BOOST_TEST(ends.receiver.read_some(std::vector<asio::mutable_buffer>{}, ec) == 0u);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(ends.receiver.read_some(asio::buffer(z, 0), ec) == 0u);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(ends.sender.write_some(std::vector<asio::const_buffer>{}, ec) == 0u);
    BOOST_TEST(!ec);
    BOOST_TEST(ends.sender.write_some(asio::buffer(a, 0), ec) == 0u);
    BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_CASE(long_buffer_sequence_is_transferred_at_least_in_part)
{
    pipe_ends ends = make_pipe();
    std::string text(200, ' ');
    for (std::size_t i = 0; i < text.size(); ++i)
        text[i] = static_cast<char>('a' + i % 26);
    std::vector<asio::const_buffer> one_byte_each;
    for (std::size_t i = 0; i < text.size(); ++i)
        one_byte_each.push_back(asio::buffer(&text[i], 1));
    const std::size_t n = ends.sender.write_some(one_byte_each);
    BOOST_TEST(n > 0u);
    BOOST_TEST(n <= text.size());

    std::string got(text.size(), '\0');
    std::vector<asio::mutable_buffer> read_each;
    for (std::size_t i = 0; i < got.size(); ++i)
        read_each.push_back(asio::buffer(&got[i], 1));
    std::size_t m = 0;
    while (m < n)
    {
        std::vector<asio::mutable_buffer> rest(read_each.begin() + static_cast<std::ptrdiff_t>(m),
            read_each.end());
        const std::size_t k = ends.receiver.read_some(rest);
        BOOST_TEST_REQUIRE(k > 0u);
        m += k;
    }
    BOOST_TEST(m == n);
    BOOST_TEST(got.substr(0, n) == text.substr(0, n));
}

BOOST_AUTO_TEST_CASE(from_native_release_and_set_nonblocking)
{
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0); // blocking, like a child's stdio
    receiver r = receiver::from_native(fds[0]);
    sender s = sender::from_native(fds[1]);
    BOOST_TEST(r.native_handle() == fds[0]);
    BOOST_TEST(s.native_handle() == fds[1]);
    BOOST_TEST(!mio_test::is_nonblocking(r.native_handle()), "from_native changes nothing");

    r.set_nonblocking(true);
    BOOST_TEST(mio_test::is_nonblocking(r.native_handle()));
    char buf[4];
    error_code ec;
    r.read_some(asio::buffer(buf), ec);
    BOOST_TEST(mio_test::is_would_block(ec), ec.message());

    r.set_nonblocking(false, ec);
    BOOST_TEST(!ec);
    BOOST_TEST(!mio_test::is_nonblocking(r.native_handle()));
    r.set_nonblocking(true, ec);
    BOOST_TEST(mio_test::is_nonblocking(r.native_handle()));
    s.set_nonblocking(true);
    BOOST_TEST(mio_test::is_nonblocking(s.native_handle()));

    mio::poll p;
    mio::events evs(4);
    p.registry().register_(r, receiver_token, interest::readable);
    s.write_some(asio::buffer(data1, 1));
    mio_test::expect_events(p, evs, {mio_test::readable(receiver_token.value())});

    // release gives the fd up: the object no longer closes it.
    const int released = r.release();
    BOOST_TEST(released == fds[0]);
    BOOST_TEST(!r.is_open());
    BOOST_TEST(r.native_handle() == -1);
    BOOST_TEST(r.release() == -1);
    BOOST_TEST(::fcntl(released, F_GETFD) >= 0, "still open");
    r.close(); // closes nothing
    BOOST_TEST(::fcntl(released, F_GETFD) >= 0);
    BOOST_TEST(::close(released) == 0);

    receiver none = receiver::from_native(-1);
    BOOST_TEST(!none.is_open());
}

BOOST_AUTO_TEST_CASE(closed_ends_report_ebadf)
{
    mio::poll p;
    sender s;
    receiver r;
    BOOST_TEST(!s.is_open());
    BOOST_TEST(!r.is_open());
    BOOST_TEST(s.native_handle() == -1);
    char buf[4] = {};
    error_code ec;
    BOOST_TEST(s.write_some(asio::buffer(buf), ec) == 0u);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor), ec.message());
    std::array<asio::const_buffer, 2> cbufs{asio::buffer(buf, 1), asio::buffer(buf, 2)};
    s.write_some(cbufs, ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
    BOOST_TEST(r.read_some(asio::buffer(buf), ec) == 0u);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
    std::array<asio::mutable_buffer, 2> mbufs{asio::buffer(buf, 1), asio::buffer(buf + 1, 2)};
    r.read_some(mbufs, ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
    s.set_nonblocking(true, ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
    p.registry().register_(r, receiver_token, interest::readable, ec);
    BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));

    expect_system_error([&] { s.write_some(asio::buffer(buf)); },
        boost::system::errc::bad_file_descriptor);
    expect_system_error([&] { r.read_some(asio::buffer(buf)); },
        boost::system::errc::bad_file_descriptor);
    expect_system_error([&] { r.set_nonblocking(false); },
        boost::system::errc::bad_file_descriptor);
    expect_system_error([&] { p.registry().register_(s, sender_token, interest::writable); },
        boost::system::errc::bad_file_descriptor);

    // Closing a closed end is not an error.
    s.close();
    s.close(ec);
    BOOST_TEST(!ec);
    BOOST_TEST(s.release() == -1);
}

BOOST_AUTO_TEST_CASE(ends_own_their_fds)
{
    const int before = mio_test::count_open_fds();
    {
        pipe_ends ends = make_pipe();
        BOOST_TEST(mio_test::count_open_fds() == before + 2);
        sender moved(std::move(ends.sender));
        BOOST_TEST(!ends.sender.is_open()); // NOLINT(bugprone-use-after-move)
        BOOST_TEST(moved.is_open());
        error_code ec;
        ends.sender.write_some(asio::buffer(data1, 1), ec);
        BOOST_TEST((ec == boost::system::errc::bad_file_descriptor), ec.message());
        receiver moved_receiver(std::move(ends.receiver));
        char c0;
        ends.receiver.read_some(asio::buffer(&c0, 1), ec); // NOLINT(bugprone-use-after-move)
        BOOST_TEST((ec == boost::system::errc::bad_file_descriptor));
        ends.receiver = std::move(moved_receiver);
        BOOST_TEST(mio_test::count_open_fds() == before + 2);

        // Move-assigning closes the target's fd.
        pipe_ends other = make_pipe();
        BOOST_TEST(mio_test::count_open_fds() == before + 4);
        moved = std::move(other.sender);
        BOOST_TEST(mio_test::count_open_fds() == before + 3);
        ends.receiver = std::move(other.receiver);
        BOOST_TEST(mio_test::count_open_fds() == before + 2);

        // The ends still form a working pipe.
        moved.write_some(asio::buffer(data1, 1));
        char c;
        BOOST_TEST(ends.receiver.read_some(asio::buffer(&c, 1)) == 1u);
    }
    BOOST_TEST(mio_test::count_open_fds() == before);
}
