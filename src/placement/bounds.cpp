#include "placement/bounds.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "placement/detail.hpp"
#include "placement/mip.hpp"
#include "placement/parallel.hpp"

namespace lightcone::placement_detail {

double lagrangian_cover_bound(const Reduced& r, int k) {
  const std::size_t nr = r.rows(), nc = r.cols();
  std::vector<double> u(nr, 0.0), reduced(nc);
  const ColumnRows col_rows(r);
  double best = 0.0;
  double step = 1.0;
  // 300 subgradient steps, fewer on big models (each step is one pass over the matrix).
  const int iterations = static_cast<int>(std::clamp<double>(3e8 / std::max<double>(1.0, static_cast<double>(r.row_col.size())), 30.0, 300.0));
  for (int it = 0; it < iterations; ++it) {
    double value = 0.0;
    for (std::size_t i = 0; i < nr; ++i)
      value += u[i] * std::min<double>(k, r.row_first[i + 1] - r.row_first[i]);
    std::vector<double> g(nr);
    for (std::size_t i = 0; i < nr; ++i) g[i] = std::min<double>(k, r.row_first[i + 1] - r.row_first[i]);
    for (std::size_t j = 0; j < nc; ++j) {
      double rc = r.col_cost[j];
      for (std::uint32_t i : col_rows[j]) rc -= u[i];
      const bool take = r.col_fixed[j] || rc < 0;
      if (take) {
        value += rc;
        for (std::uint32_t i : col_rows[j]) g[i] -= 1.0;
      }
    }
    best = std::max(best, value);
    double norm = 0.0;
    for (double x : g) norm += x * x;
    if (norm < kEps) break;
    for (std::size_t i = 0; i < nr; ++i) u[i] = std::max(0.0, u[i] + step * g[i] / std::sqrt(norm));
    step *= 0.98;
  }
  return best;
}

double cost_step(const Reduced& r) {
  for (double step = 1.0; step >= 1e-4; step /= 10.0) {
    const bool multiple = std::all_of(r.col_cost.begin(), r.col_cost.end(), [&](double c) {
      const double q = c / step;
      return std::abs(q - std::round(q)) < 1e-9 * std::max(1.0, std::abs(q));
    });
    if (multiple) return step;
  }
  return 0.0;
}

double integral_bound(const Reduced& r, double b) {
  const double step = cost_step(r);
  return step > 0.0 ? std::ceil(b / step - 1e-6) * step : b;
}

CoverLp lp_cover_bound(const Reduced& r, int k, double stop_at, const Deadline& deadline) {
  CoverLp out;
  const std::size_t nr = r.rows(), nc = r.cols();
  std::vector<double> lower(nc), upper(nc, 1.0);
  for (std::size_t j = 0; j < nc; ++j) lower[j] = r.col_fixed[j] ? 1.0 : 0.0;
  IncrementalLp lp(r.col_cost, lower, upper);
  auto size_of = [&](std::uint32_t i) { return r.row_first[i + 1] - r.row_first[i]; };
  auto need = [&](std::uint32_t i) { return std::min<double>(k, size_of(i)); };
  std::vector<std::uint32_t> order(nr);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return size_of(a) < size_of(b); });
  std::vector<char> in_lp(nr, 0);
  std::vector<int> cols;
  auto add_row = [&](std::uint32_t i) {
    in_lp[i] = 1;
    out.row_ids.push_back(i);
    cols.clear();
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) cols.push_back(static_cast<int>(r.row_col[e]));
    lp.add_row(cols, std::vector<double>(cols.size(), 1.0), need(i), IncrementalLp::kInf);
  };
  if (nr == 0) {  // only fixed sites
    out.bound = 0.0;
    for (std::size_t j = 0; j < nc; ++j) out.bound += r.col_fixed[j] ? r.col_cost[j] : 0.0;
    out.complete = true;
    return out;
  }
  const std::size_t batch = std::clamp<std::size_t>(nr / 40, 200, 1000);
  for (std::size_t q = 0; q < nr && q < 2 * batch; ++q) add_row(order[q]);
  std::vector<std::pair<double, std::uint32_t>> violated;
  while (true) {
    if (deadline.expired() || !lp.solve(deadline)) break;
    ++out.rounds;
    out.bound = lp.objective();
    out.rows = static_cast<std::size_t>(lp.rows());
    if (out.bound >= stop_at - 1e-9) break;
    violated.clear();
    const std::vector<double>& x = lp.x();
    for (std::uint32_t i : order) {
      if (in_lp[i]) continue;
      double a = 0.0;
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) a += x[r.row_col[e]];
      if (a < need(i) - 1e-7) violated.emplace_back(a - need(i), i);
    }
    if (violated.empty()) {
      out.complete = true;
      break;
    }
    std::stable_sort(violated.begin(), violated.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t q = 0; q < violated.size() && q < batch; ++q) add_row(violated[q].second);
  }
  return out;
}

double max_cover_bound(const Reduced& r, const ColumnRows& col_rows, int p, double plan_value, const Deadline& deadline,
                       std::size_t& iterations) {
  const std::size_t nr = r.rows(), nc = r.cols();
  int slots = p;
  for (std::size_t j = 0; j < nc; ++j) slots -= r.col_fixed[j] && !r.col_existing[j];
  std::vector<double> lambda(nr), column(nc), g(nr);
  for (std::uint32_t i = 0; i < nr; ++i) lambda[i] = 0.5 * r.row_weight[i];
  std::vector<std::uint32_t> free_cols;
  for (std::uint32_t j = 0; j < nc; ++j)
    if (!r.col_fixed[j] && !r.col_existing[j]) free_cols.push_back(j);
  double theta = 1.0;
  int since = 0;
  double bound = std::numeric_limits<double>::infinity();
  iterations = 0;
  const std::size_t steps = static_cast<std::size_t>(
      std::clamp(6e9 / std::max(1.0, static_cast<double>(r.row_col.size())), 50.0, 500.0));
  std::vector<char> x(nc, 0);
  for (std::size_t it = 0; it < steps && !deadline.expired(); ++it) {
    iterations = it + 1;
    for (std::uint32_t j = 0; j < nc; ++j) {
      double v = 0.0;
      for (std::uint32_t i : col_rows[j]) v += lambda[i];
      column[j] = v;
    }
    std::fill(x.begin(), x.end(), 0);
    for (std::uint32_t j = 0; j < nc; ++j) x[j] = r.col_fixed[j];
    std::vector<std::uint32_t> top = free_cols;
    const std::size_t take = std::min<std::size_t>(static_cast<std::size_t>(std::max(0, slots)), top.size());
    std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(take), top.end(),
                      [&](std::uint32_t a, std::uint32_t b) { return column[a] > column[b] || (column[a] == column[b] && a < b); });
    double value = 0.0;
    for (std::size_t q = 0; q < take; ++q)
      if (column[top[q]] > 0.0) x[top[q]] = 1;
    for (std::uint32_t j = 0; j < nc; ++j) value += x[j] ? column[j] : 0.0;
    for (std::uint32_t i = 0; i < nr; ++i) {
      const bool y = r.row_weight[i] > lambda[i];
      value += y ? r.row_weight[i] - lambda[i] : 0.0;
      g[i] = y ? -1.0 : 0.0;
    }
    for (std::uint32_t j = 0; j < nc; ++j)
      if (x[j])
        for (std::uint32_t i : col_rows[j]) g[i] += 1.0;
    if (value < bound - 1e-9 * std::max(1.0, value)) {
      bound = value;
      since = 0;
    } else if (++since >= 10) {
      theta /= 2.0;
      since = 0;
    }
    if (bound <= plan_value * (1.0 + 1e-12)) break;
    double norm = 0.0;
    for (std::uint32_t i = 0; i < nr; ++i) {
      if (lambda[i] <= 0.0 && g[i] > 0.0) g[i] = 0.0;  // λ cannot go below 0
      norm += g[i] * g[i];
    }
    if (norm <= 0.0) break;
    const double step = theta * (value - plan_value) / norm;
    for (std::uint32_t i = 0; i < nr; ++i) lambda[i] = std::max(0.0, lambda[i] - step * g[i]);
  }
  // No plan covers more than every row.
  double all = 0.0;
  for (double w : r.row_weight) all += w;
  bound = std::max(std::min(bound, all), plan_value);
  return bound;
}

}  // namespace lightcone::placement_detail

namespace lightcone::placement_detail {

namespace {

// ρ_j at multipliers v: Σ over rows of min(0, cost − v_i) (each row's prefix below v_i).
// scratch: kFixedChunks × columns.
void chunked_reduced_costs(const Reduced& r, const RowsByLatency& sorted, const FixedChunks& chunks,
                           const std::vector<double>& v, std::vector<double>& scratch, std::vector<double>& rho) {
  const std::size_t nc = r.cols();
  scratch.resize(kFixedChunks * nc);
  chunks.run([&](std::size_t c, std::uint32_t i0, std::uint32_t i1) {
    double* part = scratch.data() + c * nc;
    std::fill(part, part + nc, 0.0);
    for (std::uint32_t i = i0; i < i1; ++i) {
      const double vi = v[i], w = r.row_weight[i];
      for (std::uint32_t e = sorted.first[i], end = sorted.first[i + 1]; e < end && w * sorted.lat[e] < vi; ++e)
        part[sorted.col[e]] += w * sorted.lat[e] - vi;
    }
  });
  rho.assign(nc, 0.0);
  for (std::size_t c = 0; c < kFixedChunks; ++c) {
    const double* part = scratch.data() + c * nc;
    for (std::size_t j = 0; j < nc; ++j) rho[j] += part[j];
  }
}

struct FreeColumns {
  std::vector<std::uint32_t> cols;  // neither fixed nor existing
  std::size_t slots = 0;            // how many of them a plan opens
  FreeColumns(const Reduced& r, int p) {
    for (std::uint32_t j = 0; j < r.cols(); ++j)
      if (!r.col_fixed[j] && !r.col_existing[j]) cols.push_back(j);
    slots = std::min(cols.size(), median_free_slots(r, p));
  }
};

}  // namespace

void median_fixing(const Reduced& r, const RowsByLatency& sorted, int p, const MedianDual& dual, double upper,
                   std::vector<signed char>& fix, unsigned threads) {
  const std::size_t nc = r.cols();
  fix.assign(nc, 0);
  const FreeColumns free(r, p);
  if (!std::isfinite(upper) || !std::isfinite(dual.value) || dual.u.size() != r.rows() || free.slots == 0 ||
      free.slots >= free.cols.size())
    return;
  // Reduced costs at the multipliers: the bound with one more (or one fewer) column.
  std::vector<double> scratch, rho;
  chunked_reduced_costs(r, sorted, FixedChunks(r.rows(), workers_for(threads, sorted.lat.size(), kLagrangeParallelEntries)), dual.u, scratch, rho);
  std::vector<std::uint32_t> order = free.cols;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return rho[a] < rho[b] || (rho[a] == rho[b] && a < b); });
  const double worst_in = rho[order[free.slots - 1]], best_out = rho[order[free.slots]];
  // Only clearly beyond upper (rounding in the sums above must not close a column the
  // optimum needs).
  const double margin = 1e-9 * std::max(1.0, std::abs(upper));
  for (std::size_t q = 0; q < order.size(); ++q) {
    const std::uint32_t j = order[q];
    if (q >= free.slots && dual.value - worst_in + rho[j] > upper + margin) fix[j] = -1;
    if (q < free.slots && dual.value - rho[j] + best_out > upper + margin) fix[j] = 1;
  }
}

double median_lagrangian_bound(const Reduced& r, const RowsByLatency& sorted, int p, double upper,
                               std::size_t max_iterations, const Deadline& deadline, std::size_t& iterations,
                               std::vector<signed char>* fix, unsigned threads, MedianDual* dual) {
  const std::size_t nr = r.rows(), nc = r.cols();
  // Each row's entries by latency: the entries below a row's multiplier are a prefix, and
  // an iteration reads only those (with p sites of many, a row's multiplier lies near its
  // cost at about its (sites / p)-th nearest: most entries lie beyond it).
  const std::vector<std::uint32_t>& first = sorted.first;
  const std::vector<std::uint32_t>& col = sorted.col;
  const std::vector<double>& lat = sorted.lat;
  std::vector<double> u(nr, 0.0), g(nr), rho(nc), scratch;
  for (std::uint32_t i = 0; i < nr; ++i) u[i] = first[i + 1] > first[i] ? r.row_weight[i] * lat[first[i]] : 0.0;
  const FixedChunks chunks(nr, workers_for(threads, lat.size(), kLagrangeParallelEntries));
  std::vector<double> chunk_norm(kFixedChunks);
  auto reduced_costs = [&](const std::vector<double>& v) { chunked_reduced_costs(r, sorted, chunks, v, scratch, rho); };
  const FreeColumns free(r, p);
  const std::vector<std::uint32_t>& free_cols = free.cols;
  const std::size_t slots = free.slots;
  std::vector<char> chosen(nc, 0);
  // The start's value (every row at its nearest option: each ρ_j is 0) is a bound already,
  // should the deadline leave no iteration.
  double best = 0.0;
  for (std::uint32_t i = 0; i < nr && std::isfinite(best); ++i)
    best = r.row_first[i + 1] > r.row_first[i] ? best + u[i] : -std::numeric_limits<double>::infinity();
  double theta = 2.0;
  int since = 0;
  // Steps without a better bound before the step halves: more patience on long runs (with
  // 20, 5,000^2 p = 10 stopped at theta's floor 0.13 % below the LP bound).
  const int patience = max_iterations > 1000 ? 50 : 20;
  iterations = 0;
  std::vector<std::uint32_t> order;
  std::vector<double> best_u;
  if ((fix || dual) && std::isfinite(best)) best_u = u;
  if (dual) dual->y.assign(nc, 0.0);
  for (std::size_t it = 0; it < max_iterations && !deadline.expired(); ++it) {
    iterations = it + 1;
    reduced_costs(u);
    double value = 0.0;
    for (double x : u) value += x;
    std::fill(chosen.begin(), chosen.end(), 0);
    for (std::uint32_t j = 0; j < nc; ++j)
      if (r.col_fixed[j]) {
        chosen[j] = 1;
        value += rho[j];
      }
    order = free_cols;
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(slots), order.end(),
                      [&](std::uint32_t a, std::uint32_t b) { return rho[a] < rho[b] || (rho[a] == rho[b] && a < b); });
    for (std::size_t q = 0; q < slots; ++q) {
      chosen[order[q]] = 1;
      value += rho[order[q]];
    }
    if (dual && it >= kPrimalFrom)
      for (std::uint32_t j = 0; j < nc; ++j) dual->y[j] += chosen[j];
    if (!std::isfinite(best) || value > best + 1e-12 * std::max(1.0, std::abs(best))) {
      best = value;
      since = 0;
      if (fix || dual) best_u = u;
    } else if (++since >= patience) {
      theta /= 2.0;
      since = 0;
      if (theta < 1e-4) break;
    }
    if (std::isfinite(upper) && best >= upper - 1e-9 * std::max(1.0, upper)) break;
    chunks.run([&](std::size_t c, std::uint32_t i0, std::uint32_t i1) {
      double n2 = 0.0;
      for (std::uint32_t i = i0; i < i1; ++i) {
        g[i] = 1.0;
        const double w = r.row_weight[i];
        for (std::uint32_t e = first[i], end = first[i + 1]; e < end && w * lat[e] < u[i]; ++e)
          if (chosen[col[e]]) g[i] -= 1.0;
        n2 += g[i] * g[i];
      }
      chunk_norm[c] = n2;
    });
    double norm = 0.0;
    for (const double n2 : chunk_norm) norm += n2;
    if (norm <= 0.0) break;  // the relaxed plan assigns every row once: it is optimal
    const double target = std::isfinite(upper) ? upper : 1.05 * std::abs(value) + 1.0;
    const double step = theta * std::max(target - value, 1e-9 * std::max(1.0, std::abs(value))) / norm;
    for (std::uint32_t i = 0; i < nr; ++i) u[i] += step * g[i];
  }
  const MedianDual found{std::move(best_u), best, {}};
  if (fix) median_fixing(r, sorted, p, found, upper, *fix, threads);
  if (dual) {
    dual->u = found.u;
    dual->value = best;
  }
  return best;
}

}  // namespace lightcone::placement_detail
