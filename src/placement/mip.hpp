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
  // cutoff: only solutions below it count; none → proven_infeasible (a feasibility
  // question: "is there one below the cutoff?"). DEFAULT: none.
  MipResult solve(double time_limit_s, int threads, const std::vector<double>& start,
                  double cutoff = std::numeric_limits<double>::infinity()) const;
  // Whether x satisfies every bound, row and integrality (1e-6 tolerance).
  bool satisfies(const std::vector<double>& x) const;

 private:
  std::vector<double> m_obj, m_lower, m_upper;
  std::vector<char> m_integer;
  std::vector<int> m_trip_row, m_trip_col;
  std::vector<double> m_trip_val;
  std::vector<double> m_row_lower, m_row_upper;
};

// A linear programme whose rows arrive in batches (row generation): Clp's dual simplex,
// warm-started from the previous basis after each batch (added rows keep the basis dual
// feasible). Minimisation.
class IncrementalLp {
 public:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  IncrementalLp(const std::vector<double>& objective, const std::vector<double>& lower, const std::vector<double>& upper);
  ~IncrementalLp();
  IncrementalLp(const IncrementalLp&) = delete;
  IncrementalLp& operator=(const IncrementalLp&) = delete;
  // Σ coef·x over (cols, coefs) in [lower, upper]; takes effect at the next solve().
  void add_row(const std::vector<int>& cols, const std::vector<double>& coefs, double lower, double upper);
  int rows() const;
  // True when the LP (with every row added so far) was solved to optimality.
  bool solve(double time_limit_s);
  double objective() const { return m_objective; }
  const std::vector<double>& x() const { return m_x; }

 private:
  void* m_clp = nullptr;  // Clp_Simplex
  int m_columns = 0;
  std::vector<int> m_start{0}, m_index;
  std::vector<double> m_value, m_row_lower, m_row_upper;
  double m_objective = 0.0;
  std::vector<double> m_x;
};

}  // namespace lightcone
