// Text for the quick-look maps: titles, legends, scale bars and map labels, in any
// script. Two faces behind one interface:
//   - the map font: a scalable font drawn with FreeType (the only FreeType user), the
//     first of kMapFontFiles that exists: WenQuanYi Micro Hei from the Debian package
//     fonts-wqy-microhei (Latin, Greek, Cyrillic, CJK; the README's install commands and
//     tests/setup.sh install it), else Noto Sans CJK (fonts-noto-cjk);
//   - the built-in bitmap font: the public-domain X11 "misc-fixed" 7×13 glyphs (as
//     shipped in Debian's console-setup Uni2-Fixed13), printable ASCII plus µ ≤ ≥ × – —
//     ° ² ·; the deterministic fallback when no map font file is installed.
// Characters a face lacks are drawn as '?' (Font::missing_glyphs counts them).
// Text is UTF-8. Sizes: at scale 1 a line is kGlyphHeight px high with its baseline at
// row kBaseline; `scale` multiplies every length (scale 2 on a 2× supersampled canvas
// is the 1× text). Deterministic: unhinted outlines (no embedded bitmaps, no hinting),
// integer pen positions from 26.6 advances, no kerning; the same font file and FreeType
// version give byte-identical pixels.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "render/canvas.hpp"

namespace lightcone::render {

inline constexpr int kGlyphWidth = 7;    // built-in font: advance per character
inline constexpr int kGlyphHeight = 13;  // line height at scale 1 (both faces)
inline constexpr int kBaseline = 10;     // baseline row at scale 1 (both faces)

// Where the map font is looked for, in order (Debian paths; fixed so output never
// depends on a font configuration).
inline constexpr const char* kMapFontFiles[] = {
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",        // fonts-wqy-microhei
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  // fonts-noto-cjk
};
inline constexpr const char* kMapFontPackage = "fonts-wqy-microhei";

// The 13 rows of a built-in glyph (bit 7 = leftmost pixel), or null when it lacks it.
const std::uint8_t* glyph_rows(char32_t code_point);
// UTF-8 → code points (invalid bytes become U+FFFD).
std::u32string decode_utf8(std::string_view text);

class Font {
 public:
  // The built-in bitmap font.
  static const Font& builtin();
  // The map font (loaded once, on first use): the first of kMapFontFiles that exists,
  // else builtin(). Thread-safe.
  static const Font& map_font();
  // A scalable font file (face 0 of a collection). REQUIRES: a file FreeType opens;
  // otherwise InputError naming it.
  static std::unique_ptr<Font> load(const std::string& path);

  ~Font();
  Font(const Font&) = delete;
  Font& operator=(const Font&) = delete;

  bool scalable() const { return m_impl != nullptr; }
  // "built-in misc-fixed 7×13" or the font file's family name.
  const std::string& name() const { return m_name; }
  bool has_glyph(char32_t code_point) const;
  // Characters drawn as '?' so far by this font (all threads).
  std::size_t missing_glyphs() const { return m_missing.load(); }

  // Width in pixels of `text` drawn at `scale` (its advance, rounded up).
  int width(std::string_view text, int scale) const;
  // Draws `text` with the top-left corner of its line box at (x, y).
  void draw(Canvas& canvas, int x, int y, std::string_view text, Rgba colour, int scale) const;
  // Same, over a halo of `halo` pixels in `halo_colour` (labels over map content).
  void draw_halo(Canvas& canvas, int x, int y, std::string_view text, Rgba colour, Rgba halo_colour, int scale,
                 int halo) const;
  // Greedy word wrap into lines no wider than max_width (a word wider than a line is cut
  // between characters).
  std::vector<std::string> wrap(std::string_view text, int max_width, int scale) const;

  struct Impl;  // FreeType state (font.cpp)

 private:
  Font() = default;
  // Coverage 0..255 of `text` in a w × h box (line box at scale), row-major.
  std::vector<std::uint8_t> coverage(std::string_view text, int scale, int& w, int& h) const;

  std::unique_ptr<Impl> m_impl;  // null: the built-in bitmap font
  std::string m_name;
  mutable std::atomic<std::size_t> m_missing{0};
};

// The built-in font's functions (kept for callers that want its fixed pixels).
inline int text_width(std::string_view text, int scale) { return Font::builtin().width(text, scale); }
inline void draw_text(Canvas& canvas, int x, int y, std::string_view text, Rgba colour, int scale) {
  Font::builtin().draw(canvas, x, y, text, colour, scale);
}
inline std::vector<std::string> wrap_text(std::string_view text, int max_width, int scale) {
  return Font::builtin().wrap(text, max_width, scale);
}

}  // namespace lightcone::render
