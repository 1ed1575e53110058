//
// test/net_bad_input.cpp: what the networking types do with bad input and
// hostile conditions: addresses in use, refused connects, over-long Unix
// names (refused, never truncated; names of 108 bytes read back from the
// OS are tested in unix_listener.cpp and unix_datagram.cpp), truncated
// datagrams, closed or
// released sockets, writes to a reset peer (no SIGPIPE), and accept when
// the process is out of descriptors.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// The headers are self-contained: they come first.
#include <boost/mio/net/tcp_listener.hpp>
#include <boost/mio/net/udp_socket.hpp>
#if !defined(_WIN32)
#  include <boost/mio/net/unix_datagram.hpp>
#  include <boost/mio/net/unix_listener.hpp>
#endif

#define BOOST_TEST_MODULE net_bad_input
#include "util.hpp"
#include "net_util.hpp"

#include <boost/system/system_error.hpp>

#include <array>
#include <cstddef>
#include <string>
#if !defined(_WIN32)
#  include <fcntl.h>
#  include <sys/resource.h>
#  include <sys/stat.h>
#  include <sys/un.h>
#endif

using namespace mio_test;
using mio::interest;
using mio::token;

namespace {

bool is_code(const boost::system::system_error& e, const boost::system::error_code& want)
{
    return e.code() == want;
}

#if !defined(_WIN32)
const boost::system::error_code name_too_long(ENAMETOOLONG, boost::system::system_category());
#endif
// EBADF; on Windows WSAEBADF, as Asio reports a closed socket.
const boost::system::error_code bad_descriptor = boost::asio::error::bad_descriptor;

} // namespace

BOOST_AUTO_TEST_CASE(tcp_bind_address_in_use)
{
    auto l = net::tcp_listener::bind(local_v4());
    const int fds = count_open_fds();
    boost::system::error_code ec;
    auto again = net::tcp_listener::bind(l.local_endpoint(), ec);
    BOOST_TEST(ec == boost::asio::error::address_in_use);
    BOOST_TEST(!again.is_open());
    if (handle_counts_work())
        BOOST_TEST(count_open_fds() == fds); // the failed socket was closed
    BOOST_CHECK_EXCEPTION(net::tcp_listener::bind(l.local_endpoint()),
        boost::system::system_error, [](const auto& e) {
            return is_code(e, boost::asio::error::address_in_use);
        });
}

BOOST_AUTO_TEST_CASE(udp_bind_address_in_use)
{
    auto s = net::udp_socket::bind(udp_local_v4());
    boost::system::error_code ec;
    auto again = net::udp_socket::bind(s.local_endpoint(), ec);
    BOOST_TEST(ec == boost::asio::error::address_in_use);
    BOOST_TEST(!again.is_open());
}

BOOST_AUTO_TEST_CASE(connect_to_closed_port_and_missing_unix_listener)
{
    refusing_port closed;
    boost::system::error_code ec;
    auto s = net::tcp_stream::connect(closed.endpoint(), ec);
    if (!ec) // the usual case on Linux: the refusal arrives as an event
    {
        mio::poll p;
        mio::events evs(4);
        p.registry().register_(s, token(0), interest::writable);
        expect_events(p, evs, {error_event(0)});
#if defined(BOOST_MIO_DETAIL_KQUEUE_EMULATED)
        // libkqueue read SO_ERROR (clearing it) to put the refusal in the
        // event; a BSD kernel leaves it for take_error(), as epoll does.
        BOOST_TEST(!s.take_error());
#else
        BOOST_TEST(s.take_error() == boost::asio::error::connection_refused);
#endif
    }
    else
        BOOST_TEST(ec == boost::asio::error::connection_refused);

#if !defined(_WIN32) // Unix-domain sockets are POSIX only
    temp_dir dir;
    auto u = net::unix_stream::connect(dir.file("nobody"), ec);
    BOOST_TEST(ec == boost::system::errc::no_such_file_or_directory);
    BOOST_TEST(!u.is_open());
    {
        auto gone = net::unix_listener::bind(dir.file("gone"));
    } // the socket file stays, nobody listens
    u = net::unix_stream::connect(dir.file("gone"), ec);
    BOOST_TEST(ec == boost::asio::error::connection_refused);
#endif
}

#if !defined(_WIN32) // Unix-domain names are POSIX only

BOOST_AUTO_TEST_CASE(unix_names_of_107_bytes_work_108_are_refused_untruncated)
{
    temp_dir dir;
    const std::string ok = path_of_length(dir, 107);
    const std::string too_long = path_of_length(dir, 108, 'q');
    auto listener = net::unix_listener::bind(ok);
    BOOST_TEST(listener.local_endpoint().path() == ok);
    BOOST_TEST(net::unix_stream::connect(ok).peer_endpoint().path() == ok);

    boost::system::error_code ec;
    BOOST_TEST(!net::unix_listener::bind(too_long, ec).is_open());
    BOOST_TEST(ec == name_too_long);
    BOOST_TEST(!net::unix_stream::connect(too_long, ec).is_open());
    BOOST_TEST(ec == name_too_long);
    BOOST_TEST(!net::unix_datagram::bind(too_long.c_str(), ec).is_open());
    BOOST_TEST(ec == name_too_long);
    auto d = net::unix_datagram::unbound();
    d.connect(too_long, ec);
    BOOST_TEST(ec == name_too_long);
    BOOST_TEST(d.send_to(asio::buffer("x", 1), too_long, ec) == 0u);
    BOOST_TEST(ec == name_too_long);
    BOOST_CHECK_EXCEPTION(net::unix_listener::bind(std::string_view(too_long)),
        boost::system::system_error, [](const auto& e) { return is_code(e, name_too_long); });

    // Nothing was bound under the name cut to 107 (or 108) bytes.
    struct stat st;
    BOOST_TEST(::stat(too_long.substr(0, 107).c_str(), &st) != 0);
    BOOST_TEST(::stat(too_long.c_str(), &st) != 0);

    // Abstract names count their leading '\0'.
    const std::string abstract_ok = abstract_name("") + std::string(107 - abstract_name("").size(), 'a');
    BOOST_TEST(net::unix_listener::bind(abstract_ok).local_endpoint().path() == abstract_ok);
    net::unix_listener::bind(abstract_ok + "b", ec);
    BOOST_TEST(ec == name_too_long);
}

BOOST_AUTO_TEST_CASE(unix_path_with_inner_nul_is_invalid)
{
    temp_dir dir;
    const std::string path = dir.file("a") + std::string(1, '\0') + "b";
    boost::system::error_code ec;
    net::unix_listener::bind(path, ec);
    BOOST_TEST(ec == boost::asio::error::invalid_argument);
    struct stat st;
    BOOST_TEST(::stat(dir.file("a").c_str(), &st) != 0); // no cut name bound
}
#endif

BOOST_AUTO_TEST_CASE(truncated_datagram_reports_message_size_with_the_bytes)
{
    // The documented choice: the buffer holds the datagram's first bytes,
    // the count is returned, and ec is message_size; the rest is gone.
    auto tx = net::udp_socket::bind(udp_local_v4());
    auto rx = net::udp_socket::bind(udp_local_v4());
    const std::string big = "0123456789abcdef";
    for (int i = 0; i < 4; ++i)
        BOOST_TEST(tx.send_to(asio::buffer(big), rx.local_endpoint()) == big.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));

    char small[10];
    boost::system::error_code ec;
    BOOST_TEST(rx.peek(asio::buffer(small), ec) == sizeof(small)); // peek: no error
    BOOST_TEST(!ec);
    BOOST_TEST(rx.receive(asio::buffer(small), ec) == sizeof(small));
    BOOST_TEST(ec == boost::asio::error::message_size);
    BOOST_TEST(std::string(small, 10) == big.substr(0, 10));

    auto [n, from] = rx.receive_from(asio::buffer(small), ec);
    BOOST_TEST(ec == boost::asio::error::message_size);
    BOOST_TEST(n == sizeof(small));
    BOOST_TEST(from == tx.local_endpoint());

    BOOST_CHECK_EXCEPTION(rx.receive(asio::buffer(small)), boost::system::system_error,
        [](const auto& e) { return is_code(e, boost::asio::error::message_size); });

    // The rest of each datagram was discarded: the next one starts whole.
    char whole[32];
    BOOST_TEST(rx.receive(asio::buffer(whole)) == big.size());
    rx.receive(asio::buffer(whole), ec);
    BOOST_TEST(is_would_block(ec));

#if !defined(_WIN32) // Unix-domain sockets are POSIX only
    // The same for Unix datagrams, with several buffers.
    auto [d1, d2] = net::unix_datagram::pair();
    BOOST_TEST(d1.send(asio::buffer(big)) == big.size());
    char a[4], b[4];
    const std::array<asio::mutable_buffer, 2> in{asio::buffer(a), asio::buffer(b)};
    BOOST_TEST(d2.receive(in, ec) == 8u);
    BOOST_TEST(ec == boost::asio::error::message_size);
    BOOST_TEST(std::string(a, 4) + std::string(b, 4) == big.substr(0, 8));
#endif
}

BOOST_AUTO_TEST_CASE(closed_and_released_sockets_report_bad_descriptor)
{
    mio::poll p;
    net::tcp_stream closed;
    char buf[4];
    boost::system::error_code ec;
    closed.read_some(asio::buffer(buf), ec);
    BOOST_TEST(ec == bad_descriptor);
    closed.write_some(asio::buffer(buf), ec);
    BOOST_TEST(ec == bad_descriptor);
    closed.peek(asio::buffer(buf), ec);
    BOOST_TEST(ec == bad_descriptor);
    closed.local_endpoint(ec);
    BOOST_TEST(ec == bad_descriptor);
    closed.peer_endpoint(ec);
    BOOST_TEST(ec == bad_descriptor);
    closed.take_error(ec);
    BOOST_TEST(ec == bad_descriptor);
    closed.shutdown(net::shutdown_type::both, ec);
    BOOST_TEST(ec == bad_descriptor);
    closed.set_nodelay(true, ec);
    BOOST_TEST(ec == bad_descriptor);
    closed.ttl(ec);
    BOOST_TEST(ec == bad_descriptor);
    p.registry().register_(closed, token(0), interest::readable, ec);
    BOOST_TEST(ec == bad_descriptor);
    BOOST_CHECK_EXCEPTION(closed.read_some(asio::buffer(buf)), boost::system::system_error,
        [](const auto& e) { return is_code(e, bad_descriptor); });

    auto l = net::tcp_listener::bind(local_v4());
    const auto fd = l.release();
    auto none = l.accept(ec);
    BOOST_TEST(ec == bad_descriptor);
    BOOST_TEST(!none.first.is_open());
    close_native(fd);

    auto u = net::udp_socket::bind(udp_local_v4());
    const udp::endpoint to = u.local_endpoint();
    u.close();
    u.send_to(asio::buffer(buf), to, ec);
    BOOST_TEST(ec == bad_descriptor);
    u.receive_from(asio::buffer(buf), ec);
    BOOST_TEST(ec == bad_descriptor);
    u.set_broadcast(true, ec);
    BOOST_TEST(ec == bad_descriptor);

#if !defined(_WIN32) // Unix-domain sockets are POSIX only
    net::unix_datagram d;
    d.connect(abstract_name("x"), ec);
    BOOST_TEST(ec == bad_descriptor);
#endif
}

BOOST_AUTO_TEST_CASE(write_to_reset_peer_is_an_error_without_sigpipe)
{
    // SIGPIPE keeps its default action (terminate): if any send raised it,
    // this program would die here instead of failing an assertion.
    restore_default_sigpipe();
    auto pair = make_tcp_pair();
    mio::poll p;
    mio::events evs(8);
    p.registry().register_(pair.client, token(1), interest::readable | interest::writable);
    set_linger_zero(pair.server.native_handle());
    pair.server.close();
#if defined(_WIN32)
    // A reset is not is_error() there (AFD_POLL_ABORT, mio's event.rs):
    // it closes both directions.
    expected_event reset = read_closed(1);
    reset.write_closed = true;
    expect_events(p, evs, {reset});
#else
    expect_events(p, evs, {error_event(1)});
#endif
    const std::string chunk(4096, 'x');
    boost::system::error_code ec;
    std::size_t errors = 0;
    for (int i = 0; i < 8; ++i) // the first reports the reset, later ones EPIPE
    {
        pair.client.write_some(asio::buffer(chunk), ec);
        if (ec)
        {
            ++errors;
            BOOST_TEST((ec == asio::error::connection_reset || ec == asio::error::broken_pipe),
                ec.message());
        }
    }
    BOOST_TEST(errors == 8u);

#if !defined(_WIN32) // Unix-domain sockets are POSIX only
    auto [a, b] = net::unix_stream::pair();
    b.close();
    a.write_some(asio::buffer(chunk), ec);
    BOOST_TEST(ec == asio::error::broken_pipe);
    const std::array<asio::const_buffer, 2> two{asio::buffer(chunk), asio::buffer(chunk)};
    a.write_some(two, ec); // sendmsg path too
    BOOST_TEST(ec == asio::error::broken_pipe);

    auto [d1, d2] = net::unix_datagram::pair();
    d2.close();
    d1.send(asio::buffer(chunk), ec);
    BOOST_TEST(ec.failed());
#endif
}

// RLIMIT_NOFILE is POSIX's: Windows has no per-process handle limit a
// program can lower to make accept fail (its limits are the kernel's
// pools), so this case has no Windows counterpart.
#if !defined(_WIN32)

BOOST_AUTO_TEST_CASE(accept_when_out_of_descriptors_reports_emfile_and_recovers)
{
    mio::poll p;
    mio::events evs(8);
    auto l = net::tcp_listener::bind(local_v4());
    p.registry().register_(l, token(0), interest::readable);
    auto c1 = net::tcp_stream::connect(l.local_endpoint());
    auto c2 = net::tcp_stream::connect(l.local_endpoint());
    expect_events(p, evs, {readable(0)});

    // The lowest free descriptor as the limit: no new one can be made.
    const int lowest_free = ::fcntl(0, F_DUPFD, 0);
    BOOST_REQUIRE(lowest_free >= 0);
    ::close(lowest_free);
    ::rlimit saved;
    BOOST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
    ::rlimit lowered = saved;
    lowered.rlim_cur = static_cast<rlim_t>(lowest_free);
    BOOST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
    boost::system::error_code ec;
    auto [s, peer] = l.accept(ec);
    const boost::system::error_code while_limited = ec;
    BOOST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);

    BOOST_TEST(while_limited == boost::system::errc::too_many_files_open);
    BOOST_TEST(!s.is_open());
    // Both connections are still queued and now accepted.
    BOOST_TEST(l.accept().first.is_open());
    BOOST_TEST(l.accept().first.is_open());
    l.accept(ec);
    BOOST_TEST(is_would_block(ec));
    // And the listener reports new connections again.
    auto c3 = net::tcp_stream::connect(l.local_endpoint());
    expect_events(p, evs, {readable(0)});
    BOOST_TEST(l.accept().first.is_open());
}
#endif

BOOST_AUTO_TEST_CASE(out_of_range_options_are_invalid)
{
    auto pair = make_tcp_pair();
    boost::system::error_code ec;
    pair.client.set_ttl(0, ec); // the kernel refuses 0
    BOOST_TEST(ec == asio::error::invalid_argument);
    pair.client.set_ttl(1000, ec);
    BOOST_TEST(ec == asio::error::invalid_argument);
    BOOST_CHECK_EXCEPTION(pair.client.set_ttl(1000), boost::system::system_error,
        [](const auto& e) { return is_code(e, asio::error::invalid_argument); });
}
