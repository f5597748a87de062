// Random networks for the search kernel's tests (kernel_test, latency_sweep_test).
#pragma once

#include <random>

#include "network/network.hpp"

namespace lightcone::test {

// A random network: nodes scattered (their Morton order numbers the vertices), edges
// between random pairs (parallel edges allowed, no self-loops), some nodes left isolated.
// tie_heavy: delays from {0, 10, 20, 30} µs and node delays from {0, 5}, so that many
// paths have equal sums; otherwise delays are arbitrary doubles.
inline Network random_network(std::mt19937_64& rng, bool tie_heavy) {
  Network net;
  const std::size_t n = std::uniform_int_distribution<std::size_t>(2, 300)(rng);
  const std::size_t m = std::uniform_int_distribution<std::size_t>(1, n * 3)(rng);
  std::uniform_real_distribution<double> lon(100.0, 101.0), lat(30.0, 31.0), delay(0.0, 50.0);
  for (std::size_t i = 0; i < n; ++i) {
    net.node_pos.push_back(LonLat{lon(rng), lat(rng)});
    net.node_delay_us.push_back(tie_heavy ? 5.0 * static_cast<double>(rng() % 2) : delay(rng) * 0.1);
  }
  std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(n - 1));
  const NodeId isolated = node(rng) / 4;  // nodes below this get no edges
  for (std::size_t k = 0; k < m; ++k) {
    NodeId u = node(rng), v = node(rng);
    if (u == v || u < isolated || v < isolated) continue;
    net.edge_u.push_back(u);
    net.edge_v.push_back(v);
    net.edge_delay_us.push_back(tie_heavy ? 10.0 * static_cast<double>(rng() % 4) : delay(rng));
  }
  return net;
}

}  // namespace lightcone::test
