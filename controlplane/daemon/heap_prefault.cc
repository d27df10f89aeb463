#include "controlplane/daemon/heap_prefault.h"

#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/touch_pages.h"

namespace lns {
namespace {

// Below glibc's largest mmap threshold (32 MiB on 64-bit), so every chunk
// comes from the heap proper and returns to it when freed.
constexpr size_t kChunk = (16u << 20) - 64;

// MemAvailable (free memory plus what the kernel can reclaim, such as page
// cache), or free memory alone where /proc does not say.
size_t available_bytes() {
  if (std::FILE* f = std::fopen("/proc/meminfo", "r")) {
    char line[128];
    unsigned long long kib = 0;
    bool found = false;
    while (!found && std::fgets(line, sizeof line, f) != nullptr)
      found = std::sscanf(line, "MemAvailable: %llu kB", &kib) == 1;
    std::fclose(f);
    if (found) return static_cast<size_t>(kib) << 10;
  }
  const long pages = sysconf(_SC_AVPHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page) : 0;
}

}  // namespace

absl::StatusOr<double> prefault_heap(size_t mib) {
  if (mib == 0) return 0.0;
  const size_t bytes = mib << 20;
  const size_t available = available_bytes();
  if (bytes > available)
    return absl::ResourceExhaustedError(
        absl::StrFormat("eal.heap_prefault_mb = %u asks for more than the %u MiB of memory available", mib,
                        available >> 20));
  // Freed memory stays with malloc (no trimming), and the chunks below must
  // not be served by mmap, whose pages would go back to the kernel on free.
  // (A sanitizer's allocator refuses both: there is nothing to prefault.)
  if (mallopt(M_TRIM_THRESHOLD, -1) != 1 || mallopt(M_MMAP_THRESHOLD, 32 << 20) != 1)
    return absl::FailedPreconditionError("this malloc does not take glibc's heap settings; nothing prefaulted");
  const auto start = std::chrono::steady_clock::now();
  std::vector<void*> chunks;
  chunks.reserve(bytes / kChunk + 1);
  for (size_t done = 0; done < bytes; done += kChunk) {
    void* p = std::malloc(kChunk);
    if (p == nullptr) break;
    touch_pages(p, kChunk);
    chunks.push_back(p);
  }
  for (void* p : chunks) std::free(p);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace lns
