// The run directory is replaced as a whole (plan/run_directory.hpp): a staged run swaps
// in with one rename, a user's files stay, a second writer is refused, an unfinished run
// leaves the previous one untouched, and the manifest's digests are coreutils' sha256sum.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "io/write.hpp"
#include "plan/run_directory.hpp"
#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

namespace fs = std::filesystem;
using test::ScratchDir;

const std::vector<std::string> kKnown = {"run.gpkg", "summary.json", "maps/zones.png"};

void put(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string get(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every entry under `dir`, sorted, relative.
std::vector<std::string> tree(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) out.push_back(fs::relative(e.path(), dir).generic_string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> siblings(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

void write_run_files(RunDirectory& d, const std::string& tag) {
  write_text_file(d.staged("summary.json"), "{\"run\": \"" + tag + "\"}\n");
  fs::create_directories(d.staged("maps"));
  write_text_file(d.staged("maps/zones.png"), "png " + tag);
  write_text_file(d.staged("timings.json"), "{}\n");
}

TEST(RunDirectory, NewRunSwapsInWithAManifestAndNothingBesideIt) {
  ScratchDir tmp;
  const std::string D = tmp.file("run");
  {
    RunDirectory d(D, kKnown, {"timings.json"});
    EXPECT_TRUE(fs::is_directory(D)) << "created at once, so that it can be locked";
    write_run_files(d, "one");
    d.commit("sha256:abc");
  }
  EXPECT_EQ(tree(D), (std::vector<std::string>{"manifest.json", "maps", "maps/zones.png", "summary.json", "timings.json"}));
  EXPECT_EQ(siblings(tmp.path()), std::vector<std::string>{"run"}) << "no staging directory left";
  const std::optional<RunManifest> m = read_manifest(D);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->scenario_digest, "sha256:abc");
  ASSERT_EQ(m->files.size(), 3u);
  EXPECT_EQ(m->files[0].path, "maps/zones.png");
  EXPECT_EQ(m->files[2].path, "timings.json");
  EXPECT_EQ(m->files[2].sha256, "") << "timings differ between identical runs";
  // The digests are those of coreutils.
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string cmd = "sha256sum " + D + "/" + m->files[i].path + " > " + tmp.file("sum");
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::string expected;
    std::ifstream(tmp.file("sum")) >> expected;
    EXPECT_EQ(m->files[i].sha256, expected) << m->files[i].path;
    EXPECT_EQ(m->files[i].bytes, fs::file_size(D + "/" + m->files[i].path));
  }
}

TEST(RunDirectory, TheNextRunReplacesOnlyWhatLightconeWrote) {
  ScratchDir tmp;
  const std::string D = tmp.file("run");
  {
    RunDirectory d(D, kKnown, {"timings.json"});
    write_run_files(d, "one");
    write_text_file(d.staged("extra.md"), "only the first run writes this");
    d.commit("sha256:1");
  }
  put(D + "/keep.txt", "the planner's notes");
  put(D + "/maps/keep.txt", "more notes");
  {
    RunDirectory d(D, kKnown, {"timings.json"});
    write_run_files(d, "two");
    d.commit("sha256:2");
  }
  EXPECT_EQ(get(D + "/summary.json"), "{\"run\": \"two\"}\n");
  EXPECT_EQ(get(D + "/keep.txt"), "the planner's notes");
  EXPECT_EQ(get(D + "/maps/keep.txt"), "more notes");
  EXPECT_FALSE(fs::exists(D + "/extra.md")) << "a file of the previous run that this one does not write goes";
  EXPECT_EQ(read_manifest(D)->scenario_digest, "sha256:2");
  EXPECT_EQ(siblings(tmp.path()), std::vector<std::string>{"run"});
}

TEST(RunDirectory, AnUnfinishedRunLeavesThePreviousOneWhole) {
  ScratchDir tmp;
  const std::string D = tmp.file("run");
  {
    RunDirectory d(D, kKnown, {"timings.json"});
    write_run_files(d, "one");
    d.commit("sha256:1");
  }
  const std::vector<std::string> before = tree(D);
  {
    RunDirectory d(D, kKnown, {"timings.json"});
    write_run_files(d, "two");  // then an error: no commit
  }
  EXPECT_EQ(tree(D), before);
  EXPECT_EQ(get(D + "/summary.json"), "{\"run\": \"one\"}\n");
  EXPECT_EQ(siblings(tmp.path()), std::vector<std::string>{"run"});
  // A new directory that never got a run is removed again.
  { RunDirectory d(tmp.file("never"), kKnown, {}); }
  EXPECT_FALSE(fs::exists(tmp.file("never")));
}

TEST(RunDirectory, StagingLeftByADeadRunIsRemoved) {
  ScratchDir tmp;
  const std::string D = tmp.file("run");
  put(tmp.file(".run.staging-4242-0/summary.json"), "half a run");
  put(tmp.file(".run.old-4242/summary.json"), "an old run");
  put(tmp.file(".other.staging-1-0/x"), "another directory's: not ours to remove");
  {
    RunDirectory d(D, kKnown, {});
    write_run_files(d, "one");
    d.commit("sha256:1");
  }
  EXPECT_EQ(siblings(tmp.path()), (std::vector<std::string>{".other.staging-1-0", "run"}));
}

TEST(RunDirectory, ASecondWriterIsRefused) {
  ScratchDir tmp;
  const std::string D = tmp.file("run");
  RunDirectory first(D, kKnown, {});
  try {
    RunDirectory second(D, kKnown, {});
    FAIL() << "a second writer got the directory";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("another lightcone run is writing " + D), std::string::npos) << e.what();
  }
  // Another process's lock (flock is per open file description) refuses as well.
  ScratchDir tmp2;
  fs::create_directory(tmp2.file("run"));
  const int fd = ::open(tmp2.file("run").c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  EXPECT_THROW(RunDirectory(tmp2.file("run"), kKnown, {}), InputError);
  ::close(fd);
  EXPECT_NO_THROW(RunDirectory(tmp2.file("run"), kKnown, {}));
}

TEST(RunDirectory, ADirectoryThatHoldsNoRunIsRefused) {
  ScratchDir tmp;
  put(tmp.file("project/README"), "not a run");
  try {
    RunDirectory d(tmp.file("project"), kKnown, {});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("is not empty and holds no lightcone run"), std::string::npos) << e.what();
  }
  EXPECT_EQ(get(tmp.file("project/README")), "not a run");
  EXPECT_THROW(RunDirectory(tmp.file("project/README"), kKnown, {}), InputError) << "a file";
  EXPECT_THROW(RunDirectory(tmp.file("no/such/run"), kKnown, {}), InputError) << "a missing parent";
  fs::create_directory(tmp.file("empty"));
  EXPECT_NO_THROW(RunDirectory(tmp.file("empty"), kKnown, {}));
}

TEST(RunDirectory, ARunOfAnEarlierVersionKeepsTheUsersFiles) {
  ScratchDir tmp;
  const std::string D = tmp.file("run");
  put(D + "/summary.json", "old");
  put(D + "/maps/zones.png", "old png");
  put(D + "/maps/mine.png", "the planner's own map");
  put(D + "/.summary.json.tmp77-0", "left by a killed writer");
  {
    RunDirectory d(D, kKnown, {"timings.json"});
    write_run_files(d, "new");
    d.commit("sha256:n");
  }
  EXPECT_EQ(tree(D), (std::vector<std::string>{"manifest.json", "maps", "maps/mine.png", "maps/zones.png", "summary.json",
                                              "timings.json"}));
  EXPECT_EQ(get(D + "/maps/zones.png"), "png new");
}

TEST(RunDirectory, AUsersFileInTheWayOfTheRunIsRefusedBeforeTheSwap) {
  ScratchDir tmp;
  const std::string D = tmp.file("run");
  {
    RunDirectory d(D, kKnown, {});
    write_text_file(d.staged("summary.json"), "one");
    d.commit("sha256:1");
  }
  put(D + "/report.md", "the planner's report");
  {
    RunDirectory d(D, kKnown, {});
    write_text_file(d.staged("summary.json"), "two");
    write_text_file(d.staged("report.md"), "lightcone's report");
    EXPECT_THROW(d.commit("sha256:2"), InputError);
  }
  EXPECT_EQ(get(D + "/report.md"), "the planner's report");
  EXPECT_EQ(get(D + "/summary.json"), "one");
  EXPECT_EQ(siblings(tmp.path()), std::vector<std::string>{"run"});
}

TEST(RunDirectory, ADirectoryInTheWayOfAFileOfTheRunIsRefused) {
  ScratchDir tmp;
  const std::string D = tmp.file("run");
  for (const char* blocker : {"summary.json/notes.txt", "summary.json/"}) {
    fs::remove_all(D);
    put(D + "/run.gpkg", "an old run's");  // no manifest: a run of an earlier version
    fs::create_directories(D + "/" + std::string(blocker).substr(0, std::string(blocker).rfind('/')));
    if (std::string(blocker).back() != '/') put(D + "/" + blocker, "notes");
    const std::vector<std::string> before = tree(D);
    {
      RunDirectory d(D, kKnown, {});
      write_text_file(d.staged("summary.json"), "new");
      try {
        d.commit("sha256:1");
        FAIL() << blocker;
      } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(D + "/summary.json"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("Move it away"), std::string::npos) << e.what();
      }
    }
    EXPECT_EQ(tree(D), before) << blocker;
    EXPECT_EQ(siblings(tmp.path()), std::vector<std::string>{"run"});
  }
}

TEST(RunDirectory, ASymlinkedRunDirectoryStaysALink) {
  ScratchDir tmp;
  fs::create_directory(tmp.file("real"));
  fs::create_directory_symlink(tmp.file("real"), tmp.file("latest"));
  {
    RunDirectory d(tmp.file("latest"), kKnown, {});
    write_text_file(d.staged("summary.json"), "via the link");
    d.commit("sha256:1");
  }
  EXPECT_TRUE(fs::is_symlink(tmp.file("latest")));
  EXPECT_EQ(get(tmp.file("real/summary.json")), "via the link");
}

}  // namespace
}  // namespace lightcone
