// Test helpers: a copy of a network without some edges (for fibre-cut oracles), and one
// numbered otherwise (for results that must not depend on the numbering).
#pragma once

#include <algorithm>
#include <numeric>
#include <random>
#include <span>
#include <vector>

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

// The same network with nodes and edges in a random order (node v becomes perm[v]; the
// permutation first, then the edges' order, from `rng`). Each edge keeps its direction
// and geometry, or with `reverse` runs the other way (its geometry reversed too). Per-edge
// columns the network does not fill stay empty.
struct Renumbered {
  Network net;
  std::vector<NodeId> perm;
};
inline Renumbered renumbered(const Network& net, std::mt19937_64& rng, bool reverse = false) {
  Renumbered r;
  r.perm.resize(net.nodes());
  std::iota(r.perm.begin(), r.perm.end(), 0u);
  std::shuffle(r.perm.begin(), r.perm.end(), rng);
  Network& other = r.net;
  other.node_pos.resize(net.nodes());
  other.node_delay_us.resize(net.nodes());
  for (NodeId v = 0; v < net.nodes(); ++v) {
    other.node_pos[r.perm[v]] = net.node_pos[v];
    other.node_delay_us[r.perm[v]] = net.node_delay_us[v];
  }
  std::vector<EdgeId> edges(net.edges());
  std::iota(edges.begin(), edges.end(), 0u);
  std::shuffle(edges.begin(), edges.end(), rng);
  const bool geometry = net.edge_geom_first.size() == net.edges() + 1;
  for (EdgeId e : edges) {
    other.edge_u.push_back(r.perm[reverse ? net.edge_v[e] : net.edge_u[e]]);
    other.edge_v.push_back(r.perm[reverse ? net.edge_u[e] : net.edge_v[e]]);
    other.edge_delay_us.push_back(net.edge_delay_us[e]);
    if (!net.edge_length_m.empty()) other.edge_length_m.push_back(net.edge_length_m[e]);
    if (!net.edge_geom_length_m.empty()) other.edge_geom_length_m.push_back(net.edge_geom_length_m[e]);
    if (!net.edge_fid.empty()) other.edge_fid.push_back(net.edge_fid[e]);
    if (!net.edge_tap.empty()) other.edge_tap.push_back(net.edge_tap[e]);
    if (geometry) {
      const auto g = net.edge_geometry(e);
      if (reverse) {
        other.geom.insert(other.geom.end(), g.rbegin(), g.rend());
      } else {
        other.geom.insert(other.geom.end(), g.begin(), g.end());
      }
      other.edge_geom_first.push_back(static_cast<std::uint32_t>(other.geom.size()));
    }
  }
  return r;
}

}  // namespace lightcone::test
