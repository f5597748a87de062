// What every benchmark prints with: CPU and wall clocks, peak memory, the machine's load,
// and one "key value unit # note" line per figure (tests/bench/run.sh parses them).
#pragma once

#include <fmt/core.h>
#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

namespace lightcone::bench {

inline double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Stopwatch {
  std::chrono::steady_clock::time_point wall0 = std::chrono::steady_clock::now();
  double cpu0 = process_cpu_s();
  double wall() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count(); }
  double cpu() const { return process_cpu_s() - cpu0; }
};

// Peak resident memory of this process in MiB (getrusage; ru_maxrss is KiB on Linux).
inline double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// Peak resident memory since the last reset_peak_rss(), MiB: VmHWM of /proc/self/status
// (the process's peak if the reset is not supported); getrusage's peak as a fallback.
inline double section_peak_rss_mib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // "VmHWM:  1234 kB"
  return peak_rss_mib();
}

// Resets VmHWM to the current resident size (Linux >= 4.0: "5" > /proc/self/clear_refs),
// so section_peak_rss_mib() after a section is that section's peak. False if refused.
inline bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// "1.02 0.95 0.80": the 1, 5 and 15 minute load averages from /proc/loadavg.
inline std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a = "-", b = "-", c = "-";
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

inline void figure(const std::string& key, const std::string& value, const std::string& unit,
                   const std::string& note = {}) {
  if (note.empty()) fmt::print("{:<32} {:>14} {}\n", key, value, unit);
  else fmt::print("{:<32} {:>14} {:<6} # {}\n", key, value, unit, note);
  std::fflush(stdout);
}

// A timed section: `key wall s rss MiB # note`, rss the section's peak resident memory
// (section_peak_rss_mib, then reset for the next section). run.sh shows both in its table.
inline void timed_figure(const std::string& key, double wall_s, const std::string& note = {}) {
  const double rss = section_peak_rss_mib();
  fmt::print("{:<32} {:>14} s {:>6.0f} MiB{}{}\n", key, fmt::format("{:.4g}", wall_s), rss, note.empty() ? "" : " # ",
             note);
  std::fflush(stdout);
  reset_peak_rss();
}

// The 1-minute load as the value, all three and the hardware threads in the note.
inline void print_load(const std::string& key) {
  const std::string l = load_average();
  figure(key, l.substr(0, l.find(' ')), "",
         fmt::format("load average 1/5/15 min: {}; {} hardware threads", l, std::thread::hardware_concurrency()));
}

}  // namespace lightcone::bench
