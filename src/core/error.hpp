// Error types. InputError: input that cannot be used at all (the CLI maps it to exit
// code 2). Its message follows "<what> (<file>:<layer>:fid=<n>). <hint>".
//
// Errors about a data source (io) are typed: besides the message they carry where the
// bad input is (file, layer, feature id), which user setting is at fault (`key`) and what
// kind of failure it is, so that callers never parse the text. Their message keeps the
// user's settings apart from the text (`Setting`), and each front end words them its own
// way from the same fields: what() is the command line's wording ("--sites-where",
// "--sites PATH:LAYER"); a scenario says "'where' in [sites]" (see InputError::text).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lightcone {

// A user setting a message refers to, worded by whoever shows the message.
enum class Setting {
  source,          // the option or table that named the source: "--sites", "[sites]"
  where,           // its attribute filter: "--sites-where", "'where' in [sites]"
  path_and_layer,  // its path and layer: "--sites PATH:LAYER", "'path' and 'layer' in [sites]"
  id_field,        // the sites' id field: "--site-id", "'id_field' in [sites]"
  field,           // a field-mapping setting, by its key: "--weight", "'weight_field' in [demand]"
};

// How a front end words each Setting.
struct SourceNames {
  std::string source;
  std::string where;
  std::string path_and_layer;
  std::string id_field;
  // A field-mapping setting by its key ("weight", "length_unit"); empty: the command
  // line's option, which the message carries.
  std::function<std::string(std::string_view key)> field = nullptr;
  // The command line's wording for the source given with `option` ("--sites").
  static SourceNames command_line(const std::string& option);
};

// Message text with references to settings, rendered with a front end's SourceNames.
class InputMessage {
 public:
  struct Part {
    // Implicit, so that a message reads as a list: {"invalid ", Setting::where, " \"", where, ...}.
    Part(std::string t) : text(std::move(t)) {}
    Part(const char* t) : text(t) {}
    Part(Setting s) : setting(s) {}
    // A field-mapping setting: its key and the command line's option ("weight", "--weight").
    Part(Setting s, std::string mapping_key, std::string option)
        : text(std::move(option)), setting(s), key(std::move(mapping_key)) {}
    std::string text;
    std::optional<Setting> setting;
    std::string key;
  };
  InputMessage() = default;
  InputMessage(std::initializer_list<Part> parts) : m_parts(parts) {}
  InputMessage& operator+=(const InputMessage& more);
  std::string render(const SourceNames& names) const;
  // True when the message refers to `s` (and so names it to the user).
  bool names(Setting s) const;

 private:
  std::vector<Part> m_parts;
};

enum class InputErrorKind {
  other,
  no_feature_matches,  // the attribute filter (key "where") matched no feature
};

// Where the bad input is and what is wrong with it. Empty strings: not known / none.
struct InputErrorFields {
  std::string file;                // the data source's path as given
  std::string layer;               // its layer (the one asked for when it was not found)
  std::optional<std::int64_t> fid;  // the feature at fault
  // The user setting at fault, in the reader's terms: "path", "layer", "where",
  // "assume_crs", or a field-mapping key of LineFields / PointFields ("weight",
  // "length", "length_unit", ...). Empty: the data itself is at fault (e.g. no usable
  // geometry), or the error is not about a source.
  std::string key;
  InputErrorKind kind = InputErrorKind::other;
  std::string option;  // the option or table that named the source (Setting::source)
};

// The fields of an error about a layer of a file, or the whole file.
InputErrorFields about_layer(std::string file, std::string layer, std::string key);
InputErrorFields about_file(std::string file, std::string key = "path");

// `text` with its control characters written as escapes, so that a message stays one
// line that a terminal shows as it is and nothing after a NUL is lost: "\n", "\r",
// "\t", "\0", "\x1b" (any other byte below 0x20, and 0x7f). Everything else,
// backslashes and UTF-8 included, is kept, so escaping twice changes nothing.
std::string escape_control(std::string_view text);

// Messages are escaped (escape_control) where they are made: what() and text() are
// one line of printable text whatever the data (a field name, a value, a path) held.
class InputError : public std::runtime_error {
 public:
  // A plain message, no fields (what() is `message`, escaped).
  explicit InputError(const std::string& message);
  // A typed error; what() is the message in the command line's wording.
  InputError(InputErrorFields fields, InputMessage message);

  const std::string& file() const { return m_data->fields.file; }
  const std::string& layer() const { return m_data->fields.layer; }
  const std::optional<std::int64_t>& fid() const { return m_data->fields.fid; }
  const std::string& key() const { return m_data->fields.key; }
  InputErrorKind kind() const { return m_data->fields.kind; }
  const InputErrorFields& fields() const { return m_data->fields; }
  const InputMessage& message() const { return m_data->message; }
  // The message with the settings worded by `names` (what() is
  // text(SourceNames::command_line(fields().option))).
  std::string text(const SourceNames& names) const { return escape_control(m_data->message.render(names)); }

 private:
  // Shared, so that copying the exception cannot throw.
  struct Data {
    InputErrorFields fields;
    InputMessage message;
  };
  std::shared_ptr<const Data> m_data;
};

}  // namespace lightcone
