//
// src/src.cpp: the compiled Boost.Mio library.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

// CMake also defines it on the command line: define it only once.
#if !defined(BOOST_MIO_SOURCE)
#  define BOOST_MIO_SOURCE
#endif
#include <boost/mio/src.hpp>
