// Target verdicts as a text table (stdout), JSON (check.json, summary.json) and JUnit
// XML (one testcase per target; a failing or unevaluated target is a <failure> whose
// message gives required, actual and margin). No timestamps: identical runs give
// identical files.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scenario/targets.hpp"

namespace lightcone {

// One target's verdict as JSON: name, kind, boundary, budget, unit, required, actual,
// margin (null when not evaluated), verdict, message, and the texts.
nlohmann::ordered_json target_json(const TargetResult& r);

// "required >= 99.00 %, actual 97.97 %, margin -1.03 pp" (+ "; " + message when any).
std::string verdict_line(const TargetResult& r);

// Fixed-width table: target, kind, required, actual, margin, verdict.
std::string targets_table(const std::vector<TargetResult>& results);

// {"scenario", "file", "run", "targets": [...], "passed", "failed", "not_evaluated", "all_hold"}.
nlohmann::ordered_json check_json(const std::string& scenario_name, const std::string& scenario_file,
                                  const std::string& run, const std::vector<TargetResult>& results);

// JUnit XML: <testsuites><testsuite name=scenario> one <testcase> per target.
std::string junit_xml(const std::string& scenario_name, const std::vector<TargetResult>& results);

}  // namespace lightcone
