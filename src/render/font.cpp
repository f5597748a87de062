#include "render/font.hpp"

#include <algorithm>
#include <array>

namespace lightcone::render {
namespace {

struct Glyph {
  char32_t code_point;
  std::array<std::uint8_t, kGlyphHeight> rows;
};

constexpr Glyph kGlyphs[] = {
#include "render/font_glyphs.inc"
};

}  // namespace

const std::uint8_t* glyph_rows(char32_t cp) {
  const auto it = std::lower_bound(std::begin(kGlyphs), std::end(kGlyphs), cp,
                                   [](const Glyph& g, char32_t c) { return g.code_point < c; });
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

int text_width(std::string_view text, int scale) {
  return static_cast<int>(decode_utf8(text).size()) * kGlyphWidth * scale;
}

void draw_text(Canvas& canvas, int x, int y, std::string_view text, Rgba colour, int scale) {
  for (const char32_t cp : decode_utf8(text)) {
    const std::uint8_t* rows = glyph_rows(cp);
    if (!rows) rows = glyph_rows(U'?');
    for (int r = 0; r < kGlyphHeight; ++r)
      for (int c = 0; c < 8; ++c)
        if (rows[r] & (0x80 >> c)) canvas.fill_rect(x + c * scale, y + r * scale, scale, scale, colour);
    x += kGlyphWidth * scale;
  }
}

void draw_text_halo(Canvas& canvas, int x, int y, std::string_view text, Rgba colour, Rgba halo_colour, int scale,
                    int halo) {
  // The halo is the text's pixels dilated by `halo` (a square), painted once.
  Mask mask(canvas.width(), canvas.height());
  int cx = x;
  for (const char32_t cp : decode_utf8(text)) {
    const std::uint8_t* rows = glyph_rows(cp);
    if (!rows) rows = glyph_rows(U'?');
    for (int r = 0; r < kGlyphHeight; ++r)
      for (int c = 0; c < 8; ++c)
        if (rows[r] & (0x80 >> c))
          for (int j = -halo; j < scale + halo; ++j) mask.span(y + r * scale + j, cx + c * scale - halo, cx + (c + 1) * scale + halo);
    cx += kGlyphWidth * scale;
  }
  canvas.composite(mask, halo_colour);
  draw_text(canvas, x, y, text, colour, scale);
}

std::vector<std::string> wrap_text(std::string_view text, int max_width, int scale) {
  const std::size_t max_chars = static_cast<std::size_t>(std::max(1, max_width / (kGlyphWidth * scale)));
  std::vector<std::string> lines;
  std::string line;
  std::size_t line_chars = 0;
  auto chars = [](std::string_view s) { return decode_utf8(s).size(); };
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    if (i >= j) break;
    std::string word(text.substr(i, j - i));
    i = j;
    std::size_t n = chars(word);
    while (n > max_chars) {  // a word wider than a line: cut it (by bytes of ASCII; rare)
      if (!line.empty()) {
        lines.push_back(line);
        line.clear();
        line_chars = 0;
      }
      lines.push_back(word.substr(0, max_chars));
      word = word.substr(max_chars);
      n = chars(word);
    }
    if (line.empty()) {
      line = word;
      line_chars = n;
    } else if (line_chars + 1 + n <= max_chars) {
      line += ' ' + word;
      line_chars += 1 + n;
    } else {
      lines.push_back(line);
      line = word;
      line_chars = n;
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace lightcone::render
