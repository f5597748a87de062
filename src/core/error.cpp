#include "core/error.hpp"

#include <algorithm>

namespace lightcone {

SourceNames SourceNames::command_line(const std::string& option) {
  return {option, option + "-where", option + " PATH:LAYER", "--site-id"};
}

InputErrorFields about_layer(std::string file, std::string layer, std::string key) {
  InputErrorFields f;
  f.file = std::move(file);
  f.layer = std::move(layer);
  f.key = std::move(key);
  return f;
}

InputErrorFields about_file(std::string file, std::string key) {
  return about_layer(std::move(file), "", std::move(key));
}

InputMessage& InputMessage::operator+=(const InputMessage& more) {
  m_parts.insert(m_parts.end(), more.m_parts.begin(), more.m_parts.end());
  return *this;
}

std::string InputMessage::render(const SourceNames& names) const {
  std::string out;
  for (const Part& p : m_parts) {
    if (!p.setting) {
      out += p.text;
      continue;
    }
    switch (*p.setting) {
      case Setting::source: out += names.source; break;
      case Setting::where: out += names.where; break;
      case Setting::path_and_layer: out += names.path_and_layer; break;
      case Setting::id_field: out += names.id_field; break;
      case Setting::field: out += names.field ? names.field(p.key) : p.text; break;
    }
  }
  return out;
}

bool InputMessage::names(Setting s) const {
  return std::any_of(m_parts.begin(), m_parts.end(), [s](const Part& p) { return p.setting == s; });
}

std::string escape_control(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out += c;
      continue;
    }
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\0': out += "\\0"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\x";
        out += kHex[u >> 4];
        out += kHex[u & 0xf];
      }
    }
  }
  return out;
}

InputError::InputError(const std::string& message)
    : std::runtime_error(escape_control(message)), m_data(std::make_shared<const Data>(Data{{}, InputMessage{message}})) {}

InputError::InputError(InputErrorFields fields, InputMessage message)
    : std::runtime_error(escape_control(message.render(SourceNames::command_line(fields.option)))),
      m_data(std::make_shared<const Data>(Data{std::move(fields), std::move(message)})) {}

}  // namespace lightcone
