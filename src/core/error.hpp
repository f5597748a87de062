// Error types. InputError: input that cannot be used at all (the CLI maps it to exit
// code 2). Its message follows "<what> (<file>:<layer>:fid=<n>). <hint>".
#pragma once

#include <stdexcept>
#include <string>

namespace lightcone {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace lightcone
