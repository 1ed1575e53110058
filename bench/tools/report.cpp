//
// bench/tools/report.cpp
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// Turns the samples bench/run collected into the results table.
//
//   bench_report SAMPLES.tsv META.tsv OUT_DIR
//
// SAMPLES.tsv: one measurement a line, "scenario<TAB>impl<TAB>rep<TAB>
// key=value key=value ...". Every value shown is the median over the
// repetitions of that scenario and implementation. Every ratio is the
// median of the per-repetition ratios: the implementations run
// interleaved, so the two samples of one repetition were taken moments
// apart, while the machine's speed drifts by tens of percent between
// repetitions; pairing cancels that drift. META.tsv: "key<TAB>
// value" lines (machine, date, mode, command) for the heading.
//
// Writes OUT_DIR/table.txt (the table as printed), OUT_DIR/results.md
// (the same as Markdown, with the targets), OUT_DIR/chart.dat and
// OUT_DIR/chart.gp (gnuplot input for the chart); prints table.txt and
// the targets.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "report_stats.hpp"
#include "report_tour.hpp"

namespace {

using namespace report_stats;

struct impl_info
{
    const char* id;
    const char* name;
};

const impl_info impls[] = {
    {"raw", "raw epoll (C)"},
    {"mio", "Boost.Mio"},
    {"asio", "Boost.Asio"},
    {"libuv", "libuv"},
    {"libevent", "libevent"},
    {"mio_driver", "Mio poll_driver"},
    {"mio_source", "Mio async_source"},
    // The other backends: bench/run builds loop_mio against them for the
    // instruction count only (informational, no target).
    {"mio_poll", "Boost.Mio on poll(2)"},
    {"mio_kqueue", "Boost.Mio on kqueue (libkqueue)"},
    {"raw_again", "raw epoll again (A/A)"},
};

enum class kind { echo, scale, flat, waker_latency, waker_rate, churn, allocs, callgrind, http };

struct row_info
{
    std::string id;
    std::string label;
    kind k;
};

// The echo cells bench/run measures, in its order. The last has the load
// generator think 4 us before each message (loadgen --think-ns), which
// makes it the slower side, as this VM's slow phases do: the servers then
// wait for work between messages (why that matters: BENCH_IDLE_POLLS in
// common/bench_common.h).
struct echo_cell
{
    std::string id;    // scenario id: echo_CONNS_SIZE[_thinkNS]
    std::string label; // "64 conns, 64 B"
    bool client_bound; // the load generator sets the pace
};

std::vector<echo_cell> echo_cells()
{
    std::vector<echo_cell> c;
    // 10,000 connections with 64-byte messages only: the scale cell.
    for (const char* size : {"64", "16384"})
        for (const char* conns : {"1", "64", "1000", "10000"})
            if (std::string(size) == "64" || std::string(conns) != "10000")
                c.push_back({std::string("echo_") + conns + "_" + size,
                    conns + std::string(std::string(conns) == "1" ? " conn, " : " conns, ")
                        + (std::string(size) == "64" ? "64 B" : "16 KiB"),
                    false});
    c.push_back({"echo_64_64_think4000", "64 conns, 64 B, client busy 4us", true});
    return c;
}

// The wrk connection counts of the HTTP cells (bench/run, scenario 7).
const char* const http_conns[] = {"1", "50", "500"};

std::vector<row_info> rows()
{
    std::vector<row_info> r;
    for (const echo_cell& c : echo_cells())
        r.push_back({c.id, "1. echo " + c.label, kind::echo});
    for (const char* idle : {"0", "1000", "10000"})
        r.push_back({std::string("scale_") + idle, std::string("2. poll, ") + idle + " idle: time/round trip",
            kind::scale});
    r.push_back({"flat", "2. poll scaling: 10000 idle / 0 idle", kind::flat});
    r.push_back({"waker_latency", "3. waker: wake-to-return latency", kind::waker_latency});
    r.push_back({"waker_rate", "3. waker: wake() calls/s", kind::waker_rate});
    r.push_back({"churn", "4. register+deregister: time/pair", kind::churn});
    r.push_back({"allocs", "5. heap allocations in wait/read/write/register/accept", kind::allocs});
    r.push_back({"callgrind", "instructions/round trip (callgrind)", kind::callgrind});
    r.push_back({"callgrind_churn", "instructions/register+deregister (callgrind)", kind::callgrind});
    for (const char* conns : http_conns)
        r.push_back({std::string("http_") + conns,
            std::string("7. HTTP/1.1 wrk, ") + conns + (std::string(conns) == "1" ? " conn" : " conns"), kind::http});
    return r;
}

using values = std::map<std::string, std::map<int, double>>;      // key -> repetition -> sample
std::map<std::string, std::map<std::string, values>> samples;     // scenario -> impl -> values
std::map<std::string, std::map<std::string, std::string>> texts;  // scenario -> impl -> raw text
std::map<std::string, std::string> meta;

// The samples of one scenario, implementation and key; null if none.
const std::map<int, double>* find(const std::string& scenario, const std::string& impl, const std::string& key)
{
    auto s = samples.find(scenario);
    if (s == samples.end())
        return nullptr;
    auto i = s->second.find(impl);
    if (i == s->second.end())
        return nullptr;
    auto k = i->second.find(key);
    return k == i->second.end() ? nullptr : &k->second;
}

double get(const std::string& scenario, const std::string& impl, const std::string& key)
{
    const auto* m = find(scenario, impl, key);
    if (m == nullptr)
        return NAN;
    std::vector<double> v;
    for (const auto& [r, x] : *m)
        v.push_back(x);
    return median(v);
}

// The per-repetition ratios (scenario a, impl a) / (scenario b, impl b)
// for `key`, pairing the samples of the same repetition.
std::vector<double> ratios(const std::string& sa, const std::string& ia, const std::string& sb,
    const std::string& ib, const std::string& key)
{
    const auto* a = find(sa, ia, key);
    const auto* b = find(sb, ib, key);
    std::vector<double> v;
    if (a == nullptr || b == nullptr)
        return v;
    for (const auto& [r, x] : *a)
    {
        auto y = b->find(r);
        if (y != b->end() && y->second != 0)
            v.push_back(x / y->second);
    }
    return v;
}

// The median of ratios(): what the table shows.
double paired(const std::string& sa, const std::string& ia, const std::string& sb, const std::string& ib,
    const std::string& key)
{
    return median(ratios(sa, ia, sb, ib, key));
}

// ratios() and paired() of two implementations in one scenario.
std::vector<double> vs_ratios(const std::string& s, const std::string& impl, const std::string& base,
    const std::string& key)
{
    return ratios(s, impl, s, base, key);
}

double vs(const std::string& s, const std::string& impl, const std::string& base, const std::string& key)
{
    return median(vs_ratios(s, impl, base, key));
}

std::string cell(const row_info& r, const std::string& impl)
{
    const std::string& s = r.id;
    switch (r.k)
    {
    case kind::echo:
    {
        const double rt = get(s, impl, "rt_per_s");
        if (std::isnan(rt))
            return "";
        return rate(rt) + "/s " + ratio(vs(s, impl, "raw", "rt_per_s")) + ", "
            + latency(get(s, impl, "p50_us"), get(s, impl, "p99_us"))
            + ", cpu " + ratio(vs(s, impl, "raw", "server_cpu_ns_per_rt"));
    }
    case kind::scale:
    case kind::churn:
    {
        const char* key = r.k == kind::scale ? "ns_per_rt" : "ns_per_pair";
        const double v = get(s, impl, key);
        if (std::isnan(v))
            return "";
        return us(v) + " " + ratio(vs(s, impl, "raw", key));
    }
    case kind::flat:
        return ratio(paired("scale_10000", impl, "scale_0", impl, "ns_per_rt"));
    case kind::waker_latency:
    {
        const double v = get(s, impl, "wake_p50_us");
        if (std::isnan(v))
            return "";
        return fmt("p50 %.1fus", v) + fmt(" p99 %.0fus", get(s, impl, "wake_p99_us"));
    }
    case kind::waker_rate:
    {
        const double v = get(s, impl, "wakes_per_s");
        if (std::isnan(v))
            return "";
        return rate(v) + "/s " + ratio(vs(s, impl, "raw", "wakes_per_s"));
    }
    case kind::allocs:
    {
        // "TOTAL in CALLS calls (detail)": the detail is under the table.
        auto t = texts[s].find(impl);
        return t == texts[s].end() ? "" : t->second.substr(0, t->second.find(" ("));
    }
    case kind::http:
    {
        // Ratios to Boost.Asio: there is no raw epoll HTTP server.
        const double rq = get(s, impl, "req_per_s");
        if (std::isnan(rq))
            return "";
        return rate(rq) + "/s " + ratio(vs(s, impl, "asio", "req_per_s")) + ", "
            + latency(get(s, impl, "p50_us"), get(s, impl, "p99_us")) + ", cpu "
            + us(get(s, impl, "server_cpu_ns_per_req")) + "/req " + ratio(vs(s, impl, "asio", "server_cpu_ns_per_req"));
    }
    case kind::callgrind:
    {
        const char* key = s == "callgrind" ? "ir_per_rt" : "ir_per_pair";
        const double v = get(s, impl, key);
        if (std::isnan(v))
            return "";
        return fmt("%.0f", v) + " " + ratio(vs(s, impl, "raw", key));
    }
    }
    return "";
}

void load(const char* samples_path, const char* meta_path)
{
    std::ifstream in(samples_path);
    std::string line;
    while (std::getline(in, line))
    {
        std::istringstream ls(line);
        std::string scenario, impl, rep, kv;
        if (!std::getline(ls, scenario, '\t') || !std::getline(ls, impl, '\t') || !std::getline(ls, rep, '\t'))
            continue;
        std::getline(ls, kv);
        if (scenario == "allocs")
        {
            texts[scenario][impl] = kv;
            continue;
        }
        std::istringstream ks(kv);
        std::string pair;
        while (ks >> pair)
        {
            const auto eq = pair.find('=');
            if (eq == std::string::npos)
                continue;
            char* end = nullptr;
            const double v = std::strtod(pair.c_str() + eq + 1, &end);
            if (end != pair.c_str() + eq + 1)
                samples[scenario][impl][pair.substr(0, eq)][std::atoi(rep.c_str())] = v;
        }
    }
    std::ifstream m(meta_path);
    while (std::getline(m, line))
    {
        const auto tab = line.find('\t');
        if (tab != std::string::npos)
            meta[line.substr(0, tab)] = line.substr(tab + 1);
    }
}

// Implementations with at least one result, in table order.
std::vector<impl_info> present()
{
    std::vector<impl_info> out;
    for (const impl_info& i : impls)
    {
        bool any = false;
        for (auto& s : samples)
            any = any || s.second.count(i.id);
        for (auto& s : texts)
            any = any || s.second.count(i.id);
        if (any)
            out.push_back(i);
    }
    return out;
}

std::vector<std::vector<std::string>> table()
{
    std::vector<std::vector<std::string>> t;
    const auto cols = present();
    std::vector<std::string> head{"scenario"};
    for (const auto& c : cols)
        head.push_back(c.name);
    t.push_back(head);
    for (const row_info& r : rows())
    {
        std::vector<std::string> line{r.label};
        bool any = false;
        for (const auto& c : cols)
        {
            line.push_back(cell(r, c.id));
            any = any || !line.back().empty();
        }
        if (any)
            t.push_back(line);
    }
    return t;
}

std::string text_table(const std::vector<std::vector<std::string>>& t)
{
    std::vector<std::size_t> w(t[0].size(), 0);
    for (const auto& r : t)
        for (std::size_t i = 0; i < r.size(); ++i)
            w[i] = std::max(w[i], r[i].size());
    std::ostringstream o;
    for (std::size_t n = 0; n < t.size(); ++n)
    {
        for (std::size_t i = 0; i < t[n].size(); ++i)
            o << (i ? "  " : "") << t[n][i] << std::string(w[i] - t[n][i].size(), ' ');
        o << '\n';
        if (n == 0)
        {
            for (std::size_t i = 0; i < w.size(); ++i)
                o << (i ? "  " : "") << std::string(w[i], '-');
            o << '\n';
        }
    }
    return o.str();
}

std::string markdown_table(const std::vector<std::vector<std::string>>& t)
{
    std::ostringstream o;
    for (std::size_t n = 0; n < t.size(); ++n)
    {
        o << '|';
        for (const auto& c : t[n])
            o << ' ' << c << " |";
        o << '\n';
        if (n == 0)
        {
            o << '|';
            for (std::size_t i = 0; i < t[n].size(); ++i)
                o << (i ? " ---: |" : " --- |");
            o << '\n';
        }
    }
    return o.str();
}

// The README tour loop's count of one configuration (report_tour.hpp).
double tour_ir(const std::string& config)
{
    return get("callgrind_tour", config, "ir_per_rt");
}

// The targets of the issue, checked on the paired ratios of this run.
std::string targets()
{
    std::ostringstream o;
    const char* const verdicts[] = {"met   ", "noise ", "MISSED"};
    auto line = [&](bool known, bool ok, const std::string& what, const std::string& detail) {
        o << "- " << (!known ? "n/a   " : ok ? "met   " : "MISSED") << "  " << what << ": " << detail << '\n';
    };
    // A target made of timed ratios: the worst of their verdicts.
    auto timed_line = [&](std::initializer_list<timed> parts, const std::string& what, const std::string& detail) {
        int worst = 0;
        for (const timed& t : parts)
            worst = t.verdict() < 0 || worst < 0 ? -1 : std::max(worst, t.verdict());
        o << "- " << (worst < 0 ? "n/a   " : verdicts[worst]) << "  " << what << ": " << detail << '\n';
    };
    if (meta["mode"] == "quick")
        o << "(quick run: one repetition per echo cell, so nothing tells a miss from noise; the full run does)\n";
    const double ir_raw = get("callgrind", "raw", "ir_per_rt"), ir_mio = get("callgrind", "mio", "ir_per_rt");
    line(!std::isnan(ir_raw) && !std::isnan(ir_mio), ir_mio <= 1.25 * ir_raw,
        "instructions/round trip <= 1.25 x raw epoll", fmt("%.0f", ir_mio) + " vs " + fmt("%.0f", ir_raw)
            + " (" + ratio(ir_mio / ir_raw) + ")");
    o << report_tour::targets(tour_ir);
    for (const echo_cell& c : echo_cells())
    {
        const std::string& s = c.id;
        const std::string where = "echo " + c.label;
        const timed rt{vs_ratios(s, "mio", "raw", "rt_per_s"), 0.98, true};
        const timed cpu{vs_ratios(s, "mio", "raw", "server_cpu_ns_per_rt"), 1.03, false};
        timed_line({rt}, where + ": throughput >= 0.98 x raw", rt.text());
        timed_line({cpu}, where + ": server CPU/round trip <= 1.03 x raw", cpu.text());
        const timed rta{vs_ratios(s, "mio", "asio", "rt_per_s"), 1, true};
        const timed cpua{vs_ratios(s, "mio", "asio", "server_cpu_ns_per_rt"), 1, false};
        if (c.client_bound)
            // Neither server runs out of work here (both poll through the
            // gaps between messages), so each one's CPU per round trip is
            // the load generator's pace, not its own cost: only the
            // throughput says which server the client could drive faster.
            timed_line({rta}, where + ": throughput ahead of Boost.Asio",
                "throughput " + rta.text() + " of Asio's (CPU " + cpua.text() + ": the client's pace)");
        else
            timed_line({rta, cpua}, where + ": ahead of Boost.Asio",
                "throughput " + rta.text() + " of Asio's, CPU " + cpua.text());
    }
    const timed flat{ratios("scale_10000", "mio", "scale_0", "mio", "ns_per_rt"), 1.05, false};
    timed_line({flat}, "poll scaling flat: 10,000 idle <= 1.05 x 0 idle", flat.text());
    const timed sa0{vs_ratios("scale_0", "mio", "asio", "ns_per_rt"), 1, false};
    const timed sa1{vs_ratios("scale_10000", "mio", "asio", "ns_per_rt"), 1, false};
    timed_line({sa0, sa1}, "poll round trip ahead of Boost.Asio",
        "0 idle " + sa0.text() + ", 10,000 idle " + sa1.text() + " of Asio's time");
    const timed churn{vs_ratios("churn", "mio", "raw", "ns_per_pair"), 1.03, false};
    timed_line({churn}, "registration churn <= 1.03 x raw epoll_ctl", churn.text());
    const timed churn_asio{vs_ratios("churn", "mio", "asio", "ns_per_pair"), 1, false};
    timed_line({churn_asio}, "registration churn ahead of Boost.Asio", churn_asio.text());
    const timed wake{vs_ratios("waker_rate", "mio", "raw", "wakes_per_s"), 4, true};
    timed_line({wake}, "waker: >= 4 x wake() calls/s of an always-write eventfd", wake.text());
    for (const char* conns : http_conns)
    {
        const std::string h = std::string("http_") + conns;
        const timed rq{vs_ratios(h, "mio", "asio", "req_per_s"), 1, true};
        const timed cpu{vs_ratios(h, "mio", "asio", "server_cpu_ns_per_req"), 1, false};
        const std::string where = std::string("HTTP, wrk ") + conns + (std::string(conns) == "1" ? " conn" : " conns");
        timed_line({rq}, where + ": throughput within noise of or ahead of Boost.Asio", rq.text());
        timed_line({cpu}, where + ": server CPU/request below Boost.Asio's", cpu.text());
    }
    const double ia = get("callgrind", "asio", "ir_per_rt");
    line(!std::isnan(ia) && !std::isnan(ir_mio), ir_mio < ia, "instructions/round trip ahead of Boost.Asio",
        ratio(ir_mio / ia));
    auto a = texts["allocs"].find("mio");
    const bool have_allocs = a != texts["allocs"].end();
    line(have_allocs, have_allocs && a->second.rfind("0 ", 0) == 0, "zero steady-state allocations",
        have_allocs ? a->second : std::string("not measured"));
    return o.str();
}

// One bar per implementation and row: speed relative to raw epoll
// (throughput / raw's, or raw's cost / cost), so taller is better.
void chart(const std::string& dir)
{
    const auto cols = present();
    std::ofstream d(dir + "/chart.dat");
    d << "row";
    for (const auto& c : cols)
        d << "\t\"" << c.name << '"';
    d << '\n';
    for (const row_info& r : rows())
    {
        std::string key;
        bool higher_better = false;
        switch (r.k)
        {
        case kind::echo: key = "rt_per_s"; higher_better = true; break;
        case kind::scale: key = "ns_per_rt"; break;
        case kind::churn: key = "ns_per_pair"; break;
        case kind::callgrind: key = r.id == "callgrind" ? "ir_per_rt" : "ir_per_pair"; break;
        default: continue;
        }
        if (find(r.id, "raw", key) == nullptr)
            continue;
        std::string label = r.label.substr(3);
        label = label.substr(0, label.find(':'));
        if (r.k == kind::callgrind)
            label = r.id == "callgrind" ? "instructions/round trip" : "instructions/register";
        d << '"' << label << '"';
        for (const auto& c : cols)
        {
            const double v = vs(r.id, c.id, "raw", key);
            d << '\t' << (std::isnan(v) ? std::string("-") : fmt("%.3f", higher_better ? v : 1 / v));
        }
        d << '\n';
    }
    std::ofstream g(dir + "/chart.gp");
    g << "set terminal svg size 1200,560 dynamic font 'sans,11'\n"
      << "set output '" << dir << "/chart.svg'\n"
      << "set title 'Boost.Mio vs raw epoll and the alternatives (" << meta["date"] << ", " << meta["mode"]
      << " run; 1.0 = raw epoll, higher is better)'\n"
      << "set termoption noenhanced\n"
      << "set style data histograms\nset style histogram clustered gap 1\n"
      << "set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
      << "set datafile missing '-'\nset key outside right top\nset grid ytics\n"
      << "set ylabel 'speed relative to raw epoll'\nset yrange [0:*]\n"
      << "set xtics rotate by -30 left\nset bmargin 8\nset rmargin 12\nset arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2\n"
      << "plot '" << dir << "/chart.dat' using 2:xtic(1) title columnheader(2)";
    for (std::size_t i = 1; i < cols.size(); ++i)
        g << ", '' using " << i + 2 << " title columnheader(" << i + 2 << ")";
    g << '\n';
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 4)
    {
        std::fprintf(stderr, "usage: bench_report SAMPLES.tsv META.tsv OUT_DIR\n");
        return 2;
    }
    load(argv[1], argv[2]);
    const std::string dir = argv[3];
    const auto t = table();
    const auto tour = report_tour::table(tour_ir);
    const std::string txt = text_table(t) + (tour.empty() ? std::string() : "\n" + text_table(tour));
    const std::string tg = targets();
    std::ofstream(dir + "/table.txt") << txt;
    std::ofstream md(dir + "/results.md");
    md << "Measured " << meta["date"] << " on " << meta["machine"] << ", `" << meta["command"] << "` ("
       << meta["mode"] << " run: " << meta["reps"] << " interleaved repetitions, medians; "
       << (meta["pinning"].empty() ? std::string("not pinned") : meta["pinning"]) << ").\n\n"
       << "Each echo cell: round trips/s and its ratio to raw epoll, p50/p99 latency, server CPU per round "
          "trip as a ratio to raw epoll's. Time, CPU and instruction ratios: lower is better; rates: higher is "
          "better. The waker's raw column is an eventfd written on every wake(). Values are medians over the "
          "repetitions; a ratio is the median of the per-repetition ratios (the two samples of one repetition "
          "were taken moments apart; the machine's speed drifts between repetitions).\n\n"
       << markdown_table(t);
    if (!tour.empty())
        md << "\nREADME.md's tour loop (`loops/loop_tour.cpp`: throwing or error_code `wait`, `for (const "
              "event& e : events)`, `read_some(buf, ec)` to would_block, `write_some` of each chunk) in each "
              "build configuration, against the same loop on raw epoll (`loops/loop_tour_raw.c`) at the same "
              "-O level; the library is built at the loop's level:\n\n"
           << markdown_table(tour);
    for (const auto& a : texts["allocs"])
        md << "\nAllocations (" << a.first << " echo server, counting operator new, whole run incl. "
           << "connection set-up): " << a.second << '\n';
    md << "\nTargets (Boost.Mio, paired ratios of this run):\n\n" << tg;
    chart(dir);
    std::cout << txt << "\nTargets (Boost.Mio):\n" << tg;
    return 0;
}
