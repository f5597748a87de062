// Where the real test data is: tests/data, small copies and cuts of the team's shared
// data kept in the repository so that a clone alone runs every test (sources, licences
// and how each file was cut: tests/data/README.md). The same relative paths under the
// full shared data folder (CMake cache variable LIGHTCONE_SHARED_DATA, DEFAULT:
// ../shared/data beside the repository) hold the whole collections; tests over those are
// optional extras that skip, saying why, when the folder is absent.
#pragma once

#include <filesystem>
#include <string>

namespace lightcone::test {

inline std::string test_data(const std::string& rel) {
  return std::string(LIGHTCONE_SOURCE_DIR) + "/tests/data/" + rel;
}
inline std::string shared_data(const std::string& rel) { return std::string(LIGHTCONE_SHARED_DATA) + "/" + rel; }
inline bool have_shared_data(const std::string& rel) { return std::filesystem::exists(shared_data(rel)); }

}  // namespace lightcone::test

// In a test body: skip, saying why, when `rel` is not in the full shared data folder.
#define LIGHTCONE_SKIP_WITHOUT_SHARED_DATA(rel)                                                   \
  do {                                                                                          \
    if (!::lightcone::test::have_shared_data(rel))                                              \
      GTEST_SKIP() << "optional full-collection test: " << ::lightcone::test::shared_data(rel)  \
                   << " not found (configure with -DLIGHTCONE_SHARED_DATA=<the team's shared " \
                   << "data folder>; the default tests use the cut in tests/data)";             \
  } while (false)
