// A small MIP builder over COIN-OR CBC's C interface (this module is the only CBC user).
// Minimisation only; rows as lower/upper bounds; integer or continuous columns.
// Time is wall time (Deadline): Clp stops at the deadline from an event handler checked
// every iteration; CBC counts elapsed time ("timeMode elapsed") and is only handed a
// model whose root LP Clp solved first, with time to spare (CBC's root LP ignores its
// time limit).
#pragma once

#include <limits>
#include <vector>

#include "placement/deadline.hpp"

namespace lightcone {

struct MipResult {
  bool has_solution = false;
  bool proven_optimal = false;
  bool proven_infeasible = false;
  bool time_limit = false;
  // The root LP (solved by Clp before CBC): whether it finished, its value (a lower
  // bound on the MIP) and wall seconds. lp_solved false with time_limit: CBC never ran.
  bool lp_solved = false;
  double lp_bound = std::numeric_limits<double>::quiet_NaN();
  double lp_s = 0.0;
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
  // Models of at least kProbeNonzeros nonzeros get their root LP from Clp first (until
  // `deadline`); CBC runs only when it finished and the time left is at least
  // kRootLpRepeats times what it took (CBC solves it again).
  MipResult solve(const Deadline& deadline, int threads, const std::vector<double>& start,
                  double cutoff = std::numeric_limits<double>::infinity()) const;
  static constexpr std::size_t kProbeNonzeros = 20'000;
  static constexpr double kRootLpRepeats = 1.5;
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
  // A copy: the same rows (pending ones too), bounds and last basis, solved on its own.
  IncrementalLp(const IncrementalLp& other);
  IncrementalLp& operator=(const IncrementalLp&) = delete;
  // Σ coef·x over (cols, coefs) in [lower, upper]; takes effect at the next solve().
  void add_row(const std::vector<int>& cols, const std::vector<double>& coefs, double lower, double upper);
  // A new column without entries (rows added after it may use it; its index is returned);
  // takes effect at the next solve(). Columns of positive cost at their lower bound keep
  // the last basis dual feasible, so the next solve() starts from it too.
  int add_column(double objective, double lower, double upper);
  int rows() const;
  int columns() const { return m_columns + static_cast<int>(m_col_obj.size()); }
  // The last solve() ended with the LP proven infeasible.
  bool infeasible() const { return m_infeasible; }
  // True when the LP (with every row added so far) was solved to optimality by the deadline.
  bool solve(const Deadline& deadline);
  double objective() const { return m_objective; }
  const std::vector<double>& x() const { return m_x; }
  // After a successful solve(): each column's reduced cost and each row's activity
  // (rows in the order added, deleted ones left out).
  const std::vector<double>& reduced_costs() const { return m_reduced; }
  const std::vector<double>& row_activity() const { return m_activity; }
  // The first solve() by the primal simplex (much faster than the dual from a slack
  // basis on Benders masters), on a large LP from Clp's Idiot crash when the deadline
  // leaves time for it; the later ones by the dual from the last basis.
  void primal_first() { m_primal_first = true; }
  // Whether the first solve() started from the crash.
  bool crashed() const { return m_crashed; }
  // Strong branching: after a successful solve() with no rows or columns pending, the
  // LP's value with `column`'s bounds set to [lower, upper], from the last basis by at
  // most `iterations` dual simplex iterations: a lower bound of that LP's optimum when
  // the dual simplex stopped early (its basis stays dual feasible), +inf when it proved
  // that LP infeasible, NaN when it failed or the deadline passed. The bounds, basis and
  // solution are then restored (the next solve() starts where the last one ended).
  double probe(int column, double lower, double upper, int iterations, const Deadline& deadline);
  // New bounds of an existing column (added and solved at least once); takes effect at
  // the next solve().
  void set_column_bounds(int column, double lower, double upper);
  // Deletes rows already in the LP (indices as in row_activity(); rows still pending are
  // not counted). Rows deleted while basic (slack) keep the basis valid for the next solve().
  void delete_rows(const std::vector<int>& rows);
  // Takes the columns of `columns` whose bounds are [0, 0] and that are not basic out of
  // the LP (after a successful solve(), nothing pending): a row added later leaves out
  // their entries (exact, as they are 0), x() and reduced_costs() give them 0, and
  // set_column_bounds() accepts only [0, 0] for them. The basis of the rest stays, so the
  // next solve() starts from it. Returns how many left the LP.
  std::size_t remove_columns_at_zero(const std::vector<int>& columns);

 private:
  // Column j's index in the Clp model (−1: removed); empty while none was removed.
  int internal(int column) const {
    return m_internal.empty() ? column : m_internal[static_cast<std::size_t>(column)];
  }
  std::vector<int> m_internal;
  void* m_clp = nullptr;  // ClpSimplex
  int m_columns = 0;
  std::vector<int> m_start{0}, m_index;
  std::vector<double> m_value, m_row_lower, m_row_upper;
  std::vector<double> m_col_obj, m_col_lower, m_col_upper;
  bool m_infeasible = false;
  bool m_primal_first = false, m_solved = false, m_crashed = false;
  double m_objective = 0.0;
  std::vector<double> m_x, m_reduced, m_activity;
};

}  // namespace lightcone
