# The tests a Windows build leaves out, and why: the build excludes them
# (the tests themselves never skip). Included by test/CMakeLists.txt.
#
# Distributed under the Boost Software License, Version 1.0.
# (See accompanying file LICENSE_1_0.txt or copy at
# http://www.boost.org/LICENSE_1_0.txt)

set(BOOST_MIO_POSIX_ONLY_TESTS
  # Unix-domain sockets, pipes and posix::source_fd are POSIX only.
  unix_stream unix_listener unix_datagram unix_abstract_name_read_back pipe source_fd
  # File-descriptor flags and limits (FD_CLOEXEC, O_NONBLOCK, RLIMIT_NOFILE).
  cloexec fd_flags fd_exhaustion examples_fd_exhaustion
  # The shared library's ELF SONAME (readelf).
  version
  # example/demo is the tour of posix::pipe; Windows does not build it.
  example_demo
)
foreach(name IN LISTS BOOST_MIO_POSIX_ONLY_TESTS)
  list(REMOVE_ITEM BOOST_MIO_TEST_SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${name}.cpp)
endforeach()

# The POSIX-only headers say so on Windows, in one line each, not a wall of
# errors: compiling one of them must fail with its own message (and the
# control, the umbrella header, must compile).
foreach(pair IN ITEMS "net/unix_stream.hpp|Unix-domain sockets are POSIX only"
                      "net/unix_listener.hpp|Unix-domain sockets are POSIX only"
                      "net/unix_datagram.hpp|Unix-domain sockets are POSIX only"
                      "posix/pipe.hpp|posix::pipe is POSIX only"
                      "posix/source_fd.hpp|posix::source_fd is POSIX only")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 header)
  list(GET pair 1 message)
  string(REPLACE "/" "_" name "${header}")
  string(REPLACE ".hpp" "" name "${name}")
  add_test(NAME windows_posix_only_${name}
    COMMAND ${CMAKE_CXX_COMPILER} -std=c++17 -fsyntax-only -x c++
      -I${PROJECT_SOURCE_DIR}/include -idirafter ${BOOST_MIO_BOOST_INCLUDE_DIR}
      -include boost/mio/${header} /dev/null)
  set_tests_properties(windows_posix_only_${name} PROPERTIES
    PASS_REGULAR_EXPRESSION "#error \"boost/mio/${header}: ${message}\"" TIMEOUT 120)
endforeach()
add_test(NAME windows_posix_only_control
  COMMAND ${CMAKE_CXX_COMPILER} -std=c++17 -fsyntax-only -x c++
    -I${PROJECT_SOURCE_DIR}/include -idirafter ${BOOST_MIO_BOOST_INCLUDE_DIR}
    -D_WIN32_WINNT=0x0602 -DWIN32_LEAN_AND_MEAN -include boost/mio.hpp /dev/null)
set_tests_properties(windows_posix_only_control PROPERTIES TIMEOUT 120)
