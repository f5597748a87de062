// The render module against independent oracles: filled shapes vs their analytic area
// (exact pixel counts where pixel centres decide), a brute-force point-in-polygon test
// on every pixel, stroked lines vs point-to-segment distance, the bitmap font vs glyphs
// drawn as ASCII art, alpha blending and supersampling arithmetic, the map frame's
// aspect. Seeds are fixed and printed.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "render/canvas.hpp"
#include "render/font.hpp"
#include "render/map.hpp"

namespace lightcone::render {
namespace {

// Crossing-number point-in-polygon over all rings (even-odd), one point at a time.
bool inside(const std::vector<std::vector<Px>>& rings, Px p) {
  bool in = false;
  for (const auto& ring : rings)
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
      const Px a = ring[i];
      const Px b = ring[j];
      if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) in = !in;
    }
  return in;
}

double segment_distance(Px p, Px a, Px b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
  return std::hypot(p.x - a.x - t * dx, p.y - a.y - t * dy);
}

void fill_rings(Mask& m, const std::vector<std::vector<Px>>& rings) {
  std::vector<Px> pts;
  std::vector<std::uint32_t> first{0};
  for (const auto& r : rings) {
    pts.insert(pts.end(), r.begin(), r.end());
    first.push_back(static_cast<std::uint32_t>(pts.size()));
  }
  m.fill_polygon(pts, first);
}

std::vector<Px> square(double x0, double y0, double side, bool clockwise = true) {
  std::vector<Px> r = {{x0, y0}, {x0 + side, y0}, {x0 + side, y0 + side}, {x0, y0 + side}};
  if (!clockwise) std::reverse(r.begin(), r.end());
  return r;
}

TEST(Raster, SquareCoversExactlyItsArea) {
  Mask m(100, 100);
  m.fill_polygon(square(10.3, 20.7, 40.0));
  EXPECT_EQ(m.count(), 1600u);  // centres x + 0.5 in [10.3, 50.3): x = 10..49; y = 21..60
  EXPECT_TRUE(m.at(10, 21) && m.at(49, 60));
  EXPECT_FALSE(m.at(9, 21) || m.at(50, 21) || m.at(10, 20) || m.at(10, 61));
}

TEST(Raster, ClosedAndOpenRingsFillAlike) {
  Mask a(64, 64), b(64, 64);
  std::vector<Px> ring = {{3.2, 4.1}, {60.5, 10.0}, {30.0, 61.7}};
  a.fill_polygon(ring);
  ring.push_back(ring.front());
  b.fill_polygon(ring);
  EXPECT_GT(a.count(), 0u);
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x) ASSERT_EQ(a.at(x, y), b.at(x, y)) << x << "," << y;
}

TEST(Raster, PolygonWithHoleAndSecondPolygon) {
  // Exterior 100×100 minus a 40×40 hole, plus a disjoint 10×10 square; the hole's ring
  // runs either way (even-odd).
  for (const bool hole_clockwise : {true, false}) {
    Mask m(200, 120);
    fill_rings(m, {square(0, 0, 100), square(30, 30, 40, hole_clockwise), square(150, 50, 10)});
    EXPECT_EQ(m.count(), 10000u - 1600u + 100u);
    EXPECT_FALSE(m.at(50, 50));  // in the hole
    EXPECT_TRUE(m.at(10, 50));
    EXPECT_TRUE(m.at(155, 55));
  }
}

TEST(Raster, DiscAndPolygonCircleMatchTheirArea) {
  for (const double r : {3.7, 12.0, 30.5, 71.25}) {
    Mask disc(200, 200), poly(200, 200);
    const Px c{100.3, 99.6};
    disc.fill_disc(c, r);
    std::vector<Px> ring;
    const int n = 720;
    for (int i = 0; i < n; ++i) ring.push_back({c.x + r * std::cos(2 * std::numbers::pi * i / n), c.y + r * std::sin(2 * std::numbers::pi * i / n)});
    poly.fill_polygon(ring);
    const double area = std::numbers::pi * r * r;
    // Gauss circle problem: the error of a lattice count is well below the perimeter.
    EXPECT_NEAR(static_cast<double>(disc.count()), area, 2.0 * std::numbers::pi * r * 0.5) << r;
    EXPECT_NEAR(static_cast<double>(poly.count()), area, 2.0 * std::numbers::pi * r * 0.5) << r;
    // Every pixel whose centre is clearly inside / outside the circle agrees.
    for (int y = 0; y < 200; ++y)
      for (int x = 0; x < 200; ++x) {
        const double d = std::hypot(x + 0.5 - c.x, y + 0.5 - c.y);
        if (d < r - 1e-9) {
          ASSERT_TRUE(disc.at(x, y)) << x << "," << y;
        }
        if (d > r + 1e-9) {
          ASSERT_FALSE(disc.at(x, y)) << x << "," << y;
        }
        if (d < r * std::cos(std::numbers::pi / n) - 1e-9) {
          ASSERT_TRUE(poly.at(x, y));
        }
        if (d > r + 1e-9) {
          ASSERT_FALSE(poly.at(x, y));
        }
      }
  }
}

TEST(Raster, RandomPolygonsAgreeWithPointInPolygonOracle) {
  const unsigned seed = 20261127;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-20.0, 140.0);  // partly off the 120×120 mask
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<std::vector<Px>> rings(1 + trial % 3);
    for (auto& ring : rings) {
      const int n = 3 + trial % 11;
      for (int i = 0; i < n; ++i) ring.push_back({u(rng), u(rng)});  // self-intersecting too
    }
    Mask m(120, 120);
    fill_rings(m, rings);
    for (int y = 0; y < 120; ++y)
      for (int x = 0; x < 120; ++x)
        ASSERT_EQ(m.at(x, y), inside(rings, {x + 0.5, y + 0.5})) << "seed " << seed << " trial " << trial << " at " << x << "," << y;
  }
}

TEST(Raster, HorizontalLineCoversItsRectangle) {
  Mask m(100, 100);
  const Px line[2] = {{10.0, 50.2}, {90.0, 50.2}};
  m.stroke_polyline(line, 1.5);  // thin: no caps
  EXPECT_EQ(m.count(), 160u);    // rows 49, 50 (centres within 0.75 of 50.2) × columns 10..89
  EXPECT_TRUE(m.at(10, 49) && m.at(89, 50));
  EXPECT_FALSE(m.at(50, 48) || m.at(50, 51));
}

TEST(Raster, ThickPolylineIsTheSetOfPointsWithinHalfItsWidth) {
  Mask m(160, 160);
  const std::vector<Px> pts = {{12.3, 140.1}, {80.7, 20.4}, {150.2, 120.9}, {30.0, 100.0}};
  const double w = 7.0;
  m.stroke_polyline(pts, w);
  for (int y = 0; y < 160; ++y)
    for (int x = 0; x < 160; ++x) {
      double d = 1e9;
      for (std::size_t i = 0; i + 1 < pts.size(); ++i) d = std::min(d, segment_distance({x + 0.5, y + 0.5}, pts[i], pts[i + 1]));
      if (d < w / 2 - 1e-9) {
        ASSERT_TRUE(m.at(x, y)) << x << "," << y;
      }
      if (d > w / 2 + 1e-9) {
        ASSERT_FALSE(m.at(x, y)) << x << "," << y;
      }
    }
}

TEST(Raster, DashedLineDrawsItsShareOfTheLine) {
  Mask solid(400, 20), dashed(400, 20);
  const Px line[2] = {{0.0, 10.0}, {400.0, 10.0}};
  solid.stroke_polyline(line, 1.5);
  dashed.stroke_dashed(line, 1.5, 8.0, 4.0);
  EXPECT_NEAR(static_cast<double>(dashed.count()), static_cast<double>(solid.count()) * 8.0 / 12.0, 8.0);
  EXPECT_TRUE(dashed.at(3, 9));
  EXPECT_FALSE(dashed.at(9, 9));  // 8..12 is a gap
}

TEST(Canvas, BlendCompositeAndDownsample) {
  Canvas c(4, 2, Rgba{255, 255, 255, 255});
  c.blend(0, 0, Rgba{0, 0, 0, 128});
  EXPECT_EQ(c.pixel(0, 0), (Rgba{127, 127, 127, 255}));
  c.blend(1, 0, Rgba{10, 20, 30, 255});
  EXPECT_EQ(c.pixel(1, 0), (Rgba{10, 20, 30, 255}));
  Canvas t(2, 2, Rgba{0, 0, 0, 0});
  t.blend(0, 0, Rgba{200, 100, 50, 255});
  const Canvas d = t.downsample(2);
  ASSERT_EQ(d.width(), 1);
  EXPECT_EQ(d.pixel(0, 0), (Rgba{200, 100, 50, 64}));  // colour of the covered quarter, alpha a quarter
  Mask m(4, 2);
  m.span(1, 0, 4);
  c.composite(m, Rgba{0, 255, 0, 255});
  EXPECT_EQ(c.pixel(3, 1), (Rgba{0, 255, 0, 255}));
  EXPECT_EQ(m.count(), 0u);  // compositing clears the mask
  EXPECT_EQ(hex("#08306b"), (Rgba{8, 48, 107, 255}));
}

// Pixels of `text` drawn at scale 1 as ASCII art ('#' set), rows × columns of the text box.
std::vector<std::string> draw(const std::string& text) {
  const int w = text_width(text, 1);
  Canvas c(w, kGlyphHeight, Rgba{255, 255, 255, 255});
  draw_text(c, 0, 0, text, Rgba{0, 0, 0, 255}, 1);
  std::vector<std::string> rows;
  for (int y = 0; y < kGlyphHeight; ++y) {
    std::string row;
    for (int x = 0; x < w; ++x) row += c.pixel(x, y).r == 0 ? '#' : '.';
    rows.push_back(row);
  }
  return rows;
}

TEST(Font, GlyphsAreTheMiscFixedBitmaps) {
  const std::vector<std::string> expected = {
      ".............."
      , ".............."
      , ".#....#.....#."
      , ".#....#....##."
      , ".#....#...#.#."
      , ".#....#..#..#."
      , ".######.#...#."
      , ".#....#.#...#."
      , ".#....#.######"
      , ".#....#.....#."
      , ".#....#.....#."
      , ".............."
      , ".............."};
  EXPECT_EQ(draw("H4"), expected);
}

TEST(Font, Utf8WidthsWrapAndFallback) {
  EXPECT_EQ(decode_utf8("µs ≤ 1"), (std::u32string{U'µ', U's', U' ', U'≤', U' ', U'1'}));
  EXPECT_EQ(text_width("µs", 2), 2 * kGlyphWidth * 2);
  EXPECT_NE(glyph_rows(U'µ'), nullptr);
  EXPECT_NE(glyph_rows(U'~'), nullptr);
  EXPECT_EQ(glyph_rows(U'青'), nullptr);
  EXPECT_EQ(draw("青"), draw("?"));  // no glyph: drawn as '?'
  EXPECT_EQ(decode_utf8("a\xff"), (std::u32string{U'a', char32_t{0xFFFD}}));
  const auto lines = wrap_text("round trip (RTT = 2 x one-way); fibre group index 1.4682", 20 * kGlyphWidth, 1);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "round trip (RTT = 2");
  for (const auto& l : lines) EXPECT_LE(text_width(l, 1), 20 * kGlyphWidth);
}

TEST(MapFrame, KeepsAspectAtTheMidLatitude) {
  MapExtent e{10.0, 59.0, 12.0, 61.0};  // 2° × 2° at 60° N: twice as tall as wide
  const MapFrame f = MapFrame::fit(e, 1000, 400);
  EXPECT_NEAR(f.height(), 400.0, 1.0);
  EXPECT_NEAR(f.width(), 200.0, 1.0);
  const Px ne = f.to_px({12.0, 61.0});
  EXPECT_NEAR(ne.x, f.width(), 1e-9);
  EXPECT_NEAR(ne.y, 0.0, 1e-9);
  const LonLat back = f.to_lonlat(f.to_px({11.3, 60.2}));
  EXPECT_NEAR(back.lon, 11.3, 1e-12);
  EXPECT_NEAR(back.lat, 60.2, 1e-12);
  const MapFrame g = f.placed(10.0, 20.0, 2.0);
  EXPECT_NEAR(g.to_px({10.0, 61.0}).x, 10.0, 1e-9);
  EXPECT_NEAR(g.width(), 2.0 * f.width(), 1e-9);
}

TEST(MapSheet, DrawsDeterministicallyWithinItsFrame) {
  auto render = [] {
    MapSheet s({120.0, 36.0, 121.0, 37.0}, "Title", "A subtitle that is long enough to wrap maybe.", "footer", 200,
               SheetOptions{600, 2000, 2, 200});
    MultiPolygon mp;
    const std::vector<LonLat> ring = {{119.5, 36.5}, {120.5, 36.2}, {120.5, 36.8}, {119.5, 36.5}};  // spills west
    mp.add_ring(ring);
    mp.close_polygon();
    s.fill(mp, Rgba{255, 0, 0, 255});
    s.marker({120.9, 36.9}, Marker::star, 12, Rgba{0, 0, 255, 255}, Rgba{0, 0, 0, 255});
    const std::vector<LegendEntry> legend = {LegendEntry::heading_row("Legend"),
                                             LegendEntry::fill_row("red", Rgba{255, 0, 0, 255}, Rgba{0, 0, 0, 255}, 1.0)};
    int y = s.legend(0, legend);
    s.scale_bar(y, 250.0);
    return s.finish();
  };
  const Canvas a = render();
  const Canvas b = render();
  EXPECT_EQ(a.rgba(), b.rgba());
  EXPECT_EQ(a.width(), 600);
  // The red polygon spilled west of the frame: the margin left of the frame stays white.
  for (int y = 0; y < a.height(); ++y)
    for (int x = 0; x < 12; ++x) ASSERT_NE(a.pixel(x, y), (Rgba{255, 0, 0, 255})) << x << "," << y;
}

}  // namespace
}  // namespace lightcone::render
