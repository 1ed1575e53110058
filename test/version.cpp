//
// test/version.cpp: BOOST_MIO_VERSION, and that the build systems took
// the same number from it (the CMake package version, the SONAME of the
// shared library).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// CMake compiles in BOOST_MIO_PROJECT_VERSION (its project VERSION) and,
// for a shared library, BOOST_MIO_LIBRARY_FILE; b2 passes the library it
// built as an argument. The SONAME is read with readelf -d, as the
// dynamic linker would see it.

// The header is self-contained and <boost/mio.hpp> brings it in.
#include <boost/mio/version.hpp>
#include <boost/mio.hpp>

#define BOOST_TEST_MODULE version
#include "util.hpp"

#include <array>
#include <cstdio>
#include <string>

namespace {

std::string dotted_version()
{
    return std::to_string(BOOST_MIO_VERSION / 100000) + "."
        + std::to_string(BOOST_MIO_VERSION / 100 % 1000) + "."
        + std::to_string(BOOST_MIO_VERSION % 100);
}

// The shared library under test: b2's argument, else CMake's define,
// else empty (a static or header-only build has no SONAME).
std::string shared_library_file()
{
    const auto& suite = boost::unit_test::framework::master_test_suite();
    for (int i = 1; i < suite.argc; ++i)
    {
        const std::string arg = suite.argv[i];
        if (arg.find("libboost_mio.so") != std::string::npos)
            return arg;
    }
#if defined(BOOST_MIO_LIBRARY_FILE)
    return BOOST_MIO_LIBRARY_FILE;
#else
    return {};
#endif
}

// The DT_SONAME of `file` as readelf -d prints it; empty if it has none.
std::string soname_of(const std::string& file)
{
    FILE* p = ::popen(("readelf -d '" + file + "' 2>&1").c_str(), "r");
    BOOST_REQUIRE(p != nullptr);
    std::array<char, 512> line;
    std::string soname, all;
    const std::string marker = "Library soname: [";
    while (std::fgets(line.data(), static_cast<int>(line.size()), p) != nullptr)
    {
        const std::string l = line.data();
        all += l;
        const auto at = l.find(marker);
        if (at != std::string::npos)
            soname = l.substr(at + marker.size(), l.find(']', at) - at - marker.size());
    }
    BOOST_TEST(::pclose(p) == 0, "readelf -d " << file << ":\n" << all);
    return soname;
}

} // namespace

BOOST_AUTO_TEST_CASE(version_number_and_lib_version_agree)
{
    static_assert(BOOST_MIO_VERSION >= 100, "0.1.0 was the first release");
    const std::string lib_version = std::to_string(BOOST_MIO_VERSION / 100000) + "_"
        + std::to_string(BOOST_MIO_VERSION / 100 % 1000);
    BOOST_TEST(std::string(BOOST_MIO_LIB_VERSION) == lib_version);
}

#if defined(BOOST_MIO_PROJECT_VERSION)
BOOST_AUTO_TEST_CASE(cmake_project_version_is_the_header_version)
{
    BOOST_TEST(std::string(BOOST_MIO_PROJECT_VERSION) == dotted_version());
}
#endif

BOOST_AUTO_TEST_CASE(shared_library_soname_carries_the_header_version)
{
    const std::string file = shared_library_file();
    if (file.empty())
    {
        BOOST_TEST_MESSAGE("not a shared library build: no SONAME to check");
        return;
    }
    BOOST_TEST(soname_of(file) == "libboost_mio.so." + dotted_version());
}
