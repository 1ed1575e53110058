//
// test/compile_fail/not_an_event_source.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Must NOT compile: registering something that is not an event source
// stops at the registry's static_assert, whose message the test checks.
// Built with -DBOOST_MIO_COMPILE_FAIL_CONTROL it must compile (so the
// failure is this one, not a broken command line).

#include <boost/mio/poll.hpp>
#include <boost/mio/posix/source_fd.hpp>

namespace {

struct no_members
{
};

} // namespace

int main()
{
    boost::mio::poll p;
#if defined(BOOST_MIO_COMPILE_FAIL_CONTROL)
    p.registry().register_(boost::mio::posix::source_fd(0), boost::mio::token(0),
        boost::mio::interest::readable);
#elif defined(BOOST_MIO_COMPILE_FAIL_STRUCT)
    no_members s;
    p.registry().register_(s, boost::mio::token(0), boost::mio::interest::readable);
#elif defined(BOOST_MIO_COMPILE_FAIL_REGISTRY)
    // A registry has template members of the right shape; it once passed
    // for a source and recursed until the stack overflowed.
    boost::mio::poll q;
    p.registry().register_(q.registry(), boost::mio::token(0), boost::mio::interest::readable);
#else
    int fd = 0;
    p.registry().register_(fd, boost::mio::token(0), boost::mio::interest::readable);
#endif
}
