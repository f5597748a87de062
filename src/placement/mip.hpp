// A small MIP builder over COIN-OR CBC's C interface (this module is the only CBC user).
// Minimisation only; rows as lower/upper bounds; integer or continuous columns.
#pragma once

#include <limits>
#include <vector>

namespace lightcone {

struct MipResult {
  bool has_solution = false;
  bool proven_optimal = false;
  bool proven_infeasible = false;
  bool time_limit = false;
  double objective = 0.0;
  double bound = 0.0;
  std::vector<double> x;
};

class Mip {
 public:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  int add_column(double objective, double lower, double upper, bool integer);
  // Σ coef·x over (cols, coefs) in [lower, upper].
  void add_row(const std::vector<int>& cols, const std::vector<double>& coefs, double lower, double upper);
  int columns() const { return static_cast<int>(m_obj.size()); }
  int rows() const { return static_cast<int>(m_row_lower.size()); }
  // start: a feasible assignment of the integer columns (size columns(), may be empty).
  MipResult solve(double time_limit_s, int threads, const std::vector<double>& start) const;
  // Whether x satisfies every bound, row and integrality (1e-6 tolerance).
  bool satisfies(const std::vector<double>& x) const;

 private:
  std::vector<double> m_obj, m_lower, m_upper;
  std::vector<char> m_integer;
  std::vector<int> m_trip_row, m_trip_col;
  std::vector<double> m_trip_val;
  std::vector<double> m_row_lower, m_row_upper;
};

}  // namespace lightcone
