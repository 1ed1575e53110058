# Cross-builds Boost.Mio for 64-bit Windows with Debian's MinGW-w64
# (g++-mingw-w64-x86-64-posix: the POSIX thread model, so std::thread and
# std::mutex work), for tools/test-windows, which runs the result under
# Wine. Boost is header-only here: its headers come from the build
# machine's /usr/include, searched after MinGW's own (-idirafter), so that
# glibc's headers never shadow Windows ones.
#
# Distributed under the Boost Software License, Version 1.0.
# (See accompanying file LICENSE_1_0.txt or copy at
# http://www.boost.org/LICENSE_1_0.txt)

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Read by CMakeLists.txt: Boost's headers, without its CMake package (whose
# libraries are the build machine's).
set(BOOST_MIO_BOOST_INCLUDE_DIR /usr/include CACHE PATH "Boost headers for a cross build")

# Static executables: nothing for Wine to look for beside them.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
