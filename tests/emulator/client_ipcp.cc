#include "tests/emulator/client_ipcp.h"

#include "common/byte_order.h"
#include "controlplane/ppp/ipcp.h"

namespace lns::emu {

using ppp::OptionView;

ClientIpcp::ClientIpcp(const ClientIpcpConfig& config, const Clock& clock, ppp::PacketSink& sink,
                       ppp::NcpListener& listener)
    : config_(config),
      listener_(listener),
      fsm_(ppp::kProtocolIpcp, config.fsm, clock, sink, *this),
      ask_primary_dns_(config.request_dns),
      ask_secondary_dns_(config.request_dns) {}

void ClientIpcp::start() {
  finished_ = false;
  fsm_.up();
  fsm_.open();
}

void ClientIpcp::protocol_rejected() {
  fsm_.down();
  if (!finished_) {
    finished_ = true;
    listener_.on_ncp_finished(ppp::kProtocolIpcp);
  }
}

std::vector<uint8_t> ClientIpcp::build_configure_request() {
  ppp::OptionWriter w;
  if (!address_refused_) w.add_u32(ppp::kIpcpOptionAddress, address_);
  if (ask_primary_dns_) w.add_u32(ppp::kIpcpOptionPrimaryDns, primary_dns_);
  if (ask_secondary_dns_) w.add_u32(ppp::kIpcpOptionSecondaryDns, secondary_dns_);
  return w.take();
}

ppp::ConfigureVerdict ClientIpcp::judge_configure_request(absl::Span<const OptionView> options, bool) {
  ppp::ConfigureVerdict v;
  uint32_t peer = 0;
  for (const OptionView& o : options) {
    // The LNS may tell us its own address; nothing else is of interest to a
    // subscriber.
    if (o.type == ppp::kIpcpOptionAddress && o.data.size() == 4 && load_be32(o.data.data()) != 0) {
      peer = load_be32(o.data.data());
    } else {
      v.reject(o);
    }
  }
  if (v.code() == ppp::Code::kConfigureAck) peer_pending_ = peer;
  return v;
}

absl::Status ClientIpcp::on_configure_nak(absl::Span<const OptionView> options) {
  for (const OptionView& o : options) {
    if (o.data.size() != 4) continue;
    const uint32_t value = load_be32(o.data.data());
    switch (o.type) {
      case ppp::kIpcpOptionAddress:
        address_ = value;
        break;
      case ppp::kIpcpOptionPrimaryDns:
        primary_dns_ = value;
        ask_primary_dns_ = true;
        break;
      case ppp::kIpcpOptionSecondaryDns:
        secondary_dns_ = value;
        ask_secondary_dns_ = true;
        break;
      default:
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status ClientIpcp::on_configure_reject(absl::Span<const OptionView> options) {
  for (const OptionView& o : options) {
    if (o.type == ppp::kIpcpOptionAddress) address_refused_ = true;
    if (o.type == ppp::kIpcpOptionPrimaryDns) ask_primary_dns_ = false;
    if (o.type == ppp::kIpcpOptionSecondaryDns) ask_secondary_dns_ = false;
  }
  return absl::OkStatus();
}

void ClientIpcp::this_layer_up(ppp::FsmEvent) {
  peer_address_ = peer_pending_;
  if (!ask_primary_dns_) primary_dns_ = 0;
  if (!ask_secondary_dns_) secondary_dns_ = 0;
  listener_.on_ncp_up(ppp::kProtocolIpcp);
}

void ClientIpcp::this_layer_down(ppp::FsmEvent) { listener_.on_ncp_down(ppp::kProtocolIpcp); }

void ClientIpcp::this_layer_finished(ppp::FsmEvent) {
  if (finished_) return;
  finished_ = true;
  listener_.on_ncp_finished(ppp::kProtocolIpcp);
}

}  // namespace lns::emu
