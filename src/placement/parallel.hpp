// Block-parallel loops for the placement module's own passes (coverage build, sorted rows).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
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
  // No more threads than blocks (a small pass runs on the calling thread alone).
  const std::size_t blocks = block > 0 ? (n + block - 1) / block : 1;
  if (blocks < threads) threads = static_cast<unsigned>(std::max<std::size_t>(1, blocks));
  std::atomic<std::size_t> next{0};
  auto run = [&] {
    State state;
    for (std::size_t b; (b = next.fetch_add(block)) < n;) work(state, b, std::min(n, b + block));
  };
  std::vector<std::jthread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
}

// Threads for a pass of `work` units: `threads` when given, else every core when the
// work reaches `threshold` (below it, starting threads costs more than they save), else 1.
inline unsigned workers_for(unsigned threads, std::size_t work, std::size_t threshold) {
  if (threads) return threads;
  return work >= threshold ? std::max(1u, std::thread::hardware_concurrency()) : 1u;
}

// Rows in kFixedChunks fixed chunks, each worked on apart (its own sums), the chunks'
// results then added in chunk order by the caller: the same bits on any number of threads.
inline constexpr std::size_t kFixedChunks = 8;
struct FixedChunks {
  std::vector<std::uint32_t> split;  // chunk c: rows [split[c], split[c + 1])
  unsigned workers = 1;
  // `rows` rows, as many in each chunk.
  FixedChunks(std::size_t rows, unsigned workers_) : split(kFixedChunks + 1), workers(workers_) {
    for (std::size_t c = 0; c <= kFixedChunks; ++c) split[c] = static_cast<std::uint32_t>(rows * c / kFixedChunks);
  }
  // Rows with entries [first[i], first[i + 1]): about as many entries in each chunk.
  FixedChunks(std::span<const std::uint32_t> first, unsigned workers_) : split(kFixedChunks + 1), workers(workers_) {
    const std::size_t rows = first.size() - 1;
    const std::uint64_t entries = first[rows];
    std::size_t i = 0;
    for (std::size_t c = 0; c < kFixedChunks; ++c) {
      while (i < rows && std::uint64_t{first[i]} * kFixedChunks < entries * c) ++i;
      split[c] = static_cast<std::uint32_t>(i);
    }
    split[kFixedChunks] = static_cast<std::uint32_t>(rows);
  }
  // work(chunk, first row, end row) for every chunk, on `workers` threads.
  template <class Work>
  void run(Work&& work) const {
    parallel_blocks<NoState>(kFixedChunks, 1, workers, [&](NoState&, std::size_t c0, std::size_t c1) {
      for (std::size_t c = c0; c < c1; ++c) work(c, split[c], split[c + 1]);
    });
  }
};

// One object per worker thread that must outlive the worker (e.g. the arena its results
// live in): of(key) gives the worker's own, made on first use; key is any address unique
// to the worker while it runs (its parallel_blocks State, its Search).
template <class T>
class PerWorker {
 public:
  T& of(const void* key) {
    const std::lock_guard lock(m_mutex);
    for (std::size_t k = 0; k < m_keys.size(); ++k)
      if (m_keys[k] == key) return *m_items[k];
    m_keys.push_back(key);
    m_items.push_back(std::make_unique<T>());
    return *m_items.back();
  }
  void clear() {
    m_keys.clear();
    m_items.clear();
  }

 private:
  std::mutex m_mutex;
  std::vector<const void*> m_keys;
  std::vector<std::unique_ptr<T>> m_items;
};

}  // namespace lightcone::placement_detail
