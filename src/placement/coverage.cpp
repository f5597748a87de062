#include "placement/coverage.hpp"

#include <algorithm>
#include <thread>
#include <tuple>

namespace lightcone {

Coverage coverage_from_triples(std::size_t demands, std::size_t sites,
                               std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> triples,
                               double budget_us) {
  std::sort(triples.begin(), triples.end());
  Coverage c;
  c.demands = demands;
  c.sites = sites;
  c.first.assign(demands + 1, 0);
  std::size_t k = 0;
  for (std::uint32_t d = 0; d < demands; ++d) {
    while (k < triples.size() && std::get<0>(triples[k]) == d) {
      const auto [dd, s, l] = triples[k++];
      if (l > budget_us) continue;
      if (!c.site.empty() && c.first[d] < c.site.size() && c.site.back() == s) continue;  // duplicate: sorted, smaller first
      c.site.push_back(s);
      c.latency_us.push_back(l);
    }
    c.first[d + 1] = static_cast<std::uint32_t>(c.site.size());
  }
  return c;
}

Coverage build_coverage(const Network& net, const Graph& graph, const SegmentIndex& index,
                        const LatencyModel& model, AccessFrom mode, std::span<const LonLat> demand,
                        std::span<const Source> candidates, double budget_us, unsigned threads) {
  // Each demand point's ways onto the network (independent of any site): node w and
  // the least access + along-edge cost from the point to w. Inverted by node.
  const std::size_t nd = demand.size();
  std::vector<std::vector<PointLatencyQuery::AccessLeg>> legs(nd);
  {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::jthread> pool;
    auto work = [&](unsigned part) {
      PointLatencyQuery q(net, index, model, mode);
      for (std::size_t d = part; d < nd; d += threads) legs[d] = q.access_legs(demand[d]);
    };
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
  }
  std::vector<std::uint32_t> node_first(net.nodes() + 1, 0);
  for (const auto& l : legs)
    for (const auto& leg : l) ++node_first[leg.node + 1];
  for (std::size_t v = 0; v < net.nodes(); ++v) node_first[v + 1] += node_first[v];
  std::vector<std::uint32_t> leg_demand(node_first.back());
  std::vector<double> leg_cost(node_first.back());
  {
    std::vector<std::uint32_t> fill(node_first.begin(), node_first.end() - 1);
    for (std::uint32_t d = 0; d < nd; ++d)
      for (const auto& leg : legs[d]) {
        const std::uint32_t k = fill[leg.node]++;
        leg_demand[k] = d;
        // The leg's cost includes the node delay of w; a path from a site ending at w
        // already paid it, so subtract it once.
        leg_cost[k] = leg.cost_us - net.node_delay_us[leg.node];
      }
  }
  legs.clear();
  // One bounded search per candidate; per-candidate lists of (demand, latency).
  std::vector<std::vector<std::pair<std::uint32_t, double>>> per_site(candidates.size());
  std::vector<Source> valid;
  std::vector<std::size_t> valid_index;
  for (std::size_t j = 0; j < candidates.size(); ++j)
    if (candidates[j].node != kNone) {
      valid.push_back(candidates[j]);
      valid_index.push_back(j);
    }
  for_each_source(graph, valid, budget_us, threads, [&](std::size_t i, const Search& s) {
    thread_local std::vector<double> best;
    thread_local std::vector<std::uint32_t> touched;
    if (best.size() != nd) best.assign(nd, kUnreached);
    touched.clear();
    for (NodeId w : s.reached()) {
      const double dw = s.latency(w);
      for (std::uint32_t k = node_first[w]; k < node_first[w + 1]; ++k) {
        const double l = dw + leg_cost[k];
        if (l > budget_us) continue;
        const std::uint32_t d = leg_demand[k];
        if (best[d] == kUnreached) touched.push_back(d);
        if (l < best[d]) best[d] = l;
      }
    }
    std::sort(touched.begin(), touched.end());
    auto& out = per_site[valid_index[i]];
    out.reserve(touched.size());
    for (std::uint32_t d : touched) {
      out.emplace_back(d, best[d]);
      best[d] = kUnreached;
    }
  });
  Coverage c;
  c.demands = nd;
  c.sites = candidates.size();
  c.first.assign(nd + 1, 0);
  for (const auto& l : per_site)
    for (const auto& [d, lat] : l) ++c.first[d + 1];
  for (std::size_t d = 0; d < nd; ++d) c.first[d + 1] += c.first[d];
  c.site.resize(c.first.back());
  c.latency_us.resize(c.first.back());
  std::vector<std::uint32_t> fill(c.first.begin(), c.first.end() - 1);
  for (std::uint32_t j = 0; j < per_site.size(); ++j)
    for (const auto& [d, lat] : per_site[j]) {
      const std::uint32_t k = fill[d]++;
      c.site[k] = j;
      c.latency_us[k] = lat;
    }
  return c;
}

}  // namespace lightcone

namespace lightcone {

Coverage restrict_coverage(const Coverage& c, std::span<const double> budget_us) {
  Coverage out;
  out.demands = c.demands;
  out.sites = c.sites;
  out.first.assign(c.demands + 1, 0);
  for (std::size_t d = 0; d < c.demands; ++d) {
    for (std::uint32_t e = c.first[d]; e < c.first[d + 1]; ++e)
      if (c.latency_us[e] <= budget_us[d]) {
        out.site.push_back(c.site[e]);
        out.latency_us.push_back(c.latency_us[e]);
      }
    out.first[d + 1] = static_cast<std::uint32_t>(out.site.size());
  }
  return out;
}

}  // namespace lightcone
