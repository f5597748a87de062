// Writing results: feature tables (core/table.hpp: points, lines or polygons, WGS 84) to
// GeoPackage, CSV or GeoJSON, chosen by the output file's extension. Writes go to a
// temporary name beside the target and are renamed when complete (io/atomic_file.hpp),
// so a failed run leaves nothing behind.
// GeoPackages are byte-identical for identical input (fixed timestamps, fixed order).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/table.hpp"

namespace lightcone {

// Writes all tables to one file (GeoPackage: one layer each; CSV/GeoJSON: exactly one
// table). GeoPackages also get the QGIS style of every layer that has one (maps/*.qml)
// in their `layer_styles` table. Throws InputError for an unsupported extension or an
// unwritable place.
void write_tables(const std::string& path, std::span<const FeatureTable> tables);

// The QGIS style (QML) shipped for an output layer name, or empty.
std::string_view qgis_style(std::string_view layer);

}  // namespace lightcone

namespace lightcone {
// Writes text to `path` atomically (temporary name, then rename).
void write_text_file(const std::string& path, const std::string& content);
// The name of a file written beside `out`: "dir/a.gpkg" + ".summary.json" →
// "dir/a.summary.json".
std::string sidecar_path(const std::string& out, const std::string& suffix);
}  // namespace lightcone

namespace lightcone {
// Checks that `path` can be written (known extension, existing directory) before any
// work is done; throws InputError otherwise.
void write_tables_check_path(const std::string& path);
}  // namespace lightcone
