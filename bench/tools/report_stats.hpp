//
// bench/tools/report_stats.hpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// The statistics and number formatting of bench_report (report.cpp):
// medians, a distribution-free interval for a median, and the verdict of
// a timed ratio against its target.

#ifndef BOOST_MIO_BENCH_REPORT_STATS_HPP
#define BOOST_MIO_BENCH_REPORT_STATS_HPP

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace report_stats {

inline double median(std::vector<double> v)
{
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
    if (v.empty())
        return NAN;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

inline std::string fmt(const char* f, double v)
{
    char b[64];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

inline std::string rate(double v)
{
    if (v >= 1e6)
        return fmt("%.2fM", v / 1e6);
    if (v >= 1e3)
        return fmt("%.1fk", v / 1e3);
    return fmt("%.0f", v);
}

inline std::string us(double ns)
{
    return ns >= 10000 ? fmt("%.1fus", ns / 1000) : fmt("%.2fus", ns / 1000);
}

// "p50/p99" in microseconds, or in milliseconds once p99 reaches 1 ms.
inline std::string latency(double p50_us, double p99_us)
{
    if (p99_us < 1000)
        return fmt("%.0f/", p50_us) + fmt("%.0fus", p99_us);
    return fmt("%.1f/", p50_us / 1000) + fmt("%.1fms", p99_us / 1000);
}

inline std::string ratio(double r)
{
    return std::isnan(r) ? "" : fmt("x%.2f", r);
}

// A distribution-free confidence interval for the median of `v`: from
// its k-th lowest to its k-th highest value, with the largest k for which
// that covers the true median with at least 85 % probability (each value
// falls on either side of it with probability 1/2, so the coverage is
// 1 - 2 P(Binomial(n, 1/2) < k)): with 7 values the 2nd to the 6th
// (87.5 %), with 5 the lowest to the highest (94 %), with 10 the 3rd to
// the 8th (89 %).
inline std::pair<double, double> median_interval(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    if (n == 0)
        return {NAN, NAN};
    std::size_t k = 1;
    for (;;)
    {
        double below = 0, c = 1; // P(Binomial(n, 1/2) < k + 1), C(n, i)
        for (std::size_t i = 0; i <= k; ++i)
        {
            below += c;
            c = c * static_cast<double>(n - i) / static_cast<double>(i + 1);
        }
        if (2 * k >= n || 1 - 2 * below / std::pow(2.0, static_cast<double>(n)) < 0.85)
            break;
        ++k;
    }
    return {v[k - 1], v[n - k]};
}

// One timed ratio of this run against its target (at most `limit`, or at
// least it when `at_least`). Met when the median of the per-repetition
// ratios meets it; "noise" when the median misses but its confidence
// interval still reaches the target, so the repetitions cannot tell the
// miss from a tie; MISSED when the whole interval misses.
struct timed
{
    std::vector<double> v;
    double limit;
    bool at_least;

    bool ok(double x) const { return at_least ? x >= limit : x <= limit; }
    int verdict() const // -1 unknown, 0 met, 1 noise, 2 missed
    {
        if (v.empty())
            return -1;
        if (ok(median(v)))
            return 0;
        const auto [lo, hi] = median_interval(v);
        return ok(at_least ? hi : lo) ? 1 : 2;
    }
    // "x0.99 [0.95-1.04]": the median and its interval.
    std::string text() const
    {
        if (v.empty())
            return "not measured";
        const auto [lo, hi] = median_interval(v);
        return ratio(median(v)) + (v.size() > 1 ? fmt(" [%.2f", lo) + fmt("-%.2f]", hi) : std::string());
    }
};

} // namespace report_stats

#endif // BOOST_MIO_BENCH_REPORT_STATS_HPP
