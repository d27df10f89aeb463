#include "controlplane/ppp/ppp_session.h"

#include <utility>

#include "common/ppp_header.h"

namespace lns::ppp {
namespace {

PppDownReason down_reason_for(LcpEnd end) {
  switch (end) {
    case LcpEnd::kPeerTerminated: return PppDownReason::kPeerTerminated;
    case LcpEnd::kMaxConfigure: return PppDownReason::kMaxConfigure;
    case LcpEnd::kLoopback: return PppDownReason::kLoopback;
    case LcpEnd::kEchoTimeout: return PppDownReason::kEchoTimeout;
    case LcpEnd::kAuthRefused: return PppDownReason::kAuthFailed;
    case LcpEnd::kRejected: return PppDownReason::kProtocolRejected;
    case LcpEnd::kAdmin: return PppDownReason::kAdmin;
    case LcpEnd::kLowerLayerDown: return PppDownReason::kLowerLayerDown;
  }
  return PppDownReason::kAdmin;
}

}  // namespace

std::string_view to_string(PppDownReason reason) {
  switch (reason) {
    case PppDownReason::kPeerTerminated: return "peer-terminated";
    case PppDownReason::kAuthFailed: return "auth-failed";
    case PppDownReason::kEchoTimeout: return "echo-timeout";
    case PppDownReason::kMaxConfigure: return "max-configure";
    case PppDownReason::kLoopback: return "loopback";
    case PppDownReason::kAdmin: return "admin";
    case PppDownReason::kLowerLayerDown: return "lower-layer-down";
    case PppDownReason::kProtocolRejected: return "protocol-rejected";
    case PppDownReason::kNoNetworkProtocol: return "no-network-protocol";
  }
  return "unknown";
}

std::string_view to_string(PppPhase phase) {
  switch (phase) {
    case PppPhase::kDead: return "dead";
    case PppPhase::kEstablish: return "establish";
    case PppPhase::kAuthenticate: return "authenticate";
    case PppPhase::kNetwork: return "network";
    case PppPhase::kTerminate: return "terminate";
  }
  return "unknown";
}

PppSession::PppSession(const PppSessionConfig& config, const Clock& clock, PacketSink& sink,
                       absl::BitGenRef rng, AuthVerifier& verifier, Ipv4Allocator allocator,
                       PppSessionListener& listener)
    : force_lcp_renegotiation_(config.force_lcp_renegotiation),
      requires_auth_(!config.lcp.auth_order.empty()),
      enable_ipv4_(config.enable_ipv4),
      enable_ipv6_(config.enable_ipv6),
      allocator_(std::move(allocator)),
      listener_(listener),
      lcp_(config.lcp, clock, sink, rng, *this),
      pap_(config.pap, clock, sink, verifier, *this),
      chap_(config.chap, clock, sink, rng, verifier, *this),
      ipcp_(config.ipcp, clock, sink, *this),
      ipv6cp_(config.ipv6cp, clock, sink, rng, *this) {}

void PppSession::start() {
  if (phase_ != PppPhase::kDead || reported_down_) return;
  phase_ = PppPhase::kEstablish;
  lcp_.start();
}

absl::Status PppSession::proxy_acceptable(const ProxyInfo& proxy) const {
  if (!proxy.lcp) return absl::NotFoundError("no proxy LCP from the LAC");
  if (force_lcp_renegotiation_) {
    return absl::FailedPreconditionError("configured to renegotiate LCP");
  }
  auto auth = auth_protocol_in(proxy.lcp->last_sent_confreq);
  if (!auth.ok()) return auth.status();
  const ProxyAuthType type = proxy.auth ? proxy.auth->type : ProxyAuthType::kNone;
  switch (*auth) {
    case AuthProtocol::kNone:
      if (requires_auth_) {
        return absl::FailedPreconditionError("the LAC negotiated no authentication");
      }
      if (type != ProxyAuthType::kNone) {
        return absl::InvalidArgumentError("proxy authentication without LCP authentication");
      }
      break;
    case AuthProtocol::kPap:
      if (type != ProxyAuthType::kPap) {
        return absl::InvalidArgumentError("LCP negotiated PAP but the proxy authentication is not PAP");
      }
      break;
    case AuthProtocol::kChapMd5:
      if (type != ProxyAuthType::kChap) {
        return absl::InvalidArgumentError("LCP negotiated CHAP but the proxy authentication is not CHAP");
      }
      if (proxy.auth->challenge.empty() || proxy.auth->response.size() != kChapMd5ResponseSize) {
        return absl::InvalidArgumentError("proxy CHAP challenge or response is unusable");
      }
      break;
  }
  return absl::OkStatus();
}

void PppSession::start(const ProxyInfo& proxy) {
  if (phase_ != PppPhase::kDead || reported_down_) return;
  proxy_refusal_ = proxy_acceptable(proxy);
  if (proxy_refusal_.ok()) {
    phase_ = PppPhase::kEstablish;
    pending_proxy_auth_ = proxy.auth;
    used_proxy_lcp_ = true;
    // On success this reports LCP up at once, which starts authentication.
    proxy_refusal_ =
        lcp_.start_proxied(proxy.lcp->last_sent_confreq, proxy.lcp->last_received_confreq);
    if (proxy_refusal_.ok()) return;
    pending_proxy_auth_.reset();
    used_proxy_lcp_ = false;
    phase_ = PppPhase::kDead;
  }
  start();
}

absl::Status PppSession::receive_frame(absl::Span<const uint8_t> frame) {
  PppHeader header;
  if (!parse_ppp_header(frame.data(), static_cast<uint32_t>(frame.size()), &header)) {
    return absl::InvalidArgumentError("PPP frame too short or with a malformed protocol field");
  }
  return receive(header.protocol, frame.subspan(header.length));
}

absl::Status PppSession::receive(uint16_t protocol, absl::Span<const uint8_t> packet) {
  if (reported_down_) return absl::OkStatus();
  switch (protocol) {
    case kProtocolLcp:
      return lcp_.receive(packet);
    case kProtocolPap:
    case kProtocolChap: {
      // Authentication packets before the phase, or of the protocol we did
      // not negotiate, are dropped (RFC 1661 3.5). After it, the
      // authenticator still repeats its verdict to a peer whose copy of our
      // Ack/Success was lost.
      const bool in_phase = phase_ == PppPhase::kAuthenticate || phase_ == PppPhase::kNetwork;
      if (in_phase && protocol == kProtocolPap && auth_ == AuthProtocol::kPap) {
        return pap_.receive(packet);
      }
      if (in_phase && protocol == kProtocolChap && auth_ == AuthProtocol::kChapMd5) {
        return chap_.receive(packet);
      }
      return absl::OkStatus();
    }
    case kProtocolIpcp:
    case kProtocolIpv6cp: {
      const bool v4 = protocol == kProtocolIpcp;
      // NCP packets before the network phase are dropped (RFC 1661 3.6).
      if (phase_ != PppPhase::kNetwork) return absl::OkStatus();
      if (v4 ? ipcp_running_ : ipv6cp_running_) return v4 ? ipcp_.receive(packet) : ipv6cp_.receive(packet);
      // A family we do not offer: tell the peer to stop trying.
      lcp_.send_protocol_reject(protocol, packet);
      return absl::OkStatus();
    }
    case kProtocolIpv4:
    case kProtocolIpv6:
      return absl::OkStatus();  // data is the data plane's business
    default:
      lcp_.send_protocol_reject(protocol, packet);
      return absl::OkStatus();
  }
}

void PppSession::poll() {
  lcp_.poll();
  pap_.poll();
  chap_.poll();
  ipcp_.poll();
  ipv6cp_.poll();
}

std::optional<TimePoint> PppSession::next_deadline() const {
  std::optional<TimePoint> d;
  earliest(d, lcp_.next_deadline());
  earliest(d, pap_.next_deadline());
  earliest(d, chap_.next_deadline());
  earliest(d, ipcp_.next_deadline());
  earliest(d, ipv6cp_.next_deadline());
  return d;
}

void PppSession::close(PppDownReason reason) {
  if (reported_down_) return;
  if (!close_reason_) close_reason_ = reason;
  if (phase_ != PppPhase::kDead) phase_ = PppPhase::kTerminate;
  lcp_.close(LcpEnd::kAdmin);
}

void PppSession::lower_down() {
  if (reported_down_) return;
  if (!close_reason_) close_reason_ = PppDownReason::kLowerLayerDown;
  lcp_.lower_down();
}

void PppSession::on_lcp_up(const LcpNegotiated& negotiated) {
  ipcp_.set_peer_mru(negotiated.peer_mru);
  ipv6cp_.set_peer_mru(negotiated.peer_mru);
  auth_ = negotiated.auth;
  listener_.on_link_up(negotiated);
  if (pending_proxy_auth_) {
    const ProxyAuth proxy = std::move(*pending_proxy_auth_);
    pending_proxy_auth_.reset();
    phase_ = PppPhase::kAuthenticate;
    switch (auth_) {
      case AuthProtocol::kChapMd5:
        chap_.verify_proxied(proxy.name, proxy.id, proxy.challenge, proxy.response);
        return;
      case AuthProtocol::kPap:
        pap_.verify_proxied(proxy.name, std::string(proxy.response.begin(), proxy.response.end()));
        return;
      case AuthProtocol::kNone:
        break;
    }
  }
  begin_authentication(auth_);
}

void PppSession::begin_authentication(AuthProtocol protocol) {
  switch (protocol) {
    case AuthProtocol::kNone:
      begin_network();
      return;
    case AuthProtocol::kPap:
      phase_ = PppPhase::kAuthenticate;
      pap_.start();
      return;
    case AuthProtocol::kChapMd5:
      phase_ = PppPhase::kAuthenticate;
      chap_.start();
      return;
  }
}

void PppSession::on_auth_result(bool accepted, const std::string& user) {
  if (phase_ != PppPhase::kAuthenticate) return;
  if (!accepted) {
    close(PppDownReason::kAuthFailed);
    return;
  }
  user_ = user;
  listener_.on_authenticated(user);
  begin_network();
}

void PppSession::begin_network() {
  phase_ = PppPhase::kNetwork;
  if (enable_ipv4_) {
    // One address for the life of the session, even if IPCP renegotiates.
    if (!ipv4_address_ && allocator_) ipv4_address_ = allocator_(user_);
    if (ipv4_address_) {
      ipcp_running_ = true;
      ipcp_finished_ = false;
      ipcp_.start(*ipv4_address_);
    }
  }
  if (enable_ipv6_) {
    ipv6cp_running_ = true;
    ipv6cp_finished_ = false;
    ipv6cp_.start();
  }
  // Without an IPv4 address the session carries on IPv6-only if it can.
  if (!ipcp_running_ && !ipv6cp_running_) close(PppDownReason::kNoNetworkProtocol);
}

void PppSession::stop_upper_layers() {
  pap_.stop();
  chap_.stop();
  if (ipcp_running_) ipcp_.lower_down();
  if (ipv6cp_running_) ipv6cp_.lower_down();
  ipcp_running_ = false;
  ipv6cp_running_ = false;
}

void PppSession::on_lcp_down() {
  listener_.on_link_down();
  stop_upper_layers();
  // LCP may renegotiate from here unless we are on our way out.
  phase_ = close_reason_ ? PppPhase::kTerminate : PppPhase::kEstablish;
}

void PppSession::on_lcp_finished(LcpEnd reason) {
  stop_upper_layers();
  phase_ = PppPhase::kDead;
  end(close_reason_.value_or(down_reason_for(reason)));
}

void PppSession::on_protocol_rejected(uint16_t protocol) {
  switch (protocol) {
    case kProtocolIpcp:
      if (ipcp_running_) ipcp_.protocol_rejected();
      break;
    case kProtocolIpv6cp:
      if (ipv6cp_running_) ipv6cp_.protocol_rejected();
      break;
    case kProtocolPap:
    case kProtocolChap:
      // It agreed to authenticate in LCP and now refuses the protocol.
      if (phase_ == PppPhase::kAuthenticate) close(PppDownReason::kAuthFailed);
      break;
    default:
      break;
  }
}

void PppSession::on_ncp_up(uint16_t protocol) {
  if (protocol == kProtocolIpcp) ipcp_finished_ = false;
  if (protocol == kProtocolIpv6cp) ipv6cp_finished_ = false;
  if (protocol == kProtocolIpcp) {
    listener_.on_ipv4_up(ipcp_.peer_address());
  } else if (protocol == kProtocolIpv6cp) {
    listener_.on_ipv6_up(ipv6cp_.local_interface_id(), ipv6cp_.peer_interface_id());
  }
}

void PppSession::on_ncp_down(uint16_t protocol) {
  if (protocol == kProtocolIpcp) {
    listener_.on_ipv4_down();
  } else if (protocol == kProtocolIpv6cp) {
    listener_.on_ipv6_down();
  }
}

void PppSession::on_ncp_finished(uint16_t protocol) {
  // A finished NCP still answers the peer (it may restart it), but when
  // every family we started has given up there is nothing left to carry.
  if (protocol == kProtocolIpcp) ipcp_finished_ = true;
  if (protocol == kProtocolIpv6cp) ipv6cp_finished_ = true;
  const bool v4_alive = ipcp_running_ && !ipcp_finished_;
  const bool v6_alive = ipv6cp_running_ && !ipv6cp_finished_;
  if (phase_ == PppPhase::kNetwork && !v4_alive && !v6_alive) {
    close(PppDownReason::kNoNetworkProtocol);
  }
}

void PppSession::end(PppDownReason reason) {
  if (reported_down_) return;
  reported_down_ = true;
  listener_.on_down(reason);
}

}  // namespace lns::ppp
