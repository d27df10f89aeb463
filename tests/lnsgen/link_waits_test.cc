// wait_for_interrupt_thread against a callback that is still running on
// EAL's interrupt thread, as memif's disconnect is between marking the
// link down and freeing its memory. Needs EAL (its interrupt thread).
#include "tests/lnsgen/link_waits.h"

#include <gtest/gtest.h>
#include <rte_interrupts.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>

#include "tests/support/eal_env.h"

namespace lns::gen {
namespace {

using namespace std::chrono_literals;

struct SlowCallback {
  int fd = -1;
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
};

void run_slowly(void* arg) {
  auto* s = static_cast<SlowCallback*>(arg);
  uint64_t count = 0;
  (void)!read(s->fd, &count, sizeof(count));
  s->started.store(true);
  std::this_thread::sleep_for(300ms);
  s->finished.store(true);
}

TEST(WaitForInterruptThread, ReturnsOnlyOnceTheCallbackInProgressHasReturned) {
  SlowCallback slow;
  slow.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_GE(slow.fd, 0);
  rte_intr_handle* handle = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
  ASSERT_NE(handle, nullptr);
  ASSERT_EQ(rte_intr_fd_set(handle, slow.fd), 0);
  ASSERT_EQ(rte_intr_type_set(handle, RTE_INTR_HANDLE_EXT), 0);
  ASSERT_EQ(rte_intr_callback_register(handle, run_slowly, &slow), 0);
  const uint64_t one = 1;
  ASSERT_EQ(write(slow.fd, &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)));
  for (int i = 0; i < 5000 && !slow.started.load(); ++i) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(slow.started.load());
  ASSERT_FALSE(slow.finished.load());

  EXPECT_TRUE(wait_for_interrupt_thread(5));
  EXPECT_TRUE(slow.finished.load());

  while (rte_intr_callback_unregister(handle, run_slowly, &slow) == -EAGAIN) std::this_thread::sleep_for(1ms);
  rte_intr_instance_free(handle);
  close(slow.fd);
}

TEST(WaitForInterruptThread, ReturnsWhenTheThreadIsIdle) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(wait_for_interrupt_thread(5));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
}

}  // namespace
}  // namespace lns::gen

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (!lns::test::init_eal_for_tests(argv[0], 1, 256)) return 1;
  return RUN_ALL_TESTS();
}
