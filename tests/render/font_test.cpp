// Map text in any script (the FreeType map font) and label decluttering, against
// independent facts: an ideograph has many more ink pixels than '?', all inside its
// line box; two different ideographs differ; the same text drawn twice is byte-identical;
// labels never overlap each other or cross the map frame.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "render/canvas.hpp"
#include "render/font.hpp"
#include "render/map.hpp"

namespace lightcone::render {
namespace {

struct Drawn {
  Canvas canvas{1, 1, Rgba{}};
  std::size_t ink = 0;                  // pixels darker than white
  int x0 = 1 << 20, y0 = 1 << 20, x1 = -1, y1 = -1;  // ink bounding box
};

// `text` drawn in black at (10, 10) on a white canvas.
Drawn draw_on_white(const Font& font, const std::string& text, int scale) {
  Drawn d;
  d.canvas = Canvas(font.width(text, scale) + 20, kGlyphHeight * scale + 20, Rgba{255, 255, 255, 255});
  font.draw(d.canvas, 10, 10, text, Rgba{0, 0, 0, 255}, scale);
  for (int y = 0; y < d.canvas.height(); ++y)
    for (int x = 0; x < d.canvas.width(); ++x)
      if (d.canvas.pixel(x, y).r < 255) {
        ++d.ink;
        d.x0 = std::min(d.x0, x);
        d.y0 = std::min(d.y0, y);
        d.x1 = std::max(d.x1, x);
        d.y1 = std::max(d.y1, y);
      }
  return d;
}

const Font* cjk_font() {
  const Font& f = Font::map_font();
  return f.scalable() ? &f : nullptr;
}

TEST(MapFont, DrawsChineseGlyphsNotQuestionMarks) {
  const Font* font = cjk_font();
  if (!font) GTEST_SKIP() << "no map font installed (Debian package " << kMapFontPackage << "; tests/run.sh installs it)";
  EXPECT_TRUE(font->has_glyph(U'青'));
  EXPECT_TRUE(font->has_glyph(U'岛'));
  EXPECT_TRUE(font->has_glyph(U'µ'));
  const int scale = 2;
  const Drawn qingdao = draw_on_white(*font, "青岛市", scale);
  const Drawn marks = draw_on_white(*font, "???", scale);
  // Ink present, inside the text's line box (10, 10)–(10 + width, 10 + 13·scale).
  ASSERT_GT(qingdao.ink, 0u);
  EXPECT_GE(qingdao.x0, 10 - 1);
  EXPECT_LE(qingdao.x1, 10 + font->width("青岛市", scale));
  EXPECT_GE(qingdao.y0, 10);
  EXPECT_LT(qingdao.y1, 10 + kGlyphHeight * scale);
  // An ideograph at 24 px has several times the strokes of '?'.
  EXPECT_GT(qingdao.ink, 2 * marks.ink);
  EXPECT_NE(qingdao.canvas.rgba(), marks.canvas.rgba());
  // Different characters, different pixels; the same text, the same bytes.
  EXPECT_NE(draw_on_white(*font, "青", scale).canvas.rgba(), draw_on_white(*font, "岛", scale).canvas.rgba());
  EXPECT_EQ(draw_on_white(*font, "青岛市", scale).canvas.rgba(), qingdao.canvas.rgba());
  // Latin text keeps inside the same line box (ascenders and descenders).
  const Drawn latin = draw_on_white(*font, "Qingdao (gjpy) 1 ms", scale);
  EXPECT_GE(latin.y0, 10);
  EXPECT_LT(latin.y1, 10 + kGlyphHeight * scale);
  // Width: three ideographs are three em wide (12 px at scale 1), give or take a pixel.
  EXPECT_NEAR(font->width("青岛市", 1), 36, 1);
}

TEST(MapFont, MissingCharactersAreQuestionMarksAndCounted) {
  const Font& builtin = Font::builtin();
  EXPECT_FALSE(builtin.scalable());
  EXPECT_FALSE(builtin.has_glyph(U'青'));
  const std::size_t before = builtin.missing_glyphs();
  EXPECT_EQ(draw_on_white(builtin, "青", 1).canvas.rgba(), draw_on_white(builtin, "?", 1).canvas.rgba());
  EXPECT_EQ(builtin.missing_glyphs(), before + 1);
  if (const Font* font = cjk_font()) {
    EXPECT_FALSE(font->has_glyph(U'\U0001F600'));  // an emoji: not in a CJK text font
    EXPECT_EQ(draw_on_white(*font, "\U0001F600", 1).canvas.rgba(), draw_on_white(*font, "?", 1).canvas.rgba());
  }
}

TEST(MapFont, WrapCutsLongWordsBetweenCharacters) {
  const Font& f = Font::builtin();
  const auto lines = f.wrap("青岛市黄岛区 ok", 3 * kGlyphWidth, 1);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "青岛市");  // never cut inside a UTF-8 sequence
  EXPECT_EQ(lines[1], "黄岛区");
  EXPECT_EQ(lines[2], "ok");
}

TEST(MapFont, LoadingABadFileIsInputError) {
  EXPECT_THROW(Font::load("/nonexistent/font.ttf"), InputError);
}

// A 600 px sheet over a 1° × 1° box; labels drawn with the built-in font (fixed widths).
MapSheet sheet() {
  SheetOptions o{600, 2000, 1, 200};
  o.font = &Font::builtin();
  return MapSheet({120.0, 36.0, 121.0, 37.0}, "T", "", "", 100, o);
}

TEST(Labels, TwoAtOnePlaceDoNotOverlap) {
  MapSheet s = sheet();
  const LonLat p{120.5, 36.5};
  // Centred labels at one place: the first centred, the second moved a line up, the
  // third a line down; a fourth finds no room and is left out.
  EXPECT_TRUE(s.label(p, "Alpha", Rgba{0, 0, 0, 255}, LabelPlace::centre));
  EXPECT_TRUE(s.label(p, "Beta", Rgba{0, 0, 0, 255}, LabelPlace::centre));
  EXPECT_TRUE(s.label(p, "Gamma", Rgba{0, 0, 0, 255}, LabelPlace::centre));
  EXPECT_FALSE(s.label(p, "Delta", Rgba{0, 0, 0, 255}, LabelPlace::centre));
  EXPECT_EQ(s.labels_dropped(), 1u);
  // Beside a point: four spots around it, then no more.
  const LonLat q{120.2, 36.8};
  int placed = 0;
  for (int i = 0; i < 6; ++i) placed += s.label(q, "site " + std::to_string(i), Rgba{0, 0, 0, 255});
  EXPECT_EQ(placed, 4);
  EXPECT_EQ(s.labels_dropped(), 3u);
}

TEST(Labels, OneDrawnWhereTwoCollide) {
  // Two labels at the same place on a map one line high: only the first is drawn, and
  // its pixels are those of drawing it alone.
  SheetOptions o{600, 2000, 1, 200};
  o.font = &Font::builtin();
  auto make = [&] { return MapSheet({120.0, 36.0, 123.0, 36.19}, "T", "", "", 10, o); };
  MapSheet both = make();
  ASSERT_GT(both.frame().height(), kGlyphHeight + 4.0);  // room for one line and its halo
  ASSERT_LT(both.frame().height(), 2 * kGlyphHeight + 4.0);  // not for two
  EXPECT_TRUE(both.label({121.5, 36.095}, "First", Rgba{0, 0, 0, 255}, LabelPlace::centre));
  EXPECT_FALSE(both.label({121.5, 36.095}, "Other", Rgba{0, 0, 0, 255}, LabelPlace::centre));
  MapSheet one = make();
  EXPECT_TRUE(one.label({121.5, 36.095}, "First", Rgba{0, 0, 0, 255}, LabelPlace::centre));
  EXPECT_EQ(both.finish().rgba(), one.finish().rgba());
}

TEST(Labels, NeverClippedByTheFrame) {
  MapSheet s = sheet();
  const MapFrame& f = s.frame();
  // A point at the east edge: the label goes to its left, inside the frame.
  const LonLat east{120.999, 36.5};
  ASSERT_TRUE(s.label(east, "Eastern edge", Rgba{255, 0, 0, 255}));
  // A point in the north-east corner: to its lower left.
  ASSERT_TRUE(s.label({120.999, 36.999}, "Corner", Rgba{255, 0, 0, 255}));
  const Canvas c = s.finish();
  // No red text right of the frame.
  const int right = static_cast<int>(f.left() + f.width());
  for (int y = 0; y < c.height(); ++y)
    for (int x = right + 1; x < c.width(); ++x) {
      const Rgba px = c.pixel(x, y);
      ASSERT_FALSE(px.r > 200 && px.g < 80 && px.b < 80) << x << "," << y;
    }
}

}  // namespace
}  // namespace lightcone::render
