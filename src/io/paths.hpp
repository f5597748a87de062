// Outputs must never destroy inputs (DESIGN §8: nothing half-written, no input lost).
// Before any work, every file a command will write is compared with every file it
// reads: same canonical path, or the same file through a link (device and inode).
// And what a data source path is before GDAL opens it: a FIFO or a device would make
// the open block or never end, a loop of links fails deep inside GDAL.
#pragma once

#include <span>
#include <string>

namespace lightcone {

// A file a command reads or writes, and the option or key that names it ("--out",
// "--network", "[sites] path").
struct NamedPath {
  std::string role;
  std::string path;
};

// InputError "<out role> <out path> is also an input (<in role> <in path>): writing it
// would destroy the input. ..." when an output is an input. Inputs that are not plain
// files (PG:..., /vsi...) and empty paths are skipped.
void check_outputs_are_not_inputs(std::span<const NamedPath> outputs, std::span<const NamedPath> inputs);

// What a data source path names, as far as reading it goes.
struct InputPathStatus {
  enum class State {
    usable,     // a regular file or a directory (datasets can be directories), or not
                // a plain path (PG:..., /vsi...): GDAL may try it
    not_found,  // nothing there (also a link to nothing)
    unusable,   // a FIFO, socket or device, a loop of links, no permission to look
  };
  State state = State::usable;
  // For unusable, why, for messages: "it is a FIFO (named pipe), not a file", "it is
  // a loop of symbolic links", "Permission denied".
  std::string reason;
};
InputPathStatus input_path_status(const std::string& path);

// The extension of a path's last component, with its dot, in lower case ("" if none):
// "a/B.GPKG" gives ".gpkg".
std::string extension_of(const std::string& path);

}  // namespace lightcone
