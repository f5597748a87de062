// A built-in bitmap font for map titles, legends and scale bars: the public-domain
// X11 "misc-fixed" 7×13 glyphs (as shipped in Debian's console-setup Uni2-Fixed13),
// printable ASCII plus µ ≤ ≥ × – — ° ² ·. Text is UTF-8; characters without a glyph
// are drawn as '?'. Sizes are in canvas pixels at scale 1; `scale` repeats each glyph
// pixel scale × scale times (scale 2 on a 2× supersampled canvas is the 1× font).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "render/canvas.hpp"

namespace lightcone::render {

inline constexpr int kGlyphWidth = 7;    // advance per character
inline constexpr int kGlyphHeight = 13;  // line height, baseline at row 10

// The 13 rows of a glyph (bit 7 = leftmost pixel), or null when the font lacks it.
const std::uint8_t* glyph_rows(char32_t code_point);
// UTF-8 → code points (invalid bytes become U+FFFD).
std::u32string decode_utf8(std::string_view text);
// Width in pixels of `text` drawn at `scale`.
int text_width(std::string_view text, int scale);
// Draws `text` with its top-left corner at (x, y).
void draw_text(Canvas& canvas, int x, int y, std::string_view text, Rgba colour, int scale);
// Same, over a halo of `halo` pixels in `halo_colour` (labels over map content).
void draw_text_halo(Canvas& canvas, int x, int y, std::string_view text, Rgba colour, Rgba halo_colour, int scale,
                    int halo);
// Greedy word wrap into lines no wider than max_width (a word longer than that is cut).
std::vector<std::string> wrap_text(std::string_view text, int max_width, int scale);

}  // namespace lightcone::render
