#include "controlplane/ppp/lcp.h"

#include <algorithm>

#include "absl/random/distributions.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/byte_order.h"

namespace lns::ppp {
namespace {

std::optional<AuthProtocol> parse_auth_option(absl::Span<const uint8_t> data) {
  if (data.size() < 2) return std::nullopt;
  const uint16_t protocol = load_be16(data.data());
  if (protocol == kProtocolPap && data.size() == 2) return AuthProtocol::kPap;
  if (protocol == kProtocolChap && data.size() == 3 && data[2] == kChapAlgorithmMd5)
    return AuthProtocol::kChapMd5;
  return std::nullopt;
}

void add_auth_option(OptionWriter& w, AuthProtocol protocol) {
  if (protocol == AuthProtocol::kPap) {
    const uint8_t data[] = {0xC0, 0x23};
    w.add(kLcpOptionAuthProtocol, data);
  } else if (protocol == AuthProtocol::kChapMd5) {
    const uint8_t data[] = {0xC2, 0x23, kChapAlgorithmMd5};
    w.add(kLcpOptionAuthProtocol, data);
  }
}

}  // namespace

absl::StatusOr<AuthProtocol> auth_protocol_in(absl::Span<const uint8_t> options) {
  auto parsed = parse_options(options);
  if (!parsed.ok()) return parsed.status();
  for (const OptionView& o : *parsed) {
    if (o.type != kLcpOptionAuthProtocol) continue;
    if (auto p = parse_auth_option(o.data)) return *p;
    return absl::InvalidArgumentError("Authentication-Protocol we do not support");
  }
  return AuthProtocol::kNone;
}

Lcp::Lcp(const LcpConfig& config, const Clock& clock, PacketSink& sink, absl::BitGenRef rng,
         LcpListener& listener)
    : config_(config),
      max_magic_collisions_(std::max(config.max_magic_collisions, 1)),
      clock_(clock),
      rng_(rng),
      listener_(listener),
      fsm_(kProtocolLcp, config.fsm, clock, sink, *this),
      request_mru_(config.mru),
      request_mru_enabled_(config.mru != kDefaultMru),
      request_magic_(config.request_magic_number),
      echo_enabled_(config.echo_interval > Duration::zero() && config.echo_max_failures > 0) {}

uint32_t Lcp::new_magic(uint32_t avoid) {
  uint32_t m = 0;
  while (m == 0 || m == avoid) m = absl::Uniform<uint32_t>(rng_);
  return m;
}

void Lcp::start() {
  auth_index_ = 0;
  auth_tried_.clear();
  auth_refused_ = false;
  fsm_.up();
  fsm_.open();
}

absl::Status Lcp::start_proxied(absl::Span<const uint8_t> our_options,
                                absl::Span<const uint8_t> peer_options) {
  if (fsm_.state() != FsmState::kInitial) {
    return absl::FailedPreconditionError("proxy LCP only applies before negotiation starts");
  }
  auto ours = parse_options(our_options);
  if (!ours.ok()) return absl::InvalidArgumentError(absl::StrCat("proxy last sent CONFREQ: ", ours.status().message()));
  auto theirs = parse_options(peer_options);
  if (!theirs.ok()) return absl::InvalidArgumentError(absl::StrCat("proxy last received CONFREQ: ", theirs.status().message()));

  // The LAC's request on our behalf must be one we could have made.
  std::optional<AuthProtocol> auth;
  uint32_t magic = 0;
  for (const OptionView& o : *ours) {
    switch (o.type) {
      case kLcpOptionMru:
        if (o.data.size() != 2 || load_be16(o.data.data()) < kSmallestMru)
          return absl::InvalidArgumentError("proxy LCP: unusable MRU on our side");
        break;
      case kLcpOptionAuthProtocol:
        auth = parse_auth_option(o.data);
        if (!auth || !auth_allowed(*auth))
          return absl::InvalidArgumentError("proxy LCP: authentication protocol we do not allow");
        break;
      case kLcpOptionMagicNumber:
        if (o.data.size() != 4 || load_be32(o.data.data()) == 0)
          return absl::InvalidArgumentError("proxy LCP: bad Magic-Number on our side");
        magic = load_be32(o.data.data());
        break;
      case kLcpOptionAccm:
      case kLcpOptionPfc:
      case kLcpOptionAcfc:
        break;  // only change how the peer may frame packets to us; the data plane copes
      default:
        return absl::InvalidArgumentError(
            absl::StrFormat("proxy LCP: option %d on our side that we never request", o.type));
    }
  }
  if (!config_.auth_order.empty() && !auth) {
    return absl::InvalidArgumentError("proxy LCP: the LAC did not ask the peer to authenticate");
  }

  // And the peer's request must be one we would have acknowledged.
  PeerOptions peer;
  bool own_magic = false;
  const uint32_t saved_magic = our_magic_;
  our_magic_ = magic;
  ConfigureVerdict verdict = judge(*theirs, /*reject_instead_of_nak=*/false, &peer, &own_magic);
  if (verdict.code() != Code::kConfigureAck) {
    our_magic_ = saved_magic;
    return absl::InvalidArgumentError(own_magic
                                          ? "proxy LCP: peer Magic-Number equals ours (loop)"
                                          : "proxy LCP: we would not acknowledge the peer's options");
  }
  peer_pending_ = peer;
  apply_our_options(*ours);
  fsm_.start_opened();
  return absl::OkStatus();
}

void Lcp::close(LcpEnd reason) {
  if (finished_) return;
  if (!end_reason_) end_reason_ = reason;
  fsm_.close();
  // Close in a state with nothing to tear down finishes without tlf.
  const FsmState s = fsm_.state();
  if (s == FsmState::kInitial || s == FsmState::kClosed) finish(*end_reason_);
}

void Lcp::lower_down() {
  if (!end_reason_) end_reason_ = LcpEnd::kLowerLayerDown;
  fsm_.down();
  finish(*end_reason_);
}

void Lcp::abort(LcpEnd reason) {
  if (finished_) return;
  if (!end_reason_) end_reason_ = reason;
  // One Terminate-Request as a courtesy; we do not wait for its Ack.
  fsm_.close();
  fsm_.down();
  finish(*end_reason_);
}

void Lcp::finish(LcpEnd reason) {
  if (finished_) return;
  finished_ = true;
  next_echo_.reset();
  listener_.on_lcp_finished(reason);
}

void Lcp::run_pending_abort() {
  if (!pending_abort_) return;
  const LcpEnd reason = *pending_abort_;
  pending_abort_.reset();
  abort(reason);
}

absl::Status Lcp::receive(absl::Span<const uint8_t> packet) {
  absl::Status status = fsm_.receive(packet);
  run_pending_abort();
  return status;
}

void Lcp::poll() {
  fsm_.poll();
  run_pending_abort();
  if (next_echo_ && clock_.now() >= *next_echo_) {
    if (echo_outstanding_ >= config_.echo_max_failures) {
      abort(LcpEnd::kEchoTimeout);
      return;
    }
    send_echo_request();
  }
}

std::optional<TimePoint> Lcp::next_deadline() const {
  std::optional<TimePoint> d = fsm_.next_deadline();
  earliest(d, next_echo_);
  return d;
}

void Lcp::send_echo_request() {
  uint8_t magic[4];
  store_be32(magic, negotiated_.our_magic);
  fsm_.send_packet(Code::kEchoRequest, magic);
  ++echo_outstanding_;
  // The next request keeps this session's phase: one sent late (the control
  // plane was busy) does not push the next one back. Otherwise keepalives
  // that a stall bunched together would stay bunched for the life of the
  // sessions, every interval a burst of requests and then of replies.
  const TimePoint now = clock_.now();
  next_echo_ = next_period(next_echo_.value_or(now), now, config_.echo_interval);
}

void Lcp::send_protocol_reject(uint16_t protocol, absl::Span<const uint8_t> information) {
  if (!fsm_.is_opened()) return;
  const size_t room = negotiated_.peer_mru > kControlHeaderSize + 2
                          ? negotiated_.peer_mru - kControlHeaderSize - 2
                          : 0;
  std::vector<uint8_t> data(2);
  store_be16(data.data(), protocol);
  const auto info = information.first(std::min(room, information.size()));
  data.insert(data.end(), info.begin(), info.end());
  fsm_.send_packet(Code::kProtocolReject, data);
}

bool Lcp::auth_allowed(AuthProtocol p) const {
  return std::find(config_.auth_order.begin(), config_.auth_order.end(), p) !=
         config_.auth_order.end();
}

std::optional<AuthProtocol> Lcp::requested_auth() const {
  if (auth_index_ < config_.auth_order.size()) return config_.auth_order[auth_index_];
  return std::nullopt;
}

void Lcp::advance_auth(std::optional<AuthProtocol> suggested) {
  if (auto current = requested_auth()) auth_tried_.push_back(*current);
  auto untried = [&](AuthProtocol p) {
    return std::find(auth_tried_.begin(), auth_tried_.end(), p) == auth_tried_.end();
  };
  // Prefer what the peer suggested, if we allow it and have not tried it.
  if (suggested && untried(*suggested)) {
    for (size_t i = 0; i < config_.auth_order.size(); ++i) {
      if (config_.auth_order[i] == *suggested) {
        auth_index_ = i;
        return;
      }
    }
  }
  for (size_t i = 0; i < config_.auth_order.size(); ++i) {
    if (untried(config_.auth_order[i])) {
      auth_index_ = i;
      return;
    }
  }
  auth_index_ = config_.auth_order.size();
  auth_refused_ = true;
}

std::vector<uint8_t> Lcp::build_configure_request() {
  OptionWriter w;
  if (request_mru_enabled_) w.add_u16(kLcpOptionMru, request_mru_);
  if (auto auth = requested_auth()) add_auth_option(w, *auth);
  if (request_magic_) {
    if (our_magic_ == 0) our_magic_ = new_magic(0);
    w.add_u32(kLcpOptionMagicNumber, our_magic_);
  }
  return w.take();
}

ConfigureVerdict Lcp::judge(absl::Span<const OptionView> options, bool reject_instead_of_nak,
                            PeerOptions* peer, bool* own_magic) {
  ConfigureVerdict v;
  auto nak_or_reject = [&](const OptionView& o, absl::Span<const uint8_t> suggestion) {
    if (reject_instead_of_nak) {
      v.reject(o);
    } else {
      v.nak(o.type, suggestion);
    }
  };
  for (const OptionView& o : options) {
    switch (o.type) {
      case kLcpOptionMru: {
        if (o.data.size() != 2) {
          v.reject(o);
          break;
        }
        const uint16_t mru = load_be16(o.data.data());
        if (mru < config_.min_peer_mru) {
          uint8_t better[2];
          store_be16(better, config_.min_peer_mru);
          nak_or_reject(o, better);
        } else {
          peer->mru = mru;
        }
        break;
      }
      case kLcpOptionAccm:
        // Synchronous L2TP has no control-character escaping: any map is fine.
        if (o.data.size() != 4) {
          v.reject(o);
        } else {
          peer->accm = load_be32(o.data.data());
        }
        break;
      case kLcpOptionMagicNumber: {
        if (o.data.size() != 4) {
          v.reject(o);
          break;
        }
        const uint32_t magic = load_be32(o.data.data());
        const bool collides = our_magic_ != 0 && magic == our_magic_;
        if (magic == 0 || collides) {
          // Zero is illegal; our own value may mean a loop. Either way the
          // peer gets a fresh suggestion (RFC 1661 6.4).
          *own_magic = *own_magic || collides;
          uint8_t suggestion[4];
          store_be32(suggestion, new_magic(our_magic_));
          nak_or_reject(o, suggestion);
        } else {
          peer->magic = magic;
        }
        break;
      }
      case kLcpOptionPfc:
        if (!o.data.empty()) {
          v.reject(o);
        } else {
          peer->pfc = true;
        }
        break;
      case kLcpOptionAcfc:
        if (!o.data.empty()) {
          v.reject(o);
        } else {
          peer->acfc = true;
        }
        break;
      default:
        // Includes Authentication-Protocol: we authenticate the subscriber,
        // never the other way round, and Quality-Protocol, which we lack.
        v.reject(o);
        break;
    }
  }
  return v;
}

ConfigureVerdict Lcp::judge_configure_request(absl::Span<const OptionView> options,
                                              bool reject_instead_of_nak) {
  PeerOptions peer;
  bool own_magic = false;
  ConfigureVerdict v = judge(options, reject_instead_of_nak, &peer, &own_magic);
  if (own_magic) {
    if (++magic_collisions_ >= max_magic_collisions_) pending_abort_ = LcpEnd::kLoopback;
    // RFC 1661 6.4 demands a Nak here. Answering with only that Nak (not a
    // Reject of whatever else came back, nor a Reject after Max-Failure)
    // keeps a looped link cycling on Magic-Numbers until it is recognised,
    // instead of looking like a peer refusing our own options.
    ConfigureVerdict magic_only;
    uint8_t suggestion[4];
    store_be32(suggestion, new_magic(our_magic_));
    magic_only.nak(kLcpOptionMagicNumber, suggestion);
    return magic_only;
  }
  magic_collisions_ = 0;
  if (v.code() == Code::kConfigureAck) peer_pending_ = peer;
  return v;
}

void Lcp::apply_our_options(absl::Span<const OptionView> options) {
  negotiated_.our_mru = kDefaultMru;
  negotiated_.auth = AuthProtocol::kNone;
  negotiated_.our_magic = 0;
  for (const OptionView& o : options) {
    if (o.type == kLcpOptionMru && o.data.size() == 2) {
      negotiated_.our_mru = load_be16(o.data.data());
    } else if (o.type == kLcpOptionAuthProtocol) {
      negotiated_.auth = parse_auth_option(o.data).value_or(AuthProtocol::kNone);
    } else if (o.type == kLcpOptionMagicNumber && o.data.size() == 4) {
      negotiated_.our_magic = load_be32(o.data.data());
      our_magic_ = negotiated_.our_magic;
    }
  }
}

void Lcp::on_configure_ack(absl::Span<const OptionView> options) { apply_our_options(options); }

absl::Status Lcp::on_configure_nak(absl::Span<const OptionView> options) {
  for (const OptionView& o : options) {
    switch (o.type) {
      case kLcpOptionMru:
        // Take a smaller MRU if it is still usable; never promise to receive
        // more than we were configured for.
        if (o.data.size() == 2) {
          const uint16_t mru = load_be16(o.data.data());
          if (mru >= kSmallestMru && mru <= config_.mru) {
            request_mru_ = mru;
            request_mru_enabled_ = mru != kDefaultMru;
          }
        }
        break;
      case kLcpOptionAuthProtocol:
        if (requested_auth()) advance_auth(parse_auth_option(o.data));
        break;
      case kLcpOptionMagicNumber:
        // RFC 1661 6.4: a naked Magic-Number means choose another one.
        if (request_magic_) our_magic_ = new_magic(our_magic_);
        break;
      default:
        break;  // the peer suggests options we do not want to send: ignore
    }
  }
  refuse_auth_if_needed();
  return absl::OkStatus();
}

absl::Status Lcp::on_configure_reject(absl::Span<const OptionView> options) {
  for (const OptionView& o : options) {
    switch (o.type) {
      case kLcpOptionMru:
        request_mru_enabled_ = false;
        break;
      case kLcpOptionAuthProtocol:
        // The peer will not authenticate at all; we will not serve it.
        if (!config_.auth_order.empty()) auth_refused_ = true;
        break;
      case kLcpOptionMagicNumber:
        request_magic_ = false;
        our_magic_ = 0;
        break;
      default:
        break;
    }
  }
  refuse_auth_if_needed();
  return absl::OkStatus();
}

void Lcp::refuse_auth_if_needed() {
  // Closing here, before the FSM acts on the Nak/Reject, spares the peer a
  // Configure-Request we would only withdraw: the event then finds Closing.
  if (auth_refused_) close(LcpEnd::kAuthRefused);
}

void Lcp::this_layer_up(FsmEvent) {
  negotiated_.peer_mru = peer_pending_.mru;
  negotiated_.peer_magic = peer_pending_.magic;
  negotiated_.peer_accm = peer_pending_.accm;
  negotiated_.peer_pfc = peer_pending_.pfc;
  negotiated_.peer_acfc = peer_pending_.acfc;
  fsm_.set_peer_mru(negotiated_.peer_mru);
  magic_collisions_ = 0;
  echo_outstanding_ = 0;
  if (echo_enabled_) next_echo_ = clock_.now() + config_.echo_interval;
  listener_.on_lcp_up(negotiated_);
}

void Lcp::this_layer_down(FsmEvent cause) {
  next_echo_.reset();
  if (!end_reason_) {
    if (cause == FsmEvent::kRtr) end_reason_ = LcpEnd::kPeerTerminated;
    if (cause == FsmEvent::kRxjBad) end_reason_ = LcpEnd::kRejected;
  }
  listener_.on_lcp_down();
}

void Lcp::this_layer_finished(FsmEvent cause) {
  LcpEnd reason = LcpEnd::kAdmin;
  if (end_reason_) {
    reason = *end_reason_;
  } else if (cause == FsmEvent::kRxjBad) {
    reason = LcpEnd::kRejected;
  } else if (cause == FsmEvent::kTimeoutMinus) {
    reason = LcpEnd::kMaxConfigure;
  }
  finish(reason);
}

ExtendedCode Lcp::classify_code(const ControlPacket& packet) {
  switch (static_cast<Code>(packet.code)) {
    case Code::kProtocolReject: {
      if (packet.data.size() < 2) return ExtendedCode::kMalformed;
      const uint16_t protocol = load_be16(packet.data.data());
      if (protocol == kProtocolLcp) return ExtendedCode::kRxjBad;
      if (fsm_.is_opened()) listener_.on_protocol_rejected(protocol);
      return ExtendedCode::kRxjGood;
    }
    case Code::kEchoRequest:
    case Code::kEchoReply:
    case Code::kDiscardRequest:
      return ExtendedCode::kRxr;
    default:
      return ExtendedCode::kUnknown;
  }
}

void Lcp::on_rxr(const ControlPacket& packet) {
  const auto code = static_cast<Code>(packet.code);
  if (code == Code::kDiscardRequest) return;
  if (packet.data.size() < 4) return;  // no room for a Magic-Number: not a real echo
  const uint32_t magic = load_be32(packet.data.data());
  if (negotiated_.our_magic != 0 && magic == negotiated_.our_magic) {
    pending_abort_ = LcpEnd::kLoopback;
    return;
  }
  if (code == Code::kEchoReply) {
    echo_outstanding_ = 0;
    return;
  }
  // Echo-Request: answer with our Magic-Number and the peer's data.
  const size_t room = negotiated_.peer_mru > kControlHeaderSize ? negotiated_.peer_mru - kControlHeaderSize : 4;
  std::vector<uint8_t> reply(packet.data.begin(), packet.data.end());
  store_be32(reply.data(), negotiated_.our_magic);
  if (reply.size() > room) reply.resize(std::max<size_t>(room, 4));
  fsm_.send_packet(Code::kEchoReply, packet.identifier, reply);
}

void Lcp::on_code_rejected(uint8_t code) {
  // A peer that rejects Echo-Request cannot be kept alive by it.
  if (code == to_byte(Code::kEchoRequest)) {
    echo_enabled_ = false;
    next_echo_.reset();
  }
}

}  // namespace lns::ppp
