// A plan in parts and their merge (plan/parts.hpp).
#include "plan/parts.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>

#include "core/error.hpp"
#include "core/longitude.hpp"
#include "core/spatial_order.hpp"
#include "io/write.hpp"
#include "latency/point_latency.hpp"
#include "network/geodesic.hpp"
#include "network/projection.hpp"
#include "plan/scenario_detail.hpp"
#include "report/json_text.hpp"
#include "report/run_info.hpp"
#include "zones/surface.hpp"
#include "zones/zones.hpp"

namespace lightcone {
namespace {

static_assert(std::endian::native == std::endian::little, "coverage.bin is little endian, as this host");

constexpr char kMagic[8] = {'L', 'C', 'P', 'A', 'R', 'T', '1', '\0'};
constexpr char kDemandMagic[8] = {'L', 'C', 'D', 'E', 'M', 'N', 'D', '1'};
constexpr char kSurfaceMagic[8] = {'L', 'C', 'S', 'U', 'R', 'F', '1', '\0'};
constexpr char kZonesMagic[8] = {'L', 'C', 'Z', 'O', 'N', 'E', 'S', '1'};
static_assert(sizeof(LonLat) == 16, "zones.bin stores (lon, lat) as two f64");
constexpr const char* kOpenSitesFormat = "lightcone open sites 1";
constexpr int kWholeLayerAfter = 4;  // halo widenings before the whole layer is read
constexpr double kFirstReach = 0.8;  // the first halo's reach, as a share of the straight-line reach

using Json = nlohmann::ordered_json;

// Degrees of a box grown by `m` metres on every side, never smaller than the metres
// (a degree of latitude is at least 110,574 m; of longitude at least 111,319 m × cos φ
// at the box's most poleward latitude φ). Past a pole or 360°: the whole range.
LonLatBox grow(const LonLatBox& b, double m) {
  LonLatBox g = b;
  const double dlat = m / 110574.0;
  g.min.lat = std::max(-90.0, b.min.lat - dlat);
  g.max.lat = std::min(90.0, b.max.lat + dlat);
  const double pole = std::max(std::fabs(g.min.lat), std::fabs(g.max.lat));
  const double c = std::cos(pole * M_PI / 180.0);
  const double dlon = c > 1e-9 ? m / (111319.0 * c) : 360.0;
  if (b.max.lon - b.min.lon + 2.0 * dlon >= 360.0) {
    g.min.lon = -180.0;
    g.max.lon = 180.0;
  } else {
    g.min.lon = b.min.lon - dlon;
    g.max.lon = b.max.lon + dlon;
  }
  return g;
}

bool inside(LonLat p, const LonLatBox& b) {
  if (p.lat < b.min.lat || p.lat > b.max.lat) return false;
  const double width = b.max.lon - b.min.lon;
  if (width >= 360.0) return true;
  const double off = std::fmod(std::fmod(p.lon - b.min.lon, 360.0) + 360.0, 360.0);
  return off <= width;
}

// At most the geodesic distance from p (inside b) to any point outside b (metres).
double room(LonLat p, const LonLatBox& b) {
  double m = std::min(p.lat - b.min.lat, b.max.lat - p.lat) * 110574.0;
  if (b.max.lon - b.min.lon < 360.0) {
    const double off = std::fmod(std::fmod(p.lon - b.min.lon, 360.0) + 360.0, 360.0);
    const double pole = std::max(std::fabs(b.min.lat), std::fabs(b.max.lat));
    m = std::min(m, std::min(off, b.max.lon - b.min.lon - off) * 111319.0 * std::cos(pole * M_PI / 180.0));
  }
  return std::max(0.0, m);
}

ReadOptions::Box read_box(const LonLatBox& b) { return {b.min.lon, b.min.lat, b.max.lon, b.max.lat}; }

Json box_json(const LonLatBox& b) { return Json::array({b.min.lon, b.min.lat, b.max.lon, b.max.lat}); }

// The lines in ascending FID order, as a whole-layer read of a GeoPackage, Shapefile or
// FlatGeobuf gives them (a spatially filtered read may follow its index instead): the
// network build takes a snapped node's position from its first vertex.
void sort_lines_by_fid(LineLayer& layer) {
  LineInput& in = layer.lines;
  const std::size_t n = in.lines();
  if (std::is_sorted(in.fid.begin(), in.fid.end())) return;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return in.fid[a] < in.fid[b]; });
  LineInput out;
  for (std::size_t i : order) {
    out.add_line(std::span<const LonLat>(in.coords.data() + in.first[i], in.first[i + 1] - in.first[i]), in.fid[i],
                 in.length_m[i], in.group_index[i], in.slack[i], in.delay_us[i]);
    out.tap.back() = in.tap[i];
  }
  if (!layer.risk_group.empty()) {
    std::vector<std::string> groups(n);
    for (std::size_t k = 0; k < n; ++k) groups[k] = layer.risk_group[order[k]];
    layer.risk_group = std::move(groups);
  }
  in = std::move(out);
}

// A disc of points a part evaluates besides its demand points (a tile of the surface):
// every point within radius_m of centre.
struct Probe {
  LonLat centre;
  double radius_m = 0.0;
};

// The radius around a probe's centre within which an edge piece may carry an access leg
// (or a zone buffer) for the probe's points: its disc and max access `A`, with room.
double probe_query_m(const Probe& pr, double A) { return (pr.radius_m + A) * 1.01 + 10.0; }

// One attempt of a part on the network as read: the sites attached, the halo checked,
// the candidates to search. Empty `candidates` when the halo was too small.
struct Attempt {
  PreparedNetwork prepared;
  std::vector<std::uint32_t> site_of;  // attached site index → index in the sites layer
  std::vector<Source> candidates;      // by index in the sites layer
  std::size_t searched = 0;
  std::size_t seeds = 0, reached = 0;
  bool halo_ok = false;
};

Attempt attempt(const Scenario& s, const ScenarioRun& R, std::span<const LonLat> pos, std::span<const Probe> probes,
                const LonLatBox& region,
                double reach_m, bool whole, double budget_us, Progress& progress) {
  const LatencyModel& m = s.model;
  const double A = m.max_access.value;
  Attempt a;
  // Sites near enough to split an edge the part may use.
  const LonLatBox attach_box = grow(region, reach_m + 2.0 * A);
  std::vector<LonLat> site_pos;
  std::vector<double> entry, exit;
  for (std::size_t i = 0; i < R.sites.pos.size(); ++i) {
    if (!whole && !inside(R.sites.pos[i], attach_box)) continue;
    a.site_of.push_back(static_cast<std::uint32_t>(i));
    site_pos.push_back(R.sites.pos[i]);
    entry.push_back(R.sites.entry_delay_us[i]);
    if (!R.sites.exit_delay_us.empty()) exit.push_back(R.sites.exit_delay_us[i]);
  }
  const SitePoints points{site_pos, entry, exit};
  a.prepared = prepare_network(R.lines.lines, m, s.network.build, &points);
  const PreparedNetwork& P = a.prepared;
  a.candidates.assign(R.sites.pos.size(), Source{kNone, 0.0});
  if (P.net.edges() == 0 || (pos.empty() && probes.empty())) {
    a.halo_ok = true;
    return a;
  }
  progress.phase("checking the halo");
  // Per edge end: the latency from that end along the edge to its last vertex before the
  // first one outside the inner box (infinity when the edge stays inside). No search
  // within the budget may get that far.
  const LonLatBox inner = grow(region, reach_m + A);
  const LonLatBox near = grow(region, A);  // every access point of the part's demand lies in it
  double max_node_delay = 0.0;
  for (double d : P.net.node_delay_us) max_node_delay = std::max(max_node_delay, d);
  // The search below runs from the demand side, so it counts node delays at the other
  // end: the budget plus twice the largest node delay, and 1 µs for rounding.
  const double bound = budget_us + 2.0 * max_node_delay + 1.0;
  std::vector<double> exit_from_u(P.net.edges(), kUnreached), exit_from_v(P.net.edges(), kUnreached);
  if (!whole) {
    for (EdgeId e = 0; e < P.net.edges(); ++e) {
      const auto g = P.net.edge_geometry(e);
      if (std::all_of(g.begin(), g.end(), [&](LonLat p) { return inside(p, inner); })) continue;
      const double total = geodesic_length_m(g);
      const double us_per_m = total > 0.0 ? P.net.edge_delay_us[e] / total : 0.0;
      // An access leg runs along one edge from a point near a demand point to an end: on
      // an edge that meets `near` and leaves the inner box it covers at least reach_m
      // before it is out, at this edge's µs per metre.
      const LonLatBox gb = LonLatBox::covering(g);
      const bool meets_near = std::any_of(g.begin(), g.end(), [&](LonLat p) { return inside(p, near); }) ||
                              (gb.min.lat <= near.max.lat && gb.max.lat >= near.min.lat &&
                               gb.min.lon <= near.max.lon && gb.max.lon >= near.min.lon);
      if (meets_near && us_per_m * reach_m <= bound) return a;  // halo too small
      double along = 0.0;
      for (std::size_t k = 0; k < g.size(); ++k) {
        if (k > 0) along += geodesic_distance_m(g[k - 1], g[k]);
        if (!inside(g[k], inner)) {
          exit_from_u[e] = k == 0 ? 0.0 : (along - geodesic_distance_m(g[k - 1], g[k]) + room(g[k - 1], inner)) * us_per_m;
          break;
        }
      }
      along = 0.0;
      for (std::size_t k = g.size(); k-- > 0;) {
        if (k + 1 < g.size()) along += geodesic_distance_m(g[k + 1], g[k]);
        if (!inside(g[k], inner)) {
          exit_from_v[e] =
              k + 1 == g.size() ? 0.0 : (along - geodesic_distance_m(g[k + 1], g[k]) + room(g[k + 1], inner)) * us_per_m;
          break;
        }
      }
    }
  }
  std::vector<double> node_exit(P.net.nodes(), kUnreached);  // the nearest exit along an edge
  for (EdgeId e = 0; e < P.net.edges(); ++e) {
    node_exit[P.net.edge_u[e]] = std::min(node_exit[P.net.edge_u[e]], exit_from_u[e]);
    node_exit[P.net.edge_v[e]] = std::min(node_exit[P.net.edge_v[e]], exit_from_v[e]);
  }
  // Every node within the budget of a demand point of the part, from below: access legs
  // at lower bounds (leg_floors: per block of nearby points), the budget plus twice the
  // largest node delay (a search from the demand side counts node delays at the other
  // end) and 1 µs.
  std::vector<double> seed_us(P.net.nodes(), kUnreached);  // per node: the lowest bound of any leg
  leg_floors(P.net, *P.index, P.model, pos, seed_us);
  // A probe's points: both ends of every edge with a piece within max access of the
  // disc, each at the fibre along the edge from the piece to that end (a lower bound of
  // any access leg from the disc through that end: the leg joins the edge on a piece
  // within max access; and of the latency an end may have for a zone's buffer on such
  // a piece, which needs the end's latency plus that fibre within the budget). 1e-9 of
  // room for the float.
  std::vector<std::uint32_t> scratch;
  for (const Probe& pr : probes) {
    P.index->query(pr.centre, probe_query_m(pr, A), scratch, [&](std::uint32_t id) {
      const Piece piece = P.index->piece(id);
      const EdgeId e = piece.edge;
      const double G = P.net.edge_geom_length_m[e];
      const double rate = G > 0 ? P.net.edge_delay_us[e] / G : 0.0;
      const double to_u = std::max(0.0, rate * piece.along_m * (1.0 - 1e-9));
      const double to_v = std::max(0.0, rate * (G - piece.along_m - piece.length_m) * (1.0 - 1e-9));
      seed_us[P.net.edge_u[e]] = std::min(seed_us[P.net.edge_u[e]], to_u);
      seed_us[P.net.edge_v[e]] = std::min(seed_us[P.net.edge_v[e]], to_v);
    });
  }
  std::vector<Source> seeds;
  for (NodeId v = 0; v < P.net.nodes(); ++v)
    if (seed_us[v] < kUnreached) seeds.push_back(Source{v, seed_us[v]});
  Search search(*P.graph);
  search.run(seeds, bound);
  a.seeds = seeds.size();
  std::vector<char> reached(P.net.nodes(), 0);
  const auto settled = search.reached();
  const auto settled_us = search.reached_latency();
  for (std::size_t k = 0; k < settled.size(); ++k) {
    if (settled_us[k] + node_exit[settled[k]] <= bound) return a;  // halo too small
    reached[settled[k]] = 1;
  }
  a.reached = search.reached().size();
  for (std::size_t k = 0; k < P.sources.size(); ++k) {
    if (!reached[P.sources[k].node]) continue;
    a.candidates[a.site_of[P.source_site[k]]] = P.sources[k];
    ++a.searched;
  }
  a.halo_ok = true;
  return a;
}

// A part's binary file read straight into arrays (no copy of the whole file in memory):
// take() reads n bytes; bad() is the InputError naming the file, what it should be, why
// not and the fix.
class BinaryIn {
 public:
  BinaryIn(const std::string& path, std::string what, std::string fix)
      : m_path(path), m_what(std::move(what)), m_fix(std::move(fix)), m_f(path, std::ios::binary | std::ios::ate) {
    if (!m_f) throw bad("cannot read it");
    m_size = static_cast<std::uint64_t>(m_f.tellg());
    m_f.seekg(0);
  }
  std::uint64_t size() const { return m_size; }
  void take(void* p, std::uint64_t n) {
    if (!m_f.read(static_cast<char*>(p), static_cast<std::streamsize>(n))) throw bad("it ends early");
  }
  // The 8-byte magic, e.g. "LCPART1".
  void magic(const char (&m)[8]) {
    char got[8];
    take(got, 8);
    if (std::memcmp(got, m, 8) != 0) throw bad(fmt::format("no {} header", std::string(m, strnlen(m, 8))));
  }
  InputError bad(const std::string& why) const {
    return InputError(about_file(m_path), {m_path + " is no lightcone " + m_what + " (" + why + "). " + m_fix});
  }

 private:
  std::string m_path, m_what, m_fix;
  std::ifstream m_f;
  std::uint64_t m_size = 0;
};

// A part's binary file written array by array; close() throws when it could not be.
class BinaryOut {
 public:
  explicit BinaryOut(std::string path) : m_path(std::move(path)), m_f(m_path, std::ios::binary | std::ios::trunc) {}
  void put(const void* p, std::size_t bytes) { m_f.write(static_cast<const char*>(p), static_cast<std::streamsize>(bytes)); }
  void close() {
    m_f.close();
    if (!m_f) {
      throw InputError(about_file(m_path), {"cannot write " + m_path + " (disk full, or no permission?). Free space or "
                                            "give another --out."});
    }
  }

 private:
  std::string m_path;
  std::ofstream m_f;
};

// coverage.bin of a part, read and checked.
struct PartRows {
  std::uint64_t demand_total = 0, sites_total = 0;
  std::vector<std::uint32_t> demand;
  Coverage rows;
};

// `index_only`: the counts, demand indices and row offsets, not the sites and latencies.
PartRows read_rows(const std::string& path, bool index_only = false) {
  BinaryIn f(path, "part's coverage", "Run `lightcone plan SCENARIO --parts N --part I --out PARTDIR` again.");
  const auto bad = [&](const std::string& why) { return f.bad(why); };
  const auto take = [&](void* p, std::uint64_t n) { f.take(p, n); };
  const std::uint64_t size = f.size();
  f.magic(kMagic);
  PartRows r;
  std::uint64_t n = 0, entries = 0;
  take(&r.demand_total, 8);
  take(&r.sites_total, 8);
  take(&n, 8);
  take(&entries, 8);
  if (n > r.demand_total || entries > 0xffffffffull || 40 + n * 4 + (n + 1) * 4 + entries * 12 != size)
    throw bad("its counts do not match its size");
  r.demand.resize(n);
  take(r.demand.data(), n * 4);
  r.rows.demands = n;
  r.rows.sites = r.sites_total;
  r.rows.first.resize(n + 1);
  take(r.rows.first.data(), (n + 1) * 4);
  for (std::size_t k = 0; k < n; ++k) {
    if (r.demand[k] >= r.demand_total || (k > 0 && r.demand[k] <= r.demand[k - 1])) throw bad("bad demand index");
    if (r.rows.first[k + 1] < r.rows.first[k]) throw bad("bad row offsets");
  }
  if (r.rows.first[0] != 0 || r.rows.first[n] != entries) throw bad("bad row offsets");
  if (index_only) return r;
  r.rows.site.resize(entries);
  take(r.rows.site.data(), entries * 4);
  r.rows.latency_us.resize(entries);
  take(r.rows.latency_us.data(), entries * 8);
  for (std::uint32_t j : r.rows.site)
    if (j >= r.sites_total) throw bad("bad site index");
  return r;
}

// A directory a part (or a solve-only merge) committed, checked: its manifest, every
// file's SHA-256, the scenario digest. `what` names what it should be.
void check_part_dir(const std::string& dir, const std::string& digest, const std::string& what) {
  const auto fail = [&](const std::string& why) { return InputError(about_file(dir), {dir + ": " + why}); };
  const std::optional<RunManifest> manifest = read_manifest(dir);
  if (!manifest) throw fail("not complete (no manifest.json). Give the " + what + ", or run it again.");
  if (manifest->scenario_digest != digest) {
    throw fail("made from another scenario or other inputs (digest " + manifest->scenario_digest +
               ", the scenario's now: " + digest + "). Run it again from this scenario.");
  }
  for (const ManifestEntry& e : manifest->files) {
    if (e.sha256.empty()) continue;
    const std::string path = (std::filesystem::path(dir) / e.path).string();
    if (file_sha256(path) != e.sha256)
      throw fail("the file " + e.path + " changed since it was written (SHA-256 differs). Run it again.");
  }
}

// demand.bin of a demand part, read and checked.
struct PartPoints {
  std::uint64_t demand_total = 0, sites_total = 0;
  std::vector<std::uint32_t> demand;
  std::vector<PartPoint> points;
};

PartPoints read_points(const std::string& path) {
  BinaryIn f(path, "demand part's evaluation",
             "Run `lightcone plan SCENARIO --parts N --part I --open SOLVEDIR --out PARTDIR` again.");
  const auto bad = [&](const std::string& why) { return f.bad(why); };
  const auto take = [&](void* p, std::uint64_t n) { f.take(p, n); };
  const std::uint64_t size = f.size();
  f.magic(kDemandMagic);
  PartPoints r;
  std::uint64_t n = 0;
  take(&r.demand_total, 8);
  take(&r.sites_total, 8);
  take(&n, 8);
  if (n > r.demand_total || 32 + n * 25 != size) throw bad("its counts do not match its size");
  r.demand.resize(n);
  take(r.demand.data(), n * 4);
  std::vector<double> lat(n), acc(n);
  std::vector<std::uint32_t> site(n);
  std::vector<std::uint8_t> flags(n);
  take(lat.data(), n * 8);
  take(acc.data(), n * 8);
  take(site.data(), n * 4);
  take(flags.data(), n);
  r.points.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    if (r.demand[k] >= r.demand_total || (k > 0 && r.demand[k] <= r.demand[k - 1])) throw bad("bad demand index");
    if (site[k] != kNone && site[k] >= r.sites_total) throw bad("bad site index");
    r.points[k] = PartPoint{lat[k], acc[k], site[k], flags[k]};
  }
  return r;
}

}  // namespace

std::vector<std::uint32_t> part_demand(std::span<const LonLat> demand, unsigned parts, unsigned part) {
  const std::vector<std::uint32_t> order = hilbert_order(demand);
  const std::size_t n = demand.size();
  const std::size_t lo = n * (part - 1) / parts, hi = n * part / parts;
  std::vector<std::uint32_t> mine(order.begin() + static_cast<std::ptrdiff_t>(lo),
                                  order.begin() + static_cast<std::ptrdiff_t>(hi));
  std::sort(mine.begin(), mine.end());
  return mine;
}

void check_scenario_parts(const Scenario& s, unsigned parts, unsigned part) {
  if (parts < 1 || part < 1 || part > parts) {
    throw InputError(fmt::format("--part {} of --parts {}: parts are numbered 1 to N. Give --parts N (N >= 1) and "
                                 "--part I with 1 <= I <= N.",
                                 part, parts));
  }
  const std::string why = "A plan in parts splits the coverage build of [placement] (a budget, demand and a network). ";
  if (s.coverage) {
    throw InputError(scenario_where(s, s.coverage->line) + why +
                     "A scenario with [coverage] reads its latencies from a table: run `lightcone plan` on one machine.");
  }
  if (!s.placement) {
    throw InputError(scenario_where(s, 0) + why +
                     "This scenario has no [placement]: run `lightcone plan` on one machine.");
  }
  if (!s.placement->budget) {
    throw InputError(scenario_where(s, s.placement->line) + why +
                     "This [placement] has no budget (every demand-site pair): give a budget, or run `lightcone plan` "
                     "on one machine.");
  }
  if (!s.demand) {
    throw InputError(scenario_where(s, 0) + why + "This scenario has no [demand]: run `lightcone plan` on one machine.");
  }
}

namespace {

// A part's demand points and the network within their halo for a one-way budget: read,
// built, and proven enough (Attempt).
struct HaloRead {
  std::vector<std::uint32_t> demand;  // indices into the demand layer, ascending
  std::vector<LonLat> pos;            // their positions
  std::size_t demand_total = 0, sites_total = 0;
  Attempt a;
  Json region, halo;                  // part.json's "region" and "halo"
};

// `probes`: discs of other points the part evaluates (their boxes join the region).
HaloRead read_halo(const Scenario& s, unsigned parts, unsigned part, double budget_us, ScenarioRun& R,
                   Progress& progress, std::span<const Probe> probes = {}) {
  const LatencyModel& m = s.model;
  // The fewest µs a metre can cost: fibre at the model's group index, or access with its detour.
  const double us_per_m = std::min(m.fibre_us_per_km(), m.access_rate_us_per_km() * m.access_detour) / 1000.0;
  const double straight_reach_m = budget_us / us_per_m;
  // Fibre routes run 1.2–1.5 × the straight distance on real networks: the first halo
  // assumes 1.25 (kFirstReach) and the check proves it; the next one is the straight-line
  // reach, then it doubles.
  double reach_m = kFirstReach * straight_reach_m;
  const double A = m.max_access.value;

  HaloRead h;
  LonLatBox region;
  std::optional<LonLatBox> box;  // none: the whole layer
  progress.phase("reading layers");
  plan_detail::read_scenario_layers(s, R, [&](const ScenarioRun& run) -> std::optional<ReadOptions::Box> {
    h.demand = part_demand(run.demand->pos, parts, part);
    for (std::uint32_t d : h.demand) h.pos.push_back(run.demand->pos[d]);
    region = LonLatBox::covering(h.pos);
    if (!probes.empty()) {
      std::vector<LonLat> corners(h.pos);
      for (const Probe& pr : probes) {
        // Every edge end the halo check may seed for it (attempt(): pieces within max
        // access of the disc), so that the check has the whole reach beyond each.
        const LonLatBox b = grow(LonLatBox{pr.centre, pr.centre}, probe_query_m(pr, A));
        corners.push_back(b.min);
        corners.push_back(b.max);
      }
      region = LonLatBox::covering(corners);
    }
    if (h.pos.empty() && probes.empty()) region = LonLatBox{{0.0, -90.0}, {0.0, -90.0}};  // nothing to read but the pole
    box = grow(region, reach_m + 3.0 * A);
    return read_box(*box);
  });
  h.demand_total = R.demand->pos.size();
  h.sites_total = R.sites.pos.size();
  R.demand.reset();  // the part's points are in `pos`
  int widenings = 0;
  std::size_t features_read = 0;
  for (;;) {
    features_read += R.lines.info.features_read;
    sort_lines_by_fid(R.lines);
    progress.phase("building the network");
    h.a = attempt(s, R, h.pos, probes, region, reach_m, !box, budget_us, progress);
    if (h.a.halo_ok) break;
    ++widenings;
    reach_m = reach_m < straight_reach_m ? straight_reach_m : 2.0 * reach_m;
    box.reset();
    if (widenings <= kWholeLayerAfter) box = grow(region, reach_m + 3.0 * A);
    progress.phase("reading the network (wider halo)");
    plan_detail::read_network_within(s, R, box ? std::optional<ReadOptions::Box>(read_box(*box)) : std::nullopt);
  }
  const std::size_t features_kept = R.lines.info.features_read;
  R.lines = LineLayer{};  // the network is built: its lines are not needed any more
  R.boundaries = {};
  R.boundary_layers.clear();
  h.region = h.pos.empty() && probes.empty() ? Json(nullptr) : box_json(region);
  h.halo = {{"reach_km", reach_m / 1000.0},
            {"box", box ? box_json(*box) : Json("whole layer")},
            {"widenings", widenings},
            {"network_features_read", features_kept},
            {"network_features_read_all_attempts", features_read},
            {"nodes", h.a.prepared.net.nodes()},
            {"edges", h.a.prepared.net.edges()},
            {"check_seeds", h.a.seeds},
            {"check_nodes_reached", h.a.reached}};
  return h;
}

// What the solve-only merge states of the zones of the open sites (open_sites.json): the
// surface's extent as the run takes it (zones_job.cpp: [surface] extent, else the box of
// the largest zone), the whole network's reference longitude and the zones' tiles.
struct OpenZones {
  std::optional<LonLatBox> surface_extent;
  std::optional<double> ref_lon;
  std::vector<ZoneTile> tiles;
};

// The zones' one-way budgets as the zones job takes them (zones_job_budgets).
std::vector<double> zone_budgets_one_way(const Scenario& s) {
  std::vector<double> out;
  for (const Microseconds& b : zones_job_budgets(s.zones.budgets)) out.push_back(b.value / s.model.metric_factor());
  return out;
}

ZoneOptions zone_options_of(const Scenario& s, unsigned threads) {
  return zones_job_zone_options(s.zones.options, s.model.access_from, threads);
}

OpenZones open_zones_of(const Scenario& s, const ScenarioRun& R, unsigned threads) {
  OpenZones out;
  if (s.zones.budgets.empty()) return out;
  const bool surface = s.surface.enabled;
  if (surface && s.surface.extent) out.surface_extent = *s.surface.extent;
  const PreparedNetwork& P = R.prepared;
  std::vector<Source> sources;
  for (std::size_t k = 0; k < P.sources.size(); ++k)
    if (R.site_open[P.source_site[k]]) sources.push_back(P.sources[k]);
  if (sources.empty() || P.net.edges() == 0) return out;
  const NodeLatencies nodes = nearest_source_latency(*P.graph, sources);
  const ZoneOptions zone = zone_options_of(s, threads);
  const AccessCost access(s.model);
  out.ref_lon = zone_reference_lon(P.net);
  const std::vector<double> budgets = zone_budgets_one_way(s);
  for (double b1 : budgets) {
    const std::vector<ZoneTile> t = zone_tiles(P.net, nodes.us, access, b1, zone, *out.ref_lon);
    std::vector<ZoneTile> both;
    std::set_union(out.tiles.begin(), out.tiles.end(), t.begin(), t.end(), std::back_inserter(both));
    out.tiles = std::move(both);
  }
  if (surface && !s.surface.extent) {
    const MultiPolygon z = zone_polygon(P.net, nodes.us, access, budgets.back(), zone);
    out.surface_extent = LonLatBox::covering(z.coords);
  }
  return out;
}

// part.json's head: what every part states.
Json part_head(const Scenario& s, const std::string& digest, unsigned parts, unsigned part, const char* kind) {
  Json j;
  j["format"] = "lightcone part 1";
  j["kind"] = kind;
  j["scenario"] = {{"name", s.name}, {"file", s.file}};
  j["scenario_digest"] = digest;
  j["parts"] = parts;
  j["part"] = part;
  j["model"] = model_to_json(s.model);
  return j;
}

// The one-way latency within which a demand part's values are exact: the largest of the
// zones' budgets (the demand layer's covered_* and margins) and the placement's.
double demand_part_budget_us(const Scenario& s) {
  double L = s.placement && s.placement->budget ? make_budget(s.model, *s.placement->budget).one_way.value : 0.0;
  for (const Microseconds& b : s.zones.budgets) L = std::max(L, make_budget(s.model, b).one_way.value);
  return L;
}

// What every part states of its demand, from its halo read (PartRun, DemandPart).
template <class Part>
void take_demand(Part& out, unsigned parts, unsigned part, HaloRead& h) {
  out.parts = parts;
  out.part = part;
  out.demand = std::move(h.demand);
  out.demand_total = h.demand_total;
  out.sites_total = h.sites_total;
}

}  // namespace

PartRun run_scenario_part(const Scenario& s, unsigned parts, unsigned part, const std::string& digest,
                          const RunOptions& options, Progress& progress) {
  check_scenario_parts(s, parts, part);
  const LatencyModel& m = s.model;
  const double budget_us = make_budget(m, *s.placement->budget).one_way.value;
  ScenarioRun R;
  HaloRead h = read_halo(s, parts, part, budget_us, R, progress);
  PartRun out;
  take_demand(out, parts, part, h);
  progress.phase("coverage");
  const Attempt& a = h.a;
  out.rows = build_coverage(a.prepared.net, *a.prepared.graph, *a.prepared.index, m, m.access_from, h.pos, a.candidates,
                            budget_us, options.threads);

  Json& j = out.info;
  j = part_head(s, digest, parts, part, kPartKindCoverage);
  j["budget_one_way_us"] = budget_us;
  j["demand"] = {{"total", out.demand_total}, {"in_part", out.demand.size()}};
  j["sites"] = {{"total", out.sites_total}, {"attached_here", a.prepared.sources.size()}, {"searched", a.searched}};
  j["region"] = h.region;
  j["halo"] = h.halo;
  j["coverage"] = {{"entries", out.rows.entries()}, {"file", kPartCoverage}};
  return out;
}

DemandPart run_demand_part(const Scenario& s, unsigned parts, unsigned part, const std::string& digest,
                           const OpenSiteFile& open_file, const RunOptions& options, Progress& progress) {
  check_scenario_parts(s, parts, part);
  const LatencyModel& m = s.model;
  const double L = demand_part_budget_us(s);
  const std::vector<char>& open = open_file.open;
  // The surface's tiles of this part: their run of the tiles' Hilbert order.
  std::optional<LatencyGrid> grid;
  std::vector<std::uint32_t> my_tiles;
  std::vector<SurfaceTile> tiles;
  std::vector<Probe> probes;
  if (open_file.surface_extent && s.surface.enabled) {
    SurfaceOptions so = s.surface.options;
    so.threads = options.threads;
    grid = surface_grid_choice(*open_file.surface_extent, so);
    tiles = surface_tiles(*grid);
    const Projection proj(grid->crs);
    std::vector<LonLat> centres;
    for (const SurfaceTile& t : tiles) {
      centres.push_back(proj.inverse({(grid->centre_x(t.c0) + grid->centre_x(t.c1 - 1)) / 2,
                                      (grid->centre_y(t.r0) + grid->centre_y(t.r1 - 1)) / 2}));
    }
    my_tiles = part_demand(centres, parts, part);
    for (std::uint32_t t : my_tiles) {
      // The tile's radius from its corner cells (2 % and 2 m for the projection's bend).
      double radius = 0.0;
      for (int r : {tiles[t].r0, tiles[t].r1 - 1})
        for (int c : {tiles[t].c0, tiles[t].c1 - 1})
          radius = std::max(radius, geodesic_distance_m(centres[t], proj.inverse({grid->centre_x(c), grid->centre_y(r)})));
      probes.push_back({centres[t], radius * 1.02 + 2.0});
    }
  }
  // The zones' tiles of this part: their run of the tiles' Hilbert order.
  std::vector<ZoneTile> my_zone_tiles;
  if (open_file.zone_reference_lon && !open_file.zone_tiles.empty()) {
    std::vector<LonLat> centres;
    for (const ZoneTile& t : open_file.zone_tiles)
      centres.push_back({wrap_lon((t.i + 0.5) * kZoneTileDeg), (t.j + 0.5) * kZoneTileDeg});
    for (std::uint32_t k : part_demand(centres, parts, part)) {
      const ZoneTile& t = open_file.zone_tiles[k];
      my_zone_tiles.push_back(t);
      double radius = 0.0;
      for (int dj : {0, 1})
        for (int di : {0, 1})
          radius = std::max(radius, geodesic_distance_m(centres[k], {wrap_lon((t.i + di) * kZoneTileDeg),
                                                                     std::clamp((t.j + dj) * kZoneTileDeg, -90.0, 90.0)}));
      probes.push_back({centres[k], radius * 1.02 + 2.0 + 0.7 * m.max_access.value});
    }
    std::sort(my_zone_tiles.begin(), my_zone_tiles.end());
  }
  ScenarioRun R;
  HaloRead h = read_halo(s, parts, part, L, R, progress, probes);
  if (open.size() != h.sites_total) {
    throw InputError(fmt::format("the open sites were solved for {} sites, the sites layer now has {}. Run `lightcone "
                                 "merge --solve-only` again.",
                                 open.size(), h.sites_total));
  }
  DemandPart out;
  take_demand(out, parts, part, h);
  progress.phase("demand evaluation");
  const PreparedNetwork& P = h.a.prepared;
  // The open sites attached here, in site order (as the zones job's sources).
  std::vector<Source> sources;
  std::vector<std::uint32_t> site_of_source;
  for (std::size_t k = 0; k < P.sources.size(); ++k) {
    const std::uint32_t site = h.a.site_of[P.source_site[k]];
    if (!open[site]) continue;
    sources.push_back(P.sources[k]);
    site_of_source.push_back(site);
  }
  const std::size_t n = h.pos.size();
  out.points.assign(n, PartPoint{});
  std::size_t resolved = 0;
  NodeLatencies nodes;
  if (P.net.edges() > 0) {
    nodes = nearest_source_latency(*P.graph, sources);
    canonical_sources(*P.graph, sources, site_of_source, nodes);
    const std::vector<PointLatency> pl =
        evaluate_points(P.net, *P.index, m, m.access_from, h.pos, nodes.us, nodes.source, options.threads);
    for (std::size_t k = 0; k < n; ++k) {
      const PointLatency& q = pl[k];
      PartPoint& o = out.points[k];
      // Exact here: no network within max access (the halo holds all of it), or a latency
      // within L (every path within L lies in the halo). Beyond L the merge evaluates it.
      if (q.within_access && !(q.latency_us <= L)) continue;
      o.flags = kPointResolved | (q.within_access ? kPointWithinAccess : 0) |
                (far_mid_span_joins(P.net, std::span<const PointLatency>(&q, 1)) > 0 ? kPointFarMidSpan : 0);
      o.latency_us = q.latency_us;
      o.access_us = q.access_us;
      o.site = q.source == kNone ? kNone : site_of_source[q.source];
      ++resolved;
    }
  } else {
    for (PartPoint& o : out.points) o.flags = kPointResolved;  // no network at all here: none within access
    resolved = n;
  }
  Json surface_info = nullptr;
  if (grid) {
    progress.phase("surface tiles");
    PartSurface& ps = out.surface.emplace();
    ps.width = grid->width;
    ps.height = grid->height;
    ps.x0 = grid->x0;
    ps.y0 = grid->y0;
    ps.cell = grid->cell;
    std::size_t cells = 0;
    if (P.net.edges() > 0 && !my_tiles.empty()) {
      grid->values.assign(static_cast<std::size_t>(grid->width) * static_cast<std::size_t>(grid->height), grid->nodata);
      rasterise_tiles(P.net, *P.index, m, m.access_from, nodes.us, *grid, my_tiles, options.threads);
      // A value within L (with room for the float's rounding) is exact here; the merge
      // computes the tiles with any other cell (unreached, beyond L or without network).
      const double limit = L * m.metric_factor() * (1.0 - 1e-6);
      std::vector<std::pair<std::uint32_t, float>> kept;  // (cell, value), by cell in the file
      for (std::uint32_t t : my_tiles) {
        for (int r = tiles[t].r0; r < tiles[t].r1; ++r)
          for (int c = tiles[t].c0; c < tiles[t].c1; ++c) {
            ++cells;
            const std::size_t i = static_cast<std::size_t>(r) * static_cast<std::size_t>(grid->width) + static_cast<std::size_t>(c);
            const float v = grid->values[i];
            if (v != grid->nodata && static_cast<double>(v) <= limit) kept.emplace_back(static_cast<std::uint32_t>(i), v);
          }
      }
      std::sort(kept.begin(), kept.end());
      for (const auto& [i, v] : kept) {
        ps.cell_index.push_back(i);
        ps.value.push_back(v);
      }
    }
    surface_info = {{"file", kPartSurface},
                    {"grid", {{"width", grid->width}, {"height", grid->height}, {"cell_m", grid->cell}, {"crs", grid->crs}}},
                    {"tiles", my_tiles.size()},
                    {"tiles_total", tiles.size()},
                    {"cells", cells},
                    {"cells_resolved", ps.cell_index.size()}};
  }
  Json zones_info = nullptr;
  if (open_file.zone_reference_lon && !open_file.zone_tiles.empty()) {
    progress.phase("zone pieces");
    PartZones& pz = out.zones.emplace();
    pz.tiles = my_zone_tiles;
    pz.budgets = zone_budgets_one_way(s);
    std::size_t pieces = 0;
    for (double b1 : pz.budgets) {
      std::vector<ZonePiece>& here = pz.pieces.emplace_back();
      if (P.net.edges() == 0 || my_zone_tiles.empty()) continue;
      here = zone_pieces(P.net, nodes.us, AccessCost(m), b1, zone_options_of(s, options.threads),
                         *open_file.zone_reference_lon, [&](const ZoneTile& t) {
                           return std::binary_search(my_zone_tiles.begin(), my_zone_tiles.end(), t);
                         });
      std::erase_if(here, [](const ZonePiece& p) { return p.shape.empty(); });
      pieces += here.size();
    }
    zones_info = {{"file", kPartZones},
                  {"tiles", my_zone_tiles.size()},
                  {"tiles_total", open_file.zone_tiles.size()},
                  {"tile_deg", kZoneTileDeg},
                  {"pieces", pieces}};
  }
  std::vector<std::uint32_t> open_list;
  for (std::uint32_t i = 0; i < open.size(); ++i)
    if (open[i]) open_list.push_back(i);
  Json& j = out.info;
  j = part_head(s, digest, parts, part, kPartKindDemand);
  j["budget_one_way_us"] = L;
  j["demand"] = {{"total", out.demand_total}, {"in_part", n}, {"resolved", resolved}, {"left_to_the_merge", n - resolved}};
  j["sites"] = {{"total", out.sites_total}, {"attached_here", P.sources.size()}, {"open_here", sources.size()}};
  j["open_sites"] = open_list;
  j["region"] = h.region;
  j["halo"] = h.halo;
  j["demand_evaluation"] = {{"file", kPartDemand}};
  j["surface"] = surface_info;
  j["zones"] = zones_info;
  return out;
}

void write_part(RunDirectory& out, const PartRun& part) {
  const Coverage& c = part.rows;
  const std::string path = out.staged(kPartCoverage);
  {
    // Array by array, straight from the rows (no copy of the whole file in memory).
    BinaryOut f(path);
    const auto put = [&f](const void* p, std::size_t bytes) { f.put(p, bytes); };
    put(kMagic, 8);
    const std::uint64_t head[4] = {part.demand_total, part.sites_total, part.demand.size(), c.entries()};
    put(head, sizeof head);
    put(part.demand.data(), part.demand.size() * 4);
    put(c.first.data(), c.first.size() * 4);
    put(c.site.data(), c.site.size() * 4);
    put(c.latency_us.data(), c.latency_us.size() * 8);
    f.close();
  }
  write_text_file(out.staged(kPartInfo), json_text(part.info) + "\n");
}

void write_demand_part(RunDirectory& out, const DemandPart& part) {
  const std::string path = out.staged(kPartDemand);
  {
    BinaryOut f(path);
    const auto put = [&f](const void* p, std::size_t bytes) { f.put(p, bytes); };
    put(kDemandMagic, 8);
    const std::size_t n = part.demand.size();
    const std::uint64_t head[3] = {part.demand_total, part.sites_total, n};
    put(head, sizeof head);
    put(part.demand.data(), n * 4);
    std::vector<double> v(n);
    for (std::size_t k = 0; k < n; ++k) v[k] = part.points[k].latency_us;
    put(v.data(), n * 8);
    for (std::size_t k = 0; k < n; ++k) v[k] = part.points[k].access_us;
    put(v.data(), n * 8);
    std::vector<std::uint32_t> site(n);
    std::vector<std::uint8_t> flags(n);
    for (std::size_t k = 0; k < n; ++k) {
      site[k] = part.points[k].site;
      flags[k] = part.points[k].flags;
    }
    put(site.data(), n * 4);
    put(flags.data(), n);
    f.close();
  }
  if (part.surface) {
    const PartSurface& ps = *part.surface;
    const std::string spath = out.staged(kPartSurface);
    BinaryOut f(spath);
    const auto put = [&f](const void* p, std::size_t bytes) { f.put(p, bytes); };
    put(kSurfaceMagic, 8);
    const std::uint64_t size[2] = {static_cast<std::uint64_t>(ps.width), static_cast<std::uint64_t>(ps.height)};
    put(size, sizeof size);
    const double place[3] = {ps.x0, ps.y0, ps.cell};
    put(place, sizeof place);
    const std::uint64_t n = ps.cell_index.size();
    put(&n, 8);
    put(ps.cell_index.data(), n * 4);
    put(ps.value.data(), n * 4);
    f.close();
  }
  if (part.zones) {
    const PartZones& pz = *part.zones;
    BinaryOut f(out.staged(kPartZones));
    const auto put = [&f](const void* p, std::size_t bytes) { f.put(p, bytes); };
    const auto put_u64 = [&put](std::uint64_t v) { put(&v, 8); };
    const auto put_tile = [&put](const ZoneTile& t) {
      const std::int32_t ji[2] = {t.j, t.i};
      put(ji, sizeof ji);
    };
    put(kZonesMagic, 8);
    put_u64(pz.tiles.size());
    for (const ZoneTile& t : pz.tiles) put_tile(t);
    put_u64(pz.budgets.size());
    for (std::size_t b = 0; b < pz.budgets.size(); ++b) {
      put(&pz.budgets[b], 8);
      put_u64(pz.pieces[b].size());
      for (const ZonePiece& p : pz.pieces[b]) {
        put_tile(p.tile);
        const MultiPolygon& m = p.shape;
        put_u64(m.polygons());
        put_u64(m.rings());
        put_u64(m.coords.size());
        put(m.polygon_first.data(), m.polygon_first.size() * 4);
        put(m.ring_first.data(), m.ring_first.size() * 4);
        put(m.coords.data(), m.coords.size() * sizeof(LonLat));
      }
    }
    f.close();
  }
  write_text_file(out.staged(kPartInfo), json_text(part.info) + "\n");
}

void write_open_sites(RunDirectory& out, const Scenario& s, const std::string& digest, const ScenarioRun& run,
                      unsigned threads) {
  Json j;
  j["format"] = kOpenSitesFormat;
  j["scenario"] = {{"name", s.name}, {"file", s.file}};
  j["scenario_digest"] = digest;
  j["sites_total"] = run.site_open.size();
  Json open = Json::array(), ids = Json::array();
  for (std::size_t i = 0; i < run.site_open.size(); ++i) {
    if (!run.site_open[i]) continue;
    open.push_back(i);
    ids.push_back(run.sites.id[i]);
  }
  j["open"] = open;
  j["open_ids"] = ids;
  if (run.placed) {
    j["placement"] = {{"status", to_string(run.placed->result.status)}, {"objective", run.placed->result.objective}};
  }
  const OpenZones z = open_zones_of(s, run, threads);
  if (z.surface_extent) j["surface_extent"] = box_json(*z.surface_extent);
  if (z.ref_lon) {
    j["zone_reference_lon"] = *z.ref_lon;
    Json tiles = Json::array();
    for (const ZoneTile& t : z.tiles) tiles.push_back(Json::array({t.j, t.i}));
    j["zone_tiles"] = tiles;
  }
  write_text_file(out.staged(kOpenSites), json_text(j) + "\n");
}

OpenSiteFile read_open_sites(const std::string& dir, const std::string& digest) {
  const auto fail = [&](const std::string& why) { return InputError(about_file(dir), {dir + ": " + why}); };
  check_part_dir(dir, digest, "SOLVEDIR of `lightcone merge SCENARIO PARTDIR... --solve-only --out SOLVEDIR`");
  std::ifstream f((std::filesystem::path(dir) / kOpenSites).string());
  const Json j = Json::parse(f, nullptr, false);
  if (j.is_discarded() || j.value("format", "") != kOpenSitesFormat || !j.contains("sites_total") ||
      !j["sites_total"].is_number_unsigned() || !j.contains("open") || !j["open"].is_array()) {
    throw fail(std::string(kOpenSites) + " is missing or unreadable. Run `lightcone merge --solve-only` again.");
  }
  OpenSiteFile out;
  std::vector<char>& open = out.open;
  open.assign(j["sites_total"].get<std::size_t>(), 0);
  for (const Json& i : j["open"]) {
    if (!i.is_number_unsigned() || i.get<std::size_t>() >= open.size())
      throw fail(std::string(kOpenSites) + " names a site beyond the sites layer. Run `lightcone merge --solve-only` again.");
    open[i.get<std::size_t>()] = 1;
  }
  if (j.contains("surface_extent")) {
    const Json& e = j["surface_extent"];
    if (!e.is_array() || e.size() != 4 || !std::all_of(e.begin(), e.end(), [](const Json& v) { return v.is_number(); }))
      throw fail(std::string(kOpenSites) + " has a bad surface_extent. Run `lightcone merge --solve-only` again.");
    out.surface_extent = LonLatBox{{e[0].get<double>(), e[1].get<double>()}, {e[2].get<double>(), e[3].get<double>()}};
  }
  if (j.contains("zone_reference_lon")) {
    const Json& r = j["zone_reference_lon"];
    const Json& t = j.contains("zone_tiles") ? j["zone_tiles"] : Json();
    const auto bad_tile = [](const Json& p) {
      return !p.is_array() || p.size() != 2 || !p[0].is_number_integer() || !p[1].is_number_integer();
    };
    if (!r.is_number() || !t.is_array() || std::any_of(t.begin(), t.end(), bad_tile))
      throw fail(std::string(kOpenSites) + " has bad zone tiles. Run `lightcone merge --solve-only` again.");
    out.zone_reference_lon = r.get<double>();
    for (const Json& p : t) out.zone_tiles.push_back(ZoneTile{p[0].get<std::int32_t>(), p[1].get<std::int32_t>()});
    if (!std::is_sorted(out.zone_tiles.begin(), out.zone_tiles.end()) ||
        std::adjacent_find(out.zone_tiles.begin(), out.zone_tiles.end()) != out.zone_tiles.end())
      throw fail(std::string(kOpenSites) + " has bad zone tiles. Run `lightcone merge --solve-only` again.");
  }
  return out;
}

PartSet read_part_set(const std::vector<std::string>& dirs, const std::string& digest) {
  PartSet set;
  // Per kind: N and the directories by part number.
  struct Kind {
    unsigned n = 0;
    std::vector<std::string> by_part;
  } coverage, demand;
  std::optional<Json> demand_open;
  for (const std::string& dir : dirs) {
    const auto fail = [&](const std::string& why) {
      return InputError(about_file(dir), {dir + ": " + why});
    };
    check_part_dir(dir, digest, "PARTDIR of `lightcone plan SCENARIO --parts N --part I --out PARTDIR`");
    std::ifstream f((std::filesystem::path(dir) / kPartInfo).string());
    Json info = Json::parse(f, nullptr, false);
    if (info.is_discarded() || !info.contains("parts") || !info.contains("part") || !info["parts"].is_number_unsigned() ||
        !info["part"].is_number_unsigned()) {
      throw fail(std::string(kPartInfo) + " is missing or unreadable. Run the part again.");
    }
    const bool is_demand = info.value("kind", kPartKindCoverage) == std::string(kPartKindDemand);
    if (is_demand) {
      if (!info.contains("open_sites")) throw fail(std::string(kPartInfo) + " has no open_sites. Run the part again.");
      if (demand_open && *demand_open != info["open_sites"]) {
        throw fail("this demand part was evaluated for other open sites than " + demand.by_part[0] +
                   ". Give the demand parts of one `--open SOLVEDIR`.");
      }
      demand_open = info["open_sites"];
    }
    Kind& kind = is_demand ? demand : coverage;
    const char* what = is_demand ? "demand part" : "part";
    const unsigned n = info["parts"].get<unsigned>(), i = info["part"].get<unsigned>();
    if (kind.n == 0) {
      kind.n = n;
      kind.by_part.assign(n, {});
    }
    if (n != kind.n) {
      const std::string other = std::find_if(kind.by_part.begin(), kind.by_part.end(), [](const std::string& d) {
                                  return !d.empty();
                                })[0];
      throw fail(fmt::format("{} {} of {}, but {} is a {} of {}. Give the {}s of one `--parts N` run.", what, i, n, other,
                             what, kind.n, what));
    }
    if (i < 1 || i > n) throw fail(fmt::format("part number {} is not within 1..{}.", i, n));
    if (!kind.by_part[i - 1].empty()) {
      throw fail(fmt::format("{} {} of {} is given twice (also {}). Give each part once.", what, i, n, kind.by_part[i - 1]));
    }
    kind.by_part[i - 1] = dir;
  }
  if (coverage.n == 0) {
    throw InputError(demand.n == 0 ? "no part directory given. Give the PARTDIRs of every part."
                                   : "no coverage part given (only demand parts). Give the PARTDIRs of `lightcone plan "
                                     "SCENARIO --parts N --part I --out PARTDIR` too.");
  }
  for (const Kind* kind : {&coverage, &demand}) {
    std::string missing;
    for (unsigned i = 0; i < kind->n; ++i)
      if (kind->by_part[i].empty()) missing += (missing.empty() ? "" : ", ") + std::to_string(i + 1);
    if (missing.empty()) continue;
    throw InputError(kind == &coverage
                         ? fmt::format("part(s) {} of {} missing. Run `lightcone plan SCENARIO --parts {} --part I --out "
                                       "PARTDIR` for each and give every PARTDIR.",
                                       missing, kind->n, kind->n)
                         : fmt::format("demand part(s) {} of {} missing. Run `lightcone plan SCENARIO --parts {} --part I "
                                       "--open SOLVEDIR --out PARTDIR` for each and give every PARTDIR.",
                                       missing, kind->n, kind->n));
  }
  set.parts = coverage.n;
  set.dirs = std::move(coverage.by_part);
  set.demand_parts = demand.n;
  set.demand_dirs = std::move(demand.by_part);
  if (demand_open) {
    for (const Json& i : *demand_open) set.demand_open.push_back(i.get<std::uint32_t>());
  }
  return set;
}

Coverage merged_coverage(const PartSet& set, const ScenarioRun& run) {
  const std::size_t nd = run.demand ? run.demand->pos.size() : 0, ns = run.sites.pos.size();
  Coverage c;
  c.demands = nd;
  c.sites = ns;
  // Pass 1: row lengths from each part's index (its pairs are read in pass 2, one part
  // in memory at a time).
  std::vector<std::uint32_t> count(nd, 0);
  std::vector<char> seen(nd, 0);
  for (const std::string& dir : set.dirs) {
    const std::string path = (std::filesystem::path(dir) / kPartCoverage).string();
    const PartRows r = read_rows(path, /*index_only=*/true);
    if (r.demand_total != nd || r.sites_total != ns) {
      throw InputError(about_file(path),
                       {fmt::format("{}: the part counted {} demand points and {} sites, the scenario's layers now have "
                                    "{} and {}. Run the parts again.",
                                    dir, r.demand_total, r.sites_total, nd, ns)});
    }
    for (std::size_t k = 0; k < r.demand.size(); ++k) {
      if (seen[r.demand[k]]) {
        throw InputError(about_file(path), {fmt::format("{}: demand point {} is in two parts. Run the parts again.", dir,
                                                        r.demand[k])});
      }
      seen[r.demand[k]] = 1;
      count[r.demand[k]] = r.rows.first[k + 1] - r.rows.first[k];
    }
  }
  for (std::size_t d = 0; d < nd; ++d) {
    if (!seen[d]) throw InputError(fmt::format("no part has demand point {}. Run the parts again.", d));
  }
  std::uint64_t pairs = 0;
  for (std::size_t d = 0; d < nd; ++d) pairs += count[d];
  check_coverage_pairs(pairs);  // the parts' rows together must fit 32-bit offsets
  c.first.assign(nd + 1, 0);
  for (std::size_t d = 0; d < nd; ++d) c.first[d + 1] = c.first[d] + count[d];
  c.site.resize(c.first[nd]);
  c.latency_us.resize(c.first[nd]);
  for (const std::string& dir : set.dirs) {
    const PartRows r = read_rows((std::filesystem::path(dir) / kPartCoverage).string());
    for (std::size_t k = 0; k < r.demand.size(); ++k) {
      const std::uint32_t b = r.rows.first[k], e = r.rows.first[k + 1];
      std::copy(r.rows.site.begin() + b, r.rows.site.begin() + e, c.site.begin() + c.first[r.demand[k]]);
      std::copy(r.rows.latency_us.begin() + b, r.rows.latency_us.begin() + e,
                c.latency_us.begin() + c.first[r.demand[k]]);
    }
  }
  return c;
}

ZonesJobOptions::GivenDemand merged_demand(const PartSet& set, const ScenarioRun& run, const std::vector<char>& open) {
  const std::size_t nd = run.demand ? run.demand->pos.size() : 0, ns = run.sites.pos.size();
  std::vector<std::uint32_t> open_list;
  for (std::uint32_t i = 0; i < open.size(); ++i)
    if (open[i]) open_list.push_back(i);
  if (open_list != set.demand_open) {
    throw InputError(about_file(set.demand_dirs.front()),
                     {fmt::format("{}: the demand parts were evaluated for {} open sites, this merge's solve opened {}, "
                                  "not the same (a solve that stops at its time limit may end elsewhere each time). Give "
                                  "the coverage parts and the demand parts of one `--solve-only` merge, or raise "
                                  "time_limit in [placement] so that the solve ends before it.",
                                  set.demand_dirs.front(), set.demand_open.size(), open_list.size())});
  }
  ZonesJobOptions::GivenDemand g;
  g.resolved.assign(nd, 0);
  g.values.assign(nd, PointLatency{});
  g.far.assign(nd, 0);
  std::vector<char> seen(nd, 0);
  for (const std::string& dir : set.demand_dirs) {
    const std::string path = (std::filesystem::path(dir) / kPartDemand).string();
    const PartPoints r = read_points(path);
    if (r.demand_total != nd || r.sites_total != ns) {
      throw InputError(about_file(path),
                       {fmt::format("{}: the part counted {} demand points and {} sites, the scenario's layers now have "
                                    "{} and {}. Run the parts again.",
                                    dir, r.demand_total, r.sites_total, nd, ns)});
    }
    for (std::size_t k = 0; k < r.demand.size(); ++k) {
      const std::uint32_t d = r.demand[k];
      if (seen[d]) {
        throw InputError(about_file(path), {fmt::format("{}: demand point {} is in two demand parts. Run the parts again.", dir, d)});
      }
      seen[d] = 1;
      const PartPoint& p = r.points[k];
      if (!(p.flags & kPointResolved)) continue;
      if (p.site != kNone && !open[p.site]) {
        throw InputError(about_file(path), {fmt::format("{}: demand point {} names site {}, which is not open. Run the "
                                                        "demand parts again.", dir, d, p.site)});
      }
      g.resolved[d] = 1;
      PointLatency& q = g.values[d];
      q.latency_us = p.latency_us;
      q.access_us = p.access_us;
      q.source = p.site;
      q.within_access = (p.flags & kPointWithinAccess) != 0;
      g.far[d] = (p.flags & kPointFarMidSpan) != 0;
    }
  }
  for (std::size_t d = 0; d < nd; ++d)
    if (!seen[d]) throw InputError(fmt::format("no demand part has demand point {}. Run the demand parts again.", d));
  return g;
}

ZonesJobOptions::GivenSurface merged_surface(const PartSet& set, const LatencyGrid& grid) {
  const std::size_t cells = static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height);
  ZonesJobOptions::GivenSurface g;
  g.values.assign(cells, grid.nodata);
  g.resolved.assign(cells, 0);
  for (const std::string& dir : set.demand_dirs) {
    const std::string path = (std::filesystem::path(dir) / kPartSurface).string();
    if (!std::filesystem::exists(path)) continue;  // no surface then: the merge computes every tile
    BinaryIn f(path, "demand part's surface",
               "Run the demand parts again (`lightcone merge --solve-only`, then `lightcone plan ... --open SOLVEDIR`).");
    const auto bad = [&](const std::string& why) { return f.bad(why); };
    const auto take = [&](void* p, std::uint64_t n) { f.take(p, n); };
    const std::uint64_t size = f.size();
    f.magic(kSurfaceMagic);
    std::uint64_t wh[2], n = 0;
    double place[3];
    take(wh, sizeof wh);
    take(place, sizeof place);
    take(&n, 8);
    if (56 + n * 8 != size || n > cells) throw bad("its counts do not match its size");
    if (wh[0] != static_cast<std::uint64_t>(grid.width) || wh[1] != static_cast<std::uint64_t>(grid.height) ||
        place[0] != grid.x0 || place[1] != grid.y0 || place[2] != grid.cell) {
      throw bad(fmt::format("its grid ({} x {} cells of {:g} m) is not the merge's ({} x {} of {:g} m)", wh[0], wh[1],
                            place[2], grid.width, grid.height, grid.cell));
    }
    std::vector<std::uint32_t> index(n);
    std::vector<float> value(n);
    take(index.data(), n * 4);
    take(value.data(), n * 4);
    for (std::size_t k = 0; k < n; ++k) {
      if (index[k] >= cells) throw bad("a cell beyond the grid");
      g.values[index[k]] = value[k];
      g.resolved[index[k]] = 1;
    }
  }
  return g;
}

std::vector<ZonePiece> merged_zones(const PartSet& set, double budget_one_way_us) {
  std::vector<ZonePiece> out;
  for (const std::string& dir : set.demand_dirs) {
    const std::string path = (std::filesystem::path(dir) / kPartZones).string();
    if (!std::filesystem::exists(path)) continue;  // no zones then: the merge builds every piece
    BinaryIn f(path, "demand part's zone pieces",
               "Run the demand parts again (`lightcone merge --solve-only`, then `lightcone plan ... --open SOLVEDIR`).");
    const std::uint64_t size = f.size();
    std::uint64_t used = 8;
    const auto take = [&](void* p, std::uint64_t n) {
      if (n > size - used) throw f.bad("its counts do not match its size");
      f.take(p, n);
      used += n;
    };
    const auto take_u64 = [&] {
      std::uint64_t v = 0;
      take(&v, 8);
      return v;
    };
    const auto take_tile = [&] {
      std::int32_t ji[2];
      take(ji, sizeof ji);
      return ZoneTile{ji[0], ji[1]};
    };
    f.magic(kZonesMagic);
    const std::uint64_t tiles = take_u64();
    if (tiles > size / 8) throw f.bad("its counts do not match its size");
    std::vector<ZoneTile> mine(tiles);
    for (ZoneTile& t : mine) t = take_tile();
    if (!std::is_sorted(mine.begin(), mine.end()) || std::adjacent_find(mine.begin(), mine.end()) != mine.end())
      throw f.bad("its tiles are not ascending");
    const std::uint64_t budgets = take_u64();
    bool found = false;
    std::vector<ZonePiece> here;  // this budget's pieces of this part
    for (std::uint64_t b = 0; b < budgets; ++b) {
      double budget = 0.0;
      take(&budget, 8);
      const std::uint64_t pieces = take_u64();
      for (std::uint64_t k = 0; k < pieces; ++k) {
        ZonePiece p;
        p.tile = take_tile();
        const std::uint64_t polygons = take_u64(), rings = take_u64(), points = take_u64();
        if (polygons > rings || rings > points || points > (size - used) / 16) throw f.bad("its counts do not match its size");
        MultiPolygon& m = p.shape;
        m.polygon_first.resize(polygons + 1);
        m.ring_first.resize(rings + 1);
        m.coords.resize(points);
        take(m.polygon_first.data(), (polygons + 1) * 4);
        take(m.ring_first.data(), (rings + 1) * 4);
        take(m.coords.data(), points * 16);
        const auto ascending_to = [](const std::vector<std::uint32_t>& v, std::uint64_t last) {
          return v.front() == 0 && v.back() == last && std::is_sorted(v.begin(), v.end());
        };
        if (!ascending_to(m.polygon_first, rings) || !ascending_to(m.ring_first, points) ||
            !std::binary_search(mine.begin(), mine.end(), p.tile))
          throw f.bad("a piece's rings or tile are not the part's");
        if (budget == budget_one_way_us) here.push_back(std::move(p));
      }
      found = found || budget == budget_one_way_us;
    }
    if (used != size) throw f.bad("its counts do not match its size");
    if (!found) continue;  // not this budget: the merge builds its pieces
    // The part's tiles without a piece: empty there.
    std::vector<ZoneTile> have;
    for (const ZonePiece& p : here) have.push_back(p.tile);
    std::sort(have.begin(), have.end());
    for (const ZoneTile& t : mine)
      if (!std::binary_search(have.begin(), have.end(), t)) here.push_back(ZonePiece{t, {}});
    std::move(here.begin(), here.end(), std::back_inserter(out));
  }
  std::sort(out.begin(), out.end(), [](const ZonePiece& a, const ZonePiece& b) { return a.tile < b.tile; });
  for (std::size_t k = 1; k < out.size(); ++k) {
    if (out[k].tile == out[k - 1].tile) {
      throw InputError(fmt::format("zone tile ({}, {}) is in two demand parts. Run the demand parts of one `--open "
                                   "SOLVEDIR` and one `--parts N` again.",
                                   out[k].tile.j, out[k].tile.i));
    }
  }
  return out;
}

}  // namespace lightcone
