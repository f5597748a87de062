// p-median's Lagrangian bound (placement/bounds.hpp) over rows sorted by latency
// (RowsByLatency), against brute force: every exactly-p plan of small random models with
// tied latencies, sparse rows, weights and fixed / existing columns.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "placement/benders.hpp"
#include "placement/bounds.hpp"
#include "placement/heuristics.hpp"
#include "placement/reduce.hpp"

namespace lightcone::placement_detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// rows × cols, each pair present with probability `density` (every row keeps one),
// latencies whole numbers 1..20 (many ties), weights 1..9; column 0 existing (free, always
// open, not counted) and column 1 required when `fixed`.
Reduced random_model(std::mt19937_64& rng, std::uint32_t rows, std::uint32_t cols, double density, bool fixed) {
  Reduced r;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<int> lat(1, 20), weight(1, 9);
  for (std::uint32_t i = 0; i < rows; ++i) {
    const std::uint32_t keep = static_cast<std::uint32_t>(rng() % cols);
    for (std::uint32_t j = 0; j < cols; ++j)
      if (j == keep || u(rng) < density) {
        r.row_col.push_back(j);
        r.row_lat.push_back(lat(rng));
      }
    r.row_first.push_back(static_cast<std::uint32_t>(r.row_col.size()));
    r.row_weight.push_back(weight(rng));
    r.row_load.push_back(1.0);
  }
  for (std::uint32_t j = 0; j < cols; ++j) {
    r.col_site.push_back(j);
    r.col_cost.push_back(0.0);
    r.col_cap.push_back(kInf);
    r.col_existing.push_back(fixed && j == 0);
    r.col_fixed.push_back(fixed && j <= 1);
  }
  return r;
}

// Σ weight × nearest open option (+inf when a row has none open).
double brute_plan_cost(const Reduced& r, const std::vector<char>& open) {
  double total = 0.0;
  for (std::uint32_t i = 0; i < r.rows(); ++i) {
    double best = kInf;
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e)
      if (open[r.row_col[e]]) best = std::min(best, r.row_lat[e]);
    total += r.row_weight[i] * best;
  }
  return total;
}

// Every plan: the fixed columns open and exactly min(p, new columns) new ones.
std::vector<std::vector<char>> plans(const Reduced& r, int p) {
  const std::size_t nc = r.cols();
  std::size_t new_cols = 0;
  for (std::size_t j = 0; j < nc; ++j) new_cols += !r.col_existing[j];
  const std::size_t want = std::min<std::size_t>(static_cast<std::size_t>(p), new_cols);
  std::vector<std::vector<char>> out;
  for (std::uint32_t mask = 0; mask < (1u << nc); ++mask) {
    std::vector<char> open(nc);
    std::size_t count = 0;
    bool ok = true;
    for (std::size_t j = 0; j < nc; ++j) {
      open[j] = (mask >> j) & 1u;
      if (r.col_fixed[j] && !open[j]) ok = false;
      count += open[j] && !r.col_existing[j];
    }
    if (ok && count == want) out.push_back(open);
  }
  return out;
}

// The least cost of any plan (+inf when none serves every row).
double brute_optimum(const Reduced& r, int p) {
  double optimum = kInf;
  for (const auto& open : plans(r, p)) optimum = std::min(optimum, brute_plan_cost(r, open));
  return optimum;
}

TEST(RowsByLatency, EachRowItsOwnEntriesByLatencyThenColumnOnAnyThreadCount) {
  std::mt19937_64 rng(3);
  const Reduced r = random_model(rng, 2000, 12, 0.6, false);
  const RowsByLatency one(r, 1), two(r, 2);
  EXPECT_EQ(one.first, r.row_first);
  EXPECT_EQ(one.col, two.col);
  EXPECT_EQ(one.lat, two.lat);
  for (std::uint32_t i = 0; i < r.rows(); ++i) {
    std::vector<std::pair<double, std::uint32_t>> want, got;
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) {
      want.emplace_back(r.row_lat[e], r.row_col[e]);
      got.emplace_back(one.lat[e], one.col[e]);
    }
    std::sort(want.begin(), want.end());
    ASSERT_EQ(got, want) << "row " << i;
  }
}

// The bound never exceeds the optimum and never falls below its start (every row at its
// nearest option); the fixings hold for every plan cheaper than `upper`.
TEST(MedianLagrangian, BoundAndFixingsHoldAgainstEveryPlan) {
  std::mt19937_64 rng(11);
  int fixings = 0, tight = 0, refixed = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const bool fixed = trial % 3 == 0;
    const Reduced r = random_model(rng, 25 + static_cast<std::uint32_t>(rng() % 20), 11, 0.3 + 0.1 * (trial % 6), fixed);
    const int p = 1 + static_cast<int>(rng() % 5);
    const RowsByLatency sorted(r, 0);
    double optimum = kInf;
    const auto all = plans(r, p);
    for (const auto& open : all) optimum = std::min(optimum, brute_plan_cost(r, open));
    double start = 0.0;
    for (std::uint32_t i = 0; i < r.rows(); ++i) {
      double m = kInf;
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) m = std::min(m, r.row_lat[e]);
      start += r.row_weight[i] * m;
    }
    // Upper: the optimum itself, or a little above it (then plans near the optimum count).
    const double upper = trial % 2 == 0 ? optimum : optimum * 1.02;
    std::size_t iterations = 0;
    std::vector<signed char> fix;
    MedianDual dual;
    const double bound = median_lagrangian_bound(r, sorted, p, upper, 3000, Deadline(), iterations,
                                                 std::isfinite(optimum) ? &fix : nullptr, trial % 10 == 0 ? 2 : 1, &dual);
    ASSERT_GT(iterations, 0u);
    if (!std::isfinite(optimum)) continue;  // no plan serves every row: only the bound's validity above
    EXPECT_LE(bound, optimum * (1 + 1e-12)) << "trial " << trial;
    EXPECT_GE(bound, start * (1 - 1e-12)) << "trial " << trial;
    tight += bound >= optimum * (1 - 1e-9);
    ASSERT_EQ(fix.size(), r.cols());
    for (const auto& open : all) {
      if (!(brute_plan_cost(r, open) < upper)) continue;
      for (std::size_t j = 0; j < r.cols(); ++j) {
        if (fix[j] < 0) {
          EXPECT_FALSE(open[j]) << "trial " << trial << ": column " << j << " closed";
        } else if (fix[j] > 0) {
          EXPECT_TRUE(open[j]) << "trial " << trial << ": column " << j << " opened";
        }
      }
    }
    for (signed char f : fix) fixings += f != 0;
    // The same multipliers against a cheaper plan (a tenth of the way from the optimum to
    // upper): at least the same fixings, and they hold for every plan cheaper than it.
    EXPECT_EQ(dual.value, bound) << "trial " << trial;
    if (!(upper > optimum)) continue;
    const double cheaper = optimum + 0.1 * (upper - optimum);
    std::vector<signed char> refix;
    median_fixing(r, sorted, p, dual, cheaper, refix);
    ASSERT_EQ(refix.size(), r.cols());
    for (std::size_t j = 0; j < r.cols(); ++j) {
      if (fix[j] != 0) {
        EXPECT_EQ(refix[j], fix[j]) << "trial " << trial << ": column " << j;
      }
      refixed += refix[j] != 0 && fix[j] == 0;
    }
    for (const auto& open : all) {
      if (!(brute_plan_cost(r, open) < cheaper)) continue;
      for (std::size_t j = 0; j < r.cols(); ++j)
        if (refix[j] != 0) {
          EXPECT_EQ(open[j] != 0, refix[j] > 0) << "trial " << trial << ": column " << j;
        }
    }
  }
  // The checks above must have something to check.
  EXPECT_GT(fixings, 20);
  EXPECT_GT(tight, 5);
  EXPECT_GT(refixed, 0);
}

// The p-median heuristic (lazy greedy, then best swaps) against brute force: its plan has
// the fixed columns and exactly min(p, new columns) new ones, its cost is the plan's, no
// single swap lowers it, and it is never below the optimum. On models where every plan
// serves every row.
TEST(MedianSearch, PlanIsASwapLocalOptimumWithPNewSites) {
  std::mt19937_64 rng(23);
  int optimal = 0, checked = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const bool fixed = trial % 3 == 0;
    const Reduced r = random_model(rng, 30 + static_cast<std::uint32_t>(rng() % 30), 11, 1.0, fixed);
    const int p = 1 + static_cast<int>(rng() % 6);
    const MedianPlan h = median_search(r, p, Deadline());
    ASSERT_TRUE(h.serves_all);
    const auto all = plans(r, p);
    ASSERT_FALSE(all.empty());
    double optimum = kInf;
    for (const auto& open : all) optimum = std::min(optimum, brute_plan_cost(r, open));
    EXPECT_TRUE(std::find(all.begin(), all.end(), h.open) != all.end()) << "trial " << trial << ": not a plan";
    EXPECT_NEAR(h.cost, brute_plan_cost(r, h.open), 1e-9 * h.cost) << "trial " << trial;
    EXPECT_GE(h.cost, optimum * (1 - 1e-12)) << "trial " << trial;
    for (std::uint32_t out = 0; out < r.cols(); ++out) {
      if (!h.open[out] || r.col_fixed[out] || r.col_existing[out]) continue;
      for (std::uint32_t in = 0; in < r.cols(); ++in) {
        if (h.open[in] || r.col_existing[in]) continue;
        std::vector<char> swapped = h.open;
        swapped[out] = 0;
        swapped[in] = 1;
        EXPECT_GE(brute_plan_cost(r, swapped), h.cost * (1 - 1e-9)) << "trial " << trial << ": swap " << out << " -> " << in;
        ++checked;
      }
    }
    optimal += h.cost <= optimum * (1 + 1e-12);
  }
  EXPECT_GT(checked, 500);
  std::printf("[ median search ] optimal on %d of 60 models, %d swaps checked\n", optimal, checked);
}

// The interchange's pass by rows (MedianSearchOptions::rows: each row's options below its
// second-nearest open site) against the pass by columns (every pair): on whole-number
// latencies and weights every sum is exact in either order, so both passes must choose
// the same swaps, also with the first-found rule among equal savings (many ties here),
// sparse rows (rows without an open option), fixed and closed columns and perturbations.
TEST(MedianSearch, PassByRowsChoosesTheSwapsOfThePassByColumns) {
  std::mt19937_64 rng(37);
  int perturbed = 0, sparse_unserved = 0;
  for (int trial = 0; trial < 80; ++trial) {
    const bool fixed = trial % 3 == 0;
    const double density = trial % 4 == 0 ? 0.25 : trial % 4 == 1 ? 0.6 : 1.0;
    const Reduced r = random_model(rng, 20 + static_cast<std::uint32_t>(rng() % 60), 6 + static_cast<std::uint32_t>(rng() % 20),
                                   density, fixed);
    const RowsByLatency sorted(r, 0);
    const int p = 1 + static_cast<int>(rng() % 7);
    std::vector<signed char> fix;
    if (trial % 2 == 1) {
      fix.assign(r.cols(), 0);
      for (int k = 0; k < 3; ++k) {
        const std::uint32_t j = static_cast<std::uint32_t>(rng() % r.cols());
        if (!r.col_fixed[j] && !r.col_existing[j]) fix[j] = -1;
      }
    }
    for (const std::size_t rounds : {std::size_t{0}, std::size_t{12}}) {
      MedianSearchOptions by_cols;
      by_cols.fix = fix;
      by_cols.perturb_rounds = rounds;
      MedianSearchOptions by_rows = by_cols;
      by_rows.rows = sorted.view();
      const MedianPlan a = median_search(r, p, Deadline(), by_cols);
      const MedianPlan b = median_search(r, p, Deadline(), by_rows);
      EXPECT_EQ(b.open, a.open) << "trial " << trial << ", " << rounds << " rounds";
      EXPECT_EQ(b.cost, a.cost) << "trial " << trial;
      EXPECT_EQ(b.swaps, a.swaps) << "trial " << trial;
      EXPECT_EQ(b.improved, a.improved) << "trial " << trial;
      EXPECT_EQ(b.serves_all, a.serves_all) << "trial " << trial;
      perturbed += rounds > 0 && a.improved > 0;
      sparse_unserved += !a.serves_all;
      std::vector<double> y(r.cols());
      for (double& v : y) v = static_cast<double>(rng() % 5);
      if (a.serves_all && rounds > 0) {
        const MedianPlan c = median_improve(r, p, a, y, fix, Deadline(), rounds, 1);
        const MedianPlan d = median_improve(r, p, a, y, fix, Deadline(), rounds, 2, sorted.view());
        EXPECT_EQ(d.open, c.open) << "trial " << trial;
        EXPECT_EQ(d.cost, c.cost) << "trial " << trial;
      }
    }
  }
  // Something to compare: perturbations that changed the plan, plans that leave rows unserved.
  EXPECT_GT(perturbed, 3);
  EXPECT_GT(sparse_unserved, 0);
}

// From an initial plan, with the rows by latency given, the search reads no pair by column
// (the nearest open sites come from the rows too): the same plan, cost, swaps and
// perturbations as the search by column, also with rows of weight 0 (ties at any latency),
// and with the fixing's closed columns taken out of the rows instead of fixed.
TEST(MedianSearch, FromAnInitialPlanTheRowsAloneGiveThePlanOfThePassByColumns) {
  std::mt19937_64 rng(41);
  int swapped = 0, compared = 0;
  for (int trial = 0; trial < 60; ++trial) {
    Reduced r = random_model(rng, 20 + static_cast<std::uint32_t>(rng() % 60), 6 + static_cast<std::uint32_t>(rng() % 20),
                             trial % 3 == 0 ? 0.3 : 0.8, trial % 4 == 0);
    if (trial % 2 == 0)
      for (double& w : r.row_weight)
        if (rng() % 4 == 0) w = 0.0;
    if (trial % 3 == 1) {  // a site that serves no row (a swap or a shake may open it)
      r.col_site.push_back(static_cast<std::uint32_t>(r.cols()));
      r.col_cost.push_back(0.0);
      r.col_cap.push_back(kInf);
      r.col_existing.push_back(false);
      r.col_fixed.push_back(false);
    }
    const RowsByLatency sorted(r, 0);
    const int p = 1 + static_cast<int>(rng() % 6);
    std::vector<signed char> fix(r.cols(), 0);
    for (int k = 0; k < 3; ++k) {
      const std::uint32_t j = static_cast<std::uint32_t>(rng() % r.cols());
      if (!r.col_fixed[j] && !r.col_existing[j]) fix[j] = -1;
    }
    // A random plan: the fixed columns and min(p, new columns) new ones, none closed.
    std::vector<char> initial(r.cols(), 0);
    std::size_t new_cols = 0, have = 0;
    for (std::size_t j = 0; j < r.cols(); ++j) {
      new_cols += !r.col_existing[j];
      if (r.col_fixed[j]) {
        initial[j] = 1;
        have += !r.col_existing[j];
      }
    }
    std::vector<std::uint32_t> candidates;
    for (std::uint32_t j = 0; j < r.cols(); ++j)
      if (!initial[j] && !r.col_existing[j] && fix[j] >= 0) candidates.push_back(j);
    std::shuffle(candidates.begin(), candidates.end(), rng);
    const std::size_t want = std::min<std::size_t>(static_cast<std::size_t>(p), new_cols);
    if (have > want || want - have > candidates.size()) continue;
    for (std::size_t q = 0; q < want - have; ++q) initial[candidates[q]] = 1;
    // The rows without the closed columns.
    std::vector<std::uint32_t> first{0}, col;
    std::vector<double> lat;
    const LatencyRows all = sorted.view();
    for (std::uint32_t i = 0; i < r.rows(); ++i) {
      for (std::uint32_t e = all.first[i]; e < all.first[i + 1]; ++e)
        if (fix[all.col[e]] >= 0) {
          col.push_back(all.col[e]);
          lat.push_back(all.lat[e]);
        }
      first.push_back(static_cast<std::uint32_t>(col.size()));
    }
    for (const std::size_t rounds : {std::size_t{0}, std::size_t{10}}) {
      MedianSearchOptions by_cols;
      by_cols.initial = &initial;
      by_cols.fix = fix;
      by_cols.perturb_rounds = rounds;
      MedianSearchOptions by_rows = by_cols;
      by_rows.rows = all;
      MedianSearchOptions filtered = by_cols;
      filtered.fix = {};
      filtered.rows = LatencyRows{first, col, lat};
      const MedianPlan a = median_search(r, p, Deadline(), by_cols);
      for (const MedianPlan& b : {median_search(r, p, Deadline(), by_rows), median_search(r, p, Deadline(), filtered)}) {
        SCOPED_TRACE("trial " + std::to_string(trial) + ", " + std::to_string(rounds) + " rounds");
        EXPECT_EQ(b.open, a.open);
        EXPECT_EQ(b.cost, a.cost);
        EXPECT_EQ(b.swaps, a.swaps);
        EXPECT_EQ(b.improved, a.improved);
        EXPECT_EQ(b.rounds, a.rounds);
        EXPECT_EQ(b.serves_all, a.serves_all);
        ++compared;
      }
      swapped += a.swaps > 0;
    }
  }
  EXPECT_GT(compared, 150);
  EXPECT_GT(swapped, 40);
}

// The Lagrangian's passes and the interchange's pass run in fixed chunks: the same bits on
// any number of threads (a model large enough for every chunk to hold rows and columns).
TEST(MedianLagrangian, SameBitsOnAnyThreadCount) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 3; ++trial) {
    const Reduced r = random_model(rng, 400, 160, 0.4, trial == 1);
    const RowsByLatency sorted(r, 0);
    const int p = 4 + 3 * trial;
    const MedianPlan h = median_search(r, p, Deadline());
    std::vector<std::vector<signed char>> fixes;
    std::vector<MedianDual> duals;
    std::vector<double> bounds;
    MedianPlan first;
    for (const unsigned threads : {1u, 2u, 5u}) {
      std::size_t iterations = 0;
      fixes.emplace_back();
      duals.emplace_back();
      bounds.push_back(
          median_lagrangian_bound(r, sorted, p, h.cost, 400, Deadline(), iterations, &fixes.back(), threads, &duals.back()));
      MedianSearchOptions o;
      o.threads = threads;
      o.perturb_rounds = 6;
      const MedianPlan again = median_search(r, p, Deadline(), o);
      MedianSearchOptions plain;
      plain.threads = threads;
      EXPECT_EQ(median_search(r, p, Deadline(), plain).open, h.open) << "trial " << trial << ", " << threads << " threads";
      MedianSearchOptions by_rows = o;
      by_rows.rows = sorted.view();
      const MedianPlan rows_plan = median_search(r, p, Deadline(), by_rows);
      EXPECT_EQ(rows_plan.open, again.open) << "trial " << trial << ", " << threads << " threads, pass by rows";
      EXPECT_EQ(rows_plan.cost, again.cost);
      if (threads > 1) {
        EXPECT_EQ(bounds.back(), bounds.front()) << "trial " << trial << ", " << threads << " threads";
        EXPECT_EQ(fixes.back(), fixes.front());
        EXPECT_EQ(duals.back().u, duals.front().u);
        EXPECT_EQ(duals.back().y, duals.front().y);
      }
      if (threads == 1) first = again;
      EXPECT_EQ(again.open, first.open) << "trial " << trial << ", " << threads << " threads";
      EXPECT_EQ(again.cost, first.cost);
      EXPECT_EQ(again.rounds, 6u);
    }
  }
}

// Every column an allowed plan may swap in: new, not open, not closed by fix.
bool swap_local_optimum(const Reduced& r, const std::vector<char>& open, const std::vector<signed char>& fix, double cost) {
  for (std::uint32_t out = 0; out < r.cols(); ++out) {
    if (!open[out] || r.col_fixed[out] || r.col_existing[out]) continue;
    for (std::uint32_t in = 0; in < r.cols(); ++in) {
      if (open[in] || r.col_existing[in] || (!fix.empty() && fix[in] < 0)) continue;
      std::vector<char> swapped = open;
      swapped[out] = 0;
      swapped[in] = 1;
      if (brute_plan_cost(r, swapped) < cost * (1 - 1e-9)) return false;
    }
  }
  return true;
}

// Perturbation (median_search's rounds) and a second start (median_improve) against brute
// force, with columns closed by a fixing: each plan is a plan (fixed columns, exactly
// min(p, new columns) new ones) that opens no closed column, costs what it says, no more
// than the interchange's plan, and no single allowed swap lowers it.
TEST(MedianSearch, PerturbationAndSecondStartKeepAPlanNoWorseWithinTheFixing) {
  std::mt19937_64 rng(31);
  int better = 0, optimal = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const bool fixed = trial % 3 == 0;
    const Reduced r = random_model(rng, 30 + static_cast<std::uint32_t>(rng() % 30), 12, 1.0, fixed);
    const int p = 1 + static_cast<int>(rng() % 5);
    // Up to 4 columns closed (never a fixed or existing one).
    std::vector<signed char> fix(r.cols(), 0);
    for (int k = 0; k < 4; ++k) {
      const std::uint32_t j = static_cast<std::uint32_t>(rng() % r.cols());
      if (!r.col_fixed[j] && !r.col_existing[j]) fix[j] = -1;
    }
    MedianSearchOptions o;
    o.fix = fix;
    const MedianPlan h = median_search(r, p, Deadline(), o);
    std::vector<double> y(r.cols());
    for (double& v : y) v = static_cast<double>(rng() % 7);
    MedianPlan got[2];
    o.perturb_rounds = 25;
    got[0] = median_search(r, p, Deadline(), o);
    got[1] = median_improve(r, p, h, y, fix, Deadline(), 25, 1);
    const auto all = plans(r, p);
    double optimum = kInf;
    for (const auto& open : all) {
      bool allowed = true;
      for (std::size_t j = 0; j < r.cols(); ++j) allowed = allowed && !(open[j] && fix[j] < 0);
      if (allowed) optimum = std::min(optimum, brute_plan_cost(r, open));
    }
    for (const MedianPlan& g : got) {
      ASSERT_TRUE(g.serves_all) << "trial " << trial;
      EXPECT_TRUE(std::find(all.begin(), all.end(), g.open) != all.end()) << "trial " << trial << ": not a plan";
      for (std::size_t j = 0; j < r.cols(); ++j) EXPECT_FALSE(g.open[j] && fix[j] < 0) << "trial " << trial << ": closed " << j;
      EXPECT_NEAR(g.cost, brute_plan_cost(r, g.open), 1e-9 * g.cost) << "trial " << trial;
      EXPECT_LE(g.cost, h.cost * (1 + 1e-12)) << "trial " << trial;
      EXPECT_GE(g.cost, optimum * (1 - 1e-12)) << "trial " << trial;
      EXPECT_TRUE(swap_local_optimum(r, g.open, fix, g.cost)) << "trial " << trial;
      better += g.cost < h.cost * (1 - 1e-12);
      optimal += g.cost <= optimum * (1 + 1e-12);
    }
    EXPECT_EQ(got[0].rounds, 25u) << "trial " << trial;
  }
  // Something to check: perturbations that found cheaper plans.
  EXPECT_GT(better, 0);
  std::printf("[ perturbation ] cheaper than the interchange on %d of 120 runs, optimal on %d\n", better, optimal);
}

// Benders' first cuts at the Lagrangian's levels (BendersOptions::lagrange_u): a cut at any
// level D is valid, so whatever the multipliers (the Lagrangian's own, random ones, zero,
// beyond every option, with or without its fixings) the solve proves the brute-force
// optimum, with no time limit.
TEST(MedianBenders, FirstCutsFromAnyMultipliersKeepTheOptimum) {
  std::mt19937_64 rng(41);
  int solved = 0, warm_used = 0;
  for (int trial = 0; trial < 80; ++trial) {
    const bool fixed = trial % 3 == 0;
    const Reduced r = random_model(rng, 20 + static_cast<std::uint32_t>(rng() % 25), 11, 0.35 + 0.1 * (trial % 6), fixed);
    const int p = 1 + static_cast<int>(rng() % 5);
    const double optimum = brute_optimum(r, p);
    RowsByLatency sorted(r, 0);
    std::vector<double> u(r.rows());
    std::vector<signed char> fix;
    const MedianPlan start = median_search(r, p, Deadline());
    const int kind = trial % 4;
    if (kind == 0) {  // the Lagrangian's own, with its fixings against the start's plan
      MedianDual dual;
      std::size_t iterations = 0;
      const double upper = start.serves_all ? start.cost : kInf;
      median_lagrangian_bound(r, sorted, p, upper, 300, Deadline(), iterations, start.serves_all ? &fix : nullptr, 1, &dual);
      if (dual.u.size() == r.rows()) u = dual.u;
    } else {
      std::uniform_real_distribution<double> level(0.0, kind == 1 ? 25.0 : 400.0);
      for (std::uint32_t i = 0; i < r.rows(); ++i) u[i] = kind == 3 && i % 2 ? 0.0 : r.row_weight[i] * level(rng);
    }
    for (std::uint32_t i = 0; i < r.rows(); ++i) warm_used += u[i] > r.row_weight[i] * sorted.lat[sorted.first[i]];
    BendersOptions options;
    options.lagrange_u = u;
    const BendersSolve b = median_benders(r, std::move(sorted), p, start, Deadline(), fix,
                                          fix.empty() ? kInf : start.cost, options);
    SCOPED_TRACE("trial " + std::to_string(trial) + " kind " + std::to_string(kind));
    if (!std::isfinite(optimum)) {
      EXPECT_TRUE(b.infeasible || b.open.empty());
      continue;
    }
    ASSERT_TRUE(b.optimal);
    ASSERT_FALSE(b.open.empty());
    EXPECT_NEAR(b.cost, optimum, 1e-9 * optimum);
    EXPECT_NEAR(brute_plan_cost(r, b.open), optimum, 1e-9 * optimum);
    ++solved;
  }
  EXPECT_GT(solved, 50);
  EXPECT_GT(warm_used, 500) << "few rows got a cut at their multiplier's level";
}

// Benders' branch and bound runs two workers side by side and merges what each round
// found in worker order: on one core or two the same tree (nodes, LPs, cuts), plan and
// bound, and the brute-force optimum. Models with a gap at the root, so that it branches.
TEST(MedianBenders, TheSameTreeOnOneCoreOrTwo) {
  std::mt19937_64 rng(43);
  int branched = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const Reduced r = random_model(rng, 40 + static_cast<std::uint32_t>(rng() % 30), 14, 0.5, trial % 4 == 0);
    const int p = 2 + static_cast<int>(rng() % 4);
    const double optimum = brute_optimum(r, p);
    if (!std::isfinite(optimum)) continue;
    // A poor start (the first p columns): the tree, not the heuristic, finds the optimum.
    MedianPlan start;
    start.open.assign(r.cols(), 0);
    for (std::size_t j = 0; j < r.cols(); ++j) start.open[j] = r.col_fixed[j] || r.col_existing[j] || j < 2 + static_cast<std::size_t>(p);
    start.cost = brute_plan_cost(r, start.open);
    start.serves_all = false;  // no first incumbent
    BendersSolve b[2];
    for (unsigned threads : {1u, 2u}) {
      BendersOptions options;
      options.threads = threads;
      options.drop_slack_after = 1;
      b[threads - 1] = median_benders(r, RowsByLatency(r, 0), p, start, Deadline(), {}, kInf, options);
    }
    SCOPED_TRACE("trial " + std::to_string(trial));
    ASSERT_TRUE(b[0].optimal);
    EXPECT_NEAR(b[0].cost, optimum, 1e-9 * optimum);
    EXPECT_EQ(b[0].open, b[1].open);
    EXPECT_EQ(b[0].cost, b[1].cost);
    EXPECT_EQ(b[0].bound, b[1].bound);
    EXPECT_EQ(b[0].nodes, b[1].nodes);
    EXPECT_EQ(b[0].lp_rounds, b[1].lp_rounds);
    EXPECT_EQ(b[0].cuts, b[1].cuts);
    EXPECT_EQ(b[0].cuts_kept, b[1].cuts_kept);
    branched += b[0].nodes > 2;
  }
  std::printf("[ benders ] %d of 40 models branched past the root's children\n", branched);
  EXPECT_GT(branched, 5);
}

// A stoppable deadline expires when its flag is set, and so do its shares and its
// `within`s taken before or after; the deadline it was made from does not.
TEST(Deadline, StopsWhenItsFlagIsSetAndSoDoItsShares) {
  std::atomic<bool> stop{false};
  for (const Deadline& base : {Deadline(), Deadline::after(3600.0)}) {
    stop = false;
    const Deadline d = base.stoppable(stop);
    const Deadline half = d.share(0.5), soon = d.within(1800.0);
    EXPECT_FALSE(d.none());
    EXPECT_FALSE(d.expired());
    EXPECT_FALSE(half.expired());
    EXPECT_FALSE(soon.expired());
    EXPECT_GT(d.remaining_s(), 1000.0);
    stop = true;
    for (const Deadline& x : {d, half, soon, d.share(0.5), d.within(10.0)}) {
      EXPECT_TRUE(x.expired());
      EXPECT_EQ(x.remaining_s(), 0.0);
    }
    EXPECT_FALSE(base.expired());
    EXPECT_EQ(base.none(), base.remaining_s() == kInf);
  }
  // The search stops at the flag, set by another thread 50 ms on: its perturbation rounds
  // end there (a billion of them otherwise), with a plan.
  std::mt19937_64 rng(53);
  const Reduced r = random_model(rng, 200, 20, 0.8, false);
  MedianSearchOptions o;
  o.perturb_rounds = 1'000'000'000;
  stop = false;
  MedianPlan h;
  {
    std::jthread stopper([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      stop = true;
    });
    h = median_search(r, 4, Deadline().stoppable(stop), o);
  }
  EXPECT_TRUE(h.serves_all);
  EXPECT_GT(h.rounds, 0u);
  EXPECT_LT(h.rounds, 1'000'000'000u);
}

// Perturbations beside the root's LP (BendersOptions::perturb_beside_root) on a second
// core, from a poor first plan, with and without the Lagrangian's fixings: the solve
// still proves the brute-force optimum, and a plan they found is kept only within the
// fixings (the optimum is then that plan's cost or the tree's).
TEST(MedianBenders, PerturbationsBesideTheRootKeepTheOptimum) {
  std::mt19937_64 rng(47);
  int solved = 0, ran = 0, kept = 0;
  std::size_t rounds = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const Reduced r = random_model(rng, 60 + static_cast<std::uint32_t>(rng() % 60), 16, 0.8, trial % 4 == 0);
    const int p = 2 + static_cast<int>(rng() % 4);
    const double optimum = brute_optimum(r, p);
    if (!std::isfinite(optimum)) continue;
    // The poorest plan of a few random ones that serve every row.
    MedianPlan start;
    for (int k = 0; k < 8; ++k) {
      std::vector<char> open(r.cols(), 0);
      for (std::size_t j = 0; j < r.cols(); ++j) open[j] = r.col_fixed[j] || r.col_existing[j];
      std::vector<std::uint32_t> free;
      for (std::uint32_t j = 0; j < r.cols(); ++j)
        if (!open[j]) free.push_back(j);
      std::shuffle(free.begin(), free.end(), rng);
      const std::size_t need = static_cast<std::size_t>(p) - (r.col_fixed[1] ? 1u : 0u);
      for (std::size_t q = 0; q < need && q < free.size(); ++q) open[free[q]] = 1;
      const double c = brute_plan_cost(r, open);
      if (std::isfinite(c) && (!start.serves_all || c > start.cost)) {
        start.open = open;
        start.cost = c;
        start.serves_all = true;
      }
    }
    if (!start.serves_all) continue;
    RowsByLatency sorted(r, 0);
    std::vector<signed char> fix;
    if (trial % 2 == 0) {
      std::size_t iterations = 0;
      median_lagrangian_bound(r, sorted, p, start.cost, 300, Deadline(), iterations, &fix, 1);
    }
    BendersOptions options;
    options.perturb_beside_root = true;
    options.threads = 2;
    const BendersSolve b = median_benders(r, std::move(sorted), p, start, Deadline(), fix, fix.empty() ? kInf : start.cost, options);
    SCOPED_TRACE("trial " + std::to_string(trial));
    ASSERT_TRUE(b.optimal);
    EXPECT_NEAR(b.cost, optimum, 1e-9 * optimum);
    EXPECT_NEAR(brute_plan_cost(r, b.open), optimum, 1e-9 * optimum);
    for (std::size_t j = 0; j < r.cols() && !fix.empty(); ++j) EXPECT_FALSE(b.open[j] && fix[j] < 0) << "closed " << j;
    EXPECT_LE(b.beside_gains, b.beside_rounds);
    ++solved;
    ran += b.beside_rounds > 0;
    kept += b.beside_kept;
    rounds += b.beside_rounds;
  }
  std::printf("[ benders ] perturbations beside the root ran on %d of %d models (%zu rounds), their plan kept on %d\n",
              ran, solved, rounds, kept);
  EXPECT_GT(solved, 25);
  EXPECT_GT(ran, 0) << "the perturbations never ran beside the root";
}

}  // namespace
}  // namespace lightcone::placement_detail
