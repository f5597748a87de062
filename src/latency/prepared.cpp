#include "latency/prepared.hpp"

#include <cassert>
#include <cmath>

#include "latency/point_latency.hpp"

namespace lightcone {

PreparedNetwork prepare_network(const LineInput& lines, const LatencyModel& model, const BuildOptions& build,
                                const SitePoints* sites) {
  PreparedNetwork P;
  P.model = model;
  P.net = build_network(lines, model, build, &P.report);
  if (sites) {
    assert(sites->entry_delay_us.size() == sites->pos.size());
    SegmentIndex pre(P.net);
    std::vector<std::uint32_t> scratch;
    const std::size_t ns = sites->pos.size();
    P.site_attach.resize(ns);
    for (std::size_t i = 0; i < ns; ++i)
      P.site_attach[i] = attach_point(pre, sites->pos[i], model.max_access.value, scratch);
    P.site_node = split_at(P.net, P.site_attach);
    // Components after splitting (split points join their edge's component).
    P.report.node_component = connected_components(P.net, &P.report.components);
    const AccessCost access(model);
    for (std::size_t i = 0; i < ns; ++i) {
      if (P.site_node[i] == kNone) continue;
      const double given = sites->entry_delay_us[i];
      const double entry = std::isnan(given) ? model.site_delay.value : given;
      const double given_exit = sites->exit_delay_us.empty() ? std::nan("") : sites->exit_delay_us[i];
      const double exit = std::isnan(given_exit) ? entry : given_exit;
      const double delay = model.metric == Metric::rtt              ? 0.5 * (entry + exit)
                           : model.direction == Direction::to_site ? entry
                                                                   : exit;
      // A site's own access link counts its distance, not the fixed last-mile delay.
      P.sources.push_back(Source{P.site_node[i], delay + access.us_per_m * P.site_attach[i].distance_m});
      P.source_site.push_back(static_cast<std::uint32_t>(i));
    }
  }
  P.index = std::make_unique<SegmentIndex>(P.net);
  P.graph = std::make_unique<Graph>(P.net);
  return P;
}

}  // namespace lightcone
