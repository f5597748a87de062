#include "core/table.hpp"

#include <cmath>

namespace lightcone {

Column Column::make(std::string name, Values values, std::vector<bool> nulls) {
  Column c;
  c.name = std::move(name);
  c.m_values = std::move(values);
  c.m_null = std::move(nulls);
  return c;
}

Column Column::reals(std::string name, std::vector<double> values) {
  return make(std::move(name), std::move(values), {});
}

Column Column::integers(std::string name, std::vector<std::int64_t> values, std::vector<bool> nulls) {
  return make(std::move(name), std::move(values), std::move(nulls));
}

Column Column::texts(std::string name, std::vector<std::string> values, std::vector<bool> nulls) {
  return make(std::move(name), std::move(values), std::move(nulls));
}

std::size_t Column::size() const {
  return std::visit([](const auto& v) { return v.size(); }, m_values);
}

bool Column::is_null(std::size_t i) const {
  if (type() == Type::real) return std::isnan(reals()[i]);
  return i < m_null.size() && m_null[i];
}

void Column::push_null() {
  if (type() == Type::real) {
    reals().push_back(std::nan(""));
    return;
  }
  m_null.resize(size(), false);
  std::visit([](auto& v) { v.emplace_back(); }, m_values);
  m_null.push_back(true);
}

std::size_t FeatureTable::features() const {
  if (geometry == Geometry::point) return coords.size();
  if (geometry == Geometry::line) return first.size() - 1;
  if (geometry == Geometry::polygon) return polygons.size();
  return columns.empty() ? 0 : columns[0].size();
}

FeatureTable FeatureTable::points(std::string name, std::vector<LonLat> coords, std::vector<std::int64_t> fid) {
  FeatureTable t;
  t.name = std::move(name);
  t.geometry = Geometry::point;
  t.coords = std::move(coords);
  t.fid = std::move(fid);
  return t;
}

}  // namespace lightcone
