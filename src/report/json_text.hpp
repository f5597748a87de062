// JSON text for files and stdout (summaries, check results, `--json` output). Strings in
// them come from input (site ids, layer and field names, paths) and may hold bytes that
// are not UTF-8; nlohmann::json throws on those when dumping, so every JSON text is made
// here, with such bytes replaced by U+FFFD (found by tests/fuzz: `info --json` on a
// GeoJSON whose site id held a stray byte ended in an internal error).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace lightcone {

// `j` as text, indented by `indent` spaces (-1: one line); never throws on bad UTF-8.
template <class Json>
std::string json_text(const Json& j, int indent = 2) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace lightcone
