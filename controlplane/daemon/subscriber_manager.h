// Ties an established L2TP session to the data plane: the session is
// published to the SessionTable as soon as the engine reports it (so its PPP
// control frames are punted to us), its IP traffic is enabled when PPP's
// network protocols open, and it is removed (RCU-safe) when either side
// tears it down.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/clock.h"
#include "controlplane/daemon/access_io.h"
#include "controlplane/l2tp/engine_types.h"
#include "dataplane/session_table.h"

namespace lns {

struct SubscriberStats {
  uint64_t published = 0;
  uint64_t removed = 0;
  uint64_t publish_failed = 0;  // the data plane refused (table full, ...)
  uint64_t ppp_frames = 0;      // PPP control frames received for sessions
  uint64_t ppp_unknown_session = 0;
};

enum class SubscriberKind : uint8_t { kStatic, kL2tp };

struct Subscriber {
  uint64_t id = 0;  // what operators type: `show session ID`
  SubscriberKind kind = SubscriberKind::kL2tp;
  l2tp::SessionKey key;
  l2tp::SessionInfo l2tp;  // for kL2tp
  uint32_t slot = dp::kNoSession;
  TimePoint since{};
  std::string user;
  uint32_t ipv4 = 0;  // host order, 0: none yet
};

class SubscriberManager : public l2tp::SessionEvents {
 public:
  SubscriberManager(dp::SessionTable& table, AccessIo& io, const Clock& clock, uint16_t default_mtu)
      : table_(table), io_(io), clock_(clock), default_mtu_(default_mtu) {}

  // Sessions without signalling (config or `session add static`).
  absl::StatusOr<uint64_t> add_static(const dp::SessionSpec& spec);
  absl::Status remove_static(l2tp::SessionKey key);

  // l2tp::SessionEvents
  void on_session_established(const l2tp::SessionInfo& info) override;
  void on_session_closed(const l2tp::SessionInfo& info, const l2tp::CloseReason& why) override;
  void on_tunnel_closed(const l2tp::TunnelInfo& info, const l2tp::CloseReason& why) override;

  // A PPP frame (from FF 03 / protocol field on) the data plane punted for
  // one of our sessions.
  void on_ppp_frame(l2tp::SessionKey key, absl::Span<const uint8_t> frame);

  const Subscriber* find(l2tp::SessionKey key) const;
  const Subscriber* find_id(uint64_t id) const;
  // Every subscriber, ordered by id.
  std::vector<const Subscriber*> all() const;
  size_t size() const { return subscribers_.size(); }
  const SubscriberStats& stats() const { return stats_; }

 private:
  dp::SessionTable& table_;
  AccessIo& io_;
  const Clock& clock_;
  uint16_t default_mtu_;
  uint64_t next_id_ = 1;
  absl::flat_hash_map<uint64_t, l2tp::SessionKey> by_id_;
  absl::flat_hash_map<l2tp::SessionKey, std::unique_ptr<Subscriber>> subscribers_;
  SubscriberStats stats_;
};

}  // namespace lns
