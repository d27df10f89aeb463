#include "dataplane/direct_index.h"

#include <algorithm>

#include <rte_malloc.h>

namespace lns::dp {

DirectIndex32::DirectIndex32() {
  top_ = static_cast<std::atomic<Middle*>*>(
      rte_zmalloc("lns_index_top", sizeof(std::atomic<Middle*>) * 65536, 64));
}

DirectIndex32::~DirectIndex32() { rte_free(top_); }

void* DirectIndex32::allocate_page(size_t bytes) {
  if (chunk_left_ < bytes) {
    // Small indexes stay small; a large one ends up in 2 MiB chunks.
    constexpr size_t kFirstChunk = 64 << 10, kMaxChunk = 2 << 20;
    const size_t size = chunk_bytes_ == 0 ? kFirstChunk : std::min(2 * chunk_bytes_, kMaxChunk);
    auto memory = std::make_unique<TableMemory>();
    void* p = memory->allocate("lns_index_pages", size, SOCKET_ID_ANY);
    if (p == nullptr) return nullptr;
    chunks_.push_back(std::move(memory));
    chunk_next_ = static_cast<uint8_t*>(p);
    chunk_left_ = size;
    chunk_bytes_ = size;
  }
  void* page = chunk_next_;
  chunk_next_ += bytes;
  chunk_left_ -= bytes;
  ++pages_;
  return page;
}

bool DirectIndex32::set(uint32_t key, uint32_t value) {
  if (top_ == nullptr) return false;
  Middle* m = top_[key >> 16].load(std::memory_order_relaxed);
  if (m == nullptr) {
    m = static_cast<Middle*>(allocate_page(sizeof(Middle)));
    if (m == nullptr) return false;
    top_[key >> 16].store(m, std::memory_order_release);
  }
  Leaf* leaf = m->leaves[(key >> 8) & 0xff].load(std::memory_order_relaxed);
  if (leaf == nullptr) {
    leaf = static_cast<Leaf*>(allocate_page(sizeof(Leaf)));
    if (leaf == nullptr) return false;
    m->leaves[(key >> 8) & 0xff].store(leaf, std::memory_order_release);
  }
  leaf->values[key & 0xff].store(value, std::memory_order_release);
  return true;
}

void DirectIndex32::clear(uint32_t key) {
  const Leaf* leaf = leaf_of(key);
  if (leaf != nullptr)
    const_cast<Leaf*>(leaf)->values[key & 0xff].store(kEmpty, std::memory_order_release);
}

}  // namespace lns::dp
