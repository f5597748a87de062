#include "report/check_report.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace lightcone {
namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::size_t count(const std::vector<TargetResult>& rs, Verdict v) {
  return static_cast<std::size_t>(std::count_if(rs.begin(), rs.end(), [&](const TargetResult& r) { return r.verdict == v; }));
}

// Display width of UTF-8 text (code points; the table holds no wide characters).
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string pad(const std::string& s, std::size_t w, bool right = false) {
  const std::size_t n = width(s);
  if (n >= w) return s;
  return right ? std::string(w - n, ' ') + s : s + std::string(w - n, ' ');
}

}  // namespace

nlohmann::ordered_json target_json(const TargetResult& r) {
  nlohmann::ordered_json j;
  j["name"] = r.name;
  j["kind"] = to_string(r.kind);
  j["boundary"] = r.boundary.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.boundary);
  j["budget"] = r.budget.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.budget);
  j["unit"] = r.unit;
  j["comparison"] = r.at_least ? ">=" : "<=";
  j["required"] = r.required;
  j["actual"] = r.actual ? nlohmann::ordered_json(*r.actual) : nlohmann::ordered_json(nullptr);
  j["margin"] = r.margin ? nlohmann::ordered_json(*r.margin) : nlohmann::ordered_json(nullptr);
  j["verdict"] = to_string(r.verdict);
  j["message"] = r.message;
  j["required_text"] = r.required_text;
  j["actual_text"] = r.actual_text;
  j["margin_text"] = r.margin_text;
  return j;
}

std::string verdict_line(const TargetResult& r) {
  std::string s = "required " + r.required_text + ", actual " + r.actual_text + ", margin " + r.margin_text;
  if (!r.message.empty()) s += "; " + r.message;
  return s;
}

std::string targets_table(const std::vector<TargetResult>& results) {
  const std::vector<std::string> head = {"target", "kind", "budget", "required", "actual", "margin", "verdict"};
  std::vector<std::vector<std::string>> rows;
  for (const TargetResult& r : results) {
    rows.push_back({r.name, std::string(to_string(r.kind)), r.budget.empty() ? "-" : r.budget, r.required_text,
                    r.actual_text, r.margin_text, r.verdict == Verdict::pass ? "pass" : r.verdict == Verdict::fail ? "FAIL" : "NOT EVALUATED"});
  }
  std::vector<std::size_t> w(head.size());
  for (std::size_t c = 0; c < head.size(); ++c) {
    w[c] = width(head[c]);
    for (const auto& row : rows) w[c] = std::max(w[c], width(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const bool numeric = c >= 3 && c <= 5;
      out += pad(cells[c], w[c], numeric && c != 3);
      out += c + 1 < cells.size() ? "  " : "";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(head);
  for (const auto& row : rows) out += line(row);
  for (const TargetResult& r : results)
    if (!r.message.empty()) out += r.name + ": " + r.message + "\n";
  return out;
}

nlohmann::ordered_json check_json(const std::string& scenario_name, const std::string& scenario_file,
                                  const std::string& run, const std::vector<TargetResult>& results) {
  nlohmann::ordered_json j;
  j["scenario"] = scenario_name;
  j["file"] = scenario_file;
  j["run"] = run;
  j["targets"] = nlohmann::ordered_json::array();
  for (const TargetResult& r : results) j["targets"].push_back(target_json(r));
  j["passed"] = count(results, Verdict::pass);
  j["failed"] = count(results, Verdict::fail);
  j["not_evaluated"] = count(results, Verdict::not_evaluated);
  j["all_hold"] = all_hold(results);
  return j;
}

std::string junit_xml(const std::string& scenario_name, const std::vector<TargetResult>& results) {
  const std::size_t failures = results.size() - count(results, Verdict::pass);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"lightcone check\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n", results.size(), failures);
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
                     xml_escape(scenario_name), results.size(), failures);
  for (const TargetResult& r : results) {
    out += fmt::format("    <testcase classname=\"{}.{}\" name=\"{}\"", xml_escape(scenario_name), to_string(r.kind),
                       xml_escape(r.name));
    if (r.verdict == Verdict::pass) {
      out += ">\n      <system-out>" + xml_escape(verdict_line(r)) + "</system-out>\n    </testcase>\n";
      continue;
    }
    const std::string type = r.verdict == Verdict::fail ? "target failed" : "target not evaluated";
    out += ">\n      <failure type=\"" + type + "\" message=\"" + xml_escape(verdict_line(r)) + "\">" +
           xml_escape(r.name + " (" + std::string(to_string(r.kind)) + (r.boundary.empty() ? "" : ", boundary " + r.boundary) +
                      (r.budget.empty() ? "" : ", budget " + r.budget) + "): " + verdict_line(r)) +
           "</failure>\n    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace lightcone
