// A routable network with its sites attached: the network built from lines, edges split
// where sites attach, the attached sites as search sources (offset = entry delay + the
// site's own access link), and the segment index and CSR graph every query needs.
// Plain data plus two query structures; built once per run by prepare_network().
// Delays and offsets are one-way µs.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/latency_model.hpp"
#include "latency/search.hpp"
#include "network/attach.hpp"
#include "network/network.hpp"
#include "network/segment_index.hpp"

namespace lightcone {

struct PreparedNetwork {
  LatencyModel model;
  BuildReport report;
  Network net;
  std::vector<Attachment> site_attach;     // per site
  std::vector<NodeId> site_node;           // per site, kNone when off-network
  std::vector<Source> sources;             // attached sites as search sources
  std::vector<std::uint32_t> source_site;  // source index → site index
  std::unique_ptr<SegmentIndex> index;
  std::unique_ptr<Graph> graph;
};

// Sites to attach: positions and per-site entry delays (NaN = the model's site delay),
// optionally exit delays (site to user; empty or NaN = the entry delay). A source's
// offset is the delay of the model's direction: entry (to-site), exit (from-site), or
// for RTT their mean, so that RTT = 2 x (network + access) + entry + exit.
// REQUIRES: entry_delay_us.size() == pos.size(); exit_delay_us empty or the same size.
struct SitePoints {
  std::span<const LonLat> pos;
  std::span<const double> entry_delay_us;
  std::span<const double> exit_delay_us = {};
};

// Builds the network (build_network), attaches every site to the nearest point of the
// nearest edge within the model's maximum access distance and splits the edge there,
// recomputes components, and builds the index and graph. `sites` may be null.
PreparedNetwork prepare_network(const LineInput& lines, const LatencyModel& model, const BuildOptions& build,
                                const SitePoints* sites);

}  // namespace lightcone
