//
// fuzz/unix_path.cpp: Unix socket names made of arbitrary bytes.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The fuzzer's bytes are names, 0 to 200 bytes, NULs included, given as
// std::string_view to unix_listener::bind, unix_datagram::bind,
// unix_stream::connect and unix_datagram::send_to. Never a crash, never a
// truncated name:
//  - more than 107 bytes is ENAMETOOLONG, a NUL inside a filesystem path is
//    EINVAL, and nothing else fails except as the OS says (the name is
//    taken, a directory on the way does not exist, no one listens there);
//  - a bind that succeeds reads back, through local_endpoint(), exactly the
//    bytes it was given; a connection to it is accepted, and a datagram
//    sent to it arrives, with that same name on the receiving side.
// Filesystem names are relative (tools/fuzz runs the target in a private
// temporary directory) and never climb out of it: a name that starts with
// '/' or holds ".." is left alone. Abstract names (leading NUL) are shared
// by the whole machine, so they get a prefix of this process's own.

#include "fuzz_io.hpp"

#include <boost/mio.hpp>

#include <set>
#include <string>
#include <unistd.h>

namespace {

namespace net = boost::mio::net;
namespace asio = boost::asio;
using boost::system::error_code;
namespace errc = boost::system::errc;

constexpr std::size_t max_name = 107; // sun_path less the NUL Asio keeps

std::string name_from(FuzzedDataProvider& in)
{
    std::string name = in.ConsumeBytesAsString(in.ConsumeIntegralInRange<std::size_t>(0, 200));
    if (!name.empty() && name[0] == '\0')
    {
        static const std::string prefix = std::string(1, '\0') + "boost_mio_fuzz_"
            + std::to_string(::getpid()) + "_";
        name = prefix + name.substr(1);
    }
    return name;
}

// Abstract names that end in a NUL byte once read back one byte short
// (Asio's endpoint takes a trailing NUL for a path's terminator); fixed in
// basic_socket::set_endpoint_size, regression test
// test/unix_abstract_name_read_back.cpp. Set to false to skip such names.
constexpr bool abstract_names_may_end_in_nul = true;

bool stays_here(const std::string& name)
{
    return name.empty() || name[0] == '\0'
        || (name[0] != '/' && name.find("..") == std::string::npos);
}

bool is_abstract(const std::string& name) { return !name.empty() && name[0] == '\0'; }

// What a bind to `name` must report, when the library can know it.
void check_name_errors(const std::string& name, const error_code& ec)
{
    if (name.size() > max_name)
        return FUZZ_CHECK_EC(ec, errc::filename_too_long, "a name of 108+ bytes");
    if (!is_abstract(name) && name.find('\0') != std::string::npos)
        return FUZZ_CHECK_EC(ec, errc::invalid_argument, "a NUL inside a filesystem path");
    // What remains is the OS's to refuse: the name is taken (bound earlier
    // in this input), a directory on the way is missing or not one, or the
    // empty name (Linux autobinds a stream socket, or refuses).
    FUZZ_CHECK(!ec || ec == errc::address_in_use || ec == errc::no_such_file_or_directory
            || ec == errc::not_a_directory || ec == errc::invalid_argument,
        "bind failed with an unexpected error");
    FUZZ_CHECK(!ec || ec != errc::invalid_argument || name.empty(), "EINVAL for a valid name");
}

class names
{
public:
    ~names()
    {
        for (const auto& f : files_)
            ::unlink(f.c_str());
    }

    void listener(const std::string& name)
    {
        error_code ec;
        auto l = net::unix_listener::bind(name, ec);
        check_name_errors(name, ec);
        if (ec)
            return;
        created(name);
        if (name.empty())
            return; // autobound: a name the kernel chose
        const auto local = l.local_endpoint();
        FUZZ_CHECK(local.path() == name, "local_endpoint() is not the name bound");
        auto c = net::unix_stream::connect(name, ec);
        FUZZ_CHECK(!ec || ec == asio::error::would_block, "connect to a listening name");
        FUZZ_CHECK(mio_fuzz::wait_readable(l.native_handle()), "the connection never came");
        auto [s, peer] = l.accept(ec);
        FUZZ_CHECK_EC(ec, error_code(), "accept");
        FUZZ_CHECK(s.local_endpoint().path() == name, "the accepted side's name");
        FUZZ_CHECK(c.peer_endpoint().path() == name, "the connecting side's peer name");
    }

    void datagram(const std::string& name)
    {
        error_code ec;
        auto d = net::unix_datagram::bind(name, ec);
        check_name_errors(name, ec);
        if (ec)
            return;
        created(name);
        if (name.empty())
            return;
        FUZZ_CHECK(d.local_endpoint().path() == name, "local_endpoint() is not the name bound");
        auto sender = net::unix_datagram::unbound();
        const char byte = 'd';
        sender.send_to(asio::buffer(&byte, 1), name, ec);
        FUZZ_CHECK_EC(ec, error_code(), "send_to a bound name");
        char got = 0;
        d.receive_from(asio::buffer(&got, 1), ec);
        FUZZ_CHECK_EC(ec, error_code(), "receive_from");
        FUZZ_CHECK(got == byte, "the datagram sent to the name");
    }

    // A name no one bound in this input: refused, never a crash.
    void connect_nowhere(const std::string& name)
    {
        if (files_.count(name) != 0 || abstract_.count(name) != 0)
            return;
        error_code ec;
        auto c = net::unix_stream::connect(name, ec);
        FUZZ_CHECK(ec, "connect to a name no one bound succeeded");
    }

private:
    void created(const std::string& name)
    {
        if (name.empty())
            return;
        if (is_abstract(name))
            abstract_.insert(name);
        else
            files_.insert(name);
    }

    std::set<std::string> files_;
    std::set<std::string> abstract_;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FuzzedDataProvider in(data, size);
    names n;
    while (in.remaining_bytes() > 0)
    {
        const int op = in.ConsumeIntegralInRange<int>(0, 2);
        const std::string name = name_from(in);
        if (!stays_here(name))
            continue;
        if (!abstract_names_may_end_in_nul && is_abstract(name) && name.size() > 1
            && name.back() == '\0')
            continue;
        switch (op)
        {
        case 0: n.listener(name); break;
        case 1: n.datagram(name); break;
        default: n.connect_nowhere(name); break;
        }
    }
    return 0;
}
