#include "plan/load.hpp"

#include <fmt/core.h>

#include <map>

#include "core/error.hpp"

namespace lightcone {

LoadedNetwork load_network(const NetworkInput& n, const SitesInput* s, const LatencyModel& model) {
  LoadedNetwork L;
  L.lines = read_lines(n.layer, n.read, n.fields);
  if (s) L.sites = read_points(s->layer, s->read, s->fields);
  SitePoints points;
  if (L.sites) points = SitePoints{L.sites->pos, L.sites->entry_delay_us, L.sites->exit_delay_us};
  static_cast<PreparedNetwork&>(L) = prepare_network(L.lines.lines, model, n.build, L.sites ? &points : nullptr);
  return L;
}

void require_attached_sites(const LoadedNetwork& L, const std::string& sites_name) {
  if (!L.sources.empty()) return;
  throw InputError("no site lies within " + fmt::format("{:g}", L.model.max_access.km()) + " km of the network (" +
                   sites_name + "). Check the layers overlap, or raise --max-access.");
}

std::vector<std::string> edge_risk_groups(const LineLayer& lines, const Network& net) {
  std::map<std::int64_t, std::string> group_of_fid;
  for (std::size_t i = 0; i < lines.lines.lines(); ++i) group_of_fid[lines.lines.fid[i]] = lines.risk_group[i];
  std::vector<std::string> group(net.edges());
  for (EdgeId e = 0; e < net.edges(); ++e) group[e] = group_of_fid[net.edge_fid[e]];
  return group;
}

}  // namespace lightcone
