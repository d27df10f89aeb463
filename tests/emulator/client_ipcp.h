// IPCP (RFC 1332, DNS options of RFC 1877) as a subscriber runs it: ask for
// 0.0.0.0 and, optionally, for DNS servers 0.0.0.0, and adopt whatever the
// LNS Naks back; acknowledge the LNS's own address.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/ppp/fsm.h"
#include "controlplane/ppp/ncp_listener.h"
#include "controlplane/ppp/packet_sink.h"

namespace lns::emu {

struct ClientIpcpConfig {
  ppp::FsmConfig fsm;
  bool request_dns = true;
};

// IPv4 addresses are host-order integers, as in controlplane/ppp.
class ClientIpcp final : private ppp::FsmHandler {
 public:
  ClientIpcp(const ClientIpcpConfig& config, const Clock& clock, ppp::PacketSink& sink,
             ppp::NcpListener& listener);

  void start();
  void lower_down() { fsm_.down(); }
  void close() { fsm_.close(); }
  void protocol_rejected();

  absl::Status receive(absl::Span<const uint8_t> packet) { return fsm_.receive(packet); }
  void poll() { fsm_.poll(); }
  std::optional<TimePoint> next_deadline() const { return fsm_.next_deadline(); }
  void set_peer_mru(size_t mru) { fsm_.set_peer_mru(mru); }

  bool is_opened() const { return fsm_.is_opened(); }
  ppp::FsmState state() const { return fsm_.state(); }
  uint32_t address() const { return address_; }
  uint32_t primary_dns() const { return primary_dns_; }
  uint32_t secondary_dns() const { return secondary_dns_; }
  uint32_t peer_address() const { return peer_address_; }  // the LNS's, 0 if it gave none
  // The LNS refused to give us an address (rejected the option).
  bool address_refused() const { return address_refused_; }
  const ppp::Fsm& fsm() const { return fsm_; }

 private:
  std::vector<uint8_t> build_configure_request() override;
  ppp::ConfigureVerdict judge_configure_request(absl::Span<const ppp::OptionView> options,
                                                bool reject_instead_of_nak) override;
  void on_configure_ack(absl::Span<const ppp::OptionView>) override {}
  absl::Status on_configure_nak(absl::Span<const ppp::OptionView> options) override;
  absl::Status on_configure_reject(absl::Span<const ppp::OptionView> options) override;
  void this_layer_up(ppp::FsmEvent cause) override;
  void this_layer_down(ppp::FsmEvent cause) override;
  void this_layer_finished(ppp::FsmEvent cause) override;

  ClientIpcpConfig config_;
  ppp::NcpListener& listener_;
  ppp::Fsm fsm_;
  uint32_t address_ = 0;
  uint32_t primary_dns_ = 0;
  uint32_t secondary_dns_ = 0;
  bool ask_primary_dns_;
  bool ask_secondary_dns_;
  uint32_t peer_address_ = 0;
  uint32_t peer_pending_ = 0;
  bool address_refused_ = false;
  bool finished_ = false;
};

}  // namespace lns::emu
