// Published numbers: Internet2 OS3E (34 nodes, 42 links) with facilities on nodes and
// demand at nodes, latency along links (B. Heller, R. Sherwood, N. McKeown, "The
// Controller Placement Problem", HotSDN 2012; tests/data/os3e-heller2012).
//
// Coverage is built with coverage_from_triples from all-pairs shortest-path latencies of
// lightcone's Search on the network built from os3e.gpkg `links` (default model: WGS 84
// geodesic lengths, n = 1.4682). Heller's table is in miles on a sphere; distances are
// latency / (µs per km) / 1.609344. p-median (unit weights: mean over the 34 nodes,
// hosts count 0) and p-center for k = 1..5 must match the table within 0.5 %, and our
// own enumeration of every k-subset exactly. LSCP with a budget 1 % above our k = 5
// p-center optimum needs exactly 5 sites, 1 % below it more than 5.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/latency_model.hpp"
#include "io/source.hpp"
#include "latency/search.hpp"
#include "network/network.hpp"
#include "placement/placement.hpp"
#include "support/test_data.hpp"

namespace lightcone {
namespace {

constexpr double kKmPerMile = 1.609344;

struct HellerRow {
  double avg_mi = 0.0, worst_mi = 0.0;
};

// k → row of heller2012_optimal_latency_by_k.csv (quoted fields may hold commas).
std::vector<HellerRow> heller_rows() {
  std::ifstream in(test::test_data("os3e-heller2012/heller2012_optimal_latency_by_k.csv"));
  EXPECT_TRUE(in.good());
  std::vector<HellerRow> rows(13);
  std::string line;
  std::getline(in, line);  // header: k,num_placements,opt_avg_latency_miles,...,opt_worst_latency_miles (7th)
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::string cur;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) f.push_back(std::exchange(cur, {}));
      else cur += c;
    }
    f.push_back(cur);
    const int k = std::stoi(f.at(0));
    if (k >= 1 && k <= 12) rows[static_cast<std::size_t>(k)] = {std::stod(f.at(2)), std::stod(f.at(6))};
  }
  return rows;
}

struct Os3e {
  Network net;
  std::vector<std::vector<double>> us;  // [demand node][site node], one-way µs
  double us_per_km = LatencyModel{}.fibre_us_per_km();
  double miles(double us_value) const { return us_value / us_per_km / kKmPerMile; }
};

const Os3e& os3e() {
  static const Os3e o = [] {
    Os3e out;
    const LineLayer links = read_lines(parse_layer_spec(test::test_data("os3e-heller2012/os3e.gpkg:links")), ReadOptions{}, LineFields{});
    BuildReport report;
    out.net = build_network(links.lines, LatencyModel{}, BuildOptions{}, &report);
    const std::size_t n = out.net.nodes();
    const Graph graph(out.net);
    Search search(graph);
    out.us.assign(n, std::vector<double>(n, kUnreached));
    for (NodeId s = 0; s < n; ++s) {
      const Source src{s, 0.0};
      search.run(std::span<const Source>(&src, 1));
      for (NodeId d = 0; d < n; ++d) out.us[d][s] = search.latency(d);
    }
    return out;
  }();
  return o;
}

Coverage all_pairs(const Os3e& o, double budget_us) {
  std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> triples;
  const std::size_t n = o.us.size();
  for (std::uint32_t d = 0; d < n; ++d)
    for (std::uint32_t s = 0; s < n; ++s) triples.emplace_back(d, s, o.us[d][s]);
  return coverage_from_triples(n, n, std::move(triples), budget_us);
}

// Every k-subset of the nodes: least mean and least worst nearest-site latency (µs).
struct Enumerated {
  double best_mean = std::numeric_limits<double>::infinity();
  double best_worst = std::numeric_limits<double>::infinity();
  std::size_t subsets = 0;
};
void enumerate(const Os3e& o, std::size_t k, std::size_t from, std::vector<double>& nearest, Enumerated& e) {
  const std::size_t n = o.us.size();
  if (k == 0) {
    double sum = 0.0, worst = 0.0;
    for (double v : nearest) sum += v, worst = std::max(worst, v);
    e.best_mean = std::min(e.best_mean, sum / static_cast<double>(n));
    e.best_worst = std::min(e.best_worst, worst);
    ++e.subsets;
    return;
  }
  for (std::size_t s = from; s + k <= n; ++s) {
    std::vector<double> next = nearest;
    for (std::size_t d = 0; d < n; ++d) next[d] = std::min(next[d], o.us[d][s]);
    enumerate(o, k - 1, s + 1, next, e);
  }
}

TEST(PlacementOs3eHeller2012, PmedianAndPcenterForOneToFiveSites) {
  const Os3e& o = os3e();
  ASSERT_EQ(o.net.nodes(), 34u);
  ASSERT_EQ(o.net.edges(), 42u);
  for (const auto& row : o.us)
    for (double v : row) ASSERT_TRUE(std::isfinite(v));
  const std::vector<HellerRow> heller = heller_rows();
  const Coverage cov = all_pairs(o, kUnreached);
  ASSERT_EQ(cov.entries(), 34u * 34u);
  double max_dev_avg = 0.0, max_dev_worst = 0.0;
  for (int k = 1; k <= 5; ++k) {
    SCOPED_TRACE("k = " + std::to_string(k));
    PlacementInput in;
    in.coverage = &cov;
    in.p = k;
    in.problem = Problem::pmedian;
    const PlacementResult median = solve_placement(in);
    in.problem = Problem::pcenter;
    const PlacementResult center = solve_placement(in);
    ASSERT_EQ(median.status, SolveStatus::optimal) << median.reason;
    ASSERT_EQ(center.status, SolveStatus::optimal) << center.reason;
    EXPECT_EQ(median.open.size(), static_cast<std::size_t>(k));
    EXPECT_LE(center.open.size(), static_cast<std::size_t>(k));
    EXPECT_EQ(median.gap, 0.0);
    EXPECT_EQ(center.gap, 0.0);

    std::vector<double> nearest(34, kUnreached);
    Enumerated e;
    enumerate(o, static_cast<std::size_t>(k), 0, nearest, e);
    EXPECT_NEAR(median.objective, e.best_mean, 1e-9 * e.best_mean);
    EXPECT_NEAR(center.objective, e.best_worst, 1e-9 * e.best_worst);

    const double avg_mi = o.miles(median.objective), worst_mi = o.miles(center.objective);
    const HellerRow& h = heller[static_cast<std::size_t>(k)];
    const double dev_avg = avg_mi / h.avg_mi - 1.0, dev_worst = worst_mi / h.worst_mi - 1.0;
    max_dev_avg = std::max(max_dev_avg, std::abs(dev_avg));
    max_dev_worst = std::max(max_dev_worst, std::abs(dev_worst));
    std::printf("[ placement ] OS3E k=%d: p-median %.2f mi (Heller %.2f, %+.3f %%), p-center %.2f mi (Heller %.2f, %+.3f %%), %zu subsets enumerated\n",
                k, avg_mi, h.avg_mi, 100 * dev_avg, worst_mi, h.worst_mi, 100 * dev_worst, e.subsets);
    EXPECT_NEAR(avg_mi, h.avg_mi, 0.005 * h.avg_mi);
    EXPECT_NEAR(worst_mi, h.worst_mi, 0.005 * h.worst_mi);
  }
  std::printf("[ placement ] OS3E max deviation from Heller 2012: average %.3f %%, worst case %.3f %%\n",
              100 * max_dev_avg, 100 * max_dev_worst);
}

TEST(PlacementOs3eHeller2012, LscpAroundTheFiveSiteWorstCase) {
  const Os3e& o = os3e();
  const Coverage all = all_pairs(o, kUnreached);
  PlacementInput pc;
  pc.coverage = &all;
  pc.problem = Problem::pcenter;
  pc.p = 5;
  const PlacementResult center = solve_placement(pc);
  ASSERT_EQ(center.status, SolveStatus::optimal);
  const double t = center.objective;
  for (double factor : {1.01, 0.99}) {
    SCOPED_TRACE("budget factor " + std::to_string(factor));
    const Coverage cov = all_pairs(o, factor * t);
    PlacementInput in;
    in.coverage = &cov;
    in.problem = Problem::lscp;
    const PlacementResult r = solve_placement(in);
    ASSERT_EQ(r.status, SolveStatus::optimal) << r.reason;
    EXPECT_EQ(r.objective, static_cast<double>(r.open.size()));
    std::printf("[ placement ] OS3E LSCP at %.2f x %.2f mi: %zu sites\n", factor, o.miles(t), r.open.size());
    if (factor > 1) {
      EXPECT_EQ(r.open.size(), 5u);
    } else {
      EXPECT_GT(r.open.size(), 5u);
    }
    // Every node within the budget of an open site.
    for (std::size_t d = 0; d < 34; ++d) {
      EXPECT_NE(r.assigned[d], kNone);
      if (r.assigned[d] != kNone) {
        EXPECT_LE(o.us[d][r.assigned[d]], factor * t);
      }
    }
  }
}

}  // namespace
}  // namespace lightcone
