// The control-plane thread's loop body: drains the punt rings, hands each
// packet to whoever owns its protocol (ARP here; L2TP control and PPP
// control once those engines are wired in), transmits replies through the
// data plane's inject rings, and recycles deleted session slots.
#pragma once

#include <cstdint>

#include "controlplane/daemon/arp_responder.h"
#include "dataplane/dataplane.h"

struct rte_mbuf;

namespace lns {

struct ControlPlaneStats {
  uint64_t arp_replies = 0;
  uint64_t arp_ignored = 0;
  uint64_t l2tp_control = 0;  // control messages received (no engine yet: freed)
  uint64_t ppp_control = 0;   // PPP control frames received (no engine yet: freed)
  uint64_t other = 0;
  uint64_t inject_failed = 0;
};

class ControlPlane {
 public:
  ControlPlane(dp::Dataplane& dataplane, ArpIdentity access, ArpIdentity core);
  // One pass; returns the number of punted packets handled.
  uint32_t poll();
  const ControlPlaneStats& stats() const { return stats_; }

 private:
  void handle(rte_mbuf* m);
  bool send_frame(dp::Side side, const uint8_t* data, size_t len);

  dp::Dataplane& dp_;
  ArpIdentity access_;
  ArpIdentity core_;
  ControlPlaneStats stats_;
};

}  // namespace lns
