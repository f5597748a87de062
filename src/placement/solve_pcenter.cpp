// p-center: the least threshold T among the distinct latencies such that the demand
// can be covered within T by at most p new sites. A test at T: a greedy cover with at
// most p new sites proves "yes", an LP bound above p proves "no" (uncapacitated), then a
// local search may prove "yes"; with capacities a greedy that places every load within T
// proves "yes" and capacity short of the load proves "no"; otherwise an exact covering
// MIP decides (so a time-limited search always has the greedy's plan). The lower bound
// max_i min_j d_ij is tried first (it is the answer whenever p is generous), then the
// thresholds are bisected. The deadline (wall time) bounds the whole search; when it runs
// out the result is the best threshold found, with the highest threshold below which
// every test said "no" as bound. Latencies are one-way µs.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string>

#include "placement/assign.hpp"
#include "placement/bounds.hpp"
#include "placement/detail.hpp"
#include "placement/heuristics.hpp"
#include "placement/solvers.hpp"

namespace lightcone::placement_detail {
namespace {

enum class Verdict { yes, no, unknown };

int new_sites(const Reduced& rr, const std::vector<char>& open) {
  int count = 0;
  for (std::size_t j = 0; j < rr.cols(); ++j) count += open[j] && !rr.col_existing[j];
  return count;
}

class ThresholdSearch {
 public:
  ThresholdSearch(const PlacementInput& in, const Reduced& r, PlacementResult& out)
      : m_in(in), m_cov(*in.coverage), m_out(out), m_cap(has_capacities(in)), m_limit_s(in.deadline.remaining_s()) {
    m_values.assign(r.row_lat.begin(), r.row_lat.end());
    std::sort(m_values.begin(), m_values.end());
    m_values.erase(std::unique(m_values.begin(), m_values.end()), m_values.end());
    double lower = 0.0;  // every demand needs some option: T ≥ max_i min_j d_ij
    for (std::uint32_t i = 0; i < r.rows(); ++i) {
      double m = std::numeric_limits<double>::infinity();
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) m = std::min(m, r.row_lat[e]);
      lower = std::max(lower, m);
    }
    m_lo = static_cast<std::size_t>(std::lower_bound(m_values.begin(), m_values.end(), lower) - m_values.begin());
    m_hi = m_values.size() - 1;
  }

  // False when the top threshold fails too (out says why).
  bool probe_ends();
  void bisect();
  void report();

 private:
  double remaining_s() const { return m_in.deadline.remaining_s(); }
  // After a "yes" at values[at]: hi down to the plan's own worst latency (not below lo)
  // when that lies below values[at].
  void lower_hi_to_plan(std::size_t at) {
    if (m_plan_worst < m_values[at])
      m_hi = std::max(m_lo, static_cast<std::size_t>(std::lower_bound(m_values.begin(), m_values.end(), m_plan_worst) -
                                                     m_values.begin()));
  }
  // greedy_only: the capacitated greedy and the capacity bound, no LP and no CBC.
  Verdict test(double t, std::vector<char>& open, double cbc_s, bool greedy_only = false);
  Verdict keep(const Reduced& model, const std::vector<char>& chosen, double t, std::vector<char>& open);
  std::optional<Verdict> test_heuristics(const Reduced& model, double t, std::vector<char>& open,
                                         std::vector<char>& start, std::vector<std::uint32_t>& lp_rows);
  std::optional<Verdict> test_capacitated(const Reduced& model, double t, std::vector<char>& open, bool lp_check);
  void greedy_bisect();
  Verdict test_cbc(const Reduced& model, double t, std::vector<char>& open, const std::vector<char>& start,
                   const std::vector<std::uint32_t>& lp_rows, double cbc_s);

  const PlacementInput& m_in;
  const Coverage& m_cov;
  PlacementResult& m_out;
  const bool m_cap;
  const double m_limit_s;  // the time there was at the start
  std::vector<double> m_values;  // the distinct latencies, ascending
  std::size_t m_lo = 0, m_hi = 0, m_floor = 0;
  std::vector<char> m_best_open;
  double m_plan_worst = kUnreached;  // worst latency of the last feasible plan (capacitated: of the greedy's placement)
  std::size_t m_lp_solves = 0, m_search_swaps = 0, m_capacity_greedy = 0;
  // The transportation LP checks a capacitated greedy plan only up to this many pairs.
  static constexpr std::size_t kLpCheckMaxNonzeros = 50'000;
};

Verdict ThresholdSearch::keep(const Reduced& model, const std::vector<char>& chosen, double t, std::vector<char>& open) {
  open.assign(m_cov.sites, 0);
  for (std::size_t j = 0; j < model.cols(); ++j)
    if (chosen[j]) open[model.col_site[j]] = 1;
  // The plan's own worst latency may lie below t: every threshold from it up is
  // feasible too, so the search can skip to it.
  double worst_open = 0.0;
  for (std::uint32_t d = 0; d < m_cov.demands; ++d) {
    double m = kUnreached;
    for (std::uint32_t e = m_cov.first[d]; e < m_cov.first[d + 1]; ++e)
      if (open[m_cov.site[e]]) m = std::min(m, m_cov.latency_us[e]);
    worst_open = std::max(worst_open, m);
  }
  if (!m_cap && worst_open < t) m_plan_worst = worst_open;
  return Verdict::yes;
}

// Unit costs (existing sites 0): a plan's cost is its number of new sites. A greedy
// cover within p says yes; an LP bound above p says no; then the local search. No
// verdict: CBC decides, from start (the search's plan) and the LP's rows.
std::optional<Verdict> ThresholdSearch::test_heuristics(const Reduced& model, double t, std::vector<char>& open,
                                                        std::vector<char>& start, std::vector<std::uint32_t>& lp_rows) {
  const std::vector<char> greedy = greedy_cover(model, 1);
  if (new_sites(model, greedy) <= m_in.p) return keep(model, greedy, t, open);
  const Deadline& deadline = m_in.deadline;
  CoverLp lp = lp_cover_bound(model, 1, m_in.p + 1.0 - 1e-6, deadline);
  lp_rows = std::move(lp.row_ids);
  ++m_lp_solves;
  // (PlacementInput::heuristics off: only CBC decides; tests reach it that way.)
  if (m_in.heuristics && !std::isnan(lp.bound) && integral_bound(model, lp.bound) > m_in.p + 0.5) return Verdict::no;
  std::size_t iterations = 0;
  const std::size_t budget = search_budget(model, 2.5e8, 25000);
  if (m_in.heuristics) {
    start = local_search_cover(model, greedy, m_in.p, budget, deadline, iterations);
    m_search_swaps += iterations;
    if (new_sites(model, start) <= m_in.p) return keep(model, start, t, open);
  }
  return std::nullopt;
}

// CBC: is there a plan with at most p new sites (unit costs: at most p + 0.001, so
// that nodes whose LP bound exceeds p are pruned at once)? Large
// uncapacitated models ask it of the LP's rows first (a relaxation: "no" there is
// "no"), adding the rows its plan leaves uncovered until the plan covers every row.
Verdict ThresholdSearch::test_cbc(const Reduced& model, double t, std::vector<char>& open,
                                  const std::vector<char>& start, const std::vector<std::uint32_t>& lp_rows,
                                  double cbc_s) {
  const Deadline cbc_deadline = m_in.deadline.within(cbc_s);
  std::vector<std::uint32_t> rows;
  if (!m_cap && model.row_col.size() >= m_in.rowgen_min_nonzeros && !lp_rows.empty()) rows = lp_rows;
  while (true) {
    Reduced part;
    if (!rows.empty()) part = with_rows(model, rows);
    const Reduced* sub_model = rows.empty() ? &model : &part;
    PlacementInput sub = m_in;
    sub.deadline = cbc_deadline;
    ++m_out.mip_solves;
    Solution s = solve_cover(*sub_model, 1, sub, true, {}, start.empty() ? nullptr : &start, m_in.p + 1e-3);
    if (s.open.empty()) return s.mip.proven_infeasible ? Verdict::no : Verdict::unknown;
    if (new_sites(model, s.open) > m_in.p) return Verdict::unknown;
    std::vector<std::uint32_t> violated;
    if (!rows.empty())
      for (std::uint32_t i = 0; i < model.rows(); ++i) {
        bool covered = false;
        for (std::uint32_t e = model.row_first[i]; e < model.row_first[i + 1] && !covered; ++e)
          covered = s.open[model.row_col[e]] != 0;
        if (!covered) violated.push_back(i);
      }
    if (violated.empty()) return keep(model, s.open, t, open);
    if (cbc_deadline.expired()) return Verdict::unknown;
    rows.insert(rows.end(), violated.begin(), violated.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(violated.size(), 1000)));
  }
}

Verdict ThresholdSearch::test(double t, std::vector<char>& open, double cbc_s, bool greedy_only) {
  m_plan_worst = kUnreached;
  // Without capacities the test is plain covering with unit costs: dominated columns
  // (under unit costs) and dominated rows go.
  PlacementInput unit = m_in;
  if (!m_cap) unit.cost.clear();
  Prepared pt = prepare(unit, t, false, !m_cap, false, !m_cap);
  if (!pt.uncoverable.empty()) return Verdict::no;
  std::vector<char> start;
  std::vector<std::uint32_t> lp_rows;
  if (!m_cap) {
    if (const std::optional<Verdict> v = test_heuristics(pt.r, t, open, start, lp_rows)) return *v;
  } else if (const std::optional<Verdict> v = test_capacitated(pt.r, t, open, !greedy_only)) {
    return *v;
  }
  if (greedy_only) return Verdict::unknown;
  return test_cbc(pt.r, t, open, start, lp_rows, cbc_s);
}

// With capacities: the capacitated greedy placing every load says yes (a plan whatever
// time is left, so that a time-limited search still answers); capacity short of the
// load says no: at most p new sites, so at most the fixed sites' capacity plus the p
// largest other ones, of the columns with a pair within t. Else CBC decides, from the
// greedy's plan when the transportation LP (assign.hpp) finds that its sites hold every
// load within t after all (small models only: that LP is not stopped by the deadline).
std::optional<Verdict> ThresholdSearch::test_capacitated(const Reduced& model, double t, std::vector<char>& open,
                                                         bool lp_check) {
  ++m_capacity_greedy;
  // Each pair's latency: the highest among the demands merged into its row.
  std::vector<std::uint32_t> col_of_site(m_cov.sites, kNone);
  for (std::uint32_t j = 0; j < model.cols(); ++j) col_of_site[model.col_site[j]] = j;
  std::vector<double> pair_lat(model.row_col.size(), 0.0);
  for (std::uint32_t d = 0; d < m_cov.demands; ++d) {
    const std::uint32_t i = model.row_of_demand[d];
    if (i == kNone) continue;
    const auto b = model.row_col.begin() + model.row_first[i], e = model.row_col.begin() + model.row_first[i + 1];
    for (std::uint32_t k = m_cov.first[d]; k < m_cov.first[d + 1]; ++k) {
      const std::uint32_t c = col_of_site[m_cov.site[k]];
      if (c == kNone || m_cov.latency_us[k] > t) continue;
      const auto at = std::lower_bound(b, e, c);
      if (at == e || *at != c) continue;
      double& l = pair_lat[static_cast<std::size_t>(at - model.row_col.begin())];
      l = std::max(l, m_cov.latency_us[k]);
    }
  }
  const CapacitatedCover g = greedy_capacitated_cover(model, m_in.p, pair_lat);
  if (g.serves_all) {
    keep(model, g.open, t, open);
    // The greedy's placement stays within worst_used: every threshold from there up holds.
    if (g.worst_used < t) m_plan_worst = g.worst_used;
    return Verdict::yes;
  }
  double load = 0.0, fixed_cap = 0.0;
  int fixed_new = 0;
  std::vector<double> caps;
  for (double l : model.row_load) load += l;
  for (std::size_t j = 0; j < model.cols(); ++j) {
    const double c = model.col_cap.empty() ? std::numeric_limits<double>::infinity() : model.col_cap[j];
    if (model.col_fixed[j]) {
      fixed_cap += c;
      fixed_new += model.col_existing[j] ? 0 : 1;
    } else {
      caps.push_back(c);
    }
  }
  const std::size_t free_new = static_cast<std::size_t>(std::max(0, m_in.p - fixed_new));
  std::sort(caps.begin(), caps.end(), std::greater<>());
  double most = fixed_cap;
  for (std::size_t k = 0; k < caps.size() && k < free_new; ++k) most += caps[k];
  if (most < load * (1.0 - 1e-9)) return Verdict::no;
  if (lp_check && model.row_col.size() <= kLpCheckMaxNonzeros) {
    std::vector<char> site_open(m_cov.sites, 0);
    for (std::size_t j = 0; j < model.cols(); ++j)
      if (g.open[j]) site_open[model.col_site[j]] = 1;
    const std::vector<double> within(m_cov.demands, t);
    const Assignment a = assign_demand(m_cov, site_open, within, m_in.weight, m_in.load, m_in.capacity);
    bool all = true;
    for (std::uint32_t d = 0; d < m_cov.demands && all; ++d) all = a.served[d] >= 1.0 - 1e-9;
    if (all) return keep(model, g.open, t, open);
  }
  return std::nullopt;
}

// Bisection between lo (every threshold below it proven "no") and hi (proven "yes").
// A "no" at any threshold proves every lower one "no" too, so lo only rises; an
// undecided test (CBC out of its share of time) raises only the probing floor, and the
// search goes on above it for a better plan.
// With capacities, first a plan from the greedy alone: at the top threshold whatever
// time is left, then bisected down while time remains (a failed greedy proves nothing:
// only the capacity bound's "no" raises lo). CBC then searches below that plan.
void ThresholdSearch::greedy_bisect() {
  std::vector<char> open;
  if (test(m_values[m_hi], open, 0.0, true) != Verdict::yes) return;
  m_best_open = std::move(open);
  lower_hi_to_plan(m_hi);
  for (std::size_t lo = m_lo; lo < m_hi && remaining_s() > 0;) {
    const std::size_t mid = lo + (m_hi - lo) / 2;
    switch (test(m_values[mid], open, 0.0, true)) {
      case Verdict::yes:
        m_hi = mid;
        lower_hi_to_plan(mid);
        m_best_open = std::move(open);
        break;
      case Verdict::no:
        m_lo = std::max(m_lo, mid + 1);
        lo = std::max(lo, mid + 1);
        break;
      case Verdict::unknown: lo = mid + 1; break;
    }
  }
}

bool ThresholdSearch::probe_ends() {
  m_floor = m_lo;
  if (m_cap) greedy_bisect();
  const bool have_plan = !m_best_open.empty();
  if (have_plan && m_lo >= m_hi) return true;
  std::vector<char> open;
  const Verdict at_lower = test(m_values[m_lo], open, remaining_s());
  if (at_lower == Verdict::yes) {
    m_hi = m_lo;
    m_best_open = std::move(open);
    return true;
  }
  if (at_lower == Verdict::no) ++m_lo;
  m_floor = m_lo + (at_lower == Verdict::no ? 0 : 1);
  if (have_plan) return true;  // the greedy's plan holds at hi
  const Verdict at_top = test(m_values[m_hi], m_best_open, remaining_s());
  if (at_top == Verdict::yes) lower_hi_to_plan(m_hi);
  if (at_top != Verdict::yes) {
    m_out.status = at_top == Verdict::no ? SolveStatus::infeasible : SolveStatus::no_solution;
    m_out.reason = at_top == Verdict::no ? "p sites cannot cover every demand within the budget"
                                         : "no solution within the time limit";
    return false;
  }
  return true;
}

void ThresholdSearch::bisect() {
  while (std::max(m_lo, m_floor) < m_hi && remaining_s() > 0) {
    const std::size_t from = std::max(m_lo, m_floor);
    const std::size_t mid = from + (m_hi - from) / 2;
    std::vector<char> open;
    // CBC gets at most half of the limit per test, so one hard threshold cannot
    // take the whole search.
    switch (test(m_values[mid], open, std::min(remaining_s(), 0.5 * m_limit_s))) {
      case Verdict::yes:
        m_hi = mid;
        lower_hi_to_plan(mid);
        m_best_open = std::move(open);
        break;
      case Verdict::no: m_lo = std::max(m_lo, mid + 1); break;
      case Verdict::unknown: m_floor = mid + 1; break;
    }
  }
}

void ThresholdSearch::report() {
  PlacementResult& out = m_out;
  for (std::uint32_t j = 0; j < m_best_open.size(); ++j)
    if (m_best_open[j]) out.open.push_back(j);
  assign_nearest(m_in, m_best_open, std::numeric_limits<double>::infinity(), out);
  double worst = 0.0;
  for (double l : out.assigned_latency_us) worst = std::max(worst, l);
  // With capacities a demand may have to be served by a farther site than its nearest
  // open one: the worst latency is the threshold whose capacitated cover succeeded.
  if (m_cap) worst = m_values[m_hi];
  out.objective = worst;
  const bool optimal = m_lo >= m_hi || worst <= m_values[m_lo];
  out.bound = optimal ? worst : m_values[m_lo];
  out.status = optimal ? SolveStatus::optimal : SolveStatus::feasible;
  out.gap = optimal ? 0.0 : std::abs(out.objective - out.bound) / std::max(out.objective, kEps);
  out.method = m_cap ? "threshold search (capacitated greedy on " + std::to_string(m_capacity_greedy) +
                           " thresholds, " + std::to_string(out.mip_solves) + " cbc)"
                     : "threshold search (greedy, " + std::to_string(m_lp_solves) + " LP bounds, " +
                           std::to_string(m_search_swaps) + " local-search swaps, " + std::to_string(out.mip_solves) + " cbc)";
  if (!optimal) out.reason = "time limit: the worst latency lies between the bound and the objective";
}

}  // namespace

void solve_pcenter(const PlacementInput& in, const Reduced& r, PlacementResult& out) {
  ThresholdSearch search(in, r, out);
  if (!search.probe_ends()) return;
  search.bisect();
  search.report();
}

}  // namespace lightcone::placement_detail
