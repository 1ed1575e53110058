// Boost.Test's header-only variant, compiled once for all the tests of a
// build that has no Boost.Test library for its target (the Windows cross
// build): it defines the framework and main(), which calls each test
// program's init_unit_test_suite (defined by its BOOST_TEST_MODULE).
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)

#include <boost/test/included/unit_test.hpp>
