#include "core/pg_source.hpp"

#include <cctype>
#include <vector>

namespace lightcone {
namespace {

constexpr std::string_view kPrefix = "PG:";

bool is_blank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

bool is_uri(std::string_view conn) {
  return conn.rfind("postgresql://", 0) == 0 || conn.rfind("postgres://", 0) == 0;
}

// One keyword = value pair of a libpq connection string; [begin, end) is the value as
// written (with its quotes), `value` the value meant.
struct Pair {
  std::string key;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string value;
};

// The pairs of a keyword/value connection string, up to the first malformed one.
std::vector<Pair> keyword_pairs(std::string_view s) {
  std::vector<Pair> out;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (true) {
    while (i < n && is_blank(s[i])) ++i;
    if (i >= n) break;
    Pair p;
    while (i < n && s[i] != '=' && !is_blank(s[i])) p.key += s[i++];
    while (i < n && is_blank(s[i])) ++i;
    if (i >= n || s[i] != '=' || p.key.empty()) break;
    ++i;
    while (i < n && is_blank(s[i])) ++i;
    p.begin = i;
    if (i < n && s[i] == '\'') {
      ++i;
      bool closed = false;
      while (i < n) {
        if (s[i] == '\\' && i + 1 < n) {
          p.value += s[i + 1];
          i += 2;
        } else if (s[i] == '\'') {
          ++i;
          closed = true;
          break;
        } else {
          p.value += s[i++];
        }
      }
      if (!closed) break;
    } else {
      while (i < n && !is_blank(s[i])) {
        if (s[i] == '\\' && i + 1 < n) {
          p.value += s[i + 1];
          i += 2;
        } else {
          p.value += s[i++];
        }
      }
    }
    p.end = i;
    for (char& c : p.key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back(std::move(p));
  }
  return out;
}

// A URI's parts: [user_begin, at) is the user info ("user:password"), host from after
// '@' (or "//") to the first '/', dbname up to '?'.
struct UriParts {
  std::size_t info_begin = std::string_view::npos;  // npos: no user info
  std::size_t info_end = 0;
  std::string host;
  std::string dbname;
};

UriParts uri_parts(std::string_view conn) {
  UriParts u;
  std::size_t start = conn.find("://") + 3;
  std::size_t slash = conn.find('/', start);
  std::string_view authority = conn.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    u.info_begin = start;
    u.info_end = start + at;
    authority = authority.substr(at + 1);
  }
  u.host = std::string(authority);
  if (slash != std::string_view::npos) {
    std::string_view rest = conn.substr(slash + 1);
    u.dbname = std::string(rest.substr(0, rest.find('?')));
  }
  return u;
}

}  // namespace

bool is_pg_source(std::string_view text) { return text.rfind(kPrefix, 0) == 0; }

std::optional<PgSourceSplit> split_pg_source(std::string_view text) {
  if (!is_pg_source(text)) return std::nullopt;
  std::string_view s = text.substr(kPrefix.size());
  std::size_t lead = 0;
  while (lead < s.size() && is_blank(s[lead])) ++lead;
  if (lead < s.size() && (s[lead] == '"' || s[lead] == '\'')) {
    const char q = s[lead];
    const std::size_t close = s.find(q, lead + 1);
    if (close == std::string_view::npos) return std::nullopt;
    PgSourceSplit out{std::string(kPrefix) + std::string(s.substr(lead + 1, close - lead - 1)), ""};
    std::string_view rest = s.substr(close + 1);
    while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
    while (!rest.empty() && is_blank(rest.back())) rest.remove_suffix(1);
    if (rest.empty()) return out;
    if (rest.front() != ':') return std::nullopt;
    rest.remove_prefix(1);
    while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
    if (rest.empty()) return std::nullopt;
    out.layer = std::string(rest);
    return out;
  }
  // Unquoted: the last ':' outside single quotes.
  std::size_t last = std::string_view::npos;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (quoted && s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] == '\'') quoted = !quoted;
    else if (s[i] == ':' && !quoted) last = i;
  }
  PgSourceSplit whole{std::string(text), ""};
  if (last == std::string_view::npos || last == 0) return whole;
  const char before = s[last - 1];
  if (before == '=' || before == ':') return whole;
  const std::string_view layer = s.substr(last + 1);
  if (layer.empty()) return whole;
  for (char c : layer)
    if (c == '=' || c == '/' || c == '@' || c == '\'' || c == '"' || is_blank(c)) return whole;
  std::string_view conn = s.substr(0, last);
  while (!conn.empty() && is_blank(conn.back())) conn.remove_suffix(1);
  return PgSourceSplit{std::string(kPrefix) + std::string(conn), std::string(layer)};
}

std::string redact_pg_source(std::string_view text) {
  if (!is_pg_source(text)) return std::string(text);
  const std::string_view conn = text.substr(kPrefix.size());
  std::string out(kPrefix);
  if (is_uri(conn)) {
    const UriParts u = uri_parts(conn);
    if (u.info_begin == std::string_view::npos) return std::string(text);
    const std::string_view info = conn.substr(u.info_begin, u.info_end - u.info_begin);
    const std::size_t colon = info.find(':');
    if (colon == std::string_view::npos) return std::string(text);
    out += std::string(conn.substr(0, u.info_begin + colon + 1)) + "***" + std::string(conn.substr(u.info_end));
    return out;
  }
  std::size_t at = 0;
  for (const Pair& p : keyword_pairs(conn)) {
    if (p.key != "password") continue;
    out += std::string(conn.substr(at, p.begin - at)) + "***";
    at = p.end;
  }
  out += std::string(conn.substr(at));
  return out;
}

std::string pg_source_target(std::string_view text) {
  if (!is_pg_source(text)) return std::string(text);
  const std::string_view conn = text.substr(kPrefix.size());
  std::string out;
  auto add = [&out](const std::string& key, const std::string& value) {
    if (value.empty()) return;
    out += (out.empty() ? "" : " ") + key + "=" + value;
  };
  if (is_uri(conn)) {
    const UriParts u = uri_parts(conn);
    add("host", u.host);
    add("dbname", u.dbname);
    if (u.info_begin != std::string_view::npos) {
      const std::string_view info = conn.substr(u.info_begin, u.info_end - u.info_begin);
      add("user", std::string(info.substr(0, info.find(':'))));
    }
  } else {
    const std::vector<Pair> pairs = keyword_pairs(conn);
    for (const char* key : {"service", "host", "hostaddr", "port", "dbname", "user"})
      for (const Pair& p : pairs)
        if (p.key == key) add(key, p.value);
  }
  return out.empty() ? "(defaults)" : out;
}

std::string pg_source_password(std::string_view text) {
  if (!is_pg_source(text)) return {};
  const std::string_view conn = text.substr(kPrefix.size());
  if (is_uri(conn)) {
    const UriParts u = uri_parts(conn);
    if (u.info_begin == std::string_view::npos) return {};
    const std::string_view info = conn.substr(u.info_begin, u.info_end - u.info_begin);
    const std::size_t colon = info.find(':');
    return colon == std::string_view::npos ? std::string() : std::string(info.substr(colon + 1));
  }
  std::string out;
  for (const Pair& p : keyword_pairs(conn))
    if (p.key == "password") out = p.value;
  return out;
}

}  // namespace lightcone
