// Private to src/placement: one solver per problem, called by solve_placement
// (placement.cpp) on the reduced model, and the result fields they share. Each solver
// fills `out` (status, objective, bound, gap, open sites, assignment, method, reason,
// mip_solves); solve_placement has already set the model sizes and the uncoverable demand.
#pragma once

#include <vector>

#include "placement/cbc_model.hpp"
#include "placement/placement.hpp"
#include "placement/reduce.hpp"

namespace lightcone::placement_detail {

// LSCP: minimum-cost cover (k-fold, capacities, survival rows).
void solve_lscp(const PlacementInput& in, const Prepared& prep, const SurvivalModel& survival, PlacementResult& out);
// MCLP: most covered weight with p new sites (money limit, capacities, survival rows).
void solve_mclp(const PlacementInput& in, const Reduced& r, const SurvivalModel& survival, PlacementResult& out);
// p-median and p-center; every demand has an option (solve_placement checks).
void solve_pmedian(const PlacementInput& in, const Reduced& r, PlacementResult& out);
void solve_pcenter(const PlacementInput& in, const Reduced& r, PlacementResult& out);

// Each demand to its nearest open site among its options (within max_latency).
void assign_nearest(const PlacementInput& in, const std::vector<char>& site_open, double max_latency,
                    PlacementResult& out);
// assign_nearest to out.open, without a latency limit.
void assign_to_open_sites(const PlacementInput& in, PlacementResult& out);

// Open sites, objective, and bound, status, method and gap from the solution (a
// maximisation's MIP bound has the opposite sign).
void finish(const PlacementInput& in, const Reduced& r, const Solution& s, bool maximise_sign, double objective,
            PlacementResult& out);

}  // namespace lightcone::placement_detail
