//
// boost/mio/detail/native_event.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The native event struct and how to read it, for the backend chosen in
// detail/selector.hpp. Kept apart from the selector so that event.hpp pulls
// in only what `event::native_type` needs.

#ifndef BOOST_MIO_DETAIL_NATIVE_EVENT_HPP
#define BOOST_MIO_DETAIL_NATIVE_EVENT_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/detail/epoll_event.hpp>

namespace boost {
namespace mio {
namespace detail {

using native_event_ops = epoll_event_ops;

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_NATIVE_EVENT_HPP
