#include "placement/heuristics.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <queue>
#include <utility>

#include "placement/bounds.hpp"
#include "placement/detail.hpp"
#include "placement/parallel.hpp"

namespace lightcone::placement_detail {
namespace {

// Lazy greedy's queue of (score, column): highest score on top, ties to the lower column.
using Entry = std::pair<double, std::size_t>;
struct LowerEntry {
  bool operator()(const Entry& a, const Entry& b) const {
    return a.first < b.first || (a.first == b.first && a.second > b.second);
  }
};
using LazyQueue = std::priority_queue<Entry, std::vector<Entry>, LowerEntry>;

}  // namespace

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
  const LowerEntry lower;
  LazyQueue queue(lower);
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

CapacitatedCover greedy_capacitated_cover(const Reduced& r, int p, std::span<const double> pair_lat) {
  const std::size_t nr = r.rows(), nc = r.cols();
  CapacitatedCover out;
  out.open.assign(nc, 0);
  std::vector<double> unplaced(r.row_load.begin(), r.row_load.end());
  double total = 0.0;
  for (double l : unplaced) total += l;
  const double tol = 1e-9 * std::max(1.0, total);
  const ColumnRows col_rows(r);
  // Each column's rows in the order it serves them: fewest options, then lower latency.
  std::vector<double> lat_in_col(col_rows.row.size(), 0.0);
  {
    std::vector<std::uint32_t> at(col_rows.first.begin(), col_rows.first.end() - 1);
    for (std::uint32_t i = 0; i < nr; ++i)
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) lat_in_col[at[r.row_col[e]]++] = pair_lat[e];
  }
  std::vector<std::vector<std::uint32_t>> order(nc);
  for (std::size_t j = 0; j < nc; ++j) {
    std::vector<std::uint32_t> k(col_rows.first[j + 1] - col_rows.first[j]);
    std::iota(k.begin(), k.end(), 0u);
    const std::uint32_t base = col_rows.first[j];
    std::stable_sort(k.begin(), k.end(), [&](std::uint32_t a, std::uint32_t b) {
      const std::uint32_t ra = col_rows.row[base + a], rb = col_rows.row[base + b];
      const std::uint32_t da = r.row_first[ra + 1] - r.row_first[ra], db = r.row_first[rb + 1] - r.row_first[rb];
      if (da != db) return da < db;
      if (lat_in_col[base + a] != lat_in_col[base + b]) return lat_in_col[base + a] < lat_in_col[base + b];
      return ra < rb;
    });
    for (std::uint32_t& x : k) x = col_rows.row[base + x];
    order[j] = std::move(k);
  }
  auto capacity = [&](std::size_t j) { return r.col_cap.empty() ? std::numeric_limits<double>::infinity() : r.col_cap[j]; };
  // Latency of (row, column) pairs in each column's serving order.
  std::vector<std::vector<double>> order_lat(nc);
  for (std::size_t j = 0; j < nc; ++j)
    for (std::uint32_t i : order[j]) {
      const auto b = r.row_col.begin() + r.row_first[i], e = r.row_col.begin() + r.row_first[i + 1];
      order_lat[j].push_back(pair_lat[static_cast<std::size_t>(std::lower_bound(b, e, j) - r.row_col.begin())]);
    }
  auto take = [&](std::size_t j) {
    out.open[j] = 1;
    double left = capacity(j);
    for (std::size_t k = 0; k < order[j].size(); ++k) {
      if (left <= 0.0) break;
      const std::uint32_t i = order[j][k];
      const double x = std::min(left, unplaced[i]);
      if (x <= 0.0) continue;
      unplaced[i] -= x;
      left -= x;
      out.worst_used = std::max(out.worst_used, order_lat[j][k]);
    }
  };
  int new_sites = 0;
  for (std::size_t j = 0; j < nc; ++j)
    if (r.col_fixed[j]) {
      take(j);
      new_sites += r.col_existing[j] ? 0 : 1;
    }
  auto left_over = [&] {
    double s = 0.0;
    for (double u : unplaced) s += u;
    return s;
  };
  while (new_sites < p && left_over() > tol) {
    std::size_t best = nc;
    double best_gain = tol;
    for (std::size_t j = 0; j < nc; ++j) {
      if (out.open[j]) continue;
      double load = 0.0;
      for (std::uint32_t i : col_rows[j]) load += unplaced[i];
      const double gain = std::min(capacity(j), load);
      if (gain > best_gain) best_gain = gain, best = j;
    }
    if (best == nc) break;  // no column can place any more load
    take(best);
    ++new_sites;
  }
  out.serves_all = left_over() <= tol;
  return out;
}

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
  const LowerEntry lower;
  LazyQueue queue(lower);
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

namespace {

// The state of local_search_cover. m_score[j]: closed j: weight of the uncovered rows it
// would cover; open j: minus the weight of the rows only j covers. m_sole[i] (XOR of the
// open columns covering i) names the only one when m_count[i] = 1.
class RowWeightingSearch {
 public:
  explicit RowWeightingSearch(const Reduced& r)
      : m_r(r), m_col_rows(r), m_score(r.cols(), 0), m_weight(r.rows(), 1), m_count(r.rows(), 0),
        m_sole(r.rows(), 0), m_slot(r.rows(), kNone), m_stamp(r.cols(), 0), m_open(r.cols(), 0) {
    for (std::uint32_t i = 0; i < r.rows(); ++i) {
      m_slot[i] = static_cast<std::uint32_t>(m_uncovered.size());
      m_uncovered.push_back(i);
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) ++m_score[r.row_col[e]];
    }
  }

  std::vector<char> run(const std::vector<char>& start, double target_cost, std::size_t max_iterations,
                        const Deadline& deadline, std::size_t& iterations);

 private:
  void cover_row(std::uint32_t i) {
    const std::uint32_t p = m_slot[i];
    m_uncovered[p] = m_uncovered.back();
    m_slot[m_uncovered[p]] = p;
    m_uncovered.pop_back();
    m_slot[i] = kNone;
  }

  void add(std::uint32_t j) {
    m_open[j] = 1;
    m_score[j] = -m_score[j];
    for (const std::uint32_t i : m_col_rows[j]) {
      if (m_count[i] == 0) {
        for (std::uint32_t e = m_r.row_first[i]; e < m_r.row_first[i + 1]; ++e)
          if (m_r.row_col[e] != j) m_score[m_r.row_col[e]] -= m_weight[i];
        cover_row(i);
      } else if (m_count[i] == 1) {
        m_score[m_sole[i]] += m_weight[i];
      }
      ++m_count[i];
      m_sole[i] ^= j;
    }
    if (!m_r.col_fixed[j]) m_members.push_back(j);
  }

  void remove(std::uint32_t j) {
    m_open[j] = 0;
    m_score[j] = -m_score[j];
    for (const std::uint32_t i : m_col_rows[j]) {
      --m_count[i];
      m_sole[i] ^= j;
      if (m_count[i] == 0) {
        for (std::uint32_t e = m_r.row_first[i]; e < m_r.row_first[i + 1]; ++e)
          if (m_r.row_col[e] != j) m_score[m_r.row_col[e]] += m_weight[i];
        m_slot[i] = static_cast<std::uint32_t>(m_uncovered.size());
        m_uncovered.push_back(i);
      } else if (m_count[i] == 1) {
        m_score[m_sole[i]] -= m_weight[i];
      }
    }
    m_members.erase(std::find(m_members.begin(), m_members.end(), j));
  }

  double ratio(std::uint32_t j) const { return static_cast<double>(m_score[j]) / std::max(m_r.col_cost[j], kEps); }

  bool better(std::uint32_t a, std::uint32_t b) const {  // a preferred over b (b may be kNone)
    if (b == kNone) return true;
    const double ra = ratio(a), rb = ratio(b);
    return ra > rb || (ra == rb && (m_stamp[a] < m_stamp[b] || (m_stamp[a] == m_stamp[b] && a < b)));
  }

  std::uint64_t next() {  // xorshift64, fixed seed
    m_rng ^= m_rng << 13;
    m_rng ^= m_rng >> 7;
    m_rng ^= m_rng << 17;
    return m_rng;
  }

  const Reduced& m_r;
  const ColumnRows m_col_rows;
  std::vector<std::int64_t> m_score, m_weight;
  std::vector<std::uint32_t> m_count, m_sole, m_slot, m_uncovered;
  std::vector<std::size_t> m_stamp;
  std::vector<char> m_open;
  std::vector<std::uint32_t> m_members;  // open columns that may close (not fixed)
  std::uint64_t m_rng = 0x9e3779b97f4a7c15ull;
};

std::vector<char> RowWeightingSearch::run(const std::vector<char>& start, double target_cost,
                                          std::size_t max_iterations, const Deadline& deadline, std::size_t& iterations) {
  for (std::uint32_t j = 0; j < m_r.cols(); ++j)
    if (start[j] || m_r.col_fixed[j]) add(j);
  std::vector<char> best = m_open;
  double cost = cover_cost(m_r, m_open);
  double best_cost = m_uncovered.empty() ? cost : std::numeric_limits<double>::infinity();
  std::uint32_t last_added = kNone;
  for (std::size_t it = 1; it <= max_iterations; ++it) {
    iterations = it;
    while (m_uncovered.empty()) {
      if (cost < best_cost - kEps) {
        best_cost = cost;
        best = m_open;
      }
      if (best_cost <= target_cost + kEps || m_members.empty()) return best;
      std::uint32_t drop = kNone;
      for (std::uint32_t j : m_members)
        if (better(j, drop)) drop = j;
      remove(drop);
      cost -= m_r.col_cost[drop];
      m_stamp[drop] = it;
    }
    if ((it & 255u) == 0 && deadline.expired()) break;
    std::uint32_t drop = kNone;
    for (std::uint32_t j : m_members)
      if (j != last_added && better(j, drop)) drop = j;
    if (drop != kNone) {
      remove(drop);
      cost -= m_r.col_cost[drop];
      m_stamp[drop] = it;
    }
    const std::uint32_t row = m_uncovered[next() % m_uncovered.size()];
    std::uint32_t take = kNone;
    for (std::uint32_t e = m_r.row_first[row]; e < m_r.row_first[row + 1]; ++e)
      if (m_r.row_col[e] != drop && better(m_r.row_col[e], take)) take = m_r.row_col[e];
    if (take == kNone) take = drop;  // the row's only option
    add(take);
    cost += m_r.col_cost[take];
    m_stamp[take] = it;
    last_added = take;
    for (std::uint32_t i : m_uncovered) {
      ++m_weight[i];
      for (std::uint32_t e = m_r.row_first[i]; e < m_r.row_first[i + 1]; ++e) ++m_score[m_r.row_col[e]];
    }
  }
  if (m_uncovered.empty() && cost < best_cost - kEps) best = m_open;
  return best;
}

}  // namespace

std::vector<char> local_search_cover(const Reduced& r, const std::vector<char>& start, double target_cost,
                                     std::size_t max_iterations, const Deadline& deadline, std::size_t& iterations) {
  iterations = 0;
  RowWeightingSearch search(r);
  return search.run(start, target_cost, max_iterations, deadline, iterations);
}

std::size_t search_budget(const Reduced& r, double work, std::size_t most) {
  const double col_len = static_cast<double>(r.row_col.size()) / std::max<double>(1.0, static_cast<double>(r.cols()));
  const double row_len = static_cast<double>(r.row_col.size()) / std::max<double>(1.0, static_cast<double>(r.rows()));
  return static_cast<std::size_t>(std::clamp(work / (2.0 * col_len + 10.0 * row_len + 1.0), 1000.0, static_cast<double>(most)));
}

MaxCover max_cover_search(const Reduced& r, int p, const Deadline& deadline) {
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
  for (int sweep = 0; sweep < 100 && !deadline.expired(); ++sweep) {
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
  out.bound = max_cover_bound(r, col_rows, p, out.value, deadline, out.iterations);
  return out;
}

}  // namespace lightcone::placement_detail

namespace lightcone::placement_detail {

double plan_cost(const Reduced& r, const std::vector<char>& open) {
  double cost = 0.0;
  for (std::uint32_t i = 0; i < r.rows(); ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e)
      if (open[r.row_col[e]]) best = std::min(best, r.row_lat[e]);
    if (!std::isfinite(best)) return best;
    cost += r.row_weight[i] * best;
  }
  return cost;
}

namespace {

// The interchange's pass over the columns in fixed chunks (on MedianSearchOptions::threads).
constexpr std::size_t kSwapChunks = 16;
struct SwapScratch {
  std::vector<double> extra;
  std::vector<std::uint32_t> touched;
};
struct SwapFound {
  double delta;
  std::uint32_t in, out;
};

}  // namespace

MedianPlan median_search(const Reduced& r, int p, const Deadline& deadline, const MedianSearchOptions& options) {
  const std::vector<char>* initial = options.initial;
  const std::size_t perturb_rounds = options.perturb_rounds;
  const std::span<const signed char> fix = options.fix;
  constexpr std::size_t kMaxShake = 3;
  const std::size_t nr = r.rows(), nc = r.cols();
  const LatencyRows by_row = options.rows.first.size() == nr + 1 ? options.rows : LatencyRows{};
  // Per column (rows by latency given): left out of them (pairs in r, none there: never
  // opened, as the fixing's closed ones), and whole there (every pair of r there).
  std::vector<char> left_out, whole;
  const bool every_pair = by_row.col.size() == r.row_col.size();  // then none left out, each whole
  if (!by_row.empty() && !every_pair) {
    std::vector<std::uint32_t> in_r(nc, 0), in_rows(nc, 0);
    for (const std::uint32_t j : r.row_col) ++in_r[j];
    for (const std::uint32_t j : by_row.col) ++in_rows[j];
    left_out.resize(nc);
    whole.resize(nc);
    for (std::size_t j = 0; j < nc; ++j) {
      left_out[j] = in_rows[j] == 0 && in_r[j] > 0;
      whole[j] = in_rows[j] == in_r[j];
    }
  }
  auto shut = [&](std::uint32_t j) { return (!fix.empty() && fix[j] < 0) || (!left_out.empty() && left_out[j]); };
  double unserved = 1.0;  // above any plan that serves every row
  for (std::uint32_t i = 0; i < nr; ++i) {
    double worst = 0.0;
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e)
      worst = std::max(worst, r.row_weight[i] * r.row_lat[e]);
    unserved += worst;
  }
  unserved *= 2.0;
  // From an initial plan whose open columns are whole in the rows by latency, with few
  // enough open sites for the pass by rows and no perturbations, nothing reads the pairs
  // by column: the nearest two open sites of each row come from its options by latency
  // too (the same ones), and the layout by column (every pair copied: a second per call
  // at 25 M pairs) is skipped. (Each pass by rows reads about 2 / p of the pairs where the
  // pass by column reads p columns: with the hundreds of passes of perturbations the
  // layout costs less: at 5,000² p = 10, 286 rounds fitted beside the root instead of 632.)
  bool rows_only = initial != nullptr && !by_row.empty() && perturb_rounds == 0;
  if (rows_only) {
    std::size_t members = 0;
    for (std::size_t j = 0; j < nc && rows_only; ++j)
      if ((*initial)[j]) {
        members += !r.col_fixed[j];
        rows_only = every_pair || whole[j] != 0;
      }
    rows_only = rows_only && members * nc <= kRowPassSums;
  }
  // Per column: its (row, weighted latency) pairs (unless rows_only).
  std::vector<std::uint32_t> first, row;
  std::vector<double> cost;
  if (!rows_only) {
    first.assign(nc + 1, 0);
    row.resize(r.row_col.size());
    cost.resize(r.row_col.size());
    for (std::uint32_t e = 0; e < r.row_col.size(); ++e) ++first[r.row_col[e] + 1];
    for (std::size_t j = 0; j < nc; ++j) first[j + 1] += first[j];
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (std::uint32_t i = 0; i < nr; ++i)
      for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) {
        const std::uint32_t q = fill[r.row_col[e]]++;
        row[q] = i;
        cost[q] = r.row_weight[i] * r.row_lat[e];
      }
  }
  MedianPlan out;
  out.open.assign(nc, 0);
  std::vector<char>& open = out.open;
  // A column a swap may open: new, closed in the plan, not shut.
  auto can_open = [&](std::uint32_t j) { return !(open[j] || r.col_existing[j] || shut(j)); };
  // Exactly min(p, new columns) new sites, required ones (fixed, not existing) among them.
  for (std::size_t j = 0; j < nc; ++j)
    if (r.col_fixed[j]) open[j] = 1;
  const std::size_t slots = initial ? 0 : median_free_slots(r, p);
  if (initial) open = *initial;

  std::vector<double> d1(nr, unserved), d2(nr, unserved);
  std::vector<std::uint32_t> f1(nr, kNone);
  auto nearest_two = [&] {
    std::fill(d1.begin(), d1.end(), unserved);
    std::fill(d2.begin(), d2.end(), unserved);
    std::fill(f1.begin(), f1.end(), kNone);
    if (rows_only) {
      // Each row's first two open options by latency (ties by column): the least cost and
      // the lowest column at it, as the pass by column finds them (when two columns share
      // the least cost, d2 = d1 and which one is f1 changes no sum).
      for (std::uint32_t i = 0; i < nr; ++i) {
        const double w = r.row_weight[i];
        for (std::uint32_t e = by_row.first[i], end = by_row.first[i + 1]; e < end; ++e) {
          const std::uint32_t j = by_row.col[e];
          if (!open[j]) continue;
          const double c = w * by_row.lat[e];
          if (f1[i] == kNone) {
            d1[i] = c;
            f1[i] = j;
          } else {
            d2[i] = c;
            break;
          }
        }
      }
      return;
    }
    for (std::uint32_t j = 0; j < nc; ++j) {
      if (!open[j]) continue;
      for (std::uint32_t q = first[j]; q < first[j + 1]; ++q) {
        const std::uint32_t i = row[q];
        if (cost[q] < d1[i] || (cost[q] == d1[i] && f1[i] == kNone)) {
          d2[i] = d1[i];
          d1[i] = cost[q];
          f1[i] = j;
        } else if (cost[q] < d2[i]) {
          d2[i] = cost[q];
        }
      }
    }
  };
  nearest_two();
  // 1. Greedy: the column saving the most, slots times (ties: the lowest index). Lazily
  //    (Minoux's accelerated greedy): a column's saving never grows as sites open, so the
  //    savings last computed bound the present ones, and only the head of a queue ordered
  //    by them is recomputed until it stays at the head; the same choices as recomputing
  //    every column each time. Past the deadline, the columns with the greatest bounds fill
  //    every slot left at once (a plan is always returned).
  auto gain_of = [&](std::uint32_t j) {
    double gain = 0.0;
    for (std::uint32_t q = first[j]; q < first[j + 1]; ++q) gain += std::max(0.0, d1[row[q]] - cost[q]);
    return gain;
  };
  const LowerEntry lower;
  LazyQueue queue(lower);
  if (slots > 0)
    for (std::uint32_t j = 0; j < nc; ++j)
      if (!open[j] && !r.col_existing[j] && !shut(j)) queue.emplace(gain_of(j), j);
  for (std::size_t s = 0; s < slots && !queue.empty(); ++s) {
    if (deadline.expired() && s + 1 < slots) {
      for (std::size_t q = s; q < slots && !queue.empty(); ++q) {
        open[queue.top().second] = 1;
        queue.pop();
      }
      break;
    }
    std::uint32_t best = kNone;
    while (!queue.empty()) {
      const std::uint32_t j = static_cast<std::uint32_t>(queue.top().second);
      queue.pop();
      const Entry fresh{gain_of(j), j};
      if (queue.empty() || !lower(fresh, queue.top())) {
        best = j;
        break;
      }
      queue.push(fresh);
    }
    if (best == kNone) break;
    open[best] = 1;
    for (std::uint32_t q = first[best]; q < first[best + 1]; ++q)
      if (cost[q] < d1[row[q]]) {
        d1[row[q]] = cost[q];
        f1[row[q]] = best;
      }
  }
  // 2. Fast interchange: best swap per pass, until no swap saves.
  std::vector<double> loss(nc, 0.0);
  std::vector<std::uint32_t> members;
  std::vector<std::uint32_t> col_split(kSwapChunks + 1);
  for (std::size_t c = 0; c <= kSwapChunks; ++c) col_split[c] = static_cast<std::uint32_t>(nc * c / kSwapChunks);
  std::vector<SwapFound> found(kSwapChunks);
  const unsigned swap_workers = workers_for(options.threads, r.row_col.size(), kSwapParallelPairs);
  // The pass by rows (options.rows): a column j closed in the plan gains, from row i,
  // d1 − c_ij where c_ij < d1, and gives its nearest open site k's loss back d2 − max(d1,
  // c_ij) where c_ij < d2 (extra): only the options below d2 count, a prefix of the row
  // by latency. Fixed chunks of rows by entries, each with its own sums per column and
  // per (column, member), added in chunk order: the same bits on any number of threads.
  const FixedChunks row_chunks = by_row.empty() ? FixedChunks(0, 1) : FixedChunks(by_row.first, swap_workers);
  std::vector<std::vector<double>> chunk_gain(kFixedChunks), chunk_extra(kFixedChunks);
  std::vector<char> eligible;
  std::vector<std::int32_t> slot_of;
  std::vector<double> gain_sum, extra_sum;
  // The best swap from the sums by row: the first (column ascending, members in order)
  // with the least delta, as the pass by columns finds it.
  auto row_pass = [&](double threshold, std::uint32_t& best_in, std::uint32_t& best_out) {
    const std::size_t m = members.size();
    eligible.assign(nc, 0);
    for (std::uint32_t j = 0; j < nc; ++j) eligible[j] = can_open(j);
    slot_of.assign(nc, -1);
    for (std::size_t s = 0; s < m; ++s) slot_of[members[s]] = static_cast<std::int32_t>(s);
    const std::span<const std::uint32_t> rfirst = by_row.first, rcol = by_row.col;
    const std::span<const double> rlat = by_row.lat;
    row_chunks.run([&](std::size_t c, std::uint32_t i0, std::uint32_t i1) {
      std::vector<double>& g = chunk_gain[c];
      std::vector<double>& x = chunk_extra[c];
      g.assign(nc, 0.0);
      x.assign(nc * m, 0.0);
      for (std::uint32_t i = i0; i < i1; ++i) {
        const double a = d1[i], b = d2[i], w = r.row_weight[i];
        const std::int32_t slot = f1[i] == kNone ? -1 : slot_of[f1[i]];
        for (std::uint32_t e = rfirst[i], end = rfirst[i + 1]; e < end; ++e) {
          const double cost_e = w * rlat[e];
          if (!(cost_e < b)) break;
          const std::uint32_t j = rcol[e];
          if (!eligible[j]) continue;
          if (cost_e < a) g[j] += a - cost_e;
          if (slot >= 0) x[j * m + static_cast<std::size_t>(slot)] += b - std::max(a, cost_e);
        }
      }
    });
    gain_sum.assign(nc, 0.0);
    extra_sum.assign(nc * m, 0.0);
    for (std::size_t c = 0; c < kFixedChunks; ++c) {
      for (std::size_t j = 0; j < nc; ++j) gain_sum[j] += chunk_gain[c][j];
      for (std::size_t q = 0; q < nc * m; ++q) extra_sum[q] += chunk_extra[c][q];
    }
    double best = threshold;
    best_in = best_out = kNone;
    for (std::uint32_t j = 0; j < nc; ++j) {
      if (!eligible[j]) continue;
      for (std::size_t s = 0; s < m; ++s) {
        const double delta = loss[members[s]] - gain_sum[j] - extra_sum[j * m + s];
        if (delta < best) {
          best = delta;
          best_in = j;
          best_out = members[s];
        }
      }
    }
  };
  auto interchange = [&] {
    std::size_t swaps = 0;
    while (!deadline.expired()) {
      nearest_two();
      members.clear();
      for (std::uint32_t k = 0; k < nc; ++k)
        if (open[k] && !r.col_fixed[k]) members.push_back(k);
      std::fill(loss.begin(), loss.end(), 0.0);
      double total = 0.0;
      for (std::uint32_t i = 0; i < nr; ++i) {
        total += d1[i];
        if (f1[i] != kNone) loss[f1[i]] += d2[i] - d1[i];
      }
      // The best swap of each fixed chunk of columns (the first found among equal
      // savings), then of the chunks in order: the swap a single pass in column order
      // finds, on any number of threads.
      const double threshold = -1e-9 * std::max(1.0, total);
      if (!by_row.empty() && members.size() * nc <= kRowPassSums) {
        std::uint32_t in = kNone, out_col = kNone;
        row_pass(threshold, in, out_col);
        if (in == kNone) break;
        open[out_col] = 0;
        open[in] = 1;
        ++swaps;
        continue;
      }
      parallel_blocks<SwapScratch>(kSwapChunks, 1, swap_workers, [&](SwapScratch& w, std::size_t c0, std::size_t c1) {
        if (w.extra.size() != nc) w.extra.assign(nc, 0.0);
        for (std::size_t c = c0; c < c1; ++c) {
          SwapFound& f = found[c];
          f = SwapFound{threshold, kNone, kNone};
          for (std::uint32_t j = col_split[c]; j < col_split[c + 1]; ++j) {
            if (!can_open(j)) continue;
            double gain = 0.0;
            w.touched.clear();
            for (std::uint32_t q = first[j]; q < first[j + 1]; ++q) {
              const std::uint32_t i = row[q];
              gain += std::max(0.0, d1[i] - cost[q]);
              if (f1[i] == kNone) continue;
              const double c2 = d2[i] - std::max(d1[i], std::min(d2[i], cost[q]));
              if (c2 <= 0.0) continue;
              if (w.extra[f1[i]] == 0.0) w.touched.push_back(f1[i]);
              w.extra[f1[i]] += c2;
            }
            for (const std::uint32_t k : members) {
              const double delta = loss[k] - gain - w.extra[k];
              if (delta < f.delta) f = SwapFound{delta, j, k};
            }
            for (std::uint32_t k : w.touched) w.extra[k] = 0.0;
          }
        }
      });
      double best_delta = threshold;
      std::uint32_t best_in = kNone, best_out = kNone;
      for (const SwapFound& f : found)
        if (f.in != kNone && f.delta < best_delta) {
          best_delta = f.delta;
          best_in = f.in;
          best_out = f.out;
        }
      if (best_in == kNone) break;
      open[best_out] = 0;
      open[best_in] = 1;
      ++swaps;
    }
    return swaps;
  };
  out.swaps = interchange();
  // 3. Perturbation (variable neighbourhood search, Hansen and Mladenović 1997): from the
  //    best plan, k pseudo-random swaps, then the interchange; a cheaper plan is kept and
  //    k starts again at 1, else k grows (up to kMaxShake). A fixed seed and round count.
  if (perturb_rounds > 0) {
    auto plan_total = [&] {
      nearest_two();
      double t = 0.0;
      for (double d : d1) t += d;
      return t;
    };
    std::vector<char> best_open = open;
    double best_total = plan_total();
    std::vector<std::uint32_t> in_pool, out_pool;
    std::uint64_t state = 0x9e3779b97f4a7c15ULL ^ (options.perturb_seed * 0xd1b54a32d192ed03ULL);
    auto next = [&](std::size_t n) {  // splitmix64, modulo n
      std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      z ^= z >> 31;
      return static_cast<std::size_t>(z % n);
    };
    std::size_t k = 1;
    for (std::size_t round = 0; round < perturb_rounds && !deadline.expired(); ++round) {
      open = best_open;
      for (std::size_t s = 0; s < k; ++s) {
        in_pool.clear();
        out_pool.clear();
        for (std::uint32_t j = 0; j < nc; ++j) {
          if (r.col_existing[j] || r.col_fixed[j] || (!open[j] && shut(j))) continue;
          (open[j] ? out_pool : in_pool).push_back(j);
        }
        if (in_pool.empty() || out_pool.empty()) break;
        open[out_pool[next(out_pool.size())]] = 0;
        open[in_pool[next(in_pool.size())]] = 1;
      }
      const std::size_t swaps = interchange();
      const double total = plan_total();
      ++out.rounds;
      if (total < best_total - 1e-9 * std::max(1.0, best_total)) {
        best_total = total;
        best_open = open;
        out.swaps += swaps;
        ++out.improved;
        k = 1;
      } else {
        k = k >= kMaxShake ? 1 : k + 1;
      }
    }
    open = best_open;
  }
  nearest_two();
  out.serves_all = std::none_of(f1.begin(), f1.end(), [](std::uint32_t j) { return j == kNone; });
  out.cost = 0.0;
  for (double d : d1) out.cost += d;
  return out;
}

MedianPlan median_improve(const Reduced& r, int p, const MedianPlan& h, std::span<const double> y,
                          std::span<const signed char> fix, const Deadline& deadline, std::size_t rounds, unsigned threads,
                          LatencyRows rows) {
  const std::size_t nc = r.cols();
  const double tol = 1e-9 * std::max(1.0, h.cost);
  MedianPlan best = h;
  best.rounds = best.improved = 0;
  // Each median_search first lays out every pair by column: none once the time is up.
  if (deadline.expired()) return best;
  auto perturb = [&](const MedianPlan& from, std::size_t n, const Deadline& until) {
    if (n == 0 || until.expired()) return;
    MedianSearchOptions o;
    o.initial = &from.open;
    o.perturb_rounds = n;
    o.fix = fix;
    o.threads = threads;
    o.rows = rows;
    MedianPlan q = median_search(r, p, until, o);
    const std::size_t done = best.rounds + q.rounds, gains = best.improved + q.improved;
    if (q.serves_all && q.cost < best.cost - tol) {
      q.swaps += from.swaps;
      best = std::move(q);
    }
    best.rounds = done;
    best.improved = gains;
  };
  if (y.size() == nc) {
    std::vector<char> start(nc, 0);
    std::vector<std::uint32_t> order;
    for (std::uint32_t j = 0; j < nc; ++j) {
      if (r.col_fixed[j] || r.col_existing[j]) start[j] = 1;
      else if (fix.empty() || fix[j] >= 0) order.push_back(j);
    }
    const std::size_t slots = median_free_slots(r, p);
    if (slots > 0 && slots <= order.size()) {
      std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(slots), order.end(),
                        [&](std::uint32_t a, std::uint32_t b) { return y[a] != y[b] ? y[a] > y[b] : a < b; });
      for (std::size_t q = 0; q < slots; ++q) start[order[q]] = 1;
      if (start != h.open && !deadline.expired()) {
        const Deadline half = deadline.share(0.5);
        MedianSearchOptions o;
        o.initial = &start;
        o.fix = fix;
        o.threads = threads;
        o.rows = rows;
        MedianPlan other = median_search(r, p, half, o);
        other.swaps += h.swaps;
        if (other.serves_all && other.cost < best.cost - tol) best = other;
        if (other.serves_all && other.open != h.open) perturb(other, rounds / 2, half);
      }
    }
  }
  perturb(h, rounds - std::min(rounds, best.rounds), deadline);
  return best;
}

}  // namespace lightcone::placement_detail
