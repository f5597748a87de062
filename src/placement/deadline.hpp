// A wall-clock deadline (std::chrono::steady_clock) for a whole placement solve: one
// object handed through every phase (reductions, heuristics, bounds, LPs, CBC), so that
// `--time-limit` is wall time whatever the number of threads or the load of the machine.
// A default-constructed Deadline never expires. Seconds are wall seconds. A deadline may
// also end early, when a flag it watches is set (stoppable): for work beside another phase
// that ends with that phase.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <optional>

namespace lightcone {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  Deadline() = default;  // none: never expires
  // now + seconds (REQUIRES: seconds finite; negative means already expired).
  static Deadline after(double seconds) {
    Deadline d;
    d.m_at = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    return d;
  }
  bool none() const { return !m_at.has_value() && m_stop == nullptr; }
  // Seconds left (negative once passed; 0 once stopped); +inf without a deadline.
  double remaining_s() const {
    if (m_stop && m_stop->load(std::memory_order_relaxed)) return 0.0;
    if (!m_at) return std::numeric_limits<double>::infinity();
    return std::chrono::duration<double>(*m_at - Clock::now()).count();
  }
  bool expired() const { return remaining_s() <= 0.0; }
  // The sooner of this deadline and now + seconds (watching the same flag).
  Deadline within(double seconds) const {
    if (!(seconds < remaining_s())) return *this;
    return after(seconds).watching(m_stop);
  }
  // A share of the time left: now + fraction × remaining (this deadline when none).
  Deadline share(double fraction) const {
    if (!m_at) return *this;
    return after(std::max(0.0, fraction * remaining_s())).watching(m_stop);
  }
  // This deadline, also expired once `stop` is set (REQUIRES: `stop` outlives every copy).
  Deadline stoppable(const std::atomic<bool>& stop) const { return watching(&stop); }

 private:
  Deadline watching(const std::atomic<bool>* stop) const {
    Deadline d = *this;
    d.m_stop = stop;
    return d;
  }
  std::optional<Clock::time_point> m_at;
  const std::atomic<bool>* m_stop = nullptr;
};

}  // namespace lightcone
