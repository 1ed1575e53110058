//
// bench/tools/report_tour.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The report's section on README.md's tour loop (loops/loop_tour.cpp):
// its instructions per round trip in every build configuration, against
// the same loop on raw epoll built at the same -O level, and the targets
// (each configuration <= 1.15 x raw epoll, the best <= 1.10 x).
//
// The samples are "callgrind_tour<TAB>CONFIG<TAB>1<TAB>ir_per_rt=N" with
// CONFIG = LINK_OPT_WAIT (static_O2_throw, header_O3_ec, ...) or raw_OPT,
// and header_OPT_copy: the diagnosis row (loops/loop_tour.cpp,
// BENCH_TOUR_THROW_COPY), shown but never judged.

#ifndef BENCH_REPORT_TOUR_HPP
#define BENCH_REPORT_TOUR_HPP

#include "report_stats.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace report_tour {

using report_stats::fmt;
using report_stats::ratio;

// The instructions per round trip of one configuration (NaN if absent).
using lookup = std::function<double(const std::string& config)>;

inline const char* const links[] = {"static", "shared", "header"};
inline const char* const opts[] = {"O2", "O3"};
inline const char* const waits[] = {"throw", "ec"};

inline std::string link_name(const std::string& link)
{
    return link == "static" ? "compiled library, static"
        : link == "shared"  ? "compiled library, shared"
                            : "header-only";
}

inline std::string wait_name(const std::string& wait)
{
    return wait == "throw" ? "poll.wait(events)" : "poll.wait(events, ec)";
}

// Rows: one per link mode and form of wait; columns: -O2 and -O3, each
// "N (ratio to raw epoll at that level)". Empty when nothing was measured.
inline std::vector<std::vector<std::string>> table(const lookup& ir)
{
    std::vector<std::vector<std::string>> t;
    t.push_back({"README tour loop, instructions/round trip", "-O2", "-O3"});
    std::vector<std::string> raw{"raw epoll (C), same loop"};
    for (const char* o : opts)
    {
        const double r = ir(std::string("raw_") + o);
        raw.push_back(std::isnan(r) ? std::string() : fmt("%.0f", r));
    }
    // One row: per -O level, "N (ratio to raw epoll at that level)" of the
    // configuration named by config(level).
    bool any = false;
    auto row = [&](std::string label, const std::function<std::string(const char*)>& config) {
        std::vector<std::string> line{std::move(label)};
        for (const char* o : opts)
        {
            const double v = ir(config(o));
            const double r = ir(std::string("raw_") + o);
            any = any || !std::isnan(v);
            line.push_back(std::isnan(v) ? std::string() : fmt("%.0f", v) + " " + ratio(v / r));
        }
        t.push_back(line);
    };
    for (const char* l : links)
        for (const char* w : waits)
            row(link_name(l) + ", " + wait_name(w),
                [&](const char* o) { return std::string(l) + "_" + o + "_" + w; });
    // The diagnosis (no target): what is left when the loop's
    // `throw system_error(ec)` takes a copy, so ec stays in registers.
    row("header-only, poll.wait(events), throwing a copy of ec (diagnosis)",
        [](const char* o) { return std::string("header_") + o + "_copy"; });
    t.insert(t.begin() + 1, raw);
    if (!any)
        t.clear();
    return t;
}

// The target lines, in the format of the report's other targets.
inline std::string targets(const lookup& ir)
{
    double worst = NAN, best = NAN;
    std::string worst_at, best_at;
    for (const char* l : links)
        for (const char* w : waits)
            for (const char* o : opts)
            {
                const std::string c = std::string(l) + "_" + o + "_" + w;
                const double r = ir(c) / ir(std::string("raw_") + o);
                if (std::isnan(r))
                    continue;
                if (std::isnan(worst) || r > worst)
                    worst = r, worst_at = c;
                if (std::isnan(best) || r < best)
                    best = r, best_at = c;
            }
    std::ostringstream out;
    auto line = [&](double r, double limit, const std::string& what, const std::string& at) {
        out << "- " << (std::isnan(r) ? "n/a   " : r <= limit ? "met   " : "MISSED") << "  " << what;
        if (!std::isnan(r))
            out << ": " << ratio(r) << " (" << at << ")";
        out << '\n';
    };
    line(worst, 1.15, "README tour loop, every configuration <= 1.15 x raw epoll (the worst)", worst_at);
    line(best, 1.10, "README tour loop, the best configuration <= 1.10 x raw epoll", best_at);
    return out.str();
}

} // namespace report_tour

#endif // BENCH_REPORT_TOUR_HPP
