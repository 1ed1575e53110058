//
// boost/mio/version.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The one place the library's version is written down: CMakeLists.txt
// (project VERSION, the package version file, the shared library's
// SONAME) and build/Jamfile (the shared library's file name and SONAME)
// read it from the two #define lines below, so keep their form.

#ifndef BOOST_MIO_VERSION_HPP
#define BOOST_MIO_VERSION_HPP

/// The library's version as one number, in Boost's layout (BOOST_VERSION's):
/// `BOOST_MIO_VERSION % 100` is the patch level,
/// `BOOST_MIO_VERSION / 100 % 1000` the minor version and
/// `BOOST_MIO_VERSION / 100000` the major version. 0.1.0 is 100.
#define BOOST_MIO_VERSION 100

/// The major and minor version as a string, "0_1": the form of
/// BOOST_LIB_VERSION, for names that carry the version.
#define BOOST_MIO_LIB_VERSION "0_1"

#endif // BOOST_MIO_VERSION_HPP
