#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "core/error.hpp"

namespace lightcone {
namespace {

namespace fs = std::filesystem;

std::atomic<unsigned> g_temp_counter{0};

std::string errno_text() { return std::error_code(errno, std::generic_category()).message(); }

// Flushes `path` to disk; the reason when that fails, else empty.
std::string sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_text();
  std::string problem;
  if (::fsync(fd) != 0) problem = errno_text();
  if (::close(fd) != 0 && problem.empty()) problem = errno_text();
  return problem;
}

void remove_quietly(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);
}

}  // namespace

void check_output_directory(const std::string& target) {
  const fs::path t(target);
  const fs::path dir = t.parent_path().empty() ? "." : t.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(about_file(target),
                     {"output directory does not exist (" + dir.string() + "). Create it or change --out."});
  }
  // The rename would fail on a directory only after all the work, and would replace a
  // FIFO or a device (/dev/null) with a file.
  const fs::file_status st = fs::status(t, ec);
  if (fs::is_directory(st)) {
    throw InputError(about_file(target),
                     {"cannot write " + target + ": it is a directory. Give the name of a file to write."});
  }
  if (fs::exists(st) && !fs::is_regular_file(st)) {
    throw InputError(about_file(target), {"cannot write " + target +
                                          ": it is not a regular file (a FIFO, socket or device). Give the name of a "
                                          "file to write."});
  }
}

AtomicFile::AtomicFile(const std::string& target, bool keep_extension) : m_target(target) {
  check_output_directory(target);
  const fs::path t(target);
  const fs::path dir = t.parent_path().empty() ? "." : t.parent_path();
  m_temp = (dir / ("." + t.filename().string() + ".tmp" + std::to_string(::getpid()) + "-" +
                   std::to_string(g_temp_counter.fetch_add(1)) + (keep_extension ? t.extension().string() : "")))
               .string();
  remove_quietly(m_temp);  // left by a crashed process that had the same id
}

AtomicFile::~AtomicFile() {
  if (m_committed) return;
  remove_quietly(m_temp);
  remove_quietly(m_temp + ".aux.xml");
}

void AtomicFile::commit() {
  std::string problem = sync_file(m_temp);
  if (problem.empty() && std::rename(m_temp.c_str(), m_target.c_str()) != 0) problem = errno_text();
  if (!problem.empty()) {
    throw InputError(about_file(m_target),
                     {"cannot write (" + m_target + "): " + problem + ". Check the directory is writable."});
  }
  m_committed = true;
}

}  // namespace lightcone
