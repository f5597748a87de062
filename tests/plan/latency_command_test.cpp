// run_latency and run_route on the bundled sample, called directly: point latencies are
// the zones job's demand latencies for the same points, independent of the thread count;
// node and point summaries agree with their tables; a route from a site is never faster
// than the nearest-site latency.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/layers.hpp"
#include "plan/latency_command.hpp"
#include "plan/zones_command.hpp"
#include "sample_requests.hpp"

namespace lightcone {
namespace {

using test::column;
using test::table;

LatencyRequest sample_latency_request(unsigned threads) {
  LatencyRequest rq;
  rq.network = test::sample_network();
  rq.sites = test::sample_sites();
  rq.sites_name = test::kSample + ":sites";
  rq.points = PointsInput{{test::kSample, "demand"}, {}, {}};
  rq.model = test::model_with();
  rq.threads = threads;
  return rq;
}

// NaN equals NaN: unreached in both.
void expect_same_reals(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) {
      EXPECT_EQ(std::isnan(a[i]), std::isnan(b[i])) << what << " row " << i;
    } else {
      EXPECT_DOUBLE_EQ(a[i], b[i]) << what << " row " << i;
    }
  }
}

void expect_summary_matches(const LatencyRun& run) {
  const auto& latency = column(run.table, "latency_us").reals();
  std::vector<double> reached;
  for (double v : latency)
    if (!std::isnan(v)) reached.push_back(v);
  std::sort(reached.begin(), reached.end());
  EXPECT_EQ(run.summary["features"].get<std::size_t>(), latency.size());
  EXPECT_EQ(run.summary["reached"].get<std::size_t>(), reached.size());
  EXPECT_EQ(run.summary["unreached"].get<std::size_t>(), latency.size() - reached.size());
  ASSERT_FALSE(reached.empty());
  EXPECT_EQ(run.summary["latency_us"]["min"].get<double>(), reached.front());
  EXPECT_EQ(run.summary["latency_us"]["max"].get<double>(), reached.back());
}

TEST(RunLatency, PointsHaveTheZonesJobDemandLatencies) {
  const LatencyRun points = run_latency(sample_latency_request(2));
  ASSERT_TRUE(points.points);
  expect_summary_matches(points);

  ZonesRequest zr;
  zr.network = test::sample_network();
  zr.sites = test::sample_sites();
  zr.model = test::model_with();
  zr.demand = DemandInput{{test::kSample, "demand"}, {}, {}, 0};
  zr.job.budgets = {{1000.0}};
  zr.job.surface = false;
  const ZonesRun zones = run_zones(zr);
  const FeatureTable& demand = table(zones.result.tables, kDemandLayer);

  ASSERT_EQ(points.table.fid, demand.fid);
  expect_same_reals(column(points.table, "latency_us").reals(), column(demand, "latency_us").reals(), "latency_us");
  expect_same_reals(column(points.table, "access_us").reals(), column(demand, "access_us").reals(), "access_us");
  EXPECT_EQ(column(points.table, "site_id").texts(), column(demand, "site_id").texts());
  {
    const Column& a = column(points.table, "site_id");
    const Column& b = column(demand, "site_id");
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a.is_null(i), b.is_null(i)) << i;
  }
}

TEST(RunLatency, PointsDoNotDependOnThreads) {
  const LatencyRun one = run_latency(sample_latency_request(1));
  const LatencyRun three = run_latency(sample_latency_request(3));
  expect_same_reals(column(one.table, "latency_us").reals(), column(three.table, "latency_us").reals(), "latency_us");
  EXPECT_EQ(column(one.table, "site_id").texts(), column(three.table, "site_id").texts());
  EXPECT_EQ(one.summary, three.summary);
}

// The site id's NULL flags are set after the workers join: with the flags written by the
// workers (bits of one std::vector<bool>, neighbours on different threads), some reached
// points lost their site id now and then. Several runs on 2 threads, each point's flag
// against its latency.
TEST(RunLatency, EveryReachedPointKeepsItsSiteIdOnSeveralThreads) {
  for (int run = 0; run < 8; ++run) {
    const LatencyRun r = run_latency(sample_latency_request(2));
    const Column& site = column(r.table, "site_id");
    const std::vector<double>& latency = column(r.table, "latency_us").reals();
    for (std::size_t i = 0; i < latency.size(); ++i) ASSERT_EQ(site.is_null(i), std::isnan(latency[i])) << "run " << run << " point " << i;
  }
}

TEST(RunLatency, NodesWhenNoPointsAreGiven) {
  LatencyRequest rq = sample_latency_request(0);
  rq.points.reset();
  const LatencyRun nodes = run_latency(rq);
  EXPECT_FALSE(nodes.points);
  EXPECT_EQ(nodes.table.name, "nodes");
  EXPECT_EQ(column(nodes.table, "node_id").integers().size(), nodes.table.coords.size());
  expect_summary_matches(nodes);
  // A site's node is reached with the site's own latency only: the minimum is small.
  EXPECT_LT(nodes.summary["latency_us"]["min"].get<double>(), 100.0);
}

TEST(RunRoute, NeverFasterThanTheNearestSite) {
  const LatencyRun points = run_latency(sample_latency_request(0));
  const PointLayer sites = read_points({test::kSample, "sites"}, {}, {});
  const auto& latency = column(points.table, "latency_us").reals();
  const LatencyModel model = test::model_with();
  int checked = 0;
  for (std::size_t i = 0; i < latency.size() && checked < 3; i += latency.size() / 7) {
    if (std::isnan(latency[i])) continue;
    ++checked;
    double best = INFINITY;
    for (std::size_t s = 0; s < sites.pos.size(); s += 4) {
      const RouteRun r = run_route({test::sample_network(), model, sites.pos[s], points.table.coords[i]});
      if (!r.route.found) continue;
      const double rtt = r.route.total_us * model.metric_factor();
      EXPECT_DOUBLE_EQ(r.summary["latency_us"].get<double>(), rtt);
      EXPECT_NEAR(r.route.total_us, r.route.access_us + r.route.fibre_us + r.route.node_delay_us, 1e-6);
      best = std::min(best, rtt);
    }
    EXPECT_LE(latency[i], best + 1e-6) << "point " << i;
  }
  EXPECT_EQ(checked, 3);
}

TEST(RunRoute, FarPointIsNotFoundWithAReason) {
  const RouteRun r = run_route({test::sample_network(), test::model_with(), {120.38, 36.07}, {100.0, 30.0}});
  EXPECT_FALSE(r.route.found);
  EXPECT_EQ(r.summary["reason"], "no network within max access of the end");
}

}  // namespace
}  // namespace lightcone
