// report.html and a province's fibre (issue 15: a province run's report stays within about
// 20 MB): above 50,000 edges the fibre is drawn as one MultiLineString per latency class;
// below, one feature per edge with its fields. The oracle counts the edges per class of
// the palette directly.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>

#include "core/layers.hpp"
#include "report/html_report.hpp"
#include "report/palette.hpp"

namespace lightcone {
namespace {

// n two-vertex lines on a grid; edge i has latency (i * 37) % 4000 us at its nearer end
// (u), v 100 us more; every 1000th edge unreachable (both NULL).
FeatureTable fibre(std::size_t n) {
  FeatureTable t;
  t.name = kNetworkLayer;
  t.geometry = FeatureTable::Geometry::line;
  std::vector<double> u, v, len;
  std::vector<std::int64_t> id;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = 117.0 + static_cast<double>(i % 500) * 0.01, y = 35.0 + static_cast<double>(i / 500) * 0.01;
    t.coords.push_back({x, y});
    t.coords.push_back({x + 0.008, y + 0.003});
    t.first.push_back(static_cast<std::uint32_t>(t.coords.size()));
    const bool unreachable = i % 1000 == 999;
    u.push_back(unreachable ? std::nan("") : static_cast<double>((i * 37) % 4000));
    v.push_back(unreachable ? std::nan("") : static_cast<double>((i * 37) % 4000) + 100.0);
    len.push_back(0.8);
    id.push_back(static_cast<std::int64_t>(i));
  }
  t.columns.push_back(Column::integers("edge_id", id));
  t.columns.push_back(Column::reals("length_km", len));
  t.columns.push_back(Column::reals("latency_u_us", u));
  t.columns.push_back(Column::reals("latency_v_us", v));
  return t;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(HtmlReportFibre, AProvincesFibreIsDrawnByLatencyClass) {
  const std::size_t n = 120000;
  const std::vector<FeatureTable> tables = {fibre(n)};
  const std::string html = html_report(nlohmann::ordered_json::object(), tables, "", LeafletAssets{});
  // The oracle: edges per palette class, unreachable last.
  constexpr std::size_t nc = std::size(palette::kLatencyClasses);
  std::array<std::size_t, nc + 1> expected{};
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 1000 == 999) {
      ++expected[nc];
      continue;
    }
    const double m = static_cast<double>((i * 37) % 4000);
    std::size_t c = 0;
    while (c + 1 < nc && m > palette::kLatencyClasses[c].upper_us) ++c;
    ++expected[c];
  }
  EXPECT_NE(html.find("\"network\":{\"type\":\"FeatureCollection\",\"edges\":120000,"), std::string::npos);
  for (std::size_t c = 0; c <= nc; ++c) {
    const std::string label = c == nc ? "unreachable" : std::string(palette::kLatencyClasses[c].label);
    SCOPED_TRACE(label);
    EXPECT_NE(html.find("\"latency_class\":\"" + label + "\",\"edges\":" + std::to_string(expected[c]) + ","),
              std::string::npos);
  }
  EXPECT_EQ(count(html, "\"type\":\"MultiLineString\""), nc + 1);
  EXPECT_EQ(html.find("\"edge_id\""), std::string::npos);
  // About 40 bytes per edge (two vertices to 4 decimals) instead of about 180.
  EXPECT_LT(html.size(), n * 45);
}

TEST(HtmlReportFibre, ASmallNetworkKeepsEveryEdgeWithItsFields) {
  const std::vector<FeatureTable> tables = {fibre(100)};
  const std::string html = html_report(nlohmann::ordered_json::object(), tables, "", LeafletAssets{});
  EXPECT_EQ(count(html, "\"edge_id\":"), 100u);
  EXPECT_EQ(html.find("MultiLineString\",\"coordinates"), std::string::npos);
}

}  // namespace
}  // namespace lightcone
