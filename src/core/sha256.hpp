// SHA-256 (FIPS 180-4), for the digests a run stores of its inputs and files: small,
// dependency-free and fast enough to hash a province's layers (hundreds of MB/s).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lightcone {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t bytes);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // The digest as 64 lowercase hex digits; the object is spent afterwards.
  std::string hex();

 private:
  void block(const unsigned char* p);
  std::array<std::uint32_t, 8> m_h;
  std::array<unsigned char, 64> m_buf{};
  std::size_t m_used = 0;
  std::uint64_t m_bytes = 0;
};

inline std::string sha256_hex(std::string_view s) {
  Sha256 h;
  h.update(s);
  return h.hex();
}

}  // namespace lightcone
