// IPCP (RFC 1332) with the DNS server options of RFC 1877, LNS side: we hand
// the subscriber the address the session allocated for it and tell it our
// DNS servers; it gets no say in either.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/ppp/fsm.h"
#include "controlplane/ppp/ncp_listener.h"
#include "controlplane/ppp/packet_sink.h"

namespace lns::ppp {

inline constexpr uint8_t kIpcpOptionAddresses = 1;  // deprecated (RFC 1332 appendix)
inline constexpr uint8_t kIpcpOptionCompression = 2;
inline constexpr uint8_t kIpcpOptionAddress = 3;
inline constexpr uint8_t kIpcpOptionPrimaryDns = 129;
inline constexpr uint8_t kIpcpOptionPrimaryNbns = 130;
inline constexpr uint8_t kIpcpOptionSecondaryDns = 131;
inline constexpr uint8_t kIpcpOptionSecondaryNbns = 132;

// IPv4 addresses are host-order integers here: 10.0.0.1 is 0x0a000001.
struct IpcpConfig {
  FsmConfig fsm;
  uint32_t local_address = 0;  // our end of the link; 0 leaves it unannounced
  uint32_t primary_dns = 0;    // 0: not offered, the option is rejected
  uint32_t secondary_dns = 0;
};

class Ipcp final : private FsmHandler {
 public:
  Ipcp(const IpcpConfig& config, const Clock& clock, PacketSink& sink, NcpListener& listener);

  // Starts negotiation once the link is authenticated; `peer_address` is what
  // the subscriber will get.
  void start(uint32_t peer_address);
  // LCP left Opened: no more IPCP packets may flow.
  void lower_down();
  // Graceful administrative close (Terminate-Request).
  void close();
  // The peer Protocol-Rejected IPCP: stop without another packet.
  void protocol_rejected();

  absl::Status receive(absl::Span<const uint8_t> packet);
  void poll() { fsm_.poll(); }
  std::optional<TimePoint> next_deadline() const { return fsm_.next_deadline(); }
  void set_peer_mru(size_t mru) { fsm_.set_peer_mru(mru); }

  bool is_opened() const { return fsm_.is_opened(); }
  FsmState state() const { return fsm_.state(); }
  uint32_t peer_address() const { return peer_address_; }
  uint32_t local_address() const { return config_.local_address; }
  const Fsm& fsm() const { return fsm_; }

 private:
  std::vector<uint8_t> build_configure_request() override;
  ConfigureVerdict judge_configure_request(absl::Span<const OptionView> options,
                                           bool reject_instead_of_nak) override;
  void on_configure_ack(absl::Span<const OptionView>) override {}
  absl::Status on_configure_nak(absl::Span<const OptionView> options) override;
  absl::Status on_configure_reject(absl::Span<const OptionView> options) override;
  void this_layer_up(FsmEvent cause) override;
  void this_layer_down(FsmEvent cause) override;
  void this_layer_finished(FsmEvent cause) override;

  IpcpConfig config_;
  NcpListener& listener_;
  Fsm fsm_;
  uint32_t peer_address_ = 0;
  bool announce_local_address_;
  bool finished_ = false;
};

}  // namespace lns::ppp
