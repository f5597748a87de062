#include "report/diff.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "core/error.hpp"
#include "scenario/targets.hpp"
#include "geom/polygon_ops.hpp"

namespace lightcone {
namespace {

using Json = nlohmann::ordered_json;

const Column& column(const RunForDiff& r, const FeatureTable& t, std::string_view name, Column::Type type) {
  for (const Column& c : t.columns)
    if (c.name == name && c.type() == type) return c;
  throw InputError("layer '" + t.name + "' of " + r.label + " has no field '" + std::string(name) +
                   "'. Give runs written by lightcone plan or zones.");
}

// budget_us → name, from a zones table.
std::map<double, std::string> budgets_of(const RunForDiff& r) {
  const Column& us = column(r, *r.zones, "budget_us", Column::Type::real);
  std::map<double, std::string> out;
  for (double b : us.reals()) out[b] = format_duration(Microseconds{b});
  return out;
}

double share(double part, double whole) { return whole > 0 ? part / whole : 0.0; }

// A run's demand table, matched by source_fid.
struct DemandCols {
  const Column* fid = nullptr;
  const Column* weight = nullptr;
  const Column* latency = nullptr;
  const Column* name = nullptr;  // the input's names (kNameField), when the run has them
  std::map<std::int64_t, std::size_t> index;
  std::optional<std::string> name_at(std::size_t i) const {
    if (!name || name->type() != Column::Type::text || name->is_null(i)) return std::nullopt;
    return name->texts()[i];
  }
};

DemandCols demand_cols(const RunForDiff& r) {
  DemandCols d;
  if (!r.demand) return d;
  d.fid = &column(r, *r.demand, "source_fid", Column::Type::integer);
  d.weight = &column(r, *r.demand, "weight", Column::Type::real);
  d.latency = &column(r, *r.demand, "latency_us", Column::Type::real);
  for (const Column& c : r.demand->columns)
    if (c.name == kNameField) d.name = &c;
  for (std::size_t i = 0; i < d.fid->integers().size(); ++i) d.index[d.fid->integers()[i]] = i;
  return d;
}

// The demand whose coverage changed at budget `us` (named `name`): counts and weights
// into `bj`, one entry per changed point into `changes`; `lost` when any point lost it.
void diff_demand_at(const DemandCols& da, const DemandCols& db, double us, const std::string& name, Json& bj,
                    Json& changes, bool& lost) {
  std::size_t n_gained = 0, n_lost = 0;
  double w_gained = 0, w_lost = 0, w_total_a = 0, w_total_b = 0, w_cov_a = 0, w_cov_b = 0;
  auto covered = [&](const DemandCols& d, std::size_t i) {
    return !std::isnan(d.latency->reals()[i]) && d.latency->reals()[i] <= us;
  };
  for (std::size_t i = 0; i < da.fid->integers().size(); ++i) {
    w_total_a += da.weight->reals()[i];
    if (covered(da, i)) w_cov_a += da.weight->reals()[i];
  }
  for (std::size_t i = 0; i < db.fid->integers().size(); ++i) {
    w_total_b += db.weight->reals()[i];
    if (covered(db, i)) w_cov_b += db.weight->reals()[i];
  }
  for (const auto& [fid, i] : da.index) {
    const auto it = db.index.find(fid);
    if (it == db.index.end()) continue;
    const bool ca = covered(da, i);
    const bool cb = covered(db, it->second);
    if (ca == cb) continue;
    const double w = db.weight->reals()[it->second];
    if (ca) {
      ++n_lost;
      w_lost += da.weight->reals()[i];
    } else {
      ++n_gained;
      w_gained += w;
    }
    const double la = da.latency->reals()[i];
    const double lb = db.latency->reals()[it->second];
    Json change = {{"budget", name}, {"source_fid", fid}};
    // The input's name (B's, else A's) next to source_fid, when either run carries names.
    if (da.name || db.name) {
      std::optional<std::string> n = db.name_at(it->second);
      if (!n) n = da.name_at(i);
      change["name"] = n ? Json(*n) : Json(nullptr);
    }
    change["change"] = ca ? "lost" : "gained";
    change["weight"] = ca ? da.weight->reals()[i] : w;
    change["latency_a_us"] = std::isnan(la) ? Json(nullptr) : Json(la);
    change["latency_b_us"] = std::isnan(lb) ? Json(nullptr) : Json(lb);
    changes.push_back(std::move(change));
  }
  bj["demand_gained"] = n_gained;
  bj["demand_lost"] = n_lost;
  bj["weight_gained"] = w_gained;
  bj["weight_lost"] = w_lost;
  bj["weight_share_a"] = share(w_cov_a, w_total_a);
  bj["weight_share_b"] = share(w_cov_b, w_total_b);
  if (n_lost > 0) lost = true;
}

// Zone areas at a budget present in both runs into `bj`; `lost` when the zone lost area.
void diff_zones_at(const RunForDiff& a, const RunForDiff& b, double us, Json& bj, bool& lost) {
  const MultiPolygon za = zone_at_budget(*a.zones, us);
  const MultiPolygon zb = zone_at_budget(*b.zones, us);
  const double area_a = area_m2(za) / 1e6;
  const double area_b = area_m2(zb) / 1e6;
  const double gained = area_m2(difference(zb, za)) / 1e6;
  const double lost_km2 = area_m2(difference(za, zb)) / 1e6;
  bj["area_a_km2"] = area_a;
  bj["area_b_km2"] = area_b;
  bj["area_gained_km2"] = gained;
  bj["area_lost_km2"] = lost_km2;
  if (lost_km2 > kAreaLossKm2) lost = true;
}

// site_id values of the sites a run uses (none without a sites table): every site of
// the table, or with a placement's `open` column only the open ones, so that a site a
// plan opens (candidate → chosen, or candidate → existing) counts as added.
std::set<std::string> site_ids(const RunForDiff& r) {
  std::set<std::string> out;
  if (r.sites) {
    const Column& id = column(r, *r.sites, "site_id", Column::Type::text);
    const Column* open = nullptr;
    for (const Column& c : r.sites->columns)
      if (c.name == "open" && c.type() == Column::Type::integer) open = &c;
    for (std::size_t i = 0; i < id.texts().size(); ++i)
      if (!open || (!open->is_null(i) && open->integers()[i] != 0)) out.insert(id.texts()[i]);
  }
  return out;
}

// "sites_added" and "sites_removed" from A to B.
void diff_sites(const RunForDiff& a, const RunForDiff& b, Json& j) {
  const std::set<std::string> sa = site_ids(a);
  const std::set<std::string> sb = site_ids(b);
  Json added = Json::array(), removed = Json::array();
  for (const auto& s : sb)
    if (!sa.count(s)) added.push_back(s);
  for (const auto& s : sa)
    if (!sb.count(s)) removed.push_back(s);
  j["sites_added"] = added;
  j["sites_removed"] = removed;
}

}  // namespace

Json diff_runs(const RunForDiff& a, const RunForDiff& b) {
  if (a.metric != b.metric) {
    throw InputError("the runs use different metrics (" + std::string(to_string(a.metric)) + " in " + a.label + ", " +
                     std::string(to_string(b.metric)) + " in " + b.label + "): their budgets cannot be compared.");
  }
  Json j;
  j["a"] = a.label;
  j["b"] = b.label;
  j["metric"] = to_string(a.metric);
  const auto ba = budgets_of(a);
  const auto bb = budgets_of(b);

  const DemandCols da = demand_cols(a);
  const DemandCols db = demand_cols(b);
  const bool both_demand = a.demand && b.demand;
  std::size_t only_a = 0, only_b = 0;
  if (both_demand) {
    for (const auto& [fid, i] : da.index) only_a += db.index.count(fid) == 0;
    for (const auto& [fid, i] : db.index) only_b += da.index.count(fid) == 0;
  }

  bool lost = false;
  j["budgets"] = Json::array();
  Json changes = Json::array();
  std::set<double> all;
  for (const auto& [us, name] : ba) all.insert(us);
  for (const auto& [us, name] : bb) all.insert(us);
  for (double us : all) {
    const std::string name = format_duration(Microseconds{us});
    Json bj;
    bj["budget"] = name;
    bj["budget_us"] = us;
    const bool in_a = ba.count(us) > 0;
    const bool in_b = bb.count(us) > 0;
    if (!in_a || !in_b) {
      bj["in"] = in_a ? "a only" : "b only";
      j["budgets"].push_back(bj);
      continue;
    }
    bj["in"] = "both";
    diff_zones_at(a, b, us, bj, lost);
    if (both_demand) diff_demand_at(da, db, us, name, bj, changes, lost);
    j["budgets"].push_back(bj);
  }
  if (both_demand) {
    j["demand_only_in_a"] = only_a;
    j["demand_only_in_b"] = only_b;
  } else {
    j["demand"] = "not compared: " + std::string(a.demand ? b.label : a.label) + " has no demand layer";
  }
  j["demand_changes"] = changes;

  diff_sites(a, b, j);
  j["coverage_lost"] = lost;
  return j;
}

std::string diff_text(const Json& d) {
  std::string out = fmt::format("diff {} -> {} ({})\n", d["a"].get<std::string>(), d["b"].get<std::string>(),
                                d["metric"].get<std::string>());
  for (const Json& b : d["budgets"]) {
    if (b["in"] != "both") {
      out += fmt::format("  {:>8}  only in {}\n", b["budget"].get<std::string>(), b["in"] == "a only" ? "A" : "B");
      continue;
    }
    out += fmt::format("  {:>8}  zone {:.1f} -> {:.1f} km2 (+{:.1f} gained, -{:.1f} lost)", b["budget"].get<std::string>(),
                       b["area_a_km2"].get<double>(), b["area_b_km2"].get<double>(), b["area_gained_km2"].get<double>(),
                       b["area_lost_km2"].get<double>());
    if (b.contains("demand_lost")) {
      out += fmt::format("; demand +{} / -{} points, weight +{:.0f} / -{:.0f}, share {:.2f} % -> {:.2f} %",
                         b["demand_gained"].get<std::size_t>(), b["demand_lost"].get<std::size_t>(),
                         b["weight_gained"].get<double>(), b["weight_lost"].get<double>(),
                         100.0 * b["weight_share_a"].get<double>(), 100.0 * b["weight_share_b"].get<double>());
    }
    out += "\n";
  }
  if (d.contains("demand")) out += "  demand " + d["demand"].get<std::string>() + "\n";
  if (d.contains("demand_only_in_a") && (d["demand_only_in_a"] != 0 || d["demand_only_in_b"] != 0)) {
    out += fmt::format("  demand points only in A: {}, only in B: {}\n", d["demand_only_in_a"].get<std::size_t>(),
                       d["demand_only_in_b"].get<std::size_t>());
  }
  // Up to 10 changed demand points per budget and direction.
  std::map<std::string, std::size_t> shown;
  for (const Json& c : d["demand_changes"]) {
    const std::string key = c["budget"].get<std::string>() + c["change"].get<std::string>();
    if (shown[key]++ >= 10) continue;
    auto lat = [](const Json& v) { return v.is_null() ? std::string("unreachable") : fmt::format("{:.1f} us", v.get<double>()); };
    const std::string named =
        c.contains("name") && c["name"].is_string() ? " (" + c["name"].get<std::string>() + ")" : std::string();
    out += fmt::format("    {} {} source_fid={}{} weight {:.0f}: {} -> {}\n", c["budget"].get<std::string>(),
                       c["change"].get<std::string>(), c["source_fid"].get<std::int64_t>(), named,
                       c["weight"].get<double>(), lat(c["latency_a_us"]), lat(c["latency_b_us"]));
  }
  for (const auto& [key, n] : shown)
    if (n > 10) out += fmt::format("    ... {} more ({}), see --json\n", n - 10, key);
  auto list = [](const Json& a) {
    std::string s;
    for (const Json& x : a) s += (s.empty() ? "" : ", ") + x.get<std::string>();
    return s.empty() ? std::string("none") : s;
  };
  out += "  sites added: " + list(d["sites_added"]) + "; removed: " + list(d["sites_removed"]) + "\n";
  out += d["coverage_lost"].get<bool>() ? "coverage lost\n" : "no coverage lost\n";
  return out;
}

}  // namespace lightcone
