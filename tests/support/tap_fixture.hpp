// A Boston/Worcester-style fixture for the per-line tap rule (DESIGN §3): a long link
// (a "transatlantic" span, 222.6 km on the equator) passes 5.5 km from a town P, while
// the town's own short lines reach the site at A only the long way round:
//
//   lat 0.10         C ------ E ------ F            C–E, E–F 44.5 km; F–B 24.8 km
//                    |P (1.0, 0.05)      .
//   lat 0.00   A(site) ================== B         A–B: 222.6 km, one edge
//              lon 0   1.0    1.4   1.8  2.0
//
// Under the DEFAULT rule (edges over 50 km joined only at their ends) P joins C–E near C
// and its latency runs C→E→F→B→A (about 1,680 µs one-way); with the rule off it taps
// A–B mid-span (about 575 µs), as Worcester joined the London–Dublin link.
#pragma once

#include <cmath>
#include <vector>

#include "core/latency_model.hpp"
#include "network/geodesic.hpp"
#include "network/network.hpp"

namespace lightcone::tap_fixture {

inline const LonLat kA{0.0, 0.0}, kB{2.0, 0.0}, kC{1.0, 0.1}, kE{1.4, 0.1}, kF{1.8, 0.1};
inline const LonLat kP{1.0, 0.05};
inline const LonLat kFootAB{1.0, 0.0};  // P's foot point on A–B (the equator is a geodesic)

enum Line { kLineAB = 0, kLineCE = 1, kLineEF = 2, kLineFB = 3 };

// The lines, each one straight segment, fids 0..3 in the order of Line; `tap[i]` the
// tap field value of line i (Tap::by_rule: none given).
inline LineInput lines(std::vector<Tap> tap = {Tap::by_rule, Tap::by_rule, Tap::by_rule, Tap::by_rule}) {
  LineInput in;
  const LonLat ab[] = {kA, kB}, ce[] = {kC, kE}, ef[] = {kE, kF}, fb[] = {kF, kB};
  in.add_line(ab, 0);
  in.add_line(ce, 1);
  in.add_line(ef, 2);
  in.add_line(fb, 3);
  in.tap = tap;
  return in;
}

// The hand-made oracle: the closed form of DESIGN §3's minimum along one straight
// fibre line for a point at distance h (metres) from it, whose network latency falls
// at `rate` µs/m along the line: access at `acc` µs/m (detour × access rate) meets the
// line where the two balance, and min over x of acc·√((x−x0)² + h²) − rate·x is
// −rate·x0 + h·√(acc² − rate²) (interior optimum, valid here: the optimum lies within
// the line and within max access).
inline double tapered_min_us(double latency_at_foot_us, double h_m, double acc, double rate) {
  return latency_at_foot_us + h_m * std::sqrt(acc * acc - rate * rate);
}

struct Oracle {
  LatencyModel model;
  double rate = model.fibre_us_per_km() / 1000.0;       // µs per metre of fibre
  double acc = model.access_detour * rate;              // µs per metre of access
  double ab = geodesic_distance_m(kA, kB);
  double ce = geodesic_distance_m(kC, kE);
  double ef = geodesic_distance_m(kE, kF);
  double fb = geodesic_distance_m(kF, kB);
  double h_ab = geodesic_distance_m(kP, kFootAB);
  double h_c = geodesic_distance_m(kP, kC);
  // One-way µs from P to the site at A:
  // tapping A–B mid-span (rule off, or tap field yes on A–B).
  double mid_span_us() const { return tapered_min_us(rate * geodesic_distance_m(kA, kFootAB), h_ab, acc, rate); }
  // joining C–E near C, then C→E→F→B→A (the DEFAULT rule).
  double local_us() const { return tapered_min_us(rate * (ce + ef + fb + ab), h_c, acc, rate); }
  // joining C–E only at its node C (tap field ends on C–E).
  double at_node_c_us() const { return acc * h_c + rate * (ce + ef + fb + ab); }
};

}  // namespace lightcone::tap_fixture
