// ARP for one of lnsgen's ports: answers requests for our address (lnsd
// may resolve the LAC or its core next hop), asks for the peer's address
// and learns its MAC from the reply. Control path only: frames are built in
// vectors and sent one at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "controlplane/daemon/udp_frame.h"

struct rte_mempool;

namespace lns::gen {

struct ArpStats {
  uint64_t requests_answered = 0;
  uint64_t requests_sent = 0;
  uint64_t replies_learned = 0;
};

class PortArp {
 public:
  // Addresses host order; peer_ip 0: nothing to resolve.
  PortArp(uint16_t port, rte_mempool* pool, MacBytes mac, uint32_t my_ip, uint32_t peer_ip)
      : port_(port), pool_(pool), mac_(mac), my_ip_(my_ip), peer_ip_(peer_ip) {}

  // True when the frame was ARP (answered or learned from, or ignored).
  bool handle(const uint8_t* frame, uint32_t len);
  // Broadcasts a request for peer_ip.
  void request();
  std::optional<MacBytes> peer_mac() const { return peer_mac_; }
  void set_peer_mac(MacBytes mac) { peer_mac_ = mac; }
  const ArpStats& stats() const { return stats_; }

 private:
  std::vector<uint8_t> frame(uint16_t op, const MacBytes& dst_mac, const MacBytes& target_mac, uint32_t target_ip) const;

  uint16_t port_;
  rte_mempool* pool_;
  MacBytes mac_;
  uint32_t my_ip_;
  uint32_t peer_ip_;
  std::optional<MacBytes> peer_mac_;
  ArpStats stats_;
};

// One frame out of `port` queue 0, copied into an mbuf. False when it could
// not be sent (no mbuf, full queue): control traffic then retries.
bool send_frame(uint16_t port, rte_mempool* pool, const uint8_t* data, uint32_t len);

}  // namespace lns::gen
