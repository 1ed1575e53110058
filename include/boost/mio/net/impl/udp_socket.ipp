//
// boost/mio/net/impl/udp_socket.ipp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef BOOST_MIO_NET_IMPL_UDP_SOCKET_IPP
#define BOOST_MIO_NET_IMPL_UDP_SOCKET_IPP

#include <boost/mio/net/udp_socket.hpp>
#include <boost/mio/detail/socket_ops.hpp>

namespace boost {
namespace mio {
namespace net {

BOOST_MIO_DECL udp_socket udp_socket::bind(const endpoint_type& local,
    boost::system::error_code& ec)
{
    udp_socket s;
    s.open_bound(local, false, ec);
    return s;
}

BOOST_MIO_DECL void udp_socket::set_broadcast(bool on, boost::system::error_code& ec)
{
    set_flag(mio::detail::socket_ops::option::broadcast, on, ec);
}

BOOST_MIO_DECL bool udp_socket::broadcast(boost::system::error_code& ec) const
{
    return flag(mio::detail::socket_ops::option::broadcast, ec);
}

BOOST_MIO_DECL void udp_socket::set_multicast_loop_v4(bool on, boost::system::error_code& ec)
{
    set_flag(mio::detail::socket_ops::option::multicast_loop_v4, on, ec);
}

BOOST_MIO_DECL bool udp_socket::multicast_loop_v4(boost::system::error_code& ec) const
{
    return flag(mio::detail::socket_ops::option::multicast_loop_v4, ec);
}

BOOST_MIO_DECL void udp_socket::set_multicast_loop_v6(bool on, boost::system::error_code& ec)
{
    set_flag(mio::detail::socket_ops::option::multicast_loop_v6, on, ec);
}

BOOST_MIO_DECL bool udp_socket::multicast_loop_v6(boost::system::error_code& ec) const
{
    return flag(mio::detail::socket_ops::option::multicast_loop_v6, ec);
}

BOOST_MIO_DECL void udp_socket::set_multicast_ttl_v4(std::uint32_t ttl,
    boost::system::error_code& ec)
{
    mio::detail::socket_ops::set_hop_limit(native_handle(), mio::detail::socket_ops::option::multicast_ttl_v4, ttl, ec);
}

BOOST_MIO_DECL std::uint32_t udp_socket::multicast_ttl_v4(boost::system::error_code& ec) const
{
    return static_cast<std::uint32_t>(
        mio::detail::socket_ops::get_option(native_handle(), mio::detail::socket_ops::option::multicast_ttl_v4, ec));
}

BOOST_MIO_DECL bool udp_socket::only_v6(boost::system::error_code& ec) const
{
    return flag(mio::detail::socket_ops::option::only_v6, ec);
}

BOOST_MIO_DECL void udp_socket::join_multicast_v4(const boost::asio::ip::address_v4& group,
    const boost::asio::ip::address_v4& iface, boost::system::error_code& ec)
{
    mio::detail::socket_ops::multicast_v4(native_handle(), true, group, iface, ec);
}

BOOST_MIO_DECL void udp_socket::join_multicast_v6(const boost::asio::ip::address_v6& group,
    unsigned iface_index, boost::system::error_code& ec)
{
    mio::detail::socket_ops::multicast_v6(native_handle(), true, group, iface_index, ec);
}

BOOST_MIO_DECL void udp_socket::leave_multicast_v4(const boost::asio::ip::address_v4& group,
    const boost::asio::ip::address_v4& iface, boost::system::error_code& ec)
{
    mio::detail::socket_ops::multicast_v4(native_handle(), false, group, iface, ec);
}

BOOST_MIO_DECL void udp_socket::leave_multicast_v6(const boost::asio::ip::address_v6& group,
    unsigned iface_index, boost::system::error_code& ec)
{
    mio::detail::socket_ops::multicast_v6(native_handle(), false, group, iface_index, ec);
}

} // namespace net
} // namespace mio
} // namespace boost

#endif // BOOST_MIO_NET_IMPL_UDP_SOCKET_IPP
