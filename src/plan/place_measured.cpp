// `lightcone place --coverage FILE`: placement on a measured latency table instead of a
// network (plan/place_run.hpp MeasuredInput), and the export of a run's coverage pairs
// (`--write-coverage`) that such a table can be made from.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/error.hpp"
#include "io/read_attributes.hpp"
#include "io/write.hpp"
#include "plan/place_run.hpp"

namespace lightcone {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string row_at(const AttributeTable& t, std::size_t row) {
  return "(" + t.path + ":" + t.layer + ":fid=" + std::to_string(t.fid[row]) + ")";
}

InputErrorFields about_row(const AttributeTable& t, std::size_t row, const std::string& key, const std::string& option) {
  InputErrorFields f = about_layer(t.path, t.layer, key);
  f.fid = t.fid[row];
  f.option = option;
  return f;
}

// Numbers of a placement column must be >= 0 (NaN = NULL passes).
void check_not_negative(const AttributeTable& t, const std::vector<double>& v, const std::string& field,
                        const std::string& option) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] < 0) {
      throw InputError(about_row(t, i, field, option),
                       {fmt::format("negative value {} in field '{}' {}. It must be a number >= 0.", v[i], field,
                                    row_at(t, i))});
    }
}

PointLayer empty_points(const AttributeTable& t, std::size_t n) {
  PointLayer p;
  p.info.path = t.path;
  p.info.layer = t.layer;
  p.info.driver = "table";
  p.info.features_read = n;
  p.pos.assign(n, LonLat{std::nan(""), std::nan("")});
  return p;
}

// Without an attribute table: the ids of the latency table (first appearance order), no
// geometry, fids 1..n.
PointLayer points_named_in(const AttributeTable& table, std::vector<std::string> ids, const char* id_field) {
  AttributeTable source;
  source.path = table.path;
  source.layer = table.layer;
  PointLayer p = empty_points(source, 0);
  p.id = std::move(ids);
  p.pos.assign(p.id.size(), LonLat{std::nan(""), std::nan("")});
  p.fid.resize(p.id.size());
  for (std::size_t i = 0; i < p.fid.size(); ++i) p.fid[i] = static_cast<std::int64_t>(i + 1);
  p.id_field = id_field;
  return p;
}

// The ids of `rows` (a column of the coverage table) in order of first appearance.
std::vector<std::string> first_appearance(const std::vector<std::string>& rows) {
  std::vector<std::string> ids;
  std::unordered_map<std::string_view, std::uint32_t> index;
  for (const std::string& id : rows)
    if (index.emplace(id, 0).second) ids.push_back(id);
  return ids;
}

// Per demand: the first tier whose filter on the demand table matches it, else the
// main budget (one-way µs).
std::vector<double> measured_tier_budgets(const PlaceRequest& q, const PointLayer& demand,
                                          const std::string& demand_id_field) {
  const double main = q.job.budget ? q.job.budget->one_way.value : kInf;
  std::vector<double> budget(demand.pos.size(), main);
  if (q.tiers.empty()) return budget;
  if (q.demand.path.empty()) {
    throw InputError("--tier filters the demand table: give it with --demand PATH[:LAYER] (with " +
                     (q.measured ? q.measured->option : std::string("--coverage")) + ").");
  }
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t d = 0; d < demand.id.size(); ++d) index.emplace(demand.id[d], d);
  std::vector<char> tiered(demand.pos.size(), 0);
  for (const PlaceTier& tier : q.tiers) {
    AttributeRequest r;
    r.option = "--tier";
    r.where = tier.where;
    r.id_field = demand_id_field;
    r.id_default = "demand_id";
    const AttributeTable matching = read_attribute_table(q.demand, r);
    for (const std::string& id : matching.id) {
      const auto it = index.find(id);
      if (it == index.end() || tiered[it->second]) continue;
      budget[it->second] = make_budget(q.model, tier.budget).one_way.value;
      tiered[it->second] = 1;
    }
  }
  return budget;
}

}  // namespace

PlaceRun run_place_measured(const PlaceRequest& q) {
  const auto t0 = std::chrono::steady_clock::now();
  const MeasuredInput& m = *q.measured;
  PlaceRun r;
  r.measured = true;
  if (q.job.survive || !q.srlg_field.empty()) {
    throw InputError("survivable coverage (--survive, --srlg-field) needs a network: it asks whether coverage "
                     "survives fibre cuts, and a measured latency table (" +
                     m.option + ") has no fibres. Drop the option, or run on --network instead of " + m.option + ".");
  }
  // The table.
  AttributeRequest tq;
  tq.option = m.option;
  tq.where = m.where;
  tq.read_id = false;
  tq.texts = {{"demand_id", "", true}, {"site_id", "", true}};
  tq.numbers = {{"latency_us", "", true}};
  const AttributeTable table = read_attribute_table(m.table, tq);
  if (table.rows() == 0) {
    throw InputError(about_layer(table.path, table.layer, "path"),
                     {"the latency table " + table.path + ":" + table.layer +
                      " has no rows. Give one row per measured demand-site pair: demand_id, site_id, latency_us."});
  }
  const std::vector<std::string>& t_demand = table.texts[0];
  const std::vector<std::string>& t_site = table.texts[1];
  const std::vector<double>& t_latency = table.numbers[0];
  for (std::size_t i = 0; i < table.rows(); ++i) {
    if (t_latency[i] < 0) {
      throw InputError(about_row(table, i, "latency_us", m.option),
                       {fmt::format("negative latency {} us {}. Latencies are measured delays in microseconds, >= 0; "
                                    "fix or drop the row.",
                                    t_latency[i], row_at(table, i))});
    }
    if (t_latency[i] > 1e6) {
      throw InputError(about_row(table, i, "latency_us", m.option),
                       {fmt::format("latency {} us {} is more than 1 s. Give latency_us in microseconds "
                                    "(1 ms = 1000).",
                                    t_latency[i], row_at(table, i))});
    }
  }

  // Sites: the sites table, or the ids in the table.
  PointLayer sites;
  const bool sites_table = !q.sites.layer.path.empty();
  const PointFields& sf = q.sites.fields;
  if (sites_table) {
    AttributeRequest sq;
    sq.option = "--sites";
    sq.where = q.sites.read.where;
    sq.id_field = sf.id;
    sq.id_default = "site_id";
    sq.id_option = "--site-id";
    if (!sf.cost.empty()) sq.numbers.push_back({sf.cost, "--cost-field", false});
    if (!sf.capacity.empty()) sq.numbers.push_back({sf.capacity, "--capacity-field", false});
    if (!sf.status.empty()) sq.texts.push_back({sf.status, "--status-field", false});
    const AttributeTable st = read_attribute_table(q.sites.layer, sq);
    if (st.rows() == 0) {
      throw InputError(about_layer(st.path, st.layer, "where"),
                       {"no site in " + st.path + ":" + st.layer + (q.sites.read.where.empty() ? "" : " matches the filter") +
                        ". Give at least one candidate site."});
    }
    sites = empty_points(st, st.rows());
    sites.id = st.id;
    sites.fid = st.fid;
    sites.id_field = st.id_field;
    std::size_t k = 0;
    if (!sf.cost.empty()) {
      check_not_negative(st, st.numbers[k], sf.cost, "--sites");
      sites.cost = st.numbers[k++];
    }
    if (!sf.capacity.empty()) {
      check_not_negative(st, st.numbers[k], sf.capacity, "--sites");
      sites.capacity = st.numbers[k++];
    }
    if (!sf.status.empty()) sites.status = st.texts[0];
  } else {
    for (const auto& [field, option] : {std::pair{sf.cost, "--cost-field"}, std::pair{sf.capacity, "--capacity-field"},
                                        std::pair{sf.status, "--status-field"}}) {
      if (!field.empty()) {
        throw InputError(std::string(option) + " names a field of the sites table: give the table with --sites "
                         "PATH[:LAYER] (columns site_id, " + field + ").");
      }
    }
    sites = points_named_in(table, first_appearance(t_site), "site_id");
  }

  // Demand: the demand table, or the ids in the table.
  PointLayer demand;
  const bool demand_table = !q.demand.path.empty();
  const PointFields& df = q.demand_fields;
  if (demand_table) {
    AttributeRequest dq;
    dq.option = "--demand";
    dq.where = q.demand_read.where;
    dq.id_field = m.demand_id_field;
    dq.id_default = "demand_id";
    dq.id_option = "--demand-id";
    if (!df.weight.empty()) dq.numbers.push_back({df.weight, "--weight", true});
    if (!df.load.empty()) dq.numbers.push_back({df.load, "--load-field", false});
    const AttributeTable dt = read_attribute_table(q.demand, dq);
    if (dt.rows() == 0) {
      throw InputError(about_layer(dt.path, dt.layer, "where"),
                       {"no demand in " + dt.path + ":" + dt.layer +
                        (q.demand_read.where.empty() ? "" : " matches the filter") + ". Give at least one demand row."});
    }
    demand = empty_points(dt, dt.rows());
    demand.id = dt.id;
    demand.fid = dt.fid;
    demand.id_field = dt.id_field;
    demand.weight.assign(dt.rows(), 1.0);
    std::size_t k = 0;
    if (!df.weight.empty()) {
      check_not_negative(dt, dt.numbers[k], df.weight, "--demand");
      demand.weight = dt.numbers[k++];
    }
    if (!df.load.empty()) {
      check_not_negative(dt, dt.numbers[k], df.load, "--demand");
      demand.load = dt.numbers[k++];
    }
  } else {
    for (const auto& [field, option] : {std::pair{df.weight, "--weight"}, std::pair{df.load, "--load-field"}}) {
      if (!field.empty()) {
        throw InputError(std::string(option) + " names a field of the demand table: give the table with --demand "
                         "PATH[:LAYER] (columns demand_id, " + field + ").");
      }
    }
    demand = points_named_in(table, first_appearance(t_demand), "demand_id");
    demand.weight.assign(demand.id.size(), 1.0);
  }

  // Pairs by index; unknown ids and repeated pairs are errors.
  std::unordered_map<std::string_view, std::uint32_t> site_index, demand_index;
  for (std::size_t j = 0; j < sites.id.size(); ++j) site_index.emplace(sites.id[j], static_cast<std::uint32_t>(j));
  for (std::size_t d = 0; d < demand.id.size(); ++d) demand_index.emplace(demand.id[d], static_cast<std::uint32_t>(d));
  const double to_one_way = m.metric == Metric::rtt ? 0.5 : 1.0;
  std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> triples;
  std::vector<std::size_t> row_of;
  triples.reserve(table.rows());
  for (std::size_t i = 0; i < table.rows(); ++i) {
    const auto d = demand_index.find(t_demand[i]);
    if (d == demand_index.end()) {
      throw InputError(about_row(table, i, "demand_id", m.option),
                       {"unknown demand_id '" + t_demand[i] + "' " + row_at(table, i) + ": the demand table " +
                        q.demand.path + " has no such " + demand.id_field + ". Add it there or drop the row."});
    }
    const auto s = site_index.find(t_site[i]);
    if (s == site_index.end()) {
      throw InputError(about_row(table, i, "site_id", m.option),
                       {"unknown site_id '" + t_site[i] + "' " + row_at(table, i) + ": the sites table " +
                        q.sites.layer.path + " has no such " + sites.id_field + ". Add it there or drop the row."});
    }
    triples.emplace_back(d->second, s->second, t_latency[i] * to_one_way);
  }
  {
    std::vector<std::size_t> order(triples.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const auto ka = std::pair(std::get<0>(triples[a]), std::get<1>(triples[a]));
      const auto kb = std::pair(std::get<0>(triples[b]), std::get<1>(triples[b]));
      return ka != kb ? ka < kb : a < b;
    });
    for (std::size_t k = 1; k < order.size(); ++k) {
      const auto& a = triples[order[k - 1]];
      const auto& b = triples[order[k]];
      if (std::get<0>(a) == std::get<0>(b) && std::get<1>(a) == std::get<1>(b)) {
        const std::size_t i = order[k];
        throw InputError(about_row(table, i, "demand_id", m.option),
                         {"demand '" + t_demand[i] + "' and site '" + t_site[i] + "' are given twice (fid " +
                          std::to_string(table.fid[order[k - 1]]) + " and " + std::to_string(table.fid[i]) + ", " +
                          table.path + ":" + table.layer + "). Give each pair once (e.g. the median of the probes)."});
      }
    }
  }
  const Coverage full = coverage_from_triples(demand.id.size(), sites.id.size(), std::move(triples), kInf);

  // The model: measured, in the run's metric.
  r.network.model = q.model;
  r.network.model.measured_table = m.table.path;
  r.network.model.measured_metric = m.metric;
  r.network.site_node.assign(sites.id.size(), kNone);
  r.network.sites = std::move(sites);
  r.demand = std::move(demand);
  r.read_and_build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const PointLayer& S = *r.network.sites;
  PlaceJobOptions& o = r.options;
  o = q.job;
  o.status.assign(S.id.size(), SiteStatus::candidate);
  if (!sf.status.empty())
    for (std::size_t i = 0; i < S.id.size(); ++i) o.status[i] = parse_site_status(S.status[i], S, i, sf.status);
  if (!q.tiers.empty()) o.demand_budget_us = measured_tier_budgets(q, r.demand, m.demand_id_field);
  r.result = run_place_job_measured(full, S, r.demand, o);
  r.summary = place_json(r.result, o, r.network.model, S, r.demand, 0);
  r.summary["measured"] = {{"table", m.table.path},
                           {"layer", table.layer},
                           {"table_metric", to_string(m.metric)},
                           {"pairs", table.rows()},
                           {"demand", r.demand.id.size()},
                           {"sites", S.id.size()}};
  r.summary.erase("sites_off_network");
  // Demand is named by its id here, not by a FID.
  nlohmann::ordered_json ids = nlohmann::ordered_json::array();
  for (std::uint32_t d : r.result.result.uncoverable) ids.push_back(r.demand.id[d]);
  r.summary.erase("uncoverable_demand_fids");
  r.summary["uncoverable_demand_ids"] = ids;
  return r;
}

void write_coverage_pairs(const std::string& path, const PlaceRun& run) {
  const PlaceJobResult& r = run.result;
  const PointLayer& sites = *run.network.sites;
  const double k = run.network.model.metric_factor();
  std::string out = "demand_id,site_id,latency_us\n";
  const auto quote = [](const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  const Coverage& c = r.coverage;
  for (std::size_t d = 0; d < c.demands; ++d) {
    const std::string demand_id = quote(run.measured ? run.demand.id[d] : std::to_string(run.demand.fid[d]));
    for (std::uint32_t e = c.first[d]; e < c.first[d + 1]; ++e)
      out += demand_id + "," + quote(sites.id[c.site[e]]) + "," + fmt::format("{}", c.latency_us[e] * k) + "\n";
  }
  write_text_file(path, out);
}

}  // namespace lightcone
