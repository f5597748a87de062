// The deterministic mutation fuzzer: mutants of small real inputs (tests/fuzz/seeds: two
// scenarios, a GeoJSON network and sites, a GeoPackage) run through the real lightcone
// binary (check, validate, info, zones, place). Bad input may give exit 0, 1 or 2; the
// test fails on an exit code >= 3 (an internal error), a death by a signal (a crash, an
// abort, a sanitizer report) or a run longer than the per-run timeout (a hang). Each
// failure names its seed and mutant index, and the mutant is kept with the other seeds
// and a repro.sh under <build>/tests/fuzz/failures/ .
//
// Environment (all optional):
//   LIGHTCONE_FUZZ_MUTANTS  mutants per test (DEFAULT: 200; 40 in sanitizer builds)
//   LIGHTCONE_FUZZ_SEED     the seed of every mutant stream (DEFAULT: 20261204)
//   LIGHTCONE_FUZZ_ONLY     run only this mutant index (to replay one failure)
//   LIGHTCONE_FUZZ_TIMEOUT  seconds a run may take (DEFAULT: 10; 60 in sanitizer builds)
//   LIGHTCONE_FUZZ_VERBOSE  1: print every mutant, its exit code and first stderr line
#include <fcntl.h>
#include <gdal.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fuzz/gpkg_mutate.hpp"
#include "fuzz/mutate.hpp"

extern char** environ;

namespace lightcone {
namespace {

namespace fs = std::filesystem;
using fuzz::Rng;

#if defined(LIGHTCONE_SANITIZED)
constexpr std::size_t kDefaultMutants = 40;
constexpr double kDefaultTimeout = 60.0;
#else
constexpr std::size_t kDefaultMutants = 200;
constexpr double kDefaultTimeout = 10.0;
#endif

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

struct Settings {
  std::uint64_t seed = 20261204;
  std::size_t mutants = kDefaultMutants;
  std::optional<std::size_t> only;
  double timeout_s = kDefaultTimeout;
  bool verbose = false;
};

Settings settings() {
  Settings s;
  s.seed = std::stoull(env_or("LIGHTCONE_FUZZ_SEED", std::to_string(s.seed)));
  s.mutants = std::stoul(env_or("LIGHTCONE_FUZZ_MUTANTS", std::to_string(s.mutants)));
  if (const std::string only = env_or("LIGHTCONE_FUZZ_ONLY", ""); !only.empty()) s.only = std::stoul(only);
  s.timeout_s = std::stod(env_or("LIGHTCONE_FUZZ_TIMEOUT", std::to_string(s.timeout_s)));
  s.verbose = env_or("LIGHTCONE_FUZZ_VERBOSE", "0") != "0";
  return s;
}

const std::string kSeeds = std::string(LIGHTCONE_SOURCE_DIR) + "/tests/fuzz/seeds";
const std::vector<std::string> kSeedFiles = {"zones.toml", "place.toml", "fibre.geojson", "sites.geojson", "small.gpkg"};

std::string seed_text(const std::string& name) { return fuzz::gpkg_detail::read_bytes(kSeeds + "/" + name); }

struct RunResult {
  int code = -1;      // exit code, when it exited
  int signal = 0;     // the signal that ended it
  bool timed_out = false;
  double seconds = 0;
  bool failed() const { return timed_out || signal != 0 || code >= 3; }
  std::string verdict() const {
    if (timed_out) return "timed out";
    if (signal != 0) return "killed by signal " + std::to_string(signal);
    return "exit " + std::to_string(code);
  }
};

// Runs lightcone with `args`, stdout and stderr to files in `dir`, killed after `timeout_s`.
RunResult run_lightcone_timed(const std::vector<std::string>& args, const std::string& dir, double timeout_s) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, (dir + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, (dir + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // its own group: a timeout kills it whole
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<std::string> argv_s = {LIGHTCONE_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  RunResult r;
  pid_t pid = 0;
  const auto start = std::chrono::steady_clock::now();
  const int rc = posix_spawn(&pid, LIGHTCONE_BINARY, &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    ADD_FAILURE() << "posix_spawn " << LIGHTCONE_BINARY << " failed: " << rc;
    return r;
  }
  int status = 0;
  auto nap = std::chrono::microseconds(200);
  for (;;) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > timeout_s) {
      r.timed_out = true;
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(nap);
    nap = std::min(nap * 2, std::chrono::microseconds(20000));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.timed_out) {
    if (WIFEXITED(status)) r.code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  }
  return r;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

// One fuzzer: a work directory with the seeds (one of them replaced by the mutant),
// the runs, the tally of exit codes, and the failures kept for reproduction.
class Campaign {
 public:
  explicit Campaign(std::string name) : m_name(std::move(name)), m_settings(settings()) {
    const fs::path root = fs::path(LIGHTCONE_FUZZ_DIR);
    m_work = (root / (m_name + "-work")).string();
    m_failures = (root / "failures").string();
    fs::create_directories(m_failures);
  }
  ~Campaign() {
    std::error_code ec;
    fs::remove_all(m_work, ec);
  }
  Campaign(const Campaign&) = delete;
  Campaign& operator=(const Campaign&) = delete;

  const Settings& settings_used() const { return m_settings; }
  std::string path(const std::string& name) const { return m_work + "/" + name; }
  bool wanted(std::size_t index) const { return !m_settings.only || *m_settings.only == index; }
  Rng rng(std::size_t index) const { return fuzz::mutant_rng(m_settings.seed, m_name, index); }

  // A fresh work directory holding the seeds.
  void reset() {
    std::error_code ec;
    fs::remove_all(m_work, ec);
    fs::create_directories(m_work + "/out");
    for (const auto& f : kSeedFiles) fs::copy_file(kSeeds + "/" + f, path(f));
  }

  // Runs one command on mutant `index`; on failure keeps the work directory.
  void run(std::size_t index, const std::string& how, const std::vector<std::string>& args) {
    const RunResult r = run_lightcone_timed(args, m_work, m_settings.timeout_s);
    ++m_runs;
    m_total_s += r.seconds;
    if (r.seconds > m_slowest_s) {
      m_slowest_s = r.seconds;
      m_slowest = index;
    }
    ++m_tally[r.failed() ? "FAILED" : std::to_string(r.code)];
    if (m_settings.verbose) {
      std::string err = fuzz::gpkg_detail::read_bytes(m_work + "/stderr");
      std::cout << m_name << " " << index << " " << r.verdict() << " " << how << "\n    "
                << err.substr(0, std::min<std::size_t>(err.find('\n'), 300)) << "\n";
    }
    if (!r.failed()) return;
    const std::string kept = m_failures + "/" + m_name + "-" + std::to_string(index);
    std::error_code ec;
    fs::remove_all(kept, ec);
    fs::copy(m_work, kept, fs::copy_options::recursive, ec);
    std::string cmd = shell_quote(LIGHTCONE_BINARY);
    for (const auto& a : args) cmd += " " + shell_quote(replace_all(a, m_work, kept));
    std::ofstream(kept + "/repro.sh") << "#!/bin/sh\n# " << m_name << " seed=" << m_settings.seed << " mutant=" << index
                                      << ": " << how << "\n" << cmd << "\n";
    fs::permissions(kept + "/repro.sh", fs::perms::owner_exec, fs::perm_options::add, ec);
    std::string err = fuzz::gpkg_detail::read_bytes(m_work + "/stderr");
    if (err.size() > 3000) err = err.substr(0, 1500) + "\n[...]\n" + err.substr(err.size() - 1500);
    ADD_FAILURE() << m_name << " seed=" << m_settings.seed << " mutant=" << index << " (" << how << "): "
                  << r.verdict() << " after " << r.seconds << " s\n  replay: LIGHTCONE_FUZZ_ONLY=" << index
                  << " or sh " << kept << "/repro.sh\n  stderr:\n" << err;
  }

  void report(std::size_t mutants) const {
    std::ostringstream tally;
    for (const auto& [k, v] : m_tally) tally << " " << k << ":" << v;
    std::cout << m_name << ": seed " << m_settings.seed << ", " << mutants << " mutants, " << m_runs
              << " runs, exit codes" << tally.str() << "; " << m_total_s << " s in lightcone, slowest "
              << m_slowest_s << " s (mutant " << m_slowest << ")\n";
  }

 private:
  std::string m_name;
  Settings m_settings;
  std::string m_work;
  std::string m_failures;
  std::size_t m_runs = 0;
  double m_total_s = 0;
  double m_slowest_s = 0;
  std::size_t m_slowest = 0;
  std::map<std::string, std::size_t> m_tally;
};

void write_file(const std::string& path, const std::string& data) { fuzz::gpkg_detail::write_bytes(path, data); }

// The commands a mutant of the layers runs through, in turn.
std::vector<std::string> layer_command(std::size_t which, const std::string& network, const std::string& sites,
                                       const std::string& demand, const Campaign& c) {
  static const std::vector<std::string> problems = {"lscp", "mclp", "pmedian", "pcenter"};
  switch (which % 4) {
    case 0: return {"validate", "--network", network, "--sites", sites, "--json"};
    case 1:
      return {"zones",       "--network", network, "--sites",  sites, "--demand", demand, "--weight", "pop",
              "--budget",    "0.1ms,0.3ms", "--cell-size", "1km", "--threads", "1", "--out", c.path("out/zones.gpkg"),
              "--json"};
    case 2:
      return {"place",    "--network",      network,  "--sites",          sites,
              "--demand", demand,           "--weight", "pop",            "--problem",
              problems[(which / 4) % problems.size()], "--budget", "0.3ms", "--p", "2",
              "--status-field", "status", "--capacity-field", "capacity", "--cost-field", "cost",
              "--time-limit", "2s", "--threads", "1", "--json"};
    default: return {"validate", "--network", network, "--sites", sites};
  }
}

TEST(MutationFuzz, Scenarios) {
  Campaign c("scenario");
  const std::vector<std::string> seeds = {seed_text("zones.toml"), seed_text("place.toml")};
  const std::size_t n = c.settings_used().mutants;
  for (std::size_t i = 0; i < n; ++i) {
    if (!c.wanted(i)) continue;
    Rng rng = c.rng(i);
    const std::string name = i % 2 == 0 ? "zones.toml" : "place.toml";
    std::string text = seeds[i % 2];
    const std::string how = fuzz::mutate_toml(text, rng, seeds);
    c.reset();
    write_file(c.path(name), text);
    c.run(i, name + ": " + how, {"check", c.path(name), "--threads", "1", "--json"});
  }
  c.report(n);
}

TEST(MutationFuzz, GeoJson) {
  Campaign c("geojson");
  const std::vector<std::string> seeds = {seed_text("fibre.geojson"), seed_text("sites.geojson")};
  const std::size_t n = c.settings_used().mutants;
  for (std::size_t i = 0; i < n; ++i) {
    if (!c.wanted(i)) continue;
    Rng rng = c.rng(i);
    const std::string name = i % 2 == 0 ? "fibre.geojson" : "sites.geojson";
    std::string text = seeds[i % 2];
    const std::string how = fuzz::mutate_geojson(text, rng, seeds);
    c.reset();
    write_file(c.path(name), text);
    const std::size_t which = i / 2;
    if (which % 5 == 4) c.run(i, name + ": " + how, {"info", c.path(name), "--json"});
    else c.run(i, name + ": " + how, layer_command(which, c.path("fibre.geojson"), c.path("sites.geojson"),
                                                   c.path("small.gpkg") + ":demand", c));
  }
  c.report(n);
}

TEST(MutationFuzz, GeoPackage) {
  GDALAllRegister();
  CPLSetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
  Campaign c("gpkg");
  const std::string seed = seed_text("small.gpkg");
  const std::size_t n = c.settings_used().mutants;
  for (std::size_t i = 0; i < n; ++i) {
    if (!c.wanted(i)) continue;
    Rng rng = c.rng(i);
    c.reset();
    const std::string gpkg = c.path("small.gpkg");
    const std::string how = fuzz::make_gpkg_mutant(seed, gpkg, rng);
    switch (i % 6) {
      case 4: c.run(i, how, {"info", gpkg, "--json"}); break;
      case 5: c.run(i, how, {"check", c.path("place.toml"), "--threads", "1", "--json"}); break;
      default: c.run(i, how, layer_command(i % 6 + 4 * (i / 6), gpkg + ":fibre", gpkg + ":sites", gpkg + ":demand", c)); break;
    }
  }
  c.report(n);
}

}  // namespace
}  // namespace lightcone
