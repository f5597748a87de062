#include "common.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/write.hpp"
#include "network/geodesic.hpp"

namespace lightcone::cli {

void add_network_options(CLI::App& cmd, NetworkArgs& a, bool required) {
  auto* opt = cmd.add_option("--network", a.network, "Fibre lines: PATH[:LAYER] (any GDAL vector source)");
  if (required) opt->required();
  cmd.add_option("--network-where", a.network_where, "OGR attribute filter on the network layer");
  cmd.add_option("--assume-crs", a.assume_crs, "CRS for sources without one, e.g. EPSG:4326");
  cmd.add_option("--length-field", a.fields.length, "Field with the fibre route length (needs --length-unit)");
  cmd.add_option("--length-unit", a.fields.length_unit, "Unit of --length-field: m or km")
      ->check(CLI::IsMember({"m", "km"}));
  cmd.add_option("--group-index-field", a.fields.group_index, "Field with a per-line group index");
  cmd.add_option("--slack-field", a.fields.slack, "Field with a per-line slack factor");
  cmd.add_option("--delay-field", a.fields.delay, "Field with a fixed per-line delay (needs --delay-unit)");
  cmd.add_option("--delay-unit", a.fields.delay_unit, "Unit of --delay-field: us or ms")
      ->check(CLI::IsMember({"us", "ms"}));
  cmd.add_option("--snap", a.snap, "Join line ends closer than this (DEFAULT: 1m)")->capture_default_str();
  cmd.add_flag("--no-split-shared", a.no_split_shared, "Do not split lines at shared vertices");
  cmd.add_option("--tap-field", a.fields.tap,
                 "Network field saying where access may join each line: yes (anywhere), no (nowhere, not even its "
                 "ends), ends (its end nodes only); empty: the --no-tap-longer-than rule");
}

void add_sites_options(CLI::App& cmd, SitesArgs& a, bool required) {
  auto* opt = cmd.add_option("--sites", a.sites, "Sites (data centres, edge sites): PATH[:LAYER]");
  if (required) opt->required();
  cmd.add_option("--sites-where", a.sites_where, "OGR attribute filter on the sites layer");
  cmd.add_option("--site-id", a.fields.id, "Site id field (DEFAULT: site_id if present, else the FID)");
  cmd.add_option("--site-label-field", a.fields.label,
                 "Field that names sites in outputs (name column; DEFAULT: the first of name, label, site_id present; "
                 "none: no names)");
  cmd.add_option("--site-delay-field", a.fields.entry_delay, "Field with a per-site entry delay in us");
  cmd.add_option("--site-exit-delay-field", a.fields.exit_delay,
                 "Field with a per-site exit delay (site to user) in us; DEFAULT: the entry delay");
}

void add_model_options(CLI::App& cmd, ModelArgs& a) {
  cmd.add_option("--metric", a.metric, "rtt or one-way (DEFAULT: rtt)")->capture_default_str();
  cmd.add_option("--direction", a.direction,
                 "One-way direction: to-site (user to site, DEFAULT) or from-site; matters with --site-exit-delay-field");
  cmd.add_option("--group-index", a.group_index, "Fibre group index n (DEFAULT: 1.4682)")->capture_default_str();
  cmd.add_option("--slack", a.slack, "Route length / drawn length (DEFAULT: 1)")->capture_default_str();
  cmd.add_option("--node-delay", a.node_delay, "Delay per network node passed (DEFAULT: 0us)")->capture_default_str();
  cmd.add_option("--site-delay", a.site_delay, "Entry delay at every site (DEFAULT: 0us)")->capture_default_str();
  cmd.add_option("--access-detour", a.access_detour, "Access path / straight distance (DEFAULT: 1.5)")
      ->capture_default_str();
  cmd.add_option("--access-us-per-km", a.access_us_per_km, "Access speed in us/km (DEFAULT: the fibre value)");
  cmd.add_option("--access-delay", a.access_delay, "Fixed delay per access link (DEFAULT: 0us)")->capture_default_str();
  cmd.add_option("--max-access", a.max_access,
                 "Longest straight access distance (DEFAULT: 10km, for provinces and backbones). City scale "
                 "(budgets of 50-200 us): set it to about the smallest budget's fibre reach or less (50us RTT: 25 us "
                 "one-way / 4.9 us/km = 5 km), e.g. 2km; a warning says when it is larger")
      ->capture_default_str();
  cmd.add_option("--access-from", a.access_from, "edges (any point of an edge) or nodes (DEFAULT: edges)")
      ->capture_default_str();
  cmd.add_option("--no-tap-longer-than", a.no_tap_longer_than,
                 "Edges longer than this (long-haul, submarine spans) are joined only at their end nodes, never "
                 "mid-span; off: any point of any edge (DEFAULT: 50km)")
      ->capture_default_str();
}

LatencyModel make_model(const ModelArgs& a) {
  ModelSettings s;
  s.metric = a.metric;
  if (!a.direction.empty()) s.direction = a.direction;
  s.access_from = a.access_from;
  s.group_index = a.group_index;
  s.slack = a.slack;
  s.access_detour = a.access_detour;
  if (a.access_us_per_km != 0.0) s.access_us_per_km = a.access_us_per_km;  // 0: the fibre value
  s.node_delay = parse_duration(a.node_delay, "--node-delay");
  s.site_delay = parse_duration(a.site_delay, "--site-delay");
  s.access_delay = parse_duration(a.access_delay, "--access-delay");
  s.max_access = parse_length(a.max_access, "--max-access");
  s.no_tap_longer_than = parse_tap_length(a.no_tap_longer_than, "--no-tap-longer-than");
  return make_latency_model(s, CliSettingNames{});
}

ReadOptions read_options(const std::string& option, const std::string& where, const std::string& assume_crs) {
  ReadOptions o;
  o.option = option;
  o.where = where;
  if (!assume_crs.empty()) o.assume_crs = assume_crs;
  return o;
}

NetworkInput network_input(const NetworkArgs& n) {
  NetworkInput in;
  in.build.snap = parse_length(n.snap, "--snap");
  if (in.build.snap.value < 0) throw InputError("--snap must not be negative, e.g. '1m'.");
  in.build.split_shared = !n.no_split_shared;
  if (!n.fields.length.empty() && n.fields.length_unit.empty()) {
    throw InputError("--length-field " + n.fields.length + " needs its unit: add --length-unit km or --length-unit m.");
  }
  if (!n.fields.delay.empty() && n.fields.delay_unit.empty()) {
    throw InputError("--delay-field " + n.fields.delay + " needs its unit: add --delay-unit us or --delay-unit ms.");
  }
  in.read = read_options("--network", n.network_where, n.assume_crs);
  in.layer = parse_layer_spec(n.network);
  in.fields = n.fields;
  return in;
}

SitesInput sites_input(const SitesArgs& s, const std::string& assume_crs) {
  return {parse_layer_spec(s.sites), read_options("--sites", s.sites_where, assume_crs), s.fields};
}

Loaded load(const NetworkArgs& n, const SitesArgs* s, const ModelArgs& m) {
  const LatencyModel model = make_model(m);
  const NetworkInput network = network_input(n);
  if (!s || s->sites.empty()) return load_network(network, nullptr, model);
  const SitesInput sites = sites_input(*s, n.assume_crs);
  return load_network(network, &sites, model);
}

std::function<void(const std::string&)> progress_printer(const std::string& command) {
  if (isatty(2) != 1) return {};
  return [command](const std::string& phase) { fmt::print(stderr, "lightcone {}: {}...\n", command, phase); };
}

void check_out_not_input(const std::string& out, std::initializer_list<const char*> suffixes,
                         std::initializer_list<NamedPath> inputs) {
  if (out.empty()) return;
  std::vector<NamedPath> outputs{{"--out", out}};
  for (const char* s : suffixes) outputs.push_back({"--out", sidecar(out, s)});
  check_outputs_are_not_inputs(outputs, std::vector<NamedPath>(inputs));
  for (const NamedPath& o : outputs) check_output_directory(o.path);
}

std::string sidecar(const std::string& out, const std::string& suffix) { return sidecar_path(out, suffix); }

void print_zone_lines(const nlohmann::json& summary) {
  if (!summary.contains("budgets")) return;  // a plan on a measured table has no zones
  for (const auto& b : summary["budgets"]) {
    fmt::print("  {:>8}  {:12.1f} km2  {:4} sites", b["budget"].get<std::string>(), b["area_km2"].get<double>(),
               b["sites_involved"].get<std::size_t>());
    if (b.contains("weight_share")) fmt::print("  {:6.2f} % of demand weight", 100.0 * b["weight_share"].get<double>());
    fmt::print("\n");
  }
  if (summary.contains("split")) {
    fmt::print("  zones_split: {} parts by nearest site, boundary within {:g} m\n",
               summary["split"]["parts"].get<std::size_t>(), summary["split"]["boundary_tolerance_m"].get<double>());
  }
  if (summary.contains("surface")) {
    const auto& f = summary["surface"];
    fmt::print("  surface: {} x {} cells of {:g} m in {} ({})\n    CRS: {}\n    cells: {}\n", f["width"].get<int>(),
               f["height"].get<int>(), f["cell_m"].get<double>(), f["crs"].get<std::string>(),
               f["crs_name"].get<std::string>(), f["crs_choice"].get<std::string>(), f["cell_choice"].get<std::string>());
  }
}

}  // namespace lightcone::cli
