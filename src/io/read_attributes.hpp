// Attribute tables, with or without geometry (any geometry is ignored): the measured
// latency table of `place --coverage` (demand_id, site_id, latency_us) and the demand and
// site tables that go with it (ids, weights, costs, capacities, statuses). Any GDAL
// source: a CSV without geometry columns, a GeoPackage attribute table, a layer.
// Numbers are parsed strictly: a text value must be a whole decimal number ("12",
// "0.5", "1e3"), else InputError naming the file, layer, fid, field and value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/source.hpp"

namespace lightcone {

struct AttributeField {
  std::string name;    // the field in the table
  std::string option;  // the setting that named it, for messages ("--cost-field"); empty: a fixed column
  // A NULL or blank value is an error (else NaN for numbers, "" for texts).
  bool required = false;
};

struct AttributeRequest {
  // The option or scenario key that named the source ("--coverage", "[coverage]"), for messages.
  std::string option;
  std::string where;  // OGR attribute filter; empty = none
  // Key column: `id_field`; empty: `id_default` if the table has it, else the FID.
  std::string id_field;
  std::string id_default;
  std::string id_option;  // the setting naming id_field ("--site-id"), for messages
  bool read_id = true;    // false: no key column (the coverage table has two)
  bool unique_ids = true; // a repeated id is an error naming both fids
  std::vector<AttributeField> numbers;
  std::vector<AttributeField> texts;
};

struct AttributeTable {
  std::string path;
  std::string layer;
  std::string id_field;                 // the field ids came from, or "fid"
  std::vector<std::int64_t> fid;        // per row
  std::vector<std::string> id;          // per row (when read_id)
  std::vector<std::vector<double>> numbers;      // [field][row], NaN = NULL
  std::vector<std::vector<std::string>> texts;   // [field][row]
  std::size_t rows() const { return fid.size(); }
};

// Throws InputError when the source, layer or a field is missing (naming the fields the
// table has), a value is not a number, a required value is NULL, or an id repeats.
AttributeTable read_attribute_table(const LayerSpec& spec, const AttributeRequest& request);

}  // namespace lightcone
