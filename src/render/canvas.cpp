#include "render/canvas.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace lightcone::render {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

std::uint8_t to_byte(long v) { return static_cast<std::uint8_t>(std::clamp(v, 0L, 255L)); }

// An integral double as int, clamped far outside any canvas (no overflow on casts).
int clamped_int(double v) {
  constexpr int kFar = std::numeric_limits<int>::max() / 2;
  if (!(v > -kFar)) return -kFar;
  if (!(v < kFar)) return kFar;
  return static_cast<int>(v);
}

// First pixel whose centre is at or right of x (centres at i + 0.5).
int first_centre_at_or_after(double x) { return clamped_int(std::ceil(x - 0.5)); }

}  // namespace

Rgba hex(const char* s, std::uint8_t alpha) {
  auto byte = [&](int i) { return static_cast<std::uint8_t>(hex_digit(s[i]) * 16 + hex_digit(s[i + 1])); };
  return {byte(1), byte(3), byte(5), alpha};
}

Rgba mix(Rgba a, Rgba b, double t) {
  t = std::clamp(t, 0.0, 1.0);
  auto m = [t](std::uint8_t x, std::uint8_t y) {
    return to_byte(std::lround(static_cast<double>(x) + (static_cast<double>(y) - static_cast<double>(x)) * t));
  };
  return {m(a.r, b.r), m(a.g, b.g), m(a.b, b.b), m(a.a, b.a)};
}

Mask::Mask(int width, int height)
    : m_width(width),
      m_height(height),
      m_bits(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0),
      m_x0(width),
      m_x1(-1),
      m_y0(height),
      m_y1(-1) {}

std::size_t Mask::count() const { return static_cast<std::size_t>(std::count(m_bits.begin(), m_bits.end(), 1)); }

void Mask::clear() {
  if (m_x0 > m_x1) return;
  for (int y = m_y0; y <= m_y1; ++y) {
    auto row = m_bits.begin() + static_cast<std::ptrdiff_t>(y) * m_width;
    std::fill(row + m_x0, row + m_x1 + 1, 0);
  }
  m_x0 = m_width;
  m_x1 = -1;
  m_y0 = m_height;
  m_y1 = -1;
}

void Mask::span(int y, int x0, int x1) {
  if (y < 0 || y >= m_height) return;
  x0 = std::max(x0, 0);
  x1 = std::min(x1, m_width);
  if (x0 >= x1) return;
  auto row = m_bits.begin() + static_cast<std::ptrdiff_t>(y) * m_width;
  std::fill(row + x0, row + x1, 1);
  m_x0 = std::min(m_x0, x0);
  m_x1 = std::max(m_x1, x1 - 1);
  m_y0 = std::min(m_y0, y);
  m_y1 = std::max(m_y1, y);
}

void Mask::fill_polygon(std::span<const Px> pts, std::span<const std::uint32_t> ring_first) {
  struct Edge {
    double x0, y0, x1, y1;  // y0 < y1
  };
  std::vector<Edge> edges;
  double ymin = std::numeric_limits<double>::infinity();
  double ymax = -ymin;
  for (std::size_t r = 0; r + 1 < ring_first.size(); ++r) {
    const std::size_t a = ring_first[r];
    const std::size_t b = ring_first[r + 1];
    if (b - a < 3) continue;
    for (std::size_t i = a; i < b; ++i) {
      const Px p = pts[i];
      const Px q = i + 1 < b ? pts[i + 1] : pts[a];  // implied closing edge (zero-length when closed)
      if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(q.x) || !std::isfinite(q.y)) continue;
      if (p.y == q.y) continue;  // horizontal edges never cross a scanline centre set
      edges.push_back(p.y < q.y ? Edge{p.x, p.y, q.x, q.y} : Edge{q.x, q.y, p.x, p.y});
      ymin = std::min(ymin, std::min(p.y, q.y));
      ymax = std::max(ymax, std::max(p.y, q.y));
    }
  }
  if (edges.empty()) return;
  const int row0 = std::max(0, first_centre_at_or_after(ymin));
  const int row1 = std::min(m_height, first_centre_at_or_after(ymax));  // exclusive
  std::vector<double> xs;
  for (int y = row0; y < row1; ++y) {
    const double yc = y + 0.5;
    xs.clear();
    // Half-open rule y0 <= yc < y1: a vertex on the scanline is counted once.
    for (const Edge& e : edges)
      if (e.y0 <= yc && yc < e.y1) xs.push_back(e.x0 + (yc - e.y0) * (e.x1 - e.x0) / (e.y1 - e.y0));
    std::sort(xs.begin(), xs.end());
    for (std::size_t i = 0; i + 1 < xs.size(); i += 2)
      span(y, first_centre_at_or_after(xs[i]), first_centre_at_or_after(xs[i + 1]));
  }
}

void Mask::fill_polygon(std::span<const Px> ring) {
  const std::uint32_t first[2] = {0, static_cast<std::uint32_t>(ring.size())};
  fill_polygon(ring, first);
}

void Mask::fill_disc(Px c, double radius) {
  if (!(radius > 0.0) || !std::isfinite(c.x) || !std::isfinite(c.y)) return;
  const int row0 = std::max(0, first_centre_at_or_after(c.y - radius));
  const int row1 = std::min(m_height, first_centre_at_or_after(c.y + radius) + 1);
  for (int y = row0; y < row1; ++y) {
    const double dy = y + 0.5 - c.y;
    const double h2 = radius * radius - dy * dy;
    if (h2 < 0.0) continue;
    const double h = std::sqrt(h2);
    // Centres x + 0.5 in [c.x - h, c.x + h].
    // Centres x + 0.5 <= c.x + h: the end (exclusive) is floor(c.x + h − 0.5) + 1.
    span(y, first_centre_at_or_after(c.x - h), clamped_int(std::floor(c.x + h - 0.5)) + 1);
  }
}

void Mask::stroke_polyline(std::span<const Px> pts, double width) {
  if (pts.empty() || !(width > 0.0)) return;
  const double h = width / 2.0;
  for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
    const Px a = pts[i];
    const Px b = pts[i + 1];
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double len = std::hypot(dx, dy);
    if (!(len > 0.0)) continue;
    const double nx = -dy / len * h;
    const double ny = dx / len * h;
    const Px quad[4] = {{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}};
    fill_polygon(quad);
  }
  // Round joins and caps; thin lines (< 2 px) look the same without them.
  if (width >= 2.0)
    for (const Px& p : pts) fill_disc(p, h);
  else if (pts.size() == 1)
    fill_disc(pts[0], h);
}

void Mask::stroke_dashed(std::span<const Px> pts, double width, double on, double off) {
  if (!(on > 0.0) || !(off > 0.0)) {
    stroke_polyline(pts, width);
    return;
  }
  const double period = on + off;
  double phase = 0.0;  // position within the pattern at the start of the segment
  std::vector<Px> dash;
  for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
    const Px a = pts[i];
    const Px b = pts[i + 1];
    const double len = std::hypot(b.x - a.x, b.y - a.y);
    if (!(len > 0.0)) continue;
    double t = 0.0;
    while (t < len) {
      const double in_pattern = std::fmod(phase + t, period);
      const bool drawing = in_pattern < on;
      const double run = std::min(len - t, drawing ? on - in_pattern : period - in_pattern);
      if (drawing) {
        const Px p{a.x + (b.x - a.x) * t / len, a.y + (b.y - a.y) * t / len};
        const Px q{a.x + (b.x - a.x) * (t + run) / len, a.y + (b.y - a.y) * (t + run) / len};
        const Px seg[2] = {p, q};
        stroke_polyline(seg, width);
      }
      t += run;
    }
    phase = std::fmod(phase + len, period);
  }
}

Canvas::Canvas(int width, int height, Rgba bg)
    : m_width(width), m_height(height), m_rgba(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4) {
  for (std::size_t i = 0; i < m_rgba.size(); i += 4) {
    m_rgba[i] = bg.r;
    m_rgba[i + 1] = bg.g;
    m_rgba[i + 2] = bg.b;
    m_rgba[i + 3] = bg.a;
  }
}

Rgba Canvas::pixel(int x, int y) const {
  const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(m_width) + static_cast<std::size_t>(x)) * 4;
  return {m_rgba[i], m_rgba[i + 1], m_rgba[i + 2], m_rgba[i + 3]};
}

void Canvas::blend(int x, int y, Rgba c) {
  if (x < 0 || y < 0 || x >= m_width || y >= m_height || c.a == 0) return;
  std::uint8_t* d = &m_rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(m_width) + static_cast<std::size_t>(x)) * 4];
  if (c.a == 255) {
    d[0] = c.r;
    d[1] = c.g;
    d[2] = c.b;
    d[3] = 255;
    return;
  }
  // Straight-alpha source-over in integers (scaled by 255²).
  const long sa = c.a;
  const long da = d[3];
  const long out_a = sa * 255 + da * (255 - sa);  // alpha × 255
  if (out_a == 0) return;
  auto ch = [&](std::uint8_t s, std::uint8_t dst) {
    return to_byte((s * sa * 255 + dst * da * (255 - sa) + out_a / 2) / out_a);
  };
  d[0] = ch(c.r, d[0]);
  d[1] = ch(c.g, d[1]);
  d[2] = ch(c.b, d[2]);
  d[3] = to_byte((out_a + 127) / 255);
}

void Canvas::composite(Mask& mask, Rgba c) {
  assert(mask.width() == m_width && mask.height() == m_height);
  for (int y = mask.min_y(); y <= mask.max_y(); ++y)
    for (int x = mask.min_x(); x <= mask.max_x(); ++x)
      if (mask.at(x, y)) blend(x, y, c);
  mask.clear();
}

void Canvas::fill_rect(int x, int y, int w, int h, Rgba c) {
  for (int j = std::max(y, 0); j < std::min(y + h, m_height); ++j)
    for (int i = std::max(x, 0); i < std::min(x + w, m_width); ++i) blend(i, j, c);
}

Canvas Canvas::downsample(int factor) const {
  assert(factor >= 1);
  Canvas out(m_width / factor, m_height / factor, Rgba{0, 0, 0, 0});
  const long n = static_cast<long>(factor) * factor;
  for (int y = 0; y < out.m_height; ++y)
    for (int x = 0; x < out.m_width; ++x) {
      long r = 0, g = 0, b = 0, a = 0;
      for (int j = 0; j < factor; ++j)
        for (int i = 0; i < factor; ++i) {
          const Rgba p = pixel(x * factor + i, y * factor + j);
          r += long{p.r} * p.a;
          g += long{p.g} * p.a;
          b += long{p.b} * p.a;
          a += p.a;
        }
      std::uint8_t* d = &out.m_rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(out.m_width) + static_cast<std::size_t>(x)) * 4];
      if (a > 0) {
        d[0] = to_byte((r + a / 2) / a);
        d[1] = to_byte((g + a / 2) / a);
        d[2] = to_byte((b + a / 2) / a);
      }
      d[3] = to_byte((a + n / 2) / n);
    }
  return out;
}

}  // namespace lightcone::render
