#include "io/paths.hpp"

#include <filesystem>

#include "core/error.hpp"

namespace lightcone {
namespace {

namespace fs = std::filesystem;

bool is_plain_path(const std::string& p) { return !p.empty() && p.rfind("PG:", 0) != 0 && p.rfind("/vsi", 0) != 0; }

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec) && !ec;
  // An output that does not exist yet is the input only when their names resolve alike.
  const fs::path ca = fs::weakly_canonical(a, ec);
  if (ec) return false;
  const fs::path cb = fs::weakly_canonical(b, ec);
  return !ec && ca == cb;
}

}  // namespace

void check_outputs_are_not_inputs(std::span<const NamedPath> outputs, std::span<const NamedPath> inputs) {
  for (const NamedPath& out : outputs) {
    if (!is_plain_path(out.path)) continue;
    for (const NamedPath& in : inputs) {
      if (!is_plain_path(in.path) || !same_file(out.path, in.path)) continue;
      throw InputError(out.role + " " + out.path + " is also an input (" + in.role + " " + in.path +
                       "): writing it would destroy the input. Write the output to another file.");
    }
  }
}

}  // namespace lightcone
