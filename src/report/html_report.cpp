#include "report/html_report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "core/error.hpp"
#include "core/layers.hpp"
#include "io/png.hpp"
#include "report/json_text.hpp"
#include "report/palette.hpp"

namespace lightcone {
namespace {

using Json = nlohmann::ordered_json;

std::string slurp(const std::string& path, const std::string& dir) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError("Leaflet not found (" + path + "): report.html inlines Debian's Leaflet from " + dir +
                     ". Install it: apt-get install libjs-leaflet.");
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string base64(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t{bytes[i]} << 16) | (i + 1 < bytes.size() ? std::uint32_t{bytes[i + 1]} << 8 : 0u) |
                            (i + 2 < bytes.size() ? std::uint32_t{bytes[i + 2]} : 0u);
    out.push_back(kDigits[(n >> 18) & 63]);
    out.push_back(kDigits[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kDigits[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? kDigits[n & 63] : '=');
  }
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
}

// Fixed decimals without trailing zeros ("12.5", "3"); deterministic.
std::string num(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// A JSON string literal of `s` (bytes that are not UTF-8 become U+FFFD).
std::string json_string(const std::string& s) { return lightcone::json_text(Json(s), -1); }

std::string html_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

const Column* find_column(const FeatureTable& t, std::string_view name) {
  for (const Column& c : t.columns)
    if (c.name == name) return &c;
  return nullptr;
}

const FeatureTable* find_table(std::span<const FeatureTable> tables, std::string_view name) {
  for (const FeatureTable& t : tables)
    if (t.name == name) return &t;
  return nullptr;
}

std::optional<double> real_of(const Column* c, std::size_t i) {
  if (!c || c->is_null(i)) return std::nullopt;
  if (c->type() == Column::Type::real) return std::isfinite(c->reals()[i]) ? std::optional(c->reals()[i]) : std::nullopt;
  if (c->type() == Column::Type::integer) return static_cast<double>(c->integers()[i]);
  return std::nullopt;
}

std::string value_json(const Column& c, std::size_t i) {
  if (c.is_null(i)) return "null";
  switch (c.type()) {
    case Column::Type::real: return std::isfinite(c.reals()[i]) ? num(c.reals()[i], 6) : "null";
    case Column::Type::integer: return std::to_string(c.integers()[i]);
    case Column::Type::text: return json_string(c.texts()[i]);
  }
  return "null";
}

// Douglas–Peucker on lon/lat scaled to local metres-like units (lon × cos(lat0)).
void simplify(std::span<const LonLat> pts, double tol, double coslat, std::vector<LonLat>& out) {
  out.clear();
  if (pts.size() <= 2 || tol <= 0.0) {
    out.assign(pts.begin(), pts.end());
    return;
  }
  std::vector<char> keep(pts.size(), 0);
  keep.front() = keep.back() = 1;
  std::vector<std::pair<std::size_t, std::size_t>> stack{{0, pts.size() - 1}};
  while (!stack.empty()) {
    const auto [a, b] = stack.back();
    stack.pop_back();
    const double ax = pts[a].lon * coslat, ay = pts[a].lat, bx = pts[b].lon * coslat, by = pts[b].lat;
    const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    double worst = -1.0;
    std::size_t at = a;
    for (std::size_t i = a + 1; i < b; ++i) {
      const double px = pts[i].lon * coslat - ax, py = pts[i].lat - ay;
      double d2;
      if (len2 == 0.0) {
        d2 = px * px + py * py;
      } else {
        const double t = std::clamp((px * dx + py * dy) / len2, 0.0, 1.0);
        const double ex = px - t * dx, ey = py - t * dy;
        d2 = ex * ex + ey * ey;
      }
      if (d2 > worst) worst = d2, at = i;
    }
    if (worst > tol * tol) {
      keep[at] = 1;
      stack.emplace_back(a, at);
      stack.emplace_back(at, b);
    }
  }
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (keep[i]) out.push_back(pts[i]);
}

struct Extent {
  double west = 1e9, south = 1e9, east = -1e9, north = -1e9;
  void include(const LonLat& p) {
    west = std::min(west, p.lon), east = std::max(east, p.lon);
    south = std::min(south, p.lat), north = std::max(north, p.lat);
  }
  bool valid() const { return west <= east && south <= north; }
};

void include_table(Extent& e, const FeatureTable& t) {
  for (const LonLat& p : t.coords) e.include(p);
  for (const MultiPolygon& m : t.polygons)
    for (const LonLat& p : m.coords) e.include(p);
}

// Above this many fibre edges, report.html draws the fibre by latency class (one
// MultiLineString each) instead of one feature per edge with its fields.
constexpr std::size_t kFibreFeaturesEach = 50000;

class GeoJson {
 public:
  GeoJson(double tol, double coslat) : m_tol(tol), m_coslat(coslat) {}

  // A FeatureCollection of the features of `t` that `keep` accepts, with the columns
  // named in `fields` (all when empty) and `extra` properties per feature.
  // Features in `order` when given.
  template <class Keep, class Extra>
  std::string collection(const FeatureTable& t, const std::vector<std::string>& fields, Keep keep, Extra extra,
                         const std::vector<std::size_t>* order = nullptr) {
    std::vector<const Column*> cols;
    for (const Column& c : t.columns)
      if (fields.empty() || std::find(fields.begin(), fields.end(), c.name) != fields.end()) cols.push_back(&c);
    std::string out = "{\"type\":\"FeatureCollection\",\"features\":[";
    bool first = true;
    for (std::size_t k = 0; k < t.features(); ++k) {
      const std::size_t i = order ? (*order)[k] : k;
      if (!keep(i)) continue;
      const std::string geometry = geometry_of(t, i);
      if (geometry.empty()) continue;
      out += first ? "" : ",";
      first = false;
      out += "{\"type\":\"Feature\",\"geometry\":" + geometry + ",\"properties\":{";
      bool firstp = true;
      for (const Column* c : cols) {
        out += (firstp ? "" : ",") + json_string(c->name) + ":" + value_json(*c, i);
        firstp = false;
      }
      for (const auto& [key, v] : extra(i)) {
        out += (firstp ? "" : ",") + json_string(key) + ":" + v;
        firstp = false;
      }
      out += "}}";
    }
    return out + "]}";
  }

 private:
  std::string coords(std::span<const LonLat> pts, int decimals = 5) {
    std::string s = "[";
    for (std::size_t i = 0; i < pts.size(); ++i)
      s += (i ? ",[" : "[") + num(pts[i].lon, decimals) + "," + num(pts[i].lat, decimals) + "]";
    return s + "]";
  }

 public:
  // The simplified coordinates of line `i` of `t` ("[[x,y],...]"), empty when fewer than two remain.
  std::string line_coords(const FeatureTable& t, std::size_t i, int decimals) {
    simplify(std::span(t.coords).subspan(t.first[i], t.first[i + 1] - t.first[i]), m_tol, m_coslat, m_buf);
    return m_buf.size() < 2 ? std::string() : coords(m_buf, decimals);
  }

 private:

  std::string geometry_of(const FeatureTable& t, std::size_t i) {
    switch (t.geometry) {
      case FeatureTable::Geometry::point:
        return "{\"type\":\"Point\",\"coordinates\":[" + num(t.coords[i].lon, 5) + "," + num(t.coords[i].lat, 5) + "]}";
      case FeatureTable::Geometry::line: {
        simplify(std::span(t.coords).subspan(t.first[i], t.first[i + 1] - t.first[i]), m_tol, m_coslat, m_buf);
        if (m_buf.size() < 2) return {};
        return "{\"type\":\"LineString\",\"coordinates\":" + coords(m_buf) + "}";
      }
      case FeatureTable::Geometry::polygon: {
        const MultiPolygon& m = t.polygons[i];
        std::string polys;
        for (std::size_t k = 0; k < m.polygons(); ++k) {
          std::string rings;
          for (std::uint32_t r = m.polygon_first[k]; r < m.polygon_first[k + 1]; ++r) {
            simplify(m.ring(r), m_tol, m_coslat, m_buf);
            if (m_buf.size() < 4) {
              if (r == m.polygon_first[k]) break;  // the shell vanished: so does the polygon
              continue;
            }
            rings += (rings.empty() ? "" : ",") + coords(m_buf);
          }
          if (!rings.empty()) polys += (polys.empty() ? "[" : ",[") + rings + "]";
        }
        if (polys.empty()) return {};
        return "{\"type\":\"MultiPolygon\",\"coordinates\":[" + polys + "]}";
      }
      case FeatureTable::Geometry::none: return {};
    }
    return {};
  }

  double m_tol;
  double m_coslat;
  std::vector<LonLat> m_buf;
};

using Extras = std::vector<std::pair<std::string, std::string>>;

// The latency colour ramp of the surface (palette's latency colours from 0 to `hi`).
std::array<std::uint8_t, 3> ramp(double v, double hi) {
  const auto& c = palette::kLatencyClasses;
  const std::size_t n = std::size(c);
  auto rgb = [](std::string_view h) {
    unsigned r = 0, g = 0, b = 0;
    std::sscanf(std::string(h).c_str(), "#%02x%02x%02x", &r, &g, &b);
    return std::array<double, 3>{double(r), double(g), double(b)};
  };
  const double x = std::clamp(v / hi, 0.0, 1.0) * static_cast<double>(n - 1);
  const std::size_t k = std::min(static_cast<std::size_t>(x), n - 2);
  const double f = x - static_cast<double>(k);
  const auto a = rgb(c[k].colour), b = rgb(c[k + 1].colour);
  std::array<std::uint8_t, 3> out{};
  for (int j = 0; j < 3; ++j) out[j] = static_cast<std::uint8_t>(std::lround(a[j] + (b[j] - a[j]) * f));
  return out;
}

struct Overlay {
  std::string data_uri;
  Extent bounds;
  double hi = 0.0;
};

// The surface resampled onto rows evenly spaced in Web Mercator (Leaflet stretches an
// image overlay linearly in its projected pixels), nodata transparent.
std::optional<Overlay> surface_overlay(const std::string& tif, const Extent& e) {
  if (tif.empty() || !e.valid() || e.east - e.west <= 0.0 || e.north - e.south <= 0.0) return std::nullopt;
  const double kPi = 3.14159265358979323846;
  auto merc = [&](double lat) { return std::log(std::tan(kPi / 4 + lat * kPi / 360)); };
  const int width = 1200;
  const double ys = merc(e.south), yn = merc(e.north);
  const int height = std::clamp(static_cast<int>(std::lround(width * (yn - ys) / ((e.east - e.west) * kPi / 180))), 1, 2400);
  LonLatPixelGrid grid;
  grid.width = width;
  grid.height = height * 2;
  grid.west = e.west;
  grid.north = e.north;
  grid.dlon = (e.east - e.west) / width;
  grid.dlat = (e.north - e.south) / grid.height;
  const ResampledRaster r = read_raster_on_grid(tif, grid);
  double vmax = 0.0;
  for (const float v : r.values)
    if (std::isfinite(v)) vmax = std::max(vmax, static_cast<double>(v));
  Overlay o;
  o.bounds = e;
  o.hi = std::max(500.0, std::ceil(vmax / 500.0) * 500.0);
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4, 0);
  for (int row = 0; row < height; ++row) {
    const double y = yn - (row + 0.5) * (yn - ys) / height;
    const double lat = (2 * std::atan(std::exp(y)) - kPi / 2) * 180 / kPi;
    const int src = std::clamp(static_cast<int>((e.north - lat) / grid.dlat), 0, grid.height - 1);
    for (int col = 0; col < width; ++col) {
      const float v = r.values[static_cast<std::size_t>(src) * static_cast<std::size_t>(width) + static_cast<std::size_t>(col)];
      if (!std::isfinite(v)) continue;
      const auto c = ramp(v, o.hi);
      std::uint8_t* px = &rgba[(static_cast<std::size_t>(row) * static_cast<std::size_t>(width) + static_cast<std::size_t>(col)) * 4];
      px[0] = c[0], px[1] = c[1], px[2] = c[2], px[3] = 255;
    }
  }
  o.data_uri = "data:image/png;base64," + base64(encode_png(rgba, width, height));
  return o;
}

std::string ms(double us) { return num(us / 1000.0, 3) + " ms"; }

std::string zone_colour(double budget_us) {
  for (const palette::LatencyClass& c : palette::kZoneClasses)
    if (budget_us <= c.upper_us) return std::string(c.colour);
  return std::string(std::end(palette::kZoneClasses)[-1].colour);
}

std::string legend_html(std::span<const FeatureTable> tables, const std::string& metric, const std::optional<Overlay>& surface) {
  std::string h;
  auto swatch = [](const std::string& fill, const std::string& border, const std::string& label) {
    return "<div><i style=\"background:" + fill + ";border-color:" + border + "\"></i>" + html_escape(label) + "</div>";
  };
  if (const FeatureTable* z = find_table(tables, kZonesLayer)) {
    h += "<h4>Zones (" + html_escape(metric) + ")</h4>";
    const Column* b = find_column(*z, "budget_us");
    std::vector<double> budgets;
    for (std::size_t i = 0; i < z->features(); ++i)
      if (auto v = real_of(b, i)) budgets.push_back(*v);
    std::sort(budgets.begin(), budgets.end());
    for (const double v : budgets) h += swatch(zone_colour(v) + "80", zone_colour(v), "within " + ms(v));
  }
  if (find_table(tables, kNetworkLayer) || surface) {
    h += "<h4>Latency" + std::string(surface ? " (fibre, surface)" : " (fibre)") + "</h4>";
    for (const palette::LatencyClass& c : palette::kLatencyClasses)
      h += swatch(std::string(c.colour), std::string(c.colour), std::string(c.label));
    h += swatch(std::string(palette::kUnreachable), std::string(palette::kUnreachable), "unreachable");
    if (surface) h += "<div class=\"note\">surface: green 0 ms → red " + ms(surface->hi) + "</div>";
  }
  if (const FeatureTable* s = find_table(tables, kSitesLayer)) {
    const Column* status = find_column(*s, "status");
    std::map<std::string, std::size_t> count;
    for (std::size_t i = 0; i < s->features(); ++i) {
      const std::string v = status && !status->is_null(i) && status->type() == Column::Type::text ? status->texts()[i] : "";
      ++count[std::string(palette::site_style(v).label)];
    }
    h += "<h4>Sites</h4>";
    for (auto it = std::rbegin(palette::kSiteStyles); it != std::rend(palette::kSiteStyles); ++it) {
      const auto n = count.find(std::string(it->label));
      if (n == count.end()) continue;
      h += swatch(std::string(it->fill), std::string(it->stroke), std::string(it->label) + " (" + std::to_string(n->second) + ")");
    }
  }
  if (const FeatureTable* u = find_table(tables, kUncoveredLayer); u && u->features() > 0)
    h += swatch(std::string(palette::kUncoveredFill) + "33", std::string(palette::kUncovered),
                "uncovered demand (" + std::to_string(u->features()) + ")");
  if (find_table(tables, kBoundariesLayer))
    h += "<div><i style=\"background:none;border:1px dashed " + std::string(palette::kBoundary) + "\"></i>boundary</div>";
  return h;
}

std::string targets_html(const Json& summary) {
  if (!summary.contains("targets") || summary["targets"].empty()) return "<p>The scenario names no targets.</p>";
  std::string h = "<table id=\"targets\"><tr><th>target</th><th>kind</th><th>budget</th><th>required</th><th>actual</th>"
                  "<th>margin</th><th>verdict</th></tr>";
  auto text = [](const Json& t, const char* k) {
    return t.contains(k) && t[k].is_string() ? html_escape(t[k].get<std::string>()) : std::string("–");
  };
  for (const Json& t : summary["targets"]) {
    const std::string verdict = text(t, "verdict");
    std::string message = text(t, "message");
    h += "<tr><td>" + text(t, "name") + "</td><td>" + text(t, "kind") + "</td><td>" + text(t, "budget") + "</td><td>" +
         text(t, "required_text") + "</td><td>" + text(t, "actual_text") + "</td><td>" + text(t, "margin_text") +
         "</td><td class=\"" + verdict + "\">" + verdict + (message.empty() || message == "–" ? "" : ": " + message) +
         "</td></tr>";
  }
  return h + "</table>";
}

std::string budgets_html(const Json& summary) {
  if (!summary.contains("budgets") || summary["budgets"].empty()) return "";
  std::string h = "<table id=\"budgets\"><tr><th>budget</th><th>zone area</th><th>sites involved</th><th>demand weight covered</th></tr>";
  for (const Json& b : summary["budgets"]) {
    h += "<tr><td>" + html_escape(b.value("budget", "")) + "</td><td>" + num(b.value("area_km2", 0.0), 1) + " km²</td><td>" +
         std::to_string(b.value("sites_involved", 0)) + "</td><td>" +
         (b.contains("weight_share") ? num(100.0 * b["weight_share"].get<double>(), 2) + " %" : std::string("–")) +
         "</td></tr>";
  }
  return h + "</table>";
}

// The placement's result from summary.json: status, objective, bound and gap, and the
// open sites (the first 100 listed). Empty without a placement.
std::string placement_html(const Json& summary) {
  if (!summary.contains("placement") || !summary["placement"].is_object()) return "";
  const Json& p = summary["placement"];
  auto text = [&](const char* k) {
    if (!p.contains(k) || p[k].is_null()) return std::string("–");
    return p[k].is_string() ? html_escape(p[k].get<std::string>()) : html_escape(p[k].dump());
  };
  auto real = [&](const char* k, int decimals) {
    return p.contains(k) && p[k].is_number() ? num(p[k].get<double>(), decimals) : std::string("–");
  };
  std::string h = "<table id=\"placement\"><tr><th>problem</th><th>status</th><th>objective</th><th>bound</th><th>gap</th>"
                  "<th>new sites</th></tr>";
  h += "<tr><td>" + text("problem") + "</td><td>" + text("status") + "</td><td>" + real("objective", 3) +
       (p.contains("objective_is") ? " (" + text("objective_is") + ")" : std::string()) + "</td><td>" + real("bound", 3) +
       "</td><td>" + (p.contains("gap") && p["gap"].is_number() ? num(100.0 * p["gap"].get<double>(), 2) + " %" : "–") +
       "</td><td>" + text("new_sites") + "</td></tr></table>\n";
  if (p.contains("open_sites") && p["open_sites"].is_array() && !p["open_sites"].empty()) {
    constexpr std::size_t kListed = 100;
    const Json& open = p["open_sites"];
    std::string ids;
    for (std::size_t i = 0; i < open.size() && i < kListed; ++i) {
      const Json& id = open[i].contains("site_id") ? open[i]["site_id"] : Json();
      ids += (i ? ", " : "") + html_escape(id.is_string() ? id.get<std::string>() : id.dump());
    }
    if (open.size() > kListed) ids += " and " + std::to_string(open.size() - kListed) + " more (run.gpkg, layer sites)";
    h += "<p>Open sites (" + std::to_string(open.size()) + "): " + ids + "</p>";
  }
  return h;
}

constexpr const char* kApp = R"JS(
(function () {
  'use strict';
  var P = RUN.palette, D = RUN.layers;
  function classColour(classes, us) {
    for (var i = 0; i < classes.length; i++) if (classes[i].upper === null || us <= classes[i].upper) return classes[i].colour;
    return classes[classes.length - 1].colour;
  }
  function latencyColour(us) { return us === null || us === undefined ? P.unreachable : classColour(P.latency, us); }
  function darker(hex) {
    var n = parseInt(hex.slice(1), 16);
    function d(v) { return Math.round(v / 1.4); }
    return 'rgb(' + d(n >> 16 & 255) + ',' + d(n >> 8 & 255) + ',' + d(n & 255) + ')';
  }
  function esc(v) {
    return String(v).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function popup(title) {
    return function (f, layer) {
      var rows = Object.keys(f.properties).map(function (k) {
        var v = f.properties[k];
        return '<tr><th>' + esc(k) + '</th><td>' + esc(v === null ? 'NULL' : v) + '</td></tr>';
      }).join('');
      layer.bindPopup('<b>' + esc(title) + '</b><table class="popup">' + rows + '</table>', {maxWidth: 420});
    };
  }
  function siteStyle(status) {
    for (var i = 0; i < P.sites.length; i++) if (P.sites[i].status === status) return P.sites[i];
    for (i = 0; i < P.sites.length; i++) if (P.sites[i].status === '') return P.sites[i];
  }
  var map = L.map('map', {attributionControl: false, zoomSnap: 0.25});
  var svg = L.svg({padding: 0.5}), canvas = L.canvas({padding: 0.5});
  var overlays = {}, bounds = L.latLngBounds([]);
  function add(name, layer, on) {
    overlays[name] = layer;
    if (on) layer.addTo(map);
    if (layer.getBounds && layer.getBounds().isValid()) bounds.extend(layer.getBounds());
  }
  if (RUN.surface) add('latency surface', L.imageOverlay(RUN.surface.png, RUN.surface.bounds, {opacity: 0.65}), true);
  if (D.zones) add('zones', L.geoJSON(D.zones, {renderer: svg, onEachFeature: popup('zone'), style: function (f) {
    var c = classColour(P.zones, f.properties.budget_us);
    return {className: 'lc-zone', color: darker(c), weight: 1, fillColor: c, fillOpacity: 0.5};
  }}), true);
  if (D.zones_split) add('zones by site', L.geoJSON(D.zones_split, {renderer: svg, onEachFeature: popup('zone of a site'), style: function (f) {
    return {color: '#ffffff', weight: 1, fillColor: classColour(P.zones, f.properties.budget_us), fillOpacity: 0.5};
  }}), false);
  if (D.network) add('fibre (latency at its nearer end)', L.geoJSON(D.network, {
    renderer: (D.network.edges || D.network.features.length) > 3000 ? canvas : svg, onEachFeature: popup('fibre'),
    style: function (f) { return {color: latencyColour(f.properties.latency_us), weight: 2, opacity: 0.9}; }}), true);
  if (D.boundaries) add('boundaries', L.geoJSON(D.boundaries, {renderer: svg, onEachFeature: popup('boundary'), interactive: true,
    style: {color: P.boundary, weight: 1.5, dashArray: '6 4', fill: false}}), true);
  if (D.uncovered) add('uncovered demand', L.geoJSON(D.uncovered, {onEachFeature: popup('uncovered demand'),
    pointToLayer: function (f, ll) {
      return L.circleMarker(ll, {renderer: svg, radius: 5, color: P.uncovered, weight: 1.2, fillColor: P.uncovered_fill, fillOpacity: 0.2});
    }}), true);
  function sitesLayer(filter) {
    return L.geoJSON(D.sites, {filter: filter, onEachFeature: popup('site'), pointToLayer: function (f, ll) {
      var s = siteStyle(f.properties.status);
      return L.circleMarker(ll, {renderer: svg, radius: s.size / 2 + 1, color: s.stroke, weight: 1.2, fillColor: s.fill, fillOpacity: 1});
    }});
  }
  if (D.sites) {
    add('sites by status', sitesLayer(function (f) { return f.properties.status !== 'chosen'; }), true);
    add('chosen sites', sitesLayer(function (f) { return f.properties.status === 'chosen'; }), true);
  }
  map.fitBounds(bounds.isValid() ? bounds : L.latLngBounds([[0, 0], [1, 1]]), {padding: [10, 10]});
  L.control.layers(null, overlays, {collapsed: false}).addTo(map);
  L.control.scale({imperial: false}).addTo(map);
  var legend = L.control({position: 'bottomright'});
  legend.onAdd = function () { var d = L.DomUtil.create('div', 'legend'); d.innerHTML = RUN.legend; return d; };
  legend.addTo(map);
  document.body.setAttribute('data-lightcone-ready', '1');
})();
)JS";

constexpr const char* kStyle = R"CSS(
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC",sans-serif;color:#222;background:#fff}
header{padding:10px 16px;border-bottom:1px solid #ddd}
h1{font-size:19px;margin:0 0 2px}
h2{font-size:16px;margin:14px 0 6px}
.model{color:#555;font-size:12.5px}
#map{height:72vh;min-height:420px;background:#f3f3f0}
section{padding:4px 16px}
table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
.pass{color:#1a7f37;font-weight:600}
.fail{color:#c62828;font-weight:600}
.not_evaluated{color:#8a6d00;font-weight:600}
.legend{background:#fff;padding:6px 9px;border-radius:4px;box-shadow:0 1px 5px rgba(0,0,0,.35);font-size:12px;line-height:18px;max-height:55vh;overflow:auto}
.legend h4{margin:4px 0 2px;font-size:12px}
.legend i{display:inline-block;width:16px;height:11px;margin-right:6px;vertical-align:middle;border:1px solid #666}
.legend .note{color:#555}
table.popup td,table.popup th{border:none;padding:0 8px 0 0;font-size:12px}
footer{padding:10px 16px;color:#777;font-size:12px}
)CSS";

}  // namespace

LeafletAssets read_leaflet(const std::string& dir) {
  LeafletAssets a;
  a.js = slurp(dir + "/leaflet.min.js", dir);
  // The attribution prefix links to the project's site: no URL that a click could fetch.
  replace_all(a.js, "https://leafletjs.com", "#");
  a.js = "/* Leaflet, a JS library for interactive maps (leafletjs.com), BSD-2-Clause. (c) 2010-2019 Vladimir "
         "Agafonkin, (c) 2010-2011 CloudMade. From Debian's libjs-leaflet. */\n" + a.js;
  a.css = slurp(dir + "/leaflet.css", dir);
  for (const char* image : {"layers.png", "layers-2x.png", "marker-icon.png"}) {
    const std::string png = slurp(dir + "/images/" + image, dir);
    const std::vector<std::uint8_t> bytes(png.begin(), png.end());
    replace_all(a.css, std::string("url(images/") + image + ")", "url(data:image/png;base64," + base64(bytes) + ")");
  }
  return a;
}

std::string html_report(const Json& summary, std::span<const FeatureTable> tables, const std::string& surface_tif,
                        const LeafletAssets& leaflet) {
  Extent extent;
  for (const FeatureTable& t : tables) include_table(extent, t);
  bool has_geometry = false;
  for (const FeatureTable& t : tables) has_geometry |= t.geometry != FeatureTable::Geometry::none && t.features() > 0;
  const double coslat = extent.valid() ? std::cos((extent.south + extent.north) / 2.0 * 3.14159265358979323846 / 180.0) : 1.0;
  // Display tolerance: 1/3000 of the extent (about 100 m across a province).
  const double tol = extent.valid() ? std::max((extent.east - extent.west) * coslat, extent.north - extent.south) / 3000.0 : 0.0;
  GeoJson g(tol, coslat);
  auto all = [](std::size_t) { return true; };
  auto none = [](std::size_t) { return Extras{}; };
  std::string layers;
  auto add = [&](const char* key, const std::string& fc) { layers += (layers.empty() ? "" : ",") + json_string(key) + ":" + fc; };

  Extent zone_extent;
  if (const FeatureTable* z = find_table(tables, kZonesLayer)) {
    include_table(zone_extent, *z);
    // Largest budget first, so that smaller zones lie on top.
    std::vector<std::size_t> order(z->features());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    const Column* b = find_column(*z, "budget_us");
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return real_of(b, x).value_or(0) > real_of(b, y).value_or(0); });
    add("zones", g.collection(*z, {}, all, none, &order));
  }
  if (const FeatureTable* t = find_table(tables, kZonesSplitLayer)) add("zones_split", g.collection(*t, {}, all, none));
  bool fibre_grouped = false;
  if (const FeatureTable* t = find_table(tables, kNetworkLayer)) {
    const Column* u = find_column(*t, "latency_u_us");
    const Column* v = find_column(*t, "latency_v_us");
    auto latency = [&](std::size_t i) {
      const auto a = real_of(u, i), b = real_of(v, i);
      return a && b ? std::optional(std::min(*a, *b)) : a ? a : b;
    };
    if (t->features() <= kFibreFeaturesEach) {
      add("network", g.collection(*t, {"edge_id", "length_km"}, all, [&](std::size_t i) {
        const std::optional<double> m = latency(i);
        return Extras{{"latency_us", m ? num(*m, 1) : "null"}};
      }));
    } else {
      // A province's fibre (hundreds of thousands of edges) as one MultiLineString per
      // latency class, coordinates to 4 decimals (about 10 m), so that report.html stays
      // within about 20 MB; the edges and their fields are in run.gpkg.
      fibre_grouped = true;
      const std::size_t nc = std::size(palette::kLatencyClasses);
      std::vector<std::string> parts(nc + 1);
      std::vector<std::size_t> count(nc + 1, 0);
      for (std::size_t i = 0; i < t->features(); ++i) {
        const std::optional<double> m = latency(i);
        std::size_t c = nc;  // unreachable
        if (m)
          for (c = 0; c + 1 < nc && *m > palette::kLatencyClasses[c].upper_us;) ++c;
        const std::string line = g.line_coords(*t, i, 4);
        if (line.empty()) continue;
        parts[c] += (parts[c].empty() ? "" : ",") + line;
        ++count[c];
      }
      std::string fc = "{\"type\":\"FeatureCollection\",\"edges\":" + std::to_string(t->features()) + ",\"features\":[";
      bool first = true;
      for (std::size_t c = 0; c <= nc; ++c) {
        if (count[c] == 0) continue;
        // A latency inside the class, for its colour; null: unreachable.
        const std::string lat = c == nc ? "null"
                                : c == 0 ? "0"
                                         : num(palette::kLatencyClasses[c - 1].upper_us + 1.0, 1);
        const std::string label = c == nc ? "unreachable" : std::string(palette::kLatencyClasses[c].label);
        fc += std::string(first ? "" : ",") + "{\"type\":\"Feature\",\"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":[" +
              parts[c] + "]},\"properties\":{\"latency_class\":" + json_string(label) + ",\"edges\":" +
              std::to_string(count[c]) + ",\"latency_us\":" + lat + "}}";
        first = false;
      }
      add("network", fc + "]}");
    }
  }
  if (const FeatureTable* t = find_table(tables, kBoundariesLayer)) add("boundaries", g.collection(*t, {}, all, none));
  if (const FeatureTable* t = find_table(tables, kUncoveredLayer); t && t->features() > 0)
    add("uncovered", g.collection(*t, {}, all, none));
  if (const FeatureTable* t = find_table(tables, kSitesLayer)) add("sites", g.collection(*t, {}, all, none));

  const std::optional<Overlay> surface = surface_overlay(surface_tif, zone_extent);
  const std::string metric =
      summary.contains("model") && summary["model"].contains("metric") ? summary["model"]["metric"].get<std::string>() : "";

  Json pal;
  auto classes = [](std::span<const palette::LatencyClass> cs) {
    Json a = Json::array();
    for (const auto& c : cs) a.push_back({{"upper", std::isinf(c.upper_us) ? Json() : Json(c.upper_us)}, {"colour", c.colour}});
    return a;
  };
  pal["zones"] = classes(palette::kZoneClasses);
  pal["latency"] = classes(palette::kLatencyClasses);
  pal["unreachable"] = palette::kUnreachable;
  pal["boundary"] = palette::kBoundary;
  pal["uncovered"] = palette::kUncovered;
  pal["uncovered_fill"] = palette::kUncoveredFill;
  pal["sites"] = Json::array();
  for (const auto& s : palette::kSiteStyles)
    pal["sites"].push_back({{"status", s.status}, {"fill", s.fill}, {"stroke", s.stroke}, {"size", s.size}});

  std::string run = "{\"palette\":" + pal.dump() + ",\"legend\":" + json_string(legend_html(tables, metric, surface));
  if (surface) {
    run += ",\"surface\":{\"png\":" + json_string(surface->data_uri) + ",\"bounds\":[[" + num(surface->bounds.south, 5) + "," +
           num(surface->bounds.west, 5) + "],[" + num(surface->bounds.north, 5) + "," + num(surface->bounds.east, 5) + "]]}";
  }
  run += ",\"layers\":{" + layers + "}}";
  replace_all(run, "</", "<\\/");  // never close the script element early

  const Json& sc = summary.contains("scenario") ? summary["scenario"] : Json::object();
  const std::string name = sc.value("name", std::string(summary.value("command", std::string("run"))));
  const std::string model = summary.contains("model") ? summary["model"].value("description", std::string()) : "";
  std::string budgets;
  if (summary.contains("budgets"))
    for (const Json& b : summary["budgets"]) budgets += (budgets.empty() ? "" : ", ") + b.value("budget", std::string());

  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
       "style-src 'unsafe-inline'; img-src data:\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<meta name=\"generator\" content=\"lightcone\">\n";
  h += "<title>lightcone: " + html_escape(name) + "</title>\n";
  h += "<style>\n" + leaflet.css + "\n</style>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  h += "<header><h1>lightcone: " + html_escape(name) + "</h1>\n";
  if (sc.contains("description")) h += "<div class=\"model\">" + html_escape(sc["description"].get<std::string>()) + "</div>\n";
  h += "<div class=\"model\" id=\"model\">Latency model: " + html_escape(model) + "</div>\n";
  h += "<div class=\"model\">Budgets " + html_escape(budgets) + (metric.empty() ? "" : " (" + html_escape(metric) + ")") +
       (sc.contains("file") ? " · scenario " + html_escape(sc["file"].get<std::string>()) : "") + "</div>\n";
  if (!has_geometry) {
    // A placement on a measured latency table: nothing to draw, so the (empty) map is small.
    h += "<div class=\"model\" id=\"no-map\">No map: the run's tables have no geometry (latencies from a measured "
         "table, without a network); the plan is in the tables below and in run.gpkg.</div>\n";
  }
  h += "</header>\n";
  h += has_geometry ? "<div id=\"map\"></div>\n" : "<div id=\"map\" style=\"height:140px;min-height:0\"></div>\n";
  h += "<section><h2>Targets</h2>\n" + targets_html(summary) + "\n</section>\n";
  const std::string pt = placement_html(summary);
  if (!pt.empty()) h += "<section><h2>Placement</h2>\n" + pt + "\n</section>\n";
  const std::string bt = budgets_html(summary);
  if (!bt.empty()) h += "<section><h2>Zones</h2>\n" + bt + "\n</section>\n";
  h += "<footer>Written by lightcone. Layers are simplified for display (about " + num(tol * 111.32, 2) + " km" +
       (fibre_grouped ? "; the fibre, more than " + std::to_string(kFibreFeaturesEach) +
                            " edges, drawn by latency class without the edges' fields"
                      : std::string()) +
       "); the analysis is in run.gpkg. Map: Leaflet (BSD-2-Clause).</footer>\n";
  h += "<script>\n" + leaflet.js + "\n</script>\n";
  h += "<script>\nvar RUN = " + run + ";\n</script>\n";
  h += std::string("<script>") + kApp + "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace lightcone
