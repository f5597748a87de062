// The latency model of DESIGN.md §3. All delays are computed one-way internally;
// the metric decides what outputs report (RTT = 2 × one-way, delays are symmetric).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/units.hpp"

namespace lightcone {

enum class Metric { rtt, one_way };
// Which way a one-way latency runs: from the user to the site (DEFAULT) or back. Only
// site delays can differ by direction (entry vs exit delay); fibre, node and access
// delays are symmetric. RTT = forward + reverse, whatever the direction.
enum class Direction { to_site, from_site };
// Where access may join the network (DESIGN §3): any point of any edge (DEFAULT), or
// only nodes.
enum class AccessFrom { edges, nodes };

// Speed of light in vacuum, km/s (exact by definition of the metre).
inline constexpr double kSpeedOfLightKmPerS = 299792.458;

// µs per km of fibre for a group index n: n / c, exact (n = 1.4682 gives 4.89738…).
constexpr double fibre_us_per_km(double group_index) {
  return group_index / kSpeedOfLightKmPerS * 1e6;
}

struct LatencyModel {
  // Fibre group index n. DEFAULT: 1.4682 (G.652 single-mode at 1550 nm). REQUIRES: >= 1.
  double group_index = 1.4682;
  // Route length / drawn length. DEFAULT: 1.0. REQUIRES: >= 1.
  double slack = 1.0;
  // Delay added at every network node passed through (router/ROADM hop). DEFAULT: 0.
  Microseconds node_delay{0.0};
  // Switching delay inside a site, added at the site. DEFAULT: 0.
  Microseconds site_delay{0.0};
  // Last-mile detour factor: access path = straight distance × detour. DEFAULT: 1.5. REQUIRES: >= 1.
  double access_detour = 1.5;
  // Access µs per km; 0 means "same as the fibre" (n / c). DEFAULT: 0 (fibre value).
  double access_us_per_km = 0.0;
  // Fixed delay per access link at demand points (PON, 5G air interface). DEFAULT: 0.
  Microseconds access_fixed{0.0};
  // Longest straight access distance allowed. DEFAULT: 10 km. REQUIRES: > 0.
  Metres max_access{10000.0};
  // What outputs report. DEFAULT: round trip.
  Metric metric = Metric::rtt;
  // The way a one-way latency runs (ignored for RTT). DEFAULT: user to site.
  Direction direction = Direction::to_site;
  // Where access joins the network (point latency, zones, surface, coverage). DEFAULT: edges.
  AccessFrom access_from = AccessFrom::edges;
  // Latencies measured, not modelled (`place --coverage FILE`, `[coverage]`): the table
  // they come from and the metric its values are in (one-way = value / 2 for RTT). Empty:
  // the fibre model above. When set, none of the fibre, node, site or access settings apply.
  std::string measured_table;
  Metric measured_metric = Metric::rtt;
  bool measured() const { return !measured_table.empty(); }
  // The per-line tap rule (DESIGN §3): edges longer than this (route length) are joined
  // by access only at their end nodes, never mid-span (long-haul and submarine spans have
  // no taps); a line's tap field (yes / no / ends) overrides it. Infinity = off (every
  // edge may be joined anywhere). DEFAULT: 50 km. REQUIRES: > 0.
  Metres no_tap_longer_than{50000.0};

  double fibre_us_per_km() const { return lightcone::fibre_us_per_km(group_index); }
  double access_rate_us_per_km() const {
    return access_us_per_km > 0.0 ? access_us_per_km : fibre_us_per_km();
  }
  // Factor from one-way to the reported metric (2 for RTT).
  double metric_factor() const { return metric == Metric::rtt ? 2.0 : 1.0; }
  // One-way µs → the reported metric (NaN stays NaN; unreached must be mapped first).
  double to_metric_us(double one_way_us) const { return one_way_us * metric_factor(); }
  // A value in the reported metric → one-way µs (budgets, targets).
  double to_one_way_us(double metric_us) const { return metric_us / metric_factor(); }

  // One line stating the model, for reports: "RTT; fibre n=1.4682 (4.897 us/km) ...".
  std::string describe() const;
};

// A latency budget: as the user gave it (in the model's metric) and as the searches
// use it (one-way). Made once, at the job boundary (LatencyModel::budget).
struct Budget {
  Microseconds metric;   // e.g. 1 ms RTT
  Microseconds one_way;  // e.g. 500 µs
  // "1ms": the budget as outputs name it (format_duration of the metric value).
  std::string name() const { return format_duration(metric); }
};
inline Budget make_budget(const LatencyModel& m, Microseconds metric_value) {
  return {metric_value, Microseconds{m.to_one_way_us(metric_value.value)}};
}

// The model's settings as the user wrote them, from the command line or a scenario's
// [model] table: unset values keep the model's defaults. make_latency_model() applies
// the same rules to both, so the CLI and scenarios cannot drift.
struct ModelSettings {
  std::optional<std::string> metric, direction, access_from;
  std::optional<double> group_index, slack, access_detour, access_us_per_km;
  std::optional<Microseconds> node_delay, site_delay, access_delay;
  std::optional<Metres> max_access;
  std::optional<Metres> no_tap_longer_than;  // infinity = off
};
// How a setting is named in messages: "--metric" on the command line, "'metric' in
// [model]" in a scenario (with its "<file>:<line>: " prefix), and how a value is written
// ("--metric one-way" / "metric = \"one-way\"").
struct SettingNames {
  virtual ~SettingNames() = default;
  virtual std::string name(std::string_view key) const = 0;
  virtual std::string where(std::string_view key) const = 0;
  virtual std::string assignment(std::string_view key, std::string_view value) const = 0;
};
// Command-line names: key "group_index" → "--group-index" (access_delay → --access-delay).
struct CliSettingNames : SettingNames {
  std::string name(std::string_view key) const override;
  std::string where(std::string_view) const override { return {}; }
  std::string assignment(std::string_view key, std::string_view value) const override;
};
// The typed model, or an InputError naming the setting (by `names`) and a fix.
LatencyModel make_latency_model(const ModelSettings& settings, const SettingNames& names);

std::string_view to_string(Metric m);
// "edges" / "nodes".
std::string_view to_string(AccessFrom a);
// City scale (issue 14 item 8): the fibre reach of a budget is how far its one-way
// latency carries light in fibre (25 µs one-way at 4.897 µs/km: 5.1 km). A maximum
// access distance above the reach of the smallest budget lets access links, not the
// fibre, shape the zones. The warning text then, else empty.
std::string max_access_warning(const LatencyModel& m, const Budget& smallest);
// A --no-tap-longer-than value: a length > 0 ("50km") or "off" (infinity); anything
// else is an InputError naming `what`.
Metres parse_tap_length(std::string_view text, std::string_view what);
// "to-site" / "from-site".
std::string_view to_string(Direction d);
// Parses "to-site" or "from-site"; anything else is an InputError naming `what`.
Direction parse_direction(std::string_view text, std::string_view what);
// Parses "rtt" or "one-way"; anything else is an InputError naming `what`.
Metric parse_metric(std::string_view text, std::string_view what);

}  // namespace lightcone
