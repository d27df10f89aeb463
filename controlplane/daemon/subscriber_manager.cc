#include "controlplane/daemon/subscriber_manager.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "common/byte_order.h"
#include "common/log.h"
#include "controlplane/l2tp/engine.h"

namespace lns {
namespace {

// How an ended PPP session is reported to the LAC in the CDN.
struct CdnCause {
  l2tp::CdnResult result;
  std::optional<l2tp::GeneralError> error;
  const char* message;
};

CdnCause cdn_cause(ppp::PppDownReason r, bool no_address) {
  using R = ppp::PppDownReason;
  using C = l2tp::CdnResult;
  if (no_address) return {C::kTemporaryNoFacilities, std::nullopt, "no address available for the subscriber"};
  switch (r) {
    case R::kPeerTerminated: return {C::kAdministrative, std::nullopt, "PPP terminated by the subscriber"};
    case R::kAuthFailed: return {C::kGeneralError, l2tp::GeneralError::kVendorSpecific, "PPP authentication failed"};
    case R::kEchoTimeout: return {C::kLostCarrier, std::nullopt, "LCP echo timeout"};
    case R::kMaxConfigure: return {C::kGeneralError, l2tp::GeneralError::kVendorSpecific, "LCP negotiation failed"};
    case R::kLoopback: return {C::kGeneralError, l2tp::GeneralError::kVendorSpecific, "PPP link looped back"};
    case R::kAdmin: return {C::kAdministrative, std::nullopt, "terminated by the operator"};
    case R::kLowerLayerDown: return {C::kLostCarrier, std::nullopt, "session lost"};
    case R::kProtocolRejected: return {C::kGeneralError, l2tp::GeneralError::kVendorSpecific, "LCP rejected"};
    case R::kNoNetworkProtocol:
      return {C::kGeneralError, l2tp::GeneralError::kVendorSpecific, "no network protocol could be opened"};
  }
  return {C::kGeneralError, std::nullopt, "PPP down"};
}

// Proxy LCP and proxy authentication AVPs (RFC 2661 4.4.5) as PPP wants them.
ppp::ProxyInfo proxy_info_of(const l2tp::SessionInfo& info) {
  ppp::ProxyInfo p;
  auto value = [&](l2tp::AvpType t) -> const l2tp::Bytes* {
    const l2tp::RawAvp* a = info.find_proxy_avp(t);
    return a ? &a->value : nullptr;
  };
  const auto* irc = value(l2tp::AvpType::kInitialReceivedLcpConfreq);
  const auto* lsc = value(l2tp::AvpType::kLastSentLcpConfreq);
  const auto* lrc = value(l2tp::AvpType::kLastReceivedLcpConfreq);
  if (lsc && lrc) {
    ppp::ProxyLcp lcp;
    if (irc) lcp.initial_received_confreq.assign(irc->begin(), irc->end());
    lcp.last_sent_confreq.assign(lsc->begin(), lsc->end());
    lcp.last_received_confreq.assign(lrc->begin(), lrc->end());
    p.lcp = std::move(lcp);
  }
  const auto* type = value(l2tp::AvpType::kProxyAuthenType);
  if (type && type->size() == 2) {
    ppp::ProxyAuth auth;
    auth.type = static_cast<ppp::ProxyAuthType>(load_be16(type->data()));
    if (const auto* n = value(l2tp::AvpType::kProxyAuthenName)) auth.name.assign(n->begin(), n->end());
    if (const auto* c = value(l2tp::AvpType::kProxyAuthenChallenge)) auth.challenge.assign(c->begin(), c->end());
    if (const auto* id = value(l2tp::AvpType::kProxyAuthenId); id && id->size() == 2) auth.id = (*id)[1];
    if (const auto* r = value(l2tp::AvpType::kProxyAuthenResponse)) auth.response.assign(r->begin(), r->end());
    p.auth = std::move(auth);
  }
  return p;
}

}  // namespace

SubscriberManager::SubscriberManager(dp::SessionTable& table, AccessIo& io, const Clock& clock,
                                     uint16_t default_mtu, PppSettings ppp, aaa::LocalAaa* aaa)
    : table_(table),
      io_(io),
      clock_(clock),
      default_mtu_(default_mtu),
      ppp_(std::move(ppp)),
      aaa_(aaa),
      timers_(clock.now()) {
  if (aaa_ != nullptr) verifier_ = std::make_unique<aaa::AaaAuthVerifier>(*aaa_);
}

SubscriberManager::~SubscriberManager() = default;

absl::StatusOr<uint64_t> SubscriberManager::add_static(const dp::SessionSpec& spec) {
  const l2tp::SessionKey key{spec.tunnel_id, spec.session_id};
  if (subscribers_.contains(key))
    return absl::AlreadyExistsError(absl::StrFormat("session %u/%u exists", key.tunnel_id, key.session_id));
  // A LAC that already talks L2TP to us has a learned MAC; without one the
  // table falls back to the access next hop (or refuses).
  dp::SessionSpec resolved = spec;
  if (!resolved.lac_mac)
    if (auto mac = io_.neighbor(spec.lac_ipv4)) resolved.lac_mac = *mac;
  auto slot = table_.add(resolved);
  if (!slot.ok()) return slot.status();
  auto sub = std::make_unique<Subscriber>(*this);
  sub->id = next_id_++;
  sub->kind = SubscriberKind::kStatic;
  sub->key = key;
  sub->slot = *slot;
  sub->since = clock_.now();
  sub->flags = spec.flags;
  by_id_[sub->id] = key;
  const uint64_t id = sub->id;
  subscribers_[key] = std::move(sub);
  return id;
}

absl::Status SubscriberManager::remove_static(l2tp::SessionKey key) {
  auto it = subscribers_.find(key);
  if (it == subscribers_.end() || it->second->kind != SubscriberKind::kStatic)
    return absl::NotFoundError(absl::StrFormat("no static session %u/%u", key.tunnel_id, key.session_id));
  erase(key);
  return absl::OkStatus();
}

void SubscriberManager::erase(l2tp::SessionKey key) {
  auto it = subscribers_.find(key);
  if (it == subscribers_.end()) return;
  Subscriber& s = *it->second;
  if (s.slot != dp::kNoSession && table_.remove(key.tunnel_id, key.session_id).ok()) ++stats_.removed;
  by_id_.erase(s.id);  // its timer entries are skipped from now on
  subscribers_.erase(it);  // releases the AAA addresses (SessionAddresses)
}

void SubscriberManager::on_session_established(const l2tp::SessionInfo& info) {
  auto sub = std::make_unique<Subscriber>(*this);
  Subscriber& s = *sub;
  s.id = next_id_++;
  s.kind = SubscriberKind::kL2tp;
  s.key = info.key;
  s.since = clock_.now();
  s.peer = info.peer;
  s.peer_tunnel_id = info.peer_tunnel_id;
  s.peer_session_id = info.peer_session_id;
  dp::SessionSpec spec;
  spec.lac_ipv4 = info.peer.ipv4;
  spec.lac_port = info.peer.port;
  spec.tunnel_id = info.key.tunnel_id;
  spec.session_id = info.key.session_id;
  spec.peer_tunnel_id = info.peer_tunnel_id;
  spec.peer_session_id = info.peer_session_id;
  spec.mtu = default_mtu_;
  if (auto mac = io_.neighbor(info.peer.ipv4)) spec.lac_mac = *mac;
  spec.flags = 0;  // PPP control frames only, until a network protocol opens
  auto slot = table_.add(spec);
  if (!slot.ok()) {
    ++stats_.publish_failed;
    LNS_LOG_WARN("session %u/%u: data plane refused it: %s", info.key.tunnel_id, info.key.session_id,
                 std::string(slot.status().message()));
    if (engine_ != nullptr)
      pending_down_.push_back({info.key, ppp::PppDownReason::kNoNetworkProtocol});
    return;
  }
  s.slot = *slot;
  ++stats_.published;
  by_id_[s.id] = info.key;
  subscribers_[info.key] = std::move(sub);
  if (aaa_ != nullptr) {
    s.addresses = std::make_unique<aaa::SessionAddresses>(*aaa_, s.id);
    s.ppp = std::make_unique<ppp::PppSession>(ppp_.session, clock_, s, rng_, *verifier_,
                                              s.addresses->ipv4_allocator(), s);
    if (ppp_.accept_proxy)
      s.ppp->start(proxy_info_of(info));
    else
      s.ppp->start();
    reschedule(s);
  }
}

void SubscriberManager::on_session_closed(const l2tp::SessionInfo& info, const l2tp::CloseReason& why) {
  auto it = subscribers_.find(info.key);
  if (it == subscribers_.end()) return;
  Subscriber& s = *it->second;
  LNS_LOG_DEBUG("session %u/%u down (%s, result %u)", info.key.tunnel_id, info.key.session_id,
                std::string(l2tp::closer_name(why.closer)), why.result.result);
  s.down = true;  // no CDN of our own: the L2TP side is already gone
  if (s.ppp && s.ppp->phase() != ppp::PppPhase::kDead) s.ppp->lower_down();
  erase(info.key);
}

void SubscriberManager::on_tunnel_closed(const l2tp::TunnelInfo& info, const l2tp::CloseReason& why) {
  LNS_LOG_INFO("tunnel %u (%s, %s) closed by %s, result %u", info.tunnel_id, info.lac_host_name,
               l2tp::to_string(info.peer), std::string(l2tp::closer_name(why.closer)), why.result.result);
}

void SubscriberManager::on_ppp_frame(l2tp::SessionKey key, absl::Span<const uint8_t> frame) {
  auto it = subscribers_.find(key);
  if (it == subscribers_.end()) {
    ++stats_.ppp_unknown_session;
    return;
  }
  ++stats_.ppp_frames;
  Subscriber& s = *it->second;
  if (!s.ppp) return;
  if (!s.ppp->receive_frame(frame).ok()) ++stats_.ppp_bad_frames;
  reschedule(s);
}

void SubscriberManager::reschedule(Subscriber& s) {
  std::optional<TimePoint> next;
  if (s.ppp && !s.down) next = s.ppp->next_deadline();
  // Most frames leave the deadline where it was: nothing to add then. A
  // moved deadline leaves its old entry behind, stale.
  if (next == s.scheduled) return;
  s.scheduled = next;
  if (next) timers_.schedule(*next, s.id);
}

size_t SubscriberManager::poll(size_t max_timers) {
  const TimePoint now = clock_.now();
  const size_t ran = timers_.run_due(now, max_timers, [&](TimePoint due, uint64_t id) {
    auto k = by_id_.find(id);
    if (k == by_id_.end()) return false;  // the subscriber is gone
    Subscriber& s = *subscribers_.at(k->second);
    if (s.scheduled != due) return false;  // moved since
    const int64_t lag_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - due).count();
    ++stats_.timers_run;
    if (lag_ms >= 1000) ++stats_.timers_late;
    stats_.timer_lag_max_ms = std::max(stats_.timer_lag_max_ms, lag_ms);
    s.scheduled.reset();
    if (s.ppp) s.ppp->poll();
    reschedule(s);
    return true;
  });
  // PPP is over for these: clear the L2TP session (CDN); the engine then
  // reports on_session_closed, which removes the subscriber.
  auto pending = std::move(pending_down_);
  pending_down_.clear();
  for (const auto& [key, reason] : pending) {
    const Subscriber* s = find(key);
    const bool no_address = s && s->addresses && !s->addresses->failure().ok() && reason != ppp::PppDownReason::kAuthFailed;
    const CdnCause cause = cdn_cause(reason, no_address);
    if (engine_ == nullptr ||
        !engine_->terminate_session(key, static_cast<uint16_t>(cause.result),
                                    cause.error ? std::optional<uint16_t>(static_cast<uint16_t>(*cause.error))
                                                : std::nullopt,
                                    cause.message)
             .ok())
      erase(key);  // the engine no longer knows it: clean up here
  }
  return ran;
}

void SubscriberManager::ppp_down(Subscriber& s, ppp::PppDownReason reason) {
  ++stats_.ppp_down;
  if (reason == ppp::PppDownReason::kAuthFailed) ++stats_.auth_failed;
  if (reason == ppp::PppDownReason::kEchoTimeout) ++stats_.echo_timeouts;
  if (s.addresses && !s.addresses->failure().ok()) ++stats_.no_address;
  // Traffic stops at once; the slot goes when the L2TP session does.
  if (s.slot != dp::kNoSession) (void)table_.set_flags(s.slot, 0);
  if (s.down) return;  // the L2TP side is already gone
  s.down = true;
  pending_down_.push_back({s.key, reason});
}

const Subscriber* SubscriberManager::find(l2tp::SessionKey key) const {
  auto it = subscribers_.find(key);
  return it == subscribers_.end() ? nullptr : it->second.get();
}

const Subscriber* SubscriberManager::find_id(uint64_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : find(it->second);
}

std::vector<const Subscriber*> SubscriberManager::all() const {
  std::vector<const Subscriber*> out;
  out.reserve(subscribers_.size());
  for (const auto& [key, sub] : subscribers_) out.push_back(sub.get());
  std::sort(out.begin(), out.end(), [](const Subscriber* a, const Subscriber* b) { return a->id < b->id; });
  return out;
}

// ---- Subscriber: PPP's view of the session --------------------------------

void Subscriber::send(uint16_t protocol, absl::Span<const uint8_t> packet) {
  // Full framing (FF 03, two-octet protocol): every peer must accept it.
  std::vector<uint8_t> frame(4 + packet.size());
  frame[0] = 0xff;
  frame[1] = 0x03;
  store_be16(frame.data() + 2, protocol);
  std::copy(packet.begin(), packet.end(), frame.begin() + 4);
  manager.io_.send_ppp(peer, peer_tunnel_id, peer_session_id, frame);
}

void Subscriber::on_link_up(const ppp::LcpNegotiated& negotiated) {
  if (slot == dp::kNoSession) return;
  const uint16_t mtu = std::min<uint16_t>(negotiated.peer_mru, manager.default_mtu_);
  (void)manager.table_.set_mtu(slot, std::max<uint16_t>(mtu, 576));
  // From here the workers answer the peer's Echo-Requests (with our magic).
  (void)manager.table_.set_lcp_magic(slot, negotiated.our_magic);
  flags |= dp::kAnswerLcpEcho;
  (void)manager.table_.set_flags(slot, flags);
}

void Subscriber::on_link_down() {
  if (slot == dp::kNoSession || !(flags & dp::kAnswerLcpEcho)) return;
  flags &= static_cast<uint16_t>(~dp::kAnswerLcpEcho);
  (void)manager.table_.set_flags(slot, flags);
}

void Subscriber::on_authenticated(const std::string& name) { user = name; }

void Subscriber::on_ipv4_up(uint32_t peer_address) {
  auto st = manager.table_.set_subscriber_ipv4(slot, peer_address);
  if (!st.ok()) {
    LNS_LOG_WARN("session %u/%u: cannot publish %u: %s", key.tunnel_id, key.session_id, peer_address,
                 std::string(st.message()));
    ppp->close(ppp::PppDownReason::kNoNetworkProtocol);
    return;
  }
  flags |= dp::kForwardIpv4;
  (void)manager.table_.set_flags(slot, flags);
  ++manager.stats_.ipv4_up;
}

void Subscriber::on_ipv4_down() {
  flags &= static_cast<uint16_t>(~dp::kForwardIpv4);
  (void)manager.table_.set_flags(slot, flags);
  (void)manager.table_.set_subscriber_ipv4(slot, 0);
}

void Subscriber::on_ipv6_up(uint64_t, uint64_t) {
  // Routed IPv6 needs a prefix from AAA; without one only link-local works,
  // which the data plane does not forward.
  const auto& a = addresses ? addresses->assignment() : std::nullopt;
  if (!a || !a->ipv6_prefix) return;
  std::array<uint8_t, 8> p{};
  std::copy(a->ipv6_prefix->address.begin(), a->ipv6_prefix->address.begin() + 8, p.begin());
  if (auto st = manager.table_.set_ipv6_prefix(slot, p, a->ipv6_prefix->length); !st.ok()) {
    // IPv6CP stays open (link-local only); say why nothing is routed.
    LNS_LOG_WARN("session %u/%u: cannot publish IPv6 prefix %s: %s", key.tunnel_id, key.session_id,
                 aaa::format_prefix(*a->ipv6_prefix),
                 std::string(st.message()));
    ++manager.stats_.publish_failed;
    return;
  }
  flags |= dp::kForwardIpv6;
  (void)manager.table_.set_flags(slot, flags);
  ++manager.stats_.ipv6_up;
}

void Subscriber::on_ipv6_down() {
  flags &= static_cast<uint16_t>(~dp::kForwardIpv6);
  (void)manager.table_.set_flags(slot, flags);
  (void)manager.table_.set_ipv6_prefix(slot, {}, 0);
}

void Subscriber::on_down(ppp::PppDownReason reason) { manager.ppp_down(*this, reason); }

}  // namespace lns
