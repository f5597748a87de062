#include "placement/survival.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

namespace lightcone {

CutScenarios single_edge_cuts(const Network& net) {
  CutScenarios c;
  for (EdgeId e = 0; e < net.edges(); ++e) {
    c.edges.push_back(e);
    c.first.push_back(static_cast<std::uint32_t>(c.edges.size()));
    c.name.push_back("edge " + std::to_string(e) + " (fid " + std::to_string(net.edge_fid[e]) + ")");
  }
  return c;
}

CutScenarios grouped_cuts(const Network& net, const std::vector<std::string>& edge_group) {
  std::map<std::string, std::vector<EdgeId>> groups;
  CutScenarios c;
  for (EdgeId e = 0; e < net.edges(); ++e) {
    if (edge_group[e].empty()) {
      c.edges.push_back(e);
      c.first.push_back(static_cast<std::uint32_t>(c.edges.size()));
      c.name.push_back("edge " + std::to_string(e) + " (fid " + std::to_string(net.edge_fid[e]) + ")");
    } else {
      groups[edge_group[e]].push_back(e);
    }
  }
  for (const auto& [key, edges] : groups) {
    c.edges.insert(c.edges.end(), edges.begin(), edges.end());
    c.first.push_back(static_cast<std::uint32_t>(c.edges.size()));
    c.name.push_back("group " + key);
  }
  return c;
}

SurvivalRows survival_rows(const Network& net, const Graph& graph, const SegmentIndex& index,
                           const LatencyModel& model, AccessFrom mode, std::span<const LonLat> demand,
                           std::span<const Source> candidates, double budget_us, const Coverage& coverage,
                           const CutScenarios& scenarios, unsigned threads, const Deadline& deadline) {
  const std::size_t nd = demand.size();
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // Set once the deadline has passed: every worker stops at its next check.
  std::atomic<bool> stopped{false};
  auto out_of_time = [&] {
    if (stopped.load(std::memory_order_relaxed)) return true;
    if (deadline.none() || !deadline.expired()) return false;
    stopped.store(true, std::memory_order_relaxed);
    return true;
  };
  SurvivalRows rows;
  {
    std::vector<char> covers(candidates.size(), 0);
    for (const std::uint32_t j : coverage.site) covers[j] = 1;
    for (std::size_t j = 0; j < candidates.size(); ++j) rows.sites_to_search += candidates[j].node != kNone && covers[j];
  }
  // Legs per (node, edge) for every demand point.
  std::vector<std::vector<PointLatencyQuery::AccessLeg>> legs(nd);
  {
    std::vector<std::jthread> pool;
    auto work = [&](unsigned part) {
      PointLatencyQuery q(net, index, model, mode);
      for (std::size_t d = part; d < nd && !out_of_time(); d += threads) legs[d] = q.access_legs(demand[d], true);
    };
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
  }
  auto incomplete = [&] {
    SurvivalRows none;
    none.complete = false;
    none.sites_searched = rows.sites_searched;
    none.sites_to_search = rows.sites_to_search;
    return none;
  };
  if (stopped) return incomplete();
  // Scenarios containing each edge.
  std::vector<std::vector<std::uint32_t>> scen_of_edge(net.edges());
  for (std::uint32_t s = 0; s < scenarios.size(); ++s)
    for (std::uint32_t k = scenarios.first[s]; k < scenarios.first[s + 1]; ++k) scen_of_edge[scenarios.edges[k]].push_back(s);
  // Demands covered by each site.
  std::vector<std::vector<std::uint32_t>> covered_by(candidates.size());
  for (std::uint32_t d = 0; d < coverage.demands; ++d)
    for (std::uint32_t e = coverage.first[d]; e < coverage.first[d + 1]; ++e) covered_by[coverage.site[e]].push_back(d);

  // Latency of demand d from the current search, ignoring legs along cut edges.
  auto latency_of = [&](const Search& s, std::uint32_t d, const std::vector<char>* cut_edge,
                        const PointLatencyQuery::AccessLeg** best_leg) {
    double best = kUnreached;
    for (const auto& leg : legs[d]) {
      if (cut_edge && (*cut_edge)[leg.edge]) continue;
      const double dw = s.latency(leg.node);
      if (dw == kUnreached) continue;
      const double l = dw + leg.cost_us - net.node_delay_us[leg.node];
      if (l < best) {
        best = l;
        if (best_leg) *best_leg = &leg;
      }
    }
    return best;
  };

  std::vector<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> breaks;  // (demand, scenario, site)
  std::mutex breaks_mutex;
  std::atomic<std::size_t> next{0}, searched{0};
  auto work = [&] {
    Search search(graph);
    std::vector<char> cut_edge(net.edges(), 0);
    std::vector<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> local;
    for (std::size_t j; !out_of_time() && (j = next.fetch_add(1)) < candidates.size();) {
      if (candidates[j].node == kNone || covered_by[j].empty()) continue;
      const Source src = candidates[j];
      search.run(std::span(&src, 1), budget_us);
      // Path edges of each covered demand: its access edge and the tree path to j.
      std::map<std::uint32_t, std::vector<std::uint32_t>> demands_of_scenario;
      for (std::uint32_t d : covered_by[j]) {
        const PointLatencyQuery::AccessLeg* leg = nullptr;
        if (latency_of(search, d, nullptr, &leg) > budget_us || leg == nullptr) continue;
        std::vector<EdgeId> path{leg->edge};
        for (NodeId v = leg->node; search.pred_edge(v) != kNone;) {
          const EdgeId e = search.pred_edge(v);
          path.push_back(e);
          v = net.edge_u[e] == v ? net.edge_v[e] : net.edge_u[e];
        }
        std::sort(path.begin(), path.end());
        path.erase(std::unique(path.begin(), path.end()), path.end());
        std::vector<std::uint32_t> scen;
        for (EdgeId e : path) scen.insert(scen.end(), scen_of_edge[e].begin(), scen_of_edge[e].end());
        std::sort(scen.begin(), scen.end());
        scen.erase(std::unique(scen.begin(), scen.end()), scen.end());
        for (std::uint32_t s : scen) demands_of_scenario[s].push_back(d);
      }
      bool whole = true;
      for (const auto& [s, ds] : demands_of_scenario) {
        if (out_of_time()) {
          whole = false;
          break;
        }
        const std::span<const EdgeId> cut(scenarios.edges.data() + scenarios.first[s], scenarios.first[s + 1] - scenarios.first[s]);
        for (EdgeId e : cut) cut_edge[e] = 1;
        search.run(std::span(&src, 1), budget_us, cut);
        for (std::uint32_t d : ds)
          if (latency_of(search, d, &cut_edge, nullptr) > budget_us) local.emplace_back(d, s, static_cast<std::uint32_t>(j));
        for (EdgeId e : cut) cut_edge[e] = 0;
      }
      if (whole) searched.fetch_add(1);
    }
    std::lock_guard lock(breaks_mutex);
    breaks.insert(breaks.end(), local.begin(), local.end());
  };
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
  }
  rows.sites_searched = searched.load();
  if (stopped) return incomplete();
  std::sort(breaks.begin(), breaks.end());
  for (std::size_t i = 0; i < breaks.size();) {
    const auto [d, s, j0] = breaks[i];
    std::vector<std::uint32_t> broken;
    while (i < breaks.size() && std::get<0>(breaks[i]) == d && std::get<1>(breaks[i]) == s) broken.push_back(std::get<2>(breaks[i++]));
    rows.demand.push_back(d);
    rows.scenario.push_back(s);
    for (std::uint32_t e = coverage.first[d]; e < coverage.first[d + 1]; ++e)
      if (!std::binary_search(broken.begin(), broken.end(), coverage.site[e])) rows.sites.push_back(coverage.site[e]);
    rows.first.push_back(static_cast<std::uint32_t>(rows.sites.size()));
  }
  return rows;
}

std::vector<char> survivable_coverage(const Network& net, const Graph& graph, const SegmentIndex& index,
                                      const LatencyModel& model, AccessFrom mode, std::span<const LonLat> demand,
                                      std::span<const Source> sites, double budget_us, const CutScenarios& scenarios,
                                      unsigned threads) {
  const Coverage cov = build_coverage(net, graph, index, model, mode, demand, sites, budget_us, threads);
  const SurvivalRows rows = survival_rows(net, graph, index, model, mode, demand, sites, budget_us, cov, scenarios, threads);
  std::vector<char> ok(demand.size(), 0);
  for (std::size_t d = 0; d < demand.size(); ++d) ok[d] = cov.first[d + 1] > cov.first[d];
  for (std::size_t r = 0; r < rows.rows(); ++r)
    if (rows.first[r + 1] == rows.first[r]) ok[rows.demand[r]] = 0;
  return ok;
}

}  // namespace lightcone
