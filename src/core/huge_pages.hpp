#pragma once
// Large flat arrays backed by transparent huge pages where the system allows it.
//
// A multi-gigabyte build (the coverage's per-node lists and rows) touches every 4 KiB
// page of its fresh arrays once: on a virtual machine each such page fault is costly
// (measured: about a tenth of the large coverage build's CPU time). The kernel's
// transparent huge pages in "madvise" mode (Debian's default) back a region with 2 MiB
// pages only when asked. Results do not depend on it; only the fault count does.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

namespace lightcone {

// Asks for huge pages on the whole 2 MiB-aligned part of [p, p + bytes), when it is at
// least a few MiB long. Best effort: ignored where the system has no such advice.
void advise_huge_pages(void* p, std::size_t bytes);

// Reserves room for n elements in an empty vector and advises huge pages on it before any
// page is touched (call it before resize or the first push_back).
template <class T>
void reserve_huge(std::vector<T>& v, std::size_t n) {
  v.reserve(n);
  advise_huge_pages(v.data(), v.capacity() * sizeof(T));
}

// A fixed-size array of a trivial type whose memory is advised huge pages and left
// untouched (not even zeroed) until written: the threads that first write it fault its
// pages in, in parallel, instead of one thread zeroing it all first (a resize). Read
// only what was written.
template <class T>
class HugeArray {
  static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>);

 public:
  HugeArray() = default;
  explicit HugeArray(std::size_t n) : m_data(n > 0 ? new T[n] : nullptr), m_size(n) {
    advise_huge_pages(m_data.get(), n * sizeof(T));
  }
  std::size_t size() const { return m_size; }
  T* data() { return m_data.get(); }
  const T* data() const { return m_data.get(); }
  T& operator[](std::size_t i) { return m_data[i]; }
  const T& operator[](std::size_t i) const { return m_data[i]; }

 private:
  std::unique_ptr<T[]> m_data;
  std::size_t m_size = 0;
};

// Append-only storage in huge-page chunks: what append() returns stays valid and in place
// for the arena's life (chunks are never reallocated). Many small arrays written once then
// read (one thread's search results, one thread's rows) take their pages 2 MiB at a time
// and are never copied on growth.
template <class T>
class ChunkArena {
 public:
  explicit ChunkArena(std::size_t chunk_elements = (std::size_t{32} << 20) / sizeof(T)) : m_chunk(chunk_elements) {}

  std::span<T> append(std::span<const T> x) {
    if (m_chunks.empty() || m_chunks.back().capacity() - m_chunks.back().size() < x.size()) {
      m_chunks.emplace_back();
      reserve_huge(m_chunks.back(), std::max(m_chunk, x.size()));
    }
    std::vector<T>& c = m_chunks.back();
    const std::size_t at = c.size();
    c.insert(c.end(), x.begin(), x.end());
    return std::span<T>(c.data() + at, x.size());
  }

 private:
  std::size_t m_chunk;
  std::vector<std::vector<T>> m_chunks;  // moving a vector keeps its buffer in place
};

}  // namespace lightcone
