#include "placement/mip.hpp"

#include <Cbc_C_Interface.h>
#include <CoinFinite.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <cstdio>

namespace lightcone {

int Mip::add_column(double objective, double lower, double upper, bool integer) {
  m_obj.push_back(objective);
  m_lower.push_back(lower);
  m_upper.push_back(upper);
  m_integer.push_back(integer ? 1 : 0);
  return static_cast<int>(m_obj.size()) - 1;
}

void Mip::add_row(const std::vector<int>& cols, const std::vector<double>& coefs, double lower, double upper) {
  const int r = rows();
  for (std::size_t i = 0; i < cols.size(); ++i) {
    m_trip_row.push_back(r);
    m_trip_col.push_back(cols[i]);
    m_trip_val.push_back(coefs[i]);
  }
  m_row_lower.push_back(lower);
  m_row_upper.push_back(upper);
}

MipResult Mip::solve(double time_limit_s, int threads, const std::vector<double>& start) const {
  const int n = columns();
  // Column-major arrays for Cbc_loadProblem.
  std::vector<std::size_t> order(m_trip_val.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return m_trip_col[a] != m_trip_col[b] ? m_trip_col[a] < m_trip_col[b] : m_trip_row[a] < m_trip_row[b];
  });
  std::vector<CoinBigIndex> starts(static_cast<std::size_t>(n) + 1, 0);
  std::vector<int> index(order.size());
  std::vector<double> value(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    index[k] = m_trip_row[order[k]];
    value[k] = m_trip_val[order[k]];
    ++starts[static_cast<std::size_t>(m_trip_col[order[k]]) + 1];
  }
  for (int j = 0; j < n; ++j) starts[j + 1] += starts[j];
  auto finite = [](std::vector<double> v) {
    for (double& x : v) {
      if (x == kInf) x = COIN_DBL_MAX;
      if (x == -kInf) x = -COIN_DBL_MAX;
    }
    return v;
  };
  const std::vector<double> lower = finite(m_lower), upper = finite(m_upper);
  const std::vector<double> rlower = finite(m_row_lower), rupper = finite(m_row_upper);

  Cbc_Model* model = Cbc_newModel();
  Cbc_loadProblem(model, n, rows(), starts.data(), index.data(), value.data(), lower.data(), upper.data(),
                  m_obj.data(), rlower.data(), rupper.data());
  for (int j = 0; j < n; ++j)
    if (m_integer[static_cast<std::size_t>(j)]) Cbc_setInteger(model, j);
  Cbc_setObjSense(model, 1.0);
  Cbc_setLogLevel(model, 0);
  Cbc_setMaximumSeconds(model, time_limit_s);
  Cbc_setAllowableGap(model, 1e-9);
  Cbc_setAllowableFractionGap(model, 1e-9);
  Cbc_setParameter(model, "threads", std::to_string(std::max(1, threads)).c_str());
  Cbc_setParameter(model, "randomCbcSeed", "1");
  if (!start.empty()) {
    std::vector<int> cols;
    std::vector<double> vals;
    for (int j = 0; j < n; ++j)
      if (m_integer[static_cast<std::size_t>(j)]) {
        cols.push_back(j);
        vals.push_back(std::round(start[static_cast<std::size_t>(j)]));
      }
    Cbc_setMIPStartI(model, static_cast<int>(cols.size()), cols.data(), vals.data());
  }
  const int rc = Cbc_solve(model);
  fprintf(stderr, "DEBUG solve rc=%d status=%d secondary=%d optimal=%d nsol=%d start=%d cols=%d rows=%d\n", rc, Cbc_status(model), Cbc_secondaryStatus(model), Cbc_isProvenOptimal(model), Cbc_numberSavedSolutions(model), (int)start.size(), n, rows());
  MipResult r;
  r.proven_optimal = Cbc_isProvenOptimal(model) != 0;
  r.proven_infeasible = Cbc_isProvenInfeasible(model) != 0;
  r.time_limit = Cbc_isSecondsLimitReached(model) != 0;
  const double* x = Cbc_bestSolution(model);
  if (x && !r.proven_infeasible) {
    r.has_solution = true;
    r.x.assign(x, x + n);
    r.objective = Cbc_getObjValue(model);
  }
  r.bound = Cbc_getBestPossibleObjValue(model);
  Cbc_deleteModel(model);
  return r;
}

}  // namespace lightcone
