// MCLP: p new sites (and a money limit) covering the most weight. A greedy cover within p
// proves "everything coverable" without a MIP; large plain models get a greedy + swap
// search against a Lagrangian bound (no MIP); the rest is CBC, warm-started greedily.
#include <cmath>
#include <limits>
#include <string>

#include "placement/assign.hpp"
#include "placement/bounds.hpp"
#include "placement/detail.hpp"
#include "placement/heuristics.hpp"
#include "placement/solvers.hpp"

namespace lightcone::placement_detail {
namespace {

// When p new sites can cover every coverable demand, that is optimal: no plan covers
// more than all of it. A greedy cover proves it without a MIP (uncapacitated, plain).
// Returns whether it did (and filled out).
bool cover_everything(const PlacementInput& in, const Reduced& r, PlacementResult& out) {
  Reduced unit = r;
  for (std::size_t j = 0; j < unit.cols(); ++j) unit.col_cost[j] = unit.col_existing[j] ? 0.0 : 1.0;
  const std::vector<char> cover = greedy_cover(unit, 1);
  int count = 0;
  for (std::size_t j = 0; j < r.cols(); ++j) count += cover[j] && !r.col_existing[j];
  if (count > in.p) return false;
  Solution s;
  s.open = cover;
  double all = 0.0;
  for (double w : r.row_weight) all += w;
  finish(in, r, s, true, all, out);
  out.bound = all;
  out.gap = 0.0;
  out.status = SolveStatus::optimal;
  out.method = "greedy cover (every coverable demand covered)";
  assign_to_open_sites(in, out);
  return true;
}

// Large plain models: no MIP (CBC's root LP over them ignores its time limit).
void solve_large_max_cover(const PlacementInput& in, const Reduced& r, PlacementResult& out) {
  const MaxCover m = max_cover_search(r, in.p, in.deadline);
  Solution s;
  s.open = m.open;
  finish(in, r, s, true, m.value, out);
  out.bound = m.bound;
  out.gap = (m.bound - m.value) / std::max(m.bound, kEps);
  out.status = out.gap <= 1e-9 ? SolveStatus::optimal : SolveStatus::feasible;
  if (out.status == SolveStatus::optimal) out.gap = 0.0;
  out.method = "greedy + " + std::to_string(m.swaps) + " swaps, Lagrangian bound (" + std::to_string(m.iterations) +
               " iterations); large model: no MIP";
  if (out.status != SolveStatus::optimal)
    out.reason = "large model (" + std::to_string(r.row_col.size()) +
                 " nonzeros): the covered weight lies between the objective and the bound";
  assign_to_open_sites(in, out);
}

// The max-cover MIP: site columns x, a covered column y per row (weight in the objective,
// negated), rows y ≤ Σ x over the row's options (capacitated: assignment), survival rows,
// the count row and the money row. Returns y.
std::vector<int> build_max_cover_model(Mip& mip, const PlacementInput& in, const Reduced& r,
                                       const SurvivalModel& survival, const std::vector<int>& x) {
  const bool cap = has_capacities(in);
  std::vector<int> y(r.rows());
  // y integer without capacities (a row is covered or not): a pure 0-1 model keeps
  // CBC's preprocessing (Mip::solve skips it for models with continuous columns), and
  // with continuous y CBC 2.10's preprocessing added a column that broke its
  // MIP-start handling (Cbc_solve aborted, see mip.cpp).
  for (std::uint32_t i = 0; i < r.rows(); ++i) y[i] = mip.add_column(-r.row_weight[i], 0.0, 1.0, !cap);
  if (cap) {
    std::vector<int> z;
    add_assignment(mip, r, x, z, {}, y);
  } else {
    for (std::uint32_t i = 0; i < r.rows(); ++i) {
      std::vector<int> cols{y[i]};
      std::vector<double> coefs{1.0};
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) {
        cols.push_back(x[r.row_col[e]]);
        coefs.push_back(-1.0);
      }
      mip.add_row(cols, coefs, -Mip::kInf, 0.0);
    }
  }
  // Survivable: a row counts as covered only if every cut leaves it an open site.
  for (std::size_t q = 0; q < survival.cols.size(); ++q) {
    std::vector<int> cols{y[survival.row[q]]};
    std::vector<double> coefs{1.0};
    for (std::uint32_t c : survival.cols[q]) {
      cols.push_back(x[c]);
      coefs.push_back(-1.0);
    }
    mip.add_row(cols, coefs, -Mip::kInf, 0.0);
  }
  add_count_row(mip, r, x, in.p, false);
  if (std::isfinite(in.money)) {
    std::vector<int> cols;
    std::vector<double> coefs;
    for (std::size_t j = 0; j < r.cols(); ++j)
      if (!r.col_existing[j]) {
        cols.push_back(x[j]);
        coefs.push_back(r.col_cost[j]);
      }
    mip.add_row(cols, coefs, -Mip::kInf, in.money);
  }
  return y;
}

void solve_max_cover_mip(const PlacementInput& in, const Reduced& r, const SurvivalModel& survival,
                         PlacementResult& out) {
  const bool cap = has_capacities(in);
  Mip mip;
  const std::vector<int> x = site_columns(mip, r, false);
  const std::vector<int> y = build_max_cover_model(mip, in, r, survival, x);
  Solution s;
  const std::vector<char> greedy = greedy_max_cover(r, in.p, in.money);
  std::vector<double> start;
  if (!cap) start = start_vector(mip, x, greedy);
  s.mip = mip.solve(in.deadline, in.threads, start);
  ++out.mip_solves;
  if (s.mip.has_solution) {
    s.open = open_from(s.mip, x);
    s.from_mip = true;
  } else if (!s.mip.proven_infeasible) {
    s.open = greedy;  // any p sites within the money limit are a plan: the greedy one
  } else {
    out.status = s.mip.proven_infeasible ? SolveStatus::infeasible : SolveStatus::no_solution;
    out.reason = s.mip.proven_infeasible ? "fixed sites exceed p or the money budget" : "no solution within the time limit";
    return;
  }
  // Covered weight of the chosen sites (uncapacitated: any open option; capacitated: y).
  double covered = 0.0;
  if (cap && !s.from_mip) {
    // The greedy plan under capacities: the weight a transportation LP serves from it.
    std::vector<char> site_open(in.coverage->sites, 0);
    for (std::size_t j = 0; j < r.cols(); ++j)
      if (s.open[j]) site_open[r.col_site[j]] = 1;
    const std::vector<double> no_limit(in.coverage->demands, std::numeric_limits<double>::infinity());
    const Assignment a = assign_demand(*in.coverage, site_open, no_limit, in.weight, in.load, in.capacity);
    for (double w : a.site_weight) covered += w;
  } else {
    // Survivable: a row counts only when every cut leaves it an open site.
    std::vector<char> cut_off(r.rows(), 0);
    if (!s.from_mip)
      for (std::size_t q = 0; q < survival.cols.size(); ++q) {
        bool any = false;
        for (std::uint32_t c : survival.cols[q]) any = any || s.open[c];
        if (!any) cut_off[survival.row[q]] = 1;
      }
    for (std::uint32_t i = 0; i < r.rows(); ++i) {
      if ((cap || in.survival) && s.from_mip) {
        covered += r.row_weight[i] * std::round(s.mip.x[static_cast<std::size_t>(y[i])] * 1e9) / 1e9;
        continue;
      }
      bool any = false;
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) any = any || s.open[r.row_col[e]];
      covered += any && !cut_off[i] ? r.row_weight[i] : 0.0;
    }
  }
  finish(in, r, s, true, covered, out);
  if (!s.from_mip) {  // CBC had no plan in time: the greedy one, with the LP bound if there is one
    out.method = "greedy (cbc: time limit)";
    if (s.mip.lp_solved && std::isfinite(s.mip.lp_bound)) out.bound = -s.mip.lp_bound;
    else if (!cap && !in.survival && !std::isfinite(in.money)) {
      std::size_t iterations = 0;
      out.bound = max_cover_bound(r, ColumnRows(r), in.p, covered, Deadline::after(std::min(1.0, std::max(0.1, in.deadline.remaining_s()))), iterations);
    } else {
      double all = 0.0;
      for (double w : r.row_weight) all += w;
      out.bound = all;  // no plan covers more than every coverable row
    }
    out.gap = std::abs(out.bound - out.objective) / std::max(std::abs(out.bound), kEps);
    out.reason = "time limit: the covered weight lies between the objective and the bound";
  }
  assign_to_open_sites(in, out);
}

}  // namespace

void solve_mclp(const PlacementInput& in, const Reduced& r, const SurvivalModel& survival, PlacementResult& out) {
  const bool plain = !has_capacities(in) && !in.survival && !std::isfinite(in.money);
  if (plain && cover_everything(in, r, out)) return;
  if (plain && r.row_col.size() >= in.rowgen_min_nonzeros) {
    solve_large_max_cover(in, r, out);
    return;
  }
  solve_max_cover_mip(in, r, survival, out);
}

}  // namespace lightcone::placement_detail
