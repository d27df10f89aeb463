// The emulator's L2TP tunnels over a DPDK port instead of UDP sockets: each
// tunnel is a UDP source port on one LAC address (tunnel i uses
// base_port + i), framed in Ethernet/IPv4/UDP towards lnsd's access address
// and MAC. Received frames that are lnsd's UDP datagrams to one of our
// tunnels go to the Emulator; ARP is left to PortArp. Control path only.
#pragma once

#include <cstdint>

#include "absl/types/span.h"
#include "tests/emulator/emulator.h"
#include "tests/lnsgen/frame_templates.h"

struct rte_mempool;

namespace lns::gen {

struct LacNetworkStats {
  uint64_t sent = 0;
  uint64_t send_failed = 0;
  uint64_t received = 0;
  uint64_t foreign = 0;  // not lnsd's UDP to one of our tunnels
};

class DpdkLacNetwork final : public emu::EmulatorNetwork {
 public:
  DpdkLacNetwork(uint16_t port, rte_mempool* pool, const Endpoints& endpoints, uint16_t base_port, uint32_t tunnels)
      : port_(port), pool_(pool), endpoints_(endpoints), base_port_(base_port), tunnels_(tunnels) {}

  void attach(emu::Emulator* emulator) { emulator_ = emulator; }
  // Once ARP has resolved it.
  void set_lns_mac(const MacBytes& mac) { endpoints_.lns_access_mac = mac; }

  bool send(uint32_t tunnel_index, absl::Span<const uint8_t> datagram) override;
  // A frame from the access port that is not test traffic.
  void receive(const uint8_t* frame, uint32_t len);

  uint16_t tunnel_port(uint32_t tunnel_index) const { return static_cast<uint16_t>(base_port_ + tunnel_index); }
  const LacNetworkStats& stats() const { return stats_; }

 private:
  uint16_t port_;
  rte_mempool* pool_;
  Endpoints endpoints_;
  uint16_t base_port_;
  uint32_t tunnels_;
  emu::Emulator* emulator_ = nullptr;
  uint16_t ip_id_ = 0;
  LacNetworkStats stats_;
};

}  // namespace lns::gen
