//
// test/throwing_overloads.cpp: the throwing forms throw system_error with
// the error of the ec form, a message naming the operation, and the
// source location of the caller's line (in the exception and its code).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#define BOOST_TEST_MODULE throwing_overloads
#include "util.hpp"
#include "net_util.hpp"
#include "byte_channel.hpp"

#include <boost/mio/asio_bridge.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/throw_exception.hpp>
#include <cerrno>
#include <functional>
#include <string>
#include <vector>

using namespace mio_test;
using boost::system::error_code;
using mio::token;

namespace {

const auto read_interest = mio::interest::readable;
// The OS's own codes: EBADF, EINVAL, EADDRINUSE on POSIX; their Winsock
// counterparts (WSAEBADF ...) on Windows, as Asio names them.
const error_code bad_fd = asio::error::bad_descriptor;
const error_code invalid = asio::error::invalid_argument;
const error_code in_use = asio::error::address_in_use;
#if defined(_WIN32)
// What the IOCP backend reports for a source it does not know.
const error_code no_entry(ERROR_FILE_NOT_FOUND, boost::system::system_category());
#else
const error_code no_entry(ENOENT, boost::system::system_category());
const error_code too_long(ENAMETOOLONG, boost::system::system_category());
#endif

// One failing call of a throwing overload, written on one line with its
// expected error, the operation its message names, and its call site.
struct row
{
    std::function<void()> call;
    error_code expected;
    const char* what;
    call_site site;
};

void check(const std::vector<row>& rows)
{
    for (const row& r : rows)
    {
        BOOST_TEST_CONTEXT(r.what << " (line " << r.site.line << ")")
        {
            expect_system_error(r.call, r.expected, r.site);
            try
            {
                r.call();
            }
            catch (const boost::system::system_error& e)
            {
                BOOST_TEST(std::string(e.what()).find(r.what) == 0u, e.what());
            }
        }
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(poll_registry_waker_and_pipes_record_the_callers_line)
{
    mio::poll p;
    mio::events none(0);
    mio::waker first(p.registry(), token(1));
    auto ends = make_byte_channel();
    const error_code waker_exists = mio::error::waker_already_exists;
    check({
        {[&] { p.wait(none); }, invalid, "wait", BOOST_MIO_TEST_HERE},
        {[&] { p.wait(none, std::chrono::milliseconds(0)); }, invalid, "wait", BOOST_MIO_TEST_HERE},
#if defined(_WIN32) // no raw handle source there: a closed socket
        {[&] { net::tcp_stream closed; p.registry().register_(closed, token(0), read_interest); }, bad_fd, "register", BOOST_MIO_TEST_HERE},
#else
        {[&] { p.registry().register_(mio::posix::source_fd(-1), token(0), read_interest); }, bad_fd, "register", BOOST_MIO_TEST_HERE},
#endif
        {[&] { p.registry().reregister(ends.receiver, token(0), read_interest); }, no_entry, "reregister", BOOST_MIO_TEST_HERE},
        {[&] { p.registry().deregister(ends.receiver); }, no_entry, "deregister", BOOST_MIO_TEST_HERE},
        {[&] { (void)mio::registry().try_clone(); }, bad_fd, "try_clone", BOOST_MIO_TEST_HERE},
        {[&] { mio::waker second(p.registry(), token(2)); }, waker_exists, "waker", BOOST_MIO_TEST_HERE},
        {[&] { mio::waker().wake(); }, bad_fd, "wake", BOOST_MIO_TEST_HERE},
#if !defined(_WIN32) // posix::pipe is POSIX only (a closed socket's calls: below)
        {[&] { mio::posix::sender().write_some(asio::buffer("x", 1)); }, bad_fd, "write_some", BOOST_MIO_TEST_HERE},
        {[&] { char c; mio::posix::receiver().read_some(asio::buffer(&c, 1)); }, bad_fd, "read_some", BOOST_MIO_TEST_HERE},
        {[&] { mio::posix::receiver().set_nonblocking(true); }, bad_fd, "set_nonblocking", BOOST_MIO_TEST_HERE},
#endif
    });
}

BOOST_AUTO_TEST_CASE(tcp_types_record_the_callers_line)
{
    auto listener = net::tcp_listener::bind(local_v4());
    const auto taken = listener.local_endpoint();
    net::tcp_listener closed_listener;
    net::tcp_stream s;
    char buf[4];
    check({
        {[&] { net::tcp_listener::bind(taken); }, in_use, "bind", BOOST_MIO_TEST_HERE},
        {[&] { closed_listener.accept(); }, bad_fd, "accept", BOOST_MIO_TEST_HERE},
        {[&] { closed_listener.local_endpoint(); }, bad_fd, "local_endpoint", BOOST_MIO_TEST_HERE},
        {[&] { listener.set_ttl(0); }, invalid, "set_ttl", BOOST_MIO_TEST_HERE},
        {[&] { closed_listener.ttl(); }, bad_fd, "ttl", BOOST_MIO_TEST_HERE},
        {[&] { s.read_some(asio::buffer(buf)); }, bad_fd, "read_some", BOOST_MIO_TEST_HERE},
        {[&] { s.write_some(asio::buffer(buf)); }, bad_fd, "write_some", BOOST_MIO_TEST_HERE},
        {[&] { s.peek(asio::buffer(buf)); }, bad_fd, "peek", BOOST_MIO_TEST_HERE},
        {[&] { s.shutdown(net::shutdown_type::both); }, bad_fd, "shutdown", BOOST_MIO_TEST_HERE},
        {[&] { s.peer_endpoint(); }, bad_fd, "peer_endpoint", BOOST_MIO_TEST_HERE},
        {[&] { s.take_error(); }, bad_fd, "take_error", BOOST_MIO_TEST_HERE},
        {[&] { s.set_nodelay(true); }, bad_fd, "set_nodelay", BOOST_MIO_TEST_HERE},
        {[&] { s.nodelay(); }, bad_fd, "nodelay", BOOST_MIO_TEST_HERE},
    });
}

BOOST_AUTO_TEST_CASE(udp_socket_records_the_callers_line)
{
    auto bound = net::udp_socket::bind(udp_local_v4());
    const auto taken = bound.local_endpoint();
    net::udp_socket u;
    char buf[4];
    const auto v4 = asio::ip::make_address_v4("239.1.2.3");
    const auto any4 = asio::ip::address_v4::any();
    const auto v6 = asio::ip::make_address_v6("ff15::1");
    check({
        {[&] { net::udp_socket::bind(taken); }, in_use, "bind", BOOST_MIO_TEST_HERE},
        {[&] { u.connect(taken); }, bad_fd, "connect", BOOST_MIO_TEST_HERE},
        {[&] { u.send(asio::buffer(buf)); }, bad_fd, "send", BOOST_MIO_TEST_HERE},
        {[&] { u.send_to(asio::buffer(buf), taken); }, bad_fd, "send_to", BOOST_MIO_TEST_HERE},
        {[&] { u.receive(asio::buffer(buf)); }, bad_fd, "receive", BOOST_MIO_TEST_HERE},
        {[&] { u.peek(asio::buffer(buf)); }, bad_fd, "peek", BOOST_MIO_TEST_HERE},
        {[&] { u.receive_from(asio::buffer(buf)); }, bad_fd, "receive_from", BOOST_MIO_TEST_HERE},
        {[&] { u.peek_from(asio::buffer(buf)); }, bad_fd, "peek_from", BOOST_MIO_TEST_HERE},
        {[&] { bound.set_ttl(256); }, invalid, "set_ttl", BOOST_MIO_TEST_HERE},
        {[&] { u.set_broadcast(true); }, bad_fd, "set_broadcast", BOOST_MIO_TEST_HERE},
        {[&] { u.broadcast(); }, bad_fd, "broadcast", BOOST_MIO_TEST_HERE},
        {[&] { u.set_multicast_loop_v4(true); }, bad_fd, "set_multicast_loop_v4", BOOST_MIO_TEST_HERE},
        {[&] { u.multicast_loop_v4(); }, bad_fd, "multicast_loop_v4", BOOST_MIO_TEST_HERE},
        {[&] { u.set_multicast_loop_v6(true); }, bad_fd, "set_multicast_loop_v6", BOOST_MIO_TEST_HERE},
        {[&] { u.multicast_loop_v6(); }, bad_fd, "multicast_loop_v6", BOOST_MIO_TEST_HERE},
        {[&] { bound.set_multicast_ttl_v4(256); }, invalid, "set_multicast_ttl_v4", BOOST_MIO_TEST_HERE},
        {[&] { u.multicast_ttl_v4(); }, bad_fd, "multicast_ttl_v4", BOOST_MIO_TEST_HERE},
        {[&] { u.only_v6(); }, bad_fd, "only_v6", BOOST_MIO_TEST_HERE},
        {[&] { u.join_multicast_v4(v4, any4); }, bad_fd, "join_multicast_v4", BOOST_MIO_TEST_HERE},
        {[&] { u.leave_multicast_v4(v4, any4); }, bad_fd, "leave_multicast_v4", BOOST_MIO_TEST_HERE},
        {[&] { u.join_multicast_v6(v6, 0); }, bad_fd, "join_multicast_v6", BOOST_MIO_TEST_HERE},
        {[&] { u.leave_multicast_v6(v6, 0); }, bad_fd, "leave_multicast_v6", BOOST_MIO_TEST_HERE},
    });
}

#if !defined(_WIN32) // Unix-domain sockets are POSIX only
BOOST_AUTO_TEST_CASE(unix_types_record_the_callers_line)
{
    temp_dir dir;
    const std::string long_path = path_of_length(dir, 108);
    const std::string taken = dir.file("taken");
    auto l = net::unix_listener::bind(taken);
    auto d = net::unix_datagram::bind(dir.file("dgram"));
    const auto missing = asio::local::stream_protocol::endpoint(dir.file("missing"));
    check({
        {[&] { net::unix_listener::bind(long_path); }, too_long, "bind", BOOST_MIO_TEST_HERE},
        {[&] { net::unix_listener::bind(l.local_endpoint()); }, in_use, "bind", BOOST_MIO_TEST_HERE},
        {[&] { net::unix_stream::connect(dir.file("missing")); }, no_entry, "connect", BOOST_MIO_TEST_HERE},
        {[&] { net::unix_stream::connect(missing); }, no_entry, "connect", BOOST_MIO_TEST_HERE},
        {[&] { net::unix_datagram::bind(long_path); }, too_long, "bind", BOOST_MIO_TEST_HERE},
        {[&] { net::unix_datagram::bind(d.local_endpoint()); }, in_use, "bind", BOOST_MIO_TEST_HERE},
        {[&] { d.connect(long_path); }, too_long, "connect", BOOST_MIO_TEST_HERE},
        {[&] { d.send_to(asio::buffer("x", 1), long_path); }, too_long, "send_to", BOOST_MIO_TEST_HERE},
    });
}
#endif

BOOST_AUTO_TEST_CASE(asio_bridge_records_the_callers_line)
{
    asio::io_context ioc;
    mio::poll p;
    mio::asio_bridge::poll_driver started(ioc, p);
    started.start([](const mio::events&) {});
    mio::asio_bridge::poll_driver moved_from(ioc, p);
    mio::asio_bridge::poll_driver keeper(std::move(moved_from));
    byte_receiver closed;
    tcp::socket closed_asio(ioc);
    net::tcp_stream closed_mio;
    const error_code zero_capacity = asio::error::invalid_argument;
    const error_code already = asio::error::already_started;
    const error_code no_descriptor = asio::error::bad_descriptor;
    check({
        {[&] { mio::asio_bridge::poll_driver d(ioc, p, 0); }, zero_capacity, "basic_poll_driver", BOOST_MIO_TEST_HERE},
        {[&] { started.start([](const mio::events&) {}); }, already, "start", BOOST_MIO_TEST_HERE},
        {[&] { moved_from.start([](const mio::events&) {}); }, no_descriptor, "start", BOOST_MIO_TEST_HERE},
        {[&] { mio::asio_bridge::async_source s(ioc, closed, read_interest); }, bad_fd, "basic_async_source", BOOST_MIO_TEST_HERE},
        {[&] { mio::asio_bridge::to_mio(std::move(closed_asio)); }, no_descriptor, "to_mio", BOOST_MIO_TEST_HERE},
        {[&] { mio::asio_bridge::to_asio(std::move(closed_mio), ioc.get_executor()); }, no_descriptor, "to_asio", BOOST_MIO_TEST_HERE},
    });
    started.stop();
}

BOOST_AUTO_TEST_CASE(ec_form_reports_the_same_error_and_does_not_throw)
{
    mio::poll poll;
    error_code ec;
    auto ends = make_byte_channel();
    poll.registry().deregister(ends.receiver, ec); // never registered
    BOOST_TEST(ec == no_entry);
    BOOST_TEST(!ec.has_location(), "only a thrown error carries a location");
    ec = boost::asio::error::eof; // cleared on success
    mio::events evs(4);
    poll.wait(evs, std::chrono::milliseconds(0), ec);
    BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_CASE(second_waker_throws_library_error)
{
    mio::poll poll;
    mio::waker first(poll.registry(), mio::token(1));
    try
    {
        mio::waker second(poll.registry(), mio::token(2));
        BOOST_FAIL("no exception for a second waker");
    }
    catch (const boost::system::system_error& e)
    {
        BOOST_TEST((e.code() == mio::error::waker_already_exists));
        BOOST_TEST(std::string(e.code().category().name()) == "boost.mio");
        BOOST_TEST(std::string(e.what()).find("a waker already exists") != std::string::npos);
    }
}
