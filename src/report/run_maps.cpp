#include "report/run_maps.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>

#include "core/error.hpp"
#include "core/longitude.hpp"
#include "io/png.hpp"
#include "io/read_table.hpp"
#include "network/geodesic.hpp"
#include "render/map.hpp"
#include "report/palette.hpp"

namespace lightcone {
namespace {

using render::ColourRamp;
using render::LegendEntry;
using render::MapExtent;
using render::MapSheet;
using render::Marker;
using render::Rgba;
using render::hex;

namespace fs = std::filesystem;

// ---- reading -------------------------------------------------------------------------

const Column* column(const FeatureTable& t, std::string_view name) {
  for (const Column& c : t.columns)
    if (c.name == name) return &c;
  return nullptr;
}

std::string text_at(const Column* c, std::size_t i) {
  if (!c) return {};
  if (c->is_null(i)) return {};
  switch (c->type()) {
    case Column::Type::text: return c->texts()[i];
    case Column::Type::integer: return std::to_string(c->integers()[i]);
    case Column::Type::real: return fmt::format("{}", c->reals()[i]);
  }
  return {};
}

double real_at(const Column* c, std::size_t i) {
  if (!c) return std::nan("");
  if (c->type() == Column::Type::real) return c->reals()[i];
  if (c->type() == Column::Type::integer && !c->is_null(i)) return static_cast<double>(c->integers()[i]);
  return std::nan("");
}

struct RunLayers {
  std::string name;  // file name of the GeoPackage, for the footer
  std::map<std::string, std::string> info;
  std::optional<FeatureTable> zones, zones_split, network, sites, demand, uncovered, assignments, boundaries;
  std::optional<ResampledRaster> surface;
};

// Every longitude of the layers' geometry, in place.
template <class F>
void each_lonlat(RunLayers& r, F&& f) {
  for (std::optional<FeatureTable>* t :
       {&r.zones, &r.zones_split, &r.network, &r.sites, &r.demand, &r.uncovered, &r.assignments, &r.boundaries}) {
    if (!*t) continue;
    for (LonLat& p : (*t)->coords) f(p);
    for (MultiPolygon& m : (*t)->polygons)
      for (LonLat& p : m.coords) f(p);
  }
}

// Every longitude moved by a multiple of 360 into [ref − 180, ref + 180).
void unwrap_towards(RunLayers& r, double ref) {
  each_lonlat(r, [ref](LonLat& p) { p.lon = unwrap_lon(p.lon, ref); });
}

// Data across ±180 (a Fiji or Chukotka run): every longitude is unwrapped towards the
// middle of the smallest arc holding them all (core/longitude.hpp), so that the map spans
// a few degrees across the antimeridian, not the whole world. Other runs are unchanged.
void unwrap_across_180(RunLayers& r) {
  std::vector<LonLat> all;
  each_lonlat(r, [&all](LonLat& p) { all.push_back(p); });
  const LonArc arc = smallest_lon_arc(all);
  if (arc.east > 180.0) unwrap_towards(r, arc.middle());
}

// The layers the maps draw, from the run's tables (in memory, or as read from its GeoPackage).
RunLayers run_layers(std::string name, std::span<const FeatureTable> tables) {
  RunLayers r;
  r.name = std::move(name);
  const FeatureTable* info = nullptr;
  for (const FeatureTable& t : tables) {
    if (t.name == kRunInfoLayer) info = &t;
    const std::pair<const char*, std::optional<FeatureTable>*> slots[] = {
        {kZonesLayer, &r.zones},         {kNetworkLayer, &r.network},         {kSitesLayer, &r.sites},
        {kDemandLayer, &r.demand},       {kUncoveredLayer, &r.uncovered},     {kAssignmentsLayer, &r.assignments},
        {kBoundariesLayer, &r.boundaries}, {kZonesSplitLayer, &r.zones_split}};
    for (const auto& [layer, slot] : slots)
      if (t.name == layer) *slot = t;
  }
  if (!info) throw InputError("the run has no run_info layer: its maps cannot state the model.");
  unwrap_across_180(r);
  const Column* key = column(*info, "key");
  const Column* value = column(*info, "value");
  for (std::size_t i = 0; key && value && i < info->features(); ++i) r.info[text_at(key, i)] = text_at(value, i);
  return r;
}

RunLayers read_run_layers(const std::string& gpkg) {
  std::error_code ec;
  if (!fs::is_regular_file(gpkg, ec)) {
    throw InputError("no run found at " + gpkg + " (file does not exist). Give a directory written by lightcone plan, "
                     "or a GeoPackage written by plan, zones or place.");
  }
  const std::vector<std::string> layers = layer_names(gpkg);
  auto has = [&](const char* name) { return std::find(layers.begin(), layers.end(), name) != layers.end(); };
  if (!has(kRunInfoLayer)) {
    throw InputError(gpkg + " is not a lightcone run: it has no run_info layer. Give a directory written by lightcone "
                     "plan, or a GeoPackage written by plan, zones or place.");
  }
  std::vector<FeatureTable> tables;
  for (const char* name : {kRunInfoLayer, kZonesLayer, kZonesSplitLayer, kNetworkLayer, kSitesLayer, kDemandLayer, kUncoveredLayer,
                           kAssignmentsLayer, kBoundariesLayer})
    if (has(name)) tables.push_back(read_table(gpkg, name));
  return run_layers(fs::path(gpkg).filename().string(), tables);
}

std::string info_value(const RunLayers& r, const std::string& key) {
  const auto it = r.info.find(key);
  return it == r.info.end() ? std::string() : it->second;
}

// ---- styles (maps/*.qml, scaled from mm to pixels) ------------------------------------

const Rgba kWhite{255, 255, 255, 255};

Rgba hex(std::string_view rrggbb, std::uint8_t alpha = 255) { return lightcone::hex(std::string(rrggbb).c_str(), alpha); }

// Styles of report/palette.hpp (the QGIS styles' colours).
Rgba zone_colour(double budget_us, std::uint8_t alpha) {
  for (const palette::LatencyClass& c : palette::kZoneClasses)
    if (budget_us <= c.upper_us) return hex(c.colour, alpha);
  return hex(std::end(palette::kZoneClasses)[-1].colour, alpha);
}

Rgba darker(Rgba c) {  // QColor::darker(140)
  auto d = [](std::uint8_t v) { return static_cast<std::uint8_t>(std::lround(v / 1.4)); };
  return {d(c.r), d(c.g), d(c.b), 255};
}

Marker marker_of(std::string_view name) {
  if (name == "square") return Marker::square;
  if (name == "diamond") return Marker::diamond;
  if (name == "triangle") return Marker::triangle;
  if (name == "star") return Marker::star;
  if (name == "cross") return Marker::cross;
  return Marker::circle;
}

const Rgba kNetworkGrey = hex(palette::kNetworkGrey, 255);
const Rgba kBoundary = hex(palette::kBoundary, 255);
const Rgba kUncovered = hex(palette::kUncovered, 255);
const Rgba kAssignment = hex(palette::kAssignment, 140);
const Rgba kDemandDot = hex(palette::kDemandDot, 170);

// Surface ramp: the latency colours (green → yellow → red), spread evenly from 0 to the
// top of the scale.
ColourRamp surface_ramp(double hi) {
  ColourRamp r;
  const int n = static_cast<int>(std::size(palette::kLatencyClasses));
  for (int i = 0; i < n; ++i) r.stops.emplace_back(hi * i / (n - 1.0), hex(palette::kLatencyClasses[i].colour));
  return r;
}

// ---- drawing helpers -----------------------------------------------------------------

constexpr double kMaxSegmentM = 25e3;

// The line with every segment longer than kMaxSegmentM replaced by points along its
// geodesic, so that long links curve as the zones around them do (and the same on every map).
std::vector<LonLat> geodesic_line(std::span<const LonLat> pts) {
  std::vector<LonLat> out;
  out.reserve(pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (i > 0) {
      const double d = geodesic_distance_m(pts[i - 1], pts[i]);
      const int parts = d > kMaxSegmentM ? static_cast<int>(std::ceil(d / kMaxSegmentM)) : 1;
      for (int k = 1; k < parts; ++k) {
        LonLat q = geodesic_interpolate(pts[i - 1], pts[i], static_cast<double>(k) / parts);
        q.lon = unwrap_lon(q.lon, pts[i - 1].lon);  // the line's own side of ±180
        out.push_back(q);
      }
    }
    out.push_back(pts[i]);
  }
  return out;
}

MapExtent run_extent(const RunLayers& r) {
  MapExtent e;
  auto points = [&](const std::optional<FeatureTable>& t) {
    if (t) for (const LonLat& p : t->coords) e.include(p);
  };
  auto polys = [&](const std::optional<FeatureTable>& t) {
    if (t) for (const MultiPolygon& m : t->polygons) for (const LonLat& p : m.coords) e.include(p);
  };
  polys(r.zones);
  polys(r.boundaries);
  if (r.network)  // as drawn: long links bow away from the chord between their ends
    for (std::size_t i = 0; i < r.network->features(); ++i)
      for (const LonLat& p : geodesic_line(std::span(r.network->coords).subspan(r.network->first[i], r.network->first[i + 1] - r.network->first[i])))
        e.include(p);
  points(r.sites);
  points(r.demand);
  if (e.empty()) e = {-180.0, -60.0, 180.0, 75.0};
  return e.padded(0.03, 0.01);
}

std::string model_line(const RunLayers& r) {
  const std::string d = info_value(r, "description");
  return d.empty() ? "Latency model: not stated in run_info." : "Latency model: " + d + ".";
}

std::string metric_name(const RunLayers& r) {
  const std::string m = info_value(r, "metric");
  return m == "one-way" ? "one-way" : m.empty() ? "" : "RTT";
}

std::string run_name(const RunLayers& r) {
  const std::string s = info_value(r, "scenario");
  return s.empty() ? r.name : s;
}

std::string ms_label(double us) {
  const double ms = us / 1000.0;
  return fmt::format("{:g} ms", std::round(ms * 1000.0) / 1000.0);
}

double metres_per_px(const MapSheet& s) {
  const MapExtent& e = s.frame().extent();
  const double mid = s.frame().mid_latitude();
  return geodesic_distance_m({e.west, mid}, {e.east, mid}) / s.map_width();
}

std::string footer(const RunLayers& r, const MapExtent& e) {
  const double mid = (e.south + e.north) / 2.0;
  return fmt::format("lightcone · {} · WGS 84 lon/lat, equirectangular at {:.1f}°{} · north up", r.name, std::abs(mid),
                     mid >= 0 ? "N" : "S");
}

// ---- context and lines ----------------------------------------------------------------

namespace world {
#include "report/world_context.inc"
}

constexpr double kContextSpanM = 500e3;  // context outlines on maps wider or taller than this
const Rgba kCountryLine{150, 180, 205, 255};  // pale blue: context, not fibre

bool wants_context(const MapExtent& e) {
  const double mid = (e.south + e.north) / 2.0;
  const double wide = geodesic_distance_m({e.west, mid}, {e.east, mid});
  const double tall = geodesic_distance_m({(e.west + e.east) / 2.0, e.south}, {(e.west + e.east) / 2.0, e.north});
  return std::max(wide, tall) > kContextSpanM;
}

// Natural Earth 1:50m countries: borders and coasts as thin lines,
// under everything; only when the map spans more than kContextSpanM. Returns whether drawn.
bool draw_context(MapSheet& s) {
  const MapExtent& e = s.frame().extent();
  if (!wants_context(e)) return false;
  std::vector<MultiPolygon> rings;
  for (const auto& [first, n] : world::kWorldRings) {
    MapExtent box;
    std::vector<LonLat> ring;
    ring.reserve(n);
    for (std::uint32_t i = first; i < first + n; ++i) {
      const LonLat p{world::kWorldPoints[i][0] * 1e-4, world::kWorldPoints[i][1] * 1e-4};
      box.include(p);
      ring.push_back(p);
    }
    if (box.north < e.south || box.south > e.north) continue;
    // A map across ±180 has longitudes beyond 180 (or below −180): the ring a turn away.
    for (const double turn : {0.0, 360.0, -360.0}) {
      if (box.east + turn < e.west || box.west + turn > e.east) continue;
      MultiPolygon mp;
      mp.add_ring(ring);
      for (LonLat& p : mp.coords) p.lon += turn;
      mp.close_polygon();
      rings.push_back(std::move(mp));
    }
  }
  // Outlines only: a fill would tint the zones' colours, and 1:50m land is too coarse
  // to say what is land at a province's scale.
  for (const MultiPolygon& mp : rings) s.outline(mp, kCountryLine, 0.6);
  return true;
}

void draw_lines(MapSheet& s, const FeatureTable& t, double width) {
  for (std::size_t i = 0; i < t.features(); ++i) {
    const std::vector<LonLat> line = geodesic_line(std::span(t.coords).subspan(t.first[i], t.first[i + 1] - t.first[i]));
    s.line(line, width);
  }
}

constexpr double kBoundaryDash = 7.0;

void draw_boundaries(MapSheet& s, const RunLayers& r, double width) {
  if (!r.boundaries) return;
  for (const MultiPolygon& m : r.boundaries->polygons) s.outline(m, kBoundary, width, kBoundaryDash);
}

LegendEntry boundary_entry(double width) {
  return LegendEntry::line_row("target boundary", kBoundary, width, kBoundaryDash);
}

void label_boundaries(MapSheet& s, const RunLayers& r) {
  if (!r.boundaries) return;
  const Column* label = column(*r.boundaries, "label");  // runs before 2026-12 have none
  const Column* name = label ? label : column(*r.boundaries, "name");
  for (std::size_t i = 0; i < r.boundaries->polygons.size(); ++i) {
    const MultiPolygon& m = r.boundaries->polygons[i];
    // Label at the top-left-most vertex of the largest ring's bounding box corner: keeps
    // names of nested boundaries apart better than centroids.
    double best = -1.0;
    MapExtent box;
    for (std::size_t k = 0; k < m.polygons(); ++k) {
      MapExtent b;
      for (const LonLat& p : m.ring(m.polygon_first[k])) b.include(p);
      const double a = (b.east - b.west) * (b.north - b.south);
      if (a > best) best = a, box = b;
    }
    if (best < 0.0) continue;
    const std::string n = text_at(name, i);
    if (!n.empty()) s.label({(box.west + box.east) / 2.0, (box.south + box.north) / 2.0}, n, kBoundary, render::LabelPlace::centre);
  }
}

void draw_network(MapSheet& s, const RunLayers& r, Rgba colour, double width) {
  if (!r.network) return;
  draw_lines(s, *r.network, width);
  s.flush_lines(colour);
}

// zones_split: the parts of each zone by nearest site, as thin white lines between them
// (over the zone fills). Returns whether the run has it.
const Rgba kSplitLine{255, 255, 255, 230};
bool draw_zones_split(MapSheet& s, const RunLayers& r) {
  if (!r.zones_split || r.zones_split->polygons.empty()) return false;
  for (const MultiPolygon& m : r.zones_split->polygons) s.outline(m, kSplitLine, 1.0);
  return true;
}

// Candidates beyond this many are drawn small and pale (they are context, not results).
constexpr std::size_t kManyCandidates = 300;

// Sites in the style order; returns legend entries for the statuses present, with counts.
std::vector<LegendEntry> draw_sites(MapSheet& s, const RunLayers& r, double scale = 1.0) {
  std::vector<LegendEntry> legend;
  if (!r.sites) return legend;
  const FeatureTable& t = *r.sites;
  const Column* status = column(t, "status");
  for (const palette::SiteStyle& st : palette::kSiteStyles) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < t.coords.size(); ++i) {
      const std::string v = status ? text_at(status, i) : "existing";
      n += &palette::site_style(v) == &st;
    }
    // Many candidates (or excluded sites): small, pale, no outline.
    const bool many = n > kManyCandidates && (st.status == "candidate" || st.status == "excluded");
    const double size = many ? 3.0 : st.size * scale;
    const Rgba fill = many ? hex(st.fill, 110) : hex(st.fill);
    const Rgba stroke = many ? hex(st.fill, 110) : hex(st.stroke);
    const double stroke_width = many ? 0.0 : 1.0;
    for (std::size_t i = 0; i < t.coords.size(); ++i) {
      const std::string v = status ? text_at(status, i) : "existing";
      if (&palette::site_style(v) != &st) continue;
      s.marker(t.coords[i], many ? Marker::circle : marker_of(st.marker), size, fill, stroke, stroke_width);
    }
    if (n > 0) {
      const LegendEntry e = LegendEntry::marker_row(fmt::format("{} site ({})", st.label, n),
                                                    many ? Marker::circle : marker_of(st.marker), many ? 5.0 : size,
                                                    fill, stroke, stroke_width);
      legend.insert(legend.begin(), e);  // chosen first in the legend
    }
  }
  return legend;
}

// maps/uncovered.qml: a red ringed circle with a red ×; smaller when there are many.
double uncovered_size(const RunLayers& r) { return r.uncovered && r.uncovered->features() > 200 ? 6.5 : 9.0; }

std::size_t draw_uncovered(MapSheet& s, const RunLayers& r) {
  if (!r.uncovered) return 0;
  const double size = uncovered_size(r);
  for (const LonLat& p : r.uncovered->coords) {
    s.marker(p, Marker::circle, size, hex(palette::kUncoveredFill, 50), kUncovered, 1.2);
    s.marker(p, Marker::cross, size / 2.0, kUncovered, kUncovered, 0.8);
  }
  return r.uncovered->coords.size();
}

LegendEntry uncovered_entry(const RunLayers& r) {
  LegendEntry e = LegendEntry::marker_row(fmt::format("uncovered demand ({})", r.uncovered->features()), Marker::circle,
                                          9.0, hex(palette::kUncoveredFill, 50), kUncovered, 1.2);
  e.cross = true;
  return e;
}

LegendEntry heading(std::string s) { return LegendEntry::heading_row(std::move(s)); }

LegendEntry country_entry() { return LegendEntry::line_row("coast, borders (Natural Earth 1:50m)", kCountryLine, 0.8); }

int panel_height(std::size_t legend_rows, int extra) {
  return MapSheet::legend_height(legend_rows) + 12 + MapSheet::scale_bar_height() + extra;
}

std::vector<std::pair<double, const MultiPolygon*>> zones_by_budget(const RunLayers& r) {
  std::vector<std::pair<double, const MultiPolygon*>> z;
  if (!r.zones) return z;
  const Column* b = column(*r.zones, "budget_us");
  for (std::size_t i = 0; i < r.zones->polygons.size(); ++i) z.emplace_back(real_at(b, i), &r.zones->polygons[i]);
  std::stable_sort(z.begin(), z.end(), [](const auto& x, const auto& y) { return x.first > y.first; });  // largest first
  return z;
}

// ---- the three maps ------------------------------------------------------------------

// The common end of a map: boundary labels, the sites' and uncovered demand's legend
// rows after `legend`, the legend panel and the scale bar.
render::Canvas finish_sheet(MapSheet& s, const RunLayers& r, std::vector<LegendEntry>& legend,
                            const std::vector<LegendEntry>& sites) {
  label_boundaries(s, r);
  legend.insert(legend.end(), sites.begin(), sites.end());
  if (r.uncovered) legend.push_back(uncovered_entry(r));
  int y = s.legend(0, legend);
  s.scale_bar(y + 12, metres_per_px(s));
  return s.finish();
}

render::Canvas zones_map(const RunLayers& r, const MapExtent& extent, const render::SheetOptions& so) {
  const auto zones = zones_by_budget(r);
  std::vector<std::string> names;
  for (auto it = zones.rbegin(); it != zones.rend(); ++it) names.push_back(ms_label(it->first));
  std::string budgets;
  for (const auto& n : names) budgets += (budgets.empty() ? "" : ", ") + n;
  const std::string metric = metric_name(r);
  const std::string title = fmt::format("{}: latency zones{}", run_name(r),
                                        budgets.empty() ? "" : " (" + budgets + (metric.empty() ? "" : " " + metric) + ")");
  // Legend rows: heading, zones, boundaries, network, sites (≤ 7), uncovered.
  const std::size_t rows = 1 + zones.size() + 1 + 1 + 1 + 7 + 1;
  MapSheet s(extent, title, model_line(r), footer(r, extent), panel_height(rows + 2, 0), so);
  std::vector<LegendEntry> legend{heading("Legend")};
  const bool context = draw_context(s);
  for (const auto& [b, m] : zones) s.fill(*m, zone_colour(b, 128));
  const bool split = draw_zones_split(s, r);
  for (const auto& [b, m] : zones) s.outline(*m, darker(zone_colour(b, 255)), 1.0);
  for (auto it = zones.rbegin(); it != zones.rend(); ++it) {
    // Nested fills add up: a zone's swatch shows it over the larger zones around it.
    Rgba shown{255, 255, 255, 255};
    for (const auto& [b, m] : zones)
      if (b >= it->first) {
        const Rgba c = zone_colour(b, 128);
        shown = render::mix(shown, Rgba{c.r, c.g, c.b, 255}, 128.0 / 255.0);
      }
    legend.push_back(LegendEntry::fill_row("within " + ms_label(it->first) + (metric.empty() ? "" : " " + metric), shown,
                      darker(zone_colour(it->first, 255)), 1.0));
  }
  if (split) legend.push_back(LegendEntry::line_row("split by nearest site", Rgba{120, 120, 120, 255}, 1.0));
  if (context) legend.push_back(country_entry());
  draw_boundaries(s, r, 1.2);
  if (r.boundaries) legend.push_back(boundary_entry(1.2));
  draw_network(s, r, kNetworkGrey, 0.8);
  if (r.network) legend.push_back(LegendEntry::line_row("fibre", kNetworkGrey, 1.0));
  draw_uncovered(s, r);
  const std::vector<LegendEntry> sites = draw_sites(s, r);
  return finish_sheet(s, r, legend, sites);
}

void nice_ticks(double hi, std::vector<std::pair<double, std::string>>& ticks) {
  const double steps[] = {100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000, 100000};
  double step = steps[0];
  for (const double st : steps) {
    step = st;
    if (hi / st <= 8.0) break;
  }
  for (double v = 0.0; v <= hi + 1e-9; v += step) ticks.emplace_back(v, ms_label(v));
}

render::Canvas surface_map(const RunLayers& r, const MapExtent& extent, const render::SheetOptions& so,
                           const std::string& tif) {
  const std::string metric = metric_name(r);
  const std::string title = fmt::format("{}: latency surface{}", run_name(r), metric.empty() ? "" : " (" + metric + ")");
  const std::size_t rows = 1 + 1 + 1 + 7;
  MapSheet s(extent, title, model_line(r), footer(r, extent), panel_height(rows + 1, MapSheet::ramp_legend_height() + 12), so);
  const bool context = draw_context(s);
  // The surface on the frame's own pixel grid (canvas pixels).
  const MapExtent& e = s.frame().extent();
  LonLatPixelGrid grid;
  grid.width = s.frame_columns();
  grid.height = s.frame_rows();
  grid.west = e.west;
  grid.north = e.north;
  grid.dlon = (e.east - e.west) / s.frame().width();
  grid.dlat = (e.north - e.south) / s.frame().height();
  const ResampledRaster surf = read_raster_on_grid(tif, grid);
  double vmax = 0.0;
  for (const float v : surf.values)
    if (std::isfinite(v)) vmax = std::max(vmax, static_cast<double>(v));
  // Top of the scale: the next 0.5 ms above the largest value (at least 0.5 ms).
  const double hi = std::max(500.0, std::ceil(vmax / 500.0) * 500.0);
  const ColourRamp ramp = surface_ramp(hi);
  s.raster([&](int col, int row) {
    const float v = surf.values[static_cast<std::size_t>(row) * static_cast<std::size_t>(grid.width) + static_cast<std::size_t>(col)];
    return std::isfinite(v) ? ramp.at(v) : Rgba{0, 0, 0, 0};
  });
  const auto zones = zones_by_budget(r);
  for (const auto& [b, m] : zones) s.outline(*m, Rgba{20, 20, 20, 255}, 1.4);
  draw_boundaries(s, r, 0.9);
  const std::vector<LegendEntry> sites = draw_sites(s, r, 0.9);
  std::vector<std::pair<double, std::string>> ticks;
  nice_ticks(hi, ticks);
  int y = s.ramp_legend(0, "Latency" + (metric.empty() ? std::string() : " (" + metric + ")"), ramp, 0.0, hi, ticks);
  std::vector<LegendEntry> legend;
  legend.push_back(LegendEntry::fill_row("unreachable / outside", kWhite, Rgba{150, 150, 150, 255}, 1.0));
  if (!zones.empty()) {
    std::string b;
    for (auto it = zones.rbegin(); it != zones.rend(); ++it) b += (b.empty() ? "" : ", ") + ms_label(it->first);
    legend.push_back(LegendEntry::line_row("zone edge (" + b + ")", Rgba{20, 20, 20, 255}, 1.4));
  }
  if (r.boundaries) legend.push_back(boundary_entry(0.9));
  if (context) legend.push_back(country_entry());
  legend.insert(legend.end(), sites.begin(), sites.end());
  y = s.legend(y + 6, legend);
  s.scale_bar(y + 12, metres_per_px(s));
  return s.finish();
}

bool has_placement(const RunLayers& r) {
  if (r.assignments && r.assignments->features() > 0) return true;
  if (!r.sites) return false;
  const Column* status = column(*r.sites, "status");
  for (std::size_t i = 0; status && i < r.sites->features(); ++i)
    if (text_at(status, i) == "chosen") return true;
  return false;
}

render::Canvas placement_map(const RunLayers& r, const MapExtent& extent, const render::SheetOptions& so) {
  const Column* status = r.sites ? column(*r.sites, "status") : nullptr;
  const std::string problem = info_value(r, "problem");
  const std::string title = fmt::format("{}: site placement{}", run_name(r), problem.empty() ? "" : " (" + problem + ")");
  const std::size_t rows = 1 + 1 + 1 + 1 + 1 + 7 + 1;
  MapSheet s(extent, title, model_line(r), footer(r, extent), panel_height(rows + 1, 0), so);
  std::vector<LegendEntry> legend{heading("Legend")};
  if (draw_context(s)) legend.push_back(country_entry());
  draw_boundaries(s, r, 1.0);
  if (r.boundaries) legend.push_back(boundary_entry(1.0));
  draw_network(s, r, hex("#c4c4c4"), 0.7);
  if (r.network) legend.push_back(LegendEntry::line_row("fibre", hex("#c4c4c4"), 1.0));
  if (r.assignments) {
    const FeatureTable& t = *r.assignments;
    draw_lines(s, t, 0.7);
    s.flush_lines(kAssignment);
    legend.push_back(LegendEntry::line_row(fmt::format("assignment ({})", t.features()), kAssignment, 1.0));
  }
  if (r.demand) {
    for (const LonLat& p : r.demand->coords) s.marker(p, Marker::circle, 3.0, kDemandDot, kDemandDot, 0.0);
    legend.push_back(LegendEntry::marker_row(fmt::format("demand point ({})", r.demand->features()), Marker::circle, 3.0, kDemandDot,
                                             kDemandDot, 0.0));
  }
  draw_uncovered(s, r);
  const std::vector<LegendEntry> sites = draw_sites(s, r);
  if (r.sites) {
    const Column* id = column(*r.sites, "site_id");
    for (std::size_t i = 0; status && i < r.sites->features(); ++i)
      if (text_at(status, i) == "chosen") s.label(r.sites->coords[i], text_at(id, i), hex("#67000d"), render::LabelPlace::beside, 8);
  }
  return finish_sheet(s, r, legend, sites);
}

}  // namespace

namespace {

void check_map_options(const RunMapOptions& options, const std::string& out_dir, const std::string& surface_tif) {
  if (options.width < kMinMapWidth || options.width > kMaxMapWidth) {
    throw InputError(fmt::format("map width {} px is out of range. Give a width from {} to {} px.", options.width,
                                 kMinMapWidth, kMaxMapWidth));
  }
  if (const auto& e = options.extent;
      e && !(e->west >= -180 && e->west <= 180 && e->west < e->east && e->east <= e->west + 360 && e->south >= -90 &&
             e->south < e->north && e->north <= 90)) {
    throw InputError(fmt::format("invalid map extent {},{},{},{}. Write WEST,SOUTH,EAST,NORTH in degrees with west < "
                                 "east and south < north, e.g. 119.5,35.5,121.0,36.9.",
                                 e->west, e->south, e->east, e->north));
  }
  if (options.supersample < 1 || options.supersample > 4) {
    throw InputError(fmt::format("supersampling factor {} is out of range (1 to 4).", options.supersample));
  }
  std::error_code ec;
  const fs::path out(out_dir);
  const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (fs::exists(out, ec) ? !fs::is_directory(out, ec) : !fs::is_directory(parent, ec)) {
    throw InputError("cannot write maps to " + out_dir + " (not a directory, or its parent does not exist). Give an "
                     "existing directory or a new one inside an existing directory.");
  }
  if (!surface_tif.empty() && !fs::is_regular_file(surface_tif, ec)) {
    throw InputError("surface raster not found (" + surface_tif + "). Give the run's run.tif, or none.");
  }
}

std::vector<std::string> draw_and_write(const RunLayers& run, const std::string& surface_tif, const std::string& out_dir,
                                        const RunMapOptions& options) {
  // A zoom across ±180 (east beyond 180): the layers unwrapped towards its middle.
  std::optional<RunLayers> across;
  if (options.extent && options.extent->east > 180.0) {
    across = run;
    unwrap_towards(*across, (options.extent->west + options.extent->east) / 2.0);
  }
  const RunLayers& r = across ? *across : run;
  const MapExtent extent = options.extent ? MapExtent{options.extent->west, options.extent->south, options.extent->east,
                                                      options.extent->north}
                                          : run_extent(r);
  render::SheetOptions so;
  so.width = options.width;
  so.supersample = options.supersample;
  so.panel_width = std::clamp(options.width / 5, 260, 420);
  so.max_height = options.width * 3 / 2;

  std::vector<std::pair<std::string, render::Canvas>> maps;
  if (r.zones) maps.emplace_back(kZonesPng, zones_map(r, extent, so));
  if (!surface_tif.empty()) maps.emplace_back(kSurfacePng, surface_map(r, extent, so, surface_tif));
  if (has_placement(r)) maps.emplace_back(kPlacementPng, placement_map(r, extent, so));

  std::error_code ec;
  const fs::path out(out_dir);
  fs::create_directories(out, ec);
  if (ec) throw InputError("cannot create " + out_dir + ": " + ec.message() + ". Give a writable directory.");
  std::vector<std::string> written;
  for (const auto& [name, canvas] : maps) {
    const std::string path = (out / name).string();
    write_png(path, canvas.rgba(), canvas.width(), canvas.height());
    written.push_back(path);
  }
  return written;
}

}  // namespace

std::vector<std::string> render_run_maps(const std::string& run_gpkg, const std::string& surface_tif,
                                         const std::string& out_dir, const RunMapOptions& options) {
  check_map_options(options, out_dir, surface_tif);
  return draw_and_write(read_run_layers(run_gpkg), surface_tif, out_dir, options);
}

std::vector<std::string> render_run_maps(const std::string& run_name, std::span<const FeatureTable> tables,
                                         const std::string& surface_tif, const std::string& out_dir,
                                         const RunMapOptions& options) {
  check_map_options(options, out_dir, surface_tif);
  return draw_and_write(run_layers(run_name, tables), surface_tif, out_dir, options);
}

}  // namespace lightcone
