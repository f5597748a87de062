#include "render/font.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <utility>

#include "core/error.hpp"

namespace lightcone::render {
namespace {

struct BitmapGlyph {
  char32_t code_point;
  std::array<std::uint8_t, kGlyphHeight> rows;
};

constexpr BitmapGlyph kGlyphs[] = {
#include "render/font_glyphs.inc"
};

// Em size of the map font at scale 1: 12 px keeps CJK ideographs (≈ 0.88 em above the
// baseline, 0.12 em below) inside the 13 px line box with its baseline at row 10.
constexpr int kEmPx = 12;

// Every character of a UTF-8 string as its own byte range (invalid bytes one each).
std::vector<std::string_view> characters(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
    if (i + len > s.size()) len = 1;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) len = 1;
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace

const std::uint8_t* glyph_rows(char32_t cp) {
  const auto it = std::lower_bound(std::begin(kGlyphs), std::end(kGlyphs), cp,
                                   [](const BitmapGlyph& g, char32_t c) { return g.code_point < c; });
  return it != std::end(kGlyphs) && it->code_point == cp ? it->rows.data() : nullptr;
}

std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu) : (b & 0x07u);
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      ok = ok && (c >> 6) == 0x2;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    out.push_back(ok ? cp : char32_t{0xFFFD});
    i += ok ? static_cast<std::size_t>(len) : 1;
  }
  return out;
}

// ---- FreeType face ---------------------------------------------------------------------

struct Font::Impl {
  struct Glyph {
    bool present = false;  // the face has the character
    int left = 0;          // bitmap offset from the pen (px, right)
    int top = 0;           // bitmap top above the baseline (px)
    int width = 0, rows = 0;
    long advance = 0;  // 26.6 px, unhinted
    std::vector<std::uint8_t> bits;
  };

  FT_Library library = nullptr;
  FT_Face face = nullptr;
  std::mutex mutex;  // FreeType faces are not thread-safe; guards face and cache
  std::map<std::pair<int, char32_t>, Glyph> cache;

  ~Impl() {
    if (face) FT_Done_Face(face);
    if (library) FT_Done_FreeType(library);
  }

  // The glyph of `cp` at `scale` (cached). REQUIRES: mutex held.
  const Glyph& glyph(char32_t cp, int scale) {
    const auto key = std::make_pair(scale, cp);
    if (const auto it = cache.find(key); it != cache.end()) return it->second;
    Glyph g;
    const FT_UInt index = FT_Get_Char_Index(face, cp);
    if (index != 0 && FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(kEmPx * scale)) == 0 &&
        FT_Load_Glyph(face, index, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_NORMAL) == 0 &&
        FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL) == 0) {
      const FT_GlyphSlot slot = face->glyph;
      const FT_Bitmap& bm = slot->bitmap;
      g.present = true;
      g.left = slot->bitmap_left;
      g.top = slot->bitmap_top;
      g.width = static_cast<int>(bm.width);
      g.rows = static_cast<int>(bm.rows);
      g.advance = slot->linearHoriAdvance >> 10;  // 16.16 → 26.6
      g.bits.resize(static_cast<std::size_t>(g.width) * static_cast<std::size_t>(g.rows));
      for (int r = 0; r < g.rows; ++r)
        for (int c = 0; c < g.width; ++c)
          g.bits[static_cast<std::size_t>(r * g.width + c)] = bm.buffer[r * bm.pitch + c];
    }
    return cache.emplace(key, std::move(g)).first->second;
  }
};

const Font& Font::builtin() {
  static const Font* font = [] {
    auto* f = new Font();
    f->m_name = "built-in misc-fixed 7×13";
    return f;
  }();
  return *font;
}

std::unique_ptr<Font> Font::load(const std::string& path) {
  std::unique_ptr<Font> font(new Font());
  font->m_impl = std::make_unique<Impl>();
  Impl& impl = *font->m_impl;
  if (FT_Init_FreeType(&impl.library) != 0) throw InputError("cannot start FreeType to draw map text.");
  if (FT_New_Face(impl.library, path.c_str(), 0, &impl.face) != 0 || !FT_IS_SCALABLE(impl.face)) {
    throw InputError("cannot read the map font " + path + " (not a scalable font FreeType opens). Reinstall the Debian "
                     "package " + std::string(kMapFontPackage) + ".");
  }
  if (FT_Select_Charmap(impl.face, FT_ENCODING_UNICODE) != 0) {
    throw InputError("the map font " + path + " has no Unicode character map. Reinstall the Debian package " +
                     std::string(kMapFontPackage) + ".");
  }
  font->m_name = impl.face->family_name ? impl.face->family_name : path;
  return font;
}

const Font& Font::map_font() {
  static const std::unique_ptr<Font> loaded = []() -> std::unique_ptr<Font> {
    std::error_code ec;
    for (const char* path : kMapFontFiles)
      if (std::filesystem::is_regular_file(path, ec)) return load(path);
    return nullptr;
  }();
  return loaded ? *loaded : builtin();
}

Font::~Font() = default;

bool Font::has_glyph(char32_t cp) const {
  if (!m_impl) return glyph_rows(cp) != nullptr;
  const std::lock_guard lock(m_impl->mutex);
  return FT_Get_Char_Index(m_impl->face, cp) != 0;
}

int Font::width(std::string_view text, int scale) const {
  const std::u32string cps = decode_utf8(text);
  if (!m_impl) return static_cast<int>(cps.size()) * kGlyphWidth * scale;
  const std::lock_guard lock(m_impl->mutex);
  long pen = 0;
  for (const char32_t cp : cps) {
    const Impl::Glyph* g = &m_impl->glyph(cp, scale);
    if (!g->present) g = &m_impl->glyph(U'?', scale);
    pen += g->advance;
  }
  return static_cast<int>((pen + 63) / 64);
}

// The text's coverage in its line box grown by `pad` on every side: w × h values,
// pixel (i, j) of the box is canvas pixel (x − pad + i, y − pad + j).
std::vector<std::uint8_t> Font::coverage(std::string_view text, int scale, int& w, int& h) const {
  const int pad = 4 * scale;
  w = width(text, scale) + 2 * pad;
  h = kGlyphHeight * scale + 2 * pad;
  std::vector<std::uint8_t> cov(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), 0);
  auto put = [&](int i, int j, std::uint8_t v) {
    if (i < 0 || j < 0 || i >= w || j >= h) return;
    std::uint8_t& d = cov[static_cast<std::size_t>(j) * static_cast<std::size_t>(w) + static_cast<std::size_t>(i)];
    d = std::max(d, v);
  };
  const std::u32string cps = decode_utf8(text);
  if (!m_impl) {
    int x = pad;
    for (const char32_t cp : cps) {
      const std::uint8_t* rows = glyph_rows(cp);
      if (!rows) {
        rows = glyph_rows(U'?');
        ++m_missing;
      }
      for (int r = 0; r < kGlyphHeight; ++r)
        for (int c = 0; c < 8; ++c)
          if (rows[r] & (0x80 >> c))
            for (int j = 0; j < scale; ++j)
              for (int i = 0; i < scale; ++i) put(x + c * scale + i, pad + r * scale + j, 255);
      x += kGlyphWidth * scale;
    }
    return cov;
  }
  const std::lock_guard lock(m_impl->mutex);
  long pen = 0;  // 26.6
  const int baseline = pad + kBaseline * scale;
  for (const char32_t cp : cps) {
    const Impl::Glyph* g = &m_impl->glyph(cp, scale);
    if (!g->present) {
      g = &m_impl->glyph(U'?', scale);
      ++m_missing;
    }
    const int ox = pad + static_cast<int>((pen + 32) / 64) + g->left;
    const int oy = baseline - g->top;
    for (int r = 0; r < g->rows; ++r)
      for (int c = 0; c < g->width; ++c)
        if (const std::uint8_t v = g->bits[static_cast<std::size_t>(r * g->width + c)]; v > 0) put(ox + c, oy + r, v);
    pen += g->advance;
  }
  return cov;
}

void Font::draw(Canvas& canvas, int x, int y, std::string_view text, Rgba colour, int scale) const {
  int w = 0, h = 0;
  const std::vector<std::uint8_t> cov = coverage(text, scale, w, h);
  const int pad = 4 * scale;
  for (int j = 0; j < h; ++j)
    for (int i = 0; i < w; ++i) {
      const std::uint8_t v = cov[static_cast<std::size_t>(j) * static_cast<std::size_t>(w) + static_cast<std::size_t>(i)];
      if (v == 0) continue;
      Rgba c = colour;
      c.a = static_cast<std::uint8_t>((colour.a * v + 127) / 255);
      canvas.blend(x - pad + i, y - pad + j, c);
    }
}

void Font::draw_halo(Canvas& canvas, int x, int y, std::string_view text, Rgba colour, Rgba halo_colour, int scale,
                     int halo) const {
  // The halo is the text's pixels (coverage ≥ 25 %) dilated by `halo` (a square), painted once.
  int w = 0, h = 0;
  const std::vector<std::uint8_t> cov = coverage(text, scale, w, h);
  const int pad = 4 * scale;
  Mask mask(canvas.width(), canvas.height());
  for (int j = 0; j < h; ++j)
    for (int i = 0; i < w; ++i)
      if (cov[static_cast<std::size_t>(j) * static_cast<std::size_t>(w) + static_cast<std::size_t>(i)] >= 64)
        for (int d = -halo; d <= halo; ++d) mask.span(y - pad + j + d, x - pad + i - halo, x - pad + i + halo + 1);
  canvas.composite(mask, halo_colour);
  draw(canvas, x, y, text, colour, scale);
}

std::vector<std::string> Font::wrap(std::string_view text, int max_width, int scale) const {
  std::vector<std::string> lines;
  std::string line;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    if (i >= j) break;
    std::string word(text.substr(i, j - i));
    i = j;
    if (width(word, scale) > max_width) {  // wider than a line: cut it between characters
      if (!line.empty()) lines.push_back(std::exchange(line, {}));
      std::string part;
      for (const std::string_view ch : characters(word)) {
        if (!part.empty() && width(part + std::string(ch), scale) > max_width) lines.push_back(std::exchange(part, {}));
        part += ch;
      }
      word = part;
    }
    if (line.empty()) line = word;
    else if (width(line + ' ' + word, scale) <= max_width) line += ' ' + word;
    else lines.push_back(std::exchange(line, word));
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace lightcone::render
