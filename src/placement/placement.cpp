// solve_placement: validate the input, reduce the model, hand it to the solver of the
// problem (solvers.hpp), and the result fields every solver shares.
#include "placement/placement.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "placement/detail.hpp"
#include "placement/reduce.hpp"
#include "placement/solvers.hpp"

namespace lightcone {

std::string_view to_string(Problem p) {
  switch (p) {
    case Problem::lscp: return "lscp";
    case Problem::mclp: return "mclp";
    case Problem::pmedian: return "pmedian";
    case Problem::pcenter: return "pcenter";
  }
  return "lscp";
}

Problem parse_problem(const std::string& s, const std::string& option) {
  if (s == "lscp") return Problem::lscp;
  if (s == "mclp") return Problem::mclp;
  if (s == "pmedian" || s == "p-median") return Problem::pmedian;
  if (s == "pcenter" || s == "p-center") return Problem::pcenter;
  throw InputError("unknown problem '" + s + "' for " + option + ". Use lscp, mclp, pmedian or pcenter.");
}

void check_money(double money, const std::string& name) {
  if (!(money >= 0.0 && std::isfinite(money)))
    throw InputError(name + " must not be negative (the most the new sites may cost).");
}

void check_p(Problem problem, std::int64_t p, const std::string& name) {
  if (problem == Problem::lscp && p != 0) {
    throw InputError(name + " applies to mclp, pmedian and pcenter: lscp opens as many sites as the cover needs. "
                            "Remove " + name + ".");
  }
}

Uncoverable parse_uncoverable(const std::string& s, const std::string& option) {
  if (s == "fail") return Uncoverable::fail;
  if (s == "skip") return Uncoverable::skip;
  throw InputError("unknown value '" + s + "' for " + option + ". Use fail or skip.");
}

std::string to_string(SolveStatus s) {
  switch (s) {
    case SolveStatus::optimal: return "optimal";
    case SolveStatus::feasible: return "feasible";
    case SolveStatus::infeasible: return "infeasible";
    case SolveStatus::no_solution: return "no solution";
  }
  return "unknown";
}

namespace placement_detail {

// Assign each demand to its nearest open site among its options (within the limit).
void assign_nearest(const PlacementInput& in, const std::vector<char>& site_open, double max_latency,
                    PlacementResult& out) {
  const Coverage& cov = *in.coverage;
  out.assigned.assign(cov.demands, kNone);
  out.assigned_latency_us.assign(cov.demands, std::numeric_limits<double>::quiet_NaN());
  for (std::uint32_t d = 0; d < cov.demands; ++d) {
    for (std::uint32_t e = cov.first[d]; e < cov.first[d + 1]; ++e) {
      const std::uint32_t j = cov.site[e];
      if (!site_open[j] || cov.latency_us[e] > max_latency) continue;
      if (out.assigned[d] == kNone || cov.latency_us[e] < out.assigned_latency_us[d]) {
        out.assigned[d] = j;
        out.assigned_latency_us[d] = cov.latency_us[e];
      }
    }
  }
}

void finish(const PlacementInput& in, const Reduced& r, const Solution& s, bool maximise_sign, double objective,
            PlacementResult& out) {
  std::vector<char> site_open(in.coverage->sites, 0);
  for (std::size_t j = 0; j < r.cols(); ++j)
    if (s.open[j]) site_open[r.col_site[j]] = 1;
  // Fixed sites dropped by no reduction are open whatever happens.
  for (std::size_t j = 0; j < in.status.size(); ++j)
    if (in.status[j] == SiteStatus::existing || in.status[j] == SiteStatus::required) site_open[j] = 1;
  for (std::uint32_t j = 0; j < site_open.size(); ++j)
    if (site_open[j]) out.open.push_back(j);
  out.objective = objective;
  if (s.from_mip) {
    out.bound = maximise_sign ? -s.mip.bound : s.mip.bound;
    if (s.mip.proven_optimal) out.bound = objective;
    out.status = s.mip.proven_optimal ? SolveStatus::optimal : SolveStatus::feasible;
    out.method = s.mip.proven_optimal ? "cbc" : "cbc (time limit)";
  } else {
    out.status = SolveStatus::feasible;
    out.method = "greedy";
  }
  const double denom = std::max(std::abs(out.objective), kEps);
  out.gap = std::isnan(out.bound) ? std::numeric_limits<double>::quiet_NaN() : std::abs(out.objective - out.bound) / denom;
  if (out.status == SolveStatus::optimal) out.gap = 0.0;
}

void assign_to_open_sites(const PlacementInput& in, PlacementResult& out) {
  std::vector<char> site_open(in.coverage->sites, 0);
  for (std::uint32_t j : out.open) site_open[j] = 1;
  assign_nearest(in, site_open, std::numeric_limits<double>::infinity(), out);
}

// The input without the demands in `drop` (ascending): coverage, weights, loads and
// survival rows renumbered over the kept demands (kept[new] = old).
struct Filtered {
  Coverage coverage;
  SurvivalRows survival;
  PlacementInput input;
  std::vector<std::uint32_t> kept;
};

void filter_demand(const PlacementInput& in, const std::vector<std::uint32_t>& drop, Filtered& f) {
  const Coverage& cov = *in.coverage;
  std::vector<std::uint32_t> new_index(cov.demands, kNone);
  std::size_t q = 0;
  for (std::uint32_t d = 0; d < cov.demands; ++d) {
    if (q < drop.size() && drop[q] == d) {
      ++q;
      continue;
    }
    new_index[d] = static_cast<std::uint32_t>(f.kept.size());
    f.kept.push_back(d);
  }
  f.coverage.demands = f.kept.size();
  f.coverage.sites = cov.sites;
  for (std::uint32_t d : f.kept) {
    f.coverage.site.insert(f.coverage.site.end(), cov.site.begin() + cov.first[d], cov.site.begin() + cov.first[d + 1]);
    f.coverage.latency_us.insert(f.coverage.latency_us.end(), cov.latency_us.begin() + cov.first[d],
                                 cov.latency_us.begin() + cov.first[d + 1]);
    f.coverage.first.push_back(static_cast<std::uint32_t>(f.coverage.site.size()));
  }
  f.input = in;
  f.input.coverage = &f.coverage;
  f.input.uncoverable = Uncoverable::fail;
  f.input.left_out.clear();
  auto pick = [&](const std::vector<double>& v) {
    std::vector<double> out;
    if (v.empty()) return out;
    for (std::uint32_t d : f.kept) out.push_back(v[d]);
    return out;
  };
  f.input.weight = pick(in.weight);
  f.input.load = pick(in.load);
  if (in.survival) {
    const SurvivalRows& s = *in.survival;
    for (std::size_t row = 0; row < s.rows(); ++row) {
      if (new_index[s.demand[row]] == kNone) continue;
      f.survival.demand.push_back(new_index[s.demand[row]]);
      f.survival.scenario.push_back(s.scenario[row]);
      f.survival.sites.insert(f.survival.sites.end(), s.sites.begin() + s.first[row], s.sites.begin() + s.first[row + 1]);
      f.survival.first.push_back(static_cast<std::uint32_t>(f.survival.sites.size()));
    }
    f.input.survival = &f.survival;
  }
}

// The plan of a filtered input (rest) over every demand: the kept demands' assignments
// where they were, kNone / NaN for the rest.
void assignment_to_all_demand(const Filtered& f, std::size_t demands, PlacementResult& rest) {
  std::vector<std::uint32_t> assigned(demands, kNone);
  std::vector<double> latency(demands, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t q = 0; q < f.kept.size() && q < rest.assigned.size(); ++q) {
    assigned[f.kept[q]] = rest.assigned[q];
    latency[f.kept[q]] = rest.assigned_latency_us[q];
  }
  rest.assigned = std::move(assigned);
  rest.assigned_latency_us = std::move(latency);
}

}  // namespace placement_detail

PlacementResult solve_placement(const PlacementInput& input) {
  using namespace placement_detail;
  // One deadline for every phase: the solvers read in.deadline.
  PlacementInput in = input;
  if (in.deadline.none()) in.deadline = Deadline::after(in.time_limit_s);
  PlacementResult out;
  const Coverage& cov = *in.coverage;
  // Demand left out by the caller: solve for the rest, then map the plan back.
  if (!in.left_out.empty()) {
    Filtered f;
    filter_demand(in, in.left_out, f);
    f.input.uncoverable = in.uncoverable;
    PlacementResult rest = solve_placement(f.input);
    rest.rows_before = cov.demands;
    for (std::uint32_t d : in.left_out) rest.left_out_weight += value_or(in.weight, d, 1.0);
    for (std::uint32_t& d : rest.uncoverable) d = f.kept[d];
    assignment_to_all_demand(f, cov.demands, rest);
    return rest;
  }
  const bool pm = in.problem == Problem::pmedian;
  const bool pc = in.problem == Problem::pcenter;
  const bool cap = has_capacities(in);
  // Dominance (a column whose rows another no dearer column covers too) is only safe
  // when one covering site per row is enough: with k ≥ 2 both may be needed.
  const bool can_drop = !cap && !pm && !pc && !std::isfinite(in.money) && in.k <= 1 && in.survival == nullptr;
  // With capacities, MCLP and p-median value each demand's served load at weight/load;
  // merging rows of different ratios would force them to the same served fraction.
  const bool ratio_key = cap && (in.problem == Problem::mclp || pm);
  const Prepared prep = prepare(in, std::numeric_limits<double>::infinity(), pm || pc, can_drop, ratio_key);
  const Reduced& r = prep.r;
  out.rows_before = cov.demands;
  out.rows_after = r.rows();
  out.columns_before = cov.sites;
  out.columns_after = r.cols();
  out.uncoverable = prep.uncoverable;
  // Uncoverable::skip: solve for the rest, exactly as if the data held only the rest.
  if (in.uncoverable == Uncoverable::skip && !prep.uncoverable.empty() && in.problem != Problem::mclp) {
    Filtered f;
    filter_demand(in, prep.uncoverable, f);
    PlacementResult rest = solve_placement(f.input);
    rest.rows_before = cov.demands;
    rest.skipped_uncoverable = true;
    for (std::uint32_t d : prep.uncoverable) rest.skipped_weight += value_or(in.weight, d, 1.0);
    std::vector<std::uint32_t> uncoverable = prep.uncoverable;
    for (std::uint32_t d : rest.uncoverable) uncoverable.push_back(f.kept[d]);
    std::sort(uncoverable.begin(), uncoverable.end());
    rest.uncoverable = std::move(uncoverable);
    assignment_to_all_demand(f, cov.demands, rest);
    return rest;
  }
  // A plan that is not proven optimal: time ran out before the bound met it.
  auto say_why = [&out] {
    if (out.status == SolveStatus::feasible && out.reason.empty())
      out.reason = "time limit: the optimum lies between the bound and the objective";
  };
  switch (in.problem) {
    case Problem::lscp: solve_lscp(in, prep, survival_model(in, r), out); say_why(); return out;
    case Problem::mclp: solve_mclp(in, r, survival_model(in, r), out); say_why(); return out;
    case Problem::pmedian:
    case Problem::pcenter: break;
  }
  // p-median and p-center need every demand to have an option.
  if (!prep.uncoverable.empty()) {
    out.status = SolveStatus::infeasible;
    out.reason = std::to_string(prep.uncoverable.size()) + " demand features have no candidate site within the budget";
    return out;
  }
  if (pm)
    solve_pmedian(in, r, out);
  else
    solve_pcenter(in, r, out);
  say_why();
  return out;
}

}  // namespace lightcone

namespace lightcone {

void check_coverage_pairs(std::uint64_t pairs) {
  if (pairs <= kMaxCoveragePairs) return;
  throw InputError("the placement has " + std::to_string(pairs) +
                   " demand-site pairs within its budget, more than lightcone holds (" +
                   std::to_string(kMaxCoveragePairs) +
                   "). Use a smaller budget, fewer candidate sites or coarser demand (fewer, larger demand cells, "
                   "or a demand filter).");
}

}  // namespace lightcone
