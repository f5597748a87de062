// Internal to plan/: helpers shared by the scenario run's steps (reading layers with
// messages that point at the scenario, the summary). Not for other modules.
#pragma once

#include <functional>
#include <optional>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plan/scenario_run.hpp"

namespace lightcone::plan_detail {

using Json = nlohmann::ordered_json;

std::string join(const std::vector<std::string>& v);
// "path:layer" as the scenario wrote it.
std::string layer_text(const ScenarioLayer& L);
// "3 feature(s) skipped (fid=1: reason; ...)".
std::string skipped_text(const LayerInfo& info);
Json layer_json(const ScenarioLayer& L);

// Checks every layer of the scenario, then reads network, sites (with the fields
// placement needs) and demand into `R`, and the boundaries. Messages point at the
// scenario's lines. Returns the sites' status field in force (may be empty).
// `lightcone plan --parts`: the network read only within the box `window` gives for the
// points layers as read (sites and demand are then read first).
using NetworkWindow = std::function<std::optional<ReadOptions::Box>(const ScenarioRun&)>;
std::string read_scenario_layers(const Scenario& s, ScenarioRun& R, const NetworkWindow& window = {});
// Reads the scenario's network again, within `box` (none: whole) into R.lines.
void read_network_within(const Scenario& s, ScenarioRun& R, std::optional<ReadOptions::Box> box);

// summary.json's "targets" (one object each) and "targets_summary" (the counts check
// reports) into S.
void add_targets_json(const Scenario& s, const std::vector<TargetResult>& targets, Json& S);

// The scenario run's summary.json from its parts. `survival_budgets` are the target
// budgets analysed for fibre cuts, `cuts_text` how cuts were made.
Json scenario_summary(const Scenario& s, const ScenarioRun& R, const std::vector<Microseconds>& survival_budgets,
                      const std::string& cuts_text);

}  // namespace lightcone::plan_detail
