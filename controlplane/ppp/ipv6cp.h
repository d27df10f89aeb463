// IPv6CP (RFC 5072): the two ends agree on distinct, non-zero 64-bit
// Interface-Identifiers, from which each forms its link-local address.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/ppp/fsm.h"
#include "controlplane/ppp/ncp_listener.h"
#include "controlplane/ppp/packet_sink.h"

namespace lns::ppp {

inline constexpr uint8_t kIpv6cpOptionInterfaceId = 1;
inline constexpr uint8_t kIpv6cpOptionCompression = 2;

struct Ipv6cpConfig {
  FsmConfig fsm;
};

class Ipv6cp final : private FsmHandler {
 public:
  Ipv6cp(const Ipv6cpConfig& config, const Clock& clock, PacketSink& sink, absl::BitGenRef rng,
         NcpListener& listener);

  void start();
  void lower_down();
  void close();
  void protocol_rejected();

  absl::Status receive(absl::Span<const uint8_t> packet);
  void poll() { fsm_.poll(); }
  std::optional<TimePoint> next_deadline() const { return fsm_.next_deadline(); }
  void set_peer_mru(size_t mru) { fsm_.set_peer_mru(mru); }

  bool is_opened() const { return fsm_.is_opened(); }
  FsmState state() const { return fsm_.state(); }
  uint64_t local_interface_id() const { return local_id_; }
  // Zero when the peer did not negotiate one.
  uint64_t peer_interface_id() const { return peer_id_; }
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

  uint64_t random_id(uint64_t avoid_a, uint64_t avoid_b);

  absl::BitGenRef rng_;
  NcpListener& listener_;
  Fsm fsm_;
  uint64_t local_id_ = 0;
  uint64_t peer_id_ = 0;
  uint64_t peer_pending_ = 0;  // from the request we last acknowledged
  bool announce_local_id_ = true;
  bool finished_ = false;
};

}  // namespace lns::ppp
