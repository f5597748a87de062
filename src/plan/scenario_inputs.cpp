// Reading a scenario's layers through io, with messages that point at the scenario's
// lines (plan/scenario_run.hpp).
#include <fmt/core.h>

#include <algorithm>

#include "core/error.hpp"
#include "geom/polygon_ops.hpp"
#include "io/paths.hpp"
#include "plan/scenario_detail.hpp"

namespace lightcone {
namespace plan_detail {
namespace {

// Checks, before anything is read, that the layer's file, layer and mapped fields
// exist, with messages that point at the scenario's lines. Returns the layer's summary.
DatasetLayerSummary preflight(const Scenario& s, const ScenarioLayer& L) {
  const InputPathStatus status = input_path_status(L.path);
  if (status.state == InputPathStatus::State::not_found) {
    throw InputError(scenario_where(s, L.path_line) + "file not found: " + L.path + " ('path' in " + L.table +
                     "; paths are relative to the scenario file).");
  }
  if (status.state == InputPathStatus::State::unusable) {
    throw InputError(scenario_where(s, L.path_line) + "cannot read " + L.path + " ('path' in " + L.table +
                     "): " + status.reason + ". Give a data file or a dataset directory.");
  }
  std::vector<DatasetLayerSummary> layers;
  try {
    layers = describe_dataset(L.path, nullptr, /*count_features=*/false, L.layer);
  } catch (const InputError& e) {
    throw InputError(scenario_where(s, L.path_line) + e.what());
  }
  std::vector<std::string> names;
  for (const auto& d : layers) names.push_back(d.name);
  const DatasetLayerSummary* found = nullptr;
  if (L.layer.empty()) {
    if (layers.size() != 1) {
      throw InputError(scenario_where(s, L.line) + L.path_text + " has " + std::to_string(layers.size()) +
                       " layers; say which one with 'layer' in " + L.table + ": " + join(names) + ".");
    }
    found = &layers.front();
  } else {
    for (const auto& d : layers)
      if (d.name == L.layer) found = &d;
    if (!found) {
      throw InputError(scenario_where(s, L.layer_line) + "layer '" + L.layer + "' not found in " + L.path_text +
                       " ('layer' in " + L.table + "). Layers: " + join(names) + ".");
    }
  }
  for (const ScenarioField& f : L.fields) {
    if (f.key == "label_field" && f.field == "none") continue;  // no names
    if (std::find(found->fields.begin(), found->fields.end(), f.field) == found->fields.end()) {
      throw InputError(scenario_where(s, f.line) + "field '" + f.field + "' not found in " + L.path_text + ":" +
                       found->name + " ('" + f.key + "' in " + L.table + "). Fields: " + join(found->fields) + ".");
    }
  }
  return *found;
}

ReadOptions read_options_for(const ScenarioLayer& L) {
  ReadOptions o;
  o.where = L.where;
  o.assume_crs = L.assume_crs;
  o.option = L.table;
  return o;
}

// The scenario key of io's field-mapping key: "weight" → "weight_field", "entry_delay"
// → "delay_field"; units keep their names ("length_unit").
std::string scenario_field_key(std::string_view key) {
  if (key.size() > 5 && key.substr(key.size() - 5) == "_unit") return std::string(key);
  if (key == "entry_delay") return "delay_field";
  if (key == "exit_delay") return "exit_delay_field";
  return std::string(key) + "_field";
}

// Runs a read, rewording io's errors for the scenario: its settings are keys of the
// layer's table, and the message points at the line of the key it names ('where', a field
// mapping such as 'id_field'), else of 'layer' when the layer is at fault, else at the table.
template <class F>
auto read_layer(const Scenario& s, const ScenarioLayer& L, F&& read) {
  try {
    return read();
  } catch (const InputError& e) {
    SourceNames names{L.table, "'where' in " + L.table, "'path' and 'layer' in " + L.table, "'id_field' in " + L.table};
    names.field = [&L](std::string_view key) { return "'" + scenario_field_key(key) + "' in " + L.table; };
    int line = L.line;
    if (e.message().names(Setting::where) && L.where_line) line = L.where_line;
    else if (e.key() == "layer" && L.layer_line) line = L.layer_line;
    else if (e.key() == "id") {
      for (const ScenarioField& f : L.fields)
        if (f.key == "id_field") line = f.line;
    } else if (e.message().names(Setting::field)) {
      for (const ScenarioField& f : L.fields)
        if (f.key == scenario_field_key(e.key())) line = f.line;
    }
    throw InputError(e.fields(), {scenario_where(s, line) + e.text(names)});
  }
}

// The scenario's network into R.lines, only the lines meeting `box` when given.
void read_network_layer(const Scenario& s, ScenarioRun& R, std::optional<ReadOptions::Box> box) {
  const ScenarioLayer& NL = s.network.source;
  ReadOptions o = read_options_for(NL);
  o.within = box;
  R.lines = read_layer(s, NL, [&] { return read_lines(NL.spec(), o, s.network.fields); });
  R.lines.info.path = NL.path_text;
}

}  // namespace

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string layer_text(const ScenarioLayer& L) { return L.path_text + (L.layer.empty() ? "" : ":" + L.layer); }

std::string skipped_text(const LayerInfo& info) {
  std::string s = fmt::format("{} feature(s) skipped", info.skipped.size());
  for (std::size_t i = 0; i < info.skipped.size() && i < 3; ++i)
    s += fmt::format("{}fid={}: {}", i == 0 ? " (" : "; ", info.skipped[i].fid, info.skipped[i].reason);
  if (!info.skipped.empty()) s += info.skipped.size() > 3 ? "; ...)" : ")";
  return s;
}

Json layer_json(const ScenarioLayer& L) {
  return {{"path", L.path_text}, {"layer", L.layer}, {"where", L.where}};
}


std::string read_scenario_layers(const Scenario& s, ScenarioRun& R, const NetworkWindow& window) {
  // Layers in one PostGIS database share one connection (preflight and reads).
  const PgReadSession pg_session;
  // Every layer is checked before any is read, so that a typo fails fast.
  preflight(s, s.network.source);
  const DatasetLayerSummary site_layer = preflight(s, s.sites.source);
  if (s.demand) preflight(s, s.demand->source);
  for (const BoundarySpec& b : s.boundaries) preflight(s, b.source);

  if (!window) read_network_layer(s, R, std::nullopt);
  const ScenarioLayer& SL = s.sites.source;
  // Site status from its field (DEFAULT: "status" when the layer has it); cost and
  // capacity are read (and checked) for placement.
  PointFields site_fields = s.sites.fields;
  site_fields.status = s.sites.status_field;
  if (site_fields.status.empty() &&
      std::find(site_layer.fields.begin(), site_layer.fields.end(), "status") != site_layer.fields.end())
    site_fields.status = "status";
  site_fields.cost = s.sites.cost_field;
  site_fields.capacity = s.sites.capacity_field;
  R.sites = read_layer(s, SL, [&] { return read_points(SL.spec(), read_options_for(SL), site_fields); });
  R.sites.info.path = SL.path_text;
  if (s.demand) {
    const ScenarioLayer& DL = s.demand->source;
    PointFields f;
    f.weight = s.demand->weight_field;
    f.load = s.demand->load_field;
    f.label = s.demand->label_field;
    R.demand = read_layer(s, DL, [&] { return read_points(DL.spec(), read_options_for(DL), demand_fields(f)); });
    R.demand->info.path = DL.path_text;
  }
  if (window) read_network_layer(s, R, window(R));
  R.boundary_layers = read_boundaries(s, R.boundaries);
  return site_fields.status;
}

void read_network_within(const Scenario& s, ScenarioRun& R, std::optional<ReadOptions::Box> box) {
  const PgReadSession pg_session;
  read_network_layer(s, R, box);
}

}  // namespace plan_detail

std::vector<BoundaryRead> read_boundaries(const Scenario& s, Boundaries& out) {
  std::vector<BoundaryRead> layers;
  for (const BoundarySpec& b : s.boundaries) {
    plan_detail::preflight(s, b.source);
    PolygonLayer pl = plan_detail::read_layer(s, b.source, [&] { return read_polygons(b.source.spec(), plan_detail::read_options_for(b.source)); });
    pl.info.path = b.source.path_text;
    MultiPolygon shape = pl.polygons.size() == 1 ? pl.polygons.front() : union_all(pl.polygons);
    out.emplace(b.name, std::move(shape));
    layers.push_back({b.name, b.label, std::move(pl)});
  }
  return layers;
}

}  // namespace lightcone
