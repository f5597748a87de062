// report.html: one self-contained, offline file to share a run with people who have no
// QGIS. Leaflet (Debian's libjs-leaflet, inlined with its images as data: URIs: no CDN,
// no request leaves the file, enforced by a Content-Security-Policy), the run's layers as
// GeoJSON (zones by budget, split zones, fibre coloured by latency, sites by status, chosen
// sites, uncovered demand, boundaries), the latency surface as an image overlay, a layer
// switcher, a legend in the QGIS styles' colours (report/palette.hpp), popups with each
// feature's fields, the targets with their verdicts and the latency model. Lines and
// polygons are simplified for display only (never the analysis) and coordinates rounded
// to 1e-5° (about 1 m). Identical runs give identical bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "core/table.hpp"

namespace lightcone {

inline constexpr const char* kRunHtml = "report.html";
// Where Debian's libjs-leaflet installs Leaflet.
inline constexpr const char* kLeafletDir = "/usr/share/javascript/leaflet";

struct LeafletAssets {
  std::string js;   // leaflet.min.js with its licence header
  std::string css;  // leaflet.css with its images inlined
};
// Reads Leaflet from `dir`. InputError naming the package to install when it is missing.
LeafletAssets read_leaflet(const std::string& dir = kLeafletDir);

// The report of a run: its summary.json, the tables of its run.gpkg and, when not empty,
// its latency surface GeoTIFF.
std::string html_report(const nlohmann::ordered_json& summary, std::span<const FeatureTable> tables,
                        const std::string& surface_tif, const LeafletAssets& leaflet);

}  // namespace lightcone
