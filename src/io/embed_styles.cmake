# Generates a C++ source holding maps/*.qml as string literals (run by CMake -P).
# Inputs: OUT (file to write), QML (list of .qml paths).
set(body "// Generated from maps/*.qml by src/io/embed_styles.cmake. Do not edit.\n#include <string_view>\n#include \"io/write.hpp\"\nnamespace lightcone {\nnamespace {\nstruct Style { std::string_view layer; std::string_view qml; };\nconstexpr Style kStyles[] = {\n")
list(SORT QML)
foreach(f IN LISTS QML)
  get_filename_component(name "${f}" NAME_WE)
  file(READ "${f}" content)
  string(APPEND body "  {\"${name}\", R\"lcqml(${content})lcqml\"},\n")
endforeach()
string(APPEND body "  {\"\", \"\"}};\n}  // namespace\nstd::string_view qgis_style(std::string_view layer) {\n  for (const Style& s : kStyles)\n    if (!s.layer.empty() && s.layer == layer) return s.qml;\n  return {};\n}\n}  // namespace lightcone\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
