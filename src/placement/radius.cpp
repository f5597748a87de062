#include "placement/radius.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "placement/cbc_model.hpp"
#include "placement/detail.hpp"

namespace lightcone::placement_detail {

namespace {

constexpr std::uint32_t kUnserved = kNone;

// Each row's usable entries (columns not closed) sorted by latency (ties by column), and
// its levels. A column is "always open" when fixed or forced open.
struct Levels {
  std::vector<std::uint32_t> first;  // per row: its entries in order are [first[i], first[i + 1])
  std::vector<std::uint32_t> order;  // entries of r
  std::vector<std::uint32_t> last;   // per row: the last level worth modelling (its nearest always-open column's, else K − 1)
  std::vector<char> fixed_at_last;   // per row: an always-open column at level `last`

  Levels(const Reduced& r, const std::vector<signed char>& state)
      : first(r.rows() + 1, 0), last(r.rows(), 0), fixed_at_last(r.rows(), 0) {
    auto closed = [&](std::uint32_t c) { return !state.empty() && state[c] < 0; };
    auto always = [&](std::uint32_t c) { return r.col_fixed[c] || (!state.empty() && state[c] > 0); };
    order.reserve(r.row_col.size());
    for (std::uint32_t i = 0; i < r.rows(); ++i) {
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e)
        if (!closed(r.row_col[e])) order.push_back(e);
      first[i + 1] = static_cast<std::uint32_t>(order.size());
      const auto b = order.begin() + first[i], e = order.end();
      std::sort(b, e, [&](std::uint32_t a, std::uint32_t c) {
        return r.row_lat[a] != r.row_lat[c] ? r.row_lat[a] < r.row_lat[c] : r.row_col[a] < r.row_col[c];
      });
      if (b == e) continue;
      std::uint32_t level = 0;
      double previous = r.row_lat[*b];
      for (auto it = b; it != e; ++it) {
        if (r.row_lat[*it] != previous) {
          if (fixed_at_last[i]) break;  // an always-open column on this level: no plan serves the row farther
          ++level;
          previous = r.row_lat[*it];
        }
        last[i] = level;
        if (always(r.row_col[*it])) fixed_at_last[i] = 1;
      }
    }
    order.shrink_to_fit();
  }

  // The level of row i's nearest open option (kUnserved: none open).
  std::uint32_t level_of(const Reduced& r, std::uint32_t i, const std::vector<char>& open) const {
    std::uint32_t level = 0;
    for (std::uint32_t q = first[i]; q < first[i + 1]; ++q) {
      const std::uint32_t e = order[q];
      if (q > first[i] && r.row_lat[e] != r.row_lat[order[q - 1]]) ++level;
      if (open[r.row_col[e]]) return level;
    }
    return kUnserved;
  }
};

}  // namespace

RadiusSolve median_radius(const Reduced& r, int p, const MedianPlan& start, const Deadline& deadline,
                          const std::vector<signed char>& fix, double fix_upper) {
  const std::uint32_t nr = static_cast<std::uint32_t>(r.rows());
  const bool fixing = !fix.empty() && std::isfinite(fix_upper) &&
                      std::any_of(fix.begin(), fix.end(), [](signed char f) { return f != 0; });
  const std::vector<signed char> none;
  const Levels lv(r, fixing ? fix : none);
  // A row whose options are all closed: every plan serving it costs at least fix_upper.
  bool stranded = false;
  for (std::uint32_t i = 0; i < nr; ++i) stranded = stranded || lv.first[i] == lv.first[i + 1];
  RadiusSolve out;
  if (start.serves_all) {
    out.open = start.open;
    out.cost = plan_cost(r, start.open);
  }
  // Caps: the level each row pays at most in the model (its plan level, else its last).
  std::vector<std::uint32_t> cap(nr);
  for (std::uint32_t i = 0; i < nr; ++i) {
    const std::uint32_t l = start.serves_all ? lv.level_of(r, i, start.open) : kUnserved;
    cap[i] = std::min(l, lv.last[i]);
  }
  double offset = 0.0;  // Σ weight × nearest option: paid whatever the plan
  for (std::uint32_t i = 0; i < nr && !stranded; ++i) offset += r.row_weight[i] * r.row_lat[lv.order[lv.first[i]]];
  auto tolerance = [](double c) { return 1e-9 * std::max(1.0, std::abs(c)); };

  std::vector<int> cols;
  std::vector<double> coefs;
  // First the LP relaxation alone, caps raised where its solution serves a row past its
  // cap (its open fraction within the cap below 1), until none is: then it is the full
  // model's LP, the MIP rounds start from that bound (CBC's root), and the caps hold the
  // LP's levels. One LP throughout: raised caps add levels (columns and rows), and Clp's
  // dual simplex goes on from the last basis.
  if (!stranded) {
    const std::size_t nc = r.cols();
    std::vector<double> obj(nc, 0.0), lo(nc), up(nc);
    for (std::size_t j = 0; j < nc; ++j) {
      const signed char f = fixing ? fix[j] : 0;
      lo[j] = r.col_fixed[j] || f > 0 ? 1.0 : 0.0;
      up[j] = f < 0 ? 0.0 : 1.0;
    }
    IncrementalLp lp(obj, lo, up);
    {
      std::vector<int> y;
      for (std::size_t j = 0; j < nc; ++j)
        if (!r.col_existing[j]) y.push_back(static_cast<int>(j));
      lp.add_row(y, std::vector<double>(y.size(), 1.0), std::min<double>(p, static_cast<double>(y.size())), p);
    }
    std::vector<std::uint32_t> built(nr, 0), next(lv.first.begin(), lv.first.end() - 1);
    std::vector<int> top_z(nr, -1);
    std::vector<char> serving(nr, 0);
    out.levels = out.pairs = 0;
    // Adds row i's levels from built[i] up to its cap (and the row that makes its last
    // level serve it).
    auto extend = [&](std::uint32_t i) {
      const std::uint32_t end = lv.first[i + 1];
      auto level_columns = [&] {
        cols.clear();
        coefs.clear();
        const double d = r.row_lat[lv.order[next[i]]];
        for (; next[i] < end && r.row_lat[lv.order[next[i]]] == d; ++next[i]) {
          cols.push_back(static_cast<int>(r.row_col[lv.order[next[i]]]));
          coefs.push_back(1.0);
        }
        out.pairs += cols.size();
        return d;
      };
      while (built[i] < cap[i]) {
        const double d = level_columns();
        const int z = lp.add_column(r.row_weight[i] * (r.row_lat[lv.order[next[i]]] - d), 0.0, 1.0);
        cols.push_back(z);
        coefs.push_back(1.0);
        if (top_z[i] >= 0) {
          cols.push_back(top_z[i]);
          coefs.push_back(-1.0);
        }
        lp.add_row(cols, coefs, top_z[i] >= 0 ? 0.0 : 1.0, IncrementalLp::kInf);
        top_z[i] = z;
        ++built[i];
        ++out.levels;
      }
      if (cap[i] == lv.last[i] && !lv.fixed_at_last[i] && !serving[i]) {
        level_columns();
        if (top_z[i] >= 0) {
          cols.push_back(top_z[i]);
          coefs.push_back(-1.0);
        }
        lp.add_row(cols, coefs, top_z[i] >= 0 ? 0.0 : 1.0, IncrementalLp::kInf);
        serving[i] = 1;
      }
    };
    while (!deadline.expired()) {
      for (std::uint32_t i = 0; i < nr; ++i) extend(i);
      const bool solved = lp.solve(deadline);
      ++out.lp_rounds;
      if (!solved) {
        if (lp.infeasible() && fixing) stranded = true;
        else if (lp.infeasible()) out.infeasible = true;
        else out.lp_unfinished = true;
        break;
      }
      out.bound = std::max(out.bound, lp.objective() + offset);
      if (!out.open.empty() && out.bound >= out.cost - tolerance(out.cost)) break;
      bool raised = false;
      const std::vector<double>& v = lp.x();
      for (std::uint32_t i = 0; i < nr; ++i) {
        if (cap[i] >= lv.last[i]) continue;  // the whole row is in the model
        // The level where the row's open fraction reaches 1 (its last when never).
        std::uint32_t level = 0;
        double served = 0.0;
        for (std::uint32_t q = lv.first[i]; q < lv.first[i + 1]; ++q) {
          const std::uint32_t e = lv.order[q];
          if (q > lv.first[i] && r.row_lat[e] != r.row_lat[lv.order[q - 1]]) {
            if (served >= 1.0 - 1e-7) break;
            ++level;
          }
          served += v[r.row_col[e]];
        }
        const std::uint32_t l = std::min(level, lv.last[i]);
        if (l > cap[i]) {
          cap[i] = std::min(lv.last[i], l + (l - cap[i]));
          raised = true;
        }
      }
      if (!raised) break;
    }
    if (out.infeasible) {
      out.open.clear();
      out.cost = std::numeric_limits<double>::infinity();
    }
  }
  // The MIP rounds: unless the LP already settled it (or ran out of time).
  const bool lp_settled = !out.open.empty() && out.bound >= out.cost - tolerance(out.cost);
  const bool mip_rounds = !out.infeasible && !out.lp_unfinished && !lp_settled;
  while (mip_rounds && !deadline.expired() && !stranded) {
    // The model under the current caps.
    Mip mip;
    std::vector<int> x(r.cols());
    for (std::size_t j = 0; j < r.cols(); ++j) {
      const signed char f = fixing ? fix[j] : 0;
      x[j] = mip.add_column(0.0, r.col_fixed[j] || f > 0 ? 1.0 : 0.0, f < 0 ? 0.0 : 1.0, true);
    }
    add_count_row(mip, r, x, p, true);
    out.levels = 0;
    out.pairs = 0;
    for (std::uint32_t i = 0; i < nr; ++i) {
      const double w = r.row_weight[i];
      const bool serve = cap[i] == lv.last[i] && !lv.fixed_at_last[i];  // the last level must serve the row
      int previous_z = -1;
      std::uint32_t level = 0;
      std::uint32_t q = lv.first[i];
      const std::uint32_t end = lv.first[i + 1];
      while (q < end && level <= cap[i]) {
        const double d = r.row_lat[lv.order[q]];
        cols.clear();
        coefs.clear();
        for (; q < end && r.row_lat[lv.order[q]] == d; ++q) {
          cols.push_back(x[r.row_col[lv.order[q]]]);
          coefs.push_back(1.0);
        }
        if (level < cap[i]) {
          // z_level: served farther than d, paying up to the next level (q < end here:
          // cap ≤ last < the number of levels).
          const double next = r.row_lat[lv.order[q]];
          const int z = mip.add_column(w * (next - d), 0.0, 1.0, false);
          cols.push_back(z);
          coefs.push_back(1.0);
          ++out.levels;
          if (previous_z >= 0) {
            cols.push_back(previous_z);
            coefs.push_back(-1.0);
          }
          out.pairs += cols.size() - (previous_z >= 0 ? 2 : 1);
          mip.add_row(cols, coefs, previous_z >= 0 ? 0.0 : 1.0, Mip::kInf);
          previous_z = z;
        } else if (serve) {
          if (previous_z >= 0) {
            cols.push_back(previous_z);
            coefs.push_back(-1.0);
          }
          out.pairs += cols.size() - (previous_z >= 0 ? 1 : 0);
          mip.add_row(cols, coefs, previous_z >= 0 ? 0.0 : 1.0, Mip::kInf);
        }
        ++level;
      }
    }
    const std::vector<double> warm = out.open.empty() ? std::vector<double>{} : start_vector(mip, x, out.open);
    // CBC checks its clock only between nodes and cut passes, and solves the root LP again
    // before its clock starts: a margin keeps a round on a loaded machine within the limit.
    const double left = deadline.remaining_s();
    const MipResult m = mip.solve(deadline.within(std::max(0.0, std::min(0.92 * left, left - 0.5))), 1, warm);
    ++out.rounds;
    if (m.proven_infeasible) {
      if (fixing) {
        stranded = true;  // no plan within the fixings: none costs less than fix_upper
        break;
      }
      // Every model is a relaxation: no plan at all (the start may break the count row:
      // more required sites than p).
      out.infeasible = true;
      out.open.clear();
      out.cost = std::numeric_limits<double>::infinity();
      break;
    }
    if (!m.lp_solved && m.time_limit && !m.has_solution) {  // out of time before or in the root LP
      out.lp_unfinished = true;
      out.time_limit = true;
      break;
    }
    double lower = m.proven_optimal ? m.objective : m.bound;
    if (m.lp_solved && !(lower >= m.lp_bound)) lower = m.lp_bound;
    if (std::isfinite(lower)) out.bound = std::max(out.bound, lower + offset);
    bool raised = false;
    if (m.has_solution) {
      const std::vector<char> open = open_from(m, x);
      const double cost = plan_cost(r, open);
      if (cost < out.cost) {
        out.cost = cost;
        out.open = open;
      }
      for (std::uint32_t i = 0; i < nr; ++i) {
        const std::uint32_t l = std::min(lv.level_of(r, i, open), lv.last[i]);
        if (l > cap[i]) {
          // Past the cap: raised beyond the plan's level by as much again (fewer rounds).
          cap[i] = std::max(l, std::min(lv.last[i], l + (l - cap[i])));
          raised = true;
        }
      }
      if (m.proven_optimal && !raised) {
        // The relaxation's optimum serves every row within its caps: its value is the
        // plan's true cost, so nothing costs less.
        out.bound = std::max(out.bound, std::min(out.cost, m.objective + offset));
      }
    }
    if (!out.open.empty() && out.bound >= out.cost - tolerance(out.cost)) {
      out.optimal = true;
      out.bound = std::min(out.bound, out.cost);
      break;
    }
    if (!m.proven_optimal) {  // out of time inside CBC
      out.time_limit = true;
      break;
    }
    if (!raised) break;  // cannot happen: an optimal plan within its caps meets the bound
  }
  // Plans the fixings left out cost at least fix_upper.
  if (fixing) out.bound = stranded ? fix_upper : std::min(out.bound, fix_upper);
  if (!out.optimal && !out.open.empty() && out.bound >= out.cost - tolerance(out.cost)) {
    out.optimal = true;
    out.bound = out.cost;
  }
  if (!out.optimal && !out.infeasible && deadline.expired()) out.time_limit = true;
  return out;
}

}  // namespace lightcone::placement_detail
