// Requests on the bundled sample (data/shandong_sample.gpkg: layers fibre, sites,
// demand, prefectures) built as the command line builds them with default options, and
// column access for the result tables.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/latency_model.hpp"
#include "io/write.hpp"
#include "plan/load.hpp"

namespace lightcone::test {

inline const std::string kSample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";

inline NetworkInput sample_network() {
  NetworkInput in;
  in.layer = {kSample, "fibre"};
  in.build.snap = Metres{1.0};
  return in;
}

inline SitesInput sample_sites() { return {{kSample, "sites"}, {}, {}}; }

inline LatencyModel model_with(ModelSettings s = {}) { return make_latency_model(s, CliSettingNames{}); }

inline const FeatureTable& table(const std::vector<FeatureTable>& tables, const std::string& name) {
  const auto it = std::find_if(tables.begin(), tables.end(), [&](const FeatureTable& t) { return t.name == name; });
  if (it == tables.end()) throw std::runtime_error("no table " + name);
  return *it;
}

inline const Column& column(const FeatureTable& t, const std::string& name) {
  const auto it = std::find_if(t.columns.begin(), t.columns.end(), [&](const Column& c) { return c.name == name; });
  if (it == t.columns.end()) throw std::runtime_error("no column " + name + " in " + t.name);
  return *it;
}

}  // namespace lightcone::test
