// libFuzzer target: scenario text (TOML) through the project's scenario parser, the one
// that `plan` and `check` use (parse_scenario; nothing but the text is read). Invalid
// input must end in an InputError; any other exception, a crash or a sanitizer report is
// a finding. Built with -DLIGHTCONE_LIBFUZZER=ON under clang (tests/fuzz/CMakeLists.txt);
// run by `tests/run.sh --with-fuzz` on the seed corpus tests/fuzz/seeds/*.toml.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const lightcone::Scenario s = lightcone::parse_scenario(text, "/fuzz/scenario.toml");
    (void)s;
  } catch (const lightcone::InputError&) {
  }
  return 0;
}
