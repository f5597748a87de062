#include "placement/cbc_model.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "placement/detail.hpp"
#include "placement/heuristics.hpp"

namespace lightcone::placement_detail {
namespace {

// r with further rows over its columns (zero weight and latency).
Reduced with_extra_rows(const Reduced& r, const std::vector<std::vector<std::uint32_t>>& extra) {
  Reduced out = r;
  for (const auto& row : extra) {
    out.row_col.insert(out.row_col.end(), row.begin(), row.end());
    out.row_lat.insert(out.row_lat.end(), row.size(), 0.0);
    out.row_first.push_back(static_cast<std::uint32_t>(out.row_col.size()));
    out.row_weight.push_back(0.0);
    out.row_load.push_back(0.0);
  }
  return out;
}

}  // namespace

std::vector<int> site_columns(Mip& mip, const Reduced& r, bool cost_in_objective) {
  std::vector<int> x(r.cols());
  for (std::size_t j = 0; j < r.cols(); ++j)
    x[j] = mip.add_column(cost_in_objective ? r.col_cost[j] : 0.0, r.col_fixed[j] ? 1.0 : 0.0, 1.0, true);
  return x;
}

void add_assignment(Mip& mip, const Reduced& r, const std::vector<int>& x, std::vector<int>& z,
                    const std::vector<double>& z_cost, const std::vector<int>& y) {
  z.assign(r.row_col.size(), -1);
  for (std::uint32_t i = 0; i < r.rows(); ++i) {
    std::vector<int> cols;
    std::vector<double> coefs;
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) {
      z[e] = mip.add_column(z_cost.empty() ? 0.0 : z_cost[e], 0.0, 1.0, false);
      cols.push_back(z[e]);
      coefs.push_back(1.0);
      mip.add_row({z[e], x[r.row_col[e]]}, {1.0, -1.0}, -Mip::kInf, 0.0);
    }
    if (y.empty()) {
      mip.add_row(cols, coefs, 1.0, 1.0);
    } else {
      cols.push_back(y[i]);
      coefs.push_back(-1.0);
      mip.add_row(cols, coefs, 0.0, 0.0);
    }
  }
  std::vector<std::vector<int>> col_z(r.cols());
  std::vector<std::vector<double>> col_load(r.cols());
  for (std::uint32_t i = 0; i < r.rows(); ++i)
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) {
      col_z[r.row_col[e]].push_back(z[e]);
      col_load[r.row_col[e]].push_back(r.row_load[i]);
    }
  for (std::uint32_t j = 0; j < r.cols(); ++j) {
    // A capacity at or above all the load the site can reach never binds (z ≤ x already
    // closes it); dropping it also keeps huge capacities out of the matrix, where
    // cap·x with x inside CBC's integrality tolerance would let a closed site serve.
    double reachable = 0.0;
    for (double l : col_load[j]) reachable += l;
    if (!std::isfinite(r.col_cap[j]) || r.col_cap[j] >= reachable) continue;
    std::vector<int> cols = col_z[j];
    std::vector<double> coefs = col_load[j];
    cols.push_back(x[j]);
    coefs.push_back(-r.col_cap[j]);
    mip.add_row(cols, coefs, -Mip::kInf, 0.0);
  }
}

void add_count_row(Mip& mip, const Reduced& r, const std::vector<int>& x, int p, bool exactly) {
  std::vector<int> cols;
  std::vector<double> coefs;
  for (std::size_t j = 0; j < r.cols(); ++j)
    if (!r.col_existing[j]) {
      cols.push_back(x[j]);
      coefs.push_back(1.0);
    }
  mip.add_row(cols, coefs, exactly ? std::min<double>(p, static_cast<double>(cols.size())) : -Mip::kInf, p);
}

std::vector<double> start_vector(const Mip& mip, const std::vector<int>& x, const std::vector<char>& open) {
  std::vector<double> s(static_cast<std::size_t>(mip.columns()), 0.0);
  for (std::size_t j = 0; j < x.size(); ++j) s[static_cast<std::size_t>(x[j])] = open[j] ? 1.0 : 0.0;
  return s;
}

std::vector<char> open_from(const MipResult& m, const std::vector<int>& x) {
  std::vector<char> open(x.size());
  for (std::size_t j = 0; j < x.size(); ++j) open[j] = m.x[static_cast<std::size_t>(x[j])] > 0.5;
  return open;
}

Solution solve_cover(const Reduced& r, int k, const PlacementInput& in, bool unit_cost,
                     const std::vector<std::vector<std::uint32_t>>& extra, const std::vector<char>* start,
                     double cutoff) {
  Mip mip;
  Reduced rc = r;
  if (unit_cost)
    for (std::size_t j = 0; j < rc.cols(); ++j) rc.col_cost[j] = rc.col_existing[j] ? 0.0 : 1.0;
  const std::vector<int> x = site_columns(mip, rc, true);
  for (const auto& row : extra) {
    std::vector<int> cols;
    for (std::uint32_t c : row) cols.push_back(x[c]);
    mip.add_row(cols, std::vector<double>(cols.size(), 1.0), 1.0, Mip::kInf);
  }
  for (std::uint32_t i = 0; i < rc.rows(); ++i) {
    std::vector<int> cols;
    std::vector<double> coefs;
    for (std::uint32_t e = rc.row_first[i]; e < rc.row_first[i + 1]; ++e) {
      cols.push_back(x[rc.row_col[e]]);
      coefs.push_back(1.0);
    }
    mip.add_row(cols, coefs, std::min<double>(k, static_cast<double>(cols.size())), Mip::kInf);
  }
  std::vector<int> z;
  if (capacitated(rc)) add_assignment(mip, rc, x, z, {}, {});
  Solution s;
  // The greedy start covers the cut rows too (rows of their own), so that it is a
  // feasible start, and a plan when CBC has none in time.
  std::vector<char> greedy = extra.empty() ? greedy_cover(rc, k) : greedy_cover(with_extra_rows(rc, extra), k);
  if (start && !capacitated(rc) && extra.empty()) {  // a given cover, when it is cheaper
    double a = 0.0, b = 0.0;
    for (std::size_t j = 0; j < rc.cols(); ++j) {
      a += (*start)[j] ? rc.col_cost[j] : 0.0;
      b += greedy[j] ? rc.col_cost[j] : 0.0;
    }
    if (a < b) greedy = *start;
  }
  s.mip = mip.solve(in.deadline, in.threads, capacitated(rc) ? std::vector<double>{} : start_vector(mip, x, greedy),
                    cutoff);
  if (s.mip.has_solution) {
    s.open = open_from(s.mip, x);
    s.from_mip = true;
  } else if (!capacitated(rc) && !s.mip.proven_infeasible && !std::isfinite(cutoff)) {
    s.open = greedy;
  }
  return s;
}

Solution solve_cover_rowgen(const Reduced& r, int k, const PlacementInput& in, const std::vector<char>& start,
                            std::size_t& mip_solves, int& rounds) {
  const std::size_t nr = r.rows(), nc = r.cols();
  auto size_of = [&](std::uint32_t i) { return r.row_first[i + 1] - r.row_first[i]; };
  std::vector<std::uint32_t> order(nr);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return size_of(a) < size_of(b); });
  // Rows per round (PlacementInput::rowgen_batch; tests use small batches to force rounds).
  const std::size_t batch = in.rowgen_batch > 0 ? in.rowgen_batch
                                                : std::max<std::size_t>(1000, std::min<std::size_t>(5000, nr / 5));
  std::vector<std::uint32_t> chosen(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(std::min(batch, nr)));
  Solution best;
  best.open = start;
  double best_cost = cover_cost(r, best.open);
  double bound = -std::numeric_limits<double>::infinity();
  rounds = 0;
  std::vector<char> incumbent = start;  // a cover of every row: the last sub-solution completed greedily
  while (true) {
    if (in.deadline.remaining_s() <= 0.5) break;
    const Reduced sub = with_rows(r, chosen);
    Solution s = solve_cover(sub, k, in, false, {}, incumbent.empty() ? nullptr : &incumbent);
    ++mip_solves;
    ++rounds;
    if (s.from_mip) {
      const double b = s.mip.proven_optimal ? s.mip.objective : s.mip.bound;
      if (std::isfinite(b) && b > -1e30) bound = std::max(bound, b);
    }
    if (s.open.empty()) break;
    // Rows the sub-solution leaves covered fewer than min(k, options) times.
    std::vector<std::uint32_t> violated;
    for (std::uint32_t i : order) {
      std::uint32_t covered = 0;
      const std::uint32_t need = std::min<std::uint32_t>(static_cast<std::uint32_t>(k), size_of(i));
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1] && covered < need; ++e)
        covered += s.open[r.row_col[e]] != 0;
      if (covered < need) violated.push_back(i);
    }
    if (violated.empty()) {
      const double c = cover_cost(r, s.open);
      if (c <= best_cost + kEps || s.mip.proven_optimal) {
        best.open = s.open;
        best_cost = c;
      }
      if (s.from_mip && s.mip.proven_optimal) {
        best.mip = s.mip;
        best.from_mip = true;
        best.mip.objective = c;
        best.mip.bound = c;
        return best;
      }
      break;  // covers everything but not proven optimal: time is up
    }
    {
      // Complete the sub-solution greedily over the violated rows: a cover of every row
      // (an upper bound, and the next round's MIP start).
      Reduced rest = with_rows(r, violated);
      for (std::size_t j = 0; j < nc; ++j) rest.col_fixed[j] = r.col_fixed[j] || s.open[j];
      incumbent = greedy_cover(rest, k);
      const double c = cover_cost(r, incumbent);
      if (c < best_cost - kEps) {
        best.open = incumbent;
        best_cost = c;
      }
    }
    if (!s.from_mip || !s.mip.proven_optimal) break;  // time is up within the sub-MIP
    if (std::isfinite(bound) && bound >= best_cost - 1e-6) break;  // the completed cover is optimal
    for (std::size_t q = 0; q < violated.size() && q < batch; ++q) chosen.push_back(violated[q]);
  }
  // Time limit: a feasible plan (greedy or the last covering sub-solution) with the bound.
  best.from_mip = true;  // report the bound through finish()
  best.mip = MipResult{};
  best.mip.has_solution = true;
  best.mip.time_limit = true;
  best.mip.objective = best_cost;
  best.mip.bound = std::isfinite(bound) ? std::min(bound, best_cost) : std::numeric_limits<double>::quiet_NaN();
  best.mip.proven_optimal = std::isfinite(bound) && bound >= best_cost - 1e-6;
  return best;
}

}  // namespace lightcone::placement_detail
