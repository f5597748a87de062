// A run directory replaced as a whole (`plan --out D`, `check --out D`).
//
// The run is written into a staging directory beside D and swapped in with one rename,
// so that at any moment (a kill -9, a full disk, an error) D holds either the previous
// complete run or the new complete run, never a mix:
// - the constructor creates D when missing and takes an advisory lock on it (flock), so
//   a second writer is refused (InputError) instead of mixing its files with the first's;
//   it removes staging directories left beside D by dead runs and makes a new one;
// - the caller writes every file of the run under staging();
// - commit() writes manifest.json (every file the run wrote, with its size and SHA-256),
//   hard-links into the staging directory the files of D that lightcone did not write
//   (those the previous run's manifest does not list: a user's notes survive), swaps the
//   staging directory with D (renameat2 RENAME_EXCHANGE; two renames where the file
//   system cannot exchange) and removes the previous run;
// - destruction without commit() removes the staging directory, and D itself when this
//   object created it and it is still empty.
// A non-empty D that holds no lightcone run is refused: a run directory is one unit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lightcone {

inline constexpr const char* kRunManifest = "manifest.json";

// A file of a run, relative to its directory ("maps/zones.png").
struct ManifestEntry {
  std::string path;
  std::uint64_t bytes = 0;
  std::string sha256;  // empty for files that differ between identical runs (timings.json)
};

struct RunManifest {
  std::string scenario_digest;  // "sha256:..." of the scenario and its inputs (plan/run_dir.hpp)
  std::vector<ManifestEntry> files;
};

// Reads D/manifest.json; nullopt when D has none. InputError when it is unreadable.
std::optional<RunManifest> read_manifest(const std::string& dir);
// The SHA-256 of a file's bytes (hex). InputError when it cannot be read.
std::string file_sha256(const std::string& path);

class RunDirectory {
 public:
  // `known_files`: the files an earlier version wrote into a run directory, taken as
  // lightcone's when D has no manifest. `volatile_files` are listed in the manifest
  // without size and digest. InputError when D cannot be the output directory (a file,
  // a missing parent, not writable, locked by another run, not empty and not a run).
  RunDirectory(const std::string& dir, std::vector<std::string> known_files, std::vector<std::string> volatile_files);
  ~RunDirectory();
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;

  // D as given.
  const std::string& dir() const { return m_dir; }
  const std::string& staging() const { return m_staging; }
  // staging()/relative.
  std::string staged(const std::string& relative) const;
  // Writes the manifest and swaps the staged run in (see above). InputError when a file
  // of D that lightcone did not write has the name of one this run wrote, or when the
  // swap fails (D then keeps the previous run).
  void commit(const std::string& scenario_digest);

 private:
  std::string m_dir;        // as given, for messages
  std::string m_target;     // D with links resolved
  std::string m_staging;
  std::vector<std::string> m_known;
  std::vector<std::string> m_volatile;
  int m_lock_fd = -1;
  bool m_created = false;   // D did not exist before
  bool m_committed = false;
};

}  // namespace lightcone
