#include "placement/placement.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstring>
#include <map>
#include <queue>
#include <unordered_map>
#include <numeric>
#include <set>
#include <span>

#include "placement/mip.hpp"

namespace lightcone {

std::string to_string(SolveStatus s) {
  switch (s) {
    case SolveStatus::optimal: return "optimal";
    case SolveStatus::feasible: return "feasible";
    case SolveStatus::infeasible: return "infeasible";
    case SolveStatus::no_solution: return "no solution";
  }
  return "unknown";
}

namespace {

constexpr double kEps = 1e-9;

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

struct Prepared {
  Reduced r;
  std::vector<std::uint32_t> uncoverable;  // demands with fewer than k options
};

// The rows of each column (the transpose of Reduced's row lists), flat.
struct ColumnRows {
  std::vector<std::uint32_t> first, row;
  explicit ColumnRows(const Reduced& r) : first(r.cols() + 1, 0), row(r.row_col.size()) {
    for (std::uint32_t c : r.row_col) ++first[c + 1];
    for (std::size_t j = 0; j < r.cols(); ++j) first[j + 1] += first[j];
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (std::uint32_t i = 0; i < r.rows(); ++i)
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) row[fill[r.row_col[e]]++] = i;
  }
  std::span<const std::uint32_t> operator[](std::size_t j) const { return {row.data() + first[j], row.data() + first[j + 1]}; }
};

// A model over some rows of r (in the given order), with r's columns.
Reduced with_rows(const Reduced& r, std::span<const std::uint32_t> rows) {
  Reduced sub;
  sub.col_site = r.col_site;
  sub.col_cost = r.col_cost;
  sub.col_cap = r.col_cap;
  sub.col_fixed = r.col_fixed;
  sub.col_existing = r.col_existing;
  for (std::uint32_t i : rows) {
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) {
      sub.row_col.push_back(r.row_col[e]);
      sub.row_lat.push_back(r.row_lat[e]);
    }
    sub.row_first.push_back(static_cast<std::uint32_t>(sub.row_col.size()));
    sub.row_weight.push_back(r.row_weight[i]);
    sub.row_load.push_back(r.row_load[i]);
  }
  return sub;
}

double value_or(const std::vector<double>& v, std::size_t i, double def) { return v.empty() ? def : v[i]; }

bool capacitated(const Reduced& r) {
  return std::any_of(r.col_cap.begin(), r.col_cap.end(), [](double c) { return std::isfinite(c); });
}

// Row dominance for plain covering (LSCP, k = 1, no capacities, no survival rows): a row
// whose option set contains another row's option set is implied by it and is dropped;
// its demands are mapped to the dominating row. Rows are visited smallest first; each kept
// row is filed under its rarest column (a superset of it must contain that column), so a
// row only checks the kept rows filed under its own columns, against a mark of its
// columns, stopping at the first column missing. max_work caps the checks (the rest stay).
void drop_dominated_rows(Reduced& r, double max_work) {
  const std::size_t nr = r.rows(), nc = r.cols();
  if (nr < 2) return;
  auto size_of = [&](std::uint32_t i) { return r.row_first[i + 1] - r.row_first[i]; };
  std::vector<std::uint32_t> frequency(nc, 0);
  for (std::uint32_t c : r.row_col) ++frequency[c];
  std::vector<std::uint32_t> order(nr);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return size_of(a) < size_of(b); });
  std::vector<std::uint32_t> dominator(nr, kNone);
  std::vector<std::vector<std::uint32_t>> filed(nc);  // kept rows by their rarest column
  std::vector<char> mark(nc, 0);
  double work = 0.0;
  for (std::uint32_t i : order) {
    if (size_of(i) == 0) continue;
    const auto b = r.row_col.begin() + r.row_first[i], e = r.row_col.begin() + r.row_first[i + 1];
    if (work <= max_work) {
      for (auto it = b; it != e; ++it) mark[*it] = 1;
      for (auto it = b; it != e && dominator[i] == kNone; ++it)
        for (std::uint32_t k : filed[*it]) {
          bool subset = true;
          for (std::uint32_t q = r.row_first[k]; q < r.row_first[k + 1] && subset; ++q) {
            work += 1.0;
            subset = mark[r.row_col[q]] != 0;
          }
          work += 1.0;
          if (subset) {
            dominator[i] = k;
            break;
          }
        }
      for (auto it = b; it != e; ++it) mark[*it] = 0;
    }
    if (dominator[i] != kNone) continue;
    std::uint32_t rare = *b;
    for (auto it = b; it != e; ++it)
      if (frequency[*it] < frequency[rare]) rare = *it;
    filed[rare].push_back(i);
  }
  // Dominators are kept rows (only kept rows are filed); resolve chains anyway.
  std::vector<std::uint32_t> new_index(nr, kNone), kept_rows;
  for (std::uint32_t i = 0; i < nr; ++i)
    if (dominator[i] == kNone) {
      new_index[i] = static_cast<std::uint32_t>(kept_rows.size());
      kept_rows.push_back(i);
    }
  Reduced q = with_rows(r, kept_rows);
  auto kept = [&](std::uint32_t i) {
    while (dominator[i] != kNone) i = dominator[i];
    return i;
  };
  for (std::uint32_t i = 0; i < nr; ++i)
    if (dominator[i] != kNone) {
      const std::uint32_t k = kept(i);
      q.row_weight[new_index[k]] += r.row_weight[i];
      q.row_load[new_index[k]] += r.row_load[i];
    }
  q.row_of_demand = r.row_of_demand;
  for (auto& d : q.row_of_demand)
    if (d != kNone) d = new_index[kept(d)];
  r = std::move(q);
}

// Columns dominated by another with a superset of rows and no higher cost (fixed columns
// stay). Valid where one covering site per row is enough.
void drop_dominated_columns(Reduced& r) {
  const std::size_t nc = r.cols();
  const ColumnRows col_rows(r);
  std::vector<char> dropped(nc, 0);
  std::vector<std::uint32_t> mark(r.rows(), kNone);
  for (std::uint32_t j = 0; j < nc; ++j) {
    if (r.col_fixed[j]) continue;
    if (col_rows[j].empty()) {
      dropped[j] = 1;
      continue;
    }
    // Candidates: columns in j's row with the fewest options.
    std::uint32_t r0 = col_rows[j][0];
    for (std::uint32_t i : col_rows[j])
      if (r.row_first[i + 1] - r.row_first[i] < r.row_first[r0 + 1] - r.row_first[r0]) r0 = i;
    for (std::uint32_t e = r.row_first[r0]; e < r.row_first[r0 + 1] && !dropped[j]; ++e) {
      const std::uint32_t k = r.row_col[e];
      if (k == j || dropped[k] || r.col_cost[k] > r.col_cost[j] || col_rows[k].size() < col_rows[j].size()) continue;
      for (std::uint32_t i : col_rows[k]) mark[i] = k;
      bool subset = true;
      for (std::uint32_t i : col_rows[j]) subset = subset && mark[i] == k;
      if (!subset) continue;
      const bool strictly_better = r.col_cost[k] < r.col_cost[j] || col_rows[k].size() > col_rows[j].size() || r.col_fixed[k];
      if (strictly_better || k < j) dropped[j] = 1;
    }
  }
  // Rebuild without dropped columns.
  std::vector<std::uint32_t> new_index(nc, kNone);
  Reduced q;
  for (std::uint32_t j = 0; j < nc; ++j) {
    if (dropped[j]) continue;
    new_index[j] = static_cast<std::uint32_t>(q.col_site.size());
    q.col_site.push_back(r.col_site[j]);
    q.col_cost.push_back(r.col_cost[j]);
    q.col_cap.push_back(r.col_cap[j]);
    q.col_fixed.push_back(r.col_fixed[j]);
    q.col_existing.push_back(r.col_existing[j]);
  }
  q.row_of_demand = r.row_of_demand;
  q.row_weight = r.row_weight;
  q.row_load = r.row_load;
  for (std::uint32_t i = 0; i < r.rows(); ++i) {
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) {
      if (new_index[r.row_col[e]] == kNone) continue;
      q.row_col.push_back(new_index[r.row_col[e]]);
      q.row_lat.push_back(r.row_lat[e]);
    }
    q.row_first.push_back(static_cast<std::uint32_t>(q.row_col.size()));
  }
  r = std::move(q);
}

// covering_test: the rows only need covering once (p-center's threshold tests), so
// dominated rows may go too.
Prepared prepare(const PlacementInput& in, double max_latency, bool merge_latency, bool drop_dominated,
                 bool ratio_key = false, bool covering_test = false) {
  const Coverage& cov = *in.coverage;
  Prepared out;
  Reduced& r = out.r;
  // Allowed sites and their reduced columns (dominated ones dropped below).
  std::vector<std::uint32_t> col_of_site(cov.sites, kNone);
  auto status = [&](std::size_t j) { return in.status.empty() ? SiteStatus::candidate : in.status[j]; };
  for (std::uint32_t j = 0; j < cov.sites; ++j) {
    if (status(j) == SiteStatus::excluded) continue;
    col_of_site[j] = static_cast<std::uint32_t>(r.col_site.size());
    r.col_site.push_back(j);
    const bool existing = status(j) == SiteStatus::existing;
    r.col_cost.push_back(existing ? 0.0 : value_or(in.cost, j, 1.0));
    r.col_cap.push_back(value_or(in.capacity, j, std::numeric_limits<double>::infinity()));
    r.col_fixed.push_back(existing || status(j) == SiteStatus::required);
    r.col_existing.push_back(existing);
  }
  // Rows: merge demands with identical options (and latencies when they matter). Rows
  // are numbered by first demand; a hash of the key leads to the rows to compare with.
  std::unordered_map<std::uint64_t, std::uint32_t> last_with_hash;  // only looked up, never iterated
  std::vector<std::uint32_t> previous_with_hash;                     // per row
  std::vector<double> row_ratio;                                     // per row
  r.row_of_demand.assign(cov.demands, kNone);
  std::vector<std::pair<std::uint32_t, double>> key;
  auto bits = [](double x) {
    std::uint64_t b = 0;
    std::memcpy(&b, &x, sizeof b);
    return b;
  };
  for (std::uint32_t d = 0; d < cov.demands; ++d) {
    key.clear();
    for (std::uint32_t e = cov.first[d]; e < cov.first[d + 1]; ++e) {
      const std::uint32_t c = col_of_site[cov.site[e]];
      if (c == kNone || cov.latency_us[e] > max_latency) continue;
      key.emplace_back(c, merge_latency ? cov.latency_us[e] : 0.0);
    }
    if (!std::is_sorted(key.begin(), key.end())) std::sort(key.begin(), key.end());
    // k (backup coverage) applies to LSCP only; every other problem needs one option.
    const int need = in.problem == Problem::lscp ? std::max(1, in.k) : 1;
    if (key.size() < static_cast<std::size_t>(need)) out.uncoverable.push_back(d);
    if (key.empty()) continue;
    double ratio = 0.0;
    // With survival rows each demand keeps a row of its own (its cut rows differ).
    if (in.survival) ratio = static_cast<double>(d) + 1.0;
    if (ratio_key) {
      const double w = value_or(in.weight, d, 1.0), l = value_or(in.load, d, 1.0);
      ratio = l > 0 ? w / l : std::numeric_limits<double>::infinity();
    }
    std::uint64_t h = bits(ratio) ^ 0x9e3779b97f4a7c15ull;
    for (const auto& [c, l] : key) {
      h = (h ^ c) * 0x100000001b3ull;
      if (merge_latency) h = (h ^ bits(l)) * 0x100000001b3ull;
    }
    auto same = [&](std::uint32_t row) {
      if (row_ratio[row] != ratio || r.row_first[row + 1] - r.row_first[row] != key.size()) return false;
      for (std::size_t i = 0; i < key.size(); ++i)
        if (r.row_col[r.row_first[row] + i] != key[i].first || r.row_lat[r.row_first[row] + i] != key[i].second)
          return false;
      return true;
    };
    std::uint32_t row = kNone;
    const auto found = last_with_hash.find(h);
    if (found != last_with_hash.end())
      for (std::uint32_t q = found->second; q != kNone && row == kNone; q = previous_with_hash[q])
        if (same(q)) row = q;
    if (row == kNone) {
      row = static_cast<std::uint32_t>(r.rows());
      for (const auto& [c, l] : key) {
        r.row_col.push_back(c);
        r.row_lat.push_back(l);  // 0 unless latencies are merged
      }
      r.row_first.push_back(static_cast<std::uint32_t>(r.row_col.size()));
      r.row_weight.push_back(0.0);
      r.row_load.push_back(0.0);
      row_ratio.push_back(ratio);
      previous_with_hash.push_back(found != last_with_hash.end() ? found->second : kNone);
      last_with_hash[h] = row;
    }
    r.row_of_demand[d] = row;
    r.row_weight[row] += value_or(in.weight, d, 1.0);
    r.row_load[row] += value_or(in.load, d, 1.0);
  }
  if (!drop_dominated) return out;
  // Dominated columns; in plain covering also dominated rows, alternately until neither
  // finds more (dropping rows can make columns dominated, and the other way round).
  const bool plain = !capacitated(r) && (covering_test || (in.problem == Problem::lscp && in.k <= 1 && in.survival == nullptr));
  for (int pass = 0; pass < 8; ++pass) {
    const std::size_t rows = r.rows(), cols = r.cols();
    drop_dominated_columns(r);
    if (!plain) break;
    drop_dominated_rows(r, 4e8);
    if (r.rows() == rows && r.cols() == cols) break;
  }
  return out;
}

// Greedy cover (warm start for LSCP): most newly satisfied demand per cost.
std::vector<char> greedy_cover(const Reduced& r, int k) {
  const std::size_t nr = r.rows(), nc = r.cols();
  std::vector<char> open(nc, 0);
  std::vector<int> need(nr);
  for (std::size_t i = 0; i < nr; ++i)
    need[i] = std::min<int>(k, static_cast<int>(r.row_first[i + 1] - r.row_first[i]));
  const ColumnRows col_rows(r);
  auto take = [&](std::size_t j) {
    open[j] = 1;
    for (std::uint32_t i : col_rows[j]) --need[i];
  };
  for (std::size_t j = 0; j < nc; ++j)
    if (r.col_fixed[j]) take(j);
  // Lazy greedy: a column's score only falls as rows get covered, so a stale score is an
  // upper bound; the best column is the first whose fresh score stays on top. Ties: the
  // lower column index.
  auto score_of = [&](std::size_t j) {
    double gain = 0.0;
    for (std::uint32_t i : col_rows[j]) gain += need[i] > 0 ? 1.0 : 0.0;
    return gain / std::max(r.col_cost[j], kEps);
  };
  using Entry = std::pair<double, std::size_t>;
  auto lower = [](const Entry& a, const Entry& b) { return a.first < b.first || (a.first == b.first && a.second > b.second); };
  std::priority_queue<Entry, std::vector<Entry>, decltype(lower)> queue(lower);
  for (std::size_t j = 0; j < nc; ++j)
    if (!open[j]) {
      const double sc = score_of(j);
      if (sc > 0) queue.emplace(sc, j);
    }
  while (!queue.empty()) {
    const auto [stale, j] = queue.top();
    queue.pop();
    const double sc = score_of(j);
    if (sc <= 0) continue;
    if (sc < stale && !queue.empty() && lower(Entry{sc, j}, queue.top())) {
      queue.emplace(sc, j);
      continue;
    }
    take(j);
  }
  // Drop redundant sites, most expensive first.
  std::vector<std::size_t> order(nc);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return r.col_cost[a] > r.col_cost[b]; });
  for (std::size_t j : order) {
    if (!open[j] || r.col_fixed[j]) continue;
    bool needed = false;
    for (std::uint32_t i : col_rows[j]) needed = needed || need[i] >= 0;
    if (needed) continue;
    open[j] = 0;
    for (std::uint32_t i : col_rows[j]) ++need[i];
  }
  return open;
}

// Greedy p sites maximising covered weight (warm start for MCLP).
std::vector<char> greedy_max_cover(const Reduced& r, int p, double money) {
  const std::size_t nr = r.rows(), nc = r.cols();
  std::vector<char> open(nc, 0), covered(nr, 0);
  const ColumnRows col_rows(r);
  auto take = [&](std::size_t j) {
    open[j] = 1;
    for (std::uint32_t i : col_rows[j]) covered[i] = 1;
  };
  int used = 0;
  double spent = 0.0;
  for (std::size_t j = 0; j < nc; ++j)
    if (r.col_fixed[j]) {
      take(j);
      if (!r.col_existing[j]) {
        ++used;
        spent += r.col_cost[j];
      }
    }
  // Lazy greedy (gains only fall): ties to the lower column index.
  auto gain_of = [&](std::size_t j) {
    double gain = 0.0;
    for (std::uint32_t i : col_rows[j]) gain += covered[i] ? 0.0 : r.row_weight[i];
    return gain;
  };
  using Entry = std::pair<double, std::size_t>;
  auto lower = [](const Entry& a, const Entry& b) { return a.first < b.first || (a.first == b.first && a.second > b.second); };
  std::priority_queue<Entry, std::vector<Entry>, decltype(lower)> queue(lower);
  for (std::size_t j = 0; j < nc; ++j)
    if (!open[j]) {
      const double g = gain_of(j);
      if (g > kEps) queue.emplace(g, j);
    }
  while (used < p && !queue.empty()) {
    const auto [stale, j] = queue.top();
    queue.pop();
    if (spent + r.col_cost[j] > money + kEps) continue;
    const double g = gain_of(j);
    if (g <= kEps) continue;
    if (g < stale && !queue.empty() && lower(Entry{g, j}, queue.top())) {
      queue.emplace(g, j);
      continue;
    }
    take(j);
    ++used;
    spent += r.col_cost[j];
  }
  return open;
}

// Lagrangian lower bound for the (uncapacitated) covering problem, by subgradient.
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

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double cover_cost(const Reduced& r, const std::vector<char>& open) {
  double c = 0.0;
  for (std::size_t j = 0; j < r.cols(); ++j) c += open[j] ? r.col_cost[j] : 0.0;
  return c;
}

// A lower bound b on a covering cost, rounded up to the next possible plan cost when
// every site cost is a multiple of a common step (1, 0.1, 0.01, ...; unit costs: 1): then
// every plan costs a multiple of it, and none less than the bound rounded up to one.
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

// Local search for plain covering (k = 1) with row weights, after RWLS (Gao, Weise and
// Li 2015, unicost set covering): from a cover, whenever every row is covered the cover
// is recorded and its least useful site dropped; otherwise one swap per iteration drops
// the open site losing the least (row-weighted, per cost), and opens the site gaining the
// most in a pseudo-random uncovered row; uncovered rows then weigh one more, so rows left
// out repeatedly pull the search towards them. Ties go to the site changed longest ago.
// Deterministic: fixed seed and an iteration budget (max_iterations); a CPU deadline
// stops it early only when the caller's time limit runs out. Stops at target_cost.
// Returns the cheapest cover seen (the start if none is cheaper).
std::vector<char> local_search_cover(const Reduced& r, const std::vector<char>& start, double target_cost,
                                     std::size_t max_iterations, double deadline_cpu_s, std::size_t& iterations) {
  const std::size_t nr = r.rows(), nc = r.cols();
  iterations = 0;
  const ColumnRows col_rows(r);
  std::vector<std::int64_t> score(nc, 0), weight(nr, 1);
  std::vector<std::uint32_t> count(nr, 0), sole(nr, 0), slot(nr, kNone), uncovered;
  std::vector<std::size_t> stamp(nc, 0);
  std::vector<char> open(nc, 0);
  std::vector<std::uint32_t> members;  // open columns that may close (not fixed)
  for (std::uint32_t i = 0; i < nr; ++i) {
    slot[i] = static_cast<std::uint32_t>(uncovered.size());
    uncovered.push_back(i);
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) ++score[r.row_col[e]];
  }
  auto cover_row = [&](std::uint32_t i) {
    const std::uint32_t p = slot[i];
    uncovered[p] = uncovered.back();
    slot[uncovered[p]] = p;
    uncovered.pop_back();
    slot[i] = kNone;
  };
  // score[j]: closed j: weight of the uncovered rows it would cover; open j: minus the
  // weight of the rows only j covers. sole[i] (XOR of the open columns covering i) names
  // the only one when count[i] = 1.
  auto add = [&](std::uint32_t j) {
    open[j] = 1;
    score[j] = -score[j];
    for (const std::uint32_t i : col_rows[j]) {
      if (count[i] == 0) {
        for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e)
          if (r.row_col[e] != j) score[r.row_col[e]] -= weight[i];
        cover_row(i);
      } else if (count[i] == 1) {
        score[sole[i]] += weight[i];
      }
      ++count[i];
      sole[i] ^= j;
    }
    if (!r.col_fixed[j]) members.push_back(j);
  };
  auto remove = [&](std::uint32_t j) {
    open[j] = 0;
    score[j] = -score[j];
    for (const std::uint32_t i : col_rows[j]) {
      --count[i];
      sole[i] ^= j;
      if (count[i] == 0) {
        for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e)
          if (r.row_col[e] != j) score[r.row_col[e]] += weight[i];
        slot[i] = static_cast<std::uint32_t>(uncovered.size());
        uncovered.push_back(i);
      } else if (count[i] == 1) {
        score[sole[i]] -= weight[i];
      }
    }
    members.erase(std::find(members.begin(), members.end(), j));
  };
  auto ratio = [&](std::uint32_t j) { return static_cast<double>(score[j]) / std::max(r.col_cost[j], kEps); };
  auto better = [&](std::uint32_t a, std::uint32_t b) {  // a preferred over b (b may be kNone)
    if (b == kNone) return true;
    const double ra = ratio(a), rb = ratio(b);
    return ra > rb || (ra == rb && (stamp[a] < stamp[b] || (stamp[a] == stamp[b] && a < b)));
  };
  for (std::uint32_t j = 0; j < nc; ++j)
    if (start[j] || r.col_fixed[j]) add(j);
  std::vector<char> best = open;
  double cost = cover_cost(r, open);
  double best_cost = uncovered.empty() ? cost : std::numeric_limits<double>::infinity();
  std::uint64_t rng = 0x9e3779b97f4a7c15ull;  // xorshift64, fixed seed
  auto next = [&] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  std::uint32_t last_added = kNone;
  for (std::size_t it = 1; it <= max_iterations; ++it) {
    iterations = it;
    while (uncovered.empty()) {
      if (cost < best_cost - kEps) {
        best_cost = cost;
        best = open;
      }
      if (best_cost <= target_cost + kEps || members.empty()) return best;
      std::uint32_t drop = kNone;
      for (std::uint32_t j : members)
        if (better(j, drop)) drop = j;
      remove(drop);
      cost -= r.col_cost[drop];
      stamp[drop] = it;
    }
    if ((it & 255u) == 0 && cpu_seconds() > deadline_cpu_s) break;
    std::uint32_t drop = kNone;
    for (std::uint32_t j : members)
      if (j != last_added && better(j, drop)) drop = j;
    if (drop != kNone) {
      remove(drop);
      cost -= r.col_cost[drop];
      stamp[drop] = it;
    }
    const std::uint32_t row = uncovered[next() % uncovered.size()];
    std::uint32_t take = kNone;
    for (std::uint32_t e = r.row_first[row]; e < r.row_first[row + 1]; ++e)
      if (r.row_col[e] != drop && better(r.row_col[e], take)) take = r.row_col[e];
    if (take == kNone) take = drop;  // the row's only option
    add(take);
    cost += r.col_cost[take];
    stamp[take] = it;
    last_added = take;
    for (std::uint32_t i : uncovered) {
      ++weight[i];
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) ++score[r.row_col[e]];
    }
  }
  if (uncovered.empty() && cost < best_cost - kEps) best = open;
  return best;
}

// A swap budget for local_search_cover worth about `work` score updates (a swap touches
// two columns' rows and a few rows' columns), within 1,000..most swaps.
std::size_t search_budget(const Reduced& r, double work, std::size_t most) {
  const double col_len = static_cast<double>(r.row_col.size()) / std::max<double>(1.0, static_cast<double>(r.cols()));
  const double row_len = static_cast<double>(r.row_col.size()) / std::max<double>(1.0, static_cast<double>(r.rows()));
  return static_cast<std::size_t>(std::clamp(work / (2.0 * col_len + 10.0 * row_len + 1.0), 1000.0, static_cast<double>(most)));
}

// Lower bound on the covering cost (rows covered k times): the LP relaxation by row
// generation, rows with the fewest options first, then the most violated ones, Clp's dual
// simplex warm-started between rounds. Every round's optimum is a valid bound (a
// relaxation of the full LP); stops once the bound reaches stop_at, when no row is
// violated (the full LP optimum), or at the deadline. NaN when no round finished.
struct CoverLp {
  double bound = std::numeric_limits<double>::quiet_NaN();
  bool complete = false;  // the full LP's optimum
  std::size_t rounds = 0, rows = 0;
  std::vector<std::uint32_t> row_ids;  // the rows in the LP, in the order added
};

CoverLp lp_cover_bound(const Reduced& r, int k, double stop_at, double deadline_cpu_s) {
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
    const double left = deadline_cpu_s - cpu_seconds();
    if (left <= 0.0 || !lp.solve(left)) break;
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

// MCLP on large plain models (uncapacitated, no cut rows, no money limit): a greedy
// plan improved by best single swaps (close one new site, open another) until none
// gains, and an upper bound from the Lagrangian relaxation of "a row counts only if an
// open site covers it" (multipliers λ ≥ 0 per row: Σ max(0, w − λ) + the p best sites by
// Σ λ over their rows, fixed sites always), by subgradient with Polyak steps towards the
// plan's value. Deterministic: fixed iteration counts (the deadline only cuts them short).
struct MaxCover {
  std::vector<char> open;
  double value = 0.0;  // covered weight
  double bound = 0.0;  // upper bound on any plan's covered weight
  std::size_t swaps = 0, iterations = 0;
};

MaxCover max_cover_search(const Reduced& r, int p, double deadline_cpu_s) {
  const std::size_t nr = r.rows(), nc = r.cols();
  MaxCover out;
  const ColumnRows col_rows(r);
  // 1. Greedy, then best swaps.
  std::vector<char> open = greedy_max_cover(r, p, std::numeric_limits<double>::infinity());
  std::vector<std::uint32_t> count(nr, 0);
  for (std::size_t j = 0; j < nc; ++j)
    if (open[j])
      for (std::uint32_t i : col_rows[j]) ++count[i];
  std::vector<double> gain(nc), extra(nc, 0.0);
  std::vector<std::uint32_t> touched;
  for (int sweep = 0; sweep < 100 && cpu_seconds() < deadline_cpu_s; ++sweep) {
    // gain[k]: uncovered weight k would cover.
    std::fill(gain.begin(), gain.end(), 0.0);
    for (std::uint32_t i = 0; i < nr; ++i)
      if (count[i] == 0)
        for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) gain[r.row_col[e]] += r.row_weight[i];
    double best_delta = 1e-9;
    std::uint32_t best_out = kNone, best_in = kNone;
    for (std::uint32_t j = 0; j < nc; ++j) {
      if (!open[j] || r.col_fixed[j]) continue;
      // Closing j loses the rows only j covers; a site k covering them wins them back.
      double loss = 0.0;
      touched.clear();
      for (const std::uint32_t i : col_rows[j]) {
        if (count[i] != 1) continue;
        loss += r.row_weight[i];
        for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) {
          const std::uint32_t k = r.row_col[e];
          if (extra[k] == 0.0) touched.push_back(k);
          extra[k] += r.row_weight[i];
        }
      }
      for (std::uint32_t k = 0; k < nc; ++k) {
        if (open[k] || r.col_existing[k]) continue;
        const double delta = gain[k] + extra[k] - loss;
        if (delta > best_delta) {
          best_delta = delta;
          best_out = j;
          best_in = k;
        }
      }
      for (std::uint32_t k : touched) extra[k] = 0.0;
    }
    if (best_out == kNone) break;
    open[best_out] = 0;
    for (std::uint32_t i : col_rows[best_out]) --count[i];
    open[best_in] = 1;
    for (std::uint32_t i : col_rows[best_in]) ++count[i];
    ++out.swaps;
  }
  out.open = open;
  for (std::uint32_t i = 0; i < nr; ++i) out.value += count[i] > 0 ? r.row_weight[i] : 0.0;
  // 2. Lagrangian upper bound.
  int slots = p;
  for (std::size_t j = 0; j < nc; ++j) slots -= r.col_fixed[j] && !r.col_existing[j];
  std::vector<double> lambda(nr), column(nc), g(nr);
  for (std::uint32_t i = 0; i < nr; ++i) lambda[i] = 0.5 * r.row_weight[i];
  std::vector<std::uint32_t> free_cols;
  for (std::uint32_t j = 0; j < nc; ++j)
    if (!r.col_fixed[j] && !r.col_existing[j]) free_cols.push_back(j);
  double theta = 1.0;
  int since = 0;
  out.bound = std::numeric_limits<double>::infinity();
  const std::size_t iterations = static_cast<std::size_t>(
      std::clamp(6e9 / std::max(1.0, static_cast<double>(r.row_col.size())), 50.0, 500.0));
  std::vector<char> x(nc, 0);
  for (std::size_t it = 0; it < iterations && cpu_seconds() < deadline_cpu_s; ++it) {
    out.iterations = it + 1;
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
    if (value < out.bound - 1e-9 * std::max(1.0, value)) {
      out.bound = value;
      since = 0;
    } else if (++since >= 10) {
      theta /= 2.0;
      since = 0;
    }
    if (out.bound <= out.value * (1.0 + 1e-12)) break;
    double norm = 0.0;
    for (std::uint32_t i = 0; i < nr; ++i) {
      if (lambda[i] <= 0.0 && g[i] > 0.0) g[i] = 0.0;  // λ cannot go below 0
      norm += g[i] * g[i];
    }
    if (norm <= 0.0) break;
    const double step = theta * (value - out.value) / norm;
    for (std::uint32_t i = 0; i < nr; ++i) lambda[i] = std::max(0.0, lambda[i] - step * g[i]);
  }
  // No plan covers more than every row.
  double all = 0.0;
  for (double w : r.row_weight) all += w;
  out.bound = std::max(std::min(out.bound, all), out.value);
  return out;
}

struct Solution {
  std::vector<char> open;  // per reduced column
  MipResult mip;
  bool from_mip = false;
};

// Assignment variables z_ij (row i, entry e) with Σ_e z = rhs_i, z ≤ x_j, loads ≤ capacity.
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

std::vector<int> site_columns(Mip& mip, const Reduced& r, bool cost_in_objective) {
  std::vector<int> x(r.cols());
  for (std::size_t j = 0; j < r.cols(); ++j)
    x[j] = mip.add_column(cost_in_objective ? r.col_cost[j] : 0.0, r.col_fixed[j] ? 1.0 : 0.0, 1.0, true);
  return x;
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

// Minimum-cost cover with every row covered k times (capacities via assignment).
// extra: further covering rows (reduced columns), each to be covered once (survival).
// cutoff: only covers cheaper than it count (Mip::solve); none → proven_infeasible.
Solution solve_cover(const Reduced& r, int k, const PlacementInput& in, bool unit_cost,
                     const std::vector<std::vector<std::uint32_t>>& extra = {}, const std::vector<char>* start = nullptr,
                     double cutoff = std::numeric_limits<double>::infinity()) {
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
  std::vector<char> greedy = greedy_cover(rc, k);
  if (start && !capacitated(rc) && extra.empty()) {  // a given cover, when it is cheaper
    double a = 0.0, b = 0.0;
    for (std::size_t j = 0; j < rc.cols(); ++j) {
      a += (*start)[j] ? rc.col_cost[j] : 0.0;
      b += greedy[j] ? rc.col_cost[j] : 0.0;
    }
    if (a < b) greedy = *start;
  }
  s.mip = mip.solve(in.time_limit_s, in.threads, capacitated(rc) ? std::vector<double>{} : start_vector(mip, x, greedy),
                    cutoff);
  if (s.mip.has_solution) {
    s.open = open_from(s.mip, x);
    s.from_mip = true;
  } else if (!capacitated(rc) && !s.mip.proven_infeasible && !std::isfinite(cutoff)) {
    s.open = greedy;
  }
  return s;
}

// Row generation for uncapacitated covering without extra rows (each row covered
// min(k, options) times): the covering MIP on a subset of the rows (the ones with the
// fewest options first), its solution checked against every row, violated rows added
// (fewest options first), repeated under the remaining time limit. Each sub-MIP is a
// relaxation of the full one, so its bound is a lower bound for the full problem; the
// answer is optimal when the last sub-MIP is optimal and covers every row. When time
// runs out: the cheapest full cover seen (start, or a sub-solution completed greedily),
// with the best bound found. mip_solves counts the sub-MIPs.
Solution solve_cover_rowgen(const Reduced& r, int k, const PlacementInput& in, const std::vector<char>& start,
                            std::size_t& mip_solves, int& rounds) {
  const double started = cpu_seconds();
  auto remaining_s = [&] { return in.time_limit_s - (cpu_seconds() - started); };
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
    const double left = remaining_s();
    if (left <= 0.5) break;
    const Reduced sub = with_rows(r, chosen);
    PlacementInput sub_in = in;
    sub_in.time_limit_s = left;
    Solution s = solve_cover(sub, k, sub_in, false, {}, incumbent.empty() ? nullptr : &incumbent);
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

// Plain covering (LSCP with k = 1, uncapacitated, no cut rows). A greedy cover, improved
// by the local search; a lower bound from the LP relaxation (row generation), rounded up
// when costs are integral. When the cover costs no more than the bound it is optimal
// without a MIP (the usual case on large geographic instances, whose LP alone has
// thousands of binding rows). Otherwise CBC decides, started from the cover: on the whole
// model, or by row generation from PlacementInput::rowgen_min_nonzeros nonzeros (a root LP
// over tens of millions of nonzeros ignores CBC's time limit). One CPU time limit for all.
Solution solve_plain_cover(const Reduced& r, const PlacementInput& in, std::size_t& mip_solves, std::string& method) {
  const double started = cpu_seconds();
  const double deadline = started + in.time_limit_s;
  // Search budget: about 1e9 score updates, at most 100,000 swaps; deterministic, unlike a clock.
  const std::size_t budget = search_budget(r, 1e9, 100000);
  const double step = cost_step(r);
  const double no_bound = -std::numeric_limits<double>::infinity();
  std::size_t iterations = 0, total_iterations = 0;
  std::vector<char> best = greedy_cover(r, 1);
  double best_cost = cover_cost(r, best);
  double bound = no_bound;
  std::string lp_note = "greedy start";
  if (in.heuristics) {
    // 1. A short search from the greedy cover (no target yet).
    best = local_search_cover(r, best, no_bound, std::min<std::size_t>(budget / 4, 5000), deadline, iterations);
    total_iterations += iterations;
    best_cost = cover_cost(r, best);
    // 2. The LP bound, until it proves the cover optimal (costs in steps: above cost − step).
    const CoverLp lp = lp_cover_bound(r, 1, step > 0.0 ? best_cost - step + 1e-6 * step : best_cost,
                                      started + 0.5 * in.time_limit_s);
    bound = std::isnan(lp.bound) ? no_bound : integral_bound(r, lp.bound);
    lp_note = "LP bound " + std::to_string(lp.rounds) + " rounds, " + std::to_string(lp.rows) + " rows";
  }
  // 3. The rest of the search, towards the bound.
  if (in.heuristics && best_cost > bound + 1e-6) {
    best = local_search_cover(r, best, bound, budget - total_iterations, deadline, iterations);
    total_iterations += iterations;
    best_cost = cover_cost(r, best);
  }
  Solution s;
  s.open = best;
  s.from_mip = true;  // the bound is reported through finish()
  s.mip.has_solution = true;
  s.mip.objective = best_cost;
  s.mip.bound = bound;
  if (best_cost <= bound + 1e-6) {
    s.mip.proven_optimal = true;
    method = "local search (" + std::to_string(total_iterations) + " swaps), " + lp_note;
    return s;
  }
  // 4. CBC from the search's cover.
  PlacementInput rest = in;
  rest.time_limit_s = std::max(1.0, deadline - cpu_seconds());
  const bool rowgen = r.row_col.size() >= in.rowgen_min_nonzeros;
  int rounds = 0;
  Solution m;
  if (rowgen) {
    m = solve_cover_rowgen(r, 1, rest, best, mip_solves, rounds);
  } else {
    m = solve_cover(r, 1, rest, false, {}, &best);
    ++mip_solves;
  }
  if (m.from_mip && m.mip.has_solution && !m.open.empty()) {
    const double c = cover_cost(r, m.open);
    if (c < best_cost - 1e-9 || (m.mip.proven_optimal && c <= best_cost + 1e-9)) {
      s.open = m.open;
      best_cost = c;
    }
    const double b = m.mip.proven_optimal ? c : m.mip.bound;
    if (std::isfinite(b)) bound = std::max(bound, integral_bound(r, b));
  }
  s.mip.objective = best_cost;
  s.mip.bound = std::min(bound, best_cost);
  s.mip.proven_optimal = bound >= best_cost - 1e-6;
  s.mip.time_limit = !s.mip.proven_optimal;
  method = std::string(s.mip.proven_optimal ? "cbc" : "cbc (time limit)") +
           (rowgen ? ", row generation (" + std::to_string(rounds) + " rounds)" : std::string()) + ", local search (" +
           std::to_string(total_iterations) + " swaps), " + lp_note;
  return s;
}

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

}  // namespace

PlacementResult solve_placement(const PlacementInput& in) {
  PlacementResult out;
  const Coverage& cov = *in.coverage;
  const bool pm = in.problem == Problem::pmedian;
  const bool pc = in.problem == Problem::pcenter;
  const bool cap = !in.capacity.empty() &&
                   std::any_of(in.capacity.begin(), in.capacity.end(), [](double c) { return std::isfinite(c); });
  // Dominance (a column whose rows another no dearer column covers too) is only safe
  // when one covering site per row is enough: with k ≥ 2 both may be needed.
  const bool can_drop = !cap && !pm && !pc && !std::isfinite(in.money) && in.k <= 1 && in.survival == nullptr;
  // With capacities, MCLP and p-median value each demand's served load at weight/load;
  // merging rows of different ratios would force them to the same served fraction.
  const bool ratio_key = cap && (in.problem == Problem::mclp || pm);
  Prepared prep = prepare(in, std::numeric_limits<double>::infinity(), pm || pc, can_drop, ratio_key);
  Reduced& r = prep.r;
  out.rows_before = cov.demands;
  out.rows_after = r.rows();
  out.columns_before = cov.sites;
  out.columns_after = r.cols();
  out.uncoverable = prep.uncoverable;
  // Survival rows (LSCP, MCLP) in reduced columns, with the demand's row.
  std::vector<std::vector<std::uint32_t>> survive_cols;
  std::vector<std::uint32_t> survive_row;
  std::vector<std::uint32_t> cannot_survive;  // demands some cut leaves without any site
  if (in.survival && (in.problem == Problem::lscp || in.problem == Problem::mclp)) {
    std::vector<std::uint32_t> col_of_site(cov.sites, kNone);
    for (std::uint32_t c = 0; c < r.cols(); ++c) col_of_site[r.col_site[c]] = c;
    const SurvivalRows& sv = *in.survival;
    for (std::size_t q = 0; q < sv.rows(); ++q) {
      std::vector<std::uint32_t> cols;
      for (std::uint32_t e = sv.first[q]; e < sv.first[q + 1]; ++e)
        if (col_of_site[sv.sites[e]] != kNone) cols.push_back(col_of_site[sv.sites[e]]);
      const std::uint32_t row = r.row_of_demand[sv.demand[q]];
      if (row == kNone) continue;  // no option at all: already uncoverable
      if (cols.empty()) cannot_survive.push_back(sv.demand[q]);
      survive_cols.push_back(std::move(cols));
      survive_row.push_back(row);
    }
    std::sort(cannot_survive.begin(), cannot_survive.end());
    cannot_survive.erase(std::unique(cannot_survive.begin(), cannot_survive.end()), cannot_survive.end());
  }
  const double total_weight = [&] {
    double w = 0.0;
    for (std::size_t d = 0; d < cov.demands; ++d) w += value_or(in.weight, d, 1.0);
    return w;
  }();

  if (in.problem == Problem::lscp) {
    if (!prep.uncoverable.empty()) {
      out.status = SolveStatus::infeasible;
      out.reason = std::to_string(prep.uncoverable.size()) + " demand features have fewer than " +
                   std::to_string(in.k) + " candidate sites within the budget";
      return out;
    }
    if (!cannot_survive.empty()) {
      out.status = SolveStatus::infeasible;
      out.uncoverable = cannot_survive;
      out.reason = std::to_string(cannot_survive.size()) +
                   " demand features lose every candidate site within the budget under some fibre cut";
      return out;
    }
    const bool plain = !cap && in.k <= 1 && survive_cols.empty();
    std::string method;
    // Backup coverage (k ≥ 2) on large models: row generation too (the whole model's
    // root LP would ignore CBC's time limit).
    const bool backup_rowgen = !plain && !cap && survive_cols.empty() && r.row_col.size() >= in.rowgen_min_nonzeros;
    int backup_rounds = 0;
    Solution s = plain           ? solve_plain_cover(r, in, out.mip_solves, method)
                 : backup_rowgen ? solve_cover_rowgen(r, in.k, in, greedy_cover(r, in.k), out.mip_solves, backup_rounds)
                                 : solve_cover(r, in.k, in, false, survive_cols);
    if (!plain && !backup_rowgen) ++out.mip_solves;
    if (in.survival && !s.from_mip) s.open.clear();  // the greedy start ignores cuts
    if (s.open.empty() && r.cols() > 0) {
      out.status = s.mip.proven_infeasible ? SolveStatus::infeasible : SolveStatus::no_solution;
      out.reason = s.mip.proven_infeasible ? "capacities cannot hold every demand's load" : "no solution within the time limit";
      return out;
    }
    s.open.resize(r.cols(), 0);
    double cost = 0.0;
    for (std::size_t j = 0; j < r.cols(); ++j) cost += s.open[j] ? r.col_cost[j] : 0.0;
    finish(in, r, s, false, cost, out);
    if (plain) {
      out.method = method;
      if (std::isnan(out.bound)) out.bound = -std::numeric_limits<double>::infinity();
    }
    if (backup_rowgen) {
      out.method = std::string(out.status == SolveStatus::optimal ? "cbc" : "cbc (time limit)") + ", row generation (" +
                   std::to_string(backup_rounds) + " rounds)";
      if (std::isnan(out.bound)) out.bound = -std::numeric_limits<double>::infinity();
    }
    if (!capacitated(r) && out.status != SolveStatus::optimal)
      out.bound = std::max(out.bound, lagrangian_cover_bound(r, in.k));
    // Costs in steps (unit costs: whole sites): no plan costs less than the bound rounded up.
    if (out.status != SolveStatus::optimal && std::isfinite(out.bound)) {
      out.bound = std::min(out.objective, integral_bound(r, out.bound));
      if (out.bound >= out.objective - 1e-9) {
        out.status = SolveStatus::optimal;
        out.gap = 0.0;
        out.reason.clear();
      }
    }
    if (out.status != SolveStatus::optimal && !std::isnan(out.bound))
      out.gap = std::abs(out.objective - out.bound) / std::max(out.objective, kEps);
    std::vector<char> site_open(cov.sites, 0);
    for (std::uint32_t j : out.open) site_open[j] = 1;
    assign_nearest(in, site_open, std::numeric_limits<double>::infinity(), out);
    return out;
  }

  if (in.problem == Problem::mclp) {
    // When p new sites can cover every coverable demand, that is optimal: no plan covers
    // more than all of it. A greedy cover proves it without a MIP (uncapacitated, plain).
    if (!cap && !in.survival && !std::isfinite(in.money)) {
      Reduced unit = r;
      for (std::size_t j = 0; j < unit.cols(); ++j) unit.col_cost[j] = unit.col_existing[j] ? 0.0 : 1.0;
      const std::vector<char> cover = greedy_cover(unit, 1);
      int count = 0;
      for (std::size_t j = 0; j < r.cols(); ++j) count += cover[j] && !r.col_existing[j];
      if (count <= in.p) {
        Solution s;
        s.open = cover;
        double all = 0.0;
        for (double w : r.row_weight) all += w;
        finish(in, r, s, true, all, out);
        out.bound = all;
        out.gap = 0.0;
        out.status = SolveStatus::optimal;
        out.method = "greedy cover (every coverable demand covered)";
        std::vector<char> site_open(cov.sites, 0);
        for (std::uint32_t j : out.open) site_open[j] = 1;
        assign_nearest(in, site_open, std::numeric_limits<double>::infinity(), out);
        return out;
      }
    }
    // Large plain models: no MIP (CBC's root LP over them ignores its time limit).
    if (!cap && !in.survival && !std::isfinite(in.money) && r.row_col.size() >= in.rowgen_min_nonzeros) {
      const MaxCover m = max_cover_search(r, in.p, cpu_seconds() + in.time_limit_s);
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
      std::vector<char> site_open(cov.sites, 0);
      for (std::uint32_t j : out.open) site_open[j] = 1;
      assign_nearest(in, site_open, std::numeric_limits<double>::infinity(), out);
      return out;
    }
    Mip mip;
    const std::vector<int> x = site_columns(mip, r, false);
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
    for (std::size_t q = 0; q < survive_cols.size(); ++q) {
      std::vector<int> cols{y[survive_row[q]]};
      std::vector<double> coefs{1.0};
      for (std::uint32_t c : survive_cols[q]) {
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
    Solution s;
    const std::vector<char> greedy = greedy_max_cover(r, in.p, in.money);
    std::vector<double> start;
    if (!cap) start = start_vector(mip, x, greedy);
    s.mip = mip.solve(in.time_limit_s, in.threads, start);
    ++out.mip_solves;
    if (s.mip.has_solution) {
      s.open = open_from(s.mip, x);
      s.from_mip = true;
    } else if (!s.mip.proven_infeasible && !cap && !in.survival) {
      s.open = greedy;
    } else {
      out.status = s.mip.proven_infeasible ? SolveStatus::infeasible : SolveStatus::no_solution;
      out.reason = s.mip.proven_infeasible ? "fixed sites exceed p or the money budget" : "no solution within the time limit";
      return out;
    }
    // Covered weight of the chosen sites (uncapacitated: any open option; capacitated: y).
    double covered = 0.0;
    for (std::uint32_t i = 0; i < r.rows(); ++i) {
      if ((cap || in.survival) && s.from_mip) {
        covered += r.row_weight[i] * std::round(s.mip.x[static_cast<std::size_t>(y[i])] * 1e9) / 1e9;
        continue;
      }
      bool any = false;
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) any = any || s.open[r.row_col[e]];
      covered += any ? r.row_weight[i] : 0.0;
    }
    finish(in, r, s, true, covered, out);
    std::vector<char> site_open(cov.sites, 0);
    for (std::uint32_t j : out.open) site_open[j] = 1;
    assign_nearest(in, site_open, std::numeric_limits<double>::infinity(), out);
    (void)total_weight;
    return out;
  }

  // p-median and p-center need every demand to have an option.
  if (!prep.uncoverable.empty()) {
    out.status = SolveStatus::infeasible;
    out.reason = std::to_string(prep.uncoverable.size()) + " demand features have no candidate site within the budget";
    return out;
  }

  if (pm) {
    Mip mip;
    const std::vector<int> x = site_columns(mip, r, false);
    std::vector<double> z_cost(r.row_col.size());
    for (std::uint32_t i = 0; i < r.rows(); ++i)
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) z_cost[e] = r.row_weight[i] * r.row_lat[e];
    std::vector<int> z;
    add_assignment(mip, r, x, z, z_cost, {});
    add_count_row(mip, r, x, in.p, true);
    Solution s;
    s.mip = mip.solve(in.time_limit_s, in.threads, {});
    ++out.mip_solves;
    if (!s.mip.has_solution) {
      out.status = s.mip.proven_infeasible ? SolveStatus::infeasible : SolveStatus::no_solution;
      out.reason = s.mip.proven_infeasible ? "no p sites can serve every demand within the budget and capacities"
                                           : "no solution within the time limit";
      return out;
    }
    s.open = open_from(s.mip, x);
    s.from_mip = true;
    finish(in, r, s, false, s.mip.objective / std::max(total_weight, kEps), out);
    if (!std::isnan(out.bound)) out.bound /= std::max(total_weight, kEps);
    if (s.mip.proven_optimal) out.bound = out.objective;
    out.gap = s.mip.proven_optimal ? 0.0 : std::abs(out.objective - out.bound) / std::max(out.objective, kEps);
    std::vector<char> site_open(cov.sites, 0);
    for (std::uint32_t j : out.open) site_open[j] = 1;
    assign_nearest(in, site_open, std::numeric_limits<double>::infinity(), out);
    return out;
  }

  // p-center: the least threshold T among the distinct latencies such that the demand
  // can be covered within T by at most p new sites. A test at T: a greedy cover with at
  // most p new sites proves "yes", a Lagrangian bound above p proves "no" (uncapacitated),
  // otherwise an exact covering MIP decides. The lower bound max_i min_j d_ij is tried
  // first (it is the answer whenever p is generous), then the thresholds are bisected.
  // time_limit_s bounds the whole search; when it runs out the result is the best
  // threshold found, with the highest threshold below which every test said "no" as bound.
  // Process CPU time, as CBC counts its own time limit (CBC's default time mode).
  const double started = cpu_seconds();
  auto remaining_s = [&] { return in.time_limit_s - (cpu_seconds() - started); };
  std::vector<double> values(r.row_lat.begin(), r.row_lat.end());
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  double lower = 0.0;  // every demand needs some option: T ≥ max_i min_j d_ij
  for (std::uint32_t i = 0; i < r.rows(); ++i) {
    double m = std::numeric_limits<double>::infinity();
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) m = std::min(m, r.row_lat[e]);
    lower = std::max(lower, m);
  }
  std::size_t lo = static_cast<std::size_t>(std::lower_bound(values.begin(), values.end(), lower) - values.begin());
  std::size_t hi = values.size() - 1;
  enum class Verdict { yes, no, unknown };
  auto new_sites = [&](const Reduced& rr, const std::vector<char>& open) {
    int count = 0;
    for (std::size_t j = 0; j < rr.cols(); ++j) count += open[j] && !rr.col_existing[j];
    return count;
  };
  double plan_worst = kUnreached;  // worst latency of the last feasible plan (uncapacitated)
  std::size_t lp_solves = 0, search_swaps = 0;
  auto test = [&](double t, std::vector<char>& open, double cbc_s) {
    plan_worst = kUnreached;
    // Without capacities the test is plain covering with unit costs: dominated columns
    // (under unit costs) and dominated rows go.
    PlacementInput unit = in;
    if (!cap) unit.cost.clear();
    Prepared pt = prepare(unit, t, false, !cap, false, !cap);
    if (!pt.uncoverable.empty()) return Verdict::no;
    auto keep = [&](const std::vector<char>& chosen) {
      open.assign(cov.sites, 0);
      for (std::size_t j = 0; j < pt.r.cols(); ++j)
        if (chosen[j]) open[pt.r.col_site[j]] = 1;
      // The plan's own worst latency may lie below t: every threshold from it up is
      // feasible too, so the search can skip to it.
      double worst_open = 0.0;
      for (std::uint32_t d = 0; d < cov.demands; ++d) {
        double m = kUnreached;
        for (std::uint32_t e = cov.first[d]; e < cov.first[d + 1]; ++e)
          if (open[cov.site[e]]) m = std::min(m, cov.latency_us[e]);
        worst_open = std::max(worst_open, m);
      }
      if (!cap && worst_open < t) plan_worst = worst_open;
      return Verdict::yes;
    };
    std::vector<char> start;
    std::vector<std::uint32_t> lp_rows;
    if (!cap) {
      // Unit costs (existing sites 0): a plan's cost is its number of new sites. A greedy
      // cover within p says yes; an LP bound above p says no; then the local search.
      const std::vector<char> greedy = greedy_cover(pt.r, 1);
      if (new_sites(pt.r, greedy) <= in.p) return keep(greedy);
      const double deadline = cpu_seconds() + std::max(0.0, remaining_s());
      CoverLp lp = lp_cover_bound(pt.r, 1, in.p + 1.0 - 1e-6, deadline);
      lp_rows = std::move(lp.row_ids);
      ++lp_solves;
      // (PlacementInput::heuristics off: only CBC decides; tests reach it that way.)
      if (in.heuristics && !std::isnan(lp.bound) && integral_bound(pt.r, lp.bound) > in.p + 0.5) return Verdict::no;
      std::size_t iterations = 0;
      const std::size_t budget = search_budget(pt.r, 2.5e8, 25000);
      if (in.heuristics) {
        start = local_search_cover(pt.r, greedy, in.p, budget, deadline, iterations);
        search_swaps += iterations;
        if (new_sites(pt.r, start) <= in.p) return keep(start);
      }
    }
    // CBC: is there a plan with at most p new sites (unit costs: at most p + 0.001, so
    // that nodes whose LP bound exceeds p are pruned at once)? Large
    // uncapacitated models ask it of the LP's rows first (a relaxation: "no" there is
    // "no"), adding the rows its plan leaves uncovered until the plan covers every row.
    const double cbc_deadline = cpu_seconds() + std::max(1.0, cbc_s);
    std::vector<std::uint32_t> rows;
    if (!cap && pt.r.row_col.size() >= in.rowgen_min_nonzeros && !lp_rows.empty()) rows = lp_rows;
    while (true) {
      Reduced part;
      if (!rows.empty()) part = with_rows(pt.r, rows);
      const Reduced* model = rows.empty() ? &pt.r : &part;
      PlacementInput sub = in;
      sub.time_limit_s = std::max(1.0, cbc_deadline - cpu_seconds());
      ++out.mip_solves;
      Solution s = solve_cover(*model, 1, sub, true, {}, start.empty() ? nullptr : &start, in.p + 1e-3);
      if (s.open.empty()) return s.mip.proven_infeasible ? Verdict::no : Verdict::unknown;
      if (new_sites(pt.r, s.open) > in.p) return Verdict::unknown;
      std::vector<std::uint32_t> violated;
      if (!rows.empty())
        for (std::uint32_t i = 0; i < pt.r.rows(); ++i) {
          bool covered = false;
          for (std::uint32_t e = pt.r.row_first[i]; e < pt.r.row_first[i + 1] && !covered; ++e)
            covered = s.open[pt.r.row_col[e]] != 0;
          if (!covered) violated.push_back(i);
        }
      if (violated.empty()) return keep(s.open);
      if (cpu_seconds() >= cbc_deadline) return Verdict::unknown;
      rows.insert(rows.end(), violated.begin(), violated.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(violated.size(), 1000)));
    }
  };
  std::vector<char> best_open;
  // Bisection between lo (every threshold below it proven "no") and hi (proven "yes").
  // A "no" at any threshold proves every lower one "no" too, so lo only rises; an
  // undecided test (CBC out of its share of time) raises only the probing floor, and the
  // search goes on above it for a better plan.
  std::size_t floor = lo;
  {
    std::vector<char> open;
    const Verdict at_lower = test(values[lo], open, remaining_s());
    if (at_lower == Verdict::yes) {
      hi = lo;
      best_open = std::move(open);
    } else {
      if (at_lower == Verdict::no) ++lo;
      floor = lo + (at_lower == Verdict::no ? 0 : 1);
      const Verdict at_top = test(values[hi], best_open, remaining_s());
      if (at_top == Verdict::yes && plan_worst < values[hi])
        hi = std::max(lo, static_cast<std::size_t>(std::lower_bound(values.begin(), values.end(), plan_worst) - values.begin()));
      if (at_top != Verdict::yes) {
        out.status = at_top == Verdict::no ? SolveStatus::infeasible : SolveStatus::no_solution;
        out.reason = at_top == Verdict::no ? "p sites cannot cover every demand within the budget"
                                           : "no solution within the time limit";
        return out;
      }
    }
  }
  while (std::max(lo, floor) < hi && remaining_s() > 0) {
    const std::size_t from = std::max(lo, floor);
    const std::size_t mid = from + (hi - from) / 2;
    std::vector<char> open;
    // CBC gets at most half of the limit per test, so one hard threshold cannot
    // take the whole search.
    switch (test(values[mid], open, std::min(remaining_s(), 0.5 * in.time_limit_s))) {
      case Verdict::yes:
        hi = mid;
        if (plan_worst < values[mid])
          hi = std::max(lo, static_cast<std::size_t>(std::lower_bound(values.begin(), values.end(), plan_worst) - values.begin()));
        best_open = std::move(open);
        break;
      case Verdict::no: lo = std::max(lo, mid + 1); break;
      case Verdict::unknown: floor = mid + 1; break;
    }
  }
  for (std::uint32_t j = 0; j < best_open.size(); ++j)
    if (best_open[j]) out.open.push_back(j);
  assign_nearest(in, best_open, std::numeric_limits<double>::infinity(), out);
  double worst = 0.0;
  for (double l : out.assigned_latency_us) worst = std::max(worst, l);
  // With capacities a demand may have to be served by a farther site than its nearest
  // open one: the worst latency is the threshold whose capacitated cover succeeded.
  if (cap) worst = values[hi];
  out.objective = worst;
  const bool optimal = lo >= hi || worst <= values[lo];
  out.bound = optimal ? worst : values[lo];
  out.status = optimal ? SolveStatus::optimal : SolveStatus::feasible;
  out.gap = optimal ? 0.0 : std::abs(out.objective - out.bound) / std::max(out.objective, kEps);
  out.method = "threshold search (greedy, " + std::to_string(lp_solves) + " LP bounds, " + std::to_string(search_swaps) +
               " local-search swaps, " + std::to_string(out.mip_solves) + " cbc)";
  if (!optimal) out.reason = "time limit: the worst latency lies between the bound and the objective";
  return out;
}

}  // namespace lightcone
