// Longitudes on the circle: the smallest arc, unwrapping, wrapping. Oracle: the arc
// found by trying every 0.25° start on the circle (brute force).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/longitude.hpp"

namespace lightcone {
namespace {

std::vector<LonLat> at_lons(std::initializer_list<double> lons) {
  std::vector<LonLat> out;
  for (double l : lons) out.push_back({l, 0.0});
  return out;
}

TEST(Longitude, ArcOfDataNotCrossingIsMinToMaxExactly) {
  const LonArc a = smallest_lon_arc(at_lons({120.3, 114.899959, 122.540244}));
  EXPECT_EQ(a.west, 114.899959);
  EXPECT_EQ(a.east, 122.540244);
}

TEST(Longitude, ArcAcrossTheAntimeridian) {
  const LonArc a = smallest_lon_arc(at_lons({178.5, -179.0, 179.9, -177.25}));
  EXPECT_EQ(a.west, 178.5);
  EXPECT_EQ(a.east, -177.25 + 360.0);
  EXPECT_NEAR(a.span(), 4.25, 1e-12);
  EXPECT_NEAR(a.middle(), 180.625, 1e-12);
}

TEST(Longitude, ArcMatchesBruteForceOnRandomSets) {
  std::mt19937 rng(14);  // seed 14
  std::uniform_real_distribution<double> centre(-180.0, 180.0), width(0.0, 200.0), u(0.0, 1.0);
  for (int trial = 0; trial < 300; ++trial) {
    const double c = centre(rng), w = width(rng);
    std::vector<LonLat> pts;
    for (int i = 0; i < 7; ++i) pts.push_back({wrap_lon(c - w / 2 + w * u(rng)), 0.0});
    // Brute force: the shortest arc [s, s + len] holding all, over starts at every point.
    double best = 1e9;
    for (const LonLat& s : pts) {
      double len = 0.0;
      for (const LonLat& p : pts) len = std::max(len, std::fmod(p.lon - s.lon + 720.0, 360.0));
      best = std::min(best, len);
    }
    const LonArc a = smallest_lon_arc(pts);
    EXPECT_NEAR(a.span(), best, 1e-9) << "trial " << trial;
    for (const LonLat& p : pts) {
      const double l = unwrap_lon(p.lon, a.middle());
      EXPECT_GE(l, a.west - 1e-9);
      EXPECT_LE(l, a.east + 1e-9);
    }
  }
}

TEST(Longitude, UnwrapAndWrap) {
  EXPECT_EQ(unwrap_lon(-179.0, 180.0), 181.0);
  EXPECT_EQ(unwrap_lon(179.0, 180.0), 179.0);
  EXPECT_EQ(unwrap_lon(12.345, 0.0), 12.345);  // unchanged, bit for bit
  EXPECT_EQ(unwrap_lon(-170.0, -175.0), -170.0);
  EXPECT_EQ(unwrap_lon(170.0, -175.0), -190.0);
  EXPECT_EQ(wrap_lon(180.0), 180.0);
  EXPECT_EQ(wrap_lon(-180.0), -180.0);
  EXPECT_EQ(wrap_lon(181.0), -179.0);
  EXPECT_EQ(wrap_lon(-190.0), 170.0);
  EXPECT_EQ(wrap_lon(540.5), -179.5);
  EXPECT_EQ(smallest_lon_arc({}).span(), 0.0);
}

}  // namespace
}  // namespace lightcone
