#include "network/projection.hpp"

#include <proj.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace lightcone {

int utm_epsg_for(LonLat p) {
  int zone = static_cast<int>(std::floor((p.lon + 180.0) / 6.0)) + 1;
  zone = std::clamp(zone, 1, 60);
  return (p.lat >= 0 ? 32600 : 32700) + zone;
}

struct Projection::Impl {
  PJ_CONTEXT* ctx = nullptr;
  PJ* pj = nullptr;
  ~Impl() {
    if (pj) proj_destroy(pj);
    if (ctx) proj_context_destroy(ctx);
  }
};

std::string crs_name(const std::string& crs) {
  PJ_CONTEXT* ctx = proj_context_create();
  proj_log_level(ctx, PJ_LOG_NONE);
  std::string out;
  if (PJ* pj = proj_create(ctx, crs.c_str())) {
    const char* name = proj_get_name(pj);
    if (name && std::string(name) != "unknown") out = name;
    proj_destroy(pj);
  }
  proj_context_destroy(ctx);
  return out;
}

Projection::Projection(int epsg) : Projection("EPSG:" + std::to_string(epsg)) {}

Projection::Projection(const std::string& target) : m_impl(std::make_unique<Impl>()) {
  m_impl->ctx = proj_context_create();
  PJ* raw = proj_create_crs_to_crs(m_impl->ctx, "EPSG:4326", target.c_str(), nullptr);
  if (!raw) throw std::runtime_error("PROJ cannot create a transformation to " + target);
  m_impl->pj = proj_normalize_for_visualization(m_impl->ctx, raw);  // lon/lat order
  proj_destroy(raw);
  if (!m_impl->pj) throw std::runtime_error("PROJ cannot normalise the transformation to " + target);
}

Projection::~Projection() = default;

Projection::Xy Projection::forward(LonLat p) const {
  const PJ_COORD out = proj_trans(m_impl->pj, PJ_FWD, proj_coord(p.lon, p.lat, 0, 0));
  return {out.xy.x, out.xy.y};
}

LonLat Projection::inverse(Xy p) const {
  const PJ_COORD out = proj_trans(m_impl->pj, PJ_INV, proj_coord(p.x, p.y, 0, 0));
  return {out.lp.lam, out.lp.phi};
}

}  // namespace lightcone
