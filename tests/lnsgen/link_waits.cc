#include "tests/lnsgen/link_waits.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace lns::gen {
namespace {

uint64_t deadline_after(double seconds) {
  return rte_rdtsc() + static_cast<uint64_t>(seconds * static_cast<double>(rte_get_tsc_hz()));
}

struct Marker {
  int fd = -1;
  std::atomic<bool> ran{false};
};

void on_marker(void* arg) {
  auto* m = static_cast<Marker*>(arg);
  uint64_t count = 0;
  (void)!read(m->fd, &count, sizeof(count));  // level-triggered: clear it
  m->ran.store(true, std::memory_order_release);
}

}  // namespace

bool wait_for_links(std::initializer_list<uint16_t> ports, uint16_t status, double timeout_s) {
  const uint64_t deadline = deadline_after(timeout_s);
  while (rte_rdtsc() < deadline) {
    bool all = true;
    for (uint16_t p : ports) {
      rte_eth_link link{};
      all = all && rte_eth_link_get_nowait(p, &link) == 0 && link.link_status == status;
    }
    if (all) return true;
    rte_delay_us_sleep(10000);
  }
  return false;
}

// The interrupt thread runs one callback at a time: a marker of ours,
// raised now, runs only once the callback in progress has returned.
bool wait_for_interrupt_thread(double timeout_s) {
  Marker marker;
  marker.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (marker.fd < 0) return false;
  rte_intr_handle* handle = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
  bool ok = handle != nullptr && rte_intr_fd_set(handle, marker.fd) == 0 &&
            rte_intr_type_set(handle, RTE_INTR_HANDLE_EXT) == 0 &&
            rte_intr_callback_register(handle, on_marker, &marker) == 0;
  if (ok) {
    const uint64_t one = 1;
    ok = write(marker.fd, &one, sizeof(one)) == static_cast<ssize_t>(sizeof(one));
    const uint64_t deadline = deadline_after(timeout_s);
    while (ok && !marker.ran.load(std::memory_order_acquire) && rte_rdtsc() < deadline) rte_delay_us_sleep(1000);
    ok = ok && marker.ran.load(std::memory_order_acquire);
    // -EAGAIN: the marker is running right now.
    while (rte_intr_callback_unregister(handle, on_marker, &marker) == -EAGAIN) rte_delay_us_sleep(1000);
  }
  rte_intr_instance_free(handle);
  close(marker.fd);
  return ok;
}

}  // namespace lns::gen
