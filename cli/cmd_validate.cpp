// lightcone validate: read and build the network (and sites), report what was found.
// Exit 0 clean, 1 data problems found (skipped features, several components, sites off
// the network; dangling ends only with --strict), 2 unusable input.
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "report/json_text.hpp"

namespace lightcone::cli {
namespace {

struct ValidateArgs {
  NetworkArgs network;
  SitesArgs sites;
  ModelArgs model;
  bool json = false;
  bool strict = false;
};

nlohmann::ordered_json skipped_json(const LayerInfo& info) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& s : info.skipped) arr.push_back({{"fid", s.fid}, {"reason", s.reason}});
  return arr;
}

int run_validate(const ValidateArgs& a) {
  Loaded L = load(a.network, &a.sites, a.model);
  const BuildReport& r = L.report;
  nlohmann::ordered_json off = nlohmann::ordered_json::array();
  if (L.sites) {
    for (std::size_t i = 0; i < L.sites->pos.size(); ++i) {
      if (L.site_node[i] != kNone) continue;
      nlohmann::ordered_json o = {{"site_id", L.sites->id[i]}, {"fid", L.sites->fid[i]}};
      // How far the nearest edge is, searched without the access limit (bounded at 1000 km).
      std::vector<std::uint32_t> scratch;
      const Attachment far = attach_point(*L.index, L.sites->pos[i], 1e6, scratch);
      if (far.edge != kNone) o["distance_m"] = far.distance_m;
      else o["distance_m"] = nullptr;
      off.push_back(o);
    }
  }
  const std::size_t skipped = L.lines.info.skipped.size() + (L.sites ? L.sites->info.skipped.size() : 0);
  // A network without a usable edge routes nothing: that is a problem, never "clean".
  // Dangling ends (degree-1 nodes) are information: on a backbone a PoP with one link
  // is normal. --strict counts them as problems (a metro ring should have none).
  const bool problems = L.net.edges() == 0 || skipped > 0 || r.components.size() > 1 ||
                        (a.strict && r.dangling_ends > 0) || !off.empty();
  std::size_t no_geometry = 0;
  for (const auto& s : L.lines.info.skipped) no_geometry += s.reason == "null geometry" || s.reason == "empty geometry";
  nlohmann::ordered_json j;
  j["network"] = {{"path", L.lines.info.path}, {"layer", L.lines.info.layer}, {"driver", L.lines.info.driver},
                  {"crs", L.lines.info.crs}};
  j["features_read"] = L.lines.info.features_read;
  j["features_skipped"] = skipped_json(L.lines.info);
  j["features_without_geometry"] = no_geometry;
  j["nodes"] = L.net.nodes();
  j["edges"] = L.net.edges();
  j["components"] = r.components;
  j["dangling_ends"] = r.dangling_ends;
  j["snapped_ends"] = r.snapped_ends;
  j["zero_length_edges"] = r.zero_length_edges;
  j["self_loops"] = r.self_loops;
  j["duplicate_edges"] = r.duplicate_edges;
  if (L.sites) {
    j["sites"] = {{"path", L.sites->info.path}, {"layer", L.sites->info.layer}, {"crs", L.sites->info.crs},
                  {"features_read", L.sites->info.features_read},
                  {"features_skipped", skipped_json(L.sites->info)}};
  }
  j["sites_off_network"] = off;
  j["max_access_m"] = L.model.max_access.value;
  j["strict"] = a.strict;
  j["problems"] = problems;
  if (a.json) {
    fmt::print("{}\n", json_text(j));
    return problems ? 1 : 0;
  }
  fmt::print("network   {}:{} ({}, CRS {})\n", L.lines.info.path, L.lines.info.layer, L.lines.info.driver,
             L.lines.info.crs);
  fmt::print("features  {} read, {} skipped\n", L.lines.info.features_read, L.lines.info.skipped.size());
  for (const auto& s : L.lines.info.skipped) fmt::print("  skipped fid={}: {}\n", s.fid, s.reason);
  if (no_geometry > 0) fmt::print("no geometry {} features (NULL or empty: skipped, not in the network)\n", no_geometry);
  fmt::print("graph     {} nodes, {} edges; {} line ends snapped; dropped {} zero-length, {} self-loops, {} duplicates\n",
             L.net.nodes(), L.net.edges(), r.snapped_ends, r.zero_length_edges, r.self_loops, r.duplicate_edges);
  std::string comps;
  for (std::size_t i = 0; i < std::min<std::size_t>(r.components.size(), 10); ++i)
    comps += (i ? ", " : "") + std::to_string(r.components[i]);
  if (r.components.size() > 10) comps += ", ...";
  fmt::print("components {} (nodes: {})\n", r.components.size(), comps);
  if (a.strict || r.dangling_ends == 0)
    fmt::print("dangling  {} line ends touch nothing\n", r.dangling_ends);
  else
    fmt::print("dangling  {} line ends touch nothing (information: normal for PoPs with one link; --strict counts them "
               "as problems)\n",
               r.dangling_ends);
  if (L.sites) {
    fmt::print("sites     {}:{}: {} read, {} skipped, {} beyond {} km of the network\n", L.sites->info.path,
               L.sites->info.layer, L.sites->info.features_read, L.sites->info.skipped.size(), off.size(),
               L.model.max_access.km());
    for (const auto& s : L.sites->info.skipped) fmt::print("  skipped fid={}: {}\n", s.fid, s.reason);
    for (const auto& o : off) {
      if (o["distance_m"].is_null()) fmt::print("  site {}: no network within 1000 km\n", o["site_id"].get<std::string>());
      else fmt::print("  site {}: {:.3f} km from the network\n", o["site_id"].get<std::string>(),
                      o["distance_m"].get<double>() / 1000.0);
    }
  }
  fmt::print("{}\n", problems ? "problems found (exit 1)" : "clean");
  return problems ? 1 : 0;
}

}  // namespace

void register_validate(CLI::App& app, Runner& run) {
  auto a = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "Check fibre and site layers; report problems (exit 1 if any)");
  add_network_options(*cmd, a->network, true);
  add_sites_options(*cmd, a->sites, false);
  add_model_options(*cmd, a->model);
  cmd->add_flag("--json", a->json, "Machine-readable report on stdout");
  cmd->add_flag("--strict", a->strict,
                "Count dangling line ends as problems (exit 1); by DEFAULT they are information (backbone PoPs with "
                "one link are normal)");
  cmd->callback([a, &run] { run = [a] { return run_validate(*a); }; });
}

}  // namespace lightcone::cli
