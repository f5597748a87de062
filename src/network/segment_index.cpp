#include "network/segment_index.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <tuple>
#include <unordered_map>

#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/point.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

#include "network/geodesic.hpp"

namespace lightcone {
namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using TreePoint = bg::model::point<double, 2, bg::cs::cartesian>;  // lon, lat as plain numbers
using TreeBox = bg::model::box<TreePoint>;
using Entry = std::pair<TreeBox, std::uint32_t>;
using Tree = bgi::rtree<Entry, bgi::quadratic<16>>;

TreeBox tree_box(const DegreeBox& b) { return {TreePoint(b.lon0, b.lat0), TreePoint(b.lon1, b.lat1)}; }


// The query box moved by −360° and +360° where it reaches past ±180 (a piece's box lies
// within [−180, 180] but for crossing pieces, which reach a little past 180): the
// boxes that hold the pieces on the other side of the antimeridian.
std::vector<DegreeBox> other_side_boxes(const DegreeBox& q) {
  std::vector<DegreeBox> out;
  if (q.lon0 >= -180.0 && q.lon1 <= 180.0) return out;
  for (const double shift : {-360.0, 360.0}) {
    const DegreeBox s{q.lon0 + shift, q.lon1 + shift, q.lat0, q.lat1};
    if (s.lon1 >= -180.0 && s.lon0 <= 181.0) out.push_back(s);
  }
  return out;
}

// A box holding the geodesic arc from p0 to p1 (a part of one segment's geodesic, so a
// shortest path: less than 180° of longitude). Longitude is monotone along a geodesic,
// so the ends bound it unless the arc crosses the antimeridian (or the ends are given
// outside ±180°): then the box spans every longitude. Latitude is monotone between
// vertices; where the azimuth turns from northward to southward (or back) the arc passes
// a vertex, whose latitude Clairaut's relation gives. The margin covers rounding of the
// computed points (nanometres).
DegreeBox arc_box(const GeodesicLine::Point& p0, const GeodesicLine::Point& p1) {
  constexpr double kPad = 1e-8;
  constexpr double kEps = 1e-12;
  constexpr double kDeg = 0.017453292519943295;
  const double c0 = std::cos(p0.azimuth_deg * kDeg);
  const double c1 = std::cos(p1.azimuth_deg * kDeg);
  DegreeBox box{0.0, 0.0, std::min(p0.at.lat, p1.at.lat), std::max(p0.at.lat, p1.at.lat)};
  const bool north_vertex = c0 > -kEps && c1 < kEps;
  const bool south_vertex = c0 < kEps && c1 > -kEps;
  if (north_vertex || south_vertex) {
    const double v = std::max(geodesic_vertex_lat(p0.at, p0.azimuth_deg), geodesic_vertex_lat(p1.at, p1.azimuth_deg));
    if (north_vertex) box.lat1 = std::max(box.lat1, v);
    if (south_vertex) box.lat0 = std::min(box.lat0, -v);
  }
  box.lat0 -= kPad;
  box.lat1 += kPad;
  const double lon0 = p0.at.lon, lon1 = p1.at.lon;
  if (std::abs(lon0) <= 180.0 && std::abs(lon1) <= 180.0 && std::abs(lon1 - lon0) < 179.999) {
    box.lon0 = std::min(lon0, lon1) - kPad;
    box.lon1 = std::max(lon0, lon1) + kPad;
  } else {
    box.lon0 = -540.0;
    box.lon1 = 540.0;
  }
  return box;
}

// Query order: the cell of the box centre (x, then y), then the piece's position in the
// network (edge, segment, piece).
struct OrderKey {
  std::int64_t cx = 0, cy = 0;
  std::uint32_t orig = 0;  // the piece's rank in edge / segment / piece order
  std::uint32_t id = 0;
  bool operator<(const OrderKey& o) const { return std::tie(cx, cy, orig) < std::tie(o.cx, o.cy, o.orig); }
};

}  // namespace

DegreeBox piece_box(LonLat a, LonLat b) {
  DegreeBox box{std::min(a.lon, b.lon), std::max(a.lon, b.lon), std::min(a.lat, b.lat), std::max(a.lat, b.lat)};
  if (box.lon1 - box.lon0 > 180.0) box = {box.lon1, box.lon0 + 360.0, box.lat0, box.lat1};
  return box;
}

struct SegmentIndex::Impl {
  // A segment of more than kStoredMaxPieces pieces: its pieces are computed on demand.
  struct LongSegment {
    EdgeId edge = kNone;
    std::uint32_t parts = 0;
    double piece_m = 0.0;          // length of each piece
    std::uint32_t first_id = 0;    // id of piece 0
    std::uint32_t first_orig = 0;  // rank of piece 0 in edge / segment / piece order
    std::uint32_t first_chunk = 0;
    GeodesicLine line;
  };
  // kSubBoxPieces pieces (fewer at the end) of a long segment: one R-tree box.
  struct Chunk {
    std::uint32_t segment = 0;
    std::uint32_t k0 = 0, k1 = 0;  // pieces k0 .. k1-1
    double along_m = 0.0;          // along the edge at piece k0 (summed piece by piece)
    GeodesicLine::Point p0, p1;    // the points of pieces k0 and k1 (ends of the chunk)
  };
  double cell_deg = 0.05;
  std::vector<std::uint32_t> orig;  // per stored piece
  // Stored pieces by the cell of their box centre: (cx, cy) → range of ids. Stored
  // pieces are short (≤ 2 km), so buckets are cheaper than tree nodes, and streaming
  // them cell by cell gives query order without sorting.
  std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> cells;
  double half_lon = 0.0, half_lat = 0.0;  // largest half-extent of a stored piece's box, degrees
  std::vector<LongSegment> segments;
  std::vector<Chunk> chunks;
  Tree spans;  // box of each chunk of a long segment → chunk index

  static std::uint64_t cell_key(std::int64_t cx, std::int64_t cy) {
    return (static_cast<std::uint64_t>(cx) << 32) ^ static_cast<std::uint64_t>(cy & 0xffffffff);
  }

  std::int64_t cell(double deg) const { return static_cast<std::int64_t>(std::floor(deg / cell_deg)); }
  OrderKey key(const DegreeBox& b, std::uint32_t orig_rank, std::uint32_t id) const {
    return {cell(0.5 * (b.lon0 + b.lon1)), cell(0.5 * (b.lat0 + b.lat1)), orig_rank, id};
  }
  GeodesicLine::Point point(const LongSegment& s, std::uint32_t k) const {
    return s.line.at(static_cast<double>(k) / s.parts);
  }
  // Every piece of s in k0 .. k1-1 whose box meets q, by bisection: a half is searched
  // only when the box of its geodesic arc meets q.
  template <class F>
  void descend(const LongSegment& s, std::uint32_t k0, std::uint32_t k1, const GeodesicLine::Point& p0,
               const GeodesicLine::Point& p1, const DegreeBox& q, F&& emit) const {
    if (k1 - k0 == 1) {
      const DegreeBox b = piece_box(p0.at, p1.at);
      if (b.meets(q)) emit(k0, b);
      return;
    }
    if (!arc_box(p0, p1).meets(q)) return;
    const std::uint32_t mid = k0 + (k1 - k0) / 2;
    const GeodesicLine::Point pm = point(s, mid);
    descend(s, k0, mid, p0, pm, q, emit);
    descend(s, mid, k1, pm, p1, q, emit);
  }
};

SegmentIndex::SegmentIndex(const Network& net, double cell_deg) : m_impl(std::make_unique<Impl>()) {
  assert(cell_deg > 0);
  Impl& I = *m_impl;
  I.cell_deg = cell_deg;
  std::vector<Piece> stored;
  std::vector<std::uint32_t> stored_orig;
  std::uint32_t orig = 0;
  for (EdgeId e = 0; e < net.edges(); ++e) {
    const auto g = net.edge_geometry(e);
    // The tap rule (Network::edge_tap): an edge closed to mid-span access gives only its
    // two end points, as pieces of length 0; an edge closed to access gives nothing.
    if (net.tap(e) == Tap::none) continue;
    if (net.tap(e) == Tap::ends) {
      stored.push_back(Piece{e, 0.0, 0.0, g.front(), g.front()});
      stored_orig.push_back(orig++);
      stored.push_back(Piece{e, net.edge_geom_length_m[e], 0.0, g.back(), g.back()});
      stored_orig.push_back(orig++);
      continue;
    }
    double along = 0.0;
    for (std::size_t i = 1; i < g.size(); ++i) {
      const double len = geodesic_distance_m(g[i - 1], g[i]);
      const int parts = std::max(1, static_cast<int>(std::ceil(len / kPieceMaxM)));
      const double plen = len / parts;
      if (parts <= static_cast<int>(kStoredMaxPieces)) {
        LonLat prev = g[i - 1];
        for (int k = 1; k <= parts; ++k) {
          const LonLat next = k == parts ? g[i] : geodesic_interpolate(g[i - 1], g[i], static_cast<double>(k) / parts);
          stored.push_back(Piece{e, along, plen, prev, next});
          stored_orig.push_back(orig++);
          along += plen;
          prev = next;
        }
        continue;
      }
      const auto n = static_cast<std::uint32_t>(parts);
      const auto segment = static_cast<std::uint32_t>(I.segments.size());
      I.segments.push_back({e, n, plen, 0, orig, static_cast<std::uint32_t>(I.chunks.size()), GeodesicLine(g[i - 1], g[i])});
      for (std::uint32_t k0 = 0; k0 < n; k0 += kSubBoxPieces) {
        const std::uint32_t k1 = std::min(n, k0 + kSubBoxPieces);
        I.chunks.push_back({segment, k0, k1, along, {}, {}});
        // The along positions are sums piece by piece, as if the pieces were stored.
        for (std::uint32_t k = k0; k < k1; ++k) along += plen;
      }
      orig += n;
    }
  }

  // Stored pieces in query order, so a query's stored ids sort into that order.
  std::vector<OrderKey> keys(stored.size());
  for (std::uint32_t i = 0; i < stored.size(); ++i)
    keys[i] = I.key(piece_box(stored[i].a, stored[i].b), stored_orig[i], i);
  std::sort(keys.begin(), keys.end());
  m_pieces.reserve(stored.size());
  I.orig.reserve(stored.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const OrderKey& k = keys[i];
    const auto id = static_cast<std::uint32_t>(m_pieces.size());
    m_pieces.push_back(stored[k.id]);
    I.orig.push_back(k.orig);
    const DegreeBox b = piece_box(m_pieces.back().a, m_pieces.back().b);
    I.half_lon = std::max(I.half_lon, 0.5 * (b.lon1 - b.lon0));
    I.half_lat = std::max(I.half_lat, 0.5 * (b.lat1 - b.lat0));
    if (i == 0 || k.cx != keys[i - 1].cx || k.cy != keys[i - 1].cy)
      I.cells.emplace(Impl::cell_key(k.cx, k.cy), std::make_pair(id, id + 1));
    else
      I.cells[Impl::cell_key(k.cx, k.cy)].second = id + 1;
  }
  // A little margin for the rounding of the centres.
  I.half_lon = I.half_lon * (1 + 1e-9) + 1e-12;
  I.half_lat = I.half_lat * (1 + 1e-9) + 1e-12;
  std::vector<Entry> entries;

  // Long segments: ids after the stored pieces; one box per chunk.
  auto next_id = static_cast<std::uint32_t>(m_pieces.size());
  for (Impl::LongSegment& s : I.segments) {
    s.first_id = next_id;
    next_id += s.parts;
  }
  m_long_pieces = next_id - m_pieces.size();
  for (std::uint32_t c = 0; c < I.chunks.size(); ++c) {
    Impl::Chunk& chunk = I.chunks[c];
    const Impl::LongSegment& s = I.segments[chunk.segment];
    chunk.p0 = c > 0 && I.chunks[c - 1].segment == chunk.segment ? I.chunks[c - 1].p1 : I.point(s, chunk.k0);
    chunk.p1 = I.point(s, chunk.k1);
    entries.emplace_back(tree_box(arc_box(chunk.p0, chunk.p1)), c);
  }
  I.spans = Tree(entries.begin(), entries.end());
}

SegmentIndex::~SegmentIndex() = default;
SegmentIndex::SegmentIndex(SegmentIndex&&) noexcept = default;
SegmentIndex& SegmentIndex::operator=(SegmentIndex&&) noexcept = default;

Piece SegmentIndex::long_piece(std::uint32_t id) const {
  assert(id >= m_pieces.size() && id < pieces());
  const Impl& I = *m_impl;
  const auto it = std::prev(std::upper_bound(I.segments.begin(), I.segments.end(), id,
                                             [](std::uint32_t v, const Impl::LongSegment& s) { return v < s.first_id; }));
  const std::uint32_t k = id - it->first_id;
  const Impl::Chunk& chunk = I.chunks[it->first_chunk + k / kSubBoxPieces];
  double along = chunk.along_m;
  for (std::uint32_t j = chunk.k0; j < k; ++j) along += it->piece_m;
  return Piece{it->edge, along, it->piece_m, I.point(*it, k).at, I.point(*it, k + 1).at};
}

// A lon/lat box holding every point within radius_m of p in p's local plane (generous:
// 110 km per degree of latitude, 111 km per degree of longitude at the box's pole-most
// latitude).
DegreeBox SegmentIndex::query_box(LonLat p, double radius_m) {
  const double dlat = radius_m / 110000.0 + 1e-9;
  const double c = std::max(std::cos(std::min(std::abs(p.lat) + dlat, 90.0) * 0.017453292519943295), 1e-6);
  const double dlon = std::min(radius_m / (111000.0 * c) + 1e-9, 180.0);
  return {p.lon - dlon, p.lon + dlon, p.lat - dlat, p.lat + dlat};
}

bool SegmentIndex::query_union(std::span<const LonLat> pts, double radius_m, double spread,
                               std::vector<std::uint32_t>& out) const {
  if (pts.empty()) return false;
  DegreeBox u = query_box(pts.front(), radius_m);
  double width = 0.0, height = 0.0;
  for (const LonLat& p : pts) {
    const DegreeBox q = query_box(p, radius_m);
    if (!other_side_boxes(q).empty()) return false;
    u.add(q);
    width = std::max(width, q.lon1 - q.lon0);
    height = std::max(height, q.lat1 - q.lat0);
  }
  if (u.lon1 - u.lon0 > spread * width || u.lat1 - u.lat0 > spread * height) return false;
  collect_box(u.lon0, u.lon1, u.lat0, u.lat1, out);
  return true;
}

void SegmentIndex::collect(LonLat p, double radius_m, std::vector<std::uint32_t>& out) const {
  const DegreeBox q = query_box(p, radius_m);
  collect_box(q.lon0, q.lon1, q.lat0, q.lat1, out);
  const std::vector<DegreeBox> others = other_side_boxes(q);
  if (others.empty()) return;
  // Near the antimeridian: the pieces on its other side too, each once, in query order.
  const Impl& I = *m_impl;
  thread_local std::vector<std::uint32_t> more;
  for (const DegreeBox& o : others) {
    collect_box(o.lon0, o.lon1, o.lat0, o.lat1, more);
    out.insert(out.end(), more.begin(), more.end());
  }
  std::vector<OrderKey> keys;
  keys.reserve(out.size());
  for (const std::uint32_t id : out) {
    const Piece pc = piece(id);
    std::uint32_t orig = 0;
    if (id < m_pieces.size()) {
      orig = I.orig[id];
    } else {
      const auto it = std::prev(std::upper_bound(I.segments.begin(), I.segments.end(), id,
                                                 [](std::uint32_t v, const Impl::LongSegment& s) { return v < s.first_id; }));
      orig = it->first_orig + (id - it->first_id);
    }
    keys.push_back(I.key(piece_box(pc.a, pc.b), orig, id));
  }
  std::sort(keys.begin(), keys.end(), [](const OrderKey& a, const OrderKey& b) {
    return a < b || (!(b < a) && a.id < b.id);
  });
  out.clear();
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (i == 0 || keys[i].id != keys[i - 1].id) out.push_back(keys[i].id);
}

void SegmentIndex::collect_box(double lon0, double lon1, double lat0, double lat1,
                               std::vector<std::uint32_t>& out) const {
  const Impl& I = *m_impl;
  out.clear();
  const DegreeBox q{lon0, lon1, lat0, lat1};
  // Stored pieces: each sits in the cell of its box centre, so the cells of the query
  // box widened by the largest half-extent hold every piece whose box meets it.
  if (!m_pieces.empty())
    for (std::int64_t x = I.cell(q.lon0 - I.half_lon); x <= I.cell(q.lon1 + I.half_lon); ++x)
      for (std::int64_t y = I.cell(q.lat0 - I.half_lat); y <= I.cell(q.lat1 + I.half_lat); ++y) {
        const auto it = I.cells.find(Impl::cell_key(x, y));
        if (it == I.cells.end()) continue;
        for (std::uint32_t id = it->second.first; id < it->second.second; ++id)
          if (piece_box(m_pieces[id].a, m_pieces[id].b).meets(q)) out.push_back(id);
      }
  if (I.spans.empty()) return;
  const TreeBox qb = tree_box(q);
  thread_local std::vector<OrderKey> found;
  found.clear();
  I.spans.query(bgi::intersects(qb), boost::make_function_output_iterator([&](const Entry& e) {
                  const Impl::Chunk& c = I.chunks[e.second];
                  const Impl::LongSegment& s = I.segments[c.segment];
                  I.descend(s, c.k0, c.k1, c.p0, c.p1, q, [&](std::uint32_t k, const DegreeBox& b) {
                    found.push_back(I.key(b, s.first_orig + k, s.first_id + k));
                  });
                }));
  if (found.empty()) return;
  for (const std::uint32_t id : out) found.push_back(I.key(piece_box(m_pieces[id].a, m_pieces[id].b), I.orig[id], id));
  std::sort(found.begin(), found.end());
  out.clear();
  for (const OrderKey& k : found) out.push_back(k.id);
}

void SegmentIndex::query_brute_force(LonLat p, double radius_m, std::vector<std::uint32_t>& out) const {
  const Impl& I = *m_impl;
  std::vector<DegreeBox> qs{query_box(p, radius_m)};
  for (const DegreeBox& o : other_side_boxes(qs.front())) qs.push_back(o);
  auto meets_any = [&](const DegreeBox& b) {
    return std::any_of(qs.begin(), qs.end(), [&](const DegreeBox& q) { return b.meets(q); });
  };
  std::vector<OrderKey> found;
  for (std::uint32_t id = 0; id < m_pieces.size(); ++id) {
    const DegreeBox b = piece_box(m_pieces[id].a, m_pieces[id].b);
    if (meets_any(b)) found.push_back(I.key(b, I.orig[id], id));
  }
  for (const Impl::LongSegment& s : I.segments)
    for (std::uint32_t k = 0; k < s.parts; ++k) {
      const Piece piece = long_piece(s.first_id + k);
      const DegreeBox b = piece_box(piece.a, piece.b);
      if (meets_any(b)) found.push_back(I.key(b, s.first_orig + k, s.first_id + k));
    }
  std::sort(found.begin(), found.end());
  out.clear();
  for (const OrderKey& k : found) out.push_back(k.id);
}

}  // namespace lightcone
