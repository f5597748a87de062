#include "scenario/targets.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "core/error.hpp"
#include "geom/polygon_ops.hpp"

namespace lightcone {
namespace {

const Column* find_column(const FeatureTable& t, std::string_view name) {
  for (const Column& c : t.columns)
    if (c.name == name) return &c;
  return nullptr;
}

const Column& require_column(const FeatureTable& t, std::string_view name, Column::Type type) {
  const Column* c = find_column(t, name);
  if (!c || c->type() != type) {
    throw InputError("the run's layer '" + t.name + "' has no " + (type == Column::Type::real ? "numeric " : "") +
                     "field '" + std::string(name) + "'. Was it written by lightcone plan or zones?");
  }
  return *c;
}

std::string percent(double share) { return fmt::format("{:.2f} %", 100.0 * share); }
std::string points(double diff) { return fmt::format("{:+.2f} pp", 100.0 * diff); }
std::string millis(double us) { return fmt::format("{:.3f} ms", us / 1000.0); }
std::string millis_signed(double us) { return fmt::format("{:+.3f} ms", us / 1000.0); }

class Evaluator {
 public:
  // A run without zones (placement on a measured table) has demand and sites only.
  Evaluator(const RunTables& run, const Boundaries& boundaries) : m_run(run), m_boundaries(boundaries) {}

  TargetResult evaluate(const Target& t) {
    TargetResult r;
    r.name = t.name;
    r.kind = t.kind;
    r.boundary = t.boundary;
    switch (t.kind) {
      case TargetKind::demand_share: demand_share(t, r); break;
      case TargetKind::area_share: area_share(t, r); break;
      case TargetKind::worst_latency: worst_latency(t, r); break;
      case TargetKind::new_sites: new_sites(t, r); break;
      case TargetKind::survivable: survivable(t, r); break;
      case TargetKind::capacity: capacity(t, r); break;
    }
    return r;
  }

 private:
  static void not_evaluated(TargetResult& r, std::string why) {
    r.verdict = Verdict::not_evaluated;
    r.message = std::move(why);
    r.actual_text = "-";
    r.margin_text = "-";
  }

  static void share_header(const Target& t, TargetResult& r) {
    r.unit = "share";
    r.at_least = true;
    r.required = t.min_share;
    r.budget = format_duration(t.budget);
    r.required_text = ">= " + percent(t.min_share);
  }

  static void set_share(TargetResult& r, double actual) {
    r.actual = actual;
    r.margin = actual - r.required;
    r.actual_text = percent(actual);
    r.margin_text = points(*r.margin);
    r.verdict = actual >= r.required ? Verdict::pass : Verdict::fail;
  }

  const FeatureTable& demand() const {
    if (!m_run.demand) throw InputError("the run has no demand layer, which demand targets need.");
    return *m_run.demand;
  }

  const MultiPolygon& boundary(const std::string& name) const {
    const auto it = m_boundaries.find(name);
    if (it == m_boundaries.end()) throw InputError("boundary '" + name + "' was not read.");
    return it->second;
  }

  // Demand points inside a boundary (all when the name is empty), computed once per boundary.
  const std::vector<bool>& inside(const std::string& name) {
    auto it = m_inside.find(name);
    if (it != m_inside.end()) return it->second;
    const FeatureTable& d = demand();
    std::vector<bool> in =
        name.empty() ? std::vector<bool>(d.features(), true) : covers_points(boundary(name), d.coords);
    return m_inside.emplace(name, std::move(in)).first->second;
  }

  // The full zone of a budget: the union of the zone features with budget_us ≤ budget
  // (full disks or nested rings alike).
  const MultiPolygon& zone(Microseconds budget) {
    auto it = m_zone.find(budget.value);
    if (it != m_zone.end()) return it->second;
    if (!m_run.zones) throw InputError("the run has no zones layer, which area targets need.");
    MultiPolygon full = zone_at_budget(*m_run.zones, budget.value);
    return m_zone.emplace(budget.value, std::move(full)).first->second;
  }

  void demand_share(const Target& t, TargetResult& r) {
    share_header(t, r);
    const FeatureTable& d = demand();
    const Column& w = require_column(d, "weight", Column::Type::real);
    const Column& lat = require_column(d, "latency_us", Column::Type::real);
    const std::vector<bool>& in = inside(t.boundary);
    double total = 0.0;
    double covered = 0.0;
    for (std::size_t i = 0; i < d.features(); ++i) {
      if (!in[i]) continue;
      total += w.reals()[i];
      if (!std::isnan(lat.reals()[i]) && lat.reals()[i] <= t.budget.value) covered += w.reals()[i];
    }
    if (!(total > 0.0)) {
      r.verdict = Verdict::fail;
      r.actual_text = "-";
      r.margin_text = "-";
      r.message = t.boundary.empty() ? "no demand weight in the run"
                                     : "no demand weight inside boundary '" + t.boundary + "'";
      return;
    }
    set_share(r, covered / total);
  }

  void area_share(const Target& t, TargetResult& r) {
    share_header(t, r);
    const MultiPolygon& b = boundary(t.boundary);
    const double whole = area_m2(b);
    if (!(whole > 0.0)) {
      r.verdict = Verdict::fail;
      r.actual_text = "-";
      r.margin_text = "-";
      r.message = "boundary '" + t.boundary + "' has no area";
      return;
    }
    const double covered = area_m2(intersection(zone(t.budget), b));
    set_share(r, std::min(1.0, covered / whole));
  }

  void worst_latency(const Target& t, TargetResult& r) {
    r.unit = "us";
    r.at_least = false;
    r.required = t.max_latency.value;
    r.required_text = "<= " + millis(t.max_latency.value);
    const FeatureTable& d = demand();
    const Column& lat = require_column(d, "latency_us", Column::Type::real);
    const std::vector<bool>& in = inside(t.boundary);
    double worst = -1.0;
    std::size_t n = 0;
    std::size_t unreachable = 0;
    for (std::size_t i = 0; i < d.features(); ++i) {
      if (!in[i]) continue;
      ++n;
      if (std::isnan(lat.reals()[i])) ++unreachable;
      else worst = std::max(worst, lat.reals()[i]);
    }
    if (n == 0) {
      r.verdict = Verdict::fail;
      r.actual_text = "-";
      r.margin_text = "-";
      r.message = "no demand point inside boundary '" + t.boundary + "'";
      return;
    }
    if (unreachable > 0) {
      r.verdict = Verdict::fail;
      r.actual_text = "unreachable";
      r.margin_text = "-";
      r.message = fmt::format("{} of {} demand points are unreachable (no network within the maximum access "
                              "distance, or no site in their component)",
                              unreachable, n);
      return;
    }
    r.actual = worst;
    r.margin = r.required - worst;
    r.actual_text = millis(worst);
    r.margin_text = millis_signed(*r.margin);
    r.verdict = worst <= r.required ? Verdict::pass : Verdict::fail;
  }

  // Open sites that are not existing ones: status "chosen" or "required" with open = 1.
  void new_sites(const Target& t, TargetResult& r) {
    r.unit = "sites";
    r.at_least = false;
    r.required = static_cast<double>(t.max_new_sites);
    r.required_text = fmt::format("<= {}", t.max_new_sites);
    const Column* open = m_run.sites ? find_column(*m_run.sites, "open") : nullptr;
    if (!open) return not_evaluated(r, "not evaluated: no placement in this run (the sites layer has no 'open' field)");
    const Column& status = require_column(*m_run.sites, "status", Column::Type::text);
    std::size_t n = 0;
    for (std::size_t i = 0; i < status.texts().size(); ++i)
      n += open->integers()[i] != 0 && (status.texts()[i] == "chosen" || status.texts()[i] == "required");
    r.actual = static_cast<double>(n);
    r.margin = r.required - static_cast<double>(n);
    r.actual_text = std::to_string(n);
    r.margin_text = fmt::format("{:+}", t.max_new_sites - static_cast<std::int64_t>(n));
    r.verdict = static_cast<double>(n) <= r.required ? Verdict::pass : Verdict::fail;
    if (r.verdict == Verdict::fail) r.message = fmt::format("the placement opens {} new sites", n);
  }

  // Weight share (inside the boundary) whose coverage at the budget survives every cut:
  // the demand field survives_<budget> written by plan.
  void survivable(const Target& t, TargetResult& r) {
    share_header(t, r);
    const FeatureTable& d = demand();
    const std::string field = survives_field(t.budget);
    const Column* ok = find_column(d, field);
    if (!ok) return not_evaluated(r, "not evaluated: the run's demand has no field '" + field + "' (no cut analysis)");
    const Column& w = require_column(d, "weight", Column::Type::real);
    const std::vector<bool>& in = inside(t.boundary);
    double total = 0.0, kept = 0.0;
    for (std::size_t i = 0; i < d.features(); ++i) {
      if (!in[i]) continue;
      total += w.reals()[i];
      if (ok->integers()[i] != 0) kept += w.reals()[i];
    }
    if (!(total > 0.0)) {
      r.verdict = Verdict::fail;
      r.actual_text = "-";
      r.margin_text = "-";
      r.message = t.boundary.empty() ? "no demand weight in the run" : "no demand weight inside boundary '" + t.boundary + "'";
      return;
    }
    set_share(r, kept / total);
  }

  // Every site's assigned load within its capacity: the sites fields load and capacity.
  void capacity(const Target&, TargetResult& r) {
    r.unit = "share";
    r.at_least = false;
    r.required = 1.0;
    r.required_text = "<= 100.00 % of capacity";
    const Column* load = m_run.sites ? find_column(*m_run.sites, "load") : nullptr;
    const Column* cap = m_run.sites ? find_column(*m_run.sites, "capacity") : nullptr;
    if (!load || !cap) return not_evaluated(r, "not evaluated: the run's sites have no load and capacity fields");
    const Column& id = require_column(*m_run.sites, "site_id", Column::Type::text);
    double worst = 0.0;
    std::string worst_site;
    for (std::size_t i = 0; i < load->reals().size(); ++i) {
      const double c = cap->reals()[i], l = load->reals()[i];
      if (std::isnan(c) || std::isnan(l) || l <= 0.0) continue;
      const double u = c > 0.0 ? l / c : std::numeric_limits<double>::infinity();
      if (u > worst) {
        worst = u;
        worst_site = id.texts()[i];
      }
    }
    r.actual = worst;
    r.margin = 1.0 - worst;
    r.actual_text = std::isfinite(worst) ? percent(worst) : "load on zero capacity";
    r.margin_text = std::isfinite(worst) ? points(1.0 - worst) : "-";
    r.verdict = worst <= 1.0 + 1e-9 ? Verdict::pass : Verdict::fail;
    if (!worst_site.empty()) r.message = (r.verdict == Verdict::pass ? "fullest site: " : "over capacity: ") + worst_site;
  }

  const RunTables& m_run;
  const Boundaries& m_boundaries;
  std::map<std::string, std::vector<bool>> m_inside;
  std::map<double, MultiPolygon> m_zone;
};

}  // namespace

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "fail";
    case Verdict::not_evaluated: return "not evaluated";
  }
  return "?";
}

std::vector<TargetResult> evaluate_targets(const Scenario& scenario, const RunTables& run, const Boundaries& boundaries) {
  std::vector<TargetResult> out;
  if (scenario.targets.empty()) return out;
  if (run.metric != scenario.model.metric) {
    throw InputError("the run reports " + std::string(to_string(run.metric)) + " latencies but the scenario's metric is " +
                     std::string(to_string(scenario.model.metric)) + ". Run the scenario again.");
  }
  Evaluator ev(run, boundaries);
  for (const Target& t : scenario.targets) out.push_back(ev.evaluate(t));
  return out;
}

MultiPolygon zone_at_budget(const FeatureTable& z, double budget_us) {
  const Column& b = require_column(z, "budget_us", Column::Type::real);
  const Column* area = find_column(z, "area_km2");
  std::size_t exact = z.polygons.size();
  for (std::size_t i = 0; i < z.polygons.size(); ++i)
    if (b.reals()[i] == budget_us) exact = i;
  if (exact == z.polygons.size()) {
    throw InputError("the run has no zone for budget " + format_duration(Microseconds{budget_us}) +
                     ". Run the scenario again (its [zones] budgets must include every target budget).");
  }
  // area_km2 states the full zone's area: when the feature has it, it is the full zone;
  // otherwise it is a ring, and the full zone is the union of the rings up to it.
  if (area && area->type() == Column::Type::real) {
    const double stated = area->reals()[exact];
    if (std::abs(area_m2(z.polygons[exact]) / 1e6 - stated) <= 1e-9 * std::max(1.0, stated)) return z.polygons[exact];
  }
  std::vector<MultiPolygon> parts;
  for (std::size_t i = 0; i < z.polygons.size(); ++i)
    if (b.reals()[i] <= budget_us) parts.push_back(z.polygons[i]);
  return parts.size() == 1 ? std::move(parts.front()) : union_all(parts);
}

bool all_hold(const std::vector<TargetResult>& results) {
  return std::all_of(results.begin(), results.end(), [](const TargetResult& r) { return r.verdict == Verdict::pass; });
}

}  // namespace lightcone
