// The Markdown report of a `plan` run (report.md), made from the run's summary JSON so
// that it says exactly what summary.json says: scenario and model, inputs, coverage
// per budget, uncovered demand, targets with verdicts, warnings and the output files.
// Deterministic text (no dates, no timings).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace lightcone {

std::string plan_report_markdown(const nlohmann::ordered_json& summary);

}  // namespace lightcone
