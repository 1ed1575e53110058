//
// boost/mio/asio_bridge/detail/async_source_service.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The Asio service that gives each execution context one async_source_core.
//
// The core is shared (shared_ptr) with every async_source, so that a source
// outliving its io_context can still deregister itself safely; the service
// only shuts the core down with the context. The watcher, an Asio I/O
// object, never outlives the context's services: it is destroyed in the
// service's shutdown().

#ifndef BOOST_MIO_ASIO_BRIDGE_DETAIL_ASYNC_SOURCE_SERVICE_HPP
#define BOOST_MIO_ASIO_BRIDGE_DETAIL_ASYNC_SOURCE_SERVICE_HPP

#include <boost/mio/asio_bridge/detail/async_source_core.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/detail/config.hpp>
#if defined(BOOST_ASIO_HAS_POSIX_STREAM_DESCRIPTOR)
#  include <boost/asio/posix/basic_stream_descriptor.hpp>
#endif
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/strand.hpp>
#include <memory>

namespace boost {
namespace mio {
namespace asio_bridge {
namespace detail {

class async_source_service : public boost::asio::execution_context::service
{
public:
    inline static boost::asio::execution_context::id id;

    explicit async_source_service(boost::asio::execution_context& ctx)
        : boost::asio::execution_context::service(ctx),
          core_(std::make_shared<async_source_core>())
    {
    }

    const std::shared_ptr<async_source_core>& core() const noexcept { return core_; }

private:
    void shutdown() override { core_->shutdown(); }

    std::shared_ptr<async_source_core> core_;
};

// The executor the shared watcher runs on: the source's, seen through any
// strand (one user's strand must not serialise every source's events), and
// not counting as work by itself.
template <class Executor>
const Executor& unwrap_strand(const Executor& ex) noexcept
{
    return ex;
}

template <class Inner>
auto unwrap_strand(const boost::asio::strand<Inner>& ex) noexcept
{
    return unwrap_strand(ex.get_inner_executor());
}

template <class Executor>
boost::asio::any_io_executor watcher_executor(const Executor& ex)
{
    return boost::asio::prefer(unwrap_strand(ex), boost::asio::execution::outstanding_work.untracked);
}

// The core of the execution context that `ex` belongs to, with its watcher.
template <class Executor>
std::shared_ptr<async_source_core> core_for(const Executor& ex, const boost::source_location& loc)
{
    boost::asio::execution_context& ctx = boost::asio::query(ex, boost::asio::execution::context);
    const boost::asio::any_io_executor wex = watcher_executor(ex);
    if (!boost::asio::has_service<async_source_service>(ctx))
    {
        // Asio shuts services down newest first. Making sure the reactor
        // and its descriptor service exist before this service means this
        // one shuts down (and lets go of its descriptor) while they are
        // still up.
#if defined(BOOST_ASIO_HAS_POSIX_STREAM_DESCRIPTOR)
        boost::asio::posix::basic_stream_descriptor<boost::asio::any_io_executor> touch(wex);
#endif
    }
    async_source_service& svc = boost::asio::use_service<async_source_service>(ctx);
    svc.core()->open_watcher(wex, loc);
    return svc.core();
}

} // namespace detail
} // namespace asio_bridge
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_ASIO_BRIDGE_DETAIL_ASYNC_SOURCE_SERVICE_HPP
