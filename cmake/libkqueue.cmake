# The kqueue backend on a system without a kernel kqueue (Linux): link
# libkqueue, a user-space kqueue(2), PUBLICly to Boost::mio.
#  - BOOST_MIO_LIBKQUEUE_SOURCE_DIR=<dir>: build that source into this build
#    tree (never into the source tree) and link it;
#  - otherwise an installed libkqueue found with pkg-config (`libkqueue`).
# On macOS and the BSDs kqueue is the kernel's and nothing is linked.

if(APPLE OR CMAKE_SYSTEM_NAME MATCHES "BSD|DragonFly")
  return()
endif()

set(BOOST_MIO_LIBKQUEUE_SOURCE_DIR "" CACHE PATH
  "libkqueue source to build into the build tree for the kqueue backend")

if(BOOST_MIO_LIBKQUEUE_SOURCE_DIR)
  # libkqueue's own tests and install rules are not ours.
  set(ENABLE_TESTING OFF CACHE BOOL "" FORCE)
  add_subdirectory(${BOOST_MIO_LIBKQUEUE_SOURCE_DIR}
    ${CMAKE_BINARY_DIR}/libkqueue EXCLUDE_FROM_ALL)
  target_include_directories(boost_mio SYSTEM ${BOOST_MIO_SCOPE}
    $<BUILD_INTERFACE:${CMAKE_BINARY_DIR}/libkqueue/include>)
  target_link_libraries(boost_mio ${BOOST_MIO_SCOPE} $<BUILD_INTERFACE:kqueue>)
else()
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(LIBKQUEUE REQUIRED IMPORTED_TARGET libkqueue)
  target_link_libraries(boost_mio ${BOOST_MIO_SCOPE} PkgConfig::LIBKQUEUE)
endif()
