#include "plan/run_directory.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

#include "core/error.hpp"
#include "core/sha256.hpp"
#include "io/write.hpp"

namespace lightcone {
namespace {

namespace fs = std::filesystem;

std::atomic<unsigned> g_staging_counter{0};

std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

// Names beside D that only lightcone makes: ".D.staging-*" and ".D.old-*".
std::string staging_prefix(const fs::path& target) { return "." + target.filename().string() + ".staging-"; }
std::string old_prefix(const fs::path& target) { return "." + target.filename().string() + ".old-"; }

// A temporary file of io/atomic_file.hpp (".NAME.tmpPID-N[.EXT]"), left by a killed process.
bool is_temp_leftover(const fs::path& p) {
  const std::string f = p.filename().string();
  return f.size() > 1 && f[0] == '.' && f.find(".tmp") != std::string::npos;
}

void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

bool same_inode(int fd, const std::string& path) {
  struct stat a {};
  struct stat b {};
  return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// The run's files under `root`, as sorted relative paths.
std::vector<std::string> files_under(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), root).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string file_sha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(about_file(path), {"cannot read (" + path + ")."});
  Sha256 h;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.update(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw InputError(about_file(path), {"cannot read (" + path + ")."});
  return h.hex();
}

std::optional<RunManifest> read_manifest(const std::string& dir) {
  const fs::path file = fs::path(dir) / kRunManifest;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  RunManifest m;
  const bool ok = j.is_object() && j.contains("files") && j["files"].is_array();
  if (ok) {
    if (j.contains("scenario_digest") && j["scenario_digest"].is_string()) m.scenario_digest = j["scenario_digest"];
    for (const auto& f : j["files"]) {
      if (!f.is_object() || !f.contains("path") || !f["path"].is_string()) continue;
      ManifestEntry e;
      e.path = f["path"].get<std::string>();
      if (f.contains("bytes") && f["bytes"].is_number_unsigned()) e.bytes = f["bytes"].get<std::uint64_t>();
      if (f.contains("sha256") && f["sha256"].is_string()) e.sha256 = f["sha256"].get<std::string>();
      m.files.push_back(std::move(e));
    }
  }
  if (!ok) {
    throw InputError(about_file(file.string()), {file.string() + " is not a lightcone run manifest. Remove it, or give "
                                                                "another directory."});
  }
  return m;
}

RunDirectory::RunDirectory(const std::string& dir, std::vector<std::string> known_files,
                           std::vector<std::string> volatile_files)
    : m_dir(dir), m_known(std::move(known_files)), m_volatile(std::move(volatile_files)) {
  if (dir.empty()) throw InputError("--out needs a directory name.");
  std::error_code ec;
  const fs::path d(dir);
  if (fs::exists(d, ec)) {
    if (!fs::is_directory(d, ec)) throw InputError("--out names a file, not a directory (" + dir + ").");
  } else {
    const fs::path parent = d.parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
      throw InputError("the parent of --out does not exist (" + parent.string() + "). Create it or change --out.");
    }
    m_created = fs::create_directory(d, ec);
    if (!m_created && !fs::is_directory(d)) {
      throw InputError("cannot create the output directory (" + dir + "): " + ec.message() + ".");
    }
  }
  m_target = fs::canonical(d, ec).string();
  if (ec) throw InputError("cannot resolve --out (" + dir + "): " + ec.message() + ".");
  // Lock D. A run that finishes while we wait may swap a new directory in: lock that one.
  for (int attempt = 0;; ++attempt) {
    m_lock_fd = ::open(m_target.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (m_lock_fd < 0) throw InputError("cannot open the output directory (" + dir + "): " + errno_text(errno) + ".");
    if (::flock(m_lock_fd, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      ::close(m_lock_fd);
      m_lock_fd = -1;
      if (e == EWOULDBLOCK) {
        throw InputError("another lightcone run is writing " + dir +
                         " now. Wait for it to finish, or give another --out directory.");
      }
      throw InputError("cannot lock the output directory (" + dir + "): " + errno_text(e) + ".");
    }
    if (same_inode(m_lock_fd, m_target)) break;
    ::close(m_lock_fd);
    m_lock_fd = -1;
    if (attempt == 10) throw InputError("the output directory (" + dir + ") keeps changing; is another program replacing it?");
  }
  const fs::path target(m_target);
  if (!m_created && !fs::is_empty(target, ec) && !fs::exists(target / kRunManifest, ec)) {
    const bool has_run = std::any_of(m_known.begin(), m_known.end(),
                                     [&](const std::string& f) { return fs::exists(target / f, ec); });
    if (!has_run) {
      ::close(m_lock_fd);
      m_lock_fd = -1;
      throw InputError(dir + " is not empty and holds no lightcone run. A run replaces its directory as a whole: give "
                             "a new or empty directory for --out, or one written by lightcone plan.");
    }
  }
  // Leftovers of runs that died (we hold the lock: no live run of D is staging now).
  const fs::path parent = target.parent_path();
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string f = e.path().filename().string();
    if (f.rfind(staging_prefix(target), 0) == 0 || f.rfind(old_prefix(target), 0) == 0) {
      std::error_code ignored;
      fs::remove_all(e.path(), ignored);
    }
  }
  m_staging = (parent / (staging_prefix(target) + std::to_string(::getpid()) + "-" +
                         std::to_string(g_staging_counter.fetch_add(1))))
                  .string();
  if (!fs::create_directory(m_staging, ec)) {
    ::close(m_lock_fd);
    m_lock_fd = -1;
    throw InputError("cannot create a staging directory beside " + dir + " (" + m_staging + "): " +
                     (ec ? ec.message() : std::string("it exists")) + ". Give an --out in a writable directory.");
  }
}

RunDirectory::~RunDirectory() {
  std::error_code ec;
  if (!m_committed) {
    if (!m_staging.empty()) fs::remove_all(m_staging, ec);
    if (m_created) fs::remove(m_target, ec);  // only when still empty
  }
  if (m_lock_fd >= 0) ::close(m_lock_fd);
}

std::string RunDirectory::staged(const std::string& relative) const { return (fs::path(m_staging) / relative).string(); }

void RunDirectory::commit(const std::string& scenario_digest) {
  const fs::path staging(m_staging);
  const fs::path target(m_target);
  // The manifest: every file this run wrote.
  nlohmann::ordered_json j;
  j["lightcone_run"] = 1;
  j["note"] = "The files lightcone wrote for this run. The next run into this directory replaces exactly these; "
              "other files are kept.";
  j["scenario_digest"] = scenario_digest;
  j["files"] = nlohmann::ordered_json::array();
  std::set<std::string> written;
  for (const std::string& rel : files_under(staging)) {
    written.insert(rel);
    nlohmann::ordered_json f;
    f["path"] = rel;
    if (std::find(m_volatile.begin(), m_volatile.end(), rel) == m_volatile.end()) {
      f["bytes"] = fs::file_size(staging / rel);
      f["sha256"] = file_sha256((staging / rel).string());
    }
    j["files"].push_back(std::move(f));
  }
  write_text_file((staging / kRunManifest).string(), j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
  written.insert(kRunManifest);

  // The files of D that lightcone did not write stay: hard links into the new run.
  std::set<std::string> previous(m_known.begin(), m_known.end());
  if (const std::optional<RunManifest> m = read_manifest(m_target)) {
    previous.clear();
    for (const ManifestEntry& e : m->files) previous.insert(e.path);
  }
  previous.insert(kRunManifest);
  std::error_code ec;
  auto in_the_way = [&](const fs::path& rel, const char* what) {
    return InputError((fs::path(m_dir) / rel).string() + " is " + what +
                      " that lightcone did not write (the run's manifest does not list it), and this run writes a "
                      "file of that name. Move it away and run again; the directory keeps its previous run.");
  };
  // A path of D whose name is also a file of the new run, or lies below one.
  auto collides = [&](const fs::path& rel) {
    for (fs::path p = rel; !p.empty(); p = p.parent_path())
      if (written.count(p.generic_string())) return true;
    return false;
  };
  try {
    for (auto it = fs::recursive_directory_iterator(target, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      const fs::path rel = fs::relative(it->path(), target);
      const fs::path to = staging / rel;
      if (it->is_directory() && !it->is_symlink()) {
        if (!fs::is_empty(it->path())) continue;
        if (collides(rel)) throw in_the_way(rel, "a directory");
        fs::create_directories(to);
        continue;
      }
      if (previous.count(rel.generic_string()) || is_temp_leftover(rel)) continue;
      if (collides(rel)) throw in_the_way(rel, "a file");
      fs::create_directories(to.parent_path());
      std::error_code lec;
      if (it->is_symlink()) {
        fs::copy_symlink(it->path(), to, lec);
      } else {
        fs::create_hard_link(it->path(), to, lec);
        if (lec) fs::copy_file(it->path(), to, lec);
      }
      if (lec) {
        throw InputError("cannot keep " + (fs::path(m_dir) / rel).string() + " in the new run: " + lec.message() +
                         ". The directory keeps its previous run.");
      }
    }
  } catch (const fs::filesystem_error& e) {
    throw InputError("cannot keep the files of " + m_dir + " that lightcone did not write (" + e.path1().string() +
                     "): " + e.code().message() + ". The directory keeps its previous run.");
  }
  if (ec) throw InputError("cannot read the output directory (" + m_dir + "): " + ec.message() + ".");
  for (const auto& e : fs::recursive_directory_iterator(staging))
    if (e.is_directory()) sync_directory(e.path());
  sync_directory(staging);

  // The swap: one atomic exchange where the file system can, else two renames.
  fs::path old = staging;
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
    const int e = errno;
    if (e != EINVAL && e != ENOSYS && e != EOPNOTSUPP) {
      throw InputError("cannot move the new run into " + m_dir + ": " + errno_text(e) +
                       ". The directory keeps its previous run.");
    }
    old = target.parent_path() / (old_prefix(target) + std::to_string(::getpid()));
    if (std::rename(target.c_str(), old.c_str()) != 0) {
      throw InputError("cannot move the previous run of " + m_dir + " aside: " + errno_text(errno) + ".");
    }
    if (std::rename(staging.c_str(), target.c_str()) != 0) {
      const int e2 = errno;
      std::rename(old.c_str(), target.c_str());
      throw InputError("cannot move the new run into " + m_dir + ": " + errno_text(e2) +
                       ". The directory keeps its previous run.");
    }
  }
  m_committed = true;
  fs::remove_all(old, ec);
  sync_directory(target.parent_path());
}

}  // namespace lightcone
