//
// boost/mio/detail/config.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Link-mode configuration, as Boost.JSON does it:
//  - default: a compiled library (libboost_mio); BOOST_MIO_DECL marks the
//    out-of-line functions exported from it (hidden visibility elsewhere);
//  - BOOST_MIO_HEADER_ONLY: every .ipp is included by its header and
//    BOOST_MIO_DECL becomes `inline`;
//  - on Windows the library is static unless BOOST_MIO_DYN_LINK (set by
//    CMake for a shared build) asks for dllexport/dllimport.

#ifndef BOOST_MIO_DETAIL_CONFIG_HPP
#define BOOST_MIO_DETAIL_CONFIG_HPP

#include <boost/config.hpp>

#if defined(BOOST_MIO_HEADER_ONLY)
#  define BOOST_MIO_DECL inline
#elif defined(_WIN32) && !defined(BOOST_MIO_DYN_LINK) && !defined(BOOST_ALL_DYN_LINK)
// A static library on Windows: nothing crosses a DLL boundary (a
// dllimport declaration would ask the linker for __imp_ symbols that a
// static library does not have). ELF needs no such distinction.
#  define BOOST_MIO_DECL
#elif defined(BOOST_MIO_SOURCE)
#  define BOOST_MIO_DECL BOOST_SYMBOL_EXPORT
#else
#  define BOOST_MIO_DECL BOOST_SYMBOL_IMPORT
#endif

// The hot path (wait, read_some, write_some, the events and their
// accessors) is forced inline with BOOST_FORCEINLINE, so that its cost does
// not depend on the compiler's inlining budget in the caller (GCC -O3 left
// a lambda of stream_socket::receive out of line in a user's loop, 72
// instructions per round trip). BOOST_FORCEINLINE includes `inline`, which a
// lambda cannot take; this is the bare attribute, placed after a lambda's
// parameter list.
#if defined(__GNUC__) || defined(__clang__)
#  define BOOST_MIO_LAMBDA_FORCEINLINE __attribute__((__always_inline__))
#else
#  define BOOST_MIO_LAMBDA_FORCEINLINE
#endif

// C++20 adds the event_source concept.
#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
#  define BOOST_MIO_HAS_CONCEPTS 1
#endif

#endif // BOOST_MIO_DETAIL_CONFIG_HPP
