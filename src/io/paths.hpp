// Outputs must never destroy inputs (DESIGN §8: nothing half-written, no input lost).
// Before any work, every file a command will write is compared with every file it
// reads: same canonical path, or the same file through a link (device and inode).
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

}  // namespace lightcone
