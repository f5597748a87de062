// Reading the layers a job needs and building the routable network from them: the
// step every command and `plan` share (read → build → prepare). Inputs are typed
// (layer spec, read options, field mapping, build options, the latency model); the
// command line and the scenario reader both make them (cli/common, plan/scenario_run).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/latency_model.hpp"
#include "io/source.hpp"
#include "latency/prepared.hpp"
#include "network/network.hpp"

namespace lightcone {

struct NetworkInput {
  LayerSpec layer;
  ReadOptions read;
  LineFields fields;
  BuildOptions build;
};

struct SitesInput {
  LayerSpec layer;
  ReadOptions read;
  PointFields fields;
};

// A network read, built, with sites attached (edges split at the sites): the layers as
// read plus the PreparedNetwork (model, net, sources, index, graph, ...).
struct LoadedNetwork : PreparedNetwork {
  LineLayer lines;
  std::optional<PointLayer> sites;
};

// Reads every layer before building anything, so bad input fails fast. `sites` may be
// null (no sites attached).
LoadedNetwork load_network(const NetworkInput& network, const SitesInput* sites, const LatencyModel& model);

// Throws InputError when no site of `loaded` is attached to the network (none within
// the model's max access); `sites_name` is the sites source as the user named it.
void require_attached_sites(const LoadedNetwork& loaded, const std::string& sites_name);

// Per network edge: the shared-risk group of the line it came from (`risk_group` as
// read with LineFields::risk_group).
std::vector<std::string> edge_risk_groups(const LineLayer& lines, const Network& net);

}  // namespace lightcone
