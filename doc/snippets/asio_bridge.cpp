//
// doc/snippets/asio_bridge.cpp: the code of doc/asio_bridge.adoc, run.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Each test case runs one fragment of the Asio bridge guide (the regions
// between "tag::" and "end::" lines). Every run of the io_context is
// bounded with run_for, so a broken snippet fails instead of hanging.

#define BOOST_TEST_MODULE snippets_asio_bridge
#include <boost/test/unit_test.hpp>

#include <boost/mio.hpp>
#include <boost/mio/asio_bridge.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace mio = boost::mio;
using boost::asio::ip::tcp;
using namespace std::chrono_literals;

namespace {
int drained = 0;
void drain(const mio::event&) { ++drained; }
} // namespace

BOOST_AUTO_TEST_CASE(a_poll_driver_runs_a_poll_inside_run)
{
    auto [stream, peer] = mio::net::unix_stream::pair();
    peer.write_some(boost::asio::buffer("hi", 2));
    int batches = 0;
    // tag::poll_driver[]
    boost::asio::io_context ioc;
    mio::poll poll;
    poll.registry().register_(stream, mio::token(1), mio::interest::readable);

    mio::asio_bridge::poll_driver driver(ioc.get_executor(), poll /*, batch capacity = 1024 */);
    driver.start([&](const mio::events& evs) {
        for (const mio::event& e : evs) drain(e);   // each source to would_block
        ++batches;
        driver.stop();
    });
    ioc.run_for(std::chrono::seconds(3));
    // end::poll_driver[]
    BOOST_TEST(batches == 1);
    BOOST_TEST(drained == 1);
}

BOOST_AUTO_TEST_CASE(an_async_source_completes_on_readiness)
{
    boost::asio::io_context ioc;
    std::optional<boost::system::error_code> result;
    // tag::async_source[]
    auto [tx, rx] = mio::posix::make_pipe();
    mio::asio_bridge::async_source ready(ioc.get_executor(), rx, mio::interest::readable);

    ready.async_wait(mio::interest::readable,
        [&](boost::system::error_code ec, mio::event) {
            result = ec;
            if (ec) return;                       // operation_aborted, invalid_argument
            /* read rx until would_block, then async_wait again */
        });
    // end::async_source[]
    tx.write_some(boost::asio::buffer("x", 1));
    ioc.run_for(3s);
    BOOST_TEST_REQUIRE(result.has_value());
    BOOST_TEST(!*result);
}

BOOST_AUTO_TEST_CASE(an_asio_socket_registers_as_a_mio_source)
{
    boost::asio::io_context ioc;
    tcp::acceptor acceptor(ioc, {boost::asio::ip::address_v4::loopback(), 0});
    mio::poll poll;
    mio::events events(8);
    // tag::native_source[]
    boost::asio::ip::tcp::socket sock(ioc);
    sock.connect(acceptor.local_endpoint());
    auto src = mio::asio_bridge::as_source(sock);     // a non-owning view
    poll.registry().register_(src, mio::token(7), mio::interest::readable);
    // end::native_source[]
    tcp::socket server = acceptor.accept();
    boost::asio::write(server, boost::asio::buffer("x", 1));
    poll.wait(events, 3s);
    BOOST_TEST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events.begin()->token() == mio::token(7));
    poll.registry().deregister(src);
}

BOOST_AUTO_TEST_CASE(an_accepted_asio_socket_moves_to_mio_and_back)
{
    boost::asio::io_context ioc;
    tcp::acceptor acceptor(ioc, {boost::asio::ip::address_v4::loopback(), 0});
    tcp::socket client(ioc);
    client.connect(acceptor.local_endpoint());
    boost::asio::write(client, boost::asio::buffer("queued", 6));
    std::optional<mio::net::tcp_stream> accepted;
    // tag::to_mio[]
    acceptor.async_accept([&](boost::system::error_code ec, tcp::socket s) {
        if (ec) return;                   // the accept failed: nothing to convert
        boost::system::error_code convert_ec;
        mio::net::tcp_stream stream = mio::asio_bridge::to_mio(std::move(s), convert_ec);
        if (convert_ec) return;           // s still owns its handle
        accepted = std::move(stream);
    });
    // end::to_mio[]
    ioc.run_for(3s);
    BOOST_TEST_REQUIRE(accepted.has_value());
    mio::net::tcp_stream stream = std::move(*accepted);
    // tag::to_asio[]
    auto back = mio::asio_bridge::to_asio(std::move(stream), ioc.get_executor());
    // end::to_asio[]
    char buf[16];
    back.non_blocking(false);
    const std::size_t n = back.read_some(boost::asio::buffer(buf));
    BOOST_TEST(std::string(buf, n) == "queued");   // the bytes queued before stayed
}

#if defined(__cpp_impl_coroutine) && defined(BOOST_ASIO_HAS_CO_AWAIT)
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

// tag::coroutine[]
using boost::asio::awaitable;
using boost::asio::use_awaitable;
namespace this_coro = boost::asio::this_coro;
using mio::asio_bridge::async_source;
using mio::interest;

awaitable<void> echo(mio::net::unix_stream s)
{
    async_source ready(co_await this_coro::executor, s, interest::readable | interest::writable);
    for (;;) {
        co_await ready.async_wait(interest::readable, use_awaitable);
        char buf[4096];
        boost::system::error_code ec;
        std::size_t n = s.read_some(boost::asio::buffer(buf), ec);
        if (ec == boost::asio::error::would_block) continue;
        if (ec) co_return;                        // eof or a real error
        /* write back, awaiting interest::writable while the send buffer is full */
        s.write_some(boost::asio::buffer(buf, n), ec);
    }
}
// end::coroutine[]

BOOST_AUTO_TEST_CASE(a_coroutine_awaits_readiness)
{
    boost::asio::io_context ioc;
    auto [server, client] = mio::net::unix_stream::pair();
    boost::asio::co_spawn(ioc, echo(std::move(server)), boost::asio::detached);
    client.write_some(boost::asio::buffer("ping", 4));
    client.shutdown(mio::net::shutdown_type::send);
    ioc.run_for(3s);
    char buf[8];
    boost::system::error_code ec;
    const std::size_t n = client.read_some(boost::asio::buffer(buf), ec);
    BOOST_TEST(!ec);
    BOOST_TEST(std::string(buf, n) == "ping");
}
#endif
