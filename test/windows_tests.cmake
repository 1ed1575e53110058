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
)
foreach(name IN LISTS BOOST_MIO_POSIX_ONLY_TESTS)
  list(REMOVE_ITEM BOOST_MIO_TEST_SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${name}.cpp)
endforeach()
