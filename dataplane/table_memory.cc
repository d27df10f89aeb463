#include "dataplane/table_memory.h"

#include <sys/mman.h>

#include <cstdint>

#include <rte_eal.h>
#include <rte_malloc.h>

#include "common/touch_pages.h"

namespace lns::dp {
namespace {
constexpr size_t kHugePage = size_t{2} << 20;

// Faults the pages in now, as rte_zmalloc's zeroing does on hugepages: a
// table is sized for the configured maximum at start-up, and otherwise its
// first use of each page (a session set-up) pays for the kernel zeroing
// it. Measured: page zeroing for the session table was 5 % of the control
// thread's time while lnsd set up 1,000,000 sessions without hugepages.
void populate(void* p, size_t bytes) {
  if (madvise(p, bytes, MADV_POPULATE_WRITE) == 0) return;
  touch_pages(p, bytes);  // kernels before 5.14
}
}  // namespace

TableMemory::~TableMemory() {
  if (mapping_ != nullptr) {
    munmap(mapping_, mapping_bytes_);
  } else {
    rte_free(data_);
  }
}

void* TableMemory::allocate(const char* name, size_t bytes, int socket_id) {
  bytes_ = bytes;
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
  const size_t usable = len - (start - reinterpret_cast<uintptr_t>(m));
  madvise(reinterpret_cast<void*>(start), usable, MADV_HUGEPAGE);
  data_ = reinterpret_cast<void*>(start);  // anonymous memory starts zeroed
  populate(data_, bytes);
  return data_;
}

}  // namespace lns::dp
