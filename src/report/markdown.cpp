#include "report/markdown.hpp"
#include "report/json_text.hpp"

#include <fmt/core.h>

namespace lightcone {
namespace {

using Json = nlohmann::ordered_json;

std::string str(const Json& j, const char* key, const std::string& fallback = "-") {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  return j[key].is_string() ? j[key].get<std::string>() : json_text(j[key], -1);
}

// Pipes would break a table cell.
std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string thousands(double v, int decimals) {
  const std::string s = fmt::format("{:.{}f}", v, decimals);
  const std::size_t dot = s.find('.');
  const std::size_t end = dot == std::string::npos ? s.size() : dot;
  const std::size_t start = s[0] == '-' ? 1 : 0;
  std::string out = s.substr(0, start);
  for (std::size_t i = start; i < end; ++i) {
    out += s[i];
    const std::size_t left = end - i - 1;
    if (left > 0 && left % 3 == 0) out += ',';
  }
  out.append(s, end, std::string::npos);
  return out;
}

std::string source_text(const Json& j) {
  std::string s = "`" + str(j, "path") + (str(j, "layer", "").empty() ? "" : ":" + str(j, "layer", "")) + "`";
  if (j.contains("where") && j["where"].is_string() && !j["where"].get<std::string>().empty())
    s += " where `" + j["where"].get<std::string>() + "`";
  return s;
}

// The title, the scenario's description and the latency model.
void append_header(std::string& md, const Json& s, const std::string& metric) {
  const Json& sc = s["scenario"];
  const Json& model = s["model"];
  md += "# lightcone plan: " + str(sc, "name") + "\n\n";
  if (!str(sc, "description", "").empty()) md += str(sc, "description") + "\n\n";
  md += "Scenario `" + str(sc, "file") + "`. Latencies and budgets are **" + metric + "**.\n\n";
  md += "Latency model: " + str(model, "description") + ".\n\n";
}

// Table of the input layers.
void append_inputs(std::string& md, const Json& s) {
  md += "## Inputs\n\n| layer | source | features | notes |\n|---|---|---:|---|\n";
  const Json& net = s["network"];
  md += fmt::format("| network | {} | {} | {} skipped; {} nodes, {} edges, {} component(s) |\n", source_text(net),
                    net["features_read"].get<std::size_t>(), net["features_skipped"].get<std::size_t>(),
                    net["nodes"].get<std::size_t>(), net["edges"].get<std::size_t>(), net["components"].get<std::size_t>());
  const Json& sites = s["sites"];
  md += fmt::format("| sites | {} | {} | {} attached, {} beyond the maximum access distance{} |\n", source_text(sites),
                    sites["read"].get<std::size_t>(), sites["attached"].get<std::size_t>(),
                    sites["off_network"].get<std::size_t>(),
                    sites.contains("open") ? fmt::format("; {} open", sites["open"].get<std::size_t>()) : "");
  if (s.contains("demand")) {
    const Json& d = s["demand"];
    md += fmt::format("| demand | {} | {} | {} skipped; total weight {} |\n", source_text(d), d["features"].get<std::size_t>(),
                      d["features_skipped"].get<std::size_t>(), thousands(d["weight_total"].get<double>(), 0));
  }
  if (s.contains("boundaries")) {
    for (const Json& b : s["boundaries"]) {
      md += fmt::format("| boundary `{}` | {} | {} | {} km²{} |\n", str(b, "name"), source_text(b),
                        b["features"].get<std::size_t>(), thousands(b["area_km2"].get<double>(), 1),
                        b["repaired"].get<std::size_t>() > 0 ? fmt::format("; {} repaired with MakeValid", b["repaired"].get<std::size_t>()) : "");
    }
  }
  md += "\n";
}

// The quick-look maps, when the run drew them.
void append_maps(std::string& md, const Json& s) {
  if (s.contains("maps") && !s["maps"].empty()) {
    md += "## Maps\n\n";
    for (const Json& m : s["maps"]) {
      const std::string file = m.get<std::string>();
      const std::string stem = file.substr(file.rfind('/') + 1, file.rfind('.') - file.rfind('/') - 1);
      const std::string title = stem == "zones" ? "Latency zones" : stem == "surface" ? "Latency surface" : "Placement";
      md += "![" + title + "](" + file + ")\n\n";
    }
  }
}

// Zone area, sites and demand covered per budget, and what stays uncovered.
void append_coverage(std::string& md, const Json& s, const std::string& metric) {
  md += "## Coverage per budget\n\n";
  const bool has_demand = s.contains("demand");
  md += "| budget (" + metric + ") | zone area (km²) | sites involved |";
  md += has_demand ? " demand points covered | weight covered | share of weight |\n|---|---:|---:|---:|---:|---:|\n"
                   : "\n|---|---:|---:|\n";
  for (const Json& b : s["budgets"]) {
    md += fmt::format("| {} | {} | {} |", str(b, "budget"), thousands(b["area_km2"].get<double>(), 1),
                      b["sites_involved"].get<std::size_t>());
    if (has_demand) {
      md += fmt::format(" {} | {} | {:.2f} % |", b["demand_covered"].get<std::size_t>(),
                        thousands(b["weight_covered"].get<double>(), 0), 100.0 * b["weight_share"].get<double>());
    }
    md += "\n";
  }
  md += "\n";
  if (has_demand) {
    const Json& d = s["demand"];
    md += fmt::format("Uncovered at the largest budget: {} demand points ({} with no network within the maximum "
                      "access distance, {} beyond the budget, {} disconnected from every site); layer `uncovered` "
                      "lists them with the reason.\n\n",
                      d["uncovered"].get<std::size_t>(), d["uncovered_no_network_within_access"].get<std::size_t>(),
                      d["uncovered_beyond_budget"].get<std::size_t>(), d["uncovered_disconnected"].get<std::size_t>());
  }
}

// The targets with their verdicts.
void append_targets(std::string& md, const Json& s) {
  md += "## Targets\n\n";
  if (!s.contains("targets") || s["targets"].empty()) {
    md += "The scenario names no targets.\n\n";
  } else {
    md += "| target | kind | boundary | budget | required | actual | margin | verdict |\n|---|---|---|---|---:|---:|---:|---|\n";
    for (const Json& t : s["targets"]) {
      const std::string v = str(t, "verdict");
      md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", cell(str(t, "name")), str(t, "kind"),
                        str(t, "boundary"), str(t, "budget"), cell(str(t, "required_text")), cell(str(t, "actual_text")),
                        cell(str(t, "margin_text")), v == "pass" ? "pass" : "**" + v + "**");
    }
    md += "\n";
    bool notes = false;
    for (const Json& t : s["targets"]) {
      if (str(t, "message", "").empty()) continue;
      md += "- `" + str(t, "name") + "`: " + cell(str(t, "message")) + "\n";
      notes = true;
    }
    if (notes) md += "\n";
    const Json& ts = s["targets_summary"];
    md += fmt::format("{} of {} targets hold{}.\n\n", ts["passed"].get<std::size_t>(), s["targets"].size(),
                      ts["all_hold"].get<bool>() ? "" : " — `lightcone check` would exit 1");
  }
}

// The placement's problem, result and open sites, and the fibre-cut analysis.
void append_placement(std::string& md, const Json& s, const std::string& metric) {
  md += "## Placement\n\n";
  const Json& pl = s["placement"];
  if (!pl.contains("problem")) {
    md += str(pl, "status") + ": " + str(pl, "reason", "") + "\n\n";
  } else {
    auto num = [](const Json& v) { return v.is_number() ? thousands(v.get<double>(), 1) : std::string("-"); };
    const std::string gap = pl["gap"].is_number() ? fmt::format("{:.3f} %", 100.0 * pl["gap"].get<double>()) : "-";
    md += fmt::format("Problem **{}**{}{}: **{}** ({}), objective {} ({}), bound {}, gap {}.\n\n", str(pl, "problem"),
                      pl["budget_us"].is_null() ? "" : fmt::format(" at {:.0f} µs {}", pl["budget_us"].get<double>(), metric),
                      pl.contains("p") ? fmt::format(", p = {}", pl["p"].get<int>()) : "", str(pl, "status"),
                      str(pl, "method"), num(pl["objective"]), str(pl, "objective_is"), num(pl["bound"]), gap);
    const Json& red = pl["reductions"];
    md += fmt::format("Reductions: demand rows {} → {}, candidates {} → {}.", red["demand_rows_before"].dump(),
                      red["demand_rows_after"].dump(), red["candidates_before"].dump(), red["candidates_after"].dump());
    if (pl.contains("survivable"))
      md += fmt::format(" Survivable: {} cut scenarios ({}).", pl["survivable"]["scenarios"].dump(), str(pl["survivable"], "cuts"));
    md += "\n\n";
    if (pl.contains("reason")) md += str(pl, "reason") + "\n\n";
    if (pl.contains("zones_from")) md += "Zones: " + str(pl, "zones_from") + ".\n\n";
    md += fmt::format("{} open sites, {} new:\n\n| site | status | weight served | load ({}) |\n|---|---|---:|---:|\n",
                      pl["open_sites"].size(), pl["new_sites"].dump(), str(pl, "capacity_unit"));
    for (const Json& o : pl["open_sites"]) {
      md += fmt::format("| {} | {} | {} | {} |\n", cell(str(o, "site_id")), str(o, "status"),
                        thousands(o["weight"].get<double>(), 0), thousands(o["load"].get<double>(), 1));
    }
    md += "\n";
    if (pl.contains("uncoverable_demand_ids") && !pl["uncoverable_demand_ids"].empty())
      md += fmt::format("{} demand ids no candidate can cover (listed in summary.json).\n\n",
                        pl["uncoverable_demand_ids"].size());
    if (pl.contains("uncoverable_demand_fids") && !pl["uncoverable_demand_fids"].empty())
      md += fmt::format("{} demand features no candidate can cover (FIDs in summary.json).\n\n",
                        pl["uncoverable_demand_fids"].size());
  }
  if (s.contains("survivability")) {
    md += "Fibre-cut analysis: " + str(s["survivability"], "cuts") + " cut one at a time; demand fields ";
    bool first_field = true;
    for (const Json& f : s["survivability"]["fields"]) {
      md += (first_field ? "`" : ", `") + f.get<std::string>() + "`";
      first_field = false;
    }
    md += " say whether coverage survives every cut.\n\n";
  }
}

void append_warnings(std::string& md, const Json& s) {
  md += "## Warnings\n\n";
  if (s["warnings"].empty()) md += "None.\n\n";
  for (const Json& w : s["warnings"]) md += "- " + w.get<std::string>() + "\n";
  if (!s["warnings"].empty()) md += "\n";
}

// The files the run wrote.
void append_outputs(std::string& md, const Json& s, const std::string& metric) {
  md += "## Outputs\n\n";
  md += "- `run.gpkg`: layers " ;
  bool first = true;
  for (const Json& l : s["outputs"]["layers"]) {
    md += (first ? "" : ", ") + std::string("`") + l.get<std::string>() + "`";
    first = false;
  }
  md += " (WGS 84; QGIS opens them styled).\n";
  if (s.contains("surface")) {
    const Json& f = s["surface"];
    const std::string crs = f.contains("crs") ? str(f, "crs") : "EPSG:" + str(f, "epsg");
    const std::string name = str(f, "crs_name", "");
    md += fmt::format("- `{}`: latency surface, float32 µs ({}), {}{}, {} m cells, {} × {}; nodata where unreachable.\n",
                      str(f, "file"), metric, crs, name.empty() ? "" : " (" + name + ")", f["cell_m"].get<double>(),
                      f["width"].get<int>(), f["height"].get<int>());
    if (f.contains("crs_choice")) md += "  CRS: " + str(f, "crs_choice") + ". Cells: " + str(f, "cell_choice") + ".\n";
  }
  if (s.contains("maps") && !s["maps"].empty())
    md += "- `maps/`: the quick-look PNG maps above, drawn by lightcone (`lightcone render` draws them again).\n";
  md += "- `summary.json`: everything above as JSON; `timings.json`: wall times (the only file that differs between identical runs).\n";
}

// A placement on a measured latency table ([coverage]): no network, zones or maps.
void append_measured_inputs(std::string& md, const Json& s) {
  const Json& c = s["coverage"];
  md += "## Inputs\n\n| table | source | rows | notes |\n|---|---|---:|---|\n";
  md += fmt::format("| latencies | {} | {} | {} in the table; {} demand, {} sites |\n", source_text(c), c["pairs"].dump(),
                    str(c, "table_metric"), c["demand"].dump(), c["sites"].dump());
  for (const char* key : {"sites", "demand"}) {
    const Json& t = s[key];
    md += fmt::format("| {} | {} | {} | {} |\n", key, t.contains("path") ? source_text(t) : std::string("the ids of the table"),
                      t["count"].dump(), t.contains("path") ? "attribute table (geometry ignored)" : "weight 1, cost 1");
  }
  md += "\nNo network: zones, the latency surface and maps need fibre, and the run has none.\n\n";
}

}  // namespace

std::string plan_report_markdown(const Json& s) {
  std::string md;
  const std::string metric = s["model"]["metric"].get<std::string>() == "rtt" ? "RTT" : "one-way";
  append_header(md, s, metric);
  if (s.contains("coverage")) {  // placement on a measured table: no network, maps or zones
    append_measured_inputs(md, s);
  } else {
    append_inputs(md, s);
    append_maps(md, s);
    append_coverage(md, s, metric);
  }
  append_targets(md, s);
  append_placement(md, s, metric);
  append_warnings(md, s);
  append_outputs(md, s, metric);
  return md;
}

}  // namespace lightcone
