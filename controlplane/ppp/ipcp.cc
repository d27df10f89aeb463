#include "controlplane/ppp/ipcp.h"

#include "common/byte_order.h"

namespace lns::ppp {

Ipcp::Ipcp(const IpcpConfig& config, const Clock& clock, PacketSink& sink, NcpListener& listener)
    : config_(config),
      listener_(listener),
      fsm_(kProtocolIpcp, config.fsm, clock, sink, *this),
      announce_local_address_(config.local_address != 0) {}

void Ipcp::start(uint32_t peer_address) {
  peer_address_ = peer_address;
  finished_ = false;
  fsm_.up();
  fsm_.open();
}

void Ipcp::lower_down() { fsm_.down(); }

void Ipcp::close() { fsm_.close(); }

void Ipcp::protocol_rejected() {
  fsm_.down();
  if (!finished_) {
    finished_ = true;
    listener_.on_ncp_finished(kProtocolIpcp);
  }
}

absl::Status Ipcp::receive(absl::Span<const uint8_t> packet) { return fsm_.receive(packet); }

std::vector<uint8_t> Ipcp::build_configure_request() {
  OptionWriter w;
  if (announce_local_address_) w.add_u32(kIpcpOptionAddress, config_.local_address);
  return w.take();
}

ConfigureVerdict Ipcp::judge_configure_request(absl::Span<const OptionView> options,
                                               bool reject_instead_of_nak) {
  ConfigureVerdict v;
  // Asks the peer to use `wanted` for an address option, or refuses the
  // option outright once naks have stopped converging.
  auto insist_on = [&](const OptionView& o, uint32_t wanted) {
    if (o.data.size() == 4 && load_be32(o.data.data()) == wanted) return;
    if (reject_instead_of_nak || o.data.size() != 4) {
      v.reject(o);
      return;
    }
    uint8_t value[4];
    store_be32(value, wanted);
    v.nak(o.type, value);
  };
  bool saw_address = false;
  for (const OptionView& o : options) {
    switch (o.type) {
      case kIpcpOptionAddress:
        // 0.0.0.0 asks us to pick; anything else but the allocated address
        // (including ours) is corrected the same way.
        saw_address = true;
        insist_on(o, peer_address_);
        break;
      case kIpcpOptionPrimaryDns:
      case kIpcpOptionSecondaryDns: {
        const uint32_t server =
            o.type == kIpcpOptionPrimaryDns ? config_.primary_dns : config_.secondary_dns;
        if (server == 0) {
          v.reject(o);
        } else {
          insist_on(o, server);
        }
        break;
      }
      default:
        // Van Jacobson compression, the old IP-Addresses option, NBNS and
        // anything unknown.
        v.reject(o);
        break;
    }
  }
  // RFC 1332 3.3: a peer that says nothing about its address is told one.
  if (!saw_address && !reject_instead_of_nak && peer_address_ != 0) {
    uint8_t value[4];
    store_be32(value, peer_address_);
    v.nak(kIpcpOptionAddress, value);
  }
  return v;
}

absl::Status Ipcp::on_configure_nak(absl::Span<const OptionView> options) {
  for (const OptionView& o : options) {
    // Our address is not negotiable. Rather than repeat it into an endless
    // Nak loop, stop announcing it: the peer does not need it.
    if (o.type == kIpcpOptionAddress) announce_local_address_ = false;
  }
  return absl::OkStatus();
}

absl::Status Ipcp::on_configure_reject(absl::Span<const OptionView> options) {
  for (const OptionView& o : options) {
    if (o.type == kIpcpOptionAddress) announce_local_address_ = false;
  }
  return absl::OkStatus();
}

void Ipcp::this_layer_up(FsmEvent) { listener_.on_ncp_up(kProtocolIpcp); }

void Ipcp::this_layer_down(FsmEvent) { listener_.on_ncp_down(kProtocolIpcp); }

void Ipcp::this_layer_finished(FsmEvent) {
  if (finished_) return;
  finished_ = true;
  listener_.on_ncp_finished(kProtocolIpcp);
}

}  // namespace lns::ppp
