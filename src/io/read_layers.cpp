#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "core/error.hpp"
#include "io/gdal_util.hpp"
#include "io/source.hpp"

namespace lightcone {
namespace {

bool is_line_type(OGRwkbGeometryType t) {
  switch (wkbFlatten(t)) {
    case wkbLineString: case wkbMultiLineString: case wkbCircularString: case wkbCompoundCurve:
    case wkbMultiCurve: return true;
    default: return false;
  }
}
bool is_point_like_type(OGRwkbGeometryType t) {
  switch (wkbFlatten(t)) {
    case wkbPoint: case wkbMultiPoint: case wkbPolygon: case wkbMultiPolygon: case wkbCurvePolygon:
    case wkbMultiSurface: return true;
    default: return false;
  }
}

std::string where(const OpenLayer& L, std::int64_t fid) {
  return "(" + L.path + ":" + L.layer_name + ":fid=" + std::to_string(fid) + ")";
}

// Shortest text that reads back as the same double ("-1", "1.4682").
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  for (int precision = 1; precision < 17; ++precision) {
    char shorter[32];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
    if (std::strtod(shorter, nullptr) == v) return shorter;
  }
  return buf;
}

// "LineString", "MultiPolygon": the OGC name of the 2-D type, as users see it in QGIS.
std::string type_name(OGRwkbGeometryType t) {
  std::string out;
  for (const char* c = OGRGeometryTypeToName(wkbFlatten(t)); *c; ++c)
    if (*c != ' ') out += *c;
  return out;
}

std::string features_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " feature" : " features"); }

// The layer read nothing: empty, or the filter matched nothing.
[[noreturn]] void throw_nothing_read(const OpenLayer& L, const ReadOptions& options, const std::string& what) {
  if (options.where.empty()) {
    throw InputError(L.error("layer"), {"layer is empty (" + L.path + ":" + L.layer_name + "). Give ",
                                        Setting::source, " a layer with " + what + "."});
  }
  InputErrorFields fields = L.error("where");
  fields.kind = InputErrorKind::no_feature_matches;
  throw InputError(std::move(fields),
                   {"no feature matches ", Setting::where,
                    " \"" + options.where + "\" (" + L.path + ":" + L.layer_name +
                        "). Check the values it compares with (lightcone info lists the fields) or drop it."});
}

// A field named by a field mapping (LineFields, PointFields).
struct MappedField {
  int index = -1;    // in the layer; -1 = not mapped
  std::string name;  // the layer's field
  std::string key;   // the mapping's member ("weight"), the InputError key
  std::string option;  // the CLI option that sets it ("--weight"), for messages
  bool mapped() const { return index >= 0; }
};

MappedField map_field(const OpenLayer& L, const std::string& name, const char* key, const char* option) {
  MappedField m{-1, name, key, option};
  if (name.empty()) return m;
  m.index = L.layer->GetLayerDefn()->GetFieldIndex(name.c_str());
  if (m.index < 0) {
    throw InputError(L.error(key), {"field '" + name + "' not found (" + L.path + ":" + L.layer_name +
                                        "). Available fields: " + field_list(L.layer) + ". Fix ",
                                    {Setting::field, key, option}, "."});
  }
  return m;
}

// Reads a numeric field strictly: NaN when null; InputError when not a number.
double numeric_field(const OpenLayer& L, OGRFeature& f, const MappedField& m) {
  const int idx = m.index;
  if (idx < 0 || !f.IsFieldSetAndNotNull(idx)) return std::nan("");
  const OGRFieldType t = f.GetFieldDefnRef(idx)->GetType();
  if (t == OFTInteger || t == OFTInteger64 || t == OFTReal) return f.GetFieldAsDouble(idx);
  const char* s = f.GetFieldAsString(idx);
  // A blank cell (CSV) means no value, like NULL.
  if (std::string_view(s).find_first_not_of(" \t") == std::string_view::npos) return std::nan("");
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  while (end && *end == ' ') ++end;
  if (end == s || (end && *end != '\0') || !std::isfinite(v)) {
    throw InputError(L.error(m.key, f.GetFID()),
                     {"non-numeric value '" + std::string(s) + "' in field '" + f.GetFieldDefnRef(idx)->GetNameRef() +
                      "' " + where(L, f.GetFID()) + ". Fix the data or choose another field with ",
                      {Setting::field, m.key, m.option}, "."});
  }
  return v;
}

// The factor from `unit` (mapping key `key`, set with `option`) to metres or microseconds.
double unit_factor(const OpenLayer& L, const std::string& unit, const char* key, const char* option, bool length) {
  if (length) {
    if (unit == "m") return 1.0;
    if (unit == "km") return 1000.0;
    throw InputError(L.error(key), {"unknown length unit '" + unit + "' for ", {Setting::field, key, option},
                                    ". Use 'm' or 'km'."});
  }
  if (unit == "us") return 1.0;
  if (unit == "ms") return 1000.0;
  throw InputError(L.error(key), {"unknown time unit '" + unit + "' for ", {Setting::field, key, option},
                                  ". Use 'us' or 'ms'."});
}

// Checks transformed coordinates; returns a skip reason or empty.
std::string check_coords(const OGRSimpleCurve& c) {
  for (int i = 0; i < c.getNumPoints(); ++i) {
    const double x = c.getX(i);
    const double y = c.getY(i);
    if (!std::isfinite(x) || !std::isfinite(y)) return "NaN or infinite coordinate";
    if (x < -180.0 || x > 180.0 || y < -90.0 || y > 90.0) return "coordinate out of range";
  }
  return {};
}

// Checks every vertex of any geometry (a polygon's centroid would hide a NaN vertex).
class CoordinateCheck : public OGRDefaultConstGeometryVisitor {
 public:
  using OGRDefaultConstGeometryVisitor::visit;
  void visit(const OGRPoint* p) override {
    // No IsEmpty() test: OGR flags a point with a NaN coordinate as empty.
    if (!problem.empty()) return;
    const double x = p->getX();
    const double y = p->getY();
    if (!std::isfinite(x) || !std::isfinite(y)) problem = "NaN or infinite coordinate";
    else if (x < -180.0 || x > 180.0 || y < -90.0 || y > 90.0) problem = "coordinate out of range";
  }
  std::string problem;
};

// Haversine length, only used to share a length field among the parts of a line.
double approx_length(const OGRLineString& ls) {
  double total = 0.0;
  constexpr double kRad = 0.017453292519943295;
  for (int i = 1; i < ls.getNumPoints(); ++i) {
    const double dlat = (ls.getY(i) - ls.getY(i - 1)) * kRad;
    const double dlon = (ls.getX(i) - ls.getX(i - 1)) * kRad;
    const double a = std::pow(std::sin(dlat / 2), 2) +
                     std::cos(ls.getY(i) * kRad) * std::cos(ls.getY(i - 1) * kRad) * std::pow(std::sin(dlon / 2), 2);
    total += 2 * std::asin(std::min(1.0, std::sqrt(a)));
  }
  return total;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

// Ids from a field name the sites in every output (zones, assignments, nearest site), so
// a repeated id is an InputError: it names the repeated ids (the first five, with up to
// five fids each) and points at the first feature that repeats one. `fid_would_do`: the
// FID is what the reader falls back to without --site-id, so the hint can offer it.
void check_unique_ids(const OpenLayer& L, const PointLayer& points, bool fid_would_do) {
  std::unordered_map<std::string_view, std::size_t> group_of;  // id → index into `fids`
  std::vector<std::string_view> ids;                           // in order of first use
  std::vector<std::vector<std::int64_t>> fids;
  std::optional<std::int64_t> first_repeat;
  for (std::size_t i = 0; i < points.id.size(); ++i) {
    const auto [it, added] = group_of.emplace(points.id[i], ids.size());
    if (added) {
      ids.push_back(points.id[i]);
      fids.emplace_back();
    } else if (!first_repeat) {
      first_repeat = points.fid[i];
    }
    fids[it->second].push_back(points.fid[i]);
  }
  if (!first_repeat) return;
  constexpr std::size_t kShown = 5;
  std::string list;
  std::size_t repeated = 0;
  for (std::size_t g = 0; g < ids.size(); ++g) {
    if (fids[g].size() < 2 || ++repeated > kShown) continue;
    list += (list.empty() ? "'" : "; '") + std::string(ids[g]) + "' at fid=";
    for (std::size_t k = 0; k < fids[g].size() && k < kShown; ++k)
      list += (k ? ", " : "") + std::to_string(fids[g][k]);
    if (fids[g].size() > kShown) list += " and " + std::to_string(fids[g].size() - kShown) + " more";
  }
  if (repeated > kShown) list += "; and " + std::to_string(repeated - kShown) + " more ids";
  throw InputError(L.error("id", *first_repeat),
                   {"site ids in field '" + points.id_field + "' are not unique: " + list + " " +
                        where(L, *first_repeat) + ". Give ",
                    Setting::id_field,
                    fid_would_do ? " a field with unique values, or leave it out to use the FID."
                                 : " a field with unique values, or make the ids unique in the data."});
}

}  // namespace

LineLayer read_lines(const LayerSpec& spec, const ReadOptions& options, const LineFields& fields) {
  const std::string option = options.option.empty() ? "--network" : options.option;
  OpenLayer L = open_layer(spec, options, option);
  const OGRwkbGeometryType declared = L.layer->GetGeomType();
  if (is_point_like_type(declared)) {
    throw InputError(L.error("layer"),
                     {"layer has " + type_name(declared) + " geometry but fibre lines are expected (" + L.path + ":" +
                          L.layer_name + "). Give a LineString layer with ",
                      Setting::path_and_layer, "."});
  }
  MappedField f_len = map_field(L, fields.length, "length", "--length-field");
  MappedField f_n = map_field(L, fields.group_index, "group_index", "--group-index-field");
  MappedField f_slack = map_field(L, fields.slack, "slack", "--slack-field");
  MappedField f_delay = map_field(L, fields.delay, "delay", "--delay-field");
  MappedField f_group = map_field(L, fields.risk_group, "risk_group", "--srlg-field");
  MappedField f_tap = map_field(L, fields.tap, "tap", "--tap-field");
  const double len_factor =
      f_len.mapped() ? unit_factor(L, fields.length_unit, "length_unit", "--length-unit", true) : 1.0;
  const double delay_factor =
      f_delay.mapped() ? unit_factor(L, fields.delay_unit, "delay_unit", "--delay-unit", false) : 1.0;
  read_fields(L, options, {&f_len.index, &f_n.index, &f_slack.index, &f_delay.index, &f_group.index, &f_tap.index});

  LineLayer out;
  out.info = L.info;
  std::size_t non_line = 0;
  std::string first_non_line;  // geometry type name of the first non-line feature
  std::vector<LonLat> pts;
  std::optional<GdalErrorCollector> errors(std::in_place);
  for (auto& f : *L.layer) {
    ++out.info.features_read;
    const std::int64_t fid = f->GetFID();
    OGRGeometry* g = f->GetGeometryRef();
    if (g == nullptr) {
      out.info.skipped.push_back({fid, "null geometry"});
      continue;
    }
    if (g->IsEmpty()) {
      out.info.skipped.push_back({fid, "empty geometry"});
      continue;
    }
    if (!is_line_type(g->getGeometryType())) {
      if (non_line++ == 0) first_non_line = type_name(g->getGeometryType());
      out.info.skipped.push_back({fid, "not a line: " + type_name(g->getGeometryType())});
      continue;
    }
    const double len = numeric_field(L, *f, f_len);
    if (f_len.mapped() && !std::isnan(len) && len < 0) {
      throw InputError(L.error(f_len.key, fid), {"negative length " + number(len) + " in field '" + fields.length +
                                                 "' " + where(L, fid) +
                                                 ". Lengths must be >= 0; fix the data or drop --length-field."});
    }
    const double n = numeric_field(L, *f, f_n);
    if (!std::isnan(n) && (n < 1.0 || n > 10.0)) {
      throw InputError(L.error(f_n.key, fid),
                       {"group index " + number(n) + " out of range [1, 10] in field '" + fields.group_index + "' " +
                        where(L, fid) +
                        ". Fix the data or drop --group-index-field (single-mode fibre is about 1.468)."});
    }
    const double slack = numeric_field(L, *f, f_slack);
    if (!std::isnan(slack) && slack < 1.0) {
      throw InputError(L.error(f_slack.key, fid),
                       {"slack " + number(slack) + " below 1 in field '" + fields.slack + "' " + where(L, fid) +
                        ". Slack is route length / drawn length, at least 1: fix the data or drop --slack-field."});
    }
    const double delay = numeric_field(L, *f, f_delay);
    if (!std::isnan(delay) && delay < 0) {
      throw InputError(L.error(f_delay.key, fid), {"negative delay " + number(delay) + " in field '" + fields.delay +
                                                   "' " + where(L, fid) +
                                                   ". Delays must be >= 0; fix the data or drop --delay-field."});
    }
    Tap tap = Tap::by_rule;
    if (f_tap.mapped() && f->IsFieldSetAndNotNull(f_tap.index)) {
      std::string v = f->GetFieldAsString(f_tap.index);
      const std::size_t b = v.find_first_not_of(" \t"), e = v.find_last_not_of(" \t");
      std::string t = b == std::string::npos ? std::string() : v.substr(b, e - b + 1);
      for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (t == "yes") tap = Tap::anywhere;
      else if (t == "no") tap = Tap::none;
      else if (t == "ends") tap = Tap::ends;
      else if (!t.empty()) {
        throw InputError(L.error(f_tap.key, fid),
                         {"unknown tap value '" + v + "' in field '" + fields.tap + "' " + where(L, fid) +
                              ". Use yes (access anywhere along the line), no (no access, not even at its ends) or "
                              "ends (at its end nodes only), or leave it empty for the length rule. Fix the data or choose another field with ",
                          {Setting::field, f_tap.key, f_tap.option}, "."});
      }
    }
    if (std::string why = transform_to_wgs84(L, *g); !why.empty()) {
      out.info.skipped.push_back({fid, std::move(why)});
      continue;
    }
    std::unique_ptr<OGRGeometry> linear(g->getLinearGeometry());
    std::vector<const OGRLineString*> parts;
    if (wkbFlatten(linear->getGeometryType()) == wkbLineString) {
      parts.push_back(linear->toLineString());
    } else if (auto* coll = dynamic_cast<OGRGeometryCollection*>(linear.get())) {
      for (int i = 0; i < coll->getNumGeometries(); ++i)
        if (wkbFlatten(coll->getGeometryRef(i)->getGeometryType()) == wkbLineString)
          parts.push_back(coll->getGeometryRef(i)->toLineString());
    }
    std::string bad;
    for (const OGRLineString* ls : parts)
      if (bad.empty()) bad = check_coords(*ls);
    if (!bad.empty()) {
      out.info.skipped.push_back({fid, bad});
      continue;
    }
    // A line needs two vertices to carry fibre: without a part that has them, the
    // feature is skipped with its reason (issue 12, item 14), never dropped unsaid.
    if (std::none_of(parts.begin(), parts.end(), [](const OGRLineString* ls) { return ls->getNumPoints() >= 2; })) {
      out.info.skipped.push_back({fid, "fewer than two vertices"});
      continue;
    }
    // A length field on a multi-part line is shared by the parts in proportion to
    // their drawn length (build_network does the same for pieces of one line).
    double total = 0.0;
    for (const OGRLineString* ls : parts) total += approx_length(*ls);
    for (const OGRLineString* ls : parts) {
      if (ls->getNumPoints() < 2) continue;
      pts.clear();
      for (int i = 0; i < ls->getNumPoints(); ++i) pts.push_back({ls->getX(i), ls->getY(i)});
      double part_len = len * len_factor;
      if (!std::isnan(part_len) && parts.size() > 1) {
        part_len = total > 0 ? part_len * approx_length(*ls) / total : part_len / static_cast<double>(parts.size());
      }
      out.lines.add_line(pts, fid, part_len, n, slack, std::isnan(delay) ? delay : delay * delay_factor);
      out.lines.tap.back() = tap;
      if (f_group.mapped()) {
        out.risk_group.emplace_back(f->IsFieldSetAndNotNull(f_group.index) ? f->GetFieldAsString(f_group.index) : "");
      }
    }
  }
  check_read_errors(L, options, *errors, out.info.features_read);
  errors.reset();
  if (out.info.features_read == 0) throw_nothing_read(L, options, "fibre lines");
  if (out.lines.lines() == 0) {
    std::optional<std::int64_t> first_fid;
    if (!out.info.skipped.empty()) first_fid = out.info.skipped.front().fid;
    const std::string at = first_fid ? where(L, *first_fid) : "(" + L.path + ":" + L.layer_name + ")";
    if (non_line == out.info.features_read) {
      throw InputError(L.error("layer", first_fid),
                       {"layer has " + first_non_line + " features but fibre lines are expected " + at +
                            ". Give a LineString layer with ",
                        Setting::path_and_layer, "."});
    }
    throw InputError(L.error("", first_fid),
                     {"no usable line in " + features_text(out.info.features_read) + " " + at + ": " +
                          (first_fid ? out.info.skipped.front().reason : std::string("no vertices")) +
                          ". Fix the geometries or give another layer with ",
                      Setting::path_and_layer, "."});
  }
  return out;
}

PointLayer read_points(const LayerSpec& spec, const ReadOptions& options, const PointFields& fields) {
  const std::string option = options.option.empty() ? "--sites" : options.option;
  OpenLayer L = open_layer(spec, options, option);
  const OGRwkbGeometryType declared = L.layer->GetGeomType();
  if (is_line_type(declared)) {
    throw InputError(L.error("layer"), {"layer has " + type_name(declared) + " geometry but points are expected (" +
                                            L.path + ":" + L.layer_name + "). Give a Point or Polygon layer with ",
                                        Setting::path_and_layer, "."});
  }
  PointLayer out;
  out.info = L.info;
  int f_id = -1;
  const bool has_site_id = L.layer->GetLayerDefn()->GetFieldIndex("site_id") >= 0;
  if (fields.fid_ids) {
    out.id_field = "fid";
  } else if (!fields.id.empty()) {
    f_id = map_field(L, fields.id, "id", "--site-id").index;
    out.id_field = fields.id;
  } else if (has_site_id) {
    f_id = L.layer->GetLayerDefn()->GetFieldIndex("site_id");
    out.id_field = "site_id";
  } else {
    out.id_field = "fid";
  }
  MappedField f_w = map_field(L, fields.weight, "weight", "--weight");
  MappedField f_delay = map_field(L, fields.entry_delay, "entry_delay", "--site-delay-field");
  const double delay_factor =
      f_delay.mapped() ? unit_factor(L, fields.delay_unit, "delay_unit", "--site-delay-unit", false) : 1.0;
  MappedField f_exit = map_field(L, fields.exit_delay, "exit_delay", "--site-exit-delay-field");
  MappedField f_status = map_field(L, fields.status, "status", "--status-field");
  MappedField f_cost = map_field(L, fields.cost, "cost", "--cost-field");
  MappedField f_cap = map_field(L, fields.capacity, "capacity", "--capacity-field");
  MappedField f_load = map_field(L, fields.load, "load", "--load-field");
  MappedField f_label;
  if (fields.label.empty()) {
    for (const char* name : kDefaultLabelFields)
      if (L.layer->GetLayerDefn()->GetFieldIndex(name) >= 0) {
        f_label = map_field(L, name, "label", "--label-field");
        break;
      }
  } else if (fields.label != "none") {
    f_label = map_field(L, fields.label, "label", option == "--sites" ? "--site-label-field" : "--label-field");
  }
  if (f_label.mapped()) out.label_field = f_label.name;
  read_fields(L, options, {&f_id, &f_w.index, &f_delay.index, &f_exit.index, &f_status.index, &f_cost.index,
                           &f_cap.index, &f_load.index, &f_label.index});
  // A non-negative number or NULL (NaN) from a placement field.
  auto amount = [&](OGRFeature& f, const MappedField& m) {
    const double v = numeric_field(L, f, m);
    if (!std::isnan(v) && v < 0) {
      throw InputError(L.error(m.key, f.GetFID()), {"negative value in field '" + m.name + "' " +
                                                    where(L, f.GetFID()) + ". Fix the data or ",
                                                {Setting::field, m.key, m.option}, "."});
    }
    return v;
  };
  std::size_t lines_seen = 0;
  std::optional<GdalErrorCollector> errors(std::in_place);
  for (auto& f : *L.layer) {
    ++out.info.features_read;
    const std::int64_t fid = f->GetFID();
    OGRGeometry* g = f->GetGeometryRef();
    if (g == nullptr || g->IsEmpty()) {
      out.info.skipped.push_back({fid, g == nullptr ? "null geometry" : "empty geometry"});
      continue;
    }
    if (is_line_type(g->getGeometryType())) {
      ++lines_seen;
      out.info.skipped.push_back({fid, "a line where a point is expected"});
      continue;
    }
    // A site without an id cannot be named in any output: skipped, never called "".
    if (f_id >= 0 && !f->IsFieldSetAndNotNull(f_id)) {
      out.info.skipped.push_back({fid, "NULL site id in field '" + out.id_field + "'"});
      continue;
    }
    if (f_id >= 0 && blank(f->GetFieldAsString(f_id))) {
      out.info.skipped.push_back({fid, "empty site id in field '" + out.id_field + "'"});
      continue;
    }
    const double w = f_w.mapped() ? numeric_field(L, *f, f_w) : 1.0;
    if (f_w.mapped() && (std::isnan(w) || w < 0)) {
      throw InputError(L.error(f_w.key, fid),
                       {"weight must be a number >= 0, got '" + std::string(f->GetFieldAsString(f_w.index)) +
                        "' in field '" + fields.weight + "' " + where(L, fid) + ". Fix the data or --weight."});
    }
    const double delay = numeric_field(L, *f, f_delay);
    if (!std::isnan(delay) && delay < 0) {
      throw InputError(L.error(f_delay.key, fid),
                       {"negative site delay " + number(delay) + " in field '" + fields.entry_delay + "' " +
                        where(L, fid) + ". Delays must be >= 0; fix the data or drop --site-delay-field."});
    }
    const double exit_delay = f_exit.mapped() ? numeric_field(L, *f, f_exit) : std::nan("");
    if (!std::isnan(exit_delay) && exit_delay < 0) {
      throw InputError(L.error(f_exit.key, fid),
                       {"negative site exit delay " + number(exit_delay) + " in field '" + fields.exit_delay + "' " +
                        where(L, fid) + ". Delays must be >= 0; fix the data or drop --site-exit-delay-field."});
    }
    if (std::string why = transform_to_wgs84(L, *g); !why.empty()) {
      out.info.skipped.push_back({fid, std::move(why)});
      continue;
    }
    CoordinateCheck coords;
    g->accept(&coords);
    if (!coords.problem.empty()) {
      out.info.skipped.push_back({fid, coords.problem});
      continue;
    }
    OGRPoint pt;
    if (wkbFlatten(g->getGeometryType()) == wkbPoint) pt = *g->toPoint();
    else if (g->Centroid(&pt) != OGRERR_NONE || pt.IsEmpty()) {
      out.info.skipped.push_back({fid, "no centroid"});
      continue;
    }
    const double x = pt.getX();
    const double y = pt.getY();
    if (!std::isfinite(x) || !std::isfinite(y)) {
      out.info.skipped.push_back({fid, "NaN or infinite coordinate"});
      continue;
    }
    if (x < -180.0 || x > 180.0 || y < -90.0 || y > 90.0) {
      out.info.skipped.push_back({fid, "coordinate out of range"});
      continue;
    }
    out.pos.push_back({x, y});
    out.fid.push_back(fid);
    out.id.push_back(f_id >= 0 ? std::string(f->GetFieldAsString(f_id)) : std::to_string(fid));
    out.weight.push_back(w);
    out.entry_delay_us.push_back(std::isnan(delay) ? delay : delay * delay_factor);
    if (f_exit.mapped()) out.exit_delay_us.push_back(std::isnan(exit_delay) ? exit_delay : exit_delay * delay_factor);
    if (f_status.mapped()) {
      out.status.emplace_back(f->IsFieldSetAndNotNull(f_status.index) ? f->GetFieldAsString(f_status.index) : "");
    }
    if (f_cost.mapped()) out.cost.push_back(amount(*f, f_cost));
    if (f_cap.mapped()) out.capacity.push_back(amount(*f, f_cap));
    if (f_load.mapped()) out.load.push_back(amount(*f, f_load));
    if (f_label.mapped()) {
      const bool null = !f->IsFieldSetAndNotNull(f_label.index);
      out.label.emplace_back(null ? "" : f->GetFieldAsString(f_label.index));
      out.label_null.push_back(null ? 1 : 0);
    }
  }
  check_read_errors(L, options, *errors, out.info.features_read);
  errors.reset();
  if (out.info.features_read == 0) throw_nothing_read(L, options, "points");
  if (out.pos.empty()) {
    const SkippedFeature& first = out.info.skipped.front();
    if (lines_seen == out.info.features_read) {
      throw InputError(L.error("layer", first.fid),
                       {"layer has line features but points are expected " + where(L, first.fid) +
                            ". Give a Point or Polygon layer with ",
                        Setting::path_and_layer, "."});
    }
    throw InputError(L.error("", first.fid),
                     {"no usable point in " + features_text(out.info.features_read) + " " + where(L, first.fid) +
                          ": " + first.reason + ". Fix the geometries or give another layer with ",
                      Setting::path_and_layer, "."});
  }
  // FIDs are unique; ids from a field are checked. Leaving --site-id out gives FIDs only
  // on a layer without site_id.
  if (f_id >= 0) check_unique_ids(L, out, !fields.id.empty() && !has_site_id);
  return out;
}

}  // namespace lightcone
