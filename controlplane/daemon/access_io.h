// The control plane's transmit path toward the LACs: L2TP control messages
// (as the engine's DatagramSink) and PPP control frames inside L2TP data
// messages, framed in Ethernet/IPv4/UDP and queued on the data plane's
// inject ring. LAC MAC addresses are learned from the frames they send us,
// falling back to the access port's configured next hop.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "controlplane/daemon/udp_frame.h"
#include "controlplane/l2tp/engine_types.h"
#include "dataplane/dataplane.h"

namespace lns {

struct AccessIdentity {
  MacBytes mac{};
  uint32_t ipv4 = 0;  // host order
  std::optional<uint16_t> vlan;
  std::optional<MacBytes> next_hop_mac;  // default toward the LACs
};

struct AccessIoStats {
  uint64_t control_sent = 0;
  uint64_t ppp_sent = 0;
  uint64_t no_neighbor = 0;  // no MAC known for the LAC: not sent
  uint64_t inject_failed = 0;
};

// Frames go out through an interface so tests can capture them; the daemon
// writes each straight into an mbuf (write_udp_frame) and calls
// Dataplane::transmit.
class FrameOutput {
 public:
  virtual ~FrameOutput() = default;
  virtual bool send_access_frame(const UdpFrame& frame, uint16_t ip_id) = 0;
};

class AccessIo final : public l2tp::DatagramSink {
 public:
  AccessIo(const AccessIdentity& me, FrameOutput& out) : me_(me), out_(out) {}

  // Remember which MAC a LAC address sends from.
  void learn(uint32_t ipv4, const MacBytes& mac) { neighbors_[ipv4] = mac; }
  std::optional<MacBytes> neighbor(uint32_t ipv4) const;

  // l2tp::DatagramSink: a control message to the LAC.
  void send(const l2tp::PeerAddress& to, std::vector<uint8_t> udp_payload) override;
  // A PPP frame (starting at FF 03 or the protocol field) in an L2TP data
  // message for the LAC's session.
  void send_ppp(const l2tp::PeerAddress& to, uint16_t peer_tunnel_id, uint16_t peer_session_id,
                absl::Span<const uint8_t> ppp_frame);

  const AccessIoStats& stats() const { return stats_; }

 private:
  bool emit(const l2tp::PeerAddress& to, absl::Span<const uint8_t> head, absl::Span<const uint8_t> payload);

  AccessIdentity me_;
  FrameOutput& out_;
  absl::flat_hash_map<uint32_t, MacBytes> neighbors_;
  uint16_t next_ip_id_ = 1;
  AccessIoStats stats_;
};

}  // namespace lns
