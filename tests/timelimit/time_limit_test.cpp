// `lightcone place --time-limit` is wall-clock time of the whole job: on generated
// instances (fixed seeds, written at test time) that need longer than the limit, every
// problem returns within 5 s + 10 % + 2 s with a plan, a bound and status feasible. Each
// plan is checked by `lightcone latency` from its open sites (a separate code path: point
// latencies, not the coverage): the number of open sites, and the objective (p-median:
// weighted mean latency; p-center: worst latency; LSCP: every demand within the budget;
// MCLP: at least the covered weight within the budget).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "io/read_table.hpp"
#include "support/cli_runner.hpp"
#include "support/place_instance.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::run_lightcone;
using test::ScratchDir;

constexpr double kLimitS = 5.0;
#ifdef LIGHTCONE_SLOW_BUILD
// ASan/UBSan: network build, coverage and the check run 3-10x slower; the deadline is the
// same, so this still fails when a solve ignores it (a solve that overran took minutes).
constexpr double kWallS = 7.0 + 8.0;
#else
constexpr double kWallS = 7.0;  // the limit + 10 % + 2 s would be 7.5; the issue asks 7
#endif
// The fibre-cut rows of the survivable runs on the small instance must be complete within
// the limit for a plan to exist. Under ASan/UBSan they take 5-6.5 s (varying even with code
// alignment) against 1.7-3.3 s in release, so there those runs get three times the limit
// and its wall allowance (and may then finish their solve in time).
#ifdef LIGHTCONE_SLOW_BUILD
constexpr double kInTimeScale = 3.0;
#else
constexpr double kInTimeScale = 1.0;
#endif

struct Instance {
  std::string path;
  std::vector<double> pop;  // by fid − 1
};

class TimeLimitCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_dir = new ScratchDir;
    auto make = [](const std::string& name, test::PlaceInstance p) {
      Instance i;
      i.path = s_dir->file(name + ".gpkg");
      i.pop = test::write_place_instance(i.path, p);
      return i;
    };
    s_plain = new Instance(make("plain", {}));  // 30 x 30 grid, 800 sites, 800 demand
    test::PlaceInstance cap;
    cap.capacity = 100;
    s_capacity = new Instance(make("capacity", cap));
    test::PlaceInstance small;  // survivable rows are a search per cut: a smaller network
    small.grid = 15;
    small.sites = 300;
    small.demand = 300;
    s_small = new Instance(make("small", small));
  }
  static void TearDownTestSuite() {
    delete s_plain;
    delete s_capacity;
    delete s_small;
    delete s_dir;
  }
  static ScratchDir* s_dir;
  static Instance *s_plain, *s_capacity, *s_small;
};
ScratchDir* TimeLimitCli::s_dir = nullptr;
Instance* TimeLimitCli::s_plain = nullptr;
Instance* TimeLimitCli::s_capacity = nullptr;
Instance* TimeLimitCli::s_small = nullptr;

struct Checked {
  nlohmann::json summary;
  std::string gpkg;  // the plan (kept while the test runs)
  std::size_t open_sites = 0;
  std::map<std::int64_t, double> latency;  // per demand fid: RTT µs to the nearest open site
};

// Runs place with a 5 s limit, checks the wall time, the status and the bound, and
// measures the plan with `lightcone latency` from its open sites.
// needs_longer false: the instance may be solved in time (status optimal is fine too).
// scale: the limit and its wall allowance times this (kInTimeScale for the survivable runs).
Checked place_within_limit(const Instance& inst, std::vector<std::string> extra, bool force_mip = false,
                           bool needs_longer = true, double scale = 1.0) {
  static ScratchDir out_dirs;
  static int run = 0;
  const std::string run_dir = out_dirs.file("run" + std::to_string(++run));
  std::filesystem::create_directories(run_dir);
  struct Out {
    std::string dir;
    std::string file(const std::string& name) const { return dir + "/" + name; }
  } out{run_dir};
  const std::string limit = std::to_string(static_cast<int>(kLimitS * scale)) + "s";
  std::vector<std::string> args{"place",    "--network", inst.path + ":fibre", "--sites", inst.path + ":sites",
                                "--demand", inst.path + ":demand", "--weight", "pop", "--time-limit", limit,
                                "--json",   "--out", out.file("p.gpkg")};
  args.insert(args.end(), extra.begin(), extra.end());
  if (force_mip) setenv("LIGHTCONE_FORCE_MIP", "1", 1);
  const auto t0 = std::chrono::steady_clock::now();
  const CliResult r = run_lightcone(args);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (force_mip) unsetenv("LIGHTCONE_FORCE_MIP");
  Checked c;
  c.gpkg = out.file("p.gpkg");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_LE(wall, kWallS * scale) << "limit " << limit;
  if (r.code != 0) return c;
  c.summary = nlohmann::json::parse(r.out);
  EXPECT_TRUE(c.summary["bound"].is_number()) << r.out;
  EXPECT_TRUE(c.summary["gap"].is_number()) << r.out;
  if (needs_longer) {
    EXPECT_EQ(c.summary["status"], "feasible") << "the instance should need longer than the limit: " << r.out;
    EXPECT_NE(c.summary.value("reason", std::string()).find("time limit"), std::string::npos) << r.out;
  } else {
    EXPECT_TRUE(c.summary["status"] == "feasible" || c.summary["status"] == "optimal") << r.out;
  }
  // The plan, measured independently.
  const CliResult lat = run_lightcone({"latency", "--network", inst.path + ":fibre", "--sites", out.file("p.gpkg") + ":sites",
                                       "--sites-where", "open = 1", "--to", inst.path + ":demand", "--json", "--out",
                                       out.file("lat.csv")});
  EXPECT_EQ(lat.code, 0) << lat.err;
  c.open_sites = nlohmann::json::parse(lat.out)["sites_attached"].get<std::size_t>();
  std::istringstream csv(test::slurp(out.file("lat.csv")));
  std::string line;
  std::getline(csv, line);  // X,Y,source_fid,latency_us,access_us,site_id
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    c.latency[std::stoll(f[2])] = f[3].empty() ? std::numeric_limits<double>::infinity() : std::stod(f[3]);
  }
  EXPECT_EQ(c.latency.size(), inst.pop.size());
  return c;
}

const Column& column(const FeatureTable& t, const std::string& name) {
  for (const Column& c : t.columns)
    if (c.name == name) return c;
  throw std::runtime_error("no column " + name + " in " + t.name);
}

double weighted_mean(const Instance& inst, const Checked& c) {
  double sum = 0.0, weight = 0.0;
  for (const auto& [fid, l] : c.latency) {
    sum += inst.pop[static_cast<std::size_t>(fid - 1)] * l;
    weight += inst.pop[static_cast<std::size_t>(fid - 1)];
  }
  return sum / weight;
}

double worst(const Checked& c) {
  double w = 0.0;
  for (const auto& [fid, l] : c.latency) w = std::max(w, l);
  return w;
}

double covered_weight(const Instance& inst, const Checked& c, double budget_us) {
  double w = 0.0;
  for (const auto& [fid, l] : c.latency) w += l <= budget_us + 1e-6 ? inst.pop[static_cast<std::size_t>(fid - 1)] : 0.0;
  return w;
}

TEST_F(TimeLimitCli, PMedianAssignmentModel800x800) {
  // 640,000 assignment columns: the root LP alone needs far longer than 5 s. By default
  // (Benders decomposition) the same instance may be proven optimal within the limit
  // (about 3 s on the shared machine): then it must still hold the limit.
  for (const bool force : {true, false}) {
    SCOPED_TRACE(force ? "assignment MIP forced" : "default");
    const Checked c = place_within_limit(*s_plain, {"--problem", "pmedian", "--p", "10"}, force, force);
    if (c.summary.is_null()) continue;
    EXPECT_EQ(c.open_sites, 10u);
    EXPECT_NEAR(c.summary["objective"].get<double>(), weighted_mean(*s_plain, c), 1e-6 * weighted_mean(*s_plain, c));  // CSV digits
    EXPECT_LE(c.summary["bound"].get<double>(), c.summary["objective"].get<double>());
    EXPECT_GT(c.summary["bound"].get<double>(), 0.0);
  }
}

TEST_F(TimeLimitCli, PCenter) {
  const Checked c = place_within_limit(*s_plain, {"--problem", "pcenter", "--p", "10"});
  if (c.summary.is_null()) return;
  EXPECT_EQ(c.open_sites, 10u);
  EXPECT_NEAR(c.summary["objective"].get<double>(), worst(c), 1e-6 * worst(c));
  EXPECT_LT(c.summary["bound"].get<double>(), c.summary["objective"].get<double>());
}

TEST_F(TimeLimitCli, BackupCoverage) {
  const Checked c = place_within_limit(*s_plain, {"--problem", "lscp", "--budget", "0.15ms", "--k", "2"});
  if (c.summary.is_null()) return;
  EXPECT_LE(worst(c), 150.0 + 1e-6);  // covered at least once (k = 2 is checked by the solver's own rows)
  EXPECT_LT(c.summary["bound"].get<double>(), c.summary["objective"].get<double>());
}

TEST_F(TimeLimitCli, Capacities) {
  const std::vector<std::string> cap{"--capacity-field", "capacity", "--load-field", "load"};
  auto with = [&](std::vector<std::string> a) {
    a.insert(a.end(), cap.begin(), cap.end());
    return a;
  };
  {
    const Checked c = place_within_limit(*s_capacity, with({"--problem", "pmedian", "--p", "10", "--budget", "0.3ms"}));
    if (!c.summary.is_null()) {
      EXPECT_EQ(c.open_sites, 10u);
      // Capacities may send demand past its nearest open site: never below the nearest.
      EXPECT_GE(c.summary["objective"].get<double>(), weighted_mean(*s_capacity, c) * (1 - 1e-6));
    }
  }
  {
    // Capacitated p-center: a plan from the capacitated greedy whatever CBC manages, its
    // loads within the capacities and every demand served within the stated worst latency.
    const Checked c = place_within_limit(*s_capacity, with({"--problem", "pcenter", "--p", "10", "--budget", "0.3ms"}));
    if (!c.summary.is_null()) {
      std::printf("[ timelimit ] capacitated p-center: %s, objective %.1f us, bound %.1f us, %s\n",
                  c.summary["status"].get<std::string>().c_str(), c.summary["objective"].get<double>(),
                  c.summary["bound"].get<double>(), c.summary.value("method", std::string()).c_str());
      EXPECT_LE(c.open_sites, 10u);
      // Capacities may send demand past its nearest open site: never below the nearest.
      EXPECT_GE(c.summary["objective"].get<double>(), worst(c) * (1 - 1e-6));
      EXPECT_LT(c.summary["bound"].get<double>(), c.summary["objective"].get<double>());
      const FeatureTable sites = read_table(c.gpkg, "sites");
      const FeatureTable demand = read_table(c.gpkg, "demand");
      const std::vector<double>& load = column(sites, "load").reals();
      const std::vector<double>& capacity = column(sites, "capacity").reals();
      double placed = 0.0;
      for (std::size_t i = 0; i < load.size(); ++i) {
        EXPECT_LE(load[i], capacity[i] + 1e-6) << "site " << i;
        placed += load[i];
      }
      EXPECT_NEAR(placed, static_cast<double>(s_capacity->pop.size()), 1e-6);  // load 1 each, all placed
      const Column& lat = column(demand, "latency_us");
      for (std::size_t i = 0; i < lat.reals().size(); ++i)
        EXPECT_LE(lat.reals()[i], c.summary["objective"].get<double>() * (1 + 1e-9)) << "demand " << i;
    }
  }
  {
    const Checked c = place_within_limit(*s_capacity, with({"--problem", "mclp", "--p", "5", "--budget", "0.15ms"}));
    if (!c.summary.is_null()) {
      EXPECT_EQ(c.open_sites, 5u);
      EXPECT_LE(c.summary["objective"].get<double>(), covered_weight(*s_capacity, c, 150.0) + 1e-6);
      EXPECT_GE(c.summary["bound"].get<double>(), c.summary["objective"].get<double>());
    }
  }
}

TEST_F(TimeLimitCli, Survivable) {
  {
    // Solved within the limit before and after (CBC decides it): a plan in time. (At
    // 0.15 ms CBC ran past its elapsed-time limit once: 9.9 s for a 5 s limit; measured
    // again 2026-12-05 at load 3-4: 4.3-5.6 s wall, cut rows 1.7-3.3 s, solve 1.8-2.5 s.)
    const Checked c =
        place_within_limit(*s_small, {"--problem", "lscp", "--budget", "0.1ms", "--survive"}, false, false, kInTimeScale);
    if (!c.summary.is_null()) {
      EXPECT_LE(worst(c), 100.0 + 1e-6);
      EXPECT_LE(c.summary["bound"].get<double>(), c.summary["objective"].get<double>());
    }
  }
  {
    // The fibre-cut rows themselves need far longer than the limit here (800 candidate
    // sites, 2,540 single-edge cuts at 0.3 ms: about 30 s): the build stops at the
    // deadline and says so, with no plan (none can be shown to survive every cut), exit 1.
    ScratchDir out;
    const auto t0 = std::chrono::steady_clock::now();
    const CliResult r = run_lightcone({"place", "--network", s_plain->path + ":fibre", "--sites", s_plain->path + ":sites",
                                       "--demand", s_plain->path + ":demand", "--weight", "pop", "--time-limit", "5s",
                                       "--json", "--out", out.file("p.gpkg"), "--problem", "lscp", "--budget", "0.3ms",
                                       "--survive"});
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LE(wall, kWallS) << "limit " << kLimitS << " s";
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    if (!r.out.empty()) {
      const auto j = nlohmann::json::parse(r.out);
      EXPECT_EQ(j["status"], "no solution") << r.out;
      EXPECT_NE(j.value("reason", std::string()).find("time limit: the fibre-cut rows were not complete"),
                std::string::npos) << r.out;
      EXPECT_EQ(j["survivable"]["rows_complete"], false) << r.out;
      EXPECT_TRUE(j["open_sites"].empty());
      std::printf("[ timelimit ] survivable lscp 0.3 ms: %.1f s wall; %s\n", wall, j.value("reason", std::string()).c_str());
    }
  }
  {
    const Checked c = place_within_limit(*s_small, {"--problem", "mclp", "--p", "5", "--budget", "0.1ms", "--survive"},
                                         false, kInTimeScale == 1.0, kInTimeScale);
    if (!c.summary.is_null()) {
      EXPECT_EQ(c.open_sites, 5u);
      EXPECT_LE(c.summary["objective"].get<double>(), covered_weight(*s_small, c, 100.0) + 1e-6);
      // Stopped by the limit: a gap; with the sanitizers' longer limit it may close.
      if (kInTimeScale == 1.0) EXPECT_GT(c.summary["bound"].get<double>(), c.summary["objective"].get<double>());
      else EXPECT_GE(c.summary["bound"].get<double>(), c.summary["objective"].get<double>());
    }
  }
}

}  // namespace
}  // namespace lightcone
