// PNG writing through GDAL (round trip, byte-identical, no sidecars) and the quick-look
// maps of real runs: `lightcone plan data/qingdao.toml` then `lightcone render` gives
// non-blank zones.png and surface.png with the expected colours (zone fill, red
// uncovered demand, ramp greens), identical bytes on a second render; a placement run
// gives placement.png with chosen-site red; bad input exits 2 and writes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/error.hpp"
#include "io/png.hpp"
#include "report/run_maps.hpp"
#include "support/cli_runner.hpp"
#include "support/image_checks.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::dir_entries;
using test::run_lightcone;
using test::ScratchDir;
using test::slurp;

const std::string kData = std::string(LIGHTCONE_SOURCE_DIR) + "/data";

TEST(Png, RoundTripIsExactAndByteIdentical) {
  ScratchDir dir;
  const int w = 37, h = 23;
  std::vector<std::uint8_t> px(static_cast<std::size_t>(w) * h * 4);
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>((i * 7919u) % 251u);
  write_png(dir.file("a.png"), px, w, h);
  write_png(dir.file("b.png"), px, w, h);
  const RgbaImage back = read_image(dir.file("a.png"));
  EXPECT_EQ(back.width, w);
  EXPECT_EQ(back.height, h);
  EXPECT_EQ(back.rgba, px);
  const std::string a = slurp(dir.file("a.png"));
  EXPECT_EQ(a, slurp(dir.file("b.png")));
  EXPECT_EQ(a.substr(1, 3), "PNG");
  EXPECT_EQ(a.find("tIME"), std::string::npos);  // no time stamp chunk
  EXPECT_EQ(dir_entries(dir.path()), (std::vector<std::string>{"a.png", "b.png"}));  // no .aux.xml, no temporaries
}

TEST(Png, BadPathOrSizeIsInputError) {
  const std::vector<std::uint8_t> px(16, 0);
  EXPECT_THROW(write_png("/nonexistent-dir/x.png", px, 2, 2), InputError);
  ScratchDir dir;
  EXPECT_THROW(write_png(dir.file("x.png"), px, 3, 2), InputError);
  EXPECT_TRUE(dir_entries(dir.path()).empty());
}

// Pixels within `tol` of colour c (per channel).
std::size_t count_near(const RgbaImage& img, int r, int g, int b, int tol) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < img.rgba.size(); i += 4)
    n += std::abs(img.rgba[i] - r) <= tol && std::abs(img.rgba[i + 1] - g) <= tol && std::abs(img.rgba[i + 2] - b) <= tol;
  return n;
}

using test::count_near_left_of;  // the same, only in columns x < max_x (left of the legend)

std::size_t distinct_colours(const RgbaImage& img) {
  std::set<std::uint32_t> s;
  for (std::size_t i = 0; i < img.rgba.size(); i += 4)
    s.insert(std::uint32_t{img.rgba[i]} << 16 | std::uint32_t{img.rgba[i + 1]} << 8 | img.rgba[i + 2]);
  return s.size();
}

// One plan run shared by the suite's tests, which run in one process (tests/CMakeLists.txt,
// ONE_PROCESS): no test changes it.
class QingdaoMaps : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_dir = new ScratchDir;
    const CliResult r = run_lightcone({"plan", kData + "/qingdao.toml", "--out", s_dir->file("run")});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete s_dir;
    s_dir = nullptr;
  }
  static std::string run() { return s_dir->file("run"); }
  static ScratchDir* s_dir;
};
ScratchDir* QingdaoMaps::s_dir = nullptr;

TEST_F(QingdaoMaps, RenderWritesZonesAndSurfaceMaps) {
  // Into a copy of the run: the others read the run's own maps (1400 px wide).
  const std::string own = s_dir->file("own");
  std::filesystem::copy(run(), own, std::filesystem::copy_options::recursive);
  const CliResult r = run_lightcone({"render", own, "--width", "1000"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string maps = own + "/maps";
  EXPECT_EQ(r.out, maps + "/zones.png\n" + maps + "/surface.png\n");  // no placement in this run
  EXPECT_EQ(dir_entries(maps), (std::vector<std::string>{"surface.png", "zones.png"}));

  const RgbaImage zones = read_image(maps + "/zones.png");
  EXPECT_EQ(zones.width, 1000);
  EXPECT_GT(zones.height, 300);
  EXPECT_LT(zones.height, 1500);
  EXPECT_GT(distinct_colours(zones), 50u);
  const std::size_t all = static_cast<std::size_t>(zones.width) * zones.height;
  // 3 ms zone alone: Blues #6baed6 at 50 % over white = (181, 214, 234).
  EXPECT_GT(count_near(zones, 181, 214, 234, 4), all / 20);
  // 1 ms over 3 ms: #2171b5 at 50 % over that = (101, 163, 210).
  EXPECT_GT(count_near(zones, 101, 163, 210, 6), all / 40);
  // Uncovered demand: #d00000 ring and cross.
  EXPECT_GT(count_near(zones, 208, 0, 0, 40), 100u);
  // Existing sites: #08306b squares.
  EXPECT_GT(count_near(zones, 8, 48, 107, 10), 20u);

  const RgbaImage surface = read_image(maps + "/surface.png");
  EXPECT_EQ(surface.width, 1000);
  EXPECT_GT(count_near(surface, 0x1a, 0x96, 0x41, 30), 200u);  // near sites: green
  EXPECT_GT(count_near(surface, 0xe4, 0x57, 0x2e, 40), 200u);   // far: red-orange
  EXPECT_GT(count_near(surface, 255, 255, 255, 0), all / 5);     // nodata and margins: white
}

TEST_F(QingdaoMaps, RenderIsByteIdenticalAndTakesAGeoPackage) {
  const CliResult a = run_lightcone({"render", run(), "--out", s_dir->file("a")});
  const CliResult b = run_lightcone({"render", run() + "/run.gpkg", "--out", s_dir->file("b")});
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  for (const char* f : {"zones.png", "surface.png"}) {
    const std::string x = slurp(s_dir->file("a") + "/" + f);
    EXPECT_FALSE(x.empty()) << f;
    EXPECT_EQ(x, slurp(s_dir->file("b") + "/" + f)) << f;
  }
}

TEST_F(QingdaoMaps, ExtentZoomsAndDrawsNothingOutside) {
  // The Yellow Sea south-east of Qingdao (no site there) and, for contrast, the whole run.
  const CliResult sea = run_lightcone({"render", run(), "--out", s_dir->file("sea"), "--extent", "120.8,35.0,122.0,35.9"});
  ASSERT_EQ(sea.code, 0) << sea.err;
  const RgbaImage zoom = read_image(s_dir->file("sea") + "/zones.png");
  const RgbaImage whole = read_image(run() + "/maps/zones.png");
  // Existing sites (#08306b squares) and planned sites (#ff7f00 triangles) are all
  // outside: none on the map (left of the legend panel, 280 px + margins at 1400 px).
  const int map_right = whole.width - 320;
  EXPECT_GT(count_near_left_of(whole, map_right, 8, 48, 107, 10), 20u);
  EXPECT_GT(count_near_left_of(whole, map_right, 0xff, 0x7f, 0x00, 10), 20u);
  EXPECT_EQ(count_near_left_of(zoom, map_right, 8, 48, 107, 10), 0u);
  EXPECT_EQ(count_near_left_of(zoom, map_right, 0xff, 0x7f, 0x00, 10), 0u);
  // 1.2° × 0.9° at 35.45° N: the map frame is wider than tall, unlike the whole run's.
  EXPECT_EQ(zoom.width, whole.width);
  const CliResult bad = run_lightcone({"render", run(), "--out", s_dir->file("bad"), "--extent", "122,35,122,36"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--extent"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(s_dir->file("bad")));
}

TEST_F(QingdaoMaps, LibraryEntryPointWithoutSurface) {
  const std::vector<std::string> written = render_run_maps(run() + "/run.gpkg", "", s_dir->file("lib"), {});
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0], s_dir->file("lib") + "/" + kZonesPng);
  EXPECT_EQ(read_image(written[0]).width, RunMapOptions{}.width);
  EXPECT_THROW(render_run_maps(run() + "/run.gpkg", "", s_dir->file("bad"), RunMapOptions{100, 2, {}}), InputError);
  EXPECT_FALSE(std::filesystem::exists(s_dir->file("bad")));
}

TEST_F(QingdaoMaps, BadInputExitsTwoAndWritesNothing) {
  const std::string out = s_dir->file("never");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"render", s_dir->file("missing"), "--out", out}, "no run found at " + s_dir->file("missing")},
      {{"render", kData + "/shandong_sample.gpkg", "--out", out}, "is not a lightcone run"},
      {{"render", run(), "--out", out, "--width", "10"}, "map width 10 px is out of range. Give a width from 600 to 8000 px."},
      {{"render", run(), "--out", out, "--width", "wide"}, "--width"},
      {{"render", run(), "--out", s_dir->file("no/such/dir")}, "cannot write maps to " + s_dir->file("no/such/dir")},
      {{"render"}, "run is required"},
  };
  for (const Case& c : cases) {
    const CliResult r = run_lightcone(c.args);
    EXPECT_EQ(r.code, 2) << c.args.back() << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one line
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  EXPECT_FALSE(std::filesystem::exists(s_dir->file("no")));
}

TEST(PlacementMap, ChosenSitesAssignmentsAndUncovered) {
  ScratchDir dir;
  const std::string gpkg = dir.file("place.gpkg");
  const std::string sample = kData + "/shandong_sample.gpkg";
  const CliResult p = run_lightcone({"place", "--network", sample + ":fibre", "--sites", sample + ":sites", "--demand",
                                     sample + ":demand", "--weight", "pop", "--problem", "mclp", "--p", "4", "--budget",
                                     "1ms", "--status-field", "status", "--time-limit", "60s", "--out", gpkg});
  ASSERT_EQ(p.code, 0) << p.err;
  const CliResult r = run_lightcone({"render", gpkg});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, dir.file("maps") + "/placement.png\n");  // no zones layer, no surface
  const RgbaImage img = read_image(dir.file("maps") + "/placement.png");
  EXPECT_GT(count_near(img, 0xe3, 0x1a, 0x1c, 12), 100u);  // chosen stars
  EXPECT_GT(count_near(img, 208, 0, 0, 40), 500u);         // uncovered demand
  EXPECT_GT(distinct_colours(img), 30u);
}

}  // namespace
}  // namespace lightcone
