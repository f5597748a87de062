// City scale (issue 14 item 8): a warning when max access exceeds the smallest budget's
// fibre reach (one-way budget / fibre µs per km), worked by hand: 50 µs RTT = 25 µs
// one-way / 4.897388 µs/km = 5.105 km < 10 km (warn); 1 ms RTT = 102 km (no warning).
#include <gtest/gtest.h>

#include "core/latency_model.hpp"

namespace lightcone {
namespace {

TEST(MaxAccessWarning, CityBudgetBelowMaxAccessWarns) {
  const LatencyModel m;  // RTT, 10 km max access
  const std::string w = max_access_warning(m, make_budget(m, Microseconds{50.0}));
  EXPECT_NE(w.find("max access 10 km is larger than the fibre reach of the 50us budget (5.1 km"), std::string::npos) << w;
  EXPECT_TRUE(max_access_warning(m, make_budget(m, Microseconds{1000.0})).empty());
  LatencyModel city = m;
  city.max_access = Metres{5000.0};  // below the 5.105 km reach
  EXPECT_TRUE(max_access_warning(city, make_budget(city, Microseconds{50.0})).empty());
  LatencyModel nodes = m;
  nodes.access_from = AccessFrom::nodes;
  EXPECT_NE(nodes.describe().find("from nodes only (access_from = nodes)"), std::string::npos) << nodes.describe();
}

}  // namespace
}  // namespace lightcone
