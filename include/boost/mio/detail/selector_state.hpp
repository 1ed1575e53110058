//
// boost/mio/detail/selector_state.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// State shared by a selector, its clones and its waker (backend-neutral).

#ifndef BOOST_MIO_DETAIL_SELECTOR_STATE_HPP
#define BOOST_MIO_DETAIL_SELECTOR_STATE_HPP

#include <boost/mio/detail/config.hpp>
#include <atomic>

namespace boost {
namespace mio {
namespace detail {

struct selector_state
{
    // mio allows one waker per poll; a second reports waker_already_exists.
    std::atomic<bool> has_waker{false};

    // True from a wake() that signalled the OS until the next select()
    // returns. While it is set, wake() skips the syscall: that earlier
    // signal has not been consumed by a select() yet, so the event it
    // produced is still queued or in the batch being returned, and it
    // covers this wake too. Both sides use read-modify-write operations so
    // that a skipped wake() happens-before the select() that clears the
    // flag, and with it before the user looks at its events.
    std::atomic<bool> waker_pending{false};

    // Called by select() after the OS call returned: on every wait, so
    // only a load and a branch are inline (the exchange is out of line,
    // rare: a wake() in the same wait).
    BOOST_FORCEINLINE void consume_wake() noexcept
    {
        if (BOOST_UNLIKELY(waker_pending.load(std::memory_order_relaxed)))
            end_wake();
    }

    BOOST_NOINLINE void end_wake() noexcept
    {
        waker_pending.exchange(false, std::memory_order_acq_rel);
    }

    // True if the caller must signal the OS (no signal is pending).
    bool begin_wake() noexcept
    {
        return !waker_pending.exchange(true, std::memory_order_acq_rel);
    }

    // The signal could not be sent: let the next wake() try again.
    void abandon_wake() noexcept
    {
        waker_pending.store(false, std::memory_order_release);
    }
};

} // namespace detail
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_DETAIL_SELECTOR_STATE_HPP
