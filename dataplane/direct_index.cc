#include "dataplane/direct_index.h"

#include <rte_malloc.h>

namespace lns::dp {

DirectIndex32::DirectIndex32() {
  top_ = static_cast<std::atomic<Middle*>*>(
      rte_zmalloc("lns_index_top", sizeof(std::atomic<Middle*>) * 65536, 64));
}

DirectIndex32::~DirectIndex32() {
  for (void* p : allocations_) rte_free(p);
  rte_free(top_);
}

bool DirectIndex32::set(uint32_t key, uint32_t value) {
  if (top_ == nullptr) return false;
  Middle* m = top_[key >> 16].load(std::memory_order_relaxed);
  if (m == nullptr) {
    m = static_cast<Middle*>(rte_zmalloc("lns_index_mid", sizeof(Middle), 64));
    if (m == nullptr) return false;
    allocations_.push_back(m);
    top_[key >> 16].store(m, std::memory_order_release);
  }
  Leaf* leaf = m->leaves[(key >> 8) & 0xff].load(std::memory_order_relaxed);
  if (leaf == nullptr) {
    leaf = static_cast<Leaf*>(rte_zmalloc("lns_index_leaf", sizeof(Leaf), 64));
    if (leaf == nullptr) return false;
    allocations_.push_back(leaf);
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
