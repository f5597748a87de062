// Facts about a CRS named by an EPSG code, from GDAL's CRS database (PROJ's), so that a
// surface CRS can be checked before any work: the latency surface's cells are squares
// in metres, so its CRS must be projected with the metre as unit, and the extent must
// lie where the CRS is meant to be used. Degrees throughout.
#pragma once

#include <string>

namespace lightcone {

struct CrsFacts {
  bool known = false;      // the code names a CRS in the database
  std::string name;        // "WGS 84 / UTM zone 50N"
  bool projected = false;
  bool metres = false;     // projected, with the metre as linear unit
  std::string unit;        // "metre", "US survey foot"; "degree" for a geographic CRS
  // Area of use, in degrees of WGS 84 longitude and latitude; west > east when it
  // crosses the antimeridian. Only when has_area.
  bool has_area = false;
  double west = 0.0, south = 0.0, east = 0.0, north = 0.0;

  // True when [west, east] x [south, north] (degrees, west < east) lies within the area
  // of use widened by `margin_deg` on every side (true when the area is not known).
  bool covers(double box_west, double box_south, double box_east, double box_north, double margin_deg) const;
  // "114E to 120E, 0N to 84N".
  std::string area_text() const;
};

CrsFacts describe_epsg(int epsg);

}  // namespace lightcone
