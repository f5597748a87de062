#include <ogrsf_frmts.h>

#include <memory>
#include <optional>

#include "core/error.hpp"
#include "io/gdal_util.hpp"
#include "io/polygons.hpp"

namespace lightcone {
namespace {

bool is_polygonal(OGRwkbGeometryType t) {
  switch (wkbFlatten(t)) {
    case wkbPolygon: case wkbMultiPolygon: case wkbCurvePolygon: case wkbMultiSurface: return true;
    default: return false;
  }
}

bool is_point_or_line(OGRwkbGeometryType t) {
  switch (wkbFlatten(t)) {
    case wkbPoint: case wkbMultiPoint: case wkbLineString: case wkbMultiLineString: case wkbCircularString:
    case wkbCompoundCurve: case wkbMultiCurve: return true;
    default: return false;
  }
}

void add_ring(const OGRLinearRing& ring, MultiPolygon& out, std::vector<LonLat>& pts) {
  pts.clear();
  for (int i = 0; i < ring.getNumPoints(); ++i) pts.push_back({ring.getX(i), ring.getY(i)});
  if (!pts.empty() && !(pts.front() == pts.back())) pts.push_back(pts.front());
  out.add_ring(pts);
}

// Appends every polygon of g (polygon, multipolygon or a collection holding them).
void append_polygons(const OGRGeometry& g, MultiPolygon& out, std::vector<LonLat>& pts) {
  const OGRwkbGeometryType t = wkbFlatten(g.getGeometryType());
  if (t == wkbPolygon) {
    const OGRPolygon& poly = *g.toPolygon();
    if (poly.IsEmpty() || poly.getExteriorRing() == nullptr || poly.getExteriorRing()->getNumPoints() < 4) return;
    add_ring(*poly.getExteriorRing(), out, pts);
    for (int i = 0; i < poly.getNumInteriorRings(); ++i)
      if (poly.getInteriorRing(i)->getNumPoints() >= 4) add_ring(*poly.getInteriorRing(i), out, pts);
    out.close_polygon();
  } else if (const auto* coll = dynamic_cast<const OGRGeometryCollection*>(&g)) {
    for (int i = 0; i < coll->getNumGeometries(); ++i) append_polygons(*coll->getGeometryRef(i), out, pts);
  }
}

}  // namespace

PolygonLayer read_polygons(const LayerSpec& spec, const ReadOptions& options) {
  const std::string option = options.option.empty() ? "--boundary" : options.option;
  OpenLayer L = open_layer(spec, options, option);
  const std::string at = "(" + L.path + ":" + L.layer_name + ")";
  if (is_point_or_line(L.layer->GetGeomType())) {
    throw InputError(L.error("layer"), {std::string("layer has ") + OGRGeometryTypeToName(L.layer->GetGeomType()) +
                                            " geometry but polygons are expected " + at +
                                            ". Give a Polygon layer with ",
                                        Setting::source, "."});
  }
  PolygonLayer out;
  out.info = L.info;
  std::vector<LonLat> pts;
  std::optional<GdalErrorCollector> errors(std::in_place);
  for (auto& f : *L.layer) {
    ++out.info.features_read;
    const std::int64_t fid = f->GetFID();
    OGRGeometry* g = f->GetGeometryRef();
    if (g == nullptr || g->IsEmpty()) {
      out.info.skipped.push_back({fid, g == nullptr ? "null geometry" : "empty geometry"});
      continue;
    }
    if (!is_polygonal(g->getGeometryType())) {
      out.info.skipped.push_back({fid, std::string("not a polygon: ") + OGRGeometryTypeToName(g->getGeometryType())});
      continue;
    }
    if (std::string why = transform_to_wgs84(L, *g); !why.empty()) {
      out.info.skipped.push_back({fid, std::move(why)});
      continue;
    }
    std::unique_ptr<OGRGeometry> linear(g->getLinearGeometry());
    if (!linear) {
      out.info.skipped.push_back({fid, "cannot linearise the curves"});
      continue;
    }
    if (!linear->IsValid()) {
      std::unique_ptr<OGRGeometry> valid(linear->MakeValid());
      if (!valid || valid->IsEmpty()) {
        out.info.skipped.push_back({fid, "invalid polygon that MakeValid cannot repair"});
        continue;
      }
      linear = std::move(valid);
      ++out.repaired;
    }
    MultiPolygon m;
    append_polygons(*linear, m, pts);
    if (m.empty()) {
      out.info.skipped.push_back({fid, "no polygon area"});
      continue;
    }
    out.polygons.push_back(std::move(m));
    out.fid.push_back(fid);
  }
  check_read_errors(L, options, *errors, out.info.features_read);
  errors.reset();
  if (out.info.features_read == 0) {
    if (options.where.empty()) {
      throw InputError(L.error("layer"),
                       {"layer is empty " + at + ". Give ", Setting::source, " a layer with polygons."});
    }
    // This message does not name the filter's setting (a scenario points at the table).
    InputErrorFields fields = L.error("where");
    fields.kind = InputErrorKind::no_feature_matches;
    throw InputError(std::move(fields), {"no feature matches the filter \"" + options.where + "\" " + at +
                                         ". Check the values it compares with (lightcone info lists the fields)."});
  }
  if (out.polygons.empty()) {
    const SkippedFeature& first = out.info.skipped.front();
    throw InputError(L.error("", first.fid),
                     {"no usable polygon in " + std::to_string(out.info.features_read) + " feature(s) (" + L.path +
                          ":" + L.layer_name + ":fid=" + std::to_string(first.fid) + "): " + first.reason + ". Give ",
                      Setting::source, " a Polygon layer."});
  }
  return out;
}

}  // namespace lightcone
