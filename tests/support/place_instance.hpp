// A generated placement instance (fixed seed, so it exists in a clean clone): a jittered
// G × G grid of fibre lines around (117.0 E, 36.0 N), `sites` candidate sites and `demand`
// weighted demand points at seeded random positions inside it, written to a GeoPackage
// with layers fibre, sites (site_id, status, cost, capacity) and demand (pop, load).
// Large enough versions make every placement problem need more than a few seconds.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "io/gdal_fixture.hpp"

namespace lightcone::test {

struct PlaceInstance {
  int grid = 30;            // nodes per side
  double spacing_deg = 0.02;  // about 2 km
  int sites = 800;
  int demand = 800;
  std::uint64_t seed = 13;
  double capacity = 0.0;    // per site (0: NULL, uncapacitated)
};

// Returns the demand weights (pop), by fid − 1.
inline std::vector<double> write_place_instance(const std::string& path, const PlaceInstance& p) {
  std::mt19937_64 rng(p.seed);
  std::uniform_real_distribution<double> jitter(-0.3, 0.3), unit(0.0, 1.0);
  const double lon0 = 117.0, lat0 = 36.0;
  std::vector<double> lon(static_cast<std::size_t>(p.grid * p.grid)), lat(lon.size());
  for (int y = 0; y < p.grid; ++y)
    for (int x = 0; x < p.grid; ++x) {
      const auto i = static_cast<std::size_t>(y * p.grid + x);
      lon[i] = lon0 + (x + jitter(rng)) * p.spacing_deg;
      lat[i] = lat0 + (y + jitter(rng)) * p.spacing_deg;
    }
  LayerFixture fibre;
  fibre.name = "fibre";
  fibre.fields = {{"link_id", OFTInteger}};
  std::int64_t fid = 1;
  auto line = [&](std::size_t a, std::size_t b) {
    fibre.features.push_back({fid, fmt::format("LINESTRING ({:.7f} {:.7f},{:.7f} {:.7f})", lon[a], lat[a], lon[b], lat[b]),
                              {std::to_string(fid)}, nullptr});
    ++fid;
  };
  for (int y = 0; y < p.grid; ++y)
    for (int x = 0; x < p.grid; ++x) {
      const auto i = static_cast<std::size_t>(y * p.grid + x);
      if (x + 1 < p.grid) line(i, i + 1);
      if (y + 1 < p.grid) line(i, i + static_cast<std::size_t>(p.grid));
    }
  const double span = (p.grid - 1) * p.spacing_deg;
  // Latitude drawn first, then longitude, in separate statements: function arguments are
  // evaluated in an unspecified order (g++ right to left, clang left to right).
  auto point = [&] {
    const double y = lat0 + unit(rng) * span;
    const double x = lon0 + unit(rng) * span;
    return fmt::format("POINT ({:.7f} {:.7f})", x, y);
  };
  LayerFixture sites;
  sites.name = "sites";
  sites.type = wkbPoint;
  sites.fields = {{"site_id", OFTString}, {"status", OFTString}, {"cost", OFTReal}, {"capacity", OFTReal}};
  for (int s = 0; s < p.sites; ++s) {
    std::optional<std::string> cap;
    if (p.capacity > 0) cap = fmt::format("{}", p.capacity);
    sites.features.push_back({s + 1, point(), {fmt::format("S{}", s + 1), "candidate", fmt::format("{}", 1 + s % 3), cap}, nullptr});
  }
  LayerFixture demand;
  demand.name = "demand";
  demand.type = wkbPoint;
  demand.fields = {{"pop", OFTReal}, {"load", OFTReal}};
  std::vector<double> pops;
  for (int d = 0; d < p.demand; ++d) {
    const double pop = std::floor(1.0 + 99.0 * unit(rng));
    pops.push_back(pop);
    demand.features.push_back({d + 1, point(), {fmt::format("{}", pop), "1"}, nullptr});
  }
  write_fixture(path, "GPKG", {fibre, sites, demand});
  return pops;
}

}  // namespace lightcone::test
