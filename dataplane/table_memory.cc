#include "dataplane/table_memory.h"

#include <sys/mman.h>

#include <cstdint>

#include <rte_eal.h>
#include <rte_malloc.h>

namespace lns::dp {
namespace {
constexpr size_t kHugePage = size_t{2} << 20;
}  // namespace

TableMemory::~TableMemory() {
  if (mapping_ != nullptr) {
    munmap(mapping_, mapping_bytes_);
  } else {
    rte_free(data_);
  }
}

void* TableMemory::allocate(const char* name, size_t bytes, int socket_id) {
  // Small tables fit the TLB anyway; huge pages only pay off above one.
  if (rte_eal_has_hugepages() || bytes < kHugePage) {
    data_ = rte_zmalloc_socket(name, bytes, 64, socket_id);
    return data_;
  }
  // One extra huge page so the start can be aligned to one.
  const size_t len = (bytes + 2 * kHugePage - 1) & ~(kHugePage - 1);
  void* m = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return nullptr;
  mapping_ = m;
  mapping_bytes_ = len;
  const uintptr_t start = (reinterpret_cast<uintptr_t>(m) + kHugePage - 1) & ~(kHugePage - 1);
  madvise(reinterpret_cast<void*>(start), len - (start - reinterpret_cast<uintptr_t>(m)), MADV_HUGEPAGE);
  data_ = reinterpret_cast<void*>(start);  // anonymous memory starts zeroed
  return data_;
}

}  // namespace lns::dp
