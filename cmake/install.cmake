# Installs headers, the library and the boost_mio package config, so that
#   find_package(boost_mio CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE Boost::mio)
# works against the installed tree.

include(CMakePackageConfigHelpers)

install(DIRECTORY include/boost DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS boost_mio EXPORT boost_mio-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(BOOST_MIO_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/boost_mio)
install(EXPORT boost_mio-targets
  NAMESPACE Boost::
  FILE boost_mio-targets.cmake
  DESTINATION ${BOOST_MIO_CMAKE_DIR})

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/boost_mio-config.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/boost_mio-config.cmake
  INSTALL_DESTINATION ${BOOST_MIO_CMAKE_DIR})
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/boost_mio-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/boost_mio-config.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/boost_mio-config-version.cmake
  DESTINATION ${BOOST_MIO_CMAKE_DIR})
