//
// boost/mio/impl/error.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_IMPL_ERROR_IPP
#define BOOST_MIO_IMPL_ERROR_IPP

#include <boost/mio/error.hpp>
#include <string>

namespace boost {
namespace mio {
namespace detail {

// Visible so that one category object exists across shared-library
// boundaries (comparisons of categories are by address).
class BOOST_SYMBOL_VISIBLE mio_error_category final
    : public boost::system::error_category
{
public:
    // A fixed id, so that header-only and compiled users compare equal.
    constexpr mio_error_category() noexcept
        : error_category(0x6d696f5f626f6f73ULL) // "mio_boos"
    {
    }

    const char* name() const noexcept override { return "boost.mio"; }

    std::string message(int ev) const override
    {
        switch (static_cast<mio::error>(ev))
        {
        case mio::error::waker_already_exists:
            return "a waker already exists for this poll";
        }
        return "unknown boost.mio error";
    }
};

} // namespace detail

BOOST_MIO_DECL const boost::system::error_category& get_error_category() noexcept
{
    static const detail::mio_error_category instance;
    return instance;
}

} // namespace mio
} // namespace boost

#endif // BOOST_MIO_IMPL_ERROR_IPP
