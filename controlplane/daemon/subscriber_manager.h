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

struct Subscriber {
  l2tp::SessionInfo l2tp;
  uint32_t slot = dp::kNoSession;
};

class SubscriberManager : public l2tp::SessionEvents {
 public:
  SubscriberManager(dp::SessionTable& table, AccessIo& io, uint16_t default_mtu)
      : table_(table), io_(io), default_mtu_(default_mtu) {}

  // l2tp::SessionEvents
  void on_session_established(const l2tp::SessionInfo& info) override;
  void on_session_closed(const l2tp::SessionInfo& info, const l2tp::CloseReason& why) override;
  void on_tunnel_closed(const l2tp::TunnelInfo& info, const l2tp::CloseReason& why) override;

  // A PPP frame (from FF 03 / protocol field on) the data plane punted for
  // one of our sessions.
  void on_ppp_frame(l2tp::SessionKey key, absl::Span<const uint8_t> frame);

  const Subscriber* find(l2tp::SessionKey key) const;
  size_t size() const { return subscribers_.size(); }
  const SubscriberStats& stats() const { return stats_; }

 private:
  dp::SessionTable& table_;
  AccessIo& io_;
  uint16_t default_mtu_;
  absl::flat_hash_map<l2tp::SessionKey, std::unique_ptr<Subscriber>> subscribers_;
  SubscriberStats stats_;
};

}  // namespace lns
