//
// test/example_demo.cpp: runs example/demo and checks what it printed.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#define BOOST_TEST_MODULE example_demo
#include "util.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace {

// Runs `cmd` (bounded by timeout(1)), returns its exit status and output.
std::pair<int, std::string> run(const std::string& cmd)
{
    std::string out;
    FILE* p = ::popen(("timeout 20 " + cmd + " 2>&1").c_str(), "r");
    BOOST_REQUIRE(p != nullptr);
    std::array<char, 256> buf;
    while (std::fgets(buf.data(), static_cast<int>(buf.size()), p) != nullptr)
        out += buf.data();
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

} // namespace

BOOST_AUTO_TEST_CASE(demo_sees_pipe_data_end_of_stream_and_waker)
{
    const auto [status, out] = run(mio_test::example_path("demo"));
    BOOST_TEST_MESSAGE(out);
    BOOST_TEST(status == 0);
    BOOST_TEST(out.find("received: hello from another thread") != std::string::npos);
    BOOST_TEST(out.find("waker: woke the poll, pipe: end of stream") != std::string::npos);
    BOOST_TEST(out.find("event{token=1, READABLE}") != std::string::npos);
}
