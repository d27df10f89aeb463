// The emulator's tunnels on real UDP sockets: one non-blocking socket per
// tunnel, so each tunnel has its own source port as a real LAC's would.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "tests/emulator/emulator.h"

namespace lns::emu {

struct UdpTunnelStats {
  uint64_t sent = 0;
  uint64_t send_blocked = 0;   // socket buffer full: the emulator retries
  uint64_t send_errors = 0;
  uint64_t received = 0;
  uint64_t foreign = 0;        // from somewhere other than the LNS's address
};

class UdpTunnelSockets final : public EmulatorNetwork {
 public:
  // Addresses host order; local_port 0: kernel-chosen ports.
  static absl::StatusOr<std::unique_ptr<UdpTunnelSockets>> open(uint32_t count, uint32_t lns_address,
                                                                 uint16_t lns_port,
                                                                 std::optional<uint32_t> local_address,
                                                                 uint16_t local_port);
  ~UdpTunnelSockets() override;

  bool send(uint32_t tunnel_index, absl::Span<const uint8_t> datagram) override;

  size_t size() const { return fds_.size(); }
  int fd(size_t i) const { return fds_[i]; }
  uint16_t local_port(size_t i) const { return ports_[i]; }
  // Reads what is waiting on tunnel i's socket (at most `budget` datagrams).
  void receive(uint32_t tunnel_index, const std::function<void(uint32_t, absl::Span<const uint8_t>)>& deliver,
               int budget = 256);
  const UdpTunnelStats& stats() const { return stats_; }

 private:
  explicit UdpTunnelSockets(uint32_t lns_address) : lns_address_(lns_address) {}

  uint32_t lns_address_;
  std::vector<int> fds_;
  std::vector<uint16_t> ports_;
  std::vector<uint16_t> peer_ports_;  // where each tunnel's LNS end answers from
  std::vector<uint8_t> buffer_;
  UdpTunnelStats stats_;
};

}  // namespace lns::emu
