#include "tests/emulator/ppp_client.h"

#include <utility>

#include "common/ppp_header.h"
#include "controlplane/ppp/ppp_packet.h"

namespace lns::emu {

std::string_view to_string(PppClientEnd end) {
  switch (end) {
    case PppClientEnd::kPeerTerminated: return "ppp-peer-terminated";
    case PppClientEnd::kAuthRejected: return "auth-rejected";
    case PppClientEnd::kAuthTimeout: return "auth-timeout";
    case PppClientEnd::kLcpFailed: return "lcp-failed";
    case PppClientEnd::kLcpRejected: return "lcp-rejected";
    case PppClientEnd::kNoAddress: return "ipcp-failed";
    case PppClientEnd::kAdmin: return "ppp-closed";
    case PppClientEnd::kLowerLayerDown: return "lower-layer-down";
  }
  return "unknown";
}

std::string_view to_string(PppClientPhase phase) {
  switch (phase) {
    case PppClientPhase::kDead: return "dead";
    case PppClientPhase::kWaiting: return "waiting";
    case PppClientPhase::kEstablish: return "establish";
    case PppClientPhase::kAuthenticate: return "authenticate";
    case PppClientPhase::kNetwork: return "network";
    case PppClientPhase::kUp: return "up";
    case PppClientPhase::kTerminate: return "terminate";
  }
  return "unknown";
}

PppClient::PppClient(const PppClientConfig& config, Credentials credentials, const Clock& clock,
                     ppp::PacketSink& sink, absl::BitGenRef rng, PppClientListener& listener)
    : config_(config),
      credentials_(std::move(credentials)),
      clock_(clock),
      listener_(listener),
      lcp_(config.lcp, clock, sink, rng, *this),
      pap_(config.auth, clock, sink, *this),
      chap_(config.auth, clock, sink, *this),
      ipcp_(config.ipcp, clock, sink, *this),
      ipv6cp_(config.ipv6cp, clock, sink, rng, *this),
      ipv6_(config.ipv6) {}

void PppClient::start() {
  if (phase_ != PppClientPhase::kDead || end_) return;
  phase_ = PppClientPhase::kWaiting;
  if (config_.passive_wait) open_at_ = clock_.now() + *config_.passive_wait;
}

void PppClient::open_link() {
  open_at_.reset();
  phase_ = PppClientPhase::kEstablish;
  lcp_.start();
}

absl::Status PppClient::receive_frame(absl::Span<const uint8_t> frame) {
  PppHeader header;
  if (!parse_ppp_header(frame.data(), static_cast<uint32_t>(frame.size()), &header)) {
    return absl::InvalidArgumentError("PPP frame too short or with a malformed protocol field");
  }
  return receive(header.protocol, frame.subspan(header.length));
}

absl::Status PppClient::receive(uint16_t protocol, absl::Span<const uint8_t> packet) {
  if (phase_ == PppClientPhase::kDead || lcp_.finished()) return absl::OkStatus();
  switch (protocol) {
    case ppp::kProtocolLcp:
      if (phase_ == PppClientPhase::kWaiting) open_link();
      return lcp_.receive(packet);
    case ppp::kProtocolPap:
      if (config_.lcp.auth != ppp::AuthProtocol::kPap) break;
      return phase_ >= PppClientPhase::kAuthenticate ? pap_.receive(packet) : absl::OkStatus();
    case ppp::kProtocolChap:
      if (config_.lcp.auth != ppp::AuthProtocol::kChapMd5) break;
      // A challenge may repeat after we moved on (our Response was lost on
      // the way): keep answering it.
      return phase_ >= PppClientPhase::kAuthenticate ? chap_.receive(packet) : absl::OkStatus();
    case ppp::kProtocolIpcp:
      // NCP packets before the network phase are dropped (RFC 1661 3.6).
      return phase_ >= PppClientPhase::kNetwork ? ipcp_.receive(packet) : absl::OkStatus();
    case ppp::kProtocolIpv6cp:
      if (!config_.ipv6) break;
      return phase_ >= PppClientPhase::kNetwork ? ipv6cp_.receive(packet) : absl::OkStatus();
    case ppp::kProtocolIpv4:
    case ppp::kProtocolIpv6:
      return absl::OkStatus();  // traffic is the caller's business
    default:
      break;
  }
  lcp_.send_protocol_reject(protocol, packet);
  return absl::OkStatus();
}

void PppClient::poll() {
  if (open_at_ && clock_.now() >= *open_at_) open_link();
  lcp_.poll();
  pap_.poll();
  chap_.poll();
  ipcp_.poll();
  ipv6cp_.poll();
}

std::optional<TimePoint> PppClient::next_deadline() const {
  std::optional<TimePoint> d = open_at_;
  earliest(d, lcp_.next_deadline());
  earliest(d, pap_.next_deadline());
  earliest(d, chap_.next_deadline());
  earliest(d, ipcp_.next_deadline());
  earliest(d, ipv6cp_.next_deadline());
  return d;
}

void PppClient::close() {
  open_at_.reset();
  if (phase_ == PppClientPhase::kWaiting || phase_ == PppClientPhase::kDead) {
    phase_ = PppClientPhase::kDead;
    report_down(PppClientEnd::kAdmin);
    return;
  }
  phase_ = PppClientPhase::kTerminate;
  report_down(PppClientEnd::kAdmin);
  lcp_.close();
}

void PppClient::lower_down() {
  open_at_.reset();
  stop_upper_layers();
  if (phase_ != PppClientPhase::kDead && phase_ != PppClientPhase::kWaiting) lcp_.lower_down();
  phase_ = PppClientPhase::kDead;
  report_down(PppClientEnd::kLowerLayerDown);
}

void PppClient::fail(PppClientEnd reason) {
  report_down(reason);
  phase_ = PppClientPhase::kTerminate;
  lcp_.close();
}

void PppClient::on_lcp_up(const ClientLcpNegotiated& negotiated) {
  ipcp_.set_peer_mru(negotiated.peer_mru);
  ipv6cp_.set_peer_mru(negotiated.peer_mru);
  switch (negotiated.auth) {
    case ppp::AuthProtocol::kNone:
      begin_network();
      return;
    case ppp::AuthProtocol::kPap:
      phase_ = PppClientPhase::kAuthenticate;
      pap_.start(credentials_);
      return;
    case ppp::AuthProtocol::kChapMd5:
      phase_ = PppClientPhase::kAuthenticate;
      chap_.start(credentials_);
      return;
  }
}

void PppClient::on_auth_done(AuthOutcome outcome, const std::string& message) {
  listener_.on_auth_result(outcome, message);
  switch (outcome) {
    case AuthOutcome::kAccepted:
      begin_network();
      return;
    case AuthOutcome::kRejected:
      fail(PppClientEnd::kAuthRejected);
      return;
    case AuthOutcome::kTimeout:
      fail(PppClientEnd::kAuthTimeout);
      return;
  }
}

void PppClient::begin_network() {
  phase_ = PppClientPhase::kNetwork;
  ipcp_.start();
  if (ipv6_) ipv6cp_.start();
}

void PppClient::check_up() {
  if (reported_up_ || end_) return;
  if (!ipcp_.is_opened() || (ipv6_ && !ipv6cp_.is_opened())) return;
  reported_up_ = true;
  phase_ = PppClientPhase::kUp;
  listener_.on_ppp_up();
}

void PppClient::stop_upper_layers() {
  pap_.stop();
  chap_.stop();
  if (phase_ >= PppClientPhase::kNetwork) {
    ipcp_.lower_down();
    if (config_.ipv6) ipv6cp_.lower_down();
  }
}

void PppClient::on_lcp_down() {
  stop_upper_layers();
  if (phase_ != PppClientPhase::kTerminate) phase_ = PppClientPhase::kEstablish;
}

void PppClient::on_lcp_finished(ClientLcpEnd reason) {
  stop_upper_layers();
  phase_ = PppClientPhase::kDead;
  switch (reason) {
    case ClientLcpEnd::kPeerTerminated: report_down(PppClientEnd::kPeerTerminated); break;
    case ClientLcpEnd::kMaxConfigure: report_down(PppClientEnd::kLcpFailed); break;
    case ClientLcpEnd::kRejected: report_down(PppClientEnd::kLcpRejected); break;
    case ClientLcpEnd::kAdmin: report_down(PppClientEnd::kAdmin); break;
    case ClientLcpEnd::kLowerLayerDown: report_down(PppClientEnd::kLowerLayerDown); break;
  }
}

void PppClient::on_protocol_rejected(uint16_t protocol) {
  if (protocol == ppp::kProtocolIpv6cp && ipv6_) {
    // An IPv4-only LNS: carry on without IPv6.
    ipv6_ = false;
    ipv6cp_.protocol_rejected();
    check_up();
  } else if (protocol == ppp::kProtocolIpcp) {
    ipcp_.protocol_rejected();
  }
}

void PppClient::on_ncp_up(uint16_t) { check_up(); }

void PppClient::on_ncp_down(uint16_t) {}

void PppClient::on_ncp_finished(uint16_t protocol) {
  if (protocol == ppp::kProtocolIpcp && !end_) {
    fail(PppClientEnd::kNoAddress);
  } else if (protocol == ppp::kProtocolIpv6cp && ipv6_) {
    ipv6_ = false;
    check_up();
  }
}

void PppClient::report_down(PppClientEnd reason) {
  if (end_) return;
  end_ = reason;
  listener_.on_ppp_down(reason);
}

}  // namespace lns::emu
