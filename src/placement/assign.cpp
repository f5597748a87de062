#include "placement/assign.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/ids.hpp"
#include "placement/mip.hpp"

namespace lightcone {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double at(std::span<const double> v, std::size_t i, double fallback) { return v.empty() ? fallback : v[i]; }

}  // namespace

Assignment assign_demand(const Coverage& cov, std::span<const char> open, std::span<const double> max_latency_us,
                         std::span<const double> weight, std::span<const double> load,
                         std::span<const double> capacity) {
  const std::size_t nd = cov.demands, ns = cov.sites;
  Assignment a;
  a.site.assign(nd, kNone);
  a.latency_us.assign(nd, kNaN);
  a.served.assign(nd, 0.0);
  a.site_load.assign(ns, 0.0);
  a.site_weight.assign(ns, 0.0);
  auto usable = [&](std::uint32_t d, std::uint32_t e) {
    return open[cov.site[e]] && cov.latency_us[e] <= max_latency_us[d];
  };
  bool capacitated = false;
  for (std::size_t j = 0; j < ns && !capacity.empty(); ++j) capacitated |= open[j] && std::isfinite(capacity[j]);

  if (!capacitated) {
    for (std::uint32_t d = 0; d < nd; ++d)
      for (std::uint32_t e = cov.first[d]; e < cov.first[d + 1]; ++e) {
        if (!usable(d, e)) continue;
        const std::uint32_t j = cov.site[e];
        if (a.site[d] == kNone || cov.latency_us[e] < a.latency_us[d] ||
            (cov.latency_us[e] == a.latency_us[d] && j < a.site[d])) {
          a.site[d] = j;
          a.latency_us[d] = cov.latency_us[e];
        }
      }
    for (std::uint32_t d = 0; d < nd; ++d) {
      if (a.site[d] == kNone) continue;
      a.served[d] = 1.0;
      a.site_load[a.site[d]] += at(load, d, 1.0);
      a.site_weight[a.site[d]] += at(weight, d, 1.0);
      a.load_latency += at(load, d, 1.0) * a.latency_us[d];
    }
    return a;
  }

  // Transportation LP. Columns x_e (share of demand d's load on pair e) and u_d
  // (unserved share); rows Σ_e x_e + u_d = 1, Σ load_d x_e ≤ capacity_j.
  double max_lat = 0.0;
  for (double l : cov.latency_us) max_lat = std::max(max_lat, l);
  const double big = 10.0 * (max_lat + 1.0);
  Mip lp;
  std::vector<int> col_of_entry(cov.entries(), -1);
  std::vector<std::vector<int>> site_cols(ns);
  std::vector<std::vector<double>> site_coef(ns);
  for (std::uint32_t d = 0; d < nd; ++d) {
    const double ld = at(load, d, 1.0);
    std::vector<int> cols;
    std::vector<double> ones;
    for (std::uint32_t e = cov.first[d]; e < cov.first[d + 1]; ++e) {
      if (!usable(d, e)) continue;
      const int c = lp.add_column(ld * cov.latency_us[e], 0.0, 1.0, false);
      col_of_entry[e] = c;
      cols.push_back(c);
      ones.push_back(1.0);
      site_cols[cov.site[e]].push_back(c);
      site_coef[cov.site[e]].push_back(ld);
    }
    if (cols.empty()) continue;
    cols.push_back(lp.add_column(at(weight, d, 1.0) * big, 0.0, 1.0, false));
    ones.push_back(1.0);
    lp.add_row(cols, ones, 1.0, 1.0);
  }
  for (std::size_t j = 0; j < ns; ++j)
    if (!site_cols[j].empty() && std::isfinite(at(capacity, j, Mip::kInf)))
      lp.add_row(site_cols[j], site_coef[j], -Mip::kInf, capacity[j]);
  // Its own limit (wall): the plan is chosen by now, and its assignment is needed whole.
  const MipResult r = lp.solve(Deadline::after(600.0), 1, {});
  if (!r.has_solution) return a;  // nothing served: the caller reports it
  for (std::uint32_t d = 0; d < nd; ++d) {
    double best = 0.0;
    int parts = 0;
    for (std::uint32_t e = cov.first[d]; e < cov.first[d + 1]; ++e) {
      if (col_of_entry[e] < 0) continue;
      double x = r.x[static_cast<std::size_t>(col_of_entry[e])];
      if (x < 1e-9) continue;
      x = std::min(x, 1.0);
      const std::uint32_t j = cov.site[e];
      a.served[d] += x;
      a.site_load[j] += x * at(load, d, 1.0);
      a.site_weight[j] += x * at(weight, d, 1.0);
      a.load_latency += x * at(load, d, 1.0) * cov.latency_us[e];
      ++parts;
      const bool better = x > best + 1e-9 ||
                          (std::abs(x - best) <= 1e-9 && (a.site[d] == kNone || cov.latency_us[e] < a.latency_us[d]));
      if (better) {
        best = x;
        a.site[d] = j;
        a.latency_us[d] = cov.latency_us[e];
      }
    }
    a.served[d] = std::min(a.served[d], 1.0);
    a.split |= parts > 1;
  }
  return a;
}

}  // namespace lightcone
