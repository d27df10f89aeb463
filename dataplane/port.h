// DPDK port bring-up: any port, PCI or vdev, one RX queue per worker and one
// TX queue per worker, RSS across the RX queues where the device offers it.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

struct rte_mempool;

namespace lns::dp {

struct PortSetup {
  std::string device;  // as in the config: PCI address or vdev string
  uint16_t queues = 1;
  uint16_t rx_descriptors = 1024;
  uint16_t tx_descriptors = 1024;
  uint16_t mtu = 1500;
  rte_mempool* pool = nullptr;
};

struct PortInfo {
  uint16_t port_id = 0;
  std::array<uint8_t, 6> mac{};
  bool rss = false;
  std::string driver;
};

// The ethdev name of a device string: the vdev name before the first comma,
// or the PCI address.
std::string port_name_of(const std::string& device);

absl::StatusOr<PortInfo> start_port(const PortSetup& setup);

// Whether a driver's transmit reads the frame with the CPU (it copies it
// into shared memory, a socket or a file) rather than letting a device or
// the next ring's owner take it. Frames for such a port are better left
// in the cache than streamed past it.
bool tx_copies_frames(const std::string& driver);
// Whether a driver's receive writes each frame into the mbuf with the
// polling core (a copy out of shared memory, a socket or a file), so the
// frame's lines are in that core's cache when rx_burst returns. `device`
// is the config's device string (a zero-copy memif client does not copy).
bool rx_copies_frames(const std::string& driver, const std::string& device);
void stop_port(uint16_t port_id);

struct PortCounters {
  uint64_t rx_packets = 0, tx_packets = 0, rx_bytes = 0, tx_bytes = 0;
  uint64_t rx_errors = 0, tx_errors = 0, rx_missed = 0, rx_nombuf = 0;
  bool link_up = false;
  uint32_t link_speed_mbps = 0;
};
PortCounters read_port_counters(uint16_t port_id);

}  // namespace lns::dp
