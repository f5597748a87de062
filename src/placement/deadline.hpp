// A wall-clock deadline (std::chrono::steady_clock) for a whole placement solve: one
// object handed through every phase (reductions, heuristics, bounds, LPs, CBC), so that
// `--time-limit` is wall time whatever the number of threads or the load of the machine.
// A default-constructed Deadline never expires. Seconds are wall seconds.
#pragma once

#include <algorithm>
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
  bool none() const { return !m_at.has_value(); }
  // Seconds left (negative once passed); +inf without a deadline.
  double remaining_s() const {
    if (!m_at) return std::numeric_limits<double>::infinity();
    return std::chrono::duration<double>(*m_at - Clock::now()).count();
  }
  bool expired() const { return remaining_s() <= 0.0; }
  // The sooner of this deadline and now + seconds.
  Deadline within(double seconds) const {
    if (!(seconds < remaining_s())) return *this;
    return after(seconds);
  }
  // A share of the time left: now + fraction × remaining (this deadline when none).
  Deadline share(double fraction) const {
    if (!m_at) return *this;
    return after(std::max(0.0, fraction * remaining_s()));
  }

 private:
  std::optional<Clock::time_point> m_at;
};

}  // namespace lightcone
