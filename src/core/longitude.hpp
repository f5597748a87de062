// Longitudes on the circle: the antimeridian (±180°) is a line like any other, not an
// edge of the world. Data crossing it (a Fiji or Chukotka network, a transpacific
// cable) holds longitudes near +180 and near −180; its extent is the smallest arc of the
// circle holding them all, and geometry built from it is continuous once every
// longitude is unwrapped towards the middle of that arc. Degrees throughout.
#pragma once

#include <span>

#include "core/ids.hpp"

namespace lightcone {

// An arc of longitudes from `west` eastwards to `east`: west in [−180, 180], east in
// [west, west + 360]; east > 180 when the arc crosses the antimeridian.
struct LonArc {
  double west = 0.0;
  double east = 0.0;
  double span() const { return east - west; }
  double middle() const { return (west + east) / 2; }
};

// The smallest arc holding the longitude of every point: the complement of the
// largest gap between neighbouring longitudes around the circle. When no gap is
// larger than the one across ±180 (data that does not cross the antimeridian), exactly
// [min lon, max lon]. Longitudes outside [−180, 180] are wrapped first. Empty input:
// {0, 0}.
LonArc smallest_lon_arc(std::span<const LonLat> pts);

// `lon` moved by a multiple of 360 into [ref − 180, ref + 180); unchanged when already
// there (so no rounding for data that needs no unwrapping).
double unwrap_lon(double lon, double ref);

// `lon` moved by a multiple of 360 into [−180, 180]; unchanged when already there.
double wrap_lon(double lon);

}  // namespace lightcone
