// Maps of backbone-sized runs (issue 14 item 4): a long link is drawn as the geodesic arc
// on the zones map and on the placement map alike (seen by zooming with --extent onto the
// arc's midpoint, which lies far north of the straight line between its ends);
// zones_split is drawn when the run has it; more than 300 candidates are drawn small and
// pale, fewer in their full style.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "io/png.hpp"
#include "support/cli_runner.hpp"
#include "support/image_checks.hpp"
#include "support/place_instance.hpp"

namespace lightcone {
namespace {

using test::CliResult;
using test::run_lightcone;
using test::ScratchDir;

constexpr double kPi = 3.14159265358979323846;

// Pixels of colour (r, g, b) within tol per channel, left of the legend panel.
std::size_t count_near(const RgbaImage& img, int r, int g, int b, int tol, int max_x) {
  return test::count_near_left_of(img, max_x, r, g, b, tol);
}

// Neutral grey pixels darker than `max` well inside the map frame (away from the title,
// the footer, the frame's own lines and the legend panel right of max_x).
std::size_t count_grey(const RgbaImage& img, int max, int max_x) {
  std::size_t n = 0;
  for (int y = 160; y < img.height - 80; ++y)
    for (int x = 40; x < max_x - 40 && x < img.width; ++x) {
      const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) + static_cast<std::size_t>(x)) * 4;
      const int r = img.rgba[i], g = img.rgba[i + 1], b = img.rgba[i + 2];
      n += std::abs(r - g) <= 6 && std::abs(g - b) <= 6 && r < max;
    }
  return n;
}

// A backbone: London-ish to the Urals along 55° N (one 2-point line of about 3,800 km),
// and a short spur at each end with a site on it.
void write_backbone(const std::string& dir) {
  std::ofstream(dir + "/fibre.geojson") << R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":1},"geometry":{"type":"LineString","coordinates":[[0,55],[60,55]]}},
{"type":"Feature","properties":{"id":2},"geometry":{"type":"LineString","coordinates":[[0,55],[0.3,55.1]]}},
{"type":"Feature","properties":{"id":3},"geometry":{"type":"LineString","coordinates":[[60,55],[60.3,55.1]]}}]})";
  std::ofstream(dir + "/sites.geojson") << R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"site_id":"west","status":"existing"},"geometry":{"type":"Point","coordinates":[0.3,55.1]}},
{"type":"Feature","properties":{"site_id":"east","status":"candidate"},"geometry":{"type":"Point","coordinates":[60.3,55.1]}}]})";
  std::ofstream(dir + "/demand.geojson") << R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"pop":1},"geometry":{"type":"Point","coordinates":[0.2,55.05]}},
{"type":"Feature","properties":{"pop":1},"geometry":{"type":"Point","coordinates":[60.2,55.05]}}]})";
}

// The great-circle midpoint of (0°, 55°) and (60°, 55°) on a sphere: the independent
// oracle for where the arc runs (the ellipsoid moves it by well under 0.2°).
double sphere_midpoint_lat() { return std::atan(std::tan(55.0 * kPi / 180.0) / std::cos(30.0 * kPi / 180.0)) * 180.0 / kPi; }

TEST(BackboneMaps, LongLinksAreTheSameGeodesicArcOnZonesAndPlacementMaps) {
  ScratchDir dir;
  write_backbone(dir.path());
  const std::string fibre = dir.file("fibre.geojson"), sites = dir.file("sites.geojson");
  ASSERT_EQ(run_lightcone({"zones", "--network", fibre, "--sites", sites, "--budget", "30ms", "--no-surface", "--out",
                           dir.file("z.gpkg")})
                .code,
            0);
  const CliResult p = run_lightcone({"place", "--network", fibre, "--sites", sites, "--demand", dir.file("demand.geojson"),
                                     "--weight", "pop", "--status-field", "status", "--problem", "pmedian", "--p", "1",
                                     "--out", dir.file("p.gpkg")});
  ASSERT_EQ(p.code, 0) << p.err;
  const double mid = sphere_midpoint_lat();
  ASSERT_GT(mid, 58.5);  // far north of the straight line at 55°
  const std::string arc = fmt::format("29.5,{:.3f},30.5,{:.3f}", mid - 0.4, mid + 0.4);
  const std::string chord = "29.5,54.6,30.5,55.4";
  const std::string empty = "29.5,50.6,30.5,51.4";  // nothing there: the frame's own grey
  const int map_right = 1400 - 320;
  for (const auto& [run, png] : {std::pair{"z.gpkg", "zones.png"}, std::pair{"p.gpkg", "placement.png"}}) {
    std::map<std::string, std::size_t> grey;
    for (const auto& [name, extent] : {std::pair{"arc", arc}, std::pair{"chord", chord}, std::pair{"empty", empty}}) {
      const std::string out = dir.file(std::string(run) + "-" + name);
      const CliResult r = run_lightcone({"render", dir.file(run), "--out", out, "--extent", extent});
      ASSERT_EQ(r.code, 0) << r.err;
      // Fibre: #8a8a8a on zones maps, #c4c4c4 on placement maps; anti-aliased, so a thin
      // line between two pixel rows is paler still.
      grey[name] = count_grey(read_image(out + "/" + png), 236, map_right);
    }
    EXPECT_GT(grey["arc"], grey["empty"] + 200) << run << ": the link crosses the arc's window";
    EXPECT_LE(grey["chord"], grey["empty"] + 10) << run << ": nothing drawn along the straight chord";
  }
  // Unzoomed, the map's extent holds the whole arc: fibre pixels in the top rows of the frame.
  ASSERT_EQ(run_lightcone({"render", dir.file("z.gpkg"), "--out", dir.file("whole")}).code, 0);
  const RgbaImage whole = read_image(dir.file("whole/zones.png"));
  EXPECT_GT(whole.height, 300) << "the frame is as tall as the arc bows (about 4 degrees)";
}

TEST(BackboneMaps, ZonesSplitIsDrawnWhenTheRunHasIt) {
  ScratchDir dir;
  const std::string sample = std::string(LIGHTCONE_SOURCE_DIR) + "/data/shandong_sample.gpkg";
  std::vector<std::string> args = {"zones", "--network", sample + ":fibre", "--sites", sample + ":sites", "--budget", "1ms",
                                   "--no-surface"};
  std::vector<std::string> plain = args, split = args;
  plain.insert(plain.end(), {"--out", dir.file("plain.gpkg")});
  split.insert(split.end(), {"--split", "--split-cell", "2km", "--out", dir.file("split.gpkg")});
  ASSERT_EQ(run_lightcone(plain).code, 0);
  ASSERT_EQ(run_lightcone(split).code, 0);
  ASSERT_EQ(run_lightcone({"render", dir.file("plain.gpkg"), "--out", dir.file("a")}).code, 0);
  ASSERT_EQ(run_lightcone({"render", dir.file("split.gpkg"), "--out", dir.file("b")}).code, 0);
  const RgbaImage a = read_image(dir.file("a/zones.png")), b = read_image(dir.file("b/zones.png"));
  ASSERT_EQ(a.width, b.width);
  ASSERT_EQ(a.height, b.height);
  // The split lines are near-white strokes over the zone fill: pixels that are zone blue
  // in the plain map and near white in the split one.
  std::size_t whitened = 0;
  for (std::size_t i = 0; i < a.rgba.size(); i += 4) {
    const bool blue = a.rgba[i + 2] > a.rgba[i] + 40;
    const bool white = b.rgba[i] > 225 && b.rgba[i + 1] > 225 && b.rgba[i + 2] > 225;
    whitened += blue && white;
  }
  EXPECT_GT(whitened, 2000u);
}

// Candidates: #9e9e9e circles with a #616161 outline; beyond 300 small, pale (alpha 110
// over white: about #d8d8d8) and without the outline.
TEST(BackboneMaps, ManyCandidatesAreSmallAndPale) {
  for (const int n : {200, 400}) {
    ScratchDir dir;
    test::PlaceInstance inst;
    inst.grid = 8;
    inst.sites = n;
    inst.demand = 50;
    const std::string gpkg = dir.file("i.gpkg");
    test::write_place_instance(gpkg, inst);
    const CliResult p = run_lightcone({"place", "--network", gpkg + ":fibre", "--sites", gpkg + ":sites", "--demand",
                                       gpkg + ":demand", "--weight", "pop", "--status-field", "status", "--problem",
                                       "pcenter", "--p", "2", "--out", dir.file("p.gpkg")});
    ASSERT_EQ(p.code, 0) << p.err;
    ASSERT_EQ(run_lightcone({"render", dir.file("p.gpkg")}).code, 0);
    const RgbaImage img = read_image(dir.file("maps/placement.png"));
    const int map_right = img.width - 320;
    const std::size_t outline = count_near(img, 0x61, 0x61, 0x61, 4, map_right);
    const std::size_t pale = count_near(img, 0xd8, 0xd8, 0xd8, 6, map_right);
    if (n == 200) {
      EXPECT_GT(outline, 500u) << "full-style candidates have a dark grey outline";
    } else {
      EXPECT_LT(outline, 100u) << "no outlines for 400 candidates";
      EXPECT_GT(pale, 1000u) << "pale dots";
    }
  }
}

// A Fiji-like network across ±180 (tests/zones/antimeridian_test.cpp) and its copy moved
// 168° west (the same place within its UTM zone): the zones and surface maps of the two
// are the same pictures, a few degrees wide, not the whole world.
void write_fiji(const std::string& dir, double shift) {
  const std::vector<std::vector<std::pair<double, double>>> lines = {
      {{178.60, -17.60}, {178.95, -17.55}, {179.30, -17.50}},
      {{179.30, -17.50}, {179.75, -17.45}, {-179.80, -17.40}},
      {{-179.80, -17.40}, {-179.35, -17.35}, {-178.90, -17.30}},
      {{179.30, -17.50}, {179.60, -17.80}, {180.00, -17.85}, {-179.55, -17.80}, {-179.35, -17.35}},
      {{178.40, -18.40}, {-178.90, -18.50}},
      {{178.60, -17.60}, {178.40, -18.40}},
      {{-178.90, -17.30}, {-178.90, -18.50}}};
  auto lon = [shift](double x) {
    x += shift;
    while (x > 180) x -= 360;
    while (x < -180) x += 360;
    return x;
  };
  std::string fc = R"({"type":"FeatureCollection","features":[)";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    fc += fmt::format(R"({}{{"type":"Feature","properties":{{"id":{}}},"geometry":{{"type":"LineString","coordinates":[)",
                      i ? "," : "", i);
    for (std::size_t k = 0; k < lines[i].size(); ++k)
      fc += fmt::format("{}[{:.6f},{:.6f}]", k ? "," : "", lon(lines[i][k].first), lines[i][k].second);
    fc += "]}}";
  }
  std::ofstream(dir + "/fibre.geojson") << fc << "]}";
  std::ofstream(dir + "/sites.geojson") << fmt::format(
      R"({{"type":"FeatureCollection","features":[
{{"type":"Feature","properties":{{"site_id":"w"}},"geometry":{{"type":"Point","coordinates":[{:.6f},-17.58]}}}},
{{"type":"Feature","properties":{{"site_id":"e"}},"geometry":{{"type":"Point","coordinates":[{:.6f},-17.32]}}}}]}})",
      lon(178.62), lon(-178.92));
}

// Share of pixels whose colour differs by more than 8 in some channel.
double differing_share(const RgbaImage& a, const RgbaImage& b) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < a.rgba.size(); i += 4)
    n += std::abs(a.rgba[i] - b.rgba[i]) > 8 || std::abs(a.rgba[i + 1] - b.rgba[i + 1]) > 8 ||
         std::abs(a.rgba[i + 2] - b.rgba[i + 2]) > 8;
  return static_cast<double>(n) / static_cast<double>(a.rgba.size() / 4);
}

TEST(BackboneMaps, AcrossTheAntimeridianTheMapsEqualTheShiftedCopys) {
  ScratchDir dir;
  std::map<double, std::pair<RgbaImage, RgbaImage>> maps;
  for (const double shift : {0.0, -168.0}) {
    const std::string d = dir.file(shift == 0.0 ? "fiji" : "copy");
    std::filesystem::create_directories(d);
    write_fiji(d, shift);
    // Same file name in both, so the titles and footers are the same.
    const CliResult z = run_lightcone({"zones", "--network", d + "/fibre.geojson", "--sites", d + "/sites.geojson", "--budget",
                                       "1ms,2ms", "--no-tap-longer-than", "off", "--cell-size", "500m", "--out", d + "/run.gpkg"});
    ASSERT_EQ(z.code, 0) << z.err;
    const CliResult r = run_lightcone({"render", d + "/run.gpkg"});
    ASSERT_EQ(r.code, 0) << r.err;
    maps[shift] = {read_image(d + "/maps/zones.png"), read_image(d + "/maps/surface.png")};
  }
  const auto& [za, sa] = maps[0.0];
  const auto& [zb, sb] = maps[-168.0];
  ASSERT_EQ(za.width, zb.width);
  ASSERT_EQ(za.height, zb.height) << "the same frame: a few degrees across 180, not 360";
  EXPECT_GT(za.height, 500) << "about 2.7° x 1.3°: a wide frame, not a 360° strip";
  ASSERT_EQ(sa.height, sb.height);
  // Zone fills present in both (1 ms over 3 ms: Blues, over white), and the pictures equal
  // but for anti-aliasing along edges.
  const int map_right = za.width - 320;
  EXPECT_GT(count_near(za, 101, 163, 210, 30, map_right), 5000u);
  EXPECT_LT(differing_share(za, zb), 0.005);
  EXPECT_LT(differing_share(sa, sb), 0.01);
  // Nodata is not painted: the unreachable middle of the ring (30-50 % across, 60-70 %
  // down the sheet) stays white on the surface map, while the links around it are coloured.
  std::size_t white = 0, all = 0;
  for (int y = sa.height * 60 / 100; y < sa.height * 70 / 100; ++y)
    for (int x = sa.width * 30 / 100; x < sa.width / 2; ++x, ++all) {
      const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(sa.width) + static_cast<std::size_t>(x)) * 4;
      white += sa.rgba[i] == 255 && sa.rgba[i + 1] == 255 && sa.rgba[i + 2] == 255;
    }
  EXPECT_GT(white, all * 98 / 100);
  EXPECT_GT(count_near(sa, 0x1a, 0x96, 0x41, 40, map_right), 2000u) << "green near the sites";
  // A zoom across 180 by hand (WEST > EAST) equals the copy's zoom onto the same place.
  ASSERT_EQ(run_lightcone({"render", dir.file("fiji/run.gpkg"), "--out", dir.file("fz"), "--extent", "179.5,-18.2,-179.7,-17.2"})
                .code,
            0);
  ASSERT_EQ(run_lightcone({"render", dir.file("copy/run.gpkg"), "--out", dir.file("cz"), "--extent", "11.5,-18.2,12.3,-17.2"})
                .code,
            0);
  const RgbaImage fz = read_image(dir.file("fz/zones.png")), cz = read_image(dir.file("cz/zones.png"));
  ASSERT_EQ(fz.height, cz.height);
  EXPECT_GT(count_near(fz, 101, 163, 210, 30, map_right), 5000u);
  EXPECT_LT(differing_share(fz, cz), 0.005);
}

}  // namespace
}  // namespace lightcone
