#include <ogrsf_frmts.h>

#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "io/gdal_util.hpp"
#include "io/paths.hpp"
#include "io/read_table.hpp"

namespace lightcone {
namespace {

void append_multipolygon(const OGRGeometry& g, MultiPolygon& out) {
  const OGRwkbGeometryType t = wkbFlatten(g.getGeometryType());
  if (t == wkbPolygon) {
    const OGRPolygon& poly = *g.toPolygon();
    if (poly.IsEmpty()) return;
    std::vector<LonLat> pts;
    auto ring = [&](const OGRLinearRing& r) {
      pts.clear();
      for (int i = 0; i < r.getNumPoints(); ++i) pts.push_back({r.getX(i), r.getY(i)});
      out.add_ring(pts);
    };
    ring(*poly.getExteriorRing());
    for (int i = 0; i < poly.getNumInteriorRings(); ++i) ring(*poly.getInteriorRing(i));
    out.close_polygon();
  } else if (const auto* coll = dynamic_cast<const OGRGeometryCollection*>(&g)) {
    for (int i = 0; i < coll->getNumGeometries(); ++i) append_multipolygon(*coll->getGeometryRef(i), out);
  }
}

}  // namespace

std::vector<std::string> layer_names(const std::string& path) {
  std::vector<std::string> out;
  DatasetPtr ds = open_vector(path);
  if (!ds) return out;
  for (int i = 0; i < ds->GetLayerCount(); ++i) out.emplace_back(ds->GetLayer(i)->GetName());
  return out;
}

FeatureTable read_table(const std::string& path, const std::string& layer_name, const std::string& where) {
  ensure_gdal_registered();
  const InputPathStatus status = input_path_status(path);
  if (status.state == InputPathStatus::State::not_found) {
    throw InputError(about_file(path), {"file not found (" + path + ")."});
  }
  if (status.state == InputPathStatus::State::unusable) {
    throw InputError(about_file(path), {"cannot read " + path + ": " + status.reason + "."});
  }
  DatasetPtr ds = open_vector(path);
  if (!ds) {
    throw InputError(about_file(path),
                     {"cannot open as a vector dataset (" + path + "): " + last_gdal_error() + "."});
  }
  OGRLayer* layer = ds->GetLayerByName(layer_name.c_str());
  if (!layer) {
    std::string names;
    for (int i = 0; i < ds->GetLayerCount(); ++i) names += (i ? ", " : "") + std::string(ds->GetLayer(i)->GetName());
    throw InputError(about_layer(path, layer_name, "layer"),
                     {"layer '" + layer_name + "' not found (" + path + "). Layers: " + names + "."});
  }
  FeatureTable t;
  t.name = layer_name;
  const OGRwkbGeometryType gt = wkbFlatten(layer->GetGeomType());
  t.geometry = gt == wkbPoint                                  ? FeatureTable::Geometry::point
               : gt == wkbLineString                           ? FeatureTable::Geometry::line
               : gt == wkbPolygon || gt == wkbMultiPolygon     ? FeatureTable::Geometry::polygon
                                                               : FeatureTable::Geometry::none;
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  const int nf = defn->GetFieldCount();
  for (int k = 0; k < nf; ++k) {
    const OGRFieldDefn* fd = defn->GetFieldDefn(k);
    const OGRFieldType ft = fd->GetType();
    t.columns.push_back(ft == OFTReal                              ? Column::reals(fd->GetNameRef(), {})
                        : ft == OFTInteger || ft == OFTInteger64   ? Column::integers(fd->GetNameRef(), {})
                                                                   : Column::texts(fd->GetNameRef(), {}));
  }
  if (!where.empty() && layer->SetAttributeFilter(where.c_str()) != OGRERR_NONE) {
    throw InputError(about_layer(path, layer_name, "where"),
                     {"invalid filter \"" + where + "\" (" + path + ":" + layer_name + "): " + last_gdal_error() +
                      "."});
  }
  layer->ResetReading();
  for (auto& f : *layer) {
    t.fid.push_back(f->GetFID());
    const OGRGeometry* g = f->GetGeometryRef();
    switch (t.geometry) {
      case FeatureTable::Geometry::point: {
        const bool ok = g && !g->IsEmpty() && wkbFlatten(g->getGeometryType()) == wkbPoint;
        t.coords.push_back(ok ? LonLat{g->toPoint()->getX(), g->toPoint()->getY()}
                              : LonLat{std::nan(""), std::nan("")});
        break;
      }
      case FeatureTable::Geometry::line: {
        if (g && wkbFlatten(g->getGeometryType()) == wkbLineString) {
          const OGRLineString* ls = g->toLineString();
          for (int i = 0; i < ls->getNumPoints(); ++i) t.coords.push_back({ls->getX(i), ls->getY(i)});
        }
        t.first.push_back(static_cast<std::uint32_t>(t.coords.size()));
        break;
      }
      case FeatureTable::Geometry::polygon: {
        MultiPolygon m;
        if (g) append_multipolygon(*g, m);
        t.polygons.push_back(std::move(m));
        break;
      }
      case FeatureTable::Geometry::none: break;
    }
    for (int k = 0; k < nf; ++k) {
      Column& c = t.columns[static_cast<std::size_t>(k)];
      if (!f->IsFieldSetAndNotNull(k)) {
        c.push_null();
        continue;
      }
      switch (c.type()) {
        case Column::Type::real: c.reals().push_back(f->GetFieldAsDouble(k)); break;
        case Column::Type::integer: c.integers().push_back(f->GetFieldAsInteger64(k)); break;
        case Column::Type::text: c.texts().emplace_back(f->GetFieldAsString(k)); break;
      }
    }
  }
  return t;
}

}  // namespace lightcone
