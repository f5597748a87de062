// Deterministic mutations of the fuzzers' seeds (tests/fuzz/seeds): bytes (flips,
// interesting values, truncation, deleted / duplicated / spliced chunks), TOML tokens
// (numbers, quoted values, keys, lines, tables) and GeoJSON structure (coordinates,
// geometry types, properties, features, CRS). Every choice comes from Rng, a splitmix64
// stream seeded by (seed, mutant index), so a mutant is remade from its two numbers on
// any compiler (no std:: distributions, whose results differ between libraries).
// Each mutator returns a short description of what it did, for the failure report.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lightcone::fuzz {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : m_state(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n); n == 0 gives 0.
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

 private:
  std::uint64_t m_state;
};

// The stream of mutant `index` under `seed` for the fuzzer named `salt`.
inline Rng mutant_rng(std::uint64_t seed, std::string_view salt, std::size_t index) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a of the salt
  for (char c : salt) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  Rng r(seed ^ h ^ (static_cast<std::uint64_t>(index) * 0x2545f4914f6cdd1dULL));
  r.next();
  return r;
}

// ---- bytes ------------------------------------------------------------------------------

inline std::string mutate_bytes(std::string& d, Rng& rng, const std::vector<std::string>& others) {
  static const std::vector<unsigned char> interesting = {0x00, 0xff, 0x7f, 0x80, 0x01, 0x20, '\n', '\r', '"', '\\',
                                                         '[',  ']',  '{',  '}',  ',',  ':',  '-',  '.',  'e',  '9',
                                                         '=',  '#',  '\'', 0xc3, 0xe2};
  const std::size_t n = d.size();
  switch (rng.below(8)) {
    case 0: {
      const std::size_t k = 1 + rng.below(8);
      for (std::size_t i = 0; i < k && n > 0; ++i) d[rng.below(n)] ^= static_cast<char>(1u << rng.below(8));
      return "flip " + std::to_string(k) + " bits";
    }
    case 1: {
      const std::size_t k = 1 + rng.below(4);
      for (std::size_t i = 0; i < k && n > 0; ++i) d[rng.below(n)] = static_cast<char>(rng.pick(interesting));
      return "set " + std::to_string(k) + " bytes";
    }
    case 2: {
      const std::size_t at = rng.below(n + 1);
      d.resize(at);
      return "truncate at " + std::to_string(at);
    }
    case 3: {
      const std::size_t at = rng.below(n + 1);
      const std::size_t len = 1 + rng.below(std::max<std::size_t>(2, n / 8));
      d.erase(at, len);
      return "delete " + std::to_string(len) + " at " + std::to_string(at);
    }
    case 4: {
      const std::size_t from = rng.below(n + 1);
      const std::string chunk = d.substr(from, 1 + rng.below(std::max<std::size_t>(2, n / 8)));
      const std::size_t at = rng.below(n + 1);
      d.insert(at, chunk);
      return "duplicate " + std::to_string(chunk.size()) + " from " + std::to_string(from) + " to " + std::to_string(at);
    }
    case 5: {
      if (others.empty()) return "splice (none)";
      const std::string& o = rng.pick(others);
      const std::size_t at = rng.below(n + 1);
      const std::size_t from = rng.below(o.size() + 1);
      d = d.substr(0, at) + o.substr(from);
      return "splice at " + std::to_string(at) + " from " + std::to_string(from);
    }
    case 6: {
      const std::size_t k = 1 + rng.below(16);
      std::string bytes;
      for (std::size_t i = 0; i < k; ++i) bytes.push_back(static_cast<char>(rng.below(256)));
      d.insert(rng.below(n + 1), bytes);
      return "insert " + std::to_string(k) + " random bytes";
    }
    default: {
      // A 32-bit integer with an edge value, either byte order.
      static const std::vector<std::uint32_t> ints = {0, 1, 0xffffffffu, 0x7fffffffu, 0x80000000u, 0xffffu, 0x10000u};
      if (n < 4) return "int (too short)";
      const std::uint32_t v = rng.pick(ints);
      const std::size_t at = rng.below(n - 3);
      const bool big = rng.chance(50);
      for (int i = 0; i < 4; ++i) d[at + i] = static_cast<char>((v >> (8 * (big ? 3 - i : i))) & 0xff);
      return "int32 at " + std::to_string(at);
    }
  }
}

// ---- TOML -------------------------------------------------------------------------------

namespace detail {

inline std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      if (start < s.size()) out.push_back(s.substr(start));
      break;
    }
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

struct Span {
  std::size_t begin, end;  // [begin, end) in the text
};

// Spans of numbers outside strings and comments, and of basic strings' contents.
inline void scan_toml(const std::string& t, std::vector<Span>& numbers, std::vector<Span>& strings) {
  std::size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '#') {
      while (i < t.size() && t[i] != '\n') ++i;
    } else if (c == '"') {
      const bool triple = t.compare(i, 3, "\"\"\"") == 0;
      const std::size_t open = i + (triple ? 3 : 1);
      std::size_t j = open;
      while (j < t.size() && (triple ? t.compare(j, 3, "\"\"\"") != 0 : (t[j] != '"' && t[j] != '\n'))) {
        if (t[j] == '\\') ++j;
        ++j;
      }
      strings.push_back({open, std::min(j, t.size())});
      i = j + (triple ? 3 : 1);
    } else if ((c >= '0' && c <= '9') || ((c == '-' || c == '+') && i + 1 < t.size() && t[i + 1] >= '0' && t[i + 1] <= '9')) {
      std::size_t j = i + 1;
      while (j < t.size() && (std::isalnum(static_cast<unsigned char>(t[j])) || t[j] == '.' || t[j] == '_' ||
                              ((t[j] == '-' || t[j] == '+') && (t[j - 1] == 'e' || t[j - 1] == 'E'))))
        ++j;
      // Only values: a number right after '=' or inside an array.
      std::size_t k = i;
      while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t')) --k;
      if (k > 0 && (t[k - 1] == '=' || t[k - 1] == '[' || t[k - 1] == ',')) numbers.push_back({i, j});
      i = j;
    } else {
      ++i;
    }
  }
}

}  // namespace detail

// Keys a scenario knows (scenario.cpp, scenario_tables.cpp), for inserted and renamed keys.
inline const std::vector<std::string>& scenario_keys() {
  static const std::vector<std::string> keys = {
      "name", "description", "path", "layer", "where", "assume_crs", "length_field", "length_unit",
      "group_index_field", "slack_field", "delay_field", "delay_unit", "snap", "split_shared", "risk_group_field",
      "id_field", "exit_delay_field", "status_field", "capacity_field", "cost_field", "weight_field", "load_field",
      "metric", "group_index", "slack", "node_delay", "site_delay", "access_detour", "access_us_per_km",
      "access_delay", "max_access", "access_from", "direction", "budgets", "rings", "circle_segments", "enabled",
      "cell_size", "max_cells", "epsg", "extent", "problem", "p", "budget", "time_limit", "k", "survive", "money",
      "capacity_unit", "kind", "boundary", "min_share", "max_latency", "max_new_sites"};
  return keys;
}

// TOML values of every type and edge: what a key's value may be replaced with.
inline const std::vector<std::string>& toml_values() {
  static const std::vector<std::string> v = {
      "0", "-1", "1", "2", "1e308", "-1e308", "nan", "+inf", "-inf", "9223372036854775807",
      "-9223372036854775808", "0.0", "-0.0", "1e-320", "0x7fffffff", "2147483648", "100000000", "true", "false",
      "[]", "[[]]", "{}", "[1, 2]", "[\"1ms\", \"1ms\"]", "[\"0us\"]", "[\"1ms\", 3]", "{ x = 1 }",
      "1979-05-27T07:32:00Z", "\"\"", "\"\"\"a\nb\"\"\"", "'literal'", "\"1ms\"", "\"1e308ms\"", "\"-1ms\"",
      "\"nanms\"", "\"infus\"", "\"1 km\"", "\"0km\"", "\"1e400m\"", "\"99999999999999999999ms\"", "\"0.0000001us\"",
      "\"150%\"", "\"-5%\"", "\"nan%\"", "\"%\"", "\"1e-300%\"", "\"\\u0000\"", "\"\\t\\u001f\"", "\"x\"",
      "\"lscp\"", "\"mclp\"", "\"pmedian\"", "\"pcenter\"", "\"rtt\"", "\"one-way\"", "\"nodes\"", "\"edges\"",
      "\"demand_share\"", "\"area_share\"", "\"worst_latency\"", "\"new_sites\"", "\"survivable\"", "\"capacity\"",
      "[120.5, 36.2, 120.3, 36.05]", "[-180, -90, 180, 90]", "[0, 0, 0, 0]", "[1e308, 1, 2, 3]", "3857", "4326",
      "32651", "-4326", "\"EPSG:3857\"", "\"EPSG:99999\"", "\"garbage\"", "\"1=1\"", "\"status = \"", "\"pop\"",
      "\"site_id\"", "\"status\"", "\"capacity\"", "\"cost\"", "\"in_qingdao\"", "\"fibre\"", "\"sites\"",
      "\"demand\"", "\"qingdao\"", "\"small.gpkg\"", "\"fibre.geojson\"", "\"sites.geojson\"", "\"/\"", "\".\"",
      "\"missing.gpkg\"", "\"zones.toml\""};
  return v;
}

// Replacements for the contents of a quoted string (quantities, enums, garbage).
inline const std::vector<std::string>& string_contents() {
  static const std::vector<std::string> v = {
      "", " ", "0", "1", "-1", "1ms", "0ms", "0us", "-0us", "1e308ms", "1e308us", "1e-308us", "nanms", "infms",
      "-infus", "1 ms", "1ms ", "ms", "1mss", "1m", "1km", "0m", "-1km", "1e308km", "nanm", "0.5", "50%", "0%",
      "100%", "100.0000001%", "-0%", "1e308%", "nan%", "%", "99 %", "1s", "3600s", "1e9s", "60", "lscp", "mclp",
      "pmedian", "pcenter", "rtt", "one-way", "nodes", "edges", "to-sites", "from-sites", "demand_share",
      "area_share", "worst_latency", "new_sites", "survivable", "capacity", "existing", "candidate", "required",
      "excluded", "EPSG:3857", "EPSG:4326", "EPSG:0", "+proj=longlat", "1=", "fid < 0", "status = 'x'", "pop",
      "cost", "site_id", "\\u0000", "\\u0001\\u001f", "\\t\\r", "\\\\", "'", "a\\\"b", "\\uD800",
      "\xc3\x28", "\xff\xfe", "..", "/", "/vsimem/none", "small.gpkg", "fibre.geojson", "sites.geojson",
      "qingdao", "fibre", "sites", "demand", std::string(300, 'x')};
  return v;
}

// Values of the right type at the edges of (or just past) what a key allows, so that a
// mutant often passes the parser and reaches reading, building, zones and placement.
inline const std::vector<std::string>* edge_values(const std::string& key) {
  using V = std::vector<std::string>;
  static const V durations = {"\"0us\"", "\"0.001us\"", "\"1us\"", "\"1s\"", "\"1000000us\"", "\"1000001us\"",
                              "\"999.999ms\"", "\"1e-9ms\"", "\"5ms\"", "\"0.5us\"", "\"-0us\""};
  static const V lengths = {"\"0m\"", "\"0.001m\"", "\"1m\"", "\"100m\"", "\"1km\"", "\"50km\"", "\"40000km\"",
                            "\"40001km\"", "\"1e-9km\"", "\"250m\""};
  static const V cells = {"\"100m\"", "\"250m\"", "\"2km\"", "\"10km\"", "\"100km\"", "\"1e-3km\"", "\"0m\""};
  static const V floats = {"1", "1.0", "1.0000001", "0.9999999", "10", "10.0000001", "1.4682", "2", "100", "0",
                           "1e6", "0.001"};
  static const V ints = {"0", "1", "2", "3", "7", "8", "100", "4096", "4097", "2147483647", "-1"};
  static const V epsg = {"32650", "32651", "3857", "4326", "1023", "1024", "999999", "2154", "32601", "32760"};
  static const V shares = {"\"0%\"", "\"100%\"", "\"100.0%\"", "\"99.999%\"", "0", "1", "0.5", "1.0", "\"50 %\""};
  static const V metric = {"\"rtt\"", "\"one-way\""};
  static const V access_from = {"\"edges\"", "\"nodes\""};
  static const V direction = {"\"to-site\"", "\"from-site\""};
  static const V problem = {"\"lscp\"", "\"mclp\"", "\"pmedian\"", "\"pcenter\""};
  static const V kind = {"\"demand_share\"", "\"area_share\"", "\"worst_latency\"", "\"new_sites\"",
                         "\"survivable\"", "\"capacity\""};
  static const V bools = {"true", "false"};
  static const V fields = {"\"link_id\"", "\"kind\"", "\"site_id\"", "\"status\"", "\"capacity\"", "\"cost\"",
                           "\"cell_id\"", "\"pop\"", "\"in_qingdao\"", "\"name\"", "\"fid\"", "\"missing\""};
  static const V layers = {"\"fibre\"", "\"sites\"", "\"demand\"", "\"qingdao\"", "\"nope\""};
  static const V paths = {"\"fibre.geojson\"", "\"sites.geojson\"", "\"small.gpkg\"", "\"zones.toml\"", "\"./\""};
  static const V wheres = {"\"1 = 1\"", "\"1 = 0\"", "\"fid = 1\"", "\"fid > 2\"", "\"status = 'candidate'\"",
                           "\"pop > 1e9\"", "\"in_qingdao = 0\"", "\"nosuch = 1\"", "\"(((\""};
  static const V extents = {"[120.3, 36.05, 120.5, 36.2]", "[120.4, 36.1, 120.4001, 36.1001]", "[120.5, 36.05, 120.3, 36.2]",
                            "[100, 20, 140, 50]", "[179.9, 36, -179.9, 37]", "[120.3, 36.05, 120.3, 36.05]"};
  static const V budgets = {"[\"1us\"]", "[\"1s\"]", "[\"0.3ms\", \"0.1ms\"]", "[\"0.1ms\", \"0.1ms\"]",
                            "[\"10us\", \"20us\", \"30us\", \"40us\", \"50us\"]", "\"0.2ms\""};
  static const V units = {"\"m\"", "\"km\"", "\"us\"", "\"ms\""};
  static const std::vector<std::pair<std::vector<std::string>, const V*>> table = {
      {{"node_delay", "site_delay", "access_delay", "budget", "max_latency", "time_limit"}, &durations},
      {{"snap", "max_access"}, &lengths},
      {{"cell_size"}, &cells},
      {{"group_index", "slack", "access_detour", "access_us_per_km", "money"}, &floats},
      {{"p", "k", "circle_segments", "max_new_sites", "max_cells"}, &ints},
      {{"epsg"}, &epsg},
      {{"min_share"}, &shares},
      {{"metric"}, &metric},
      {{"access_from"}, &access_from},
      {{"direction"}, &direction},
      {{"problem"}, &problem},
      {{"kind"}, &kind},
      {{"split_shared", "rings", "enabled", "survive"}, &bools},
      {{"id_field", "status_field", "capacity_field", "cost_field", "weight_field", "load_field", "length_field",
        "group_index_field", "slack_field", "delay_field", "exit_delay_field", "risk_group_field"},
       &fields},
      {{"layer"}, &layers},
      {{"path"}, &paths},
      {{"where"}, &wheres},
      {{"extent"}, &extents},
      {{"budgets"}, &budgets},
      {{"length_unit", "delay_unit"}, &units}};
  for (const auto& [keys, values] : table)
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) return values;
  return nullptr;
}

// The table a key belongs in ("" for keys of several tables or of [[target]]).
inline std::string table_of(const std::string& key) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> tables = {
      {"[model]", {"metric", "group_index", "slack", "node_delay", "site_delay", "access_detour", "access_us_per_km",
                   "access_delay", "max_access", "access_from", "direction"}},
      {"[zones]", {"budgets", "rings", "circle_segments"}},
      {"[surface]", {"enabled", "cell_size", "max_cells", "epsg", "extent"}},
      {"[placement]", {"problem", "p", "budget", "time_limit", "k", "survive", "money", "capacity_unit"}},
      {"[network]", {"length_field", "length_unit", "group_index_field", "slack_field", "snap", "split_shared",
                     "risk_group_field"}},
      {"[sites]", {"id_field", "exit_delay_field", "status_field", "capacity_field", "cost_field"}},
      {"[demand]", {"weight_field", "load_field"}}};
  for (const auto& [table, keys] : tables)
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) return table;
  return {};
}

// Sets `key = value` in the key's own table: replaces the key's line there, or adds the
// line under the table's header, or adds the table at the end.
inline void set_in_table(std::vector<std::string>& lines, const std::string& key, const std::string& value, Rng& rng) {
  const std::string table = table_of(key);
  const std::string line = key + " = " + value;
  if (table.empty()) {
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(rng.below(lines.size() + 1)), line);
    return;
  }
  std::size_t h = 0;
  while (h < lines.size() && lines[h] != table) ++h;
  if (h == lines.size()) {
    lines.push_back(table);
    lines.push_back(line);
    return;
  }
  std::size_t i = h + 1;
  for (; i < lines.size() && (lines[i].empty() || lines[i][0] != '['); ++i) {
    if (lines[i].rfind(key + " ", 0) == 0 || lines[i].rfind(key + "=", 0) == 0) {
      lines[i] = line;
      return;
    }
  }
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(h + 1), line);
}

// 1 to 3 TOML-aware mutations, sometimes a byte mutation on top.
inline std::string mutate_toml(std::string& text, Rng& rng, const std::vector<std::string>& others) {
  std::string how;
  const std::size_t rounds = 1 + rng.below(3);
  // Half the mutants only get values of the right type: those mostly pass the parser.
  const bool typed_only = rng.chance(50);
  for (std::size_t r = 0; r < rounds; ++r) {
    if (!how.empty()) how += "; ";
    std::vector<detail::Span> numbers, strings;
    detail::scan_toml(text, numbers, strings);
    std::vector<std::string> lines = detail::split_lines(text);
    const std::size_t choice = typed_only ? 12 + rng.below(4) : rng.below(16);
    if (choice >= 12 && !lines.empty()) {
      // Most often: a value of the right type at its edge, or such a key added.
      std::vector<std::size_t> kv;
      for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::size_t eq = lines[i].find('=');
        if (eq == std::string::npos || lines[i][0] == '#') continue;
        std::string key = lines[i].substr(0, eq);
        while (!key.empty() && key.back() == ' ') key.pop_back();
        if (edge_values(key)) kv.push_back(i);
      }
      if (kv.empty() || choice == 15) {
        std::string key;
        do key = rng.pick(scenario_keys());
        while (!edge_values(key));
        const std::string v = rng.pick(*edge_values(key));
        how += "set " + key + " = " + v;
        set_in_table(lines, key, v, rng);
      } else {
        std::string& line = lines[rng.pick(kv)];
        std::string key = line.substr(0, line.find('='));
        while (!key.empty() && key.back() == ' ') key.pop_back();
        const std::string v = rng.pick(*edge_values(key));
        how += key + " = " + v;
        line = key + " = " + v;
      }
      text = detail::join_lines(lines);
    } else if (choice == 0 && !numbers.empty()) {
      const detail::Span s = rng.pick(numbers);
      const std::string v = rng.pick(toml_values());
      how += "number '" + text.substr(s.begin, s.end - s.begin) + "' -> " + v;
      text.replace(s.begin, s.end - s.begin, v);
    } else if (choice <= 2 && !strings.empty()) {
      const detail::Span s = rng.pick(strings);
      const std::string v = rng.pick(string_contents());
      how += "string '" + text.substr(s.begin, std::min<std::size_t>(s.end - s.begin, 40)) + "' -> '" + v.substr(0, 40) + "'";
      text.replace(s.begin, s.end - s.begin, v);
    } else if (choice == 3 && !lines.empty()) {
      // Replace the value of a `key = value` line.
      std::vector<std::size_t> kv;
      for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i].find('=') != std::string::npos && lines[i][0] != '#') kv.push_back(i);
      if (kv.empty()) continue;
      std::string& line = lines[rng.pick(kv)];
      const std::string v = rng.pick(toml_values());
      how += "value of '" + line.substr(0, line.find('=')) + "' -> " + v;
      line = line.substr(0, line.find('=') + 1) + " " + v;
      text = detail::join_lines(lines);
    } else if (choice == 4 && !lines.empty()) {
      const std::size_t i = rng.below(lines.size());
      how += "remove line " + std::to_string(i + 1);
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
      text = detail::join_lines(lines);
    } else if (choice == 5 && !lines.empty()) {
      const std::size_t i = rng.below(lines.size());
      const std::size_t at = rng.chance(50) ? i : rng.below(lines.size() + 1);
      how += "copy line " + std::to_string(i + 1) + " to " + std::to_string(at + 1);
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), lines[i]);
      text = detail::join_lines(lines);
    } else if (choice == 6) {
      // A known key with any value, anywhere.
      const std::size_t at = rng.below(lines.size() + 1);
      const std::string line = rng.pick(scenario_keys()) + " = " + rng.pick(toml_values());
      how += "insert '" + line + "' at " + std::to_string(at + 1);
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), line);
      text = detail::join_lines(lines);
    } else if (choice == 7 && !lines.empty()) {
      // Rename a key.
      std::vector<std::size_t> kv;
      for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i].find('=') != std::string::npos && lines[i][0] != '#' && lines[i][0] != ' ') kv.push_back(i);
      if (kv.empty()) continue;
      std::string& line = lines[rng.pick(kv)];
      const std::string key = rng.chance(80) ? rng.pick(scenario_keys()) : rng.pick(std::vector<std::string>{
                                                                               "\"\"", "a.b", "'k'", "\"\\u0000\"", "1", "-"});
      how += "key '" + line.substr(0, line.find('=')) + "' -> " + key;
      line = key + " " + line.substr(line.find('='));
      text = detail::join_lines(lines);
    } else if ((choice == 8 || choice == 9) && !lines.empty()) {
      // Copy or remove a whole table (its header to the next header).
      std::vector<std::size_t> headers;
      for (std::size_t i = 0; i < lines.size(); ++i)
        if (!lines[i].empty() && lines[i][0] == '[') headers.push_back(i);
      if (headers.empty()) continue;
      const std::size_t h = rng.below(headers.size());
      const std::size_t b = headers[h];
      const std::size_t e = h + 1 < headers.size() ? headers[h + 1] : lines.size();
      std::vector<std::string> block(lines.begin() + static_cast<std::ptrdiff_t>(b), lines.begin() + static_cast<std::ptrdiff_t>(e));
      if (choice == 8) {
        how += "copy table " + lines[b];
        lines.insert(rng.chance(50) ? lines.end() : lines.begin() + static_cast<std::ptrdiff_t>(b), block.begin(), block.end());
      } else {
        how += "remove table " + lines[b];
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(b), lines.begin() + static_cast<std::ptrdiff_t>(e));
      }
      text = detail::join_lines(lines);
    } else if (choice == 10 && !lines.empty()) {
      std::vector<std::size_t> headers;
      for (std::size_t i = 0; i < lines.size(); ++i)
        if (!lines[i].empty() && lines[i][0] == '[') headers.push_back(i);
      if (headers.empty()) continue;
      std::string& line = lines[rng.pick(headers)];
      static const std::vector<std::string> names = {"[network]", "[sites]", "[demand]", "[model]", "[zones]",
                                                     "[surface]", "[placement]", "[[target]]", "[boundaries]",
                                                     "[boundaries.x]", "[boundaries.\"a b\"]", "[[network]]",
                                                     "[target]", "[zones.budgets]", "[model.metric]", "[nothing]"};
      const std::string n = rng.pick(names);
      how += "header " + line + " -> " + n;
      line = n;
      text = detail::join_lines(lines);
    } else {
      how += mutate_bytes(text, rng, others);
    }
  }
  return how;
}

// ---- GeoJSON ----------------------------------------------------------------------------

// Placeholders for numbers JSON cannot write but GDAL's reader (json-c) takes.
inline std::string with_special_numbers(std::string s) {
  const std::pair<const char*, const char*> subs[] = {
      {"\"@NaN@\"", "NaN"}, {"\"@Inf@\"", "Infinity"}, {"\"@-Inf@\"", "-Infinity"}, {"\"@1e400@\"", "1e400"},
      {"\"@big@\"", "123456789012345678901234567890"}, {"\"@-0@\"", "-0"}};
  for (const auto& [from, to] : subs) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at)) s.replace(at, std::strlen(from), to);
  }
  return s;
}

inline nlohmann::ordered_json odd_number(Rng& rng) {
  static const std::vector<nlohmann::ordered_json> v = {
      "@NaN@", "@Inf@", "@-Inf@", "@1e400@", "@big@", "@-0@", 1e308, -1e308, 0, -1, 1e-320, 180.0000001, -180.5,
      90.5,    -91,     1000,     360,       720,     "1",    nullptr, true,  nlohmann::ordered_json::array(),
      nlohmann::ordered_json::object()};
  return rng.pick(v);
}

inline nlohmann::ordered_json odd_value(Rng& rng) {
  static const std::vector<nlohmann::ordered_json> v = {
      nullptr, "", "x", "existing", "candidate", "required", "excluded", "planned", -1, 0, 1e308, -1e308, "@NaN@",
      "@Inf@", "@big@", 9223372036854775807LL, true, nlohmann::ordered_json::array(), nlohmann::ordered_json::object(),
      "\x01\x1f", std::string(1, '\0') + "nul", std::string(1000, 'y'), "1e308", "-5"};
  return rng.pick(v);
}

// Every coordinate number under `g` (a geometry's "coordinates"), by pointer.
inline void collect_numbers(nlohmann::ordered_json& g, std::vector<nlohmann::ordered_json*>& out) {
  if (g.is_number()) out.push_back(&g);
  if (g.is_array())
    for (auto& e : g) collect_numbers(e, out);
}

inline std::string mutate_geojson(std::string& text, Rng& rng, const std::vector<std::string>& others) {
  if (rng.chance(15)) return mutate_bytes(text, rng, others);
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.contains("features") || !j["features"].is_array() || j["features"].empty())
    return mutate_bytes(text, rng, others);
  std::string how;
  const std::size_t rounds = 1 + rng.below(3);
  for (std::size_t r = 0; r < rounds; ++r) {
    if (!how.empty()) how += "; ";
    auto& features = j["features"];
    if (!features.is_array() || features.empty()) break;
    const std::size_t fi = rng.below(features.size());
    auto& f = features[fi];
    if (!f.is_object()) continue;
    const std::string at = "feature " + std::to_string(fi) + ": ";
    switch (rng.below(10)) {
      case 0:
      case 1: {
        if (!f.contains("geometry") || !f["geometry"].is_object() || !f["geometry"].contains("coordinates")) continue;
        std::vector<nlohmann::ordered_json*> nums;
        collect_numbers(f["geometry"]["coordinates"], nums);
        if (nums.empty()) continue;
        const std::size_t k = 1 + rng.below(std::min<std::size_t>(nums.size(), 4));
        for (std::size_t i = 0; i < k; ++i) *nums[rng.below(nums.size())] = odd_number(rng);
        how += at + std::to_string(k) + " odd coordinates";
        break;
      }
      case 2: {
        if (!f.contains("geometry") || !f["geometry"].is_object()) continue;
        auto& c = f["geometry"]["coordinates"];
        static const std::vector<std::string> shapes = {"[]", "[[]]", "[[1]]", "[[120.4, 36.1]]", "[120.4, 36.1]",
                                                        "[[120.4, 36.1], [120.4, 36.1]]",
                                                        "[[120.4, 36.1, 5, 6], [120.41, 36.1, 7]]", "[[[[[]]]]]",
                                                        "null", "\"x\"", "[[0, 0], [0, 0], [0, 0]]"};
        const std::string s = rng.pick(shapes);
        if (rng.chance(30) && c.is_array() && !c.empty()) {
          c.push_back(nlohmann::ordered_json::parse(s));
          how += at + "coordinates += " + s;
        } else {
          c = nlohmann::ordered_json::parse(s);
          how += at + "coordinates = " + s;
        }
        break;
      }
      case 3: {
        static const std::vector<std::string> types = {"Point", "MultiPoint", "LineString", "MultiLineString",
                                                       "Polygon", "MultiPolygon", "GeometryCollection", "Feature",
                                                       "", "linestring", "Curve"};
        if (!f.contains("geometry") || !f["geometry"].is_object()) continue;
        const std::string t = rng.pick(types);
        f["geometry"]["type"] = t;
        how += at + "geometry type " + t;
        break;
      }
      case 4: {
        const std::size_t k = rng.below(5);
        if (k == 0) f["geometry"] = nullptr;
        else if (k == 1) f.erase("geometry");
        else if (k == 2) f["geometry"] = nlohmann::ordered_json::object();
        else if (k == 3) f["geometry"] = {{"type", "GeometryCollection"}, {"geometries", {f["geometry"], f["geometry"]}}};
        else f["geometry"] = "LINESTRING (0 0, 1 1)";
        how += at + "geometry variant " + std::to_string(k);
        break;
      }
      case 5: {
        auto& p = f["properties"];
        if (!p.is_object() || p.empty() || rng.chance(15)) {
          p = rng.chance(50) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json::object();
          how += at + "properties emptied";
          break;
        }
        auto it = p.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(rng.below(p.size())));
        const std::string key = it.key();
        it.value() = odd_value(rng);
        how += at + "property " + key + " odd";
        break;
      }
      case 6: {
        // One property the same on every feature (duplicate ids, one status), or removed.
        auto& p = f["properties"];
        if (!p.is_object() || p.empty()) continue;
        auto it = p.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(rng.below(p.size())));
        const std::string key = it.key();
        const bool drop = rng.chance(40);
        const nlohmann::ordered_json v = it.value();
        for (auto& g : features)
          if (g.is_object() && g.contains("properties") && g["properties"].is_object()) {
            if (drop) g["properties"].erase(key);
            else g["properties"][key] = v;
          }
        how += std::string(drop ? "drop " : "same ") + key + " on every feature";
        break;
      }
      case 7: {
        const std::size_t k = rng.below(6);
        if (k == 0) {
          features.erase(features.begin() + static_cast<std::ptrdiff_t>(fi));
          how += at + "removed";
        } else if (k == 1) {
          const std::size_t copies = 1 + rng.below(40);
          const nlohmann::ordered_json copy = f;
          for (std::size_t i = 0; i < copies; ++i) features.push_back(copy);
          how += at + std::to_string(copies) + " copies";
        } else if (k == 2) {
          features.push_back(rng.pick(std::vector<nlohmann::ordered_json>{nullptr, 1, "x", nlohmann::ordered_json::array(),
                                                                          nlohmann::ordered_json::object()}));
          how += "odd feature appended";
        } else if (k == 3) {
          features = nlohmann::ordered_json::array();
          how += "no features";
        } else if (k == 4) {
          f["id"] = odd_value(rng);
          how += at + "odd id";
        } else {
          std::reverse(features.begin(), features.end());
          how += "features reversed";
        }
        break;
      }
      case 8: {
        static const std::vector<std::string> crs = {"EPSG:3857", "urn:ogc:def:crs:EPSG::4326", "EPSG:32651",
                                                     "EPSG:99999", "garbage", "", "urn:ogc:def:crs:OGC:1.3:CRS84"};
        const std::string c = rng.pick(crs);
        j["crs"] = {{"type", "name"}, {"properties", {{"name", c}}}};
        how += "crs " + c;
        break;
      }
      default: {
        const std::size_t k = rng.below(4);
        if (k == 0) j["type"] = "Feature";
        else if (k == 1) j["type"] = "GeometryCollection";
        else if (k == 2) j.erase("type");
        else j["bbox"] = {odd_number(rng), 1, "x"};
        how += "top level variant " + std::to_string(k);
        break;
      }
    }
  }
  text = with_special_numbers(j.dump(rng.chance(50) ? -1 : 1));
  if (rng.chance(10)) how += "; " + mutate_bytes(text, rng, others);
  return how;
}

}  // namespace lightcone::fuzz
