#include "core/layers.hpp"

#include <algorithm>

namespace lightcone {

std::string budget_field_name(Microseconds budget) {
  std::string s = format_duration(budget);
  std::replace(s.begin(), s.end(), '.', 'p');
  return s;
}

std::string survives_field(Microseconds budget) { return "survives_" + budget_field_name(budget); }

}  // namespace lightcone
