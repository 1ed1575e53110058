//
// doc/snippets/poll_name_ambiguous.cpp: must NOT compile (the tutorial's
// "The name poll"). The test suite checks that GCC's error is the
// ambiguity the tutorial quotes; built with
// BOOST_MIO_COMPILE_FAIL_CONTROL it must compile.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)

#include <boost/mio.hpp>

#if defined(BOOST_MIO_COMPILE_FAIL_CONTROL)
int main() {
    boost::mio::poll p;
}
#else
// tag::error[]
int main() {
    using namespace boost::mio;
    poll p;                         // error
}
// end::error[]
#endif
