#include "controlplane/ppp/ipv6cp.h"

#include "absl/random/distributions.h"
#include "common/byte_order.h"

namespace lns::ppp {
namespace {

void store_be64(uint8_t* p, uint64_t v) {
  store_be32(p, static_cast<uint32_t>(v >> 32));
  store_be32(p + 4, static_cast<uint32_t>(v));
}

}  // namespace

Ipv6cp::Ipv6cp(const Ipv6cpConfig& config, const Clock& clock, PacketSink& sink,
               absl::BitGenRef rng, NcpListener& listener)
    : rng_(rng), listener_(listener), fsm_(kProtocolIpv6cp, config.fsm, clock, sink, *this) {}

uint64_t Ipv6cp::random_id(uint64_t avoid_a, uint64_t avoid_b) {
  uint64_t id = 0;
  while (id == 0 || id == avoid_a || id == avoid_b) id = absl::Uniform<uint64_t>(rng_);
  return id;
}

void Ipv6cp::start() {
  local_id_ = random_id(0, 0);
  peer_id_ = 0;
  peer_pending_ = 0;
  announce_local_id_ = true;
  finished_ = false;
  fsm_.up();
  fsm_.open();
}

void Ipv6cp::lower_down() { fsm_.down(); }

void Ipv6cp::close() { fsm_.close(); }

void Ipv6cp::protocol_rejected() {
  fsm_.down();
  if (!finished_) {
    finished_ = true;
    listener_.on_ncp_finished(kProtocolIpv6cp);
  }
}

absl::Status Ipv6cp::receive(absl::Span<const uint8_t> packet) { return fsm_.receive(packet); }

std::vector<uint8_t> Ipv6cp::build_configure_request() {
  OptionWriter w;
  if (announce_local_id_) {
    uint8_t id[8];
    store_be64(id, local_id_);
    w.add(kIpv6cpOptionInterfaceId, id);
  }
  return w.take();
}

ConfigureVerdict Ipv6cp::judge_configure_request(absl::Span<const OptionView> options,
                                                 bool reject_instead_of_nak) {
  ConfigureVerdict v;
  uint64_t pending = 0;
  for (const OptionView& o : options) {
    if (o.type != kIpv6cpOptionInterfaceId || o.data.size() != 8) {
      v.reject(o);  // compression and anything unknown or malformed
      continue;
    }
    const uint64_t id = load_be64(o.data.data());
    if (id != 0 && id != local_id_) {
      pending = id;
      continue;
    }
    // RFC 5072 4.1: zero asks us to choose; equal to ours would collide.
    if (reject_instead_of_nak) {
      v.reject(o);
    } else {
      uint8_t suggestion[8];
      store_be64(suggestion, random_id(local_id_, id));
      v.nak(o.type, suggestion);
    }
  }
  if (v.code() == Code::kConfigureAck) peer_pending_ = pending;
  return v;
}

absl::Status Ipv6cp::on_configure_nak(absl::Span<const OptionView> options) {
  for (const OptionView& o : options) {
    if (o.type != kIpv6cpOptionInterfaceId || o.data.size() != 8) continue;
    // Take the peer's suggestion when it is usable, otherwise draw again.
    const uint64_t suggested = load_be64(o.data.data());
    if (suggested != 0 && suggested != peer_pending_ && suggested != local_id_) {
      local_id_ = suggested;
    } else {
      local_id_ = random_id(local_id_, peer_pending_);
    }
  }
  return absl::OkStatus();
}

absl::Status Ipv6cp::on_configure_reject(absl::Span<const OptionView> options) {
  for (const OptionView& o : options) {
    if (o.type == kIpv6cpOptionInterfaceId) announce_local_id_ = false;
  }
  return absl::OkStatus();
}

void Ipv6cp::this_layer_up(FsmEvent) {
  peer_id_ = peer_pending_;
  listener_.on_ncp_up(kProtocolIpv6cp);
}

void Ipv6cp::this_layer_down(FsmEvent) { listener_.on_ncp_down(kProtocolIpv6cp); }

void Ipv6cp::this_layer_finished(FsmEvent) {
  if (finished_) return;
  finished_ = true;
  listener_.on_ncp_finished(kProtocolIpv6cp);
}

}  // namespace lns::ppp
