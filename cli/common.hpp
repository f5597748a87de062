// Options shared by several commands (same names everywhere, DESIGN.md §8) and the
// wiring from files to a routable network with attached sites.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/latency_model.hpp"
#include "io/paths.hpp"
#include "io/source.hpp"
#include "latency/point_latency.hpp"
#include "latency/prepared.hpp"
#include "latency/search.hpp"
#include "network/attach.hpp"
#include "network/network.hpp"
#include "network/segment_index.hpp"
#include "plan/load.hpp"

namespace lightcone::cli {

struct NetworkArgs {
  std::string network;
  std::string network_where;
  std::string assume_crs;
  LineFields fields;
  std::string snap = "1m";
  bool no_split_shared = false;
};

struct SitesArgs {
  std::string sites;
  std::string sites_where;
  PointFields fields;
};

struct ModelArgs {
  double group_index = 1.4682;
  double slack = 1.0;
  std::string node_delay = "0us";
  std::string site_delay = "0us";
  double access_detour = 1.5;
  double access_us_per_km = 0.0;
  std::string access_delay = "0us";
  std::string max_access = "10km";
  std::string metric = "rtt";
  std::string access_from = "edges";
  std::string direction;  // empty: to-site for one-way (RTT sums both ways)
  std::string no_tap_longer_than = "50km";
};

void add_network_options(CLI::App& cmd, NetworkArgs& a, bool required);
void add_sites_options(CLI::App& cmd, SitesArgs& a, bool required);
void add_model_options(CLI::App& cmd, ModelArgs& a);

LatencyModel make_model(const ModelArgs& a);

// The typed inputs of plan/load.hpp from the options (units parsed, rules checked).
NetworkInput network_input(const NetworkArgs& n);
SitesInput sites_input(const SitesArgs& s, const std::string& assume_crs);

using Loaded = LoadedNetwork;
// Reads and builds the network with the sites (when given) attached.
Loaded load(const NetworkArgs& n, const SitesArgs* s, const ModelArgs& m);

// The read options of the source given with `option` ("--demand"): its messages name
// that option and its filter option ("--demand-where").
ReadOptions read_options(const std::string& option, const std::string& where, const std::string& assume_crs);

// Prints "lightcone COMMAND: PHASE..." on stderr for each phase of a run, only when
// stderr is a terminal (DESIGN §8); empty otherwise.
std::function<void(const std::string&)> progress_printer(const std::string& command);

// Refuses (exit 2) a command whose output file `out` or one of its sidecars (`suffixes`,
// e.g. ".summary.json") is one of the inputs (io/paths.hpp), or a directory, FIFO or
// device (io/atomic_file.hpp).
void check_out_not_input(const std::string& out, std::initializer_list<const char*> suffixes,
                         std::initializer_list<NamedPath> inputs);

// "a.gpkg" → "a.summary.json" beside it.
std::string sidecar(const std::string& out, const std::string& suffix);

// The lines `zones` and `plan` print for a run's summary: a line per budget (area,
// sites, demand share), the split, and the surface with its CRS and cell choice.
void print_zone_lines(const nlohmann::json& summary);

}  // namespace lightcone::cli
