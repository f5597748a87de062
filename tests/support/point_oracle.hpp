// Brute-force oracle for the latency of a point (DESIGN.md §3), for attaching points and
// for the access legs of routes. Independent of the code under test: it uses PROJ's
// geodesic routines directly (geod_inverse, geod_position, latitude first), walks every
// segment of every edge's geometry, and minimises each convex one-dimensional objective
// by a coarse scan plus golden-section refinement, with exact geodesic distances.
// Segments are pruned only by a rigorous lower bound on the geodesic distance
// (ds² = M²dφ² + N²cos²φ dλ² ≥ (a(1−e²)dφ)² + (a cos φmax dλ)²).
// Units: metres, degrees, one-way µs. Not for geometry crossing the antimeridian.
#pragma once

#include <geodesic.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <span>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "core/latency_model.hpp"
#include "network/network.hpp"

namespace lightcone::point_test {

inline constexpr double kOracleInf = std::numeric_limits<double>::infinity();

inline const geod_geodesic& oracle_wgs84() {
  static const geod_geodesic g = [] {
    geod_geodesic out{};
    geod_init(&out, 6378137.0, 1.0 / 298.257223563);
    return out;
  }();
  return g;
}

inline double oracle_distance_m(LonLat a, LonLat b) {
  double s12 = 0.0;
  geod_inverse(&oracle_wgs84(), a.lat, a.lon, b.lat, b.lon, &s12, nullptr, nullptr);
  return s12;
}

// The point `distance_m` from p in direction `azimuth_deg` (clockwise from north).
inline LonLat oracle_direct(LonLat p, double azimuth_deg, double distance_m) {
  double lat = 0.0;
  double lon = 0.0;
  geod_direct(&oracle_wgs84(), p.lat, p.lon, azimuth_deg, distance_m, &lat, &lon, nullptr);
  return {lon, lat};
}

// Azimuth (degrees) of the geodesic from a to b, at a.
inline double oracle_azimuth_deg(LonLat a, LonLat b) {
  double s12 = 0.0;
  double azi1 = 0.0;
  double azi2 = 0.0;
  geod_inverse(&oracle_wgs84(), a.lat, a.lon, b.lat, b.lon, &s12, &azi1, &azi2);
  return azi1;
}

inline double oracle_length_m(std::span<const LonLat> line) {
  double total = 0.0;
  for (std::size_t i = 1; i < line.size(); ++i) total += oracle_distance_m(line[i - 1], line[i]);
  return total;
}

// Access cost of the model, derived independently from LatencyModel's fields.
struct OracleAccess {
  double us_per_m = 0.0;
  double fixed_us = 0.0;
  double max_m = 0.0;
  static OracleAccess of(const LatencyModel& m) {
    const double fibre_us_per_km = m.group_index / 299792.458 * 1e6;
    const double rate = m.access_us_per_km > 0.0 ? m.access_us_per_km : fibre_us_per_km;
    return {m.access_detour * rate / 1000.0, m.access_fixed.value, m.max_access.value};
  }
  double cost(double distance_m) const { return us_per_m * distance_m + fixed_us; }
};

// Minimises f on [lo, hi]: n+1 evenly spaced samples, then golden-section search in the
// bracket around the best sample until it is narrower than tol. Exact for unimodal f.
template <class F>
std::pair<double, double> oracle_minimise(F&& f, double lo, double hi, int n, double tol) {
  if (!(hi > lo)) return {lo, f(lo)};
  double best_x = lo;
  double best_f = kOracleInf;
  int best_i = 0;
  for (int i = 0; i <= n; ++i) {
    const double x = i == n ? hi : lo + (hi - lo) * i / n;
    const double v = f(x);
    if (v < best_f) {
      best_f = v;
      best_x = x;
      best_i = i;
    }
  }
  double a = lo + (hi - lo) * std::max(best_i - 1, 0) / n;
  double b = best_i + 1 >= n ? hi : lo + (hi - lo) * (best_i + 1) / n;
  const double r = (std::sqrt(5.0) - 1.0) / 2.0;
  double c = b - r * (b - a);
  double d = a + r * (b - a);
  double fc = f(c);
  double fd = f(d);
  while (b - a > tol) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  if (fc < best_f) {
    best_f = fc;
    best_x = c;
  }
  if (fd < best_f) {
    best_f = fd;
    best_x = d;
  }
  return {best_x, best_f};
}

// One straight (geodesic) segment of an edge's geometry.
struct OracleSegment {
  EdgeId edge = kNone;
  NodeId u = kNone;          // the edge's ends
  NodeId v = kNone;
  double along0_m = 0.0;     // distance along the edge geometry at the segment start
  double length_m = 0.0;     // geodesic length of the segment
  double edge_geom_m = 0.0;  // the edge's geometry length G (the network's value)
  double rate_us_per_m = 0.0;
  LonLat a;
  LonLat b;
  double lat_lo = 0.0, lat_hi = 0.0, lon_lo = 0.0, lon_hi = 0.0;
  geod_geodesicline line{};

  LonLat at(double s) const {
    if (s <= 0.0 || length_m == 0.0) return a;
    if (s >= length_m) return b;
    double lat = 0.0;
    double lon = 0.0;
    geod_position(&line, s, &lat, &lon, nullptr);
    return {lon, lat};
  }
  // Fibre distance (metres of geometry) from along0 + s to the edge end `w`.
  double to_end_m(NodeId w, double s) const {
    const double along = std::clamp(along0_m + s, 0.0, edge_geom_m);
    return w == u ? along : edge_geom_m - along;
  }
};

// Rigorous lower bound on the geodesic distance from p to any point of the box (for
// geodesics shorter than a few hundred km).
inline double oracle_lower_bound_m(LonLat p, double lat_lo, double lat_hi, double lon_lo, double lon_hi) {
  constexpr double kA = 6378137.0;
  constexpr double kE2 = (2.0 - 1.0 / 298.257223563) / 298.257223563;
  constexpr double kRad = std::numbers::pi / 180.0;
  const double dlat = std::max({0.0, lat_lo - p.lat, p.lat - lat_hi});
  const double dlon = std::max({0.0, lon_lo - p.lon, p.lon - lon_hi});
  const double phi = std::min(89.9, std::max({std::abs(p.lat), std::abs(lat_lo), std::abs(lat_hi)}) + 0.05);
  const double y = kA * (1.0 - kE2) * dlat * kRad;
  const double x = kA * std::cos(phi * kRad) * dlon * kRad;
  return std::hypot(x, y) * (1.0 - 1e-9);
}

// Pops candidates in increasing order of `key` (a binary heap: O(n) to build, log n per pop,
// so a search that stops early never sorts the whole list).
template <class T, class Key>
class OracleQueue {
 public:
  OracleQueue(std::vector<T> items, Key key) : m_items(std::move(items)), m_key(key) {
    std::make_heap(m_items.begin(), m_items.end(), cmp());
  }
  bool empty() const { return m_items.empty(); }
  const T& top() const { return m_items.front(); }
  void pop() {
    std::pop_heap(m_items.begin(), m_items.end(), cmp());
    m_items.pop_back();
  }

 private:
  auto cmp() const {
    return [this](const T& x, const T& y) { return m_key(x) > m_key(y); };
  }
  std::vector<T> m_items;
  Key m_key;
};

class PointOracle {
 public:
  explicit PointOracle(const Network& net) : m_net(net) {
    std::vector<bool> is_end(net.nodes(), false);
    for (EdgeId e = 0; e < net.edges(); ++e) {
      const auto g = net.edge_geometry(e);
      const double geom = net.edge_geom_length_m[e];
      const double rate = geom > 0.0 ? net.edge_delay_us[e] / geom : 0.0;
      is_end[net.edge_u[e]] = true;
      is_end[net.edge_v[e]] = true;
      m_edge_first.push_back(m_segments.size());
      Box box;
      double along = 0.0;
      for (std::size_t i = 1; i < g.size(); ++i) {
        OracleSegment s;
        s.edge = e;
        s.u = net.edge_u[e];
        s.v = net.edge_v[e];
        s.along0_m = along;
        s.length_m = oracle_distance_m(g[i - 1], g[i]);
        s.edge_geom_m = geom;
        s.rate_us_per_m = rate;
        s.a = g[i - 1];
        s.b = g[i];
        // The box of the ends, padded for the geodesic's bulge towards the pole
        // (about L²·tan φ / 8R; padded fourfold).
        const double lat_abs = std::max(std::abs(s.a.lat), std::abs(s.b.lat));
        const double bulge_m =
            s.length_m * s.length_m / 6.3e6 * (1.0 + std::tan(std::min(lat_abs, 80.0) * std::numbers::pi / 180.0)) + 1e-3;
        const double pad_lat = bulge_m / 110000.0;
        const double pad_lon = pad_lat / std::cos(std::min(lat_abs + 0.1, 89.0) * std::numbers::pi / 180.0);
        s.lat_lo = std::min(s.a.lat, s.b.lat) - pad_lat;
        s.lat_hi = std::max(s.a.lat, s.b.lat) + pad_lat;
        s.lon_lo = std::min(s.a.lon, s.b.lon) - pad_lon;
        s.lon_hi = std::max(s.a.lon, s.b.lon) + pad_lon;
        box.add(s.lat_lo, s.lat_hi, s.lon_lo, s.lon_hi);
        geod_inverseline(&s.line, &oracle_wgs84(), s.a.lat, s.a.lon, s.b.lat, s.b.lon,
                         GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
        along += s.length_m;
        m_segments.push_back(s);
      }
      m_edge_box.push_back(box);
    }
    m_edge_first.push_back(m_segments.size());
    for (NodeId w = 0; w < net.nodes(); ++w)
      if (is_end[w]) m_end_nodes.push_back(w);
  }

  std::span<const OracleSegment> segments() const { return m_segments; }

  // The point at `along_m` metres along edge e's geometry.
  LonLat point_on_edge(EdgeId e, double along_m) const {
    for (std::size_t i = m_edge_first[e]; i < m_edge_first[e + 1]; ++i) {
      const OracleSegment& s = m_segments[i];
      if (along_m <= s.along0_m + s.length_m || i + 1 == m_edge_first[e + 1]) return s.at(along_m - s.along0_m);
    }
    return m_net.node_pos[m_net.edge_u[e]];
  }

  struct Nearest {
    double distance_m = kOracleInf;
    EdgeId edge = kNone;
    double along_m = 0.0;
    LonLat at;
    // False when another network point more than 0.1 m from `at` lies within 0.5 m of
    // the nearest distance (a near tie between places).
    bool unique = true;
  };
  // Nearest network point to p among points within max_m (distance_m = ∞ when none).
  Nearest nearest(LonLat p, double max_m) const {
    struct Cand {
      double lb;
      std::size_t i;
    };
    std::vector<Cand> cands;
    for_each_near(p, max_m, [&](std::size_t i, double lb) { cands.push_back({lb, i}); });
    OracleQueue queue(std::move(cands), [](const Cand& c) { return c.lb; });
    Nearest best;
    struct Seen {
      double d;
      LonLat at;
    };
    std::vector<Seen> seen;
    for (; !queue.empty(); queue.pop()) {
      const Cand c = queue.top();
      if (c.lb > best.distance_m + 0.5) break;
      const OracleSegment& s = m_segments[c.i];
      const auto [x, d] = closest_on(s, p);
      seen.push_back({d, s.at(x)});
      if (d < best.distance_m) {
        best.distance_m = d;
        best.edge = s.edge;
        best.along_m = s.along0_m + x;
        best.at = s.at(x);
      }
    }
    if (best.distance_m > max_m) return Nearest{};
    for (const Seen& s : seen)
      if (s.d <= best.distance_m + 0.5 && oracle_distance_m(s.at, best.at) > 0.1) best.unique = false;
    return best;
  }

  struct Latency {
    double latency_us = kOracleInf;
    std::uint32_t source = kNone;
    bool within_access = false;
    double runner_up_us = kOracleInf;  // best value reached from a different source
    double access_m = kOracleInf;
    LonLat at;
  };
  // The definition by brute force. node_us / node_source: latency and nearest source of
  // every node. nodes_only: q ranges over edge ends only (AccessFrom::nodes).
  Latency latency(LonLat p, std::span<const double> node_us, std::span<const std::uint32_t> node_source,
                  const OracleAccess& acc, bool nodes_only) const {
    constexpr double kMargin = 0.05;  // µs: values this close to the best are all found
    Latency out;
    std::vector<std::pair<std::uint32_t, double>> per_source;
    auto record = [&](double value, std::uint32_t source, double access_m, LonLat at) {
      auto it = std::find_if(per_source.begin(), per_source.end(), [&](const auto& x) { return x.first == source; });
      if (it == per_source.end()) per_source.emplace_back(source, value);
      else it->second = std::min(it->second, value);
      if (value < out.latency_us) {
        out.latency_us = value;
        out.source = source;
        out.access_m = access_m;
        out.at = at;
      }
    };
    if (nodes_only) {
      for (NodeId w : m_end_nodes) {
        const LonLat q = m_net.node_pos[w];
        if (oracle_lower_bound_m(p, q.lat, q.lat, q.lon, q.lon) > acc.max_m) continue;
        const double d = oracle_distance_m(p, q);
        if (d > acc.max_m) continue;
        out.within_access = true;
        if (node_us[w] == kOracleInf) continue;
        record(acc.cost(d) + node_us[w], node_source[w], d, q);
      }
    } else {
      struct Cand {
        double lb_us;
        double lb_m;
        std::size_t i;
      };
      std::vector<Cand> cands;
      for_each_near(p, acc.max_m, [&](std::size_t i, double lb_m) {
        const OracleSegment& s = m_segments[i];
        const double base = std::min(node_us[s.u] + s.rate_us_per_m * s.to_end_m(s.u, 0.0),
                                     node_us[s.v] + s.rate_us_per_m * s.to_end_m(s.v, s.length_m));
        cands.push_back({acc.cost(lb_m) + base, lb_m, i});
      });
      const std::vector<Cand> all = cands;
      OracleQueue queue(std::move(cands), [](const Cand& c) { return c.lb_us; });
      for (; !queue.empty(); queue.pop()) {
        const Cand c = queue.top();
        if (c.lb_us == kOracleInf || c.lb_us > out.latency_us + kMargin) break;
        const OracleSegment& s = m_segments[c.i];
        const Window w = window(s, p, acc.max_m);
        if (!w.feasible) continue;
        out.within_access = true;
        for (NodeId end : {s.u, s.v}) {
          if (node_us[end] == kOracleInf) continue;
          if (acc.cost(w.dmin) + node_us[end] + s.rate_us_per_m * std::min(s.to_end_m(end, w.lo), s.to_end_m(end, w.hi)) >
              out.latency_us + kMargin)
            continue;
          auto f = [&](double x) {
            return acc.cost(oracle_distance_m(p, s.at(x))) + node_us[end] + s.rate_us_per_m * s.to_end_m(end, x);
          };
          const auto [x, value] = oracle_minimise(f, w.lo, w.hi, scan_samples(w.hi - w.lo), kTolM);
          record(value, node_source[end], oracle_distance_m(p, s.at(x)), s.at(x));
        }
      }
      if (!out.within_access) {
        OracleQueue by_distance(all, [](const Cand& c) { return c.lb_m; });
        for (; !by_distance.empty() && !out.within_access; by_distance.pop())
          out.within_access = window(m_segments[by_distance.top().i], p, acc.max_m).feasible;
      }
    }
    for (const auto& [source, value] : per_source)
      if (source != out.source) out.runner_up_us = std::min(out.runner_up_us, value);
    return out;
  }

  // Which edges have a point within max_m of p.
  std::vector<bool> edges_within(LonLat p, double max_m) const {
    std::vector<bool> out(m_net.edges(), false);
    for_each_near(p, max_m, [&](std::size_t i, double) {
      if (!out[m_segments[i].edge] && window(m_segments[i], p, max_m).feasible) out[m_segments[i].edge] = true;
    });
    return out;
  }

  // Access legs from p: for every node w, the minimum over points q within reach on an
  // edge at w of access(p, q) + fibre delay from q to w (node delays not included).
  std::vector<double> legs(LonLat p, const OracleAccess& acc) const {
    std::vector<double> out(m_net.nodes(), kOracleInf);
    for_each_near(p, acc.max_m, [&](std::size_t i, double) {
      const OracleSegment& s = m_segments[i];
      const Window w = window(s, p, acc.max_m);
      if (!w.feasible) return;
      for (NodeId end : {s.u, s.v}) {
        auto f = [&](double x) {
          return acc.cost(oracle_distance_m(p, s.at(x))) + s.rate_us_per_m * s.to_end_m(end, x);
        };
        out[end] = std::min(out[end], oracle_minimise(f, w.lo, w.hi, scan_samples(w.hi - w.lo), kTolM).second);
      }
    });
    return out;
  }

 private:
  static constexpr double kTolM = 1e-4;  // golden-section bracket width, metres
  static int scan_samples(double length_m) {
    return std::clamp(static_cast<int>(std::ceil(length_m / 250.0)), 4, 64);
  }

  struct Box {
    double lat_lo = 90.0, lat_hi = -90.0, lon_lo = 180.0, lon_hi = -180.0;
    void add(double a, double b, double c, double d) {
      lat_lo = std::min(lat_lo, a);
      lat_hi = std::max(lat_hi, b);
      lon_lo = std::min(lon_lo, c);
      lon_hi = std::max(lon_hi, d);
    }
  };

  // f(segment index, lower bound of its distance) for every segment that may come
  // within max_m of p (edge boxes first, then the edge's segments).
  template <class F>
  void for_each_near(LonLat p, double max_m, F&& f) const {
    for (EdgeId e = 0; e < m_edge_box.size(); ++e) {
      const Box& b = m_edge_box[e];
      if (oracle_lower_bound_m(p, b.lat_lo, b.lat_hi, b.lon_lo, b.lon_hi) > max_m) continue;
      for (std::size_t i = m_edge_first[e]; i < m_edge_first[e + 1]; ++i) {
        const OracleSegment& s = m_segments[i];
        const double lb = oracle_lower_bound_m(p, s.lat_lo, s.lat_hi, s.lon_lo, s.lon_hi);
        if (lb <= max_m) f(i, lb);
      }
    }
  }

  // Closest point of s to p: (position along s, distance).
  static std::pair<double, double> closest_on(const OracleSegment& s, LonLat p) {
    return oracle_minimise([&](double x) { return oracle_distance_m(p, s.at(x)); }, 0.0, s.length_m,
                           scan_samples(s.length_m), kTolM);
  }

  // The part [lo, hi] of segment s within max_m of p (distance is unimodal along s).
  struct Window {
    bool feasible = false;
    double lo = 0.0, hi = 0.0, dmin = kOracleInf;
  };
  static Window window(const OracleSegment& s, LonLat p, double max_m) {
    Window w;
    const auto [xm, dm] = closest_on(s, p);
    w.dmin = dm;
    if (dm > max_m) return w;
    w.feasible = true;
    auto inside = [&](double x) { return oracle_distance_m(p, s.at(x)) <= max_m; };
    // Bisection towards each end: `good` stays inside, `bad` outside.
    auto boundary = [&](double good, double bad) {
      if (inside(bad)) return bad;
      for (int k = 0; k < 80 && std::abs(bad - good) > 1e-6; ++k) {
        const double mid = 0.5 * (good + bad);
        (inside(mid) ? good : bad) = mid;
      }
      return good;
    };
    w.lo = boundary(xm, 0.0);
    w.hi = boundary(xm, s.length_m);
    return w;
  }

  const Network& m_net;
  std::vector<OracleSegment> m_segments;
  std::vector<std::size_t> m_edge_first;  // edge e's segments: [first[e], first[e+1])
  std::vector<Box> m_edge_box;
  std::vector<NodeId> m_end_nodes;
};

}  // namespace lightcone::point_test
