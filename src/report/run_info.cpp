#include "report/run_info.hpp"
#include "report/json_text.hpp"

#include <cmath>
#include <cstdio>

namespace lightcone {

nlohmann::ordered_json model_to_json(const LatencyModel& m) {
  if (m.measured()) {
    return {{"metric", to_string(m.metric)},
            {"direction", m.metric == Metric::rtt ? "round-trip" : std::string(to_string(m.direction))},
            {"description", m.describe()},
            {"source", "measured table"},
            {"table", m.measured_table},
            {"table_metric", to_string(m.measured_metric)}};
  }
  return {{"metric", to_string(m.metric)},
          {"direction", m.metric == Metric::rtt ? "round-trip" : std::string(to_string(m.direction))},
          {"description", m.describe()},
          {"group_index", m.group_index},
          {"fibre_us_per_km", m.fibre_us_per_km()},
          {"slack", m.slack},
          {"node_delay_us", m.node_delay.value},
          {"site_delay_us", m.site_delay.value},
          {"access_detour", m.access_detour},
          {"access_us_per_km", m.access_rate_us_per_km()},
          {"access_delay_us", m.access_fixed.value},
          {"max_access_m", m.max_access.value},
          {"access_from", to_string(m.access_from)},
          {"no_tap_longer_than_m", std::isinf(m.no_tap_longer_than.value)
                                       ? nlohmann::ordered_json(nullptr)
                                       : nlohmann::ordered_json(m.no_tap_longer_than.value)}};
}

nlohmann::ordered_json surface_json(const LatencyGrid& g, const std::string& file) {
  return {{"file", file},
          {"epsg", g.epsg ? nlohmann::ordered_json(g.epsg) : nlohmann::ordered_json(nullptr)},
          {"crs", g.crs},
          {"crs_name", g.crs_name},
          {"crs_choice", g.crs_choice},
          {"cell_m", g.cell},
          {"cell_choice", g.cell_choice},
          {"width", g.width},
          {"height", g.height},
          {"cells", static_cast<double>(g.width) * static_cast<double>(g.height)},
          {"max_cells", g.max_cells}};
}

std::string surface_text(const LatencyGrid& g) {
  char cell[32];
  if (g.cell >= 1000.0) std::snprintf(cell, sizeof cell, "%g km", g.cell / 1000.0);
  else std::snprintf(cell, sizeof cell, "%g m", g.cell);
  return g.crs + (g.crs_name.empty() ? "" : " (" + g.crs_name + ")") + ", " + std::string(cell) + " cells, " +
         std::to_string(g.width) + " x " + std::to_string(g.height) + ". CRS: " + g.crs_choice + ". Cells: " +
         g.cell_choice + ".";
}

FeatureTable run_info_table(const LatencyModel& m, const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  const nlohmann::ordered_json model = model_to_json(m);
  for (const auto& [k, v] : model.items()) {
    keys.push_back(k);
    values.push_back(v.is_string() ? v.get<std::string>() : json_text(v, -1));
  }
  for (const auto& [k, v] : extra) {
    keys.push_back(k);
    values.push_back(v);
  }
  FeatureTable t;
  t.name = "run_info";
  t.geometry = FeatureTable::Geometry::none;
  t.columns.push_back(Column::texts("key", keys));
  t.columns.push_back(Column::texts("value", values));
  return t;
}

}  // namespace lightcone
