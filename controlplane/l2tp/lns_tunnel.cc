// The control connection state machine (RFC 2661 7.2, LNS as responder).
// Session state machines are in lns_tunnel_sessions.cc.
#include "controlplane/l2tp/lns_tunnel.h"

#include <algorithm>

#include "absl/strings/cord.h"
#include "absl/strings/str_format.h"
#include "common/log.h"
#include "controlplane/l2tp/tunnel_auth.h"

namespace lns::l2tp::internal {
namespace {

constexpr std::string_view kPeerSessionPayloadUrl = "type.lns/l2tp.PeerSessionId";
// Every session has at most a couple of our messages in the queue (ICRP
// or OCRQ, then maybe SLI or CDN), so a burst of ICRQs that the LAC's
// receive window drains slowly is bounded by the session limit; the slack
// covers tunnel messages and CDNs refusing calls.
size_t max_queued(const L2tpConfig& config) { return 2 * static_cast<size_t>(config.max_sessions_per_tunnel) + 256; }

ReliableChannelConfig channel_config(const L2tpConfig& config, const TunnelSettings& settings,
                                     uint16_t peer_tunnel_id, uint16_t first_peer_ns) {
  ReliableChannelConfig c;
  c.initial_timeout = config.retransmit.initial_timeout;
  c.max_timeout = config.retransmit.max_timeout;
  c.max_retransmissions = config.retransmit.max_retransmissions;
  c.ack_delay = config.retransmit.ack_delay;
  c.receive_window = settings.receive_window;
  c.max_queued = max_queued(config);
  c.peer_tunnel_id = peer_tunnel_id;
  // RFC 2661 starts Ns at 0; following the SCCRQ's own Ns instead costs
  // nothing and copes with a peer that does not.
  c.initial_nr = first_peer_ns;
  return c;
}

ResultCode result(uint16_t code, uint16_t error, std::string message) {
  return ResultCode{code, error, std::move(message)};
}

}  // namespace

void attach_peer_session_id(absl::Status& status, uint16_t peer_session_id) {
  const char bytes[2] = {static_cast<char>(peer_session_id >> 8), static_cast<char>(peer_session_id)};
  status.SetPayload(absl::string_view(kPeerSessionPayloadUrl.data(), kPeerSessionPayloadUrl.size()),
                    absl::Cord(absl::string_view(bytes, 2)));
}

std::optional<uint16_t> attached_peer_session_id(const absl::Status& status) {
  absl::optional<absl::Cord> p =
      status.GetPayload(absl::string_view(kPeerSessionPayloadUrl.data(), kPeerSessionPayloadUrl.size()));
  if (!p.has_value() || p->size() != 2) return std::nullopt;
  const std::string s(*p);
  return static_cast<uint16_t>((static_cast<uint8_t>(s[0]) << 8) | static_cast<uint8_t>(s[1]));
}

LnsTunnel::LnsTunnel(EngineContext& ctx, uint16_t id, const PeerAddress& peer, uint16_t peer_tunnel_id,
                     uint16_t first_peer_ns, TunnelSettings settings)
    : ctx_(ctx),
      id_(id),
      peer_(peer),
      peer_tunnel_id_(peer_tunnel_id),
      settings_(std::move(settings)),
      // Not active until the SCCRQ is accepted; see set_state().
      state_(TunnelState::kClosed),
      created_at_(ctx.clock.now()),
      channel_(ctx.clock, *this, *this, channel_config(ctx.config, settings_, peer_tunnel_id, first_peer_ns)) {}

LnsTunnel::~LnsTunnel() = default;

// ---- Plumbing ---------------------------------------------------------------

void LnsTunnel::receive(absl::StatusOr<ControlMessage> decoded) { channel_.receive(std::move(decoded)); }

void LnsTunnel::transmit(absl::Span<const uint8_t> datagram) {
  ctx_.sink.send(peer_, std::vector<uint8_t>(datagram.begin(), datagram.end()));
}

bool LnsTunnel::send(ControlMessage m) {
  m.header.tunnel_id = peer_tunnel_id_;
  EncodeOptions options;
  options.secret = settings_.secret;
  options.hide = settings_.hide_avps;
  absl::StatusOr<Bytes> wire = encode_control(m, options);
  if (!wire.ok()) {
    LNS_LOG_ERROR("l2tp tunnel %u: cannot encode %s: %s", id_, message_type_name(m.type),
                  std::string(wire.status().message()));
    return false;
  }
  if (absl::Status s = channel_.send(std::move(*wire)); !s.ok()) {
    ++ctx_.stats.send_queue_full;
    // Once per tunnel: a LAC flooding calls must not flood the log too.
    if (!send_failure_logged_) {
      send_failure_logged_ = true;
      LNS_LOG_WARN("l2tp tunnel %u: %s not sent: %s", id_, message_type_name(m.type), std::string(s.message()));
    }
    return false;
  }
  ++sent_count_;
  return true;
}

bool LnsTunnel::acknowledged(uint32_t index) const {
  // The channel numbers queued messages in order; those it has sent and
  // no longer holds as outstanding are acknowledged.
  const uint32_t acked = static_cast<uint32_t>(channel_.stats().sent - channel_.outstanding());
  return static_cast<int32_t>(index - acked) < 0;
}

void LnsTunnel::set_state(TunnelState s) {
  const bool was_active = active();
  state_ = s;
  if (was_active && !active()) --ctx_.active_tunnels;
  if (!was_active && active()) ++ctx_.active_tunnels;
}

// ---- Timers -----------------------------------------------------------------

void LnsTunnel::on_timer() {
  const TimePoint now = ctx_.clock.now();
  channel_.on_timer();
  if (state_ == TunnelState::kWaitCtlConn && state_deadline_ && now >= *state_deadline_) {
    ++ctx_.stats.wait_ctl_conn_timeouts;
    stop(Closer::kError, result(static_cast<uint16_t>(StopCcnResult::kGeneralError), 0, "no SCCCN in time"));
  }
  if (state_ == TunnelState::kEstablished) hello_tick(now);
  while (!session_timers_.empty() && session_timers_.begin()->first <= now) {
    const uint16_t sid = session_timers_.begin()->second;
    session_timers_.erase(session_timers_.begin());
    LnsSession* s = find_session(sid);
    if (s == nullptr) continue;
    s->deadline.reset();
    if (!acknowledged(s->request_index)) {
      // Our ICRP/OCRQ is still queued or being retransmitted: the LAC
      // cannot be late for an answer to something it has not got.
      const Duration period = s->info.direction == CallDirection::kIncoming ? ctx_.config.incoming_call_timeout
                                                                             : ctx_.config.outgoing_call_timeout;
      set_session_deadline(*s, now + period);
      continue;
    }
    ++ctx_.stats.session_setup_timeouts;
    // Result 10 is the closest the RFC has to "call not set up in time".
    close_session(*s, CloseReason{Closer::kError, result(static_cast<uint16_t>(CdnResult::kTimeout), 0,
                                                         "call setup timed out")},
                  /*send_cdn=*/true);
  }
}

void LnsTunnel::hello_tick(TimePoint now) {
  if (!hello_at_.has_value() || now < *hello_at_) return;
  const Duration interval = settings_.hello_interval;
  const TimePoint last_heard = std::max(channel_.last_receive_time().value_or(created_at_), *established_at_);
  if (now - last_heard < interval) {
    hello_at_ = last_heard + interval;
    return;
  }
  // With a message outstanding the retransmissions already probe the peer.
  if (channel_.idle()) {
    ControlMessage hello;
    hello.type = MessageType::kHello;
    if (send(std::move(hello))) ++ctx_.stats.hello_sent;
  }
  hello_at_ = now + interval;
}

std::optional<TimePoint> LnsTunnel::next_deadline() const {
  std::optional<TimePoint> d = channel_.next_deadline();
  auto consider = [&d](std::optional<TimePoint> t) {
    if (t.has_value() && (!d.has_value() || *t < *d)) d = t;
  };
  consider(state_deadline_);
  if (state_ == TunnelState::kEstablished) consider(hello_at_);
  if (!session_timers_.empty()) consider(session_timers_.begin()->first);
  return d;
}

bool LnsTunnel::finished() const {
  if (!started_) return true;
  const bool expired = state_deadline_.has_value() && ctx_.clock.now() >= *state_deadline_;
  switch (state_) {
    case TunnelState::kClosing:
      // Our StopCCN was acknowledged (or never will be).
      return channel_.idle() || channel_.failed() || expired;
    case TunnelState::kClosed:
      return channel_.failed() || expired;
    default:
      return false;
  }
}

// ---- Tunnel state machine -----------------------------------------------------

void LnsTunnel::on_message(absl::StatusOr<ControlMessage> message) {
  if (!message.ok()) {
    on_decode_failure(message.status());
    return;
  }
  const ControlMessage& m = *message;
  if (!started_) {
    // The engine creates a tunnel for a decoded SCCRQ and feeds it first,
    // with the channel's Nr set to its Ns, so this is that SCCRQ.
    started_ = true;
    if (m.type == MessageType::kSccrq) on_sccrq(m);
    return;
  }
  switch (state_) {
    case TunnelState::kClosing:
    case TunnelState::kClosed:
      // Only acknowledgements matter now; the channel sends them.
      return;
    case TunnelState::kWaitCtlConn:
      switch (m.type) {
        case MessageType::kScccn: on_scccn(m); return;
        case MessageType::kStopCcn: on_stopccn(m); return;
        case MessageType::kHello: return;
        case MessageType::kSccrq:
        case MessageType::kSccrp:
          ++ctx_.stats.fsm_errors;
          stop(Closer::kError, result(static_cast<uint16_t>(StopCcnResult::kFsmError), 0,
                                      absl::StrFormat("unexpected %s", message_type_name(m.type))));
          return;
        default:
          // Session traffic before SCCCN: the LAC jumped the gun.
          ++ctx_.stats.fsm_errors;
          if ((m.type == MessageType::kIcrq || m.type == MessageType::kOcrq) && m.assigned_session_id)
            refuse_call(*m.assigned_session_id,
                        result(static_cast<uint16_t>(CdnResult::kGeneralError),
                               static_cast<uint16_t>(GeneralError::kNoControlConnection),
                               "control connection not established yet"));
          return;
      }
    case TunnelState::kEstablished:
      switch (m.type) {
        case MessageType::kStopCcn: on_stopccn(m); return;
        case MessageType::kHello: return;
        case MessageType::kSccrq:
        case MessageType::kSccrp:
        case MessageType::kScccn:
          ++ctx_.stats.fsm_errors;
          stop(Closer::kError, result(static_cast<uint16_t>(StopCcnResult::kFsmError), 0,
                                      absl::StrFormat("unexpected %s", message_type_name(m.type))));
          return;
        default:
          on_session_message(m);
          return;
      }
  }
}

void LnsTunnel::on_decode_failure(const absl::Status& status) {
  std::optional<DecodeFailure> f = decode_failure(status);
  if (!f.has_value() || !f->header.has_value()) return;
  const bool unknown_mandatory =
      f->error == DecodeError::kUnknownMandatoryAvp || f->error == DecodeError::kUnknownMessageType;
  if (unknown_mandatory) ++ctx_.stats.unknown_mandatory_avp;
  if (!active()) return;
  FailureResponse response = rfc_response(*f);
  if (response.action == FailureAction::kDiscard) return;
  // RFC 2661 4.1 makes clearing compulsory only for an unknown M-bit AVP;
  // for the rest a permissive LNS keeps the tunnel (and its sessions) up.
  if (!unknown_mandatory && settings_.permissive) return;
  response.result.error = response.result.error.value_or(0);
  response.result.message = std::string(decode_error_name(f->error));
  if (response.action == FailureAction::kClearTunnel) {
    stop(Closer::kError, response.result);
    return;
  }
  if (f->header->session_id != 0) {
    if (LnsSession* s = find_session(f->header->session_id)) {
      close_session(*s, CloseReason{Closer::kError, response.result}, /*send_cdn=*/true);
    } else {
      ++ctx_.stats.unknown_session;
    }
    return;
  }
  // A new call (ICRQ) we hold no state for: answer the LAC's session.
  if (std::optional<uint16_t> peer_session = attached_peer_session_id(status))
    refuse_call(*peer_session, response.result);
}

void LnsTunnel::on_sccrq(const ControlMessage& m) {
  host_name_ = m.host_name.value_or("");
  vendor_name_ = m.vendor_name.value_or("");
  firmware_revision_ = m.firmware_revision;
  framing_capabilities_ = m.framing_capabilities.value_or(0);
  bearer_capabilities_ = m.bearer_capabilities;
  // RFC 2661 4.4.3: absent Receive Window Size means a window of 4.
  channel_.set_peer_receive_window(m.receive_window_size.value_or(4));
  // Tie Breaker (4.4.3) only settles two SCCRQs crossing between the same
  // pair of peers. An LNS never sends SCCRQ, so there is never a tie to
  // break: the AVP is accepted and ignored.

  // A refused SCCRQ still gets its StopCCN delivered reliably, so the
  // tunnel briefly enters wait-ctl-conn (and counts as active) either way.
  // (While shutting down the engine drops new SCCRQs before they get here.)
  constexpr uint16_t kNotAuthorized = static_cast<uint16_t>(StopCcnResult::kNotAuthorized);
  const bool version_ok = m.protocol_version.has_value() && m.protocol_version->version == 1 &&
                          (m.protocol_version->revision == 0 || settings_.permissive);
  set_state(TunnelState::kWaitCtlConn);
  if (!version_ok) {
    ++ctx_.stats.tunnels_refused_version;
    // 4.4.2: with result 5 the Error Code carries the highest version we
    // support, encoded like the Protocol Version AVP (1.0).
    stop(Closer::kError, result(static_cast<uint16_t>(StopCcnResult::kUnsupportedProtocolVersion), 0x0100,
                                "only L2TP protocol version 1.0 is supported"));
    return;
  }
  if (settings_.policy_index < 0 && !ctx_.config.allow_unknown_lacs) {
    ++ctx_.stats.tunnels_refused_not_allowed;
    stop(Closer::kError, result(kNotAuthorized, 0, "LAC not allowed"));
    return;
  }
  // This tunnel itself is already counted as active.
  if (ctx_.active_tunnels > ctx_.config.max_tunnels) {
    ++ctx_.stats.tunnels_refused_limit;
    stop(Closer::kError, result(static_cast<uint16_t>(StopCcnResult::kGeneralError),
                                static_cast<uint16_t>(GeneralError::kNoResources), "tunnel limit reached"));
    return;
  }
  if (settings_.secret.empty() && (settings_.require_auth || m.challenge.has_value())) {
    ++ctx_.stats.tunnels_refused_not_allowed;
    stop(Closer::kError, result(kNotAuthorized, 0, "no tunnel secret configured for this LAC"));
    return;
  }

  ControlMessage reply;
  reply.type = MessageType::kSccrp;
  reply.protocol_version = ProtocolVersion{1, 0};
  reply.framing_capabilities = ctx_.config.framing_capabilities;
  reply.firmware_revision = ctx_.config.firmware_revision;
  reply.host_name = ctx_.config.host_name;
  if (!ctx_.config.vendor_name.empty()) reply.vendor_name = ctx_.config.vendor_name;
  reply.assigned_tunnel_id = id_;
  reply.receive_window_size = settings_.receive_window;
  if (settings_.require_auth) {
    our_challenge_ = make_challenge(ctx_.gen);
    reply.challenge = our_challenge_;
  }
  // 5.1.1: a Challenge in SCCRQ must be answered in SCCRP.
  if (m.challenge.has_value())
    reply.challenge_response = compute_challenge_response(MessageType::kSccrp, settings_.secret, *m.challenge);
  state_deadline_ = ctx_.clock.now() + ctx_.config.wait_ctl_conn_timeout;
  send(std::move(reply));
}

void LnsTunnel::on_scccn(const ControlMessage& m) {
  if (!our_challenge_.empty()) {
    // 5.1.1: without the right response the tunnel must not come up.
    const char* failure = nullptr;
    if (!m.challenge_response.has_value())
      failure = "SCCCN lacks the Challenge Response";
    else if (!verify_challenge_response(MessageType::kScccn, settings_.secret, our_challenge_, *m.challenge_response))
      failure = "wrong Challenge Response";
    if (failure != nullptr) {
      ++ctx_.stats.tunnels_refused_auth_failed;
      stop(Closer::kError, result(static_cast<uint16_t>(StopCcnResult::kNotAuthorized), 0, failure));
      return;
    }
    authenticated_ = true;
  }
  establish_tunnel();
}

void LnsTunnel::establish_tunnel() {
  const TimePoint now = ctx_.clock.now();
  set_state(TunnelState::kEstablished);
  established_at_ = now;
  state_deadline_.reset();
  Bytes().swap(our_challenge_);
  if (settings_.hello_interval > Duration::zero()) hello_at_ = now + settings_.hello_interval;
  ++ctx_.stats.tunnels_established;
  reported_ = true;
  ctx_.events.push_back(TunnelUp{info()});
}

void LnsTunnel::stop(Closer closer, ResultCode result_code) {
  if (!active()) return;
  ++ctx_.stats.stopccn_sent;
  ControlMessage m;
  m.type = MessageType::kStopCcn;
  m.assigned_tunnel_id = id_;
  if (!result_code.message.empty()) result_code.error = result_code.error.value_or(0);
  m.result_code = result_code;
  send(std::move(m));
  const CloseReason reason{closer, std::move(result_code)};
  close_all_sessions(reason);
  set_state(TunnelState::kClosing);
  hello_at_.reset();
  // The channel gives up after a full retransmission cycle; this only
  // bounds the state should the StopCCN never even leave the queue.
  state_deadline_ = ctx_.clock.now() + 2 * ctx_.config.stopccn_linger;
  if (reported_) ctx_.events.push_back(TunnelDown{info(), reason});
}

void LnsTunnel::on_stopccn(const ControlMessage& m) {
  ++ctx_.stats.stopccn_received;
  const CloseReason reason{Closer::kPeer, m.result_code.value_or(ResultCode{})};
  close_all_sessions(reason);
  set_state(TunnelState::kClosed);
  hello_at_.reset();
  // RFC 2661 5.7: acknowledge, then keep the tunnel for a full
  // retransmission cycle so a retransmitted StopCCN (our ZLB lost) is
  // acknowledged again instead of hitting an unknown tunnel.
  state_deadline_ = ctx_.clock.now() + ctx_.config.stopccn_linger;
  if (reported_) ctx_.events.push_back(TunnelDown{info(), reason});
}

void LnsTunnel::on_channel_failure() {
  ++ctx_.stats.channel_failures;
  if (!active()) return;
  CloseReason reason{Closer::kError,
                     result(static_cast<uint16_t>(StopCcnResult::kGeneralError), 0, "peer stopped acknowledging"),
                     std::nullopt, /*channel_failure=*/true};
  close_all_sessions(reason);
  set_state(TunnelState::kClosed);
  hello_at_.reset();
  if (reported_) ctx_.events.push_back(TunnelDown{info(), reason});
}

TunnelInfo LnsTunnel::info() const {
  TunnelInfo t;
  t.tunnel_id = id_;
  t.peer_tunnel_id = peer_tunnel_id_;
  t.peer = peer_;
  t.state = state_;
  t.lac_host_name = host_name_;
  t.lac_vendor_name = vendor_name_;
  t.lac_firmware_revision = firmware_revision_;
  t.framing_capabilities = framing_capabilities_;
  t.bearer_capabilities = bearer_capabilities_;
  if (settings_.policy_index >= 0) t.policy_name = ctx_.config.lacs[settings_.policy_index].name;
  t.authenticated = authenticated_;
  t.hiding_avps = settings_.hide_avps;
  t.draining = draining_;
  t.sessions = session_count_;
  t.created_at = created_at_;
  t.established_at = established_at_;
  t.last_receive = channel_.last_receive_time();
  t.channel.next_ns = channel_.next_ns();
  t.channel.next_nr = channel_.next_nr();
  t.channel.outstanding = channel_.outstanding();
  t.channel.congestion_window = channel_.congestion_window();
  t.channel.slow_start_threshold = channel_.slow_start_threshold();
  t.channel.peer_receive_window = channel_.peer_receive_window();
  t.channel.stats = channel_.stats();
  t.channel.rtt = channel_.rtt();
  return t;
}

}  // namespace lns::l2tp::internal
