// lightcone info: what a dataset holds (driver, layers, geometry types, counts, CRS, fields).
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "report/json_text.hpp"

namespace lightcone::cli {
namespace {

struct InfoArgs {
  std::string path;
  bool json = false;
};

int run_info(const InfoArgs& a) {
  std::string driver;
  const auto layers = describe_dataset(a.path, &driver);
  if (a.json) {
    nlohmann::ordered_json j;
    j["path"] = a.path;
    j["driver"] = driver;
    j["layers"] = nlohmann::ordered_json::array();
    for (const auto& l : layers)
      j["layers"].push_back({{"name", l.name}, {"geometry_type", l.geometry_type}, {"features", l.features},
                             {"crs", l.crs},
                             {"extent", l.extent.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(l.extent)},
                             {"fields", l.fields}});
    fmt::print("{}\n", json_text(j));
    return 0;
  }
  fmt::print("{} ({})\n", a.path, driver);
  for (const auto& l : layers) {
    std::string fields;
    for (const auto& f : l.fields) fields += (fields.empty() ? "" : ", ") + f;
    fmt::print("  {}: {} features, {}, CRS {}\n", l.name, l.features, l.geometry_type, l.crs);
    if (!l.extent.empty())
      fmt::print("    extent: {:.6f},{:.6f},{:.6f},{:.6f} (west,south,east,north in its CRS)\n", l.extent[0], l.extent[1],
                 l.extent[2], l.extent[3]);
    fmt::print("    fields: {}\n", fields.empty() ? "(none)" : fields);
  }
  return 0;
}

}  // namespace

void register_info(CLI::App& app, Runner& run) {
  auto a = std::make_shared<InfoArgs>();
  CLI::App* cmd = app.add_subcommand("info", "Summarise a dataset: layers, geometry, counts, CRS, fields");
  cmd->add_option("path", a->path, "Any GDAL vector dataset")->required();
  cmd->add_flag("--json", a->json, "Machine-readable output on stdout");
  cmd->callback([a, &run] { run = [a] { return run_info(*a); }; });
}

}  // namespace lightcone::cli
