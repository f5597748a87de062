// The fibre network: nodes and undirected edges as flat columns (dense ids 0..n-1),
// each edge with its polyline geometry, route length and one-way delay.
// Invariants: edge_geom_first.size() == edges()+1; an edge's geometry starts at
// node_pos[edge_u] and ends at node_pos[edge_v]; edge_delay_us >= 0; no self-loops.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/latency_model.hpp"
#include "core/units.hpp"

namespace lightcone {

// Where access (sites, demand, zones) may join an edge: the per-line tap rule of
// DESIGN §3. `by_rule` is only a line's value (no tap field value): build_network
// turns it into `anywhere` or `ends` by the model's no_tap_longer_than.
enum class Tap : std::uint8_t { anywhere, ends, none, by_rule };

struct Network {
  // Nodes.
  std::vector<LonLat> node_pos;
  std::vector<double> node_delay_us;  // delay when a path passes or ends at the node
  // Edges.
  std::vector<NodeId> edge_u;
  std::vector<NodeId> edge_v;
  std::vector<double> edge_length_m;  // fibre route length (field or geodesic) × slack
  std::vector<double> edge_geom_length_m;  // geodesic length of the drawn geometry
  std::vector<double> edge_delay_us;  // one-way fibre delay of the whole edge
  std::vector<std::int64_t> edge_fid;  // source feature id of the line
  // Where access may join each edge (anywhere, ends, none; never by_rule), decided once
  // by build_network from the line's tap field and the model's no_tap_longer_than;
  // split_at keeps it for the parts. Empty: every edge anywhere (networks made by hand).
  std::vector<Tap> edge_tap;
  std::vector<std::uint32_t> edge_geom_first{0};
  std::vector<LonLat> geom;

  Tap tap(EdgeId e) const { return edge_tap.empty() ? Tap::anywhere : edge_tap[e]; }

  std::size_t nodes() const { return node_pos.size(); }
  std::size_t edges() const { return edge_u.size(); }
  std::span<const LonLat> edge_geometry(EdgeId e) const {
    return {geom.data() + edge_geom_first[e], geom.data() + edge_geom_first[e + 1]};
  }
};

// Lines as read from a layer (io fills it): flat vertex array plus per-line columns.
// NaN in an optional column means "not given, use the model's default".
struct LineInput {
  std::vector<LonLat> coords;
  std::vector<std::uint32_t> first{0};   // line i is coords[first[i] .. first[i+1])
  std::vector<std::int64_t> fid;
  std::vector<double> length_m;          // route length from a field, NaN = geodesic
  std::vector<double> group_index;       // NaN = model default
  std::vector<double> slack;             // NaN = model default
  std::vector<double> delay_us;          // extra fixed delay of the line, NaN = 0
  std::vector<Tap> tap;                  // the line's tap field; by_rule = not given

  std::size_t lines() const { return fid.size(); }
  void add_line(std::span<const LonLat> pts, std::int64_t id, double len = kNaN, double n = kNaN,
                double s = kNaN, double d = kNaN) {
    coords.insert(coords.end(), pts.begin(), pts.end());
    first.push_back(static_cast<std::uint32_t>(coords.size()));
    fid.push_back(id);
    length_m.push_back(len);
    group_index.push_back(n);
    slack.push_back(s);
    delay_us.push_back(d);
    tap.push_back(Tap::by_rule);
  }
  static constexpr double kNaN = __builtin_nan("");
};

struct BuildOptions {
  // Line ends closer than this are joined into one node. DEFAULT: 1 m. REQUIRES: >= 0.
  Metres snap{1.0};
  // Split lines at vertices shared by several lines (OSM junctions). DEFAULT: true.
  bool split_shared = true;
};

struct BuildReport {
  std::size_t lines_in = 0;
  std::size_t snapped_ends = 0;          // line ends moved onto another end/vertex
  std::size_t zero_length_edges = 0;     // dropped
  std::size_t loops_cut = 0;             // pieces that close on their start node (rings, loop
                                         // roads), kept as two edges cut at an extra node
  std::size_t self_loops = 0;            // dropped: loops with no vertex of their own to cut
                                         // at (all shared with other lines, no split_shared)
  std::size_t duplicate_edges = 0;       // dropped: same ends and same geometry
  std::size_t dangling_ends = 0;         // degree-1 nodes
  std::vector<std::size_t> components;   // node counts, largest first
  std::vector<std::uint32_t> node_component;  // component index per node (0 = largest)
};

// Builds the routable network: nodes at line ends (snapped within options.snap) and at
// vertices shared by several lines; lines that merely cross are never joined. A line
// that comes back to one of its nodes (a closed ring, a loop road) keeps its geometry:
// the loop is cut at one more node (with no node delay: it is not a hop).
// Delays use the model's group index and slack unless the line gives its own. Each
// edge's tap (where access may join it) is the line's tap when given, else `ends` for
// edges whose route length exceeds model.no_tap_longer_than and `anywhere` otherwise.
Network build_network(const LineInput& lines, const LatencyModel& model,
                      const BuildOptions& options, BuildReport* report);

// Connected components: component index per node, ordered by size (0 = largest,
// ties by smallest node id); sizes returned in `sizes`.
std::vector<std::uint32_t> connected_components(const Network& net, std::vector<std::size_t>* sizes);

}  // namespace lightcone
