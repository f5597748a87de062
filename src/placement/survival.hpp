// Survivable coverage: which candidate sites still reach a demand point within the
// budget after a fibre cut. A cut scenario is a set of edges failing together (one edge,
// or a shared-risk group). For every demand d and every scenario c that breaks at least
// one of d's covering sites, a row lists the sites that still cover d under c; a plan
// survives when every such row has an open site (rows are added to the covering model).
// Only scenarios cutting an edge on a (site → demand) shortest path or the demand's
// access edge can break coverage, so only those are searched again.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "placement/coverage.hpp"
#include "placement/deadline.hpp"

namespace lightcone {

struct CutScenarios {
  std::vector<std::uint32_t> first{0};  // scenario s = edges[first[s] .. first[s+1])
  std::vector<EdgeId> edges;
  std::vector<std::string> name;        // "edge 12 (fid 7)" or the group value
  std::size_t size() const { return name.size(); }
};

// Every edge on its own.
CutScenarios single_edge_cuts(const Network& net);
// Edges grouped by a per-edge key (e.g. a shared-risk group field); empty keys make
// single-edge scenarios.
CutScenarios grouped_cuts(const Network& net, const std::vector<std::string>& edge_group);

struct SurvivalRows {
  std::vector<std::uint32_t> demand;    // per row
  std::vector<std::uint32_t> scenario;  // per row
  std::vector<std::uint32_t> first{0};  // row r: sites[first[r] .. first[r+1])
  std::vector<std::uint32_t> sites;     // sites still covering the demand under the cut
  std::size_t rows() const { return demand.size(); }
  // False when the deadline stopped the build: then there are no rows at all (a part of
  // them would let a plan pass that some cut breaks), and the counts say how far it got.
  bool complete = true;
  std::size_t sites_searched = 0;  // candidate sites whose cuts were searched
  std::size_t sites_to_search = 0; // candidate sites on the network that cover some demand
};

// `deadline` (wall time; DEFAULT: none) is checked before each demand point's access
// legs, each candidate site and each cut scenario's search: once it has passed, the
// build stops within one search and returns no rows, complete = false.
SurvivalRows survival_rows(const Network& net, const Graph& graph, const SegmentIndex& index,
                           const LatencyModel& model, AccessFrom mode, std::span<const LonLat> demand,
                           std::span<const Source> candidates, double budget_us, const Coverage& coverage,
                           const CutScenarios& scenarios, unsigned threads = 0, const Deadline& deadline = {});

// Per demand: 1 when some site covers it within budget_us and, under every cut scenario,
// some site still does; else 0. Sources with node kNone are ignored (closed sites).
std::vector<char> survivable_coverage(const Network& net, const Graph& graph, const SegmentIndex& index,
                                      const LatencyModel& model, AccessFrom mode, std::span<const LonLat> demand,
                                      std::span<const Source> sites, double budget_us, const CutScenarios& scenarios,
                                      unsigned threads = 0);

}  // namespace lightcone
