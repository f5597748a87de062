// Names of the layers lightcone writes (the QGIS styles in maps/ are matched by these)
// and the field names derived from budgets. Shared by the jobs that make the tables
// (plan/), the report, maps and diff that read them, and the targets (std only).
#pragma once

#include <string>

#include "core/units.hpp"

namespace lightcone {

inline constexpr const char* kZonesLayer = "zones";
inline constexpr const char* kZonesSplitLayer = "zones_split";
inline constexpr const char* kNetworkLayer = "network";
inline constexpr const char* kSitesLayer = "sites";
inline constexpr const char* kDemandLayer = "demand";
inline constexpr const char* kUncoveredLayer = "uncovered";
inline constexpr const char* kRunInfoLayer = "run_info";
// Only placement runs and plan write these.
inline constexpr const char* kAssignmentsLayer = "assignments";
inline constexpr const char* kBoundariesLayer = "boundaries";
// The field that names sites and demand in the sites, demand, uncovered and assignments
// layers (the input's label field, next to site_id / source_fid; see PointFields::label).
inline constexpr const char* kNameField = "name";

// "1.5ms" → "1p5ms": a budget name usable in field names (covered_<name>).
std::string budget_field_name(Microseconds budget);
// "survives_1p5ms": the demand field of the fibre-cut analysis at a budget.
std::string survives_field(Microseconds budget);

}  // namespace lightcone
