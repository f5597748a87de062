// Block-parallel loops for the placement module's own passes (coverage build, sorted rows).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace lightcone::placement_detail {

// The State of parallel_blocks' work that needs none.
struct NoState {};

// Runs work(state, begin, end) over [0, n) in blocks of `block` on `threads` threads (the
// calling thread is one of them; 0: every core); each thread makes its own State. Blocks
// are handed out in order from a shared counter, so threads stay balanced whatever the
// density.
template <class State, class Work>
void parallel_blocks(std::size_t n, std::size_t block, unsigned threads, Work&& work) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<std::size_t> next{0};
  auto run = [&] {
    State state;
    for (std::size_t b; (b = next.fetch_add(block)) < n;) work(state, b, std::min(n, b + block));
  };
  std::vector<std::jthread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
}

}  // namespace lightcone::placement_detail
