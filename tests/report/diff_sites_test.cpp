// diff_runs' sites added / removed (issue 14 item 6): a site counts in a run when it is
// in its sites table and, with a placement's `open` column, open; so a site that went
// from candidate (open 0) to existing (open 1) is listed as added, and one closed as
// removed. Tables made by hand; the expected lists written out.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/table.hpp"
#include "report/diff.hpp"

namespace lightcone {
namespace {

FeatureTable zones() {
  FeatureTable t;
  t.name = "zones";
  t.geometry = FeatureTable::Geometry::polygon;
  t.columns.push_back(Column::reals("budget_us", {}));
  t.columns.push_back(Column::texts("budget", {}));
  return t;
}

FeatureTable sites(std::vector<std::string> ids, std::vector<std::int64_t> open) {
  FeatureTable t;
  t.name = "sites";
  t.geometry = FeatureTable::Geometry::none;
  t.columns.push_back(Column::texts("site_id", std::move(ids)));
  if (!open.empty()) t.columns.push_back(Column::integers("open", std::move(open)));
  return t;
}

std::vector<std::string> texts(const nlohmann::ordered_json& a) {
  std::vector<std::string> out;
  for (const auto& x : a) out.push_back(x.get<std::string>());
  return out;
}

TEST(DiffSites, CandidateToExistingIsAdded) {
  const FeatureTable z = zones();
  // A: the plan left "nice" a closed candidate; B: "nice" is an existing, open site.
  const FeatureTable sa = sites({"paris", "nice", "lyon"}, {1, 0, 1});
  const FeatureTable sb = sites({"paris", "nice", "lyon"}, {1, 1, 0});
  const auto d = diff_runs({"a", Metric::rtt, &z, nullptr, &sa}, {"b", Metric::rtt, &z, nullptr, &sb});
  EXPECT_EQ(texts(d["sites_added"]), std::vector<std::string>{"nice"});
  EXPECT_EQ(texts(d["sites_removed"]), std::vector<std::string>{"lyon"});
  EXPECT_NE(diff_text(d).find("sites added: nice; removed: lyon"), std::string::npos) << diff_text(d);
}

TEST(DiffSites, WithoutOpenColumnEverySiteCounts) {
  const FeatureTable z = zones();
  // A: a placement run (nice closed); B: a zones run, no open column (every site used).
  const FeatureTable sa = sites({"paris", "nice"}, {1, 0});
  const FeatureTable sb = sites({"paris", "nice"}, {});
  const auto d = diff_runs({"a", Metric::rtt, &z, nullptr, &sa}, {"b", Metric::rtt, &z, nullptr, &sb});
  EXPECT_EQ(texts(d["sites_added"]), std::vector<std::string>{"nice"});
  EXPECT_TRUE(d["sites_removed"].empty());
  // Same sites, same states: nothing.
  const auto same = diff_runs({"a", Metric::rtt, &z, nullptr, &sa}, {"b", Metric::rtt, &z, nullptr, &sa});
  EXPECT_TRUE(same["sites_added"].empty());
  EXPECT_TRUE(same["sites_removed"].empty());
}

}  // namespace
}  // namespace lightcone
