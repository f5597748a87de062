// The real backbone networks used as test material: every Topology Zoo network with at
// least one located link (index.csv `links_with_coords` > 0) and every SNDlib instance,
// each read with the `network = '<name>'` filter from the GeoPackage's `links` layer.
// Two roots with the same layout: tests/data (a cut of 18 Zoo networks and 7 SNDlib
// instances, in the repository: the default) and the full shared data folder (268 and
// 13; optional extras, see LIGHTCONE_SKIP_WITHOUT_SHARED_DATA).
#pragma once

#include <string>
#include <vector>

#include "io/source.hpp"
#include "support/oracles.hpp"

namespace lightcone::test {

enum class DataRoot {
  tests,   // tests/data: the cut in the repository
  shared,  // LIGHTCONE_SHARED_DATA: the whole collections
};
inline std::string data_path(DataRoot root, const std::string& rel) {
  return root == DataRoot::tests ? test_data(rel) : shared_data(rel);
}

struct RealNetwork {
  std::string collection;  // "topology-zoo" or "sndlib"
  std::string name;
  CsvRow index;            // the network's row of the collection's index.csv
  DataRoot root = DataRoot::tests;
  std::string links_spec() const {
    return data_path(root, collection == "sndlib" ? "sndlib/sndlib.gpkg:links" : "topology-zoo/topology_zoo.gpkg:links");
  }
  LineLayer read(const LineFields& fields = {}) const {
    ReadOptions options;
    options.where = "network = '" + name + "'";
    return read_lines(parse_layer_spec(links_spec()), options, fields);
  }
};

inline std::vector<RealNetwork> networks_with_coordinates(DataRoot root) {
  std::vector<RealNetwork> out;
  for (CsvRow& row : read_csv(data_path(root, "topology-zoo/index.csv")))
    if (std::stoi(row.at("links_with_coords")) > 0) out.push_back({"topology-zoo", row.at("network"), row, root});
  for (CsvRow& row : read_csv(data_path(root, "sndlib/index.csv")))
    out.push_back({"sndlib", row.at("network"), row, root});
  return out;
}

}  // namespace lightcone::test
