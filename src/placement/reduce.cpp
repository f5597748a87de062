#include "placement/reduce.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "placement/detail.hpp"
#include "placement/parallel.hpp"

namespace lightcone::placement_detail {

ColumnRows::ColumnRows(const Reduced& r) : first(r.cols() + 1, 0), row(r.row_col.size()) {
  for (std::uint32_t c : r.row_col) ++first[c + 1];
  for (std::size_t j = 0; j < r.cols(); ++j) first[j + 1] += first[j];
  std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
  for (std::uint32_t i = 0; i < r.rows(); ++i)
    for (std::uint32_t e = r.row_first[i]; e < r.row_first[i + 1]; ++e) row[fill[r.row_col[e]]++] = i;
}

RowsByLatency::RowsByLatency(const Reduced& r, unsigned threads)
    : first(r.row_first), col(r.row_col.size()), lat(r.row_col.size()) {
  // Each row's range is its own: rows in blocks on every thread.
  struct Order {
    std::vector<std::uint32_t> e;
  };
  parallel_blocks<Order>(r.rows(), 64, threads, [&](Order& o, std::size_t b, std::size_t end) {
    for (std::size_t i = b; i < end; ++i) {
      o.e.resize(r.row_first[i + 1] - r.row_first[i]);
      std::iota(o.e.begin(), o.e.end(), r.row_first[i]);
      std::sort(o.e.begin(), o.e.end(), [&](std::uint32_t x, std::uint32_t y) {
        return r.row_lat[x] != r.row_lat[y] ? r.row_lat[x] < r.row_lat[y] : r.row_col[x] < r.row_col[y];
      });
      std::uint32_t k = r.row_first[i];
      for (std::uint32_t q : o.e) {
        col[k] = r.row_col[q];
        lat[k] = r.row_lat[q];
        ++k;
      }
    }
  });
}

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

bool capacitated(const Reduced& r) {
  return std::any_of(r.col_cap.begin(), r.col_cap.end(), [](double c) { return std::isfinite(c); });
}

double cover_cost(const Reduced& r, const std::vector<char>& open) {
  double c = 0.0;
  for (std::size_t j = 0; j < r.cols(); ++j) c += open[j] ? r.col_cost[j] : 0.0;
  return c;
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

namespace {

// Allowed sites as reduced columns, in site order; returns each site's column (kNone:
// excluded).
std::vector<std::uint32_t> allowed_columns(const PlacementInput& in, Reduced& r) {
  const Coverage& cov = *in.coverage;
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
  return col_of_site;
}

// Rows: merge demands with identical options (and latencies when they matter). Rows
// are numbered by first demand; a hash of the key leads to the rows to compare with.
void merge_rows(const PlacementInput& in, const std::vector<std::uint32_t>& col_of_site, double max_latency,
                bool merge_latency, bool ratio_key, Prepared& out) {
  const Coverage& cov = *in.coverage;
  Reduced& r = out.r;
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
}

}  // namespace

Prepared prepare(const PlacementInput& in, double max_latency, bool merge_latency, bool drop_dominated,
                 bool ratio_key, bool covering_test) {
  Prepared out;
  Reduced& r = out.r;
  // Allowed sites and their reduced columns (dominated ones dropped below).
  const std::vector<std::uint32_t> col_of_site = allowed_columns(in, r);
  merge_rows(in, col_of_site, max_latency, merge_latency, ratio_key, out);
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

SurvivalModel survival_model(const PlacementInput& in, const Reduced& r) {
  SurvivalModel out;
  if (!in.survival || (in.problem != Problem::lscp && in.problem != Problem::mclp)) return out;
  const Coverage& cov = *in.coverage;
  std::vector<std::uint32_t> col_of_site(cov.sites, kNone);
  for (std::uint32_t c = 0; c < r.cols(); ++c) col_of_site[r.col_site[c]] = c;
  const SurvivalRows& sv = *in.survival;
  for (std::size_t q = 0; q < sv.rows(); ++q) {
    std::vector<std::uint32_t> cols;
    for (std::uint32_t e = sv.first[q]; e < sv.first[q + 1]; ++e)
      if (col_of_site[sv.sites[e]] != kNone) cols.push_back(col_of_site[sv.sites[e]]);
    const std::uint32_t row = r.row_of_demand[sv.demand[q]];
    if (row == kNone) continue;  // no option at all: already uncoverable
    if (cols.empty()) out.cannot_survive.push_back(sv.demand[q]);
    out.cols.push_back(std::move(cols));
    out.row.push_back(row);
  }
  std::sort(out.cannot_survive.begin(), out.cannot_survive.end());
  out.cannot_survive.erase(std::unique(out.cannot_survive.begin(), out.cannot_survive.end()), out.cannot_survive.end());
  return out;
}

}  // namespace lightcone::placement_detail
