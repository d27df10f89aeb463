#include "tests/emulator/client_lcp.h"

#include <algorithm>

#include "absl/random/distributions.h"
#include "common/byte_order.h"

namespace lns::emu {
namespace {

using ppp::AuthProtocol;
using ppp::Code;
using ppp::ConfigureVerdict;
using ppp::OptionView;

std::optional<AuthProtocol> auth_in_option(absl::Span<const uint8_t> data) {
  if (data.size() < 2) return std::nullopt;
  const uint16_t protocol = load_be16(data.data());
  if (protocol == ppp::kProtocolPap && data.size() == 2) return AuthProtocol::kPap;
  if (protocol == ppp::kProtocolChap && data.size() == 3 && data[2] == ppp::kChapAlgorithmMd5)
    return AuthProtocol::kChapMd5;
  return std::nullopt;
}

std::vector<uint8_t> auth_option_data(AuthProtocol protocol) {
  if (protocol == AuthProtocol::kPap) return {0xC0, 0x23};
  return {0xC2, 0x23, ppp::kChapAlgorithmMd5};
}

}  // namespace

ClientLcp::ClientLcp(const ClientLcpConfig& config, const Clock& clock, ppp::PacketSink& sink,
                     absl::BitGenRef rng, ClientLcpListener& listener)
    : config_(config),
      clock_(clock),
      rng_(rng),
      listener_(listener),
      fsm_(ppp::kProtocolLcp, config.fsm, clock, sink, *this),
      request_mru_(config.mru) {}

uint32_t ClientLcp::new_magic(uint32_t avoid) {
  uint32_t m = 0;
  while (m == 0 || m == avoid) m = absl::Uniform<uint32_t>(rng_);
  return m;
}

void ClientLcp::start() {
  fsm_.up();
  fsm_.open();
}

void ClientLcp::close() {
  if (finished_) return;
  if (!end_reason_) end_reason_ = ClientLcpEnd::kAdmin;
  fsm_.close();
  const ppp::FsmState s = fsm_.state();
  if (s == ppp::FsmState::kInitial || s == ppp::FsmState::kClosed) finish(*end_reason_);
}

void ClientLcp::lower_down() {
  if (!end_reason_) end_reason_ = ClientLcpEnd::kLowerLayerDown;
  fsm_.down();
  finish(*end_reason_);
}

void ClientLcp::finish(ClientLcpEnd reason) {
  if (finished_) return;
  finished_ = true;
  listener_.on_lcp_finished(reason);
}

absl::Status ClientLcp::receive(absl::Span<const uint8_t> packet) { return fsm_.receive(packet); }

void ClientLcp::poll() {
  fsm_.poll();
  if (!next_echo_ || clock_.now() < *next_echo_) return;
  uint8_t magic[4];
  store_be32(magic, negotiated_.our_magic);
  fsm_.send_packet(Code::kEchoRequest, magic);
  ++echo_requests_sent_;
  next_echo_ = next_period(*next_echo_, clock_.now(), config_.echo_interval);
}

std::optional<TimePoint> ClientLcp::next_deadline() const {
  std::optional<TimePoint> d = fsm_.next_deadline();
  earliest(d, next_echo_);
  return d;
}

void ClientLcp::send_protocol_reject(uint16_t protocol, absl::Span<const uint8_t> information) {
  if (!fsm_.is_opened()) return;
  const size_t mru = negotiated_.peer_mru;
  const size_t room = mru > ppp::kControlHeaderSize + 2 ? mru - ppp::kControlHeaderSize - 2 : 0;
  std::vector<uint8_t> data(2);
  store_be16(data.data(), protocol);
  const auto info = information.first(std::min(room, information.size()));
  data.insert(data.end(), info.begin(), info.end());
  fsm_.send_packet(Code::kProtocolReject, data);
}

std::vector<uint8_t> ClientLcp::build_configure_request() {
  ppp::OptionWriter w;
  if (request_mru_) w.add_u16(ppp::kLcpOptionMru, *request_mru_);
  if (request_magic_) {
    if (our_magic_ == 0) our_magic_ = new_magic(0);
    w.add_u32(ppp::kLcpOptionMagicNumber, our_magic_);
  }
  return w.take();
}

ConfigureVerdict ClientLcp::judge_configure_request(absl::Span<const OptionView> options,
                                                    bool reject_instead_of_nak) {
  ConfigureVerdict v;
  ClientLcpNegotiated peer;
  for (const OptionView& o : options) {
    switch (o.type) {
      case ppp::kLcpOptionMru:
        if (o.data.size() != 2 || load_be16(o.data.data()) < ppp::kSmallestMru) {
          v.reject(o);
        } else {
          peer.peer_mru = load_be16(o.data.data());
        }
        break;
      case ppp::kLcpOptionAuthProtocol: {
        const std::optional<AuthProtocol> asked = auth_in_option(o.data);
        if (asked && *asked == config_.auth) {
          peer.auth = *asked;
        } else if (config_.auth == AuthProtocol::kNone || reject_instead_of_nak) {
          v.reject(o);
        } else {
          // Point the authenticator at the one protocol we can do.
          v.nak(o.type, auth_option_data(config_.auth));
        }
        break;
      }
      case ppp::kLcpOptionMagicNumber: {
        const uint32_t magic = o.data.size() == 4 ? load_be32(o.data.data()) : 0;
        if (o.data.size() != 4) {
          v.reject(o);
        } else if (magic == 0 || magic == our_magic_) {
          uint8_t suggestion[4];
          store_be32(suggestion, new_magic(our_magic_));
          if (reject_instead_of_nak) {
            v.reject(o);
          } else {
            v.nak(o.type, suggestion);
          }
        } else {
          peer.peer_magic = magic;
        }
        break;
      }
      case ppp::kLcpOptionAccm:
        // Synchronous framing over L2TP: any map will do.
        if (o.data.size() != 4) v.reject(o);
        break;
      case ppp::kLcpOptionPfc:
      case ppp::kLcpOptionAcfc:
        if (!o.data.empty()) v.reject(o);
        break;
      default:
        v.reject(o);
        break;
    }
  }
  if (v.code() == Code::kConfigureAck) {
    pending_.auth = peer.auth;
    pending_.peer_mru = peer.peer_mru;
    pending_.peer_magic = peer.peer_magic;
  }
  return v;
}

void ClientLcp::on_configure_ack(absl::Span<const OptionView> options) {
  pending_.our_magic = 0;
  for (const OptionView& o : options) {
    if (o.type == ppp::kLcpOptionMagicNumber && o.data.size() == 4) pending_.our_magic = load_be32(o.data.data());
  }
}

absl::Status ClientLcp::on_configure_nak(absl::Span<const OptionView> options) {
  for (const OptionView& o : options) {
    if (o.type == ppp::kLcpOptionMru && o.data.size() == 2) {
      const uint16_t mru = load_be16(o.data.data());
      if (mru >= ppp::kSmallestMru) request_mru_ = mru;
    } else if (o.type == ppp::kLcpOptionMagicNumber) {
      our_magic_ = new_magic(our_magic_);
    }
  }
  return absl::OkStatus();
}

absl::Status ClientLcp::on_configure_reject(absl::Span<const OptionView> options) {
  for (const OptionView& o : options) {
    if (o.type == ppp::kLcpOptionMru) request_mru_.reset();
    if (o.type == ppp::kLcpOptionMagicNumber) {
      request_magic_ = false;
      our_magic_ = 0;
    }
  }
  return absl::OkStatus();
}

void ClientLcp::this_layer_up(ppp::FsmEvent) {
  negotiated_ = pending_;
  fsm_.set_peer_mru(negotiated_.peer_mru);
  if (config_.echo_interval > Duration::zero()) next_echo_ = clock_.now() + config_.echo_interval;
  listener_.on_lcp_up(negotiated_);
}

void ClientLcp::this_layer_down(ppp::FsmEvent cause) {
  if (!end_reason_ && cause == ppp::FsmEvent::kRtr) end_reason_ = ClientLcpEnd::kPeerTerminated;
  next_echo_.reset();
  listener_.on_lcp_down();
}

void ClientLcp::this_layer_finished(ppp::FsmEvent cause) {
  ClientLcpEnd reason = ClientLcpEnd::kAdmin;
  if (end_reason_) {
    reason = *end_reason_;
  } else if (cause == ppp::FsmEvent::kRxjBad) {
    reason = ClientLcpEnd::kRejected;
  } else if (cause == ppp::FsmEvent::kTimeoutMinus) {
    reason = ClientLcpEnd::kMaxConfigure;
  }
  finish(reason);
}

ppp::ExtendedCode ClientLcp::classify_code(const ppp::ControlPacket& packet) {
  switch (static_cast<Code>(packet.code)) {
    case Code::kProtocolReject: {
      if (packet.data.size() < 2) return ppp::ExtendedCode::kMalformed;
      const uint16_t protocol = load_be16(packet.data.data());
      if (protocol == ppp::kProtocolLcp) return ppp::ExtendedCode::kRxjBad;
      if (fsm_.is_opened()) listener_.on_protocol_rejected(protocol);
      return ppp::ExtendedCode::kRxjGood;
    }
    case Code::kEchoRequest:
    case Code::kEchoReply:
    case Code::kDiscardRequest:
      return ppp::ExtendedCode::kRxr;
    default:
      return ppp::ExtendedCode::kUnknown;
  }
}

void ClientLcp::on_rxr(const ppp::ControlPacket& packet) {
  if (static_cast<Code>(packet.code) == Code::kEchoReply) ++echo_replies_received_;
  if (static_cast<Code>(packet.code) != Code::kEchoRequest) return;
  ++echo_requests_;
  if (!config_.answer_echo || packet.data.size() < 4) return;
  std::vector<uint8_t> reply(packet.data.begin(), packet.data.end());
  store_be32(reply.data(), negotiated_.our_magic);
  const size_t room = negotiated_.peer_mru > ppp::kControlHeaderSize ? negotiated_.peer_mru - ppp::kControlHeaderSize : 4;
  if (reply.size() > room) reply.resize(std::max<size_t>(room, 4));
  fsm_.send_packet(Code::kEchoReply, packet.identifier, reply);
  ++echo_replies_;
}

}  // namespace lns::emu
