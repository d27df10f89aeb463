// The control-plane thread's loop body: drains the punt rings and hands each
// packet to whoever owns its protocol (ARP responder, the L2TP engine, the
// subscriber's PPP), runs the engine's timers, transmits through the data
// plane's inject rings, and recycles deleted session slots.
#pragma once

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "controlplane/aaa/local_aaa.h"
#include "controlplane/daemon/access_io.h"
#include "controlplane/daemon/arp_responder.h"
#include "controlplane/daemon/subscriber_manager.h"
#include "controlplane/l2tp/engine.h"
#include "dataplane/dataplane.h"

struct rte_mbuf;

namespace lns {

struct ControlPlaneStats {
  uint64_t arp_replies = 0;
  uint64_t arp_ignored = 0;
  uint64_t l2tp_control = 0;  // control messages handed to the engine
  uint64_t ppp_control = 0;   // PPP frames handed to subscribers
  uint64_t malformed = 0;     // punted frames we could not parse
  uint64_t other = 0;
  uint64_t inject_failed = 0;
};

struct ControlPlaneConfig {
  ArpIdentity access_arp;
  ArpIdentity core_arp;
  AccessIdentity access;
  l2tp::L2tpConfig l2tp;
  PppSettings ppp;
  aaa::LocalAaaConfig aaa;
  uint16_t session_mtu = 1460;
};

class ControlPlane final : private FrameOutput {
 public:
  // InvalidArgument when the AAA configuration cannot be built.
  static absl::StatusOr<std::unique_ptr<ControlPlane>> create(dp::Dataplane& dataplane,
                                                              const ControlPlaneConfig& cfg, const Clock& clock);
  // One pass; returns the number of punted packets handled plus the PPP
  // timers run (0: nothing to do, the caller may sleep).
  uint32_t poll();
  const ControlPlaneStats& stats() const { return stats_; }
  l2tp::LnsEngine& l2tp() { return *engine_; }
  SubscriberManager& subscribers() { return *subscribers_; }
  aaa::LocalAaa& aaa() { return *aaa_; }
  const AccessIo& access_io() const { return *io_; }

 private:
  ControlPlane(dp::Dataplane& dataplane, const ControlPlaneConfig& cfg, const Clock& clock);
  bool send_access_frame(const UdpFrame& frame, uint16_t ip_id) override;
  // An mbuf of `len` bytes that `fill` writes, queued for `side`.
  template <class Fill>
  bool send_filled(dp::Side side, size_t len, Fill&& fill);
  bool send_frame(dp::Side side, const uint8_t* data, size_t len);
  void handle(rte_mbuf* m);
  void handle_l2tp(const uint8_t* frame, uint32_t len);

  dp::Dataplane& dp_;
  ControlPlaneConfig cfg_;
  const Clock& clock_;
  ControlPlaneStats stats_;
  std::unique_ptr<AccessIo> io_;
  std::unique_ptr<aaa::LocalAaa> aaa_;
  std::unique_ptr<SubscriberManager> subscribers_;
  std::unique_ptr<l2tp::LnsEngine> engine_;
};

}  // namespace lns
