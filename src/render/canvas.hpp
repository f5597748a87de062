// Raster drawing for quick-look maps: an RGBA canvas and a coverage mask with the
// scanline rasteriser (polygons with holes, thick polylines, discs). Pure C++ on core
// types: no GDAL, no GEOS (io writes the PNG).
// Coordinates are canvas pixels (double), x right, y down; pixel (x, y) covers
// [x, x+1) × [y, y+1) and is inside a shape when its centre (x+0.5, y+0.5) is.
// Drawing is two-step so that overlapping parts of one shape are painted once: the
// shape is rasterised into a Mask, then the mask is composited onto the canvas with one
// colour (source-over alpha). Deterministic: integer arithmetic on the canvas, no time
// or randomness anywhere.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace lightcone::render {

struct Rgba {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
  std::uint8_t a = 255;
  friend bool operator==(const Rgba&, const Rgba&) = default;
};

// "#rrggbb" with an optional alpha. REQUIRES: a 7-character "#rrggbb" string.
Rgba hex(const char* rrggbb, std::uint8_t alpha = 255);
// Linear interpolation a → b, t in [0, 1].
Rgba mix(Rgba a, Rgba b, double t);

struct Px {
  double x = 0.0;
  double y = 0.0;
};

// Which pixels a shape covers (0/1), with the bounding box of what was set since the
// last clear, so compositing only visits that box.
class Mask {
 public:
  Mask(int width, int height);
  int width() const { return m_width; }
  int height() const { return m_height; }
  bool at(int x, int y) const { return m_bits[static_cast<std::size_t>(y) * static_cast<std::size_t>(m_width) + static_cast<std::size_t>(x)] != 0; }
  std::size_t count() const;
  void clear();
  // Sets pixels x0..x1-1 of row y (clipped).
  void span(int y, int x0, int x1);

  // Even-odd fill of rings (closed or not; the closing edge is implied). Holes are rings
  // inside other rings; several polygons of one multipolygon may be passed together
  // when they do not overlap. ring_first: ring r = pts[ring_first[r] .. ring_first[r+1]).
  void fill_polygon(std::span<const Px> pts, std::span<const std::uint32_t> ring_first);
  void fill_polygon(std::span<const Px> ring);
  // Pixels whose centre lies within `radius` of `centre`.
  void fill_disc(Px centre, double radius);
  // A polyline of the given width with round joins and caps.
  void stroke_polyline(std::span<const Px> pts, double width);
  // The same, dashed: `on` pixels drawn, `off` pixels skipped, the pattern running on
  // across vertices. REQUIRES: on > 0, off >= 0.
  void stroke_dashed(std::span<const Px> pts, double width, double on, double off);

  int min_x() const { return m_x0; }
  int max_x() const { return m_x1; }
  int min_y() const { return m_y0; }
  int max_y() const { return m_y1; }

 private:
  int m_width;
  int m_height;
  std::vector<std::uint8_t> m_bits;
  int m_x0, m_x1, m_y0, m_y1;  // dirty box, inclusive; empty when m_x0 > m_x1
};

class Canvas {
 public:
  Canvas(int width, int height, Rgba background);
  int width() const { return m_width; }
  int height() const { return m_height; }
  // RGBA bytes, row-major, top row first (straight, not premultiplied alpha).
  const std::vector<std::uint8_t>& rgba() const { return m_rgba; }
  Rgba pixel(int x, int y) const;
  // Source-over blend of one pixel (clipped).
  void blend(int x, int y, Rgba c);
  // Blends `c` into every pixel the mask covers, then clears the mask.
  // REQUIRES: mask has the canvas size.
  void composite(Mask& mask, Rgba c);
  void fill_rect(int x, int y, int w, int h, Rgba c);
  // A canvas `factor` times smaller, each pixel the mean of a factor × factor block
  // (alpha-weighted): supersampling anti-aliasing. REQUIRES: factor >= 1.
  Canvas downsample(int factor) const;

 private:
  int m_width;
  int m_height;
  std::vector<std::uint8_t> m_rgba;
};

}  // namespace lightcone::render
