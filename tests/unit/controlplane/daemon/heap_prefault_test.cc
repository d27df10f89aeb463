// After prefault_heap, small allocations are served from pages that are
// already resident: touching them takes (almost) no page faults. Its own
// process, since the malloc settings are process-wide.
#include "controlplane/daemon/heap_prefault.h"

#include <sys/resource.h>

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#if defined(__SANITIZE_ADDRESS__)
#define LNS_SANITIZER_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LNS_SANITIZER_MALLOC 1
#endif
#endif

namespace lns {
namespace {

long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// Allocates and touches `bytes` in session-sized pieces; returns the
// minor page faults that took.
long faults_to_fill(size_t bytes, std::vector<void*>& keep) {
  const long before = minor_faults();
  for (size_t done = 0; done < bytes; done += 512) {
    void* p = std::malloc(512);
    std::memset(p, 0xa5, 512);
    keep.push_back(p);
  }
  return minor_faults() - before;
}

#ifdef LNS_SANITIZER_MALLOC
// ASan's allocator is not glibc's: prefaulting says so instead of pretending.
TEST(HeapPrefault, UnderASanItReportsThatItCannotPrefault) {
  EXPECT_EQ(prefault_heap(64).status().code(), absl::StatusCode::kFailedPrecondition);
}
#else
TEST(HeapPrefault, LaterAllocationsTouchNoFreshPages) {
  constexpr size_t kBytes = 32u << 20;  // 8,192 pages of 4 KiB
  std::vector<void*> keep;
  keep.reserve(2 * kBytes / 512 + 16);
  // Without prefaulting, filling fresh heap faults page by page.
  const long cold = faults_to_fill(kBytes, keep);
  EXPECT_GT(cold, 4000) << "fresh heap pages should fault on first touch";
  auto took = prefault_heap(64);
  ASSERT_TRUE(took.ok()) << took.status();
  EXPECT_GE(*took, 0.0);
  const long warm = faults_to_fill(kBytes, keep);
  EXPECT_LT(warm, cold / 20) << "cold " << cold << " warm " << warm;
  for (void* p : keep) std::free(p);
}
#endif

TEST(HeapPrefault, ZeroIsNothingAndTooMuchIsAClearError) {
  auto none = prefault_heap(0);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0.0);
  auto huge = prefault_heap(size_t{1} << 30);  // a PiB
  EXPECT_EQ(huge.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(huge.status().message().find("eal.heap_prefault_mb"), std::string::npos);
}

}  // namespace
}  // namespace lns
