#include "core/latency_model.hpp"

#include <cmath>
#include <cstdio>

#include "core/error.hpp"

namespace lightcone {

void LatencyModel::validate() const {
  auto require = [](bool ok, const char* what) {
    if (!ok) throw InputError(what);
  };
  require(std::isfinite(group_index) && group_index >= 1.0 && group_index < 10.0,
          "group index must be between 1 and 10 (fibre is about 1.468). Fix --group-index.");
  require(std::isfinite(slack) && slack >= 1.0 && slack < 100.0,
          "slack must be at least 1 (route length / drawn length). Fix --slack.");
  require(std::isfinite(access_detour) && access_detour >= 1.0 && access_detour < 100.0,
          "access detour must be at least 1. Fix --access-detour.");
  require(std::isfinite(access_us_per_km) && access_us_per_km >= 0.0,
          "access speed must be a positive number of us per km. Fix --access-us-per-km.");
  require(std::isfinite(node_delay.value) && node_delay.value >= 0.0,
          "node delay must not be negative. Fix --node-delay.");
  require(std::isfinite(site_delay.value) && site_delay.value >= 0.0,
          "site delay must not be negative. Fix --site-delay.");
  require(std::isfinite(access_fixed.value) && access_fixed.value >= 0.0,
          "fixed access delay must not be negative. Fix --access-delay.");
  require(std::isfinite(max_access.value) && max_access.value > 0.0,
          "maximum access distance must be greater than zero. Fix --max-access.");
}

std::string LatencyModel::describe() const {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s; fibre group index %.6g (%.6f us/km one-way), slack %.6g; node delay %.6g us; "
                "site delay %.6g us; access detour %.6g x %.6f us/km + %.6g us, max %.6g km",
                metric == Metric::rtt               ? "round trip (RTT = 2 x one-way)"
                : direction == Direction::to_site ? "one-way, user to site"
                                                  : "one-way, site to user",
                group_index,
                fibre_us_per_km(), slack, node_delay.value, site_delay.value, access_detour,
                access_rate_us_per_km(), access_fixed.value, max_access.km());
  return buf;
}

std::string_view to_string(Metric m) { return m == Metric::rtt ? "rtt" : "one-way"; }

std::string_view to_string(Direction d) { return d == Direction::to_site ? "to-site" : "from-site"; }

Direction parse_direction(std::string_view text, std::string_view what) {
  if (text == "to-site") return Direction::to_site;
  if (text == "from-site") return Direction::from_site;
  throw InputError("unknown direction '" + std::string(text) + "' for " + std::string(what) +
                   ". Use to-site (user to site) or from-site (site to user); with metric rtt both are summed.");
}

Metric parse_metric(std::string_view text, std::string_view what) {
  if (text == "rtt") return Metric::rtt;
  if (text == "one-way" || text == "oneway") return Metric::one_way;
  throw InputError("unknown metric '" + std::string(text) + "' for " + std::string(what) +
                   ". Use 'rtt' or 'one-way'.");
}

}  // namespace lightcone
