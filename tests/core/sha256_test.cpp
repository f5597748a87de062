// SHA-256 against the FIPS 180-4 / NIST example vectors and against coreutils'
// sha256sum on pseudo-random data split at awkward update boundaries.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "core/sha256.hpp"

namespace lightcone {
namespace {

TEST(Sha256, NistVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 h;
  const std::string a(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.update(a);
  EXPECT_EQ(h.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, AgreesWithSha256sumAcrossUpdateSplits) {
  if (std::system("command -v sha256sum >/dev/null 2>&1") != 0) GTEST_SKIP() << "sha256sum (coreutils) not found";
  std::mt19937 rng(12345);
  const auto dir = std::filesystem::temp_directory_path() / ("lc_sha_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (std::size_t n : {1u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 1000u, 100003u}) {
    std::string data(n, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    const auto file = dir / "data.bin";
    std::ofstream(file, std::ios::binary).write(data.data(), static_cast<std::streamsize>(n));
    const std::string cmd = "sha256sum " + file.string() + " > " + (dir / "sum").string();
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::string expected;
    std::ifstream(dir / "sum") >> expected;
    Sha256 h;
    for (std::size_t at = 0; at < n;) {  // pieces of 1..97 bytes
      const std::size_t take = std::min<std::size_t>(n - at, 1 + rng() % 97);
      h.update(data.data() + at, take);
      at += take;
    }
    EXPECT_EQ(h.hex(), expected) << n << " bytes";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lightcone
