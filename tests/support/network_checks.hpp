// Invariants every built Network must satisfy (network.hpp), checked with GoogleTest
// assertions; reports the first few violations only.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "network/network.hpp"
#include "support/oracles.hpp"

namespace lightcone::test {

inline void expect_network_invariants(const Network& net) {
  std::size_t bad = 0;
  std::ostringstream msg;
  msg.precision(17);
  auto fail = [&](auto&&... parts) {
    if (++bad <= 5) {
      (msg << ... << parts);
      msg << "\n";
    }
  };
  ASSERT_EQ(net.node_delay_us.size(), net.nodes());
  ASSERT_EQ(net.edge_v.size(), net.edges());
  ASSERT_EQ(net.edge_length_m.size(), net.edges());
  ASSERT_EQ(net.edge_geom_length_m.size(), net.edges());
  ASSERT_EQ(net.edge_delay_us.size(), net.edges());
  ASSERT_EQ(net.edge_fid.size(), net.edges());
  ASSERT_EQ(net.edge_geom_first.size(), net.edges() + 1);
  ASSERT_EQ(net.edge_geom_first.front(), 0u);
  ASSERT_EQ(net.edge_geom_first.back(), net.geom.size());
  std::vector<int> degree(net.nodes(), 0);
  for (EdgeId e = 0; e < net.edges(); ++e) {
    const NodeId u = net.edge_u[e];
    const NodeId v = net.edge_v[e];
    if (u >= net.nodes() || v >= net.nodes()) {
      fail("edge ", e, " has an end out of range");
      continue;
    }
    ++degree[u];
    ++degree[v];
    if (u == v) fail("edge ", e, " is a self-loop");
    if (net.edge_geom_first[e + 1] < net.edge_geom_first[e] + 2) {
      fail("edge ", e, " has fewer than 2 vertices");
      continue;
    }
    const auto g = net.edge_geometry(e);
    if (!(g.front() == net.node_pos[u]) || !(g.back() == net.node_pos[v]))
      fail("edge ", e, " geometry does not run from node_pos[u] to node_pos[v]");
    const double len = geod_polyline_m(g);
    if (std::abs(len - net.edge_geom_length_m[e]) > 1e-6)
      fail("edge ", e, " geometry length ", net.edge_geom_length_m[e], " != PROJ geodesic ", len);
    if (!(net.edge_delay_us[e] >= 0.0) || !std::isfinite(net.edge_delay_us[e]))
      fail("edge ", e, " delay ", net.edge_delay_us[e]);
    if (!(net.edge_length_m[e] >= 0.0) || !std::isfinite(net.edge_length_m[e]))
      fail("edge ", e, " length ", net.edge_length_m[e]);
  }
  for (NodeId v = 0; v < net.nodes(); ++v)
    if (degree[v] == 0) fail("node ", v, " has no edge");
  std::set<std::pair<double, double>> positions;
  for (LonLat p : net.node_pos)
    if (!positions.insert({p.lon + 0.0, p.lat + 0.0}).second) fail("two nodes at ", p.lon, " ", p.lat);
  EXPECT_EQ(bad, 0u) << msg.str();
}

}  // namespace lightcone::test
