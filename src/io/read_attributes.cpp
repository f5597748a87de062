#include "io/read_attributes.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "core/error.hpp"
#include "io/gdal_util.hpp"
#include "io/paths.hpp"

namespace lightcone {
namespace {

std::string where_text(const std::string& path, const std::string& layer, std::int64_t fid) {
  return "(" + path + ":" + layer + ":fid=" + std::to_string(fid) + ")";
}

// "12", "-0.5", "1e3" with optional surrounding blanks; false for anything else.
bool parse_number(const char* text, double& out) {
  while (*text == ' ' || *text == '\t') ++text;
  if (*text == '\0') return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text, &end);
  if (end == text || errno == ERANGE) return false;
  while (*end == ' ' || *end == '\t' || *end == '\r') ++end;
  if (*end != '\0' || !std::isfinite(v)) return false;
  out = v;
  return true;
}

bool blank(const char* s) {
  for (; *s; ++s)
    if (*s != ' ' && *s != '\t' && *s != '\r') return false;
  return true;
}

}  // namespace

AttributeTable read_attribute_table(const LayerSpec& spec, const AttributeRequest& q) {
  ensure_gdal_registered();
  const std::string& path = spec.path;
  auto fields_of = [&](const std::string& key) {
    InputErrorFields f = about_file(path, key);
    f.option = q.option;
    return f;
  };
  if (const InputPathStatus status = input_path_status(path); status.state == InputPathStatus::State::unusable) {
    throw InputError(fields_of("path"), {"cannot read " + path + ": " + status.reason + ". Give " + q.option +
                                         " a data file (CSV, GeoPackage, ...)."});
  }
  if (input_path_status(path).state == InputPathStatus::State::not_found) {
    throw InputError(fields_of("path"), {"file not found (" + path + "). Check the path given to " + q.option + "."});
  }
  DatasetPtr ds = open_vector(path);
  if (!ds) {
    throw InputError(fields_of("path"), {"cannot open as a table (" + path + "): " + last_gdal_error() +
                                         ". Give " + q.option + " a CSV, GeoPackage or other GDAL table."});
  }
  OGRLayer* layer = nullptr;
  auto names = [&] {
    std::string out;
    for (int i = 0; i < ds->GetLayerCount(); ++i) out += (i ? ", " : "") + std::string(ds->GetLayer(i)->GetName());
    return out;
  };
  if (!spec.layer.empty()) {
    layer = ds->GetLayerByName(spec.layer.c_str());
    if (!layer) {
      InputErrorFields f = fields_of("layer");
      f.layer = spec.layer;
      throw InputError(f, {"layer '" + spec.layer + "' not found (" + path + "). Layers: " + names() + ". Use " +
                              q.option + " PATH:LAYER."});
    }
  } else if (ds->GetLayerCount() == 1) {
    layer = ds->GetLayer(0);
  } else {
    throw InputError(fields_of("layer"), {"dataset has " + std::to_string(ds->GetLayerCount()) + " layers (" + path +
                                          "); say which one: " + names() + ". Use " + q.option + " PATH:LAYER."});
  }
  AttributeTable t;
  t.path = path;
  t.layer = layer->GetName();
  auto at = [&](std::string key, std::optional<std::int64_t> fid = {}) {
    InputErrorFields f = about_layer(path, t.layer, std::move(key));
    f.fid = fid;
    f.option = q.option;
    return f;
  };
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  auto index_of = [&](const AttributeField& field) {
    const int k = defn->GetFieldIndex(field.name.c_str());
    if (k < 0) {
      const std::string given = field.option.empty() ? "" : " (given with " + field.option + ")";
      throw InputError(at(field.name), {"field '" + field.name + "'" + given + " not found in " + path + ":" +
                                        t.layer + ". Fields: " + field_list(layer) + "."});
    }
    return k;
  };
  int id_index = -1;
  if (q.read_id) {
    if (!q.id_field.empty()) {
      id_index = index_of({q.id_field, q.id_option, true});
      t.id_field = q.id_field;
    } else if (!q.id_default.empty() && defn->GetFieldIndex(q.id_default.c_str()) >= 0) {
      id_index = defn->GetFieldIndex(q.id_default.c_str());
      t.id_field = q.id_default;
    } else {
      t.id_field = "fid";
    }
  }
  std::vector<int> num_index, text_index;
  for (const AttributeField& f : q.numbers) num_index.push_back(index_of(f));
  for (const AttributeField& f : q.texts) text_index.push_back(index_of(f));
  t.numbers.resize(q.numbers.size());
  t.texts.resize(q.texts.size());
  if (!q.where.empty()) {
    CPLErrorReset();
    if (layer->SetAttributeFilter(q.where.c_str()) != OGRERR_NONE) {
      throw InputError(at("where"), {"invalid filter \"" + q.where + "\" on " + q.option + " (" + path + ":" + t.layer +
                                     "): " + last_gdal_error() + ". Fields: " + field_list(layer) + "."});
    }
  }
  std::unordered_map<std::string, std::int64_t> seen;
  GdalErrorCollector errors;
  layer->ResetReading();
  for (auto& f : *layer) {
    const std::int64_t fid = f->GetFID();
    t.fid.push_back(fid);
    if (q.read_id) {
      std::string id;
      if (id_index >= 0) {
        if (!f->IsFieldSetAndNotNull(id_index) || blank(f->GetFieldAsString(id_index))) {
          throw InputError(at(t.id_field, fid), {"empty id in field '" + t.id_field + "' " +
                                                 where_text(path, t.layer, fid) + ". Give every row an id."});
        }
        id = f->GetFieldAsString(id_index);
      } else {
        id = std::to_string(fid);
      }
      if (q.unique_ids) {
        const auto [it, fresh] = seen.emplace(id, fid);
        if (!fresh) {
          throw InputError(at(t.id_field, fid), {"id '" + id + "' in field '" + t.id_field + "' repeats (fid " +
                                                 std::to_string(it->second) + " and " + std::to_string(fid) + ", " +
                                                 path + ":" + t.layer + "). Ids must be unique."});
        }
      }
      t.id.push_back(std::move(id));
    }
    for (std::size_t k = 0; k < num_index.size(); ++k) {
      const int i = num_index[k];
      const AttributeField& field = q.numbers[k];
      double v = std::nan("");
      if (!f->IsFieldSetAndNotNull(i) || blank(f->GetFieldAsString(i))) {
        if (field.required) {
          throw InputError(at(field.name, fid), {"no value in field '" + field.name + "' " +
                                                 where_text(path, t.layer, fid) + ". Every row needs a number there."});
        }
      } else {
        const OGRFieldType ft = defn->GetFieldDefn(i)->GetType();
        if (ft == OFTReal || ft == OFTInteger || ft == OFTInteger64) {
          v = f->GetFieldAsDouble(i);
        } else if (!parse_number(f->GetFieldAsString(i), v)) {
          throw InputError(at(field.name, fid), {"'" + std::string(f->GetFieldAsString(i)) + "' in field '" +
                                                 field.name + "' is not a number " + where_text(path, t.layer, fid) +
                                                 ". Write a plain number, e.g. 250 or 1234.5."});
        }
        if (!std::isfinite(v)) {
          throw InputError(at(field.name, fid), {"field '" + field.name + "' is not a finite number " +
                                                 where_text(path, t.layer, fid) + "."});
        }
      }
      t.numbers[k].push_back(v);
    }
    for (std::size_t k = 0; k < text_index.size(); ++k) {
      const int i = text_index[k];
      const AttributeField& field = q.texts[k];
      const bool null = !f->IsFieldSetAndNotNull(i) || blank(f->GetFieldAsString(i));
      if (null && field.required) {
        throw InputError(at(field.name, fid), {"no value in field '" + field.name + "' " +
                                               where_text(path, t.layer, fid) + ". Every row needs one."});
      }
      t.texts[k].emplace_back(null ? "" : f->GetFieldAsString(i));
    }
  }
  if (errors.failed()) {
    throw InputError(at(q.where.empty() ? "path" : "where"),
                     {"cannot read " + path + ":" + t.layer + ": " + errors.message() + "."});
  }
  return t;
}

}  // namespace lightcone
