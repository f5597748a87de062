// The one palette of lightcone's outputs: the QGIS styles (maps/*.qml, made by
// maps/make_styles.py), the quick-look PNG maps (report/run_maps.cpp) and the HTML report
// (report/html_report.cpp) use these classes and colours; tests/report/palette_test.cpp
// checks that the QML files agree with them. Header-only data, no dependencies.
#pragma once

#include <limits>
#include <string_view>

namespace lightcone::palette {

// A class of latency values (µs, the run's metric): (previous upper, upper].
struct LatencyClass {
  double upper_us;
  std::string_view colour;  // #rrggbb
  std::string_view label;
};

inline constexpr double kOpenEnd = std::numeric_limits<double>::infinity();

// maps/zones.qml (graduated on budget_us): ColorBrewer Blues reversed, filled ~50 %.
inline constexpr LatencyClass kZoneClasses[] = {
    {250, "#08306b", "≤ 0.25 ms"}, {500, "#08519c", "≤ 0.5 ms"}, {1000, "#2171b5", "≤ 1 ms"},
    {2000, "#4292c6", "≤ 2 ms"},   {3000, "#6baed6", "≤ 3 ms"},  {5000, "#9ecae1", "≤ 5 ms"},
    {10000, "#c6dbef", "≤ 10 ms"}, {kOpenEnd, "#deebf7", "> 10 ms"}};
inline constexpr int kZoneFillAlpha = 128;

// maps/network.qml (rule-based on min(latency_u_us, latency_v_us)) and maps/demand.qml:
// green → yellow → red; the surface ramp spreads the same colours from 0 to its top.
inline constexpr LatencyClass kLatencyClasses[] = {
    {250, "#1a9641", "≤ 0.25 ms"},     {500, "#73b22f", "0.25 – 0.5 ms"}, {1000, "#c9c20a", "0.5 – 1 ms"},
    {1500, "#f5a623", "1 – 1.5 ms"},   {3000, "#e4572e", "1.5 – 3 ms"},   {kOpenEnd, "#a50f15", "> 3 ms"}};
inline constexpr std::string_view kUnreachable = "#9e9e9e";

// maps/sites.qml (categorized on status), in drawing order: chosen last, on top.
struct SiteStyle {
  std::string_view status;  // "" = any other status
  std::string_view label;
  std::string_view marker;  // circle, square, diamond, triangle, star, cross
  double size;              // px in the PNG maps
  std::string_view fill;
  std::string_view stroke;
};
inline constexpr SiteStyle kSiteStyles[] = {
    {"excluded", "excluded", "cross", 5.0, "#d0d0d0", "#b0b0b0"},
    {"candidate", "candidate", "circle", 5.5, "#9e9e9e", "#616161"},
    {"", "other status", "circle", 6.5, "#ffffff", "#000000"},
    {"planned", "planned", "triangle", 10.0, "#ff7f00", "#7f3f00"},
    {"existing", "existing", "square", 9.0, "#08306b", "#ffffff"},
    {"required", "required", "diamond", 10.0, "#6a3d9a", "#2d0a4e"},
    {"chosen", "chosen", "star", 14.0, "#e31a1c", "#67000d"},
};

inline const SiteStyle& site_style(std::string_view status) {
  for (const SiteStyle& s : kSiteStyles)
    if (!s.status.empty() && status == s.status) return s;
  return kSiteStyles[2];
}

inline constexpr std::string_view kNetworkGrey = "#8a8a8a";
inline constexpr std::string_view kBoundary = "#4d4d4d";
inline constexpr std::string_view kUncovered = "#d00000";
inline constexpr std::string_view kUncoveredFill = "#ff0000";
inline constexpr std::string_view kAssignment = "#808080";
inline constexpr std::string_view kDemandDot = "#5f6b73";

}  // namespace lightcone::palette
