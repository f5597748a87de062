// A map sheet for quick-look PNGs: title and subtitle on top, the map (lon/lat drawn
// with an equirectangular projection true to scale along the mid latitude and along
// meridians, so shapes keep their aspect), a side panel with the legend and a scale bar,
// a footer line. Map content is drawn in lon/lat on a supersampled canvas (DEFAULT 2×)
// and clipped to the map frame; finish() returns the anti-aliased canvas at final size.
// Sizes in the options and in legend entries are final pixels. Deterministic.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/geometry.hpp"
#include "core/ids.hpp"
#include "render/canvas.hpp"
#include "render/font.hpp"

namespace lightcone::render {

struct MapExtent {
  double west = 0.0;
  double south = 0.0;
  double east = -1.0;
  double north = -1.0;
  bool empty() const { return !(east >= west && north >= south); }
  void include(LonLat p);
  // Grows each side by `fraction` of the larger span (at least min_deg degrees).
  MapExtent padded(double fraction, double min_deg) const;
};

// lon/lat → pixels of a map frame of width × height at (left, top).
// x = left + (lon − west)·k·cos φ0, y = top + (north − lat)·k, φ0 = mid latitude.
class MapFrame {
 public:
  MapFrame() = default;
  // The largest frame of the extent's aspect that fits max_width × max_height.
  static MapFrame fit(const MapExtent& extent, double max_width, double max_height);
  // Scales every pixel quantity (for supersampling) and moves the frame to (left, top).
  MapFrame placed(double left, double top, double factor) const;
  Px to_px(LonLat p) const { return {m_left + (p.lon - m_extent.west) * m_kx, m_top + (m_extent.north - p.lat) * m_ky}; }
  LonLat to_lonlat(Px p) const { return {m_extent.west + (p.x - m_left) / m_kx, m_extent.north - (p.y - m_top) / m_ky}; }
  double left() const { return m_left; }
  double top() const { return m_top; }
  double width() const { return m_width; }
  double height() const { return m_height; }
  double mid_latitude() const { return (m_extent.south + m_extent.north) / 2.0; }
  const MapExtent& extent() const { return m_extent; }

 private:
  MapExtent m_extent;
  double m_left = 0.0, m_top = 0.0, m_width = 0.0, m_height = 0.0;
  double m_kx = 1.0, m_ky = 1.0;  // pixels per degree of longitude / latitude
};

enum class Marker { circle, square, diamond, triangle, star, cross };

struct LegendEntry {
  enum class Kind { heading, fill, line, marker, text };
  Kind kind = Kind::text;
  std::string label;
  Rgba fill;           // fill swatch / marker fill
  Rgba stroke;         // outline / line colour
  double width = 1.0;  // line or outline width (final px)
  Marker marker = Marker::circle;
  double size = 8.0;   // marker size (final px)
  double dash = 0.0;   // line: dash length (final px), 0 = solid
  bool cross = false;  // marker: a × of the stroke colour on top

  static LegendEntry heading_row(std::string label);
  static LegendEntry fill_row(std::string label, Rgba fill, Rgba stroke, double width);
  static LegendEntry line_row(std::string label, Rgba stroke, double width, double dash = 0.0);
  static LegendEntry marker_row(std::string label, Marker m, double size, Rgba fill, Rgba stroke, double width);
};

// A continuous colour ramp: stops at increasing values, linear in between, clamped.
struct ColourRamp {
  std::vector<std::pair<double, Rgba>> stops;
  Rgba at(double value) const;
};

struct SheetOptions {
  int width = 1400;        // final width in pixels. REQUIRES: >= 400
  int max_height = 2000;   // the map is shrunk to keep the sheet at most this tall
  int supersample = 2;     // anti-aliasing factor. REQUIRES: 1..4
  int panel_width = 300;   // legend panel
  // The face of every text on the sheet. DEFAULT (null): Font::map_font().
  const Font* font = nullptr;
};

// Where a map label goes relative to its point, tried in order until one fits.
enum class LabelPlace {
  beside,  // right-above, right-below, left-above, left-below of the point (sites)
  centre,  // centred on the point, then one line above, one line below (areas)
};

class MapSheet {
 public:
  // title: one line (drawn large); subtitle: wrapped to the sheet width; footer: one
  // small line. panel_height: height the panel content needs (legend_height() + ...).
  MapSheet(const MapExtent& extent, std::string title, std::string subtitle, std::string footer, int panel_height,
           const SheetOptions& options);

  const MapFrame& frame() const { return m_frame; }  // in canvas (supersampled) pixels
  int factor() const { return m_s; }
  Canvas& canvas() { return m_canvas; }
  // Final-pixel size of the map frame.
  double map_width() const { return m_frame.width() / m_s; }

  // Map content (lon/lat; widths and sizes in final pixels).
  void fill(const MultiPolygon& mp, Rgba colour);
  // dash > 0: dashed, `dash` px on and dash / 2 px off.
  void outline(const MultiPolygon& mp, Rgba colour, double width, double dash = 0.0);
  void line(std::span<const LonLat> pts, double width);  // into the pending line mask
  void flush_lines(Rgba colour);                         // paints pending lines once
  void marker(LonLat p, Marker m, double size, Rgba fill, Rgba stroke, double stroke_width = 1.0);
  // A label with a white halo, decluttered: the first candidate position (see LabelPlace)
  // whose box lies inside the map frame and overlaps no label placed before is used;
  // when none does, the label is left out (false). Callers label in priority order.
  // gap: final px between the point and the text (beside).
  bool label(LonLat p, const std::string& text, Rgba colour, LabelPlace place = LabelPlace::beside, int gap = 6);
  // Labels left out so far (no room).
  std::size_t labels_dropped() const { return m_labels_dropped; }
  // Raster content: colour_at(col, row) for every canvas pixel of the map frame, col in
  // [0, frame_columns()), row in [0, frame_rows()); pixel centres are at
  // frame().to_lonlat({frame().left() + col + 0.5, frame().top() + row + 0.5}).
  int frame_columns() const { return frame_x1() - frame_x0(); }
  int frame_rows() const { return frame_y1() - frame_y0(); }
  template <class F>
  void raster(F&& colour_at) {
    for (int row = 0; row < frame_rows(); ++row)
      for (int col = 0; col < frame_columns(); ++col) m_canvas.blend(frame_x0() + col, frame_y0() + row, colour_at(col, row));
  }

  // Panel (after the map content). Each returns the next free y (final px) in the panel.
  int legend(int y, std::span<const LegendEntry> entries);
  int ramp_legend(int y, const std::string& heading, const ColourRamp& ramp, double lo, double hi,
                  std::span<const std::pair<double, std::string>> ticks);
  // metres_per_px: ground metres per final pixel along the mid latitude.
  int scale_bar(int y, double metres_per_px);
  int panel_text(int y, const std::string& text, Rgba colour);
  static int legend_height(std::size_t entries);
  static int ramp_legend_height();
  static int scale_bar_height();

  // Clips map content to the frame, draws the chrome (once; the panel calls do it
  // first), returns the final canvas.
  Canvas finish();

 private:
  void finish_chrome();
  void marker_at(Px c, Marker m, double size, Rgba fill, Rgba stroke, double stroke_width);
  int frame_x0() const;
  int frame_x1() const;
  int frame_y0() const;
  int frame_y1() const;
  void text(int x, int y, const std::string& s, Rgba colour, int scale = 1);  // final px
  int text_width(const std::string& s, int scale = 1) const { return m_font->width(s, scale); }  // final px
  void note_missing_glyphs(const std::string& s);

  struct Box {
    int x0, y0, x1, y1;  // canvas px, half-open
  };

  SheetOptions m_options;
  int m_s;
  int m_width = 0, m_height = 0;  // final
  int m_panel_x = 0, m_map_top = 0;
  std::string m_title;
  std::vector<std::string> m_subtitle;
  std::string m_footer;
  MapFrame m_frame;
  Canvas m_canvas;
  Mask m_mask;
  Mask m_lines;
  bool m_chrome_drawn = false;
  const Font* m_font = nullptr;
  bool m_missing_glyphs = false;  // some text had characters the font lacks
  std::vector<Box> m_label_boxes;
  std::size_t m_labels_dropped = 0;
};

}  // namespace lightcone::render
