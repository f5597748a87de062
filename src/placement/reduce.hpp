// Private to src/placement: the reduced model every solver works on. Rows are groups of
// demands with identical options (weights and loads summed), columns are the kept sites.
// Reductions: identical rows merged; dominated columns dropped where one covering site per
// row is enough; in plain covering dominated rows too, alternately until neither finds
// more. Latencies are one-way µs; row and column ids are dense 0..n-1.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "placement/placement.hpp"

namespace lightcone::placement_detail {

// The problem after reductions: rows are groups of demands with identical options,
// columns are the kept sites.
struct Reduced {
  std::vector<std::uint32_t> row_of_demand;  // kNone: not in the model (no option)
  std::vector<std::uint32_t> row_first{0};
  std::vector<std::uint32_t> row_col;        // reduced column index
  std::vector<double> row_lat;
  std::vector<double> row_weight, row_load;
  std::vector<std::uint32_t> col_site;        // reduced column → site
  std::vector<double> col_cost, col_cap;
  std::vector<char> col_fixed;                // existing or required: always open
  std::vector<char> col_existing;             // does not count towards p, cost 0
  std::size_t rows() const { return row_weight.size(); }
  std::size_t cols() const { return col_site.size(); }
};

// How many columns neither fixed nor existing a p-median plan opens: min(p, new columns)
// new sites, less the required (fixed, not existing) ones; at least 0.
inline std::size_t median_free_slots(const Reduced& r, int p) {
  std::size_t new_cols = 0, fixed_new = 0;
  for (std::size_t j = 0; j < r.cols(); ++j) {
    new_cols += !r.col_existing[j];
    fixed_new += r.col_fixed[j] && !r.col_existing[j];
  }
  const std::size_t want = std::min(static_cast<std::size_t>(std::max(0, p)), new_cols);
  return want > fixed_new ? want - fixed_new : 0;
}

struct Prepared {
  Reduced r;
  std::vector<std::uint32_t> uncoverable;  // demands with fewer than k options
};

// The rows of each column (the transpose of Reduced's row lists), flat.
struct ColumnRows {
  std::vector<std::uint32_t> first, row;
  explicit ColumnRows(const Reduced& r);
  std::span<const std::uint32_t> operator[](std::size_t j) const { return {row.data() + first[j], row.data() + first[j + 1]}; }
};

// A view of each row's entries by latency (row i: [first[i], first[i + 1])); empty: none.
struct LatencyRows {
  std::span<const std::uint32_t> first, col;
  std::span<const double> lat;
  bool empty() const { return first.empty(); }
};

// Each row's entries sorted by latency, ties by column (row i: [first[i], first[i + 1]),
// the same ranges as r's). The Lagrangian bound reads each row's prefix below its
// multiplier; Benders' cuts read each row's options nearest first. Rows are sorted on
// `threads` threads (0: all cores).
struct RowsByLatency {
  std::vector<std::uint32_t> first, col;
  std::vector<double> lat;
  RowsByLatency(const Reduced& r, unsigned threads);
  LatencyRows view() const { return {first, col, lat}; }
  // Frees the arrays (after their last reader).
  void release() {
    std::vector<std::uint32_t>().swap(first);
    std::vector<std::uint32_t>().swap(col);
    std::vector<double>().swap(lat);
  }
};

// A model over some rows of r (in the given order), with r's columns.
Reduced with_rows(const Reduced& r, std::span<const std::uint32_t> rows);

// Whether any kept column has a finite capacity.
bool capacitated(const Reduced& r);

// Total cost of the open columns.
double cover_cost(const Reduced& r, const std::vector<char>& open);

// Row dominance for plain covering (k = 1, no capacities, no survival rows); max_work caps
// the subset checks (the rest of the rows stay).
void drop_dominated_rows(Reduced& r, double max_work);

// Columns dominated by another with a superset of rows and no higher cost (fixed columns
// stay). Valid where one covering site per row is enough.
void drop_dominated_columns(Reduced& r);

// The reduced model of `in` with options up to max_latency. merge_latency: rows merge only
// when their latencies agree too (p-median, p-center); drop_dominated: dominated columns
// (and in plain covering rows) go; ratio_key: rows merge only at equal weight/load;
// covering_test: the rows only need covering once (p-center's threshold tests), so
// dominated rows may go too.
Prepared prepare(const PlacementInput& in, double max_latency, bool merge_latency, bool drop_dominated,
                 bool ratio_key = false, bool covering_test = false);

// Survival rows (LSCP, MCLP) in reduced columns, each with its demand's row.
struct SurvivalModel {
  std::vector<std::vector<std::uint32_t>> cols;
  std::vector<std::uint32_t> row;
  std::vector<std::uint32_t> cannot_survive;  // demands some cut leaves without any site, ascending
};

// Empty unless in.survival is set and the problem is LSCP or MCLP.
SurvivalModel survival_model(const PlacementInput& in, const Reduced& r);

}  // namespace lightcone::placement_detail
