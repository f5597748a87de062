// Huge-page storage: the advice never changes contents, and an arena's spans stay valid and
// in place while it grows (oracle: copies kept in ordinary vectors).
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <vector>

#include "core/huge_pages.hpp"

namespace lightcone {
namespace {

TEST(HugePages, ReserveHugeKeepsAnOrdinaryVector) {
  std::vector<double> v;
  reserve_huge(v, 3'000'000);  // 24 MB: advised
  EXPECT_GE(v.capacity(), 3'000'000u);
  EXPECT_TRUE(v.empty());
  v.resize(3'000'000, 1.5);
  EXPECT_EQ(std::accumulate(v.begin(), v.end(), 0.0), 4'500'000.0);
  std::vector<int> small;
  reserve_huge(small, 10);  // too small to advise
  small.assign({1, 2, 3});
  EXPECT_EQ(small.size(), 3u);
  advise_huge_pages(nullptr, 1u << 30);  // ignored
}

TEST(HugePages, ArenaSpansStayValidAcrossChunks) {
  ChunkArena<std::uint32_t> arena(1000);  // small chunks: many of them
  std::mt19937 rng(7);
  std::vector<std::vector<std::uint32_t>> copies;
  std::vector<std::span<std::uint32_t>> spans;
  for (int k = 0; k < 500; ++k) {
    // Mostly short arrays, some longer than a chunk, some empty.
    const std::size_t n = k % 97 == 0 ? 2500 : k % 13 == 0 ? 0 : rng() % 300;
    std::vector<std::uint32_t> x(n);
    for (auto& e : x) e = static_cast<std::uint32_t>(rng());
    spans.push_back(arena.append(x));
    copies.push_back(std::move(x));
  }
  for (std::size_t k = 0; k < spans.size(); ++k) {
    ASSERT_EQ(spans[k].size(), copies[k].size()) << k;
    EXPECT_TRUE(std::equal(spans[k].begin(), spans[k].end(), copies[k].begin())) << k;
  }
  // No two spans overlap.
  for (std::size_t k = 1; k < spans.size(); ++k) {
    if (spans[k].empty() || spans[k - 1].empty()) continue;
    EXPECT_NE(spans[k].data(), spans[k - 1].data());
  }
}

}  // namespace
}  // namespace lightcone
