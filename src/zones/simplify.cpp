// simplify_outward (zones.hpp): buffer out by the tolerance, simplify by it, and union
// with the input so rounding can never lose a part of it.
#include "geom/geometry.hpp"
#include "zones/zones.hpp"

namespace lightcone {

MultiPolygon simplify_outward(const MultiPolygon& m, double tolerance_m) {
  if (m.empty()) return m;
  const double tol = tolerance_m / 111320.0;
  const geom::Geometry g = geom::from(m);
  const geom::Geometry buffered = geom::buffer(g, tol, 8);
  const geom::Geometry simple = geom::simplify_preserve_topology(buffered, tol);
  // Simplification moves vertices by at most `tol`, and every point of m lies at least
  // `tol` inside the buffered boundary, so m stays inside; union guards rounding.
  // The buffer reaches past ±180 where m touches the antimeridian: cut it there again.
  return geom::to_multipolygon(geom::wrap_antimeridian(geom::union_of(simple, g)));
}

}  // namespace lightcone
