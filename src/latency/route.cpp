#include "latency/route.hpp"

#include <algorithm>

namespace lightcone {
namespace {

double fibre_km_of(const Network& net, EdgeId e, double geom_m) {
  const double g = net.edge_geom_length_m[e];
  return (g > 0 ? net.edge_length_m[e] * geom_m / g : net.edge_length_m[e]) / 1000.0;
}

}  // namespace

RouteBreakdown route_between(const Network& net, const Graph& graph, const SegmentIndex& index,
                             const LatencyModel& model, LonLat from, LonLat to, AccessFrom mode) {
  RouteBreakdown out;
  PointLatencyQuery query(net, index, model, mode);
  const auto legs = query.access_legs(from);
  out.start_within_access = !legs.empty();
  std::vector<Source> sources;
  for (const auto& leg : legs) sources.push_back(Source{leg.node, leg.cost_us});
  Search search(graph);
  search.run(sources);
  std::vector<double> us(graph.nodes(), kUnreached);
  std::vector<std::uint32_t> src(graph.nodes(), kNone);
  for (NodeId v : search.reached()) {
    us[v] = search.latency(v);
    src[v] = search.source_of(v);
  }
  const PointLatency end = query.evaluate(to, us, src);
  out.end_within_access = end.within_access;

  // Both points near the same edge: the route may stay on that edge between the two
  // access points instead of passing a node. With q1 at s1 and q2 at s2 ≥ s1 along the
  // edge, the cost separates into from's best leg towards v plus to's best leg from u,
  // minus the edge's delay (and mirrored for s2 ≤ s1).
  struct Direct {
    double total = kUnreached;
    const PointLatencyQuery::AccessLeg* a = nullptr;
    const PointLatencyQuery::AccessLeg* b = nullptr;
  } direct;
  const auto from_legs = query.access_legs(from, true);
  const auto to_legs = query.access_legs(to, true);
  for (const auto& la : from_legs)
    for (const auto& lb : to_legs) {
      if (la.edge != lb.edge || la.node == lb.node) continue;
      // la heads to la.node, lb comes from lb.node (the other end): a runs towards b.
      const EdgeId e = la.edge;
      const bool a_to_v = la.node == net.edge_v[e];
      const bool ordered = a_to_v ? la.along_m <= lb.along_m : la.along_m >= lb.along_m;
      if (!ordered) continue;
      const double total = (la.cost_us - net.node_delay_us[la.node]) + (lb.cost_us - net.node_delay_us[lb.node]) -
                           net.edge_delay_us[e];
      if (total < direct.total) direct = {total, &la, &lb};
    }
  if (direct.a && direct.total < end.latency_us) {
    const auto& la = *direct.a;
    const auto& lb = *direct.b;
    out.found = true;
    out.total_us = direct.total;
    out.access_us = la.access_us + lb.access_us;
    out.access_km = (la.access_m + lb.access_m) / 1000.0;
    out.fibre_us = out.total_us - out.access_us;
    out.fibre_km = fibre_km_of(net, la.edge, std::abs(lb.along_m - la.along_m));
    out.path.push_back(from);
    for (LonLat p : edge_part(net, la.edge, la.along_m, lb.along_m)) out.path.push_back(p);
    out.path.push_back(to);
    return out;
  }
  if (end.latency_us == kUnreached) return out;
  out.found = true;
  out.total_us = end.latency_us;

  // Walk the shortest-path tree back from the end's via node to the start leg's node.
  std::vector<EdgeId> edges;
  NodeId v = end.via;
  for (EdgeId e; (e = search.pred_edge(v)) != kNone;) {
    edges.push_back(e);
    v = net.edge_u[e] == v ? net.edge_v[e] : net.edge_u[e];
  }
  std::reverse(edges.begin(), edges.end());
  const auto& start = legs[src[end.via]];

  out.path.push_back(from);
  const double start_end_m = net.edge_u[start.edge] == start.node ? 0.0 : net.edge_geom_length_m[start.edge];
  for (LonLat p : edge_part(net, start.edge, start.along_m, start_end_m)) out.path.push_back(p);
  out.fibre_km += fibre_km_of(net, start.edge, std::abs(start_end_m - start.along_m));
  out.node_delay_us += net.node_delay_us[start.node];
  out.hops = 1;
  NodeId at = start.node;
  for (EdgeId e : edges) {
    const bool forward = net.edge_u[e] == at;
    const auto g = net.edge_geometry(e);
    if (forward) out.path.insert(out.path.end(), g.begin() + 1, g.end());
    else out.path.insert(out.path.end(), g.rbegin() + 1, g.rend());
    at = forward ? net.edge_v[e] : net.edge_u[e];
    out.fibre_km += net.edge_length_m[e] / 1000.0;
    out.node_delay_us += net.node_delay_us[at];
    ++out.hops;
  }
  const double end_start_m = net.edge_u[end.edge] == end.via ? 0.0 : net.edge_geom_length_m[end.edge];
  const auto tail = edge_part(net, end.edge, end_start_m, end.along_m);
  out.path.insert(out.path.end(), tail.begin() + 1, tail.end());
  out.path.push_back(to);
  out.fibre_km += fibre_km_of(net, end.edge, std::abs(end.along_m - end_start_m));
  out.access_us = start.access_us + end.access_us;
  out.access_km = (start.access_m + end.access_m) / 1000.0;
  out.fibre_us = out.total_us - out.access_us - out.node_delay_us;
  return out;
}

}  // namespace lightcone
