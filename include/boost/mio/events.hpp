//
// boost/mio/events.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_EVENTS_HPP
#define BOOST_MIO_EVENTS_HPP

#include <boost/mio/detail/config.hpp>
#include <boost/mio/event.hpp>
#include <climits>
#include <cstddef>
#include <memory>

namespace boost {
namespace mio {

class poll;

/// A fixed-capacity buffer of events, filled by poll::wait.
///
/// The buffer is allocated once, by the constructor; wait() hands it to the
/// kernel as it is and allocates nothing. When more sources are ready than
/// the capacity, the rest are reported by the next wait (epoll keeps them
/// queued; none is lost). Move-only.
///
/// @par Thread safety
/// Distinct objects: safe. Shared objects: unsafe (wait() writes it).
///
/// @par Example
/// @code
/// boost::mio::events evs(128);
/// poll.wait(evs, std::chrono::milliseconds(100));
/// for (const boost::mio::event& e : evs) handle(e);
/// @endcode
class events
{
public:
    /// The element type.
    using value_type = event;
    /// A random-access iterator over the filled events (`const event*`).
    using const_iterator = const event*;
    /// Same as const_iterator: events are only read.
    using iterator = const_iterator;
    /// The type of sizes.
    using size_type = std::size_t;

    /// Allocates room for `capacity` events (the only allocation: wait()
    /// makes none). A capacity of 0 is allowed
    /// here, but wait() on it reports `errc::invalid_argument`.
    /// @throws std::bad_alloc
    explicit events(std::size_t capacity)
        : buffer_(capacity != 0 ? new event::native_type[capacity]() : nullptr),
          capacity_(capacity), native_capacity_(clamp_native(capacity))
    {
    }

    /// Same as `events(capacity)`, mio's spelling.
    static events with_capacity(std::size_t capacity) { return events(capacity); }

    /// Takes over `other`'s buffer; `other` is left with capacity 0.
    events(events&& other) noexcept
        : buffer_(std::move(other.buffer_)), capacity_(other.capacity_),
          native_capacity_(other.native_capacity_), size_(other.size_)
    {
        other.capacity_ = 0;
        other.native_capacity_ = 0;
        other.size_ = 0;
    }

    /// Takes over `other`'s buffer; `other` is left with capacity 0.
    events& operator=(events&& other) noexcept
    {
        if (this != &other)
        {
            buffer_ = std::move(other.buffer_);
            capacity_ = other.capacity_;
            native_capacity_ = other.native_capacity_;
            size_ = other.size_;
            other.capacity_ = 0;
            other.native_capacity_ = 0;
            other.size_ = 0;
        }
        return *this;
    }

    /// How many events one wait() can report.
    std::size_t capacity() const noexcept { return capacity_; }
    /// How many events the last wait() reported.
    std::size_t size() const noexcept { return size_; }
    /// `size() == 0`: the last wait() timed out (or nothing was waited for).
    bool empty() const noexcept { return size_ == 0; }
    /// Forgets the events (wait() does it first anyway).
    void clear() noexcept { size_ = 0; }

    /// The first event of the last wait().
    const_iterator begin() const noexcept { return as_events(); }
    /// One past the last event of the last wait().
    const_iterator end() const noexcept { return as_events() + size_; }

    /// The i-th event; `i < size()`.
    const event& operator[](std::size_t i) const noexcept { return as_events()[i]; }

    /// Internal, for poll::wait: the buffer as the backend writes it
    /// (capacity() native events). Not part of the stable API.
    event::native_type* native_buffer() noexcept { return buffer_.get(); }

    /// Internal, for poll::wait: capacity() as the OS takes it: the kernel refuses more than
    /// INT_MAX / sizeof(native event) slots, so a larger buffer is used in
    /// part (the rest of the ready events wait for the next wait()).
    int native_capacity() const noexcept { return native_capacity_; }

    /// Internal, for poll::wait: sets how many events of the buffer the
    /// backend filled. Not part of the stable API.
    void set_size(std::size_t n) noexcept { size_ = n; }

private:
    // The kernel writes native structs; users read them as events. event
    // is standard-layout with the native struct as its only member (and of
    // the same size), so the two are pointer-interconvertible.
    const event* as_events() const noexcept
    {
        return reinterpret_cast<const event*>(buffer_.get());
    }

    static int clamp_native(std::size_t capacity) noexcept
    {
        constexpr std::size_t max = INT_MAX / sizeof(event::native_type);
        return static_cast<int>(capacity < max ? capacity : max);
    }

    std::unique_ptr<event::native_type[]> buffer_;
    std::size_t capacity_;
    int native_capacity_;
    std::size_t size_ = 0;
};

} // namespace mio
} // namespace boost

#endif // BOOST_MIO_EVENTS_HPP
