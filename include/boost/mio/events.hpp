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
/// @par Example
/// @code
/// boost::mio::events evs(128);
/// poll.wait(evs, std::chrono::milliseconds(100));
/// for (const boost::mio::event& e : evs) handle(e);
/// @endcode
class events
{
public:
    using value_type = event;
    using const_iterator = const event*;
    using iterator = const_iterator;
    using size_type = std::size_t;

    /// Allocates room for `capacity` events. A capacity of 0 is allowed
    /// here, but wait() on it reports `errc::invalid_argument`.
    /// @throws std::bad_alloc
    explicit events(std::size_t capacity)
        : buffer_(capacity != 0 ? new event::native_type[capacity]() : nullptr),
          capacity_(capacity)
    {
    }

    /// Same as `events(capacity)`, mio's spelling.
    static events with_capacity(std::size_t capacity) { return events(capacity); }

    events(events&& other) noexcept
        : buffer_(std::move(other.buffer_)), capacity_(other.capacity_), size_(other.size_)
    {
        other.capacity_ = 0;
        other.size_ = 0;
    }

    events& operator=(events&& other) noexcept
    {
        buffer_ = std::move(other.buffer_);
        capacity_ = other.capacity_;
        size_ = other.size_;
        other.capacity_ = 0;
        other.size_ = 0;
        return *this;
    }

    std::size_t capacity() const noexcept { return capacity_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    void clear() noexcept { size_ = 0; }

    const_iterator begin() const noexcept { return as_events(); }
    const_iterator end() const noexcept { return as_events() + size_; }

    /// The i-th event; `i < size()`.
    const event& operator[](std::size_t i) const noexcept { return as_events()[i]; }

    /// The buffer as the backend writes it (capacity() native events).
    event::native_type* native_buffer() noexcept { return buffer_.get(); }

    /// Sets how many events of the buffer the backend filled.
    void set_size(std::size_t n) noexcept { size_ = n; }

private:
    // The kernel writes native structs; users read them as events. event
    // is standard-layout with the native struct as its only member (and of
    // the same size), so the two are pointer-interconvertible.
    const event* as_events() const noexcept
    {
        return reinterpret_cast<const event*>(buffer_.get());
    }

    std::unique_ptr<event::native_type[]> buffer_;
    std::size_t capacity_;
    std::size_t size_ = 0;
};

} // namespace mio
} // namespace boost

#endif // BOOST_MIO_EVENTS_HPP
