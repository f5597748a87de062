// run_zones on the bundled sample, called directly: the zones per budget, the demand
// table (covered_<budget> = 1 exactly when latency_us <= budget, margins, weights) and
// the summary agree with each other; demand polygons by sample; no attached site.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/layers.hpp"
#include "plan/zones_command.hpp"
#include "sample_requests.hpp"

namespace lightcone {
namespace {

using test::column;
using test::table;

ZonesRequest sample_zones_request(const std::vector<Microseconds>& budgets) {
  ZonesRequest rq;
  rq.network = test::sample_network();
  rq.sites = test::sample_sites();
  rq.sites_name = test::kSample + ":sites";
  rq.model = test::model_with();
  rq.job.budgets = budgets;
  rq.job.surface = false;
  rq.job.threads = 2;
  rq.budgets_text = "budgets as written";
  return rq;
}

DemandInput sample_demand(const std::string& layer, const std::string& weight, int sample = 0) {
  DemandInput d{{test::kSample, layer}, {}, {}, sample};
  d.fields.weight = weight;
  return d;
}

TEST(RunZones, ZonesPerBudgetAndDemandCoverageAgree) {
  const std::vector<Microseconds> budgets = {{3000.0}, {500.0}, {1000.0}};
  ZonesRequest rq = sample_zones_request(budgets);
  rq.demand = sample_demand("demand", "pop");
  const ZonesRun run = run_zones(rq);
  const ZonesJobResult& R = run.result;
  ASSERT_TRUE(run.demand);
  const std::size_t n = run.demand->pos.size();
  ASSERT_GT(n, 1000u);

  // One zone per budget, largest first, nested: a larger budget covers at least the area.
  const FeatureTable& zones = table(R.tables, kZonesLayer);
  ASSERT_EQ(zones.polygons.size(), 3u);
  const auto& zb = column(zones, "budget_us").reals();
  EXPECT_EQ(zb, (std::vector<double>{3000.0, 1000.0, 500.0}));
  const auto& area = column(zones, "area_km2").reals();
  EXPECT_GT(area[2], 0.0);
  EXPECT_GE(area[0], area[1]);
  EXPECT_GE(area[1], area[2]);

  const FeatureTable& demand = table(R.tables, kDemandLayer);
  ASSERT_EQ(demand.coords.size(), n);
  const auto& latency = column(demand, "latency_us").reals();
  const auto& weight = column(demand, "weight").reals();
  std::size_t reached = 0;
  for (double v : latency) reached += !std::isnan(v);
  EXPECT_GT(reached, n / 2);
  double weight_total = 0.0;
  for (double w : weight) weight_total += w;

  for (std::size_t z = 0; z < 3; ++z) {
    const Microseconds b{zb[z]};
    const auto& covered = column(demand, "covered_" + budget_field_name(b)).integers();
    const auto& margin = column(demand, "margin_" + budget_field_name(b) + "_us").reals();
    std::size_t covered_n = 0;
    double covered_weight = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isnan(latency[i])) {
        EXPECT_EQ(covered[i], 0) << "unreached demand point " << i << " covered at " << b.value;
        EXPECT_TRUE(std::isnan(margin[i]));
        continue;
      }
      EXPECT_EQ(covered[i], latency[i] <= b.value ? 1 : 0) << "point " << i << " latency " << latency[i];
      EXPECT_NEAR(margin[i], b.value - latency[i], 1e-9);
      covered_n += covered[i] == 1;
      covered_weight += covered[i] == 1 ? weight[i] : 0.0;
    }
    const auto& bj = R.summary["budgets"][2 - z];  // the summary lists budgets ascending
    EXPECT_EQ(bj["budget_us"].get<double>(), b.value);
    EXPECT_EQ(bj["demand_covered"].get<std::size_t>(), covered_n);
    EXPECT_NEAR(bj["weight_covered"].get<double>(), covered_weight, 1e-6 * weight_total);
    EXPECT_NEAR(column(zones, "weight_covered").reals()[z], covered_weight, 1e-6 * weight_total);
    EXPECT_NEAR(column(zones, "weight_share").reals()[z], covered_weight / weight_total, 1e-9);
  }
  // Uncovered: exactly the points beyond the largest budget (or unreached).
  std::size_t beyond = 0;
  for (double v : latency) beyond += std::isnan(v) || v > 3000.0;
  EXPECT_EQ(table(R.tables, kUncoveredLayer).coords.size(), beyond);

  // run_info comes last and states the command and the budgets as written.
  const FeatureTable& info = R.tables.back();
  ASSERT_EQ(info.name, kRunInfoLayer);
  const auto& key = column(info, "key").texts();
  const auto& value = column(info, "value").texts();
  const auto at = [&](const std::string& k) { return value[std::size_t(std::find(key.begin(), key.end(), k) - key.begin())]; };
  EXPECT_EQ(at("command"), "zones");
  EXPECT_EQ(at("budgets"), "budgets as written");
}

TEST(RunZones, SampledPolygonsCoveredOnlyWhenEverySamplePointIs) {
  ZonesRequest rq = sample_zones_request({{2000.0}});
  rq.demand = sample_demand("prefectures", "", 20);
  const ZonesRun run = run_zones(rq);
  const FeatureTable& demand = table(run.result.tables, kDemandLayer);
  const std::string b = budget_field_name({2000.0});
  const auto& samples = column(demand, "samples").integers();
  const auto& worst = column(demand, "latency_worst_us").reals();
  const auto& mean = column(demand, "latency_us").reals();
  const auto& covered = column(demand, "covered_" + b).integers();
  const auto& share = column(demand, "covered_share_" + b).reals();
  ASSERT_EQ(samples.size(), run.demand->pos.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    EXPECT_GE(samples[i], 1);
    EXPECT_EQ(covered[i], share[i] == 1.0 ? 1 : 0);
    if (!std::isnan(worst[i])) {
      EXPECT_EQ(covered[i], worst[i] <= 2000.0 ? 1 : 0);
      EXPECT_LE(mean[i], worst[i] + 1e-9);
    }
    EXPECT_GE(share[i], 0.0);
    EXPECT_LE(share[i], 1.0);
  }
  const FeatureTable& info = run.result.tables.back();
  const auto& key = column(info, "key").texts();
  EXPECT_NE(std::find(key.begin(), key.end(), "demand_sample"), key.end());
}

TEST(RunZones, SamplingPointDemandNamesTheOption) {
  ZonesRequest rq = sample_zones_request({{1000.0}});
  rq.demand = sample_demand("demand", "", 5);
  try {
    run_zones(rq);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(" --demand-sample samples polygons: leave it out for point demand."),
              std::string::npos)
        << e.what();
  }
}

TEST(RunZones, NoAttachedSiteIsAnInputError) {
  ZonesRequest rq = sample_zones_request({{1000.0}});
  ModelSettings s;
  s.max_access = Metres{1.0};
  rq.model = test::model_with(s);
  try {
    run_zones(rq);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "no site lies within 0.001 km of the network (" + test::kSample +
                                         ":sites). Check the layers overlap, or raise --max-access.");
  }
}

TEST(CheckZonesOut, WantsAGeoPackage) {
  EXPECT_THROW(check_zones_out(""), InputError);
  EXPECT_THROW(check_zones_out("/tmp/zones.csv"), InputError);
  EXPECT_THROW(check_zones_out("/nonexistent-dir/zones.gpkg"), InputError);
  EXPECT_NO_THROW(check_zones_out("/tmp/zones.gpkg"));
}

}  // namespace
}  // namespace lightcone
