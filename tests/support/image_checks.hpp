// Pixel counts on decoded PNG maps (io/png.hpp RgbaImage), for the map tests.
#pragma once

#include <cstdlib>
#include <cstddef>

#include "io/png.hpp"

namespace lightcone::test {

// Pixels within `tol` of colour (r, g, b) per channel, in columns x < max_x (the map,
// left of the legend panel).
inline std::size_t count_near_left_of(const RgbaImage& img, int max_x, int r, int g, int b, int tol) {
  std::size_t n = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < max_x && x < img.width; ++x) {
      const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) + static_cast<std::size_t>(x)) * 4;
      n += std::abs(img.rgba[i] - r) <= tol && std::abs(img.rgba[i + 1] - g) <= tol && std::abs(img.rgba[i + 2] - b) <= tol;
    }
  return n;
}

}  // namespace lightcone::test
