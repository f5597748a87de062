// Small fixtures drawn as ASCII maps (Valhalla gurka style). Every letter or digit of
// the drawing is a labelled point; one character is `metres_per_char` metres, x to the
// east and rows downwards to the south, placed with exact WGS 84 geodesics from an
// origin. Lines are spelled by their labels ("amb": a → m → b); the dashes and bars of
// the drawing are only for the reader. Results are spelled back the same way, so a test
// reads like the map: nodes "abmt", edges {"a-m", "b-m", "m-t"}.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "network/network.hpp"
#include "support/oracles.hpp"

namespace lightcone::test {

class AsciiMap {
 public:
  AsciiMap(std::string_view art, double metres_per_char, LonLat origin = {10.0, 50.0}) {
    MetreGrid grid{origin};
    int row = 0;
    int col = 0;
    for (char c : art) {
      if (c == '\n') {
        ++row;
        col = 0;
        continue;
      }
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        if (m_points.contains(c)) throw std::invalid_argument(std::string("label drawn twice: ") + c);
        m_points[c] = grid.at(col * metres_per_char, -row * metres_per_char);
      }
      ++col;
    }
  }

  LonLat at(char label) const { return m_points.at(label); }
  // Adds or moves a label to an exact position (offsets finer than one character).
  void put(char label, LonLat p) { m_points[label] = p; }
  std::vector<LonLat> line(std::string_view labels) const {
    std::vector<LonLat> out;
    for (char c : labels) out.push_back(at(c));
    return out;
  }
  // Lines given by their labels; fid = 100 + position in the list.
  LineInput lines(std::initializer_list<std::string_view> spelled) const {
    LineInput in;
    std::int64_t fid = 100;
    for (std::string_view s : spelled) in.add_line(line(s), fid++);
    return in;
  }

  // The label of a drawn point within 1 mm of p, or '?'.
  char label_of(LonLat p) const {
    for (const auto& [c, q] : m_points)
      if (p == q || geod_m(p, q) < 1e-3) return c;
    return '?';
  }
  // Node labels, sorted: "abmt".
  std::string nodes(const Network& net) const {
    std::string out;
    for (LonLat p : net.node_pos) out += label_of(p);
    std::sort(out.begin(), out.end());
    return out;
  }
  // Edges spelled through their geometry from the end with the smaller label, sorted.
  std::vector<std::string> edges(const Network& net) const {
    std::vector<std::string> out;
    for (EdgeId e = 0; e < net.edges(); ++e) out.push_back(spell(net, e));
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string spell(const Network& net, EdgeId e) const {
    std::string s;
    for (LonLat p : net.edge_geometry(e)) {
      if (!s.empty()) s += '-';
      s += label_of(p);
    }
    std::string r(s.rbegin(), s.rend());
    return std::min(s, r);
  }
  // The edge spelled `spelled` (either direction); kNone when there is none.
  EdgeId edge(const Network& net, std::string_view spelled) const {
    for (EdgeId e = 0; e < net.edges(); ++e) {
      std::string s = spell(net, e);
      std::string r(s.rbegin(), s.rend());
      if (s == spelled || r == spelled) return e;
    }
    return kNone;
  }

 private:
  std::map<char, LonLat> m_points;
};

}  // namespace lightcone::test
