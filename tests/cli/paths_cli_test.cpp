// Issue 12, items 7 and 9: paths that are not what a command needs are refused with
// exit 2 and one line naming the path, before any work and without leaving a file
// behind (an output that is a directory, FIFO or device; a data path that is a FIFO, a
// device, a socket or a loop of links); a data source that names a FIFO fails instead of
// hanging (every run here has a time limit). Directories that are datasets still work.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/gdal_fixture.hpp"
#include "support/cli_runner.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::dir_entries;
using test::ScratchDir;

namespace fs = std::filesystem;

const std::string kSample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";
const std::string kFibre = kSample + ":fibre";
const std::string kSites = kSample + ":sites";
const std::string kDemand = kSample + ":demand";
constexpr int kTimeoutS = 120;

CliResult run(const std::vector<std::string>& args) { return test::run_lightcone(args, kTimeoutS); }

void write(const std::string& path, const std::string& text) { test::write_text(path, text); }
void expect_error(const CliResult& r, const std::string& message) { test::expect_input_error(r, message); }

// A scenario on the sample whose [network] path is `network` (as written in the file).
std::string scenario_with_network(const ScratchDir& dir, const std::string& network) {
  const std::string path = dir.file("s.toml");
  write(path, "[network]\npath = \"" + network + "\"\nlayer = \"fibre\"\n[sites]\npath = \"" + kSample +
                  "\"\nlayer = \"sites\"\n[model]\nmetric = \"rtt\"\n[zones]\nbudgets = [\"1ms\"]\n");
  return path;
}

TEST(PathsCli, AnOutputThatIsADirectoryIsRefusedBeforeAnyWork) {
  ScratchDir dir;
  const std::string out = dir.file("out.gpkg");
  fs::create_directory(out);
  const std::string dir_message = "cannot write " + out + ": it is a directory. Give the name of a file to write.";
  expect_error(run({"zones", "--network", kFibre, "--sites", kSites, "--budget", "1ms", "--out", out}), dir_message);
  expect_error(run({"place", "--network", kFibre, "--sites", kSites, "--demand", kDemand, "--budget", "3ms", "--out",
                    out}),
               dir_message);
  const std::string csv = dir.file("out.csv");
  fs::create_directory(csv);
  expect_error(run({"latency", "--network", kFibre, "--sites", kSites, "--out", csv}),
               "cannot write " + csv + ": it is a directory. Give the name of a file to write.");
  // A sidecar that is a directory: refused before the main output is written.
  const std::string sidecar = dir.file("pts.summary.json");
  fs::create_directory(sidecar);
  expect_error(run({"latency", "--network", kFibre, "--sites", kSites, "--out", dir.file("pts.csv")}),
               "cannot write " + sidecar + ": it is a directory. Give the name of a file to write.");
  const std::string junit = dir.file("junit");
  fs::create_directory(junit);
  expect_error(run({"check", scenario_with_network(dir, kSample), "--junit", junit}),
               "cannot write " + junit + ": it is a directory. Give the name of a file to write.");
  // Nothing written, no temporary file left; the directories are as they were.
  EXPECT_EQ(dir_entries(dir.path()), (std::vector<std::string>{"junit", "out.csv", "out.gpkg", "pts.summary.json", "s.toml"}));
  for (const std::string& d : {out, csv, sidecar, junit}) EXPECT_TRUE(dir_entries(d).empty()) << d;
}

TEST(PathsCli, AnOutputThatIsADeviceOrFifoIsRefused) {
  ScratchDir dir;
  const std::string fifo = dir.file("out.csv");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string special =
      ": it is not a regular file (a FIFO, socket or device). Give the name of a file to write.";
  expect_error(run({"latency", "--network", kFibre, "--sites", kSites, "--out", fifo}), "cannot write " + fifo + special);
  expect_error(run({"check", scenario_with_network(dir, kSample), "--junit", "/dev/null"}),
               "cannot write /dev/null" + special);
  EXPECT_EQ(dir_entries(dir.path()), (std::vector<std::string>{"out.csv", "s.toml"}));
}

TEST(PathsCli, ALoopOfLinksOrADirectoryAsADataPathIsBadInput) {
  ScratchDir dir;
  const std::string loop = dir.file("loop.gpkg");
  fs::create_symlink(loop, loop);
  const std::string loop_message =
      "cannot read " + loop + ": it is a loop of symbolic links. Give --network a data file or a dataset directory.";
  expect_error(run({"validate", "--network", loop}), loop_message);
  expect_error(run({"validate", "--network", loop + ":fibre"}), loop_message);
  expect_error(run({"info", loop}),
               "cannot read " + loop + ": it is a loop of symbolic links. Give a data file or a dataset directory.");
  // In a scenario (was an internal error, exit 3).
  const std::string s = scenario_with_network(dir, "loop.gpkg");
  expect_error(run({"check", s}), s + ":2: cannot read " + loop +
                                      " ('path' in [network]): it is a loop of symbolic links. Give a data file or a "
                                      "dataset directory.");
  // A directory that is no dataset.
  const std::string empty = dir.file("empty");
  fs::create_directory(empty);
  const CliResult r = run({"validate", "--network", empty});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("lightcone: error: cannot open as a vector dataset (" + empty + ")"), std::string::npos) << r.err;
  const CliResult rs = run({"check", scenario_with_network(dir, "empty")});
  EXPECT_EQ(rs.code, 2) << rs.err;
  EXPECT_NE(rs.err.find("s.toml:2: cannot open as a vector dataset (" + empty + ")"), std::string::npos) << rs.err;
}

TEST(PathsCli, AShapefileDirectoryIsStillADataSource) {
  ScratchDir dir;
  const std::string shp_dir = dir.file("sites_shp");
  {
    GDALAllRegister();
    GDALDataset* src = static_cast<GDALDataset*>(GDALOpenEx(kSample.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
    ASSERT_NE(src, nullptr);
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    GDALDataset* dst = drv->Create(shp_dir.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    ASSERT_NE(dst, nullptr);
    ASSERT_NE(dst->CopyLayer(src->GetLayerByName("sites"), "sites"), nullptr);
    GDALClose(dst);
    GDALClose(src);
  }
  ASSERT_TRUE(fs::is_directory(shp_dir));
  const CliResult r = run({"validate", "--network", kFibre, "--sites", shp_dir, "--json"});
  EXPECT_NE(r.code, 2) << r.err;
  EXPECT_NE(r.out.find("\"sites\""), std::string::npos) << r.out;
}

// A bound Unix socket at `path` (closed, the file stays).
void make_socket(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  path.copy(addr.sun_path, path.size());
  ASSERT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  close(fd);
}

TEST(PathsCli, AFifoDeviceOrSocketAsADataPathIsRefusedNotWaitedOn) {
  ScratchDir dir;
  const std::string fifo = dir.file("fifo.gpkg");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string is_fifo = ": it is a FIFO (named pipe), not a file. Give ";
  const std::string fix = " a data file or a dataset directory.";
  expect_error(run({"validate", "--network", fifo}), "cannot read " + fifo + is_fifo + "--network" + fix);
  expect_error(run({"validate", "--network", fifo + ":fibre"}), "cannot read " + fifo + is_fifo + "--network" + fix);
  expect_error(run({"validate", "--network", kFibre, "--sites", fifo}), "cannot read " + fifo + is_fifo + "--sites" + fix);
  expect_error(run({"zones", "--network", kFibre, "--sites", kSites, "--demand", fifo, "--budget", "1ms", "--out",
                    dir.file("z.gpkg")}),
               "cannot read " + fifo + is_fifo + "--demand" + fix);
  expect_error(run({"latency", "--network", kFibre, "--sites", kSites, "--to", fifo}),
               "cannot read " + fifo + is_fifo + "--to" + fix);
  expect_error(run({"info", fifo}), "cannot read " + fifo + ": it is a FIFO (named pipe), not a file. Give a data file "
                                    "or a dataset directory.");
  expect_error(run({"validate", "--network", kFibre, "--sites", "/dev/zero"}),
               "cannot read /dev/zero: it is a character device, not a file. Give --sites" + fix);
  const std::string sock = dir.file("sock");
  make_socket(sock);
  expect_error(run({"validate", "--network", sock}),
               "cannot read " + sock + ": it is a socket, not a file. Give --network" + fix);
  // Scenario layers: the message points at the layer's path.
  const std::string s = scenario_with_network(dir, "fifo.gpkg");
  expect_error(run({"check", s}), s + ":2: cannot read " + fifo +
                                      " ('path' in [network]): it is a FIFO (named pipe), not a file. Give a data file "
                                      "or a dataset directory.");
  write(s, "[network]\npath = \"" + kSample + "\"\nlayer = \"fibre\"\n[sites]\npath = \"" + kSample +
               "\"\nlayer = \"sites\"\n[demand]\npath = \"fifo.gpkg\"\n[boundaries.city]\npath = \"fifo.gpkg\"\n"
               "[model]\nmetric = \"rtt\"\n[zones]\nbudgets = [\"1ms\"]\n");
  expect_error(run({"check", s}), s + ":8: cannot read " + fifo +
                                      " ('path' in [demand]): it is a FIFO (named pipe), not a file. Give a data file "
                                      "or a dataset directory.");
}

}  // namespace
}  // namespace lightcone
