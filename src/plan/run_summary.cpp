// The summary.json of a scenario run (plan/scenario_run.hpp): the zones job's summary
// with the scenario, its layers, validation warnings, placement, survivability and targets.
#include <fmt/core.h>

#include <algorithm>

#include "geom/polygon_ops.hpp"
#include "plan/scenario_detail.hpp"
#include "report/check_report.hpp"
#include "report/run_info.hpp"

namespace lightcone::plan_detail {
namespace {

// Validation: data problems that still leave a usable run (DESIGN §8) are warnings.
void add_validation(const Scenario& s, const ScenarioRun& R, Json& S, std::vector<std::string>& off) {
  const ScenarioLayer& NL = s.network.source;
  const ScenarioLayer& SL = s.sites.source;
  const BuildReport& br = R.prepared.report;
  Json warnings = Json::array();
  for (std::size_t i = 0; i < R.sites.pos.size(); ++i)
    if (R.prepared.site_node[i] == kNone) off.push_back(R.sites.id[i]);
  S["validation"] = {{"network_features_skipped", R.lines.info.skipped.size()},
                     {"snapped_ends", br.snapped_ends},
                     {"zero_length_edges", br.zero_length_edges},
                     {"self_loops", br.self_loops},
                     {"duplicate_edges", br.duplicate_edges},
                     {"dangling_ends", br.dangling_ends},
                     {"components", br.components.size()},
                     {"largest_component_sizes",
                      std::vector<std::size_t>(br.components.begin(),
                                               br.components.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(br.components.size(), 10)))},
                     {"sites_skipped", R.sites.info.skipped.size()},
                     {"sites_off_network", off},
                     {"demand_skipped", R.demand ? R.demand->info.skipped.size() : 0}};
  if (!R.lines.info.skipped.empty()) warnings.push_back("network " + layer_text(NL) + ": " + skipped_text(R.lines.info));
  if (br.components.size() > 1) {
    warnings.push_back(fmt::format("the network has {} components (largest {} nodes); sites reach only their own",
                                   br.components.size(), br.components.front()));
  }
  if (br.dangling_ends > 0) warnings.push_back(fmt::format("the network has {} dangling line ends", br.dangling_ends));
  if (br.zero_length_edges + br.self_loops + br.duplicate_edges > 0) {
    warnings.push_back(fmt::format("network build dropped {} zero-length edges, {} self-loops and {} duplicate edges",
                                   br.zero_length_edges, br.self_loops, br.duplicate_edges));
  }
  if (!R.sites.info.skipped.empty()) warnings.push_back("sites " + layer_text(SL) + ": " + skipped_text(R.sites.info));
  if (!off.empty()) {
    warnings.push_back(fmt::format("{} site(s) beyond {:g} km of the network, not used: {}", off.size(),
                                   s.model.max_access.km(), join(off)));
  }
  if (R.demand && !R.demand->info.skipped.empty())
    warnings.push_back("demand " + layer_text(s.demand->source) + ": " + skipped_text(R.demand->info));
  for (std::size_t i = 0; i < R.boundary_layers.size(); ++i) {
    const BoundaryRead& b = R.boundary_layers[i];
    if (!b.layer.info.skipped.empty())
      warnings.push_back("boundary '" + b.name + "': " + skipped_text(b.layer.info));
    if (b.layer.repaired > 0)
      warnings.push_back(fmt::format("boundary '{}': {} invalid polygon(s) repaired with MakeValid", b.name, b.layer.repaired));
  }
  if (R.zones.summary.contains("warnings"))
    for (const auto& w : R.zones.summary["warnings"]) warnings.push_back(w);
  S["warnings"] = warnings;
}

}  // namespace

void add_targets_json(const Scenario& s, const std::vector<TargetResult>& targets, Json& S) {
  S["targets"] = Json::array();
  for (const TargetResult& t : targets) S["targets"].push_back(target_json(t));
  const Json check = check_json(s.name, s.file, "", targets);
  S["targets_summary"] = {{"passed", check["passed"]},
                          {"failed", check["failed"]},
                          {"not_evaluated", check["not_evaluated"]},
                          {"all_hold", check["all_hold"]}};
}

Json scenario_summary(const Scenario& s, const ScenarioRun& R, const std::vector<Microseconds>& survival_budgets,
                      const std::string& cuts_text) {
  const ScenarioLayer& NL = s.network.source;
  const ScenarioLayer& SL = s.sites.source;
  // The summary: the zones job's, with the scenario, layers, validation and targets.
  const Json& z = R.zones.summary;
  Json S;
  S["command"] = "plan";
  S["scenario"] = {{"name", s.name}, {"file", s.file}, {"description", s.description}};
  S["model"] = z["model"];
  S["model"]["access_from"] = to_string(s.model.access_from);
  S["network"] = layer_json(NL);
  for (const auto& [k, v] : z["network"].items())
    if (k != "path" && k != "layer") S["network"][k] = v;
  S["sites"] = layer_json(SL);
  for (const auto& [k, v] : z["sites"].items()) S["sites"][k] = v;
  if (R.demand) {
    S["demand"] = layer_json(s.demand->source);
    S["demand"]["weight_field"] = s.demand->weight_field;
    for (const auto& [k, v] : z["demand"].items())
      if (k != "path" && k != "layer") S["demand"][k] = v;
  }
  S["boundaries"] = Json::array();
  for (std::size_t i = 0; i < R.boundary_layers.size(); ++i) {
    const BoundaryRead& b = R.boundary_layers[i];
    Json bj = {{"name", b.name}};
    const Json source = layer_json(s.boundaries[i].source);
    for (const auto& [k, v] : source.items()) bj[k] = v;
    bj["features"] = b.layer.polygons.size();
    bj["features_skipped"] = b.layer.info.skipped.size();
    bj["repaired"] = b.layer.repaired;
    bj["area_km2"] = area_m2(R.boundaries.at(b.name)) / 1e6;
    S["boundaries"].push_back(bj);
  }
  S["budgets"] = z["budgets"];
  if (R.zones.surface) {
    const LatencyGrid& g = *R.zones.surface;
    S["surface"] = surface_json(g, kRunTif);
  }

  std::vector<std::string> off;
  add_validation(s, R, S, off);
  if (R.placed) {
    Json p = place_json(*R.placed, R.place_options, s.model, R.sites, *R.demand, off.size());
    p.erase("command");
    p.erase("model");
    p.erase("sites_off_network");
    if (!R.placed->solved())
      p["zones_from"] = "existing and required sites only: the placement found no plan";
    S["placement"] = p;
  } else {
    S["placement"] = {{"status", "not run"}, {"reason", "the scenario has no [placement] table"}};
  }
  if (!survival_budgets.empty()) {
    Json sv = {{"cuts", cuts_text}, {"budgets", Json::array()}};
    for (const auto& b : survival_budgets) sv["budgets"].push_back(format_duration(b));
    sv["fields"] = Json::array();
    for (const auto& b : survival_budgets) sv["fields"].push_back(survives_field(b));
    S["survivability"] = sv;
  }
  add_targets_json(s, R.targets, S);
  Json layers = Json::array();
  for (const FeatureTable& t : R.zones.tables) layers.push_back(t.name);
  if (!R.boundaries.empty()) layers.push_back(kBoundariesLayer);
  layers.push_back(kRunInfoLayer);
  S["outputs"] = {{"geopackage", kRunGpkg}, {"layers", layers}};
  return S;
}

}  // namespace lightcone::plan_detail
