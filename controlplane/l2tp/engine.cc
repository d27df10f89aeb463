#include "controlplane/l2tp/engine.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "controlplane/l2tp/avp_peek.h"

namespace lns::l2tp {

using internal::LnsTunnel;

namespace {

ResultCode make_result(uint16_t result, std::optional<uint16_t> error, std::string_view message) {
  ResultCode r{result, error, std::string(message)};
  // The wire format needs an Error Code before any message.
  if (!r.message.empty() && !r.error.has_value()) r.error = 0;
  return r;
}

}  // namespace

LnsEngine::LnsEngine(const Clock& clock, L2tpConfig config, DatagramSink& sink, SessionEvents& events)
    : config_(std::move(config)), ctx_(clock, config_, sink), events_(events) {}

LnsEngine::~LnsEngine() = default;

internal::TunnelSettings LnsEngine::settings_for(const LacPolicy* policy) const {
  internal::TunnelSettings s;
  s.secret = config_.secret;
  s.require_auth = config_.require_auth;
  bool hide = config_.hide_avps;
  s.permissive = config_.permissive;
  s.hello_interval = config_.hello_interval;
  s.receive_window = config_.receive_window;
  if (policy != nullptr) {
    s.policy_index = static_cast<int>(policy - config_.lacs.data());
    if (!policy->secret.empty()) s.secret = policy->secret;
    s.require_auth = policy->require_auth.value_or(s.require_auth);
    hide = policy->hide_avps.value_or(hide);
    s.permissive = policy->permissive.value_or(s.permissive);
    s.hello_interval = policy->hello_interval.value_or(s.hello_interval);
    s.receive_window = policy->receive_window.value_or(s.receive_window);
    s.max_sessions = policy->max_sessions;
  }
  // Hiding needs the secret; without one the AVPs go in the clear.
  s.hide_avps = hide && !s.secret.empty();
  return s;
}

LnsTunnel* LnsEngine::find(uint16_t tunnel_id) const {
  return tunnel_id < tunnels_.size() ? tunnels_[tunnel_id].get() : nullptr;
}

// ---- Input ------------------------------------------------------------------

void LnsEngine::on_datagram(const PeerAddress& from, absl::Span<const uint8_t> payload) {
  const std::optional<uint16_t> tunnel_id = peek_control_tunnel_id(payload);
  if (!tunnel_id.has_value()) {
    // Not an L2TPv2 control message (L2TPv3, L2F, data, garbage).
    ++ctx_.stats.malformed;
    return;
  }
  if (*tunnel_id == 0) {
    on_new_tunnel_datagram(from, payload);
  } else if (LnsTunnel* t = find(*tunnel_id); t == nullptr) {
    ++ctx_.stats.unknown_tunnel;
  } else if (!(t->peer() == from)) {
    // Only the address and port that opened the tunnel may drive it.
    ++ctx_.stats.wrong_peer;
  } else {
    absl::StatusOr<ControlMessage> decoded = decode_control(payload, t->decode_options());
    if (!decoded.ok()) {
      const std::optional<DecodeFailure> f = decode_failure(decoded.status());
      if (!f.has_value() || rfc_response(*f).action == FailureAction::kDiscard) ++ctx_.stats.malformed;
      if (f.has_value() && f->session_scope && f->header.has_value() && f->header->session_id == 0) {
        const auto value = peek_plain_avp(payload, kIetfVendorId, static_cast<uint16_t>(AvpType::kAssignedSessionId));
        if (value.has_value() && value->size() == 2) {
          absl::Status status = decoded.status();
          internal::attach_peer_session_id(status, load_be16(value->data()));
          decoded = std::move(status);
        }
      }
    }
    t->receive(std::move(decoded));
    settle(*t);
  }
  flush_events();
}

void LnsEngine::on_new_tunnel_datagram(const PeerAddress& from, absl::Span<const uint8_t> payload) {
  // The Host Name (never hidden) picks the policy, whose secret unhides the
  // rest of the SCCRQ.
  std::string_view host_name;
  if (auto v = peek_plain_avp(payload, kIetfVendorId, static_cast<uint16_t>(AvpType::kHostName)))
    host_name = as_string_view(*v);
  const LacPolicy* policy = match_lac(config_, from.ipv4, host_name);
  internal::TunnelSettings settings = settings_for(policy);
  absl::StatusOr<ControlMessage> sccrq =
      decode_control(payload, DecodeOptions{settings.secret, settings.permissive});
  // A refused SCCRQ gets no StopCCN: without its Assigned Tunnel ID the
  // LAC could not match one to its attempt.
  if (!sccrq.ok() || sccrq->type != MessageType::kSccrq || sccrq->assigned_tunnel_id.value_or(0) == 0) {
    ++ctx_.stats.malformed;
    return;
  }
  const SccrqKey key{from, *sccrq->assigned_tunnel_id};
  if (auto it = by_sccrq_.find(key); it != by_sccrq_.end()) {
    LnsTunnel* t = find(it->second);
    // A retransmitted SCCRQ belongs to the tunnel it created; the channel
    // recognises the old Ns and acknowledges it again. Once that tunnel has
    // been closed by the peer, the same IDs mean a fresh attempt.
    if (t != nullptr && (t->active() || t->stopccn_outstanding())) {
      t->receive(std::move(sccrq));
      settle(*t);
      return;
    }
    sccrq_key_of_.erase(it->second);
    by_sccrq_.erase(it);
  }
  if (ctx_.shutting_down) {
    ++ctx_.stats.tunnels_refused_shutdown;
    return;
  }
  // Admission control for SCCRQs drops the excess silently. A refusal
  // would need a StopCCN, and delivering that reliably needs the very
  // per-tunnel state a reconnect storm must not be allowed to create; a
  // dropped SCCRQ costs nothing, and the LAC retransmits it with back-off,
  // which spreads the storm out by itself.
  if (!ctx_.sccrq_gate.admit(from.ipv4, ctx_.clock.now())) {
    ++ctx_.stats.sccrq_paced;
    return;
  }
  std::optional<uint16_t> id = tunnel_ids_.allocate();
  if (!id.has_value()) {
    ++ctx_.stats.tunnels_refused_limit;
    return;
  }
  if (tunnels_.size() <= *id) tunnels_.resize(static_cast<size_t>(*id) + 1);
  tunnels_[*id] = std::make_unique<LnsTunnel>(ctx_, *id, from, key.peer_tunnel_id, sccrq->header.ns,
                                               std::move(settings));
  ++tunnel_count_;
  by_sccrq_[key] = *id;
  sccrq_key_of_[*id] = key;
  LnsTunnel& t = *tunnels_[*id];
  t.receive(std::move(sccrq));
  settle(t);
}

// ---- Timers -----------------------------------------------------------------

void LnsEngine::settle(LnsTunnel& tunnel) {
  const uint16_t id = tunnel.id();
  if (tunnel.finished()) {
    destroy(id);
    return;
  }
  const std::optional<TimePoint> next = tunnel.next_deadline();
  auto it = scheduled_.find(id);
  if (it != scheduled_.end()) {
    if (next.has_value() && *next == it->second) return;
    timers_.erase({it->second, id});
    scheduled_.erase(it);
  }
  if (next.has_value()) {
    timers_.insert({*next, id});
    scheduled_[id] = *next;
  }
}

void LnsEngine::destroy(uint16_t id) {
  if (auto it = scheduled_.find(id); it != scheduled_.end()) {
    timers_.erase({it->second, id});
    scheduled_.erase(it);
  }
  if (auto it = sccrq_key_of_.find(id); it != sccrq_key_of_.end()) {
    by_sccrq_.erase(it->second);
    sccrq_key_of_.erase(it);
  }
  tunnels_[id].reset();
  while (!tunnels_.empty() && !tunnels_.back()) tunnels_.pop_back();
  tunnel_ids_.release(id);
  --tunnel_count_;
}

void LnsEngine::on_timer() {
  const TimePoint now = ctx_.clock.now();
  // Collect first: running a tunnel's timers reschedules it.
  std::vector<uint16_t> due;
  for (auto it = timers_.begin(); it != timers_.end() && it->first <= now; ++it) due.push_back(it->second);
  for (uint16_t id : due) {
    if (LnsTunnel* t = find(id)) {
      t->on_timer();
      settle(*t);
    }
  }
  flush_events();
}

std::optional<TimePoint> LnsEngine::next_deadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first;
}

// ---- Admin ------------------------------------------------------------------

absl::Status LnsEngine::terminate_tunnel(uint16_t tunnel_id, uint16_t result, std::optional<uint16_t> error,
                                         std::string_view message) {
  LnsTunnel* t = find(tunnel_id);
  if (t == nullptr || !t->active()) return absl::NotFoundError(absl::StrFormat("no open tunnel %u", tunnel_id));
  t->stop(Closer::kLocal, make_result(result, error, message));
  settle(*t);
  flush_events();
  return absl::OkStatus();
}

absl::Status LnsEngine::terminate_session(SessionKey key, uint16_t result, std::optional<uint16_t> error,
                                          std::string_view message) {
  LnsTunnel* t = find(key.tunnel_id);
  if (t == nullptr || !t->active()) return absl::NotFoundError(absl::StrFormat("no open tunnel %u", key.tunnel_id));
  absl::Status s = t->terminate_session(key.session_id, Closer::kLocal, make_result(result, error, message));
  settle(*t);
  flush_events();
  return s;
}

absl::Status LnsEngine::drain_tunnel(uint16_t tunnel_id, bool draining) {
  LnsTunnel* t = find(tunnel_id);
  if (t == nullptr || !t->active()) return absl::NotFoundError(absl::StrFormat("no open tunnel %u", tunnel_id));
  t->set_draining(draining);
  return absl::OkStatus();
}

absl::StatusOr<SessionKey> LnsEngine::call_outgoing(uint16_t tunnel_id, const OutgoingCall& call) {
  LnsTunnel* t = find(tunnel_id);
  if (t == nullptr || !t->active()) return absl::NotFoundError(absl::StrFormat("no open tunnel %u", tunnel_id));
  absl::StatusOr<uint16_t> sid = t->call_outgoing(call);
  settle(*t);
  flush_events();
  if (!sid.ok()) return sid.status();
  return SessionKey{tunnel_id, *sid};
}

absl::Status LnsEngine::set_link_info(SessionKey key, const Accm& accm) {
  LnsTunnel* t = find(key.tunnel_id);
  if (t == nullptr || !t->active()) return absl::NotFoundError(absl::StrFormat("no open tunnel %u", key.tunnel_id));
  absl::Status s = t->set_link_info(key.session_id, accm);
  settle(*t);
  return s;
}

void LnsEngine::shutdown(uint16_t result, std::string_view message) {
  ctx_.shutting_down = true;
  const ResultCode rc = make_result(result, std::nullopt, message);
  for (size_t id = 0; id < tunnels_.size(); ++id) {
    LnsTunnel* t = tunnels_[id].get();
    if (t == nullptr || !t->active()) continue;
    t->stop(Closer::kLocal, rc);
  }
  // settle() may destroy tunnels and shrink the table, so walk it again.
  for (size_t id = tunnels_.size(); id-- > 0;)
    if (LnsTunnel* t = id < tunnels_.size() ? tunnels_[id].get() : nullptr) settle(*t);
  flush_events();
}

// ---- Events -----------------------------------------------------------------

void LnsEngine::flush_events() {
  // A handler that calls back into the engine queues more events; the
  // outermost flush delivers them in order.
  if (flushing_) return;
  flushing_ = true;
  std::vector<internal::PendingEvent> batch;
  while (!ctx_.events.empty()) {
    batch.clear();
    batch.swap(ctx_.events);
    for (internal::PendingEvent& e : batch) {
      if (auto* up = std::get_if<internal::TunnelUp>(&e)) {
        events_.on_tunnel_established(up->tunnel);
      } else if (auto* s = std::get_if<internal::SessionUp>(&e)) {
        events_.on_session_established(s->session);
      } else if (auto* d = std::get_if<internal::SessionDown>(&e)) {
        events_.on_session_closed(d->session, d->reason);
      } else if (auto* td = std::get_if<internal::TunnelDown>(&e)) {
        events_.on_tunnel_closed(td->tunnel, td->reason);
      }
    }
  }
  flushing_ = false;
}

// ---- Introspection ----------------------------------------------------------

std::vector<TunnelInfo> LnsEngine::tunnels() const {
  std::vector<TunnelInfo> out;
  out.reserve(tunnel_count_);
  for (const std::unique_ptr<LnsTunnel>& t : tunnels_)
    if (t) out.push_back(t->info());
  return out;
}

std::optional<TunnelInfo> LnsEngine::tunnel(uint16_t tunnel_id) const {
  const LnsTunnel* t = find(tunnel_id);
  if (t == nullptr) return std::nullopt;
  return t->info();
}

std::vector<SessionInfo> LnsEngine::sessions(uint16_t tunnel_id) const {
  const LnsTunnel* t = find(tunnel_id);
  if (t == nullptr) return {};
  return t->sessions();
}

std::optional<SessionInfo> LnsEngine::session(SessionKey key) const {
  const LnsTunnel* t = find(key.tunnel_id);
  if (t == nullptr) return std::nullopt;
  return t->session(key.session_id);
}

}  // namespace lns::l2tp
