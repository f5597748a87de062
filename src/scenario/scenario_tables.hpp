// Internal to src/scenario (no other module includes it): the reader of one TOML table
// of a scenario, which checks keys and types and words the messages, shared by
// scenario.cpp (the file, the layer tables and the order tables are read in) and
// scenario_tables.cpp (the [model], [zones], [surface], [placement] and [[target]]
// tables). Messages start with "<file>:<line>: ".
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

#include "core/error.hpp"
#include "scenario/scenario.hpp"

namespace lightcone::scenario_detail {

// "a table", "a string", … for messages.
std::string type_name(toml::node_type t);

inline int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

// "a, b, c".
std::string join(const std::vector<std::string>& v);

// Letters, digits, '-' and '_' only (names of targets and boundaries).
bool simple_name(std::string_view s);

// The scenario being parsed: file name for messages and the directory paths are relative to.
struct Context {
  std::string file;
  std::filesystem::path dir;

  std::string where(int line) const { return line > 0 ? file + ":" + std::to_string(line) + ": " : file + ": "; }
  [[noreturn]] void fail(int line, const std::string& message) const { throw InputError(where(line) + message); }
};

// One TOML table of the scenario with its known keys. Every accessor checks the type;
// unknown keys are rejected when the reader is made.
class TableReader {
 public:
  TableReader(const Context& ctx, const toml::table& t, std::string name, std::vector<std::string> known)
      : m_ctx(ctx), m_table(t), m_name(std::move(name)), m_known(std::move(known)) {
    for (auto&& [k, v] : t) {
      if (std::find(m_known.begin(), m_known.end(), k.str()) != m_known.end()) continue;
      const int line = k.source().begin.line ? static_cast<int>(k.source().begin.line) : line_of(v);
      m_ctx.fail(line, "unknown key '" + std::string(k.str()) + "' " + in() + ". Known keys: " + join(m_known) + ".");
    }
  }

  const std::string& name() const { return m_name; }
  int line() const { return line_of(m_table); }
  bool has(std::string_view key) const { return m_table.contains(key); }
  const toml::node* node(std::string_view key) const { return m_table.get(key); }
  int line(std::string_view key) const {
    const toml::node* n = node(key);
    return n ? line_of(*n) : line();
  }
  // "in [table]" / "at the top level", and "'key' in [table]", for messages.
  std::string in() const { return m_name.rfind('[', 0) == 0 ? "in " + m_name : m_name; }
  std::string what(std::string_view key) const { return "'" + std::string(key) + "' " + in(); }

  [[noreturn]] void wrong_type(std::string_view key, const std::string& expected, const toml::node& n) const {
    m_ctx.fail(line_of(n), what(key) + " must be " + expected + ", not " + type_name(n.type()) + ".");
  }
  [[noreturn]] void fail(std::string_view key, const std::string& message) const { m_ctx.fail(line(key), message); }
  [[noreturn]] void missing(std::string_view key, const std::string& hint) const {
    m_ctx.fail(line(), "missing key '" + std::string(key) + "' " + in() + ". " + hint);
  }

  std::optional<std::string> string(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) wrong_type(key, "a string", *n);
    return n->as_string()->get();
  }
  std::string string_or(std::string_view key, std::string fallback) const {
    auto v = string(key);
    return v ? *v : fallback;
  }
  std::string required_string(std::string_view key, const std::string& hint) const {
    auto v = string(key);
    if (!v) missing(key, hint);
    return *v;
  }
  std::optional<bool> boolean(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) wrong_type(key, "true or false", *n);
    return n->as_boolean()->get();
  }
  std::optional<double> number(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (n->is_integer()) return static_cast<double>(n->as_integer()->get());
    if (!n->is_floating_point()) wrong_type(key, "a number", *n);
    const double v = n->as_floating_point()->get();
    if (!std::isfinite(v)) fail(key, what(key) + " must be a finite number.");
    return v;
  }
  std::optional<std::int64_t> integer(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) wrong_type(key, "an integer", *n);
    return n->as_integer()->get();
  }
  // Durations and lengths are strings with a unit ("1ms", "10km"): a bare number is
  // ambiguous, as on the command line.
  std::optional<Microseconds> duration(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) {
      wrong_type(key, "a duration with its unit in quotes, e.g. \"500us\" or \"1ms\"", *n);
    }
    try {
      return parse_duration(n->as_string()->get(), what(key));
    } catch (const InputError& e) {
      m_ctx.fail(line_of(*n), e.what());
    }
  }
  std::optional<Metres> length(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) wrong_type(key, "a length with its unit in quotes, e.g. \"10km\" or \"250m\"", *n);
    try {
      return parse_length(n->as_string()->get(), what(key));
    } catch (const InputError& e) {
      m_ctx.fail(line_of(*n), e.what());
    }
  }
  const toml::table* table(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return nullptr;
    if (!n->is_table()) wrong_type(key, "a table", *n);
    return n->as_table();
  }

 private:
  const Context& m_ctx;
  const toml::table& m_table;
  std::string m_name;
  std::vector<std::string> m_known;
};

// [model]: the latency model, and the access mode the zones use.
void read_model(const Context& ctx, const TableReader& t, Scenario& s);
// [zones]: budgets, rings and circle segments.
void read_zones(const Context& ctx, const TableReader& t, Scenario& s);
// `extent = [WEST, SOUTH, EAST, NORTH]` (degrees, WEST < EAST, SOUTH < NORTH) as a box;
// with may_cross_180 ([surface], [maps]) WEST > EAST crosses ±180 (max.lon = EAST + 360);
// fails naming the key's line otherwise. ([surface] and [maps].)
LonLatBox read_extent(const Context& ctx, const TableReader& t, const toml::node& n, bool may_cross_180 = false);
// [surface]: the latency surface's options; epsg must name a projected CRS in metres
// whose area of use covers the extent (io/crs.hpp).
void read_surface(const Context& ctx, const TableReader& t, SurfaceSpec& s);
// "[W, S, E, N] lies outside the area of use of EPSG:n (NAME: AREA)" when `extent` lies
// outside the area of use of s.crs (kSurfaceAreaMarginDeg to spare), else empty.
std::string outside_area_of_use(const SurfaceSpec& s, const LonLatBox& extent);
// The advice that ends every message about the surface CRS, with a UTM zone that holds
// `extent` as the example when there is one.
std::string surface_crs_fix(const std::optional<LonLatBox>& extent);
// [placement]: the problem and its options; needs s.demand read first.
void read_placement(const Context& ctx, const TableReader& t, Scenario& s);
// The [[target]] array; needs the layers, budgets and placement read first.
void read_targets(const Context& ctx, const toml::node& targets, Scenario& s);

}  // namespace lightcone::scenario_detail
