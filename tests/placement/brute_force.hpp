// Independent oracle for the placement tests: a dense demand × site latency matrix and
// brute-force enumeration of every admissible site subset, with the model of
// placement.hpp written out again from its definition (not from placement.cpp):
// - existing sites are free, always open and do not count towards p; required sites are
//   always open, cost money and count; excluded sites never open;
// - LSCP: least total cost of new sites such that every demand has ≥ k open covering
//   sites (and, with capacities, every demand's load can be split fractionally over its
//   open covering sites without exceeding any capacity);
// - MCLP: at most p new sites costing at most `money`; most covered weight (with
//   capacities: Σ weight × served fraction of the load);
// - p-median: exactly min(p, admissible new sites) new sites; least weighted mean latency
//   (with capacities: the least-cost fractional transportation of the loads);
// - p-center: at most p new sites; least worst latency (with capacities: the least
//   threshold t such that all load fits on pairs with latency ≤ t).
// Flows are a plain Bellman–Ford successive-shortest-path min-cost flow on doubles.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <tuple>
#include <vector>

#include "placement/placement.hpp"

namespace lightcone::place_test {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Min-cost flow from node 0 to node 1 by successive shortest paths (Bellman–Ford, so
// negative arc costs are fine as long as there is no negative cycle initially).
class FlowNet {
 public:
  explicit FlowNet(std::size_t n) : m_adj(n) {}
  void arc(std::size_t u, std::size_t v, double cap, double cost) {
    m_adj[u].push_back(m_to.size());
    m_to.push_back(v), m_cap.push_back(cap), m_cost.push_back(cost);
    m_adj[v].push_back(m_to.size());
    m_to.push_back(u), m_cap.push_back(0.0), m_cost.push_back(-cost);
  }
  // Augments along cheapest paths; stops when no path is left or, with
  // stop_at_nonnegative, when the cheapest path costs ≥ 0. Returns {flow, cost}.
  std::pair<double, double> run(bool stop_at_nonnegative) {
    constexpr double kEpsCap = 1e-12;
    const std::size_t n = m_adj.size();
    double flow = 0.0, cost = 0.0;
    for (int guard = 0; guard < 100000; ++guard) {
      std::vector<double> dist(n, kInfinity);
      std::vector<std::size_t> via(n, SIZE_MAX);
      dist[0] = 0.0;
      for (std::size_t round = 0; round < n; ++round) {
        bool changed = false;
        for (std::size_t u = 0; u < n; ++u) {
          if (dist[u] == kInfinity) continue;
          for (std::size_t a : m_adj[u]) {
            if (m_cap[a] <= kEpsCap) continue;
            const double d = dist[u] + m_cost[a];
            if (d < dist[m_to[a]] - 1e-12) {
              dist[m_to[a]] = d;
              via[m_to[a]] = a;
              changed = true;
            }
          }
        }
        if (!changed) break;
      }
      if (dist[1] == kInfinity) break;
      if (stop_at_nonnegative && dist[1] >= -1e-12) break;
      double push = kInfinity;
      for (std::size_t v = 1; v != 0; v = m_to[via[v] ^ 1]) push = std::min(push, m_cap[via[v]]);
      for (std::size_t v = 1; v != 0; v = m_to[via[v] ^ 1]) {
        m_cap[via[v]] -= push;
        m_cap[via[v] ^ 1] += push;
      }
      flow += push;
      cost += push * dist[1];
    }
    return {flow, cost};
  }

 private:
  std::vector<std::vector<std::size_t>> m_adj;
  std::vector<std::size_t> m_to;
  std::vector<double> m_cap, m_cost;
};

struct Instance {
  std::size_t demands = 0, sites = 0;
  std::vector<std::vector<double>> lat;  // [d][s], +inf: s does not cover d
  std::vector<double> weight, load, cost, capacity;  // capacity +inf: none
  std::vector<SiteStatus> status;
  int p = 0;
  int k = 1;
  double money = kInfinity;
  std::size_t rowgen_min_nonzeros = 2'000'000;  // PlacementInput defaults
  std::size_t rowgen_batch = 0;
  bool heuristics = true;  // local search + LP bound before CBC (plain LSCP)
  bool capacitated() const {
    return std::any_of(capacity.begin(), capacity.end(), [](double c) { return std::isfinite(c); });
  }
  double total_weight() const {
    double w = 0.0;
    for (double x : weight) w += x;
    return w;
  }
};

using Subset = std::vector<char>;  // per site

inline std::vector<std::uint32_t> sites_of(const Subset& s) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t j = 0; j < s.size(); ++j)
    if (s[j]) out.push_back(j);
  return out;
}

// Flow network: 0 source, 1 sink, 2 + d demands, 2 + D + j sites. Demand arcs carry the
// load at cost `demand_cost(d)` per unit; pair arcs cost pair_cost(d, j) per unit.
template <class DemandCost, class PairCost>
std::pair<double, double> flow_on(const Instance& in, const Subset& open, double max_lat, bool stop_at_nonnegative,
                                  DemandCost&& demand_cost, PairCost&& pair_cost) {
  FlowNet f(2 + in.demands + in.sites);
  for (std::size_t d = 0; d < in.demands; ++d) {
    f.arc(0, 2 + d, in.load[d], demand_cost(d));
    for (std::size_t j = 0; j < in.sites; ++j)
      if (open[j] && std::isfinite(in.lat[d][j]) && in.lat[d][j] <= max_lat) f.arc(2 + d, 2 + in.demands + j, kInfinity, pair_cost(d, j));
  }
  for (std::size_t j = 0; j < in.sites; ++j)
    if (open[j]) f.arc(2 + in.demands + j, 1, in.capacity[j], 0.0);
  return f.run(stop_at_nonnegative);
}

inline double total_load(const Instance& in) {
  double l = 0.0;
  for (double x : in.load) l += x;
  return l;
}

// Can every demand's whole load be placed on open sites within max_lat?
inline bool loads_fit(const Instance& in, const Subset& open, double max_lat = kInfinity) {
  const auto [flow, cost] = flow_on(in, open, max_lat, false, [](std::size_t) { return 0.0; },
                                    [](std::size_t, std::size_t) { return 0.0; });
  (void)cost;
  return flow >= total_load(in) * (1.0 - 1e-9) - 1e-12;
}

inline int covering_count(const Instance& in, const Subset& open, std::size_t d) {
  int c = 0;
  for (std::size_t j = 0; j < in.sites; ++j) c += open[j] && std::isfinite(in.lat[d][j]);
  return c;
}
inline double nearest(const Instance& in, const Subset& open, std::size_t d) {
  double m = kInfinity;
  for (std::size_t j = 0; j < in.sites; ++j)
    if (open[j]) m = std::min(m, in.lat[d][j]);
  return m;
}

inline bool admissible(const Instance& in, const Subset& open) {
  for (std::size_t j = 0; j < in.sites; ++j) {
    if (in.status[j] == SiteStatus::excluded && open[j]) return false;
    if ((in.status[j] == SiteStatus::existing || in.status[j] == SiteStatus::required) && !open[j]) return false;
  }
  return true;
}
inline int new_count(const Instance& in, const Subset& open) {
  int c = 0;
  for (std::size_t j = 0; j < in.sites; ++j) c += open[j] && in.status[j] != SiteStatus::existing;
  return c;
}
inline double new_cost(const Instance& in, const Subset& open) {
  double c = 0.0;
  for (std::size_t j = 0; j < in.sites; ++j)
    if (open[j] && in.status[j] != SiteStatus::existing) c += in.cost[j];
  return c;
}
inline int admissible_new(const Instance& in) {
  int c = 0;
  for (std::size_t j = 0; j < in.sites; ++j)
    c += in.status[j] == SiteStatus::candidate || in.status[j] == SiteStatus::required;
  return c;
}

// Objective of `open` for `problem` if it is a feasible solution; nullopt-like NaN if not.
inline double evaluate(const Instance& in, Problem problem, const Subset& open) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (!admissible(in, open)) return kNaN;
  const bool cap = in.capacitated();
  switch (problem) {
    case Problem::lscp: {
      for (std::size_t d = 0; d < in.demands; ++d)
        if (covering_count(in, open, d) < in.k) return kNaN;
      if (cap && !loads_fit(in, open)) return kNaN;
      return new_cost(in, open);
    }
    case Problem::mclp: {
      if (new_count(in, open) > in.p || new_cost(in, open) > in.money * (1 + 1e-12)) return kNaN;
      if (!cap) {
        double w = 0.0;
        for (std::size_t d = 0; d < in.demands; ++d) w += covering_count(in, open, d) > 0 ? in.weight[d] : 0.0;
        return w;
      }
      // Most Σ weight/load × served load: cheapest flow with cost −weight/load per unit.
      const auto [flow, cost] = flow_on(in, open, kInfinity, true,
                                        [&](std::size_t d) { return -in.weight[d] / in.load[d]; },
                                        [](std::size_t, std::size_t) { return 0.0; });
      (void)flow;
      return -cost;
    }
    case Problem::pmedian: {
      if (new_count(in, open) != std::min(in.p, admissible_new(in))) return kNaN;
      if (!cap) {
        double s = 0.0;
        for (std::size_t d = 0; d < in.demands; ++d) {
          const double m = nearest(in, open, d);
          if (!std::isfinite(m)) return kNaN;
          s += in.weight[d] * m;
        }
        return s / in.total_weight();
      }
      const auto [flow, cost] = flow_on(in, open, kInfinity, false, [](std::size_t) { return 0.0; },
                                        [&](std::size_t d, std::size_t j) { return in.weight[d] * in.lat[d][j] / in.load[d]; });
      if (flow < total_load(in) * (1.0 - 1e-9) - 1e-12) return kNaN;
      return cost / in.total_weight();
    }
    case Problem::pcenter: {
      if (new_count(in, open) > in.p) return kNaN;
      double worst = 0.0;
      for (std::size_t d = 0; d < in.demands; ++d) worst = std::max(worst, nearest(in, open, d));
      if (!std::isfinite(worst)) return kNaN;
      if (!cap) return worst;
      std::vector<double> values;
      for (std::size_t d = 0; d < in.demands; ++d)
        for (std::size_t j = 0; j < in.sites; ++j)
          if (open[j] && in.lat[d][j] >= worst && std::isfinite(in.lat[d][j])) values.push_back(in.lat[d][j]);
      std::sort(values.begin(), values.end());
      for (double t : values)
        if (loads_fit(in, open, t)) return t;
      return kNaN;
    }
  }
  return kNaN;
}

struct BruteForce {
  bool feasible = false;
  double best = std::numeric_limits<double>::quiet_NaN();
  std::vector<Subset> optima;  // every subset within tolerance of the best
  std::size_t subsets = 0;     // admissible subsets evaluated
};

inline bool same_value(double a, double b, double rel = 1e-6) {
  return std::abs(a - b) <= rel * std::max({1.0, std::abs(a), std::abs(b)});
}

inline BruteForce brute_force(const Instance& in, Problem problem) {
  const bool maximise = problem == Problem::mclp;
  BruteForce out;
  std::vector<std::pair<double, Subset>> all;
  for (std::uint64_t mask = 0; mask < (std::uint64_t{1} << in.sites); ++mask) {
    Subset open(in.sites);
    for (std::size_t j = 0; j < in.sites; ++j) open[j] = (mask >> j) & 1;
    if (!admissible(in, open)) continue;
    ++out.subsets;
    const double v = evaluate(in, problem, open);
    if (std::isnan(v)) continue;
    all.emplace_back(v, std::move(open));
    if (!out.feasible || (maximise ? v > out.best : v < out.best)) out.best = v;
    out.feasible = true;
  }
  for (auto& [v, s] : all)
    if (same_value(v, out.best, 1e-9)) out.optima.push_back(std::move(s));
  return out;
}

// The instance as solver input (coverage from triples, shuffled, with duplicates and
// pairs above the budget that coverage_from_triples must drop).
struct Built {
  Coverage coverage;
  PlacementInput input;
  Built() = default;
  Built(const Built&) = delete;  // input.coverage points at coverage
  Built& operator=(const Built&) = delete;
};
inline void build(Built& b, const Instance& in, Problem problem, std::mt19937_64& rng, double budget = kInfinity) {
  std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> triples;
  std::uniform_real_distribution<double> extra(0.0, 50.0);
  std::bernoulli_distribution coin(0.15);
  for (std::uint32_t d = 0; d < in.demands; ++d)
    for (std::uint32_t j = 0; j < in.sites; ++j) {
      if (std::isfinite(in.lat[d][j])) {
        triples.emplace_back(d, j, in.lat[d][j]);
        if (coin(rng)) triples.emplace_back(d, j, in.lat[d][j] + 1.0 + extra(rng));  // duplicate, larger
      } else if (std::isfinite(budget) && coin(rng)) {
        triples.emplace_back(d, j, budget * 1.0001 + extra(rng));  // above the budget
      }
    }
  std::shuffle(triples.begin(), triples.end(), rng);
  b.coverage = coverage_from_triples(in.demands, in.sites, std::move(triples), budget);
  b.input = PlacementInput{};
  b.input.coverage = &b.coverage;
  b.input.problem = problem;
  b.input.weight = in.weight;
  b.input.load = in.load;
  b.input.cost = in.cost;
  if (in.capacitated()) b.input.capacity = in.capacity;
  b.input.status = in.status;
  b.input.p = in.p;
  b.input.k = in.k;
  b.input.money = in.money;
  b.input.time_limit_s = 60.0;
  b.input.rowgen_min_nonzeros = in.rowgen_min_nonzeros;
  b.input.rowgen_batch = in.rowgen_batch;
  b.input.heuristics = in.heuristics;
}

}  // namespace lightcone::place_test
