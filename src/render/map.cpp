#include "render/map.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

#include "render/font.hpp"

namespace lightcone::render {
namespace {

constexpr int kMargin = 14;       // final px around the sheet
constexpr int kGap = 14;          // between map and panel
constexpr int kLineHeight = 16;   // small text line
constexpr int kRowHeight = 22;    // legend row
constexpr int kFooterHeight = 20;
const Rgba kBackground{255, 255, 255, 255};
const Rgba kInk{33, 33, 33, 255};
const Rgba kMuted{110, 110, 110, 255};

double deg_to_rad(double d) { return d * std::numbers::pi / 180.0; }

std::vector<Px> circle_ring(Px c, double r, int n = 48) {
  std::vector<Px> ring;
  for (int i = 0; i < n; ++i) {
    const double a = 2.0 * std::numbers::pi * i / n;
    ring.push_back({c.x + r * std::cos(a), c.y + r * std::sin(a)});
  }
  return ring;
}

std::vector<Px> closed(std::vector<Px> ring) {
  if (!ring.empty()) ring.push_back(ring.front());
  return ring;
}

// The marker's outline polygon (size = nominal diameter, canvas px).
std::vector<Px> marker_ring(Marker m, Px c, double size) {
  const double r = size / 2.0;
  std::vector<Px> ring;
  switch (m) {
    case Marker::circle:
    case Marker::cross: return circle_ring(c, r);
    case Marker::square: {
      const double h = r * 0.85;
      return {{c.x - h, c.y - h}, {c.x + h, c.y - h}, {c.x + h, c.y + h}, {c.x - h, c.y + h}};
    }
    case Marker::diamond: {
      const double h = r * 1.15;
      return {{c.x, c.y - h}, {c.x + h, c.y}, {c.x, c.y + h}, {c.x - h, c.y}};
    }
    case Marker::triangle: {
      const double R = r * 1.2;
      for (int i = 0; i < 3; ++i) {
        const double a = -std::numbers::pi / 2.0 + 2.0 * std::numbers::pi * i / 3.0;
        ring.push_back({c.x + R * std::cos(a), c.y + R * 0.1 + R * std::sin(a)});
      }
      return ring;
    }
    case Marker::star: {
      const double R = r * 1.3;
      for (int i = 0; i < 10; ++i) {
        const double a = -std::numbers::pi / 2.0 + std::numbers::pi * i / 5.0;
        const double rr = i % 2 == 0 ? R : R * 0.45;
        ring.push_back({c.x + rr * std::cos(a), c.y + R * 0.08 + rr * std::sin(a)});
      }
      return ring;
    }
  }
  return ring;
}

std::string format_km(double km) {
  char buf[32];
  if (km >= 1.0 || km == 0.0) std::snprintf(buf, sizeof buf, "%g", km);
  else std::snprintf(buf, sizeof buf, "%g", std::round(km * 1000.0) / 1000.0);
  return buf;
}

}  // namespace

void MapExtent::include(LonLat p) {
  if (!std::isfinite(p.lon) || !std::isfinite(p.lat)) return;
  if (empty()) {
    west = east = p.lon;
    south = north = p.lat;
    return;
  }
  west = std::min(west, p.lon);
  east = std::max(east, p.lon);
  south = std::min(south, p.lat);
  north = std::max(north, p.lat);
}

MapExtent MapExtent::padded(double fraction, double min_deg) const {
  const double pad = std::max(std::max(east - west, north - south) * fraction, min_deg);
  return {west - pad, std::max(-89.9, south - pad), east + pad, std::min(89.9, north + pad)};
}

MapFrame MapFrame::fit(const MapExtent& e, double max_width, double max_height) {
  MapFrame f;
  f.m_extent = e;
  const double c = std::cos(deg_to_rad(f.mid_latitude()));
  const double dlon = std::max(e.east - e.west, 1e-9) * c;
  const double dlat = std::max(e.north - e.south, 1e-9);
  const double k = std::min(max_width / dlon, max_height / dlat);
  f.m_width = std::max(1.0, std::floor(dlon * k));
  f.m_height = std::max(1.0, std::floor(dlat * k));
  f.m_kx = f.m_width / (e.east - e.west > 0 ? e.east - e.west : 1e-9);
  f.m_ky = f.m_height / (e.north - e.south > 0 ? e.north - e.south : 1e-9);
  return f;
}

MapFrame MapFrame::placed(double left, double top, double factor) const {
  MapFrame f = *this;
  f.m_left = left;
  f.m_top = top;
  f.m_width *= factor;
  f.m_height *= factor;
  f.m_kx *= factor;
  f.m_ky *= factor;
  return f;
}

LegendEntry LegendEntry::heading_row(std::string label) {
  LegendEntry e;
  e.kind = Kind::heading;
  e.label = std::move(label);
  return e;
}

LegendEntry LegendEntry::fill_row(std::string label, Rgba fill_colour, Rgba stroke_colour, double w) {
  LegendEntry e;
  e.kind = Kind::fill;
  e.label = std::move(label);
  e.fill = fill_colour;
  e.stroke = stroke_colour;
  e.width = w;
  return e;
}

LegendEntry LegendEntry::line_row(std::string label, Rgba stroke_colour, double w, double dash_px) {
  LegendEntry e;
  e.kind = Kind::line;
  e.label = std::move(label);
  e.stroke = stroke_colour;
  e.width = w;
  e.dash = dash_px;
  return e;
}

LegendEntry LegendEntry::marker_row(std::string label, Marker m, double sz, Rgba fill_colour, Rgba stroke_colour,
                                    double w) {
  LegendEntry e;
  e.kind = Kind::marker;
  e.label = std::move(label);
  e.marker = m;
  e.size = sz;
  e.fill = fill_colour;
  e.stroke = stroke_colour;
  e.width = w;
  return e;
}

Rgba ColourRamp::at(double v) const {
  if (stops.empty()) return {};
  if (!(v > stops.front().first)) return stops.front().second;
  for (std::size_t i = 1; i < stops.size(); ++i)
    if (v <= stops[i].first) {
      const double t = (v - stops[i - 1].first) / (stops[i].first - stops[i - 1].first);
      return mix(stops[i - 1].second, stops[i].second, t);
    }
  return stops.back().second;
}

MapSheet::MapSheet(const MapExtent& extent, std::string title, std::string subtitle, std::string footer,
                   int panel_height, const SheetOptions& options)
    : m_options(options),
      m_s(std::clamp(options.supersample, 1, 4)),
      m_title(std::move(title)),
      m_footer(std::move(footer)),
      m_canvas(1, 1, kBackground),
      m_mask(1, 1),
      m_lines(1, 1),
      m_font(options.font ? options.font : &Font::map_font()) {
  assert(options.width >= 400);
  m_width = options.width;
  m_subtitle = m_font->wrap(subtitle, m_width - 2 * kMargin, 1);
  m_map_top = kMargin + 2 * kGlyphHeight + 8 + static_cast<int>(m_subtitle.size()) * kLineHeight + 8;
  const int max_w = m_width - 2 * kMargin - kGap - options.panel_width;
  const int max_h = std::max(200, options.max_height - m_map_top - kFooterHeight - kMargin);
  const MapFrame f = MapFrame::fit(extent, max_w, max_h);
  m_panel_x = kMargin + static_cast<int>(f.width()) + kGap;
  m_height = m_map_top + std::max(static_cast<int>(f.height()), panel_height) + kFooterHeight + kMargin;
  m_frame = f.placed(kMargin * m_s, m_map_top * m_s, m_s);
  m_canvas = Canvas(m_width * m_s, m_height * m_s, kBackground);
  m_mask = Mask(m_width * m_s, m_height * m_s);
  m_lines = Mask(m_width * m_s, m_height * m_s);
}

int MapSheet::frame_x0() const { return static_cast<int>(m_frame.left()); }
int MapSheet::frame_x1() const { return static_cast<int>(m_frame.left() + m_frame.width()); }
int MapSheet::frame_y0() const { return static_cast<int>(m_frame.top()); }
int MapSheet::frame_y1() const { return static_cast<int>(m_frame.top() + m_frame.height()); }

void MapSheet::fill(const MultiPolygon& mp, Rgba colour) {
  std::vector<Px> pts;
  pts.reserve(mp.coords.size());
  for (const LonLat& p : mp.coords) pts.push_back(m_frame.to_px(p));
  m_mask.fill_polygon(pts, mp.ring_first);
  m_canvas.composite(m_mask, colour);
}

void MapSheet::outline(const MultiPolygon& mp, Rgba colour, double width, double dash) {
  std::vector<Px> pts;
  for (std::size_t r = 0; r < mp.rings(); ++r) {
    pts.clear();
    for (const LonLat& p : mp.ring(r)) pts.push_back(m_frame.to_px(p));
    if (dash > 0.0) m_mask.stroke_dashed(pts, width * m_s, dash * m_s, dash * m_s / 2.0);
    else m_mask.stroke_polyline(pts, width * m_s);
  }
  m_canvas.composite(m_mask, colour);
}

void MapSheet::line(std::span<const LonLat> lonlat, double width) {
  std::vector<Px> pts;
  pts.reserve(lonlat.size());
  for (const LonLat& p : lonlat) pts.push_back(m_frame.to_px(p));
  m_lines.stroke_polyline(pts, width * m_s);
}

void MapSheet::flush_lines(Rgba colour) { m_canvas.composite(m_lines, colour); }

void MapSheet::marker(LonLat p, Marker m, double size, Rgba fill_colour, Rgba stroke, double stroke_width) {
  marker_at(m_frame.to_px(p), m, size, fill_colour, stroke, stroke_width);
}

void MapSheet::marker_at(Px c, Marker m, double size, Rgba fill_colour, Rgba stroke, double stroke_width) {
  const double sz = size * m_s;
  if (m == Marker::cross) {
    const double h = sz / 2.0;
    const Px a[2] = {{c.x - h, c.y - h}, {c.x + h, c.y + h}};
    const Px b[2] = {{c.x - h, c.y + h}, {c.x + h, c.y - h}};
    m_mask.stroke_polyline(a, std::max(1.0, stroke_width) * m_s * 1.5);
    m_mask.stroke_polyline(b, std::max(1.0, stroke_width) * m_s * 1.5);
    m_canvas.composite(m_mask, stroke);
    return;
  }
  const std::vector<Px> ring = marker_ring(m, c, sz);
  m_mask.fill_polygon(ring);
  m_canvas.composite(m_mask, fill_colour);
  if (stroke_width > 0.0) {
    m_mask.stroke_polyline(closed(ring), stroke_width * m_s);
    m_canvas.composite(m_mask, stroke);
  }
}

bool MapSheet::label(LonLat p, const std::string& s, Rgba colour, LabelPlace place, int gap) {
  if (s.empty()) return false;
  const Px c = m_frame.to_px(p);
  if (!(c.x >= frame_x0() && c.x <= frame_x1() && c.y >= frame_y0() && c.y <= frame_y1())) return false;  // off the map
  const int halo = 2 * m_s;
  const int w = m_font->width(s, m_s);
  const int h = kGlyphHeight * m_s;
  const int cx = static_cast<int>(std::lround(c.x));
  const int cy = static_cast<int>(std::lround(c.y));
  const int g = gap * m_s;
  // Top-left corners of the text's line box, in order of preference.
  std::vector<std::pair<int, int>> spots;
  if (place == LabelPlace::beside) {
    spots = {{cx + g, cy - g / 2 - h}, {cx + g, cy + g / 2}, {cx - g - w, cy - g / 2 - h}, {cx - g - w, cy + g / 2}};
  } else {
    const int step = h + 2 * halo;  // one line, halos touching
    spots = {{cx - w / 2, cy - h / 2}, {cx - w / 2, cy - h / 2 - step}, {cx - w / 2, cy - h / 2 + step}};
  }
  for (const auto& [x, y] : spots) {
    const Box b{x - halo, y - halo, x + w + halo, y + h + halo};
    if (b.x0 < frame_x0() || b.y0 < frame_y0() || b.x1 > frame_x1() || b.y1 > frame_y1()) continue;  // clipped
    const bool overlaps = std::any_of(m_label_boxes.begin(), m_label_boxes.end(), [&](const Box& o) {
      return b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1;
    });
    if (overlaps) continue;
    m_label_boxes.push_back(b);
    note_missing_glyphs(s);
    m_font->draw_halo(m_canvas, x, y, s, colour, Rgba{255, 255, 255, 230}, m_s, halo);
    return true;
  }
  ++m_labels_dropped;
  return false;
}

void MapSheet::note_missing_glyphs(const std::string& s) {
  if (m_missing_glyphs) return;
  for (const char32_t cp : decode_utf8(s))
    if (cp >= 0x20 && !m_font->has_glyph(cp)) {
      m_missing_glyphs = true;
      return;
    }
}

void MapSheet::text(int x, int y, const std::string& s, Rgba colour, int scale) {
  note_missing_glyphs(s);
  m_font->draw(m_canvas, x * m_s, y * m_s, s, colour, scale * m_s);
}

int MapSheet::legend_height(std::size_t entries) { return static_cast<int>(entries) * kRowHeight; }
int MapSheet::ramp_legend_height() { return kRowHeight + 200 + 18; }
int MapSheet::scale_bar_height() { return 48; }

int MapSheet::legend(int y, std::span<const LegendEntry> entries) {
  if (!m_chrome_drawn) finish_chrome();
  const int x = m_panel_x;
  for (const LegendEntry& e : entries) {
    const int top = m_map_top + y;
    const int text_y = top + (kRowHeight - kGlyphHeight) / 2;
    const double cx = (x + 14) * m_s;
    const double cy = (top + kRowHeight / 2.0) * m_s;
    switch (e.kind) {
      case LegendEntry::Kind::heading:
        text(x, text_y, e.label, kInk);
        text(x + 1, text_y, e.label, kInk);  // bold by overstrike
        break;
      case LegendEntry::Kind::text: text(x, text_y, e.label, kMuted); break;
      case LegendEntry::Kind::fill: {
        const std::vector<Px> r = {{cx - 13 * m_s, cy - 7 * m_s}, {cx + 13 * m_s, cy - 7 * m_s},
                                   {cx + 13 * m_s, cy + 7 * m_s}, {cx - 13 * m_s, cy + 7 * m_s}};
        m_mask.fill_polygon(r);
        m_canvas.composite(m_mask, e.fill);
        if (e.width > 0.0) {
          m_mask.stroke_polyline(closed(r), e.width * m_s);
          m_canvas.composite(m_mask, e.stroke);
        }
        text(x + 36, text_y, e.label, kInk);
        break;
      }
      case LegendEntry::Kind::line: {
        const Px l[2] = {{cx - 13 * m_s, cy}, {cx + 13 * m_s, cy}};
        if (e.dash > 0.0) m_mask.stroke_dashed(l, e.width * m_s, e.dash * m_s, e.dash * m_s / 2.0);
        else m_mask.stroke_polyline(l, e.width * m_s);
        m_canvas.composite(m_mask, e.stroke);
        text(x + 36, text_y, e.label, kInk);
        break;
      }
      case LegendEntry::Kind::marker: {
        marker_at({cx, cy}, e.marker, e.size, e.fill, e.stroke, e.width);
        if (e.cross) marker_at({cx, cy}, Marker::cross, e.size / 2.0, e.stroke, e.stroke, e.width * 0.7);
        text(x + 36, text_y, e.label, kInk);
        break;
      }
    }
    y += kRowHeight;
  }
  return y;
}

int MapSheet::ramp_legend(int y, const std::string& heading, const ColourRamp& ramp, double lo, double hi,
                          std::span<const std::pair<double, std::string>> ticks) {
  if (!m_chrome_drawn) finish_chrome();
  const int x = m_panel_x;
  const LegendEntry h = LegendEntry::heading_row(heading);
  y = legend(y, std::span(&h, 1));
  const int bar_h = 200;
  const int top = m_map_top + y + 8;
  // Low values at the top, as a list reads.
  for (int j = 0; j < bar_h * m_s; ++j) {
    const double v = lo + (hi - lo) * (j + 0.5) / (bar_h * m_s);
    m_canvas.fill_rect(x * m_s, top * m_s + j, 22 * m_s, 1, ramp.at(v));
  }
  const std::vector<Px> box = {{x * m_s + 0.0, top * m_s + 0.0},
                               {(x + 22.0) * m_s, top * m_s + 0.0},
                               {(x + 22.0) * m_s, (top + bar_h + 0.0) * m_s},
                               {x * m_s + 0.0, (top + bar_h + 0.0) * m_s},
                               {x * m_s + 0.0, top * m_s + 0.0}};
  m_mask.stroke_polyline(box, m_s);
  m_canvas.composite(m_mask, kMuted);
  for (const auto& [v, s] : ticks) {
    const double t = (v - lo) / (hi - lo);
    if (!(t >= -1e-9 && t <= 1.0 + 1e-9)) continue;
    const int ty = top + static_cast<int>(std::lround(t * bar_h));
    m_canvas.fill_rect((x + 22) * m_s, ty * m_s - m_s / 2, 6 * m_s, m_s, kInk);
    text(x + 32, ty - kGlyphHeight / 2 - 1, s, kInk);
  }
  return y + bar_h + 18;
}

int MapSheet::scale_bar(int y, double metres_per_px) {
  if (!m_chrome_drawn) finish_chrome();
  if (!(metres_per_px > 0.0) || !std::isfinite(metres_per_px)) return y;
  const int x = m_panel_x;
  const double max_px = std::min(m_options.panel_width - 40.0, 240.0);
  const double max_km = max_px * metres_per_px / 1000.0;
  double nice = std::pow(10.0, std::floor(std::log10(max_km)));
  for (const double m : {5.0, 2.0, 1.0})
    if (nice * m <= max_km) {
      nice *= m;
      break;
    }
  const int len = static_cast<int>(std::lround(nice * 1000.0 / metres_per_px));
  const int top = m_map_top + y;
  text(x, top + 2, "Scale (km along " + std::to_string(static_cast<int>(std::lround(m_frame.mid_latitude()))) + "°)", kInk);
  const int bar_y = top + 22;
  const int parts = 4;
  for (int i = 0; i < parts; ++i) {
    const int x0 = x + len * i / parts;
    const int x1 = x + len * (i + 1) / parts;
    m_canvas.fill_rect(x0 * m_s, bar_y * m_s, (x1 - x0) * m_s, 6 * m_s, i % 2 == 0 ? kInk : kBackground);
  }
  const std::vector<Px> box = {{x * m_s + 0.0, bar_y * m_s + 0.0},
                               {(x + len + 0.0) * m_s, bar_y * m_s + 0.0},
                               {(x + len + 0.0) * m_s, (bar_y + 6.0) * m_s},
                               {x * m_s + 0.0, (bar_y + 6.0) * m_s},
                               {x * m_s + 0.0, bar_y * m_s + 0.0}};
  m_mask.stroke_polyline(box, m_s);
  m_canvas.composite(m_mask, kInk);
  text(x - text_width("0") / 2, bar_y + 9, "0", kInk);
  const std::string mid = format_km(nice / 2.0);
  text(x + len / 2 - text_width(mid, 1) / 2, bar_y + 9, mid, kInk);
  const std::string end = format_km(nice) + " km";
  text(x + len - text_width(format_km(nice), 1) / 2, bar_y + 9, end, kInk);
  return y + scale_bar_height();
}

int MapSheet::panel_text(int y, const std::string& s, Rgba colour) {
  if (!m_chrome_drawn) finish_chrome();
  for (const std::string& l : m_font->wrap(s, m_options.panel_width, 1)) {
    text(m_panel_x, m_map_top + y, l, colour);
    y += kLineHeight;
  }
  return y;
}

void MapSheet::finish_chrome() {
  m_chrome_drawn = true;
  // Clip: whatever map content spilled outside the frame is painted over.
  m_canvas.fill_rect(0, 0, m_canvas.width(), frame_y0(), kBackground);
  m_canvas.fill_rect(0, frame_y1(), m_canvas.width(), m_canvas.height() - frame_y1(), kBackground);
  m_canvas.fill_rect(0, frame_y0(), frame_x0(), frame_y1() - frame_y0(), kBackground);
  m_canvas.fill_rect(frame_x1(), frame_y0(), m_canvas.width() - frame_x1(), frame_y1() - frame_y0(), kBackground);
  const std::vector<Px> box = {{frame_x0() + 0.0, frame_y0() + 0.0}, {frame_x1() + 0.0, frame_y0() + 0.0},
                               {frame_x1() + 0.0, frame_y1() + 0.0}, {frame_x0() + 0.0, frame_y1() + 0.0},
                               {frame_x0() + 0.0, frame_y0() + 0.0}};
  m_mask.stroke_polyline(box, m_s);
  m_canvas.composite(m_mask, kMuted);
  text(kMargin, kMargin, m_title, kInk, 2);
  int y = kMargin + 2 * kGlyphHeight + 8;
  for (const std::string& l : m_subtitle) {
    text(kMargin, y, l, kMuted);
    y += kLineHeight;
  }
}

Canvas MapSheet::finish() {
  if (!m_chrome_drawn) finish_chrome();
  // The footer last: it says when some text lacked glyphs (drawn as '?').
  std::string footer = m_footer;
  note_missing_glyphs(footer);
  if (m_missing_glyphs) {
    footer += m_font->scalable() ? " · characters the font lacks are drawn as ?"
                                 : std::string(" · install the Debian package ") + kMapFontPackage +
                                       " to draw every script (? marks missing characters)";
  }
  text(kMargin, m_height - kMargin - kGlyphHeight, footer, kMuted);
  return m_canvas.downsample(m_s);
}

}  // namespace lightcone::render
