// Test helper: a copy of a network without some edges (for fibre-cut oracles).
#pragma once

#include <algorithm>
#include <span>

#include "network/network.hpp"

namespace lightcone::test {

inline Network without_edges(const Network& net, std::span<const EdgeId> cut) {
  Network out;
  out.node_pos = net.node_pos;
  out.node_delay_us = net.node_delay_us;
  for (EdgeId e = 0; e < net.edges(); ++e) {
    if (std::find(cut.begin(), cut.end(), e) != cut.end()) continue;
    out.edge_u.push_back(net.edge_u[e]);
    out.edge_v.push_back(net.edge_v[e]);
    out.edge_length_m.push_back(net.edge_length_m[e]);
    out.edge_geom_length_m.push_back(net.edge_geom_length_m[e]);
    out.edge_delay_us.push_back(net.edge_delay_us[e]);
    out.edge_fid.push_back(net.edge_fid[e]);
    const auto g = net.edge_geometry(e);
    out.geom.insert(out.geom.end(), g.begin(), g.end());
    out.edge_geom_first.push_back(static_cast<std::uint32_t>(out.geom.size()));
  }
  return out;
}

}  // namespace lightcone::test
