//
// example/command_line.hpp: arguments checked before anything starts, with
// a usage line on bad ones. Used by every example that takes arguments.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// A bad argument is the user's mistake, not the program's: it gets its own
// message ("tcp_server: bad port 'x': not a number from 0 to 65535"), the
// usage line, and exit status 2, where a failure while running (a port in
// use) gets its error and status 1.

#ifndef BOOST_MIO_EXAMPLE_COMMAND_LINE_HPP
#define BOOST_MIO_EXAMPLE_COMMAND_LINE_HPP

#include <cerrno>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

// A bad command line; what() says which argument and why.
class usage_error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// `arg` as a whole number in [min, max]; usage_error names it `what`.
inline unsigned long number_arg(const char* arg, const char* what, unsigned long min,
    unsigned long max)
{
    char* end = nullptr;
    errno = 0;
    const unsigned long n = std::strtoul(arg, &end, 10);
    // strtoul takes "-1" as ULONG_MAX and skips leading spaces: accept
    // digits only.
    const bool digits = *arg >= '0' && *arg <= '9';
    if (!digits || *end != '\0' || errno == ERANGE || n < min || n > max)
        throw usage_error(std::string("bad ") + what + " '" + arg + "': not a number from "
            + std::to_string(min) + " to " + std::to_string(max));
    return n;
}

inline unsigned short port_arg(const char* arg)
{
    return static_cast<unsigned short>(number_arg(arg, "port", 0, 65535));
}

// Runs body(), which returns the exit status. A usage_error prints
// "<program>: <what>" and "usage: <program> <usage>" and returns 2; any
// other exception prints "<program>: <what>" and returns 1.
template <class Body>
int run_main(const char* program, const char* usage, Body body)
{
    try
    {
        return body();
    }
    catch (const usage_error& e)
    {
        std::cerr << program << ": " << e.what() << "\nusage: " << program << " " << usage << "\n";
        return 2;
    }
    catch (const std::exception& e)
    {
        std::cerr << program << ": " << e.what() << "\n";
        return 1;
    }
}

// Throws usage_error unless there are between min and max arguments.
inline void expect_args(int argc, int min, int max)
{
    if (argc - 1 < min || argc - 1 > max)
        throw usage_error(argc - 1 < min ? "too few arguments" : "too many arguments");
}

#endif // BOOST_MIO_EXAMPLE_COMMAND_LINE_HPP
