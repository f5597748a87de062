#include "io/crs.hpp"

#include <cpl_error.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <cstdio>

namespace lightcone {
namespace {

std::string degrees(double v, char positive, char negative) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%c", std::fabs(v), v < 0 ? negative : positive);
  return buf;
}

}  // namespace

CrsFacts describe_epsg(int epsg) {
  CrsFacts f;
  OGRSpatialReference srs;
  CPLErrorReset();
  // Quiet: an unknown code is an answer here, not an error to print.
  CPLPushErrorHandler(CPLQuietErrorHandler);
  const OGRErr err = srs.importFromEPSG(epsg);
  CPLPopErrorHandler();
  if (err != OGRERR_NONE) return f;
  f.known = true;
  const char* name = srs.GetName();
  f.name = name ? name : "unnamed";
  f.projected = srs.IsProjected();
  if (f.projected) {
    const char* unit = nullptr;
    const double to_metre = srs.GetLinearUnits(&unit);
    f.unit = unit ? unit : "unknown";
    f.metres = to_metre == 1.0;
  } else {
    const char* unit = nullptr;
    srs.GetAngularUnits(&unit);
    f.unit = unit ? unit : "unknown";
  }
  const char* area_name = nullptr;
  f.has_area = srs.GetAreaOfUse(&f.west, &f.south, &f.east, &f.north, &area_name) && f.west > -1000.0;
  return f;
}

bool CrsFacts::covers(double box_west, double box_south, double box_east, double box_north, double margin_deg) const {
  if (!has_area) return true;
  if (box_south < south - margin_deg || box_north > north + margin_deg) return false;
  if (west <= east) return box_west >= west - margin_deg && box_east <= east + margin_deg;
  // Across the antimeridian: the box lies in one of the two parts.
  return box_west >= west - margin_deg || box_east <= east + margin_deg;
}

std::string CrsFacts::area_text() const {
  return degrees(west, 'E', 'W') + " to " + degrees(east, 'E', 'W') + ", " + degrees(south, 'N', 'S') + " to " +
         degrees(north, 'N', 'S');
}

}  // namespace lightcone
