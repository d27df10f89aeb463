// The far end of the emulator's probe traffic: an AF_PACKET socket on the
// interface that carries the LNS's core port (a DPDK TAP in the tests).
// Every probe the LNS forwards upstream is answered with its mirror image,
// addressed to the MAC it came from, so each upstream packet makes one
// downstream packet through the real data plane.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace lns::emu {

struct CoreReflectorStats {
  uint64_t frames = 0;     // frames received on the interface
  uint64_t reflected = 0;
  uint64_t send_errors = 0;
};

class CoreReflector {
 public:
  // Brings the interface up if it is down and listens promiscuously: the
  // LNS addresses upstream frames to its configured next hop, not to the
  // interface's own MAC.
  static absl::StatusOr<std::unique_ptr<CoreReflector>> open(const std::string& interface);
  ~CoreReflector();

  int fd() const { return fd_; }
  // Reads what is waiting; `is_probe` sees each IPv4 and IPv6 packet (and
  // counts it) and says whether to answer it.
  void receive(const std::function<bool(absl::Span<const uint8_t>)>& is_probe, int budget = 256);
  const CoreReflectorStats& stats() const { return stats_; }

 private:
  explicit CoreReflector(int fd) : fd_(fd) {}

  int fd_;
  std::vector<uint8_t> buffer_ = std::vector<uint8_t>(65536);
  CoreReflectorStats stats_;
};

}  // namespace lns::emu
