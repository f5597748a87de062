#include "io/paths.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <filesystem>
#include <system_error>

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

InputPathStatus input_path_status(const std::string& path) {
  using State = InputPathStatus::State;
  if (!is_plain_path(path)) return {};
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return {State::not_found, ""};
    if (err == ELOOP) return {State::unusable, "it is a loop of symbolic links"};
    return {State::unusable, std::error_code(err, std::generic_category()).message()};
  }
  if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) return {};
  if (S_ISFIFO(st.st_mode)) return {State::unusable, "it is a FIFO (named pipe), not a file"};
  if (S_ISSOCK(st.st_mode)) return {State::unusable, "it is a socket, not a file"};
  if (S_ISCHR(st.st_mode)) return {State::unusable, "it is a character device, not a file"};
  if (S_ISBLK(st.st_mode)) return {State::unusable, "it is a block device, not a file"};
  return {State::unusable, "it is not a file or a directory"};
}

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

std::string extension_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace lightcone
