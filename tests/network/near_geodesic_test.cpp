// LocalFrame::distance_m (the fast geodesic distance every exact access leg uses) against
// PROJ's geod_inverse called directly: random pairs from the equator to 0.01° from a pole,
// at every longitude (so across the antimeridian too), at distances up to 10 km, 50 km and
// the series' limit, and beyond it (where distance_m is geod_inverse itself).
#include <gtest/gtest.h>

#include <geodesic.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "network/geodesic.hpp"
#include "support/oracles.hpp"

namespace lightcone {
namespace {

struct Worst {
  double error_m = 0.0;
  LonLat p, q;
};

// The worst |distance_m − geod_inverse| over n pairs: p uniform in lon and in lat up to
// ±lat_max, q at a uniform distance up to max_m in a uniform direction from p (geod_direct).
Worst worst_error(double max_m, double lat_max, int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Worst w;
  for (int i = 0; i < n; ++i) {
    const LonLat p{360.0 * u(rng) - 180.0, (2.0 * u(rng) - 1.0) * lat_max};
    const double azimuth = 360.0 * u(rng), d = max_m * u(rng);
    double lat2 = 0.0, lon2 = 0.0;
    geod_direct(&test::wgs84_geod(), p.lat, p.lon, azimuth, d, &lat2, &lon2, nullptr);
    const LonLat q{lon2, lat2};
    double s12 = 0.0;
    geod_inverse(&test::wgs84_geod(), p.lat, p.lon, q.lat, q.lon, &s12, nullptr, nullptr);
    const double error = std::abs(LocalFrame(p).distance_m(q) - s12);
    if (!(error <= w.error_m)) w = Worst{error, p, q};
  }
  return w;
}

TEST(NearGeodesic, WithinNanometresOfTheGeodesicUpTo10Km) {
  for (const double lat_max : {60.0, 89.99}) {
    const Worst w = worst_error(10e3, lat_max, 100000, 1);
    EXPECT_LE(w.error_m, 1e-8) << "p " << w.p.lon << " " << w.p.lat << " q " << w.q.lon << " " << w.q.lat;
  }
}

TEST(NearGeodesic, WithinMicrometresUpToTheSeriesLimit) {
  for (const double lat_max : {60.0, 89.99}) {
    EXPECT_LE(worst_error(50e3, lat_max, 50000, 2).error_m, 1e-7);
    EXPECT_LE(worst_error(LocalFrame::kSeriesMaxM, lat_max, 50000, 3).error_m, 2e-6);
  }
}

TEST(NearGeodesic, BeyondTheSeriesLimitIsTheGeodesicItself) {
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < 2000; ++i) {
    const LonLat p{360.0 * u(rng) - 180.0, 178.0 * u(rng) - 89.0};
    const LonLat q{360.0 * u(rng) - 180.0, 178.0 * u(rng) - 89.0};
    const double g = geodesic_distance_m(p, q);
    if (g < 1.01 * LocalFrame::kSeriesMaxM) continue;
    EXPECT_EQ(LocalFrame(p).distance_m(q), g);
  }
}

TEST(NearGeodesic, SamePointAntimeridianAndPole) {
  const LonLat p{179.999, 10.0};
  EXPECT_EQ(LocalFrame(p).distance_m(p), 0.0);
  // The same point written with a longitude 360° off, and a neighbour across ±180°.
  EXPECT_NEAR(LocalFrame(p).distance_m({-180.001, 10.0}), geodesic_distance_m(p, {-180.001, 10.0}), 1e-8);
  EXPECT_NEAR(LocalFrame(p).distance_m({p.lon - 360.0, p.lat}), 0.0, 1e-8);
  // At the pole itself (every longitude is the same point) and 5 km from it.
  const LonLat pole{0.0, 90.0};
  for (const double lon : {-180.0, -45.0, 0.0, 90.0, 179.0}) {
    const LonLat q{lon, 89.955};
    EXPECT_NEAR(LocalFrame(pole).distance_m(q), geodesic_distance_m(pole, q), 1e-8) << lon;
    EXPECT_NEAR(LocalFrame(q).distance_m(pole), geodesic_distance_m(q, pole), 1e-8) << lon;
  }
}

}  // namespace
}  // namespace lightcone
