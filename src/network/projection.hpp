// Map projections through PROJ (the network module is the only PROJ user): WGS 84
// lon/lat ↔ a projected CRS such as the local UTM zone of the latency surface.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "core/ids.hpp"

namespace lightcone {

// EPSG code of the UTM zone (WGS 84) holding p: 326zz north, 327zz south.
int utm_epsg_for(LonLat p);

// The name PROJ's database gives a CRS ("WGS 84 / UTM zone 50N"); empty when PROJ
// does not know `crs` or it has no name.
std::string crs_name(const std::string& crs);

class Projection {
 public:
  explicit Projection(int epsg);
  // Any CRS PROJ understands: "EPSG:32650", "+proj=laea +lat_0=40 +lon_0=-55 ... +type=crs".
  explicit Projection(const std::string& crs);
  ~Projection();
  Projection(const Projection&) = delete;
  Projection& operator=(const Projection&) = delete;
  struct Xy {
    double x = 0.0;
    double y = 0.0;
  };
  // In place; not thread-safe (one object per thread).
  Xy forward(LonLat p) const;
  LonLat inverse(Xy p) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace lightcone
