// Units as types at API boundaries: Microseconds (time), Metres (length).
// Parsing is strict: a number must carry a unit ("1ms", "500us", "0.5 ms", "10km",
// "250m"); a bare number, an unknown unit, NaN or infinity is an InputError.
// Points are "LON,LAT" in degrees.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"

namespace lightcone {

struct Microseconds {
  double value = 0.0;
  constexpr auto operator<=>(const Microseconds&) const = default;
  constexpr Microseconds operator+(Microseconds o) const { return {value + o.value}; }
  constexpr Microseconds operator-(Microseconds o) const { return {value - o.value}; }
  constexpr Microseconds operator*(double f) const { return {value * f}; }
};

struct Metres {
  double value = 0.0;
  constexpr auto operator<=>(const Metres&) const = default;
  constexpr double km() const { return value / 1000.0; }
};

// Parses a duration such as "1ms", "500us", "500µs", "0.5 ms", "2s", "1000ns".
// `what` names the option or key for the error message.
Microseconds parse_duration(std::string_view text, std::string_view what);

// Parses a length such as "10km", "250m", "1.5 km", "30cm".
Metres parse_length(std::string_view text, std::string_view what);

// The sane range of units (DESIGN §3): latencies, budgets and delays at most 1 s,
// lengths at most 40 000 km. Parsers refuse values beyond it, and any non-finite value.
inline constexpr Microseconds kMaxLatency{1e6};
inline constexpr Metres kMaxLength{4e7};
// InputError "latency '<text>' for <what> is out of range ..." when t > kMaxLatency.
void check_latency(Microseconds t, const std::string& text, std::string_view what);

// Parses a comma-separated list of durations ("1ms,3ms"); each must be > 0 and <= 1 s.
std::vector<Microseconds> parse_budgets(std::string_view text, std::string_view what);

// Parses a point "LON,LAT" in degrees (lon in [-180, 180], lat in [-90, 90]).
LonLat parse_lonlat(std::string_view text, std::string_view what);

// Formats a duration for names and reports: "1ms", "500us", "1.5ms".
std::string format_duration(Microseconds t);

}  // namespace lightcone
