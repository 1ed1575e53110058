//
// boost/mio/detail/source_state.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The per-source state of backends whose edge triggers are the kernel's
// (epoll, kqueue): nothing, as mio's stateless_io_source. io_source derives
// from it, so it costs no byte, and its hooks are empty inline functions,
// so they cost no instruction.

#ifndef BOOST_MIO_DETAIL_SOURCE_STATE_HPP
#define BOOST_MIO_DETAIL_SOURCE_STATE_HPP

#include <boost/mio/detail/config.hpp>

namespace boost {
namespace mio {
namespace detail {

struct stateless_source_state
{
    // do_io never needs to look at an operation's outcome.
    static constexpr bool rearms = false;

    template <class Handle, class Interest>
    void on_would_block(Handle, Interest) const noexcept {}

    // The kernel forgets a closed handle's registrations by itself.
    template <class Handle>
    void on_close(Handle) const noexcept {}
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_SOURCE_STATE_HPP
