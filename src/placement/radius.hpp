// Private to src/placement: uncapacitated p-median by the radius formulation (García,
// Labbé and Marín 2011, "Solving large p-median problems with a radius formulation",
// INFORMS J. Computing 23(4)) on the reduced model. Each row's options sorted by latency
// form distinct levels D_0 < D_1 < ...; a continuous z_k (level k) is 1 when the row is
// served farther than D_k; the row costs w·(D_0 + Σ_k (D_{k+1} − D_k)·z_k), with the
// chained rows z_0 + Σ_{d_j = D_0} y_j ≥ 1 and z_k − z_{k−1} + Σ_{d_j = D_k} y_j ≥ 0
// (each site appears once per row, so the model has about as many nonzeros as the pairs
// it keeps, and its LP is as strong as the assignment model's). Levels are kept only up
// to a cap per row (first the row's level in the best plan known): beyond it the row pays
// the cap's latency, a relaxation, so every LP and MIP bound is a lower bound. Caps are
// raised first where the LP relaxation serves a row past its cap (one Clp model that grows,
// dual simplex from the last basis) until the LP is the full model's, then where a MIP
// round's plan does (CBC from the best plan); a round whose optimal plan serves every row
// within its caps is optimal. Sites closed (opened) by Lagrangian reduced-cost fixing are
// left out (kept open); the plans they exclude cost at least fix_upper. Latencies are
// one-way µs; costs Σ weight × latency (not divided by the total weight).
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

#include "placement/deadline.hpp"
#include "placement/heuristics.hpp"
#include "placement/reduce.hpp"

namespace lightcone::placement_detail {

struct RadiusSolve {
  std::vector<char> open;  // the best plan found (per reduced column); empty: none
  double cost = std::numeric_limits<double>::infinity();    // its Σ weight × latency
  double bound = -std::numeric_limits<double>::infinity();  // lower bound on every plan's cost
  bool optimal = false;
  bool infeasible = false;     // no exactly-p plan serves every row (the options allow none)
  bool lp_unfinished = false;  // the last round's root LP did not finish by the deadline
  bool time_limit = false;     // the deadline ended the rounds
  std::size_t lp_rounds = 0;   // LP relaxations solved (one per set of caps, before the MIPs)
  std::size_t rounds = 0;      // MIPs solved (one per set of caps)
  std::size_t levels = 0;      // z columns of the last model
  std::size_t pairs = 0;       // demand–site pairs (y entries) of the last model
};

// REQUIRES: r uncapacitated, every row with an option. start: the heuristic plan (its
// rows' levels are the first caps; a plan that does not serve every row starts every
// cap at the row's last level). Exactly min(p, new columns) new sites, fixed columns open.
// fix: per column -1 closed / +1 open in every plan costing less than fix_upper, 0 free
// (median_lagrangian_bound's reduced-cost fixing; empty: none); plans the fixings leave
// out are counted at fix_upper in the bound.
RadiusSolve median_radius(const Reduced& r, int p, const MedianPlan& start, const Deadline& deadline,
                          const std::vector<signed char>& fix = {},
                          double fix_upper = std::numeric_limits<double>::infinity());

}  // namespace lightcone::placement_detail
