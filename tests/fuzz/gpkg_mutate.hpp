// Mutations of the seed GeoPackage (tests/fuzz/seeds/small.gpkg, 1 KiB SQLite pages):
// bytes inside one page (the header, b-tree cells, record payloads), whole pages copied,
// zeroed or cut off; and SQL through GDAL on a copy: geometry blobs that lie (NaN, huge
// point counts, wrong types, broken GeoPackage headers), fields of the wrong type,
// deleted rows, and GeoPackage metadata that contradicts the tables (geometry type,
// SRS, contents, spatial index). Deterministic given the Rng (mutate.hpp).
#pragma once

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "fuzz/mutate.hpp"

namespace lightcone::fuzz {

namespace gpkg_detail {

struct Wkb {
  std::string b;
  void u8(unsigned v) { b.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void f64(double v) {
    char raw[8];
    std::memcpy(raw, &v, 8);
    b.append(raw, 8);
  }
};

inline double odd_double(Rng& rng) {
  static const std::vector<double> v = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                                        -std::numeric_limits<double>::infinity(), 1e308, -1e308, 0.0, -0.0, 1e-320,
                                        180.0000001, 90.5, -91.0, 1000.0, 120.4, 36.1};
  return rng.pick(v);
}

// A WKB geometry (little endian) of some kind; coordinates near the seeds or odd.
inline std::string wkb(Rng& rng) {
  Wkb w;
  auto coord = [&] {
    if (rng.chance(30)) {
      w.f64(odd_double(rng));
      w.f64(odd_double(rng));
    } else {
      w.f64(120.3 + 0.2 * static_cast<double>(rng.below(1000)) / 1000.0);
      w.f64(36.05 + 0.15 * static_cast<double>(rng.below(1000)) / 1000.0);
    }
  };
  const std::size_t kind = rng.below(12);
  w.u8(1);
  switch (kind) {
    case 0: w.u32(1); coord(); break;                                    // point
    case 1: {                                                            // line, n points
      const std::uint32_t n = static_cast<std::uint32_t>(rng.below(5));
      w.u32(2); w.u32(n);
      for (std::uint32_t i = 0; i < n; ++i) coord();
      break;
    }
    case 2: w.u32(2); w.u32(0x7fffffffu); coord(); coord(); break;       // count lies
    case 3: w.u32(3); w.u32(1); w.u32(2); coord(); coord(); break;       // ring of two points
    case 4: w.u32(3); w.u32(0); break;                                   // polygon, no ring
    case 5: {                                                            // multiline with odd parts
      const std::uint32_t parts = static_cast<std::uint32_t>(rng.below(4));
      w.u32(5); w.u32(parts);
      for (std::uint32_t p = 0; p < parts; ++p) {
        w.u8(1); w.u32(2);
        const std::uint32_t n = static_cast<std::uint32_t>(rng.below(4));
        w.u32(n);
        for (std::uint32_t i = 0; i < n; ++i) coord();
      }
      break;
    }
    case 6: {                                                            // nested collections
      const std::size_t depth = 1 + rng.below(40);
      w.u32(7); w.u32(1);
      for (std::size_t i = 1; i < depth; ++i) { w.u8(1); w.u32(7); w.u32(1); }
      w.u8(1); w.u32(2); w.u32(2); coord(); coord();
      break;
    }
    case 7: w.u32(1002); w.u32(2); coord(); w.f64(1); coord(); w.f64(2); break;  // LineString Z
    case 8: w.u32(0x80000002u); w.u32(2); coord(); w.f64(1); coord(); w.f64(2); break;  // EWKB Z flag
    case 9: w.u32(4); w.u32(3); for (int i = 0; i < 3; ++i) { w.u8(1); w.u32(1); coord(); } break;  // multipoint
    case 10: w.u32(static_cast<std::uint32_t>(rng.next())); coord(); break;          // unknown type
    default: w.u32(2); w.u32(3); coord(); coord(); coord(); break;       // a plain line
  }
  if (rng.chance(15)) w.b.resize(rng.below(w.b.size() + 1));  // cut short
  return w.b;
}

// A GeoPackage geometry blob: "GP", version, flags, srs_id, envelope, WKB; sometimes lying.
inline std::string gpkg_blob(Rng& rng) {
  Wkb h;
  const bool bad_magic = rng.chance(5);
  h.b = bad_magic ? "GX" : "GP";
  h.u8(rng.chance(5) ? 1 : 0);  // version
  unsigned env = rng.chance(70) ? 0 : static_cast<unsigned>(rng.below(8));
  unsigned flags = 1 | (env << 1);
  if (rng.chance(10)) flags |= 0x10;  // "empty"
  if (rng.chance(5)) flags |= 0x20;   // extended
  h.u8(flags);
  h.u32(rng.chance(85) ? 4326u : static_cast<std::uint32_t>(rng.pick(std::vector<std::uint32_t>{0, 3857, 99999, 0xffffffffu})));
  const std::size_t env_doubles = env == 1 ? 4 : env == 2 || env == 3 ? 6 : env == 4 ? 8 : 0;
  for (std::size_t i = 0; i < env_doubles; ++i) h.f64(rng.chance(30) ? odd_double(rng) : 120.0 + static_cast<double>(i));
  return h.b + wkb(rng);
}

inline std::string hex(const std::string& b) {
  static const char* digits = "0123456789ABCDEF";
  std::string out = "X'";
  for (unsigned char c : b) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out + "'";
}

struct SeedLayer {
  const char* name;
  int features;
  std::vector<std::string> fields;
};

inline const std::vector<SeedLayer>& seed_layers() {
  static const std::vector<SeedLayer> layers = {{"fibre", 27, {"link_id", "kind"}},
                                                {"sites", 8, {"site_id", "status", "capacity", "cost"}},
                                                {"demand", 19, {"cell_id", "pop", "in_qingdao"}},
                                                {"qingdao", 1, {"name"}}};
  return layers;
}

// One SQL statement that damages the GeoPackage (SQLite dialect, run as is).
inline std::string damaging_sql(Rng& rng) {
  const SeedLayer& L = rng.pick(seed_layers());
  const std::string t = L.name;
  const std::string fid = std::to_string(1 + rng.below(static_cast<std::size_t>(L.features)));
  const std::string one_or_all = rng.chance(70) ? " WHERE fid = " + fid : "";
  static const std::vector<std::string> values = {"NULL", "''", "'x'", "-1", "0", "1e308", "-1e308", "9223372036854775807",
                                                  "X'00FF'", "'NaN'", "'existing'", "'candidate'", "'required'",
                                                  "'excluded'", "'1e999'", "char(0)", "'qd-ai-cc'", "0.5"};
  switch (rng.below(16)) {
    case 0:
    case 1:
    case 2:
    case 3: return "UPDATE " + t + " SET geom = " + hex(gpkg_blob(rng)) + one_or_all;
    case 4: return "UPDATE " + t + " SET geom = " + rng.pick(std::vector<std::string>{"NULL", "X''", "X'4750'", "'text'", "1"}) + one_or_all;
    case 5:
    case 6: return "UPDATE " + t + " SET " + rng.pick(L.fields) + " = " + rng.pick(values) + one_or_all;
    case 7: return "DELETE FROM " + t + (rng.chance(50) ? "" : " WHERE fid % 2 = 0");
    case 8: {
      const SeedLayer& other = rng.pick(seed_layers());
      return "UPDATE " + t + " SET geom = (SELECT geom FROM " + other.name + " LIMIT 1)" + one_or_all;
    }
    case 9:
      return "UPDATE gpkg_geometry_columns SET geometry_type_name = " +
             rng.pick(std::vector<std::string>{"'POINT'", "'LINESTRING'", "'POLYGON'", "'GEOMETRY'", "'FOO'", "''", "NULL"}) +
             " WHERE table_name = '" + t + "'";
    case 10:
      return "UPDATE gpkg_geometry_columns SET srs_id = " + rng.pick(std::vector<std::string>{"0", "-1", "99999", "3857"}) +
             " WHERE table_name = '" + t + "'";
    case 11:
      return rng.pick(std::vector<std::string>{
          "UPDATE gpkg_spatial_ref_sys SET definition = 'garbage' WHERE srs_id = 4326",
          "UPDATE gpkg_spatial_ref_sys SET definition = 'undefined' WHERE srs_id = 4326",
          "DELETE FROM gpkg_spatial_ref_sys WHERE srs_id = 4326",
          "UPDATE gpkg_spatial_ref_sys SET organization_coordsys_id = 3857 WHERE srs_id = 4326"});
    case 12:
      return rng.pick(std::vector<std::string>{
          "UPDATE gpkg_contents SET data_type = 'attributes' WHERE table_name = '" + t + "'",
          "DELETE FROM gpkg_contents WHERE table_name = '" + t + "'",
          "UPDATE gpkg_contents SET min_x = 1e308, max_x = -1e308 WHERE table_name = '" + t + "'",
          "UPDATE gpkg_ogr_contents SET feature_count = " + rng.pick(std::vector<std::string>{"-5", "0", "1000000000"}) +
              " WHERE table_name = '" + t + "'",
          "UPDATE gpkg_geometry_columns SET column_name = 'nope' WHERE table_name = '" + t + "'"});
    case 13: return "DROP TABLE rtree_" + t + "_geom";
    case 14: return "ALTER TABLE " + t + " RENAME COLUMN " + rng.pick(L.fields) + " TO renamed";
    default:
      return rng.pick(std::vector<std::string>{"INSERT INTO " + t + " (geom) SELECT geom FROM " + t,
                                               "UPDATE " + t + " SET fid = fid + 1000000000000",
                                               "UPDATE " + t + " SET fid = -fid"});
  }
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

}  // namespace gpkg_detail

// Byte mutations that know SQLite's page layout (page size from the header).
inline std::string mutate_sqlite_pages(std::string& d, Rng& rng) {
  if (d.size() < 100) return mutate_bytes(d, rng, {});
  std::size_t page = (static_cast<unsigned char>(d[16]) << 8) | static_cast<unsigned char>(d[17]);
  if (page == 1) page = 65536;
  if (page < 512 || d.size() < page) page = 1024;
  const std::size_t pages = d.size() / page;
  const std::size_t p = rng.below(pages);
  const std::size_t base = p * page;
  switch (rng.below(7)) {
    case 0: {
      // A header field of the database (first 100 bytes).
      static const std::vector<std::size_t> fields = {16, 18, 19, 20, 21, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 92, 96};
      const std::size_t at = rng.pick(fields);
      d[at + rng.below(4)] = static_cast<char>(rng.pick(std::vector<int>{0, 1, 2, 0x7f, 0x80, 0xff}));
      return "sqlite header byte near " + std::to_string(at);
    }
    case 1:
    case 2: {
      // Inside one page, most often its header and cell pointers (the first bytes).
      const std::size_t span = rng.chance(50) ? 16 : page;
      const std::size_t k = 1 + rng.below(4);
      for (std::size_t i = 0; i < k; ++i) {
        const std::size_t at = base + (p == 0 ? 100 : 0) + rng.below(span);
        if (at < d.size()) d[at] = static_cast<char>(rng.chance(50) ? rng.below(256) : (d[at] ^ (1 << rng.below(8))));
      }
      return "page " + std::to_string(p + 1) + ": " + std::to_string(k) + " bytes";
    }
    case 3: {
      const std::size_t q = rng.below(pages);
      std::memmove(&d[base], &d[q * page], page);
      return "page " + std::to_string(q + 1) + " copied over page " + std::to_string(p + 1);
    }
    case 4: {
      std::memset(&d[base], 0, page);
      return "page " + std::to_string(p + 1) + " zeroed";
    }
    case 5: {
      d.resize(rng.chance(50) ? base : base + rng.below(page));
      return "cut to " + std::to_string(d.size()) + " bytes";
    }
    default: {
      // A record payload: bytes in the second half of a page, where SQLite puts cells.
      const std::size_t k = 1 + rng.below(8);
      for (std::size_t i = 0; i < k; ++i) d[base + page / 2 + rng.below(page / 2)] = static_cast<char>(rng.below(256));
      return "page " + std::to_string(p + 1) + ": " + std::to_string(k) + " cell bytes";
    }
  }
}

// Writes a mutant of the GeoPackage `seed_bytes` to `path`; returns what was done.
inline std::string make_gpkg_mutant(const std::string& seed_bytes, const std::string& path, Rng& rng) {
  using namespace gpkg_detail;
  std::string how;
  if (rng.chance(45)) {
    std::string d = seed_bytes;
    how = mutate_sqlite_pages(d, rng);
    if (rng.chance(20)) how += "; " + mutate_sqlite_pages(d, rng);
    write_bytes(path, d);
    return how;
  }
  write_bytes(path, seed_bytes);
  CPLPushErrorHandler(CPLQuietErrorHandler);
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
  if (ds) {
    const std::size_t n = 1 + rng.below(3);
    for (std::size_t i = 0; i < n; ++i) {
      std::string sql = damaging_sql(rng);
      // Without the spatial index's triggers a broken blob is stored as is (and the
      // index goes stale, another kind of damage).
      if (rng.chance(50) && sql.rfind("UPDATE", 0) == 0) {
        for (const auto& L : seed_layers()) {
          for (const char* trig : {"insert", "update1", "update2", "update3", "update4", "delete"}) {
            GDALDatasetExecuteSQL(ds, ("DROP TRIGGER IF EXISTS rtree_" + std::string(L.name) + "_geom_" + trig).c_str(),
                                  nullptr, nullptr);
          }
        }
        how += "drop rtree triggers; ";
      }
      OGRLayerH res = GDALDatasetExecuteSQL(ds, sql.c_str(), nullptr, nullptr);
      if (res) GDALDatasetReleaseResultSet(ds, res);
      how += (CPLGetLastErrorType() >= CE_Failure ? "(failed) " : "") + sql.substr(0, 160) + "; ";
      CPLErrorReset();
    }
    GDALClose(ds);
  }
  CPLPopErrorHandler();
  // GDAL may leave a journal behind; the mutant is the database file alone.
  std::error_code ec;
  std::filesystem::remove(path + "-journal", ec);
  if (rng.chance(10)) {
    std::string d = read_bytes(path);
    how += mutate_sqlite_pages(d, rng);
    write_bytes(path, d);
  }
  return how;
}

}  // namespace lightcone::fuzz
