#include "controlplane/daemon/subscriber_manager.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "common/log.h"

namespace lns {

absl::StatusOr<uint64_t> SubscriberManager::add_static(const dp::SessionSpec& spec) {
  const l2tp::SessionKey key{spec.tunnel_id, spec.session_id};
  if (subscribers_.contains(key))
    return absl::AlreadyExistsError(absl::StrFormat("session %u/%u exists", key.tunnel_id, key.session_id));
  auto slot = table_.add(spec);
  if (!slot.ok()) return slot.status();
  auto sub = std::make_unique<Subscriber>();
  sub->id = next_id_++;
  sub->kind = SubscriberKind::kStatic;
  sub->key = key;
  sub->slot = *slot;
  sub->since = clock_.now();
  sub->ipv4 = spec.subscriber_ipv4;
  by_id_[sub->id] = key;
  const uint64_t id = sub->id;
  subscribers_[key] = std::move(sub);
  return id;
}

absl::Status SubscriberManager::remove_static(l2tp::SessionKey key) {
  auto it = subscribers_.find(key);
  if (it == subscribers_.end() || it->second->kind != SubscriberKind::kStatic)
    return absl::NotFoundError(absl::StrFormat("no static session %u/%u", key.tunnel_id, key.session_id));
  if (auto st = table_.remove(key.tunnel_id, key.session_id); !st.ok()) return st;
  by_id_.erase(it->second->id);
  subscribers_.erase(it);
  return absl::OkStatus();
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

void SubscriberManager::on_session_established(const l2tp::SessionInfo& info) {
  auto sub = std::make_unique<Subscriber>();
  sub->id = next_id_++;
  sub->kind = SubscriberKind::kL2tp;
  sub->key = info.key;
  sub->since = clock_.now();
  sub->l2tp = info;
  sub->l2tp.proxy_avps.clear();  // only needed while PPP starts
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
    return;
  }
  sub->slot = *slot;
  ++stats_.published;
  LNS_LOG_DEBUG("session %u/%u up (peer %u/%u from %s), slot %u", info.key.tunnel_id, info.key.session_id,
                info.peer_tunnel_id, info.peer_session_id, l2tp::to_string(info.peer), *slot);
  by_id_[sub->id] = info.key;
  subscribers_[info.key] = std::move(sub);
}

void SubscriberManager::on_session_closed(const l2tp::SessionInfo& info, const l2tp::CloseReason& why) {
  auto it = subscribers_.find(info.key);
  if (it == subscribers_.end()) return;
  if (auto st = table_.remove(info.key.tunnel_id, info.key.session_id); st.ok()) ++stats_.removed;
  LNS_LOG_DEBUG("session %u/%u down (%s, result %u)", info.key.tunnel_id, info.key.session_id,
                std::string(l2tp::closer_name(why.closer)), why.result.result);
  by_id_.erase(it->second->id);
  subscribers_.erase(it);
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
  (void)frame;  // PPP termination arrives with the PPP layer (issue 4)
}

const Subscriber* SubscriberManager::find(l2tp::SessionKey key) const {
  auto it = subscribers_.find(key);
  return it == subscribers_.end() ? nullptr : it->second.get();
}

}  // namespace lns
