//
// fuzz/fuzz_check.hpp: how a fuzz target reports a disagreement with its
// model. libFuzzer treats an abort as a crash and saves the input, so the
// check prints what differed and aborts.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)

#ifndef BOOST_MIO_FUZZ_CHECK_HPP
#define BOOST_MIO_FUZZ_CHECK_HPP

#include <boost/system/error_code.hpp>

#include <cstdio>
#include <cstdlib>

namespace mio_fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* what,
    const boost::system::error_code& ec = {})
{
    std::fprintf(stderr, "%s:%d: model check failed: %s (ec: %s)\n", file, line, what,
        ec.message().c_str());
    std::abort();
}

} // namespace mio_fuzz

// FUZZ_CHECK(condition, "what the model expected"), an expression.
#define FUZZ_CHECK(cond, what) \
    ((cond) ? (void)0 : ::mio_fuzz::fail(__FILE__, __LINE__, what))

// FUZZ_CHECK_EC(ec, expected, "what"): an error_code compared with an errc
// or another error_code; prints the code that came back.
#define FUZZ_CHECK_EC(ec, expected, what) \
    (((ec) == (expected)) ? (void)0 : ::mio_fuzz::fail(__FILE__, __LINE__, what, ec))

#endif // BOOST_MIO_FUZZ_CHECK_HPP
