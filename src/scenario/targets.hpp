// Targets evaluated against a run. A run is seen through its output tables (the
// `zones` and `demand` layers as lightcone writes them), so a run in memory (`plan`,
// `check SCENARIO`) and a run read back from its GeoPackage (`check --run DIR`) give
// the same verdicts.
//   demand_share   covered weight inside the boundary / weight inside it ≥ min_share,
//                  covered = latency_us ≤ budget (point in polygon: geom, covers)
//   area_share     area(zone(budget) ∩ boundary) / area(boundary) ≥ min_share
//                  (ellipsoidal areas; zone = union of zone features with budget_us ≤ budget)
//   worst_latency  max latency_us of demand inside the boundary ≤ max_latency; any
//                  unreachable point makes it fail
//   new_sites      open sites of status chosen or required (sites fields open, status)
//                  ≤ max_new_sites
//   survivable     weight inside the boundary whose coverage at the budget survives
//                  every single cut (demand field survives_<budget>, written by plan)
//                  / weight inside it ≥ min_share
//   capacity       max over sites of load / capacity (sites fields load, capacity) ≤ 1
//   A run without the fields a target needs (e.g. a GeoPackage from `zones`) gives
//   `not_evaluated`, which fails the check (a gate must not pass what it did not check).
// Shares are fractions; latencies µs in the run's metric. Margins are signed so that
// positive means "holds with room": actual − required for minimums, required − actual
// for maximums.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/geometry.hpp"
#include "core/layers.hpp"
#include "core/table.hpp"
#include "scenario/scenario.hpp"

namespace lightcone {

enum class Verdict { pass, fail, not_evaluated };
std::string_view to_string(Verdict v);

struct TargetResult {
  std::string name;
  TargetKind kind = TargetKind::demand_share;
  std::string boundary;     // empty: all demand
  std::string budget;       // "1ms" when the target has one
  std::string unit;         // "share", "us" or "sites"
  bool at_least = true;     // required is a minimum (shares) or a maximum
  double required = 0.0;
  std::optional<double> actual;   // none when not evaluated or undefined (no demand inside)
  std::optional<double> margin;   // as actual
  Verdict verdict = Verdict::not_evaluated;
  std::string message;      // why it failed or was not evaluated; empty when it holds
  // Texts for tables and reports: ">= 99.00 %", "99.63 %", "+0.63 pp".
  std::string required_text;
  std::string actual_text;
  std::string margin_text;
};

// What targets are evaluated on: the run's zones and demand tables (as written).
struct RunTables {
  Metric metric = Metric::rtt;
  const FeatureTable* zones = nullptr;   // polygons with column budget_us
  const FeatureTable* demand = nullptr;  // points with columns weight, latency_us (NULL: unreachable); may be null
  const FeatureTable* sites = nullptr;   // points with site_id, status[, open, load, capacity]; may be null
};

// Boundaries by name, each the union of its layer's polygons (WGS 84).
using Boundaries = std::map<std::string, MultiPolygon>;

// Evaluates every target of the scenario, in the scenario's order. Throws InputError
// when the run lacks what a target needs (a budget's zone, the demand layer).
std::vector<TargetResult> evaluate_targets(const Scenario& scenario, const RunTables& run, const Boundaries& boundaries);

// The full zone of a budget from a run's zones table: the union of the features with
// budget_us ≤ budget_us (full disks or nested rings alike). InputError when no feature
// has exactly that budget.
MultiPolygon zone_at_budget(const FeatureTable& zones, double budget_us);

// "survives_1ms": the demand field with the survivable-coverage flag at a budget.

// True when every target holds.
bool all_hold(const std::vector<TargetResult>& results);

}  // namespace lightcone
