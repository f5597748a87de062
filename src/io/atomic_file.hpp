// Atomic replacement of an output file: the content is written under a temporary name
// beside the target (same directory, so the rename stays on one file system), flushed to
// disk and renamed onto the target. A reader sees the old file or the complete new one,
// and a failed write leaves the target as it was and no temporary file behind.
#pragma once

#include <string>

namespace lightcone {

// Throws InputError when the directory `target` would be written to does not exist, or
// `target` is a directory, FIFO, socket or device.
void check_output_directory(const std::string& target);

class AtomicFile {
 public:
  // Picks the temporary name ".NAME.tmpPID-N[.EXT]" beside `target`, unique within the
  // process; `keep_extension` appends the target's extension, for writers that choose
  // their format by it (GDAL's CSV driver). Throws InputError as
  // check_output_directory does.
  explicit AtomicFile(const std::string& target, bool keep_extension = false);
  // Removes the temporary file (and GDAL's .aux.xml sidecar) unless committed.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Where to write the content.
  const std::string& temp_path() const { return m_temp; }
  // Flushes the written temporary file to disk (fsync) and renames it onto the target.
  // REQUIRES: the temporary file is written and closed. Throws InputError naming the
  // target when either fails (the temporary file is then removed).
  void commit();

 private:
  std::string m_target;
  std::string m_temp;
  bool m_committed = false;
};

}  // namespace lightcone
