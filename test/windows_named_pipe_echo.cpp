//
// test/windows_named_pipe_echo.cpp: example/named_pipe_echo, run as a
// child process and served by a named_pipe client (Windows only, under
// Wine in CI).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)

#define BOOST_TEST_MODULE windows_named_pipe_echo
#include <boost/test/unit_test.hpp>

#include "windows_pipe_util.hpp"

#include <string>
#include <windows.h>

using namespace mio_test;
using namespace std::chrono_literals;

namespace {

// The cross build compiles the example directory in as a Unix path, which
// Wine shows as drive Z:; a native build's path is kept as it is.
std::wstring windows_path(const std::string& p)
{
    std::wstring w = !p.empty() && p[0] == '/' ? L"Z:" : L"";
    for (const char c : p)
        w += c == '/' ? L'\\' : static_cast<wchar_t>(c);
    return w;
}

// A child process, killed if the test fails before it exits.
struct child
{
    ::PROCESS_INFORMATION pi{};
    ~child()
    {
        if (pi.hProcess == nullptr)
            return;
        if (::WaitForSingleObject(pi.hProcess, 0) == WAIT_TIMEOUT)
            ::TerminateProcess(pi.hProcess, 99);
        ::CloseHandle(pi.hProcess);
        ::CloseHandle(pi.hThread);
    }
};

} // namespace

// example/named_pipe_echo serves one client (CLIENTS = 1): every byte of
// more than its buffers comes back, and it exits 0 after the client hangs up.
BOOST_AUTO_TEST_CASE(echo_example)
{
    const std::wstring short_name = L"boost-mio-echo-" + std::to_wstring(::GetCurrentProcessId());
    std::wstring cmd = L"\"" + windows_path(example_path("named_pipe_echo")) + L".exe\" "
        + short_name + L" 1";
    ::STARTUPINFOW si{};
    si.cb = sizeof(si);
    child server;
    BOOST_REQUIRE_MESSAGE(::CreateProcessW(nullptr, cmd.data(), nullptr, nullptr, FALSE, 0, nullptr,
                              nullptr, &si, &server.pi),
        "CreateProcessW: " << ::GetLastError());

    // Bounded: the example creates the pipe when it has started.
    const std::wstring name = L"\\\\.\\pipe\\" + short_name;
    named_pipe client;
    boost::system::error_code ec;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!client.is_open() && std::chrono::steady_clock::now() < deadline)
    {
        client = named_pipe::open(name, ec);
        if (!client.is_open())
            ::Sleep(20);
    }
    BOOST_REQUIRE_MESSAGE(client.is_open(), "the example's pipe never appeared: " << ec.message());

    mio::poll p;
    mio::events evs{8};
    p.registry().register_(client, mio::token(1), mio::interest::readable | mio::interest::writable);
    std::string data(300 * 1024, '\0');
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>(i % 253);
    BOOST_TEST((transfer(p, evs, client, 1, client, 1, data) == data));
    client.close();
    BOOST_REQUIRE_EQUAL(::WaitForSingleObject(server.pi.hProcess, 20000), WAIT_OBJECT_0);
    ::DWORD status = 1;
    ::GetExitCodeProcess(server.pi.hProcess, &status);
    BOOST_TEST(status == 0u);
}
