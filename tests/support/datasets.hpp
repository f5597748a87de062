// The shared real networks used as test material: every Topology Zoo network with at
// least one located link (index.csv `links_with_coords` > 0) and every SNDlib instance,
// each read with the `network = '<name>'` filter from the GeoPackage's `links` layer.
#pragma once

#include <string>
#include <vector>

#include "io/source.hpp"
#include "support/oracles.hpp"

namespace lightcone::test {

struct SharedNetwork {
  std::string collection;  // "topology-zoo" or "sndlib"
  std::string name;
  CsvRow index;            // the network's row of the collection's index.csv
  std::string links_spec() const {
    return shared_data(collection == "sndlib" ? "sndlib/sndlib.gpkg:links" : "topology-zoo/topology_zoo.gpkg:links");
  }
  LineLayer read(const LineFields& fields = {}) const {
    ReadOptions options;
    options.where = "network = '" + name + "'";
    return read_lines(parse_layer_spec(links_spec()), options, fields);
  }
};

inline std::vector<SharedNetwork> shared_networks_with_coordinates() {
  std::vector<SharedNetwork> out;
  for (CsvRow& row : read_csv(shared_data("topology-zoo/index.csv")))
    if (std::stoi(row.at("links_with_coords")) > 0) out.push_back({"topology-zoo", row.at("network"), row});
  for (CsvRow& row : read_csv(shared_data("sndlib/index.csv"))) out.push_back({"sndlib", row.at("network"), row});
  return out;
}

}  // namespace lightcone::test
