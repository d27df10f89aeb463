// Session state machines of an LNS tunnel: incoming calls (RFC 2661 7.4.2,
// ICRQ -> ICRP -> ICCN) and outgoing calls (7.5.1, OCRQ -> OCRP -> OCCN),
// CDN either way, and the WEN/SLI informational messages.
#include <utility>

#include "absl/strings/str_format.h"
#include "controlplane/l2tp/lns_tunnel.h"
#include "controlplane/l2tp/message_fields.h"

namespace lns::l2tp::internal {
namespace {

ResultCode result(uint16_t code, uint16_t error, std::string message) {
  return ResultCode{code, error, std::move(message)};
}

constexpr uint16_t kCdnGeneralError = static_cast<uint16_t>(CdnResult::kGeneralError);
constexpr uint16_t kCdnTemporary = static_cast<uint16_t>(CdnResult::kTemporaryNoFacilities);

// The BBF line identifiers get their own fields; every other AVP is kept
// raw, one copy per (vendor, type): a later message (ICCN after ICRQ)
// updates rather than duplicates.
void merge_vendor_avps(SessionInfo& info, const ControlMessage& m) {
  for (const RawAvp& avp : m.other_avps) {
    if (avp.vendor_id == kBroadbandForumVendorId && avp.type == kBbfAgentCircuitId) {
      info.agent_circuit_id = std::string(as_string_view(avp.value));
      continue;
    }
    if (avp.vendor_id == kBroadbandForumVendorId && avp.type == kBbfAgentRemoteId) {
      info.agent_remote_id = std::string(as_string_view(avp.value));
      continue;
    }
    bool replaced = false;
    for (RawAvp& have : info.vendor_avps) {
      if (have.vendor_id == avp.vendor_id && have.type == avp.type) {
        have = avp;
        replaced = true;
        break;
      }
    }
    if (!replaced) info.vendor_avps.push_back(avp);
  }
}

void collect_proxy_avps(SessionInfo& info, const ControlMessage& m) {
  for (uint16_t t = static_cast<uint16_t>(AvpType::kInitialReceivedLcpConfreq);
       t <= static_cast<uint16_t>(AvpType::kProxyAuthenResponse); ++t) {
    std::optional<Bytes> value = field_value(m, static_cast<AvpType>(t));
    if (!value.has_value()) continue;
    info.proxy_avps.push_back(RawAvp{kIetfVendorId, t, ietf_avp_rule(t)->mandatory, false, std::move(*value)});
  }
}

void record_connect(SessionInfo& info, const ControlMessage& m) {
  if (m.tx_connect_speed) info.tx_connect_speed = m.tx_connect_speed;
  if (m.rx_connect_speed) info.rx_connect_speed = m.rx_connect_speed;
  if (m.framing_type) info.framing_type = m.framing_type;
  if (m.private_group_id) info.private_group_id = *m.private_group_id;
  info.sequencing_required = info.sequencing_required || m.sequencing_required;
}

}  // namespace

// ---- Dispatch ---------------------------------------------------------------

void LnsTunnel::on_session_message(const ControlMessage& m) {
  switch (m.type) {
    case MessageType::kIcrq:
      on_icrq(m);
      return;
    case MessageType::kCdn:
      on_cdn(m);
      return;
    case MessageType::kIcrp:
      // 7.4.2 idle state: an ICRP for a call we never requested.
      ++ctx_.stats.fsm_errors;
      if (m.assigned_session_id)
        refuse_call(*m.assigned_session_id, result(kCdnGeneralError, static_cast<uint16_t>(GeneralError::kInvalidSessionId),
                                                   "LNS sent no ICRQ"));
      return;
    case MessageType::kOcrq:
      // OCRQ flows from LNS to LAC; an LNS has nothing to dial with.
      ++ctx_.stats.fsm_errors;
      if (m.assigned_session_id)
        refuse_call(*m.assigned_session_id, result(static_cast<uint16_t>(CdnResult::kPermanentNoFacilities), 0,
                                                   "LNS places no calls for a LAC"));
      return;
    default:
      break;
  }
  LnsSession* s = find_session(m.header.session_id);
  if (s == nullptr) {
    // 7.4.2/7.5.1 idle state: nothing to clear, so nothing to answer.
    ++ctx_.stats.unknown_session;
    return;
  }
  switch (m.type) {
    case MessageType::kIccn:
      on_iccn(*s, m);
      return;
    case MessageType::kOcrp:
      on_ocrp(*s, m);
      return;
    case MessageType::kOccn:
      on_occn(*s, m);
      return;
    case MessageType::kWen:
      // Informational only: recorded, never a reason to clear anything.
      ++ctx_.stats.wen_received;
      if (m.call_errors) s->info.call_errors = m.call_errors;
      return;
    case MessageType::kSli:
      ++ctx_.stats.sli_received;
      if (m.accm) s->info.accm = m.accm;
      return;
    default:
      return;
  }
}

void LnsTunnel::session_fsm_error(LnsSession& s, const ControlMessage& m) {
  ++ctx_.stats.fsm_errors;
  close_session(s,
                CloseReason{Closer::kError,
                            result(kCdnGeneralError, static_cast<uint16_t>(GeneralError::kInvalidSessionId),
                                   absl::StrFormat("unexpected %s in state %s", message_type_name(m.type),
                                                   session_state_name(s.info.state)))},
                /*send_cdn=*/true);
}

// ---- Incoming calls -----------------------------------------------------------

bool LnsTunnel::session_limit_reached() const {
  if (ctx_.total_sessions >= ctx_.config.max_sessions) return true;
  if (session_count_ >= ctx_.config.max_sessions_per_tunnel) return true;
  if (settings_.policy_index >= 0 && settings_.max_sessions.has_value() &&
      ctx_.policy_sessions[settings_.policy_index] >= *settings_.max_sessions)
    return true;
  return false;
}

void LnsTunnel::on_icrq(const ControlMessage& m) {
  // 0 is reserved (5.3): a CDN addressed to it would reach no session.
  if (!m.assigned_session_id.has_value() || *m.assigned_session_id == 0) {
    ++ctx_.stats.malformed;
    return;
  }
  const uint16_t peer_session = *m.assigned_session_id;
  if (draining_ || ctx_.shutting_down) {
    // Error 7 "try another" steers the LAC to another LNS or tunnel.
    ++ctx_.stats.sessions_refused_draining;
    refuse_call(peer_session, result(kCdnGeneralError, static_cast<uint16_t>(GeneralError::kTryAnother),
                                     "tunnel draining"));
    return;
  }
  if (session_limit_reached()) {
    ++ctx_.stats.sessions_refused_limit;
    refuse_call(peer_session, result(kCdnTemporary, 0, "session limit reached"));
    return;
  }
  // Checked after the limits so refused calls do not spend tokens. The
  // ICRQ is already acknowledged, so it cannot be dropped for the LAC to
  // retry: it is refused as a temporary lack of facilities and the
  // subscriber's PPP retry comes back later, paced.
  if (!ctx_.icrq_gate.admit(peer_.ipv4, ctx_.clock.now())) {
    ++ctx_.stats.icrq_paced;
    refuse_call(peer_session, result(kCdnTemporary, 0, "call admission rate exceeded"));
    return;
  }
  std::optional<uint16_t> sid = session_ids_.allocate();
  if (!sid.has_value()) {
    ++ctx_.stats.sessions_refused_limit;
    refuse_call(peer_session, result(kCdnTemporary, 0, "no free session ID"));
    return;
  }
  LnsSession& s = add_session(*sid, CallDirection::kIncoming);
  s.info.peer_session_id = peer_session;
  s.info.call_serial_number = m.call_serial_number.value_or(0);
  s.info.bearer_type = m.bearer_type;
  s.info.physical_channel_id = m.physical_channel_id;
  if (m.calling_number) s.info.calling_number = *m.calling_number;
  if (m.called_number) s.info.called_number = *m.called_number;
  if (m.sub_address) s.info.sub_address = *m.sub_address;
  merge_vendor_avps(s.info, m);
  set_session_deadline(s, ctx_.clock.now() + ctx_.config.incoming_call_timeout);

  ControlMessage reply;
  reply.type = MessageType::kIcrp;
  reply.header.session_id = peer_session;
  reply.assigned_session_id = *sid;
  s.request_index = sent_count_;
  if (!send(std::move(reply))) remove_session(*sid);
}

void LnsTunnel::on_iccn(LnsSession& s, const ControlMessage& m) {
  if (s.info.direction != CallDirection::kIncoming || s.info.state != SessionState::kWaitConnect) {
    session_fsm_error(s, m);
    return;
  }
  record_connect(s.info, m);
  collect_proxy_avps(s.info, m);
  merge_vendor_avps(s.info, m);
  establish_session(s);
}

// ---- Outgoing calls -----------------------------------------------------------

absl::StatusOr<uint16_t> LnsTunnel::call_outgoing(const OutgoingCall& call) {
  if (state_ != TunnelState::kEstablished) return absl::FailedPreconditionError("tunnel is not established");
  if (draining_ || ctx_.shutting_down) return absl::FailedPreconditionError("tunnel is draining");
  if (session_limit_reached()) return absl::ResourceExhaustedError("session limit reached");
  std::optional<uint16_t> sid = session_ids_.allocate();
  if (!sid.has_value()) return absl::ResourceExhaustedError("no free session ID");
  LnsSession& s = add_session(*sid, CallDirection::kOutgoing);
  s.info.call_serial_number = ctx_.next_call_serial++;
  s.info.called_number = call.called_number;
  s.info.sub_address = call.sub_address;
  s.info.minimum_bps = call.minimum_bps;
  s.info.maximum_bps = call.maximum_bps;
  s.info.bearer_type = call.bearer_type;
  s.info.framing_type = call.framing_type;
  set_session_deadline(s, ctx_.clock.now() + ctx_.config.outgoing_call_timeout);

  ControlMessage m;
  m.type = MessageType::kOcrq;
  m.assigned_session_id = *sid;
  m.call_serial_number = s.info.call_serial_number;
  m.minimum_bps = call.minimum_bps;
  m.maximum_bps = call.maximum_bps;
  m.bearer_type = call.bearer_type;
  m.framing_type = call.framing_type;
  m.called_number = call.called_number;
  if (!call.sub_address.empty()) m.sub_address = call.sub_address;
  s.request_index = sent_count_;
  if (!send(std::move(m))) {
    remove_session(*sid);
    return absl::UnavailableError("control channel cannot take the OCRQ");
  }
  return *sid;
}

void LnsTunnel::on_ocrp(LnsSession& s, const ControlMessage& m) {
  if (s.info.direction != CallDirection::kOutgoing || s.info.state != SessionState::kWaitReply ||
      m.assigned_session_id.value_or(0) == 0) {
    session_fsm_error(s, m);
    return;
  }
  s.info.peer_session_id = *m.assigned_session_id;
  if (m.physical_channel_id) s.info.physical_channel_id = m.physical_channel_id;
  merge_vendor_avps(s.info, m);
  s.info.state = SessionState::kWaitConnect;
}

void LnsTunnel::on_occn(LnsSession& s, const ControlMessage& m) {
  if (s.info.direction != CallDirection::kOutgoing || s.info.state != SessionState::kWaitConnect) {
    session_fsm_error(s, m);
    return;
  }
  record_connect(s.info, m);
  merge_vendor_avps(s.info, m);
  establish_session(s);
}

// ---- Either direction ---------------------------------------------------------

void LnsTunnel::establish_session(LnsSession& s) {
  s.info.state = SessionState::kEstablished;
  s.info.established_at = ctx_.clock.now();
  set_session_deadline(s, std::nullopt);
  ++ctx_.stats.sessions_established;
  s.reported = true;
  ctx_.events.push_back(SessionUp{export_session(s)});
  // The PPP layer has them now; 100,000 idle sessions should not keep them.
  std::vector<RawAvp>().swap(s.info.proxy_avps);
}

void LnsTunnel::on_cdn(const ControlMessage& m) {
  ++ctx_.stats.cdn_received;
  LnsSession* s = nullptr;
  if (m.header.session_id != 0) {
    s = find_session(m.header.session_id);
  } else if (m.assigned_session_id.value_or(0) != 0) {
    // The LAC gave up before our ICRP reached it, so it never learnt our ID.
    s = find_by_peer_session(*m.assigned_session_id);
  }
  if (s == nullptr) {
    ++ctx_.stats.unknown_session;
    return;
  }
  close_session(*s, CloseReason{Closer::kPeer, m.result_code.value_or(ResultCode{}), m.q931_cause},
                /*send_cdn=*/false);
}

absl::Status LnsTunnel::terminate_session(uint16_t session_id, Closer closer, ResultCode result_code) {
  LnsSession* s = find_session(session_id);
  if (s == nullptr) return absl::NotFoundError(absl::StrFormat("no session %u in tunnel %u", session_id, id_));
  if (!result_code.message.empty()) result_code.error = result_code.error.value_or(0);
  close_session(*s, CloseReason{closer, std::move(result_code)}, /*send_cdn=*/true);
  return absl::OkStatus();
}

absl::Status LnsTunnel::set_link_info(uint16_t session_id, const Accm& accm) {
  LnsSession* s = find_session(session_id);
  if (s == nullptr) return absl::NotFoundError(absl::StrFormat("no session %u in tunnel %u", session_id, id_));
  if (s->info.state != SessionState::kEstablished) return absl::FailedPreconditionError("session not established");
  ControlMessage m;
  m.type = MessageType::kSli;
  m.header.session_id = s->info.peer_session_id;
  m.accm = accm;
  if (!send(std::move(m))) return absl::UnavailableError("control channel cannot take the SLI");
  return absl::OkStatus();
}

void LnsTunnel::refuse_call(uint16_t peer_session_id, ResultCode result_code) {
  if (peer_session_id == 0) return;
  ++ctx_.stats.cdn_sent;
  ControlMessage m;
  m.type = MessageType::kCdn;
  m.header.session_id = peer_session_id;
  // No session was allocated; 0 tells the LAC there is no LNS side to find.
  m.assigned_session_id = 0;
  m.result_code = std::move(result_code);
  send(std::move(m));
}

void LnsTunnel::close_session(LnsSession& s, const CloseReason& reason, bool send_cdn) {
  const uint16_t sid = s.info.key.session_id;
  if (send_cdn) {
    ++ctx_.stats.cdn_sent;
    ControlMessage m;
    m.type = MessageType::kCdn;
    // Before OCRP we do not know the LAC's ID; 0 plus our Assigned Session
    // ID still lets it find the call.
    m.header.session_id = s.info.peer_session_id;
    m.assigned_session_id = sid;
    m.result_code = reason.result;
    if (!m.result_code->message.empty()) m.result_code->error = m.result_code->error.value_or(0);
    send(std::move(m));
  }
  if (s.reported) ctx_.events.push_back(SessionDown{export_session(s), reason});
  remove_session(sid);
}

void LnsTunnel::close_all_sessions(const CloseReason& reason) {
  // StopCCN clears every session implicitly: no CDNs (6.4).
  for (const std::unique_ptr<LnsSession>& s : sessions_)
    if (s && s->reported) ctx_.events.push_back(SessionDown{export_session(*s), reason});
  ctx_.total_sessions -= session_count_;
  if (settings_.policy_index >= 0) ctx_.policy_sessions[settings_.policy_index] -= session_count_;
  session_count_ = 0;
  std::vector<std::unique_ptr<LnsSession>>().swap(sessions_);
  session_ids_ = IdAllocator();
  session_timers_.clear();
}

// ---- Storage ------------------------------------------------------------------

LnsSession& LnsTunnel::add_session(uint16_t session_id, CallDirection direction) {
  if (sessions_.size() <= session_id) sessions_.resize(static_cast<size_t>(session_id) + 1);
  auto s = std::make_unique<LnsSession>();
  s->info.key = SessionKey{id_, session_id};
  s->info.direction = direction;
  s->info.state = direction == CallDirection::kIncoming ? SessionState::kWaitConnect : SessionState::kWaitReply;
  s->info.created_at = ctx_.clock.now();
  sessions_[session_id] = std::move(s);
  ++session_count_;
  ++ctx_.total_sessions;
  if (settings_.policy_index >= 0) ++ctx_.policy_sessions[settings_.policy_index];
  return *sessions_[session_id];
}

void LnsTunnel::remove_session(uint16_t session_id) {
  LnsSession* s = find_session(session_id);
  if (s == nullptr) return;
  set_session_deadline(*s, std::nullopt);
  sessions_[session_id].reset();
  session_ids_.release(session_id);
  --session_count_;
  --ctx_.total_sessions;
  if (settings_.policy_index >= 0) --ctx_.policy_sessions[settings_.policy_index];
  // Keep the slot vector no longer than the highest ID in use.
  while (!sessions_.empty() && !sessions_.back()) sessions_.pop_back();
}

LnsSession* LnsTunnel::find_session(uint16_t session_id) {
  return session_id < sessions_.size() ? sessions_[session_id].get() : nullptr;
}

const LnsSession* LnsTunnel::find_session(uint16_t session_id) const {
  return session_id < sessions_.size() ? sessions_[session_id].get() : nullptr;
}

LnsSession* LnsTunnel::find_by_peer_session(uint16_t peer_session_id) {
  // Rare (a CDN racing our ICRP), so a scan beats a second index per session.
  for (const std::unique_ptr<LnsSession>& s : sessions_)
    if (s && s->info.peer_session_id == peer_session_id) return s.get();
  return nullptr;
}

void LnsTunnel::set_session_deadline(LnsSession& s, std::optional<TimePoint> deadline) {
  const uint16_t sid = s.info.key.session_id;
  if (s.deadline.has_value()) session_timers_.erase({*s.deadline, sid});
  s.deadline = deadline;
  if (deadline.has_value()) session_timers_.insert({*deadline, sid});
}

SessionInfo LnsTunnel::export_session(const LnsSession& s) const {
  SessionInfo info = s.info;
  info.peer = peer_;
  info.peer_tunnel_id = peer_tunnel_id_;
  info.lac_host_name = host_name_;
  return info;
}

std::optional<SessionInfo> LnsTunnel::session(uint16_t session_id) const {
  const LnsSession* s = find_session(session_id);
  if (s == nullptr) return std::nullopt;
  return export_session(*s);
}

std::vector<SessionInfo> LnsTunnel::sessions() const {
  std::vector<SessionInfo> out;
  out.reserve(session_count_);
  for (const std::unique_ptr<LnsSession>& s : sessions_)
    if (s) out.push_back(export_session(*s));
  return out;
}

}  // namespace lns::l2tp::internal
