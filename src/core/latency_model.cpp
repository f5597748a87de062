#include "core/latency_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "core/error.hpp"

namespace lightcone {

namespace {

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

std::string CliSettingNames::name(std::string_view key) const {
  std::string n = "--" + std::string(key);
  std::replace(n.begin(), n.end(), '_', '-');
  return n;
}

std::string CliSettingNames::assignment(std::string_view key, std::string_view value) const {
  return name(key) + " " + std::string(value);
}

LatencyModel make_latency_model(const ModelSettings& in, const SettingNames& names) {
  LatencyModel m;
  auto fail = [&](std::string_view key, const std::string& message) {
    throw InputError(names.where(key) + message);
  };
  if (in.metric) {
    try {
      m.metric = parse_metric(*in.metric, names.name("metric"));
    } catch (const InputError& e) {
      fail("metric", e.what());
    }
  }
  if (in.direction) {
    try {
      m.direction = parse_direction(*in.direction, names.name("direction"));
    } catch (const InputError& e) {
      fail("direction", e.what());
    }
    if (m.metric == Metric::rtt) {
      fail("direction", names.name("direction") + " applies to one-way latencies; with " +
                            names.assignment("metric", "rtt") +
                            " both ways are summed (RTT = 2 x (network + access) + entry + exit delay). Remove it "
                            "or use " + names.assignment("metric", "one-way") + ".");
    }
  }
  if (in.access_from) {
    if (*in.access_from == "edges") m.access_from = AccessFrom::edges;
    else if (*in.access_from == "nodes") m.access_from = AccessFrom::nodes;
    else fail("access_from", "unknown value '" + *in.access_from + "' for " + names.name("access_from") +
                                 ". Use 'edges' or 'nodes'.");
  }
  auto ranged = [&](std::string_view key, const std::optional<double>& v, double& out, double lo, double hi,
                    const std::string& rule) {
    if (!v) return;
    if (!(*v >= lo && *v < hi)) fail(key, names.name(key) + " = " + number_text(*v) + " is out of range: " + rule + ".");
    out = *v;
  };
  ranged("group_index", in.group_index, m.group_index, 1.0, 10.0,
         "the fibre group index is between 1 and 10 (single-mode fibre is about 1.468)");
  ranged("slack", in.slack, m.slack, 1.0, 100.0, "slack is route length / drawn length, at least 1");
  ranged("access_detour", in.access_detour, m.access_detour, 1.0, 100.0, "the access detour factor is at least 1");
  if (in.access_us_per_km) {
    if (!(*in.access_us_per_km > 0.0 && std::isfinite(*in.access_us_per_km)))
      fail("access_us_per_km", names.name("access_us_per_km") + " must be greater than zero (leave it out for the fibre value).");
    m.access_us_per_km = *in.access_us_per_km;
  }
  auto delay = [&](std::string_view key, const std::optional<Microseconds>& v, Microseconds& out) {
    if (!v) return;
    if (!(v->value >= 0.0 && std::isfinite(v->value))) fail(key, names.name(key) + " must not be negative.");
    if (v->value > kMaxLatency.value) fail(key, names.name(key) + " must be at most 1s.");
    out = *v;
  };
  delay("node_delay", in.node_delay, m.node_delay);
  delay("site_delay", in.site_delay, m.site_delay);
  delay("access_delay", in.access_delay, m.access_fixed);
  if (in.max_access) {
    if (!(in.max_access->value > 0.0 && std::isfinite(in.max_access->value)))
      fail("max_access", names.name("max_access") + " must be greater than zero, e.g. " +
                             names.assignment("max_access", "10km") + ".");
    m.max_access = *in.max_access;
  }
  if (in.no_tap_longer_than) {
    if (!(in.no_tap_longer_than->value > 0.0))
      fail("no_tap_longer_than", names.name("no_tap_longer_than") + " must be greater than zero, e.g. " +
                                     names.assignment("no_tap_longer_than", "50km") + ", or off.");
    m.no_tap_longer_than = *in.no_tap_longer_than;
  }
  return m;
}

std::string LatencyModel::describe() const {
  const char* metric_text = metric == Metric::rtt               ? "round trip (RTT = 2 x one-way)"
                            : direction == Direction::to_site ? "one-way, user to site"
                                                              : "one-way, site to user";
  if (measured()) {
    return std::string(metric_text) + "; latency from a measured table " + measured_table + ", as given (" +
           (measured_metric == Metric::rtt ? "its values are RTT" : "its values are one-way") +
           (measured_metric == metric ? "" : measured_metric == Metric::rtt ? ", halved" : ", doubled") +
           "); no fibre model";
  }
  char taps[160];
  if (access_from == AccessFrom::nodes)
    std::snprintf(taps, sizeof taps, ", from nodes only (access_from = nodes)");
  else if (std::isinf(no_tap_longer_than.value))
    std::snprintf(taps, sizeof taps, ", to any point of any edge");
  else
    std::snprintf(taps, sizeof taps, ", to any point of edges up to %.6g km, only the ends of longer ones",
                  no_tap_longer_than.km());
  char buf[640];
  std::snprintf(buf, sizeof buf,
                "%s; fibre group index %.6g (%.6f us/km one-way), slack %.6g; node delay %.6g us; "
                "site delay %.6g us; access detour %.6g x %.6f us/km + %.6g us, max %.6g km%s",
                metric == Metric::rtt               ? "round trip (RTT = 2 x one-way)"
                : direction == Direction::to_site ? "one-way, user to site"
                                                  : "one-way, site to user",
                group_index,
                fibre_us_per_km(), slack, node_delay.value, site_delay.value, access_detour,
                access_rate_us_per_km(), access_fixed.value, max_access.km(), taps);
  return buf;
}

std::string_view to_string(Metric m) { return m == Metric::rtt ? "rtt" : "one-way"; }

std::string_view to_string(AccessFrom a) { return a == AccessFrom::edges ? "edges" : "nodes"; }

std::string_view to_string(Direction d) { return d == Direction::to_site ? "to-site" : "from-site"; }

std::string max_access_warning(const LatencyModel& m, const Budget& smallest) {
  const double reach_km = smallest.one_way.value / m.fibre_us_per_km();
  if (!(m.max_access.km() > reach_km)) return {};
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "max access %.6g km is larger than the fibre reach of the %s budget (%.3g km: %.6g us one-way at "
                "%.4f us/km), so access links, not the fibre, shape the zones: at city scale set --max-access "
                "(max_access in [model]) to about the reach or less, e.g. %.3gkm",
                m.max_access.km(), smallest.name().c_str(), reach_km, smallest.one_way.value, m.fibre_us_per_km(),
                reach_km);
  return buf;
}

Metres parse_tap_length(std::string_view text, std::string_view what) {
  if (text == "off") return Metres{std::numeric_limits<double>::infinity()};
  const Metres m = parse_length(text, what);
  if (!(m.value > 0.0))
    throw InputError(std::string(what) + " must be greater than zero, e.g. '50km', or 'off' (joins any point of any edge).");
  return m;
}

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
