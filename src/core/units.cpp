#include "core/units.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "core/error.hpp"

namespace lightcone {
namespace {

struct NumberAndUnit {
  double number = 0.0;
  std::string unit;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

NumberAndUnit split_number(std::string_view text, std::string_view what, std::string_view example) {
  const std::string_view s = trim(text);
  double number = 0.0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
  if (ec != std::errc() || ptr == s.data()) {
    throw InputError("invalid value '" + std::string(text) + "' for " + std::string(what) +
                     ". Give a number with a unit, e.g. '" + std::string(example) + "'.");
  }
  if (!std::isfinite(number)) {
    throw InputError("non-finite value '" + std::string(text) + "' for " + std::string(what) +
                     ". Give a finite number with a unit, e.g. '" + std::string(example) + "'.");
  }
  std::string unit(trim(std::string_view(ptr, static_cast<size_t>(s.data() + s.size() - ptr))));
  if (unit.empty()) {
    throw InputError("missing unit in '" + std::string(text) + "' for " + std::string(what) +
                     ". A bare number is ambiguous: write e.g. '" + std::string(example) + "'.");
  }
  return {number, unit};
}

}  // namespace

Microseconds parse_duration(std::string_view text, std::string_view what) {
  const auto [number, unit] = split_number(text, what, "1ms");
  double factor = 0.0;
  if (unit == "s") factor = 1e6;
  else if (unit == "ms") factor = 1e3;
  else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") factor = 1.0;
  else if (unit == "ns") factor = 1e-3;
  else {
    throw InputError("unknown time unit '" + unit + "' in '" + std::string(text) + "' for " +
                     std::string(what) + ". Use s, ms, us or ns, e.g. '1ms'.");
  }
  if (!std::isfinite(number * factor)) {
    throw InputError("value '" + std::string(trim(text)) + "' for " + std::string(what) + " is out of range.");
  }
  return Microseconds{number * factor};
}

Metres parse_length(std::string_view text, std::string_view what) {
  const auto [number, unit] = split_number(text, what, "10km");
  double factor = 0.0;
  if (unit == "km") factor = 1000.0;
  else if (unit == "m") factor = 1.0;
  else if (unit == "cm") factor = 0.01;
  else if (unit == "mm") factor = 0.001;
  else {
    throw InputError("unknown length unit '" + unit + "' in '" + std::string(text) + "' for " +
                     std::string(what) + ". Use km, m, cm or mm, e.g. '10km'.");
  }
  if (!(std::fabs(number * factor) <= kMaxLength.value)) {
    throw InputError("length '" + std::string(trim(text)) + "' for " + std::string(what) +
                     " is out of range: no distance on Earth exceeds 40000 km.");
  }
  return Metres{number * factor};
}

void check_latency(Microseconds t, const std::string& text, std::string_view what) {
  if (!(t.value <= kMaxLatency.value)) {
    throw InputError("latency '" + text + "' for " + std::string(what) +
                     " is out of range: budgets, latencies and delays are at most 1s (light crosses the Earth's "
                     "fibre in about 200 ms).");
  }
}

std::vector<Microseconds> parse_budgets(std::string_view text, std::string_view what) {
  std::vector<Microseconds> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string_view item =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const Microseconds b = parse_duration(item, what);
    if (!(b.value > 0.0)) {
      throw InputError("budget '" + std::string(trim(item)) + "' for " + std::string(what) +
                       " must be greater than zero, e.g. '1ms,3ms'.");
    }
    check_latency(b, std::string(trim(item)), what);
    out.push_back(b);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

LonLat parse_lonlat(std::string_view text, std::string_view what) {
  const std::string s(text);
  const auto comma = s.find(',');
  try {
    if (comma == std::string::npos) throw std::invalid_argument(s);
    std::size_t used = 0;
    const double lon = std::stod(s.substr(0, comma), &used);
    const double lat = std::stod(s.substr(comma + 1), &used);
    if (used != s.size() - comma - 1 || !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
      throw std::invalid_argument(s);
    }
    return {lon, lat};
  } catch (const std::exception&) {
    throw InputError("invalid point '" + s + "' for " + std::string(what) +
                     ". Write LON,LAT in degrees, e.g. 120.38,36.07.");
  }
}

std::string format_duration(Microseconds t) {
  char buf[64];
  if (t.value >= 1000.0) std::snprintf(buf, sizeof buf, "%.15gms", t.value / 1000.0);
  else std::snprintf(buf, sizeof buf, "%.15gus", t.value);
  return buf;
}

}  // namespace lightcone
