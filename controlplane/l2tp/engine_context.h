// State LnsEngine shares with its tunnels: configuration, clock, output,
// counters, admission buckets and the queue of events waiting to be
// delivered. Internal to the engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "common/clock.h"
#include "controlplane/l2tp/engine_types.h"
#include "controlplane/l2tp/l2tp_config.h"
#include "controlplane/l2tp/token_bucket.h"

namespace lns::l2tp::internal {

// Per tunnel settings after the LAC policy has been applied.
struct TunnelSettings {
  int policy_index = -1;  // into L2tpConfig::lacs; -1 when none matched
  std::string secret;
  bool require_auth = true;
  bool hide_avps = false;  // only ever true with a secret
  bool permissive = false;
  Duration hello_interval{};
  uint16_t receive_window = 16;
  std::optional<uint32_t> max_sessions;  // of the policy, over all its tunnels
};

struct TunnelUp {
  TunnelInfo tunnel;
};
struct SessionUp {
  SessionInfo session;
};
struct SessionDown {
  SessionInfo session;
  CloseReason reason;
};
struct TunnelDown {
  TunnelInfo tunnel;
  CloseReason reason;
};
using PendingEvent = std::variant<TunnelUp, SessionUp, SessionDown, TunnelDown>;

// Token buckets for one kind of request: one global, one per peer address.
class AdmissionGate {
 public:
  AdmissionGate() = default;
  AdmissionGate(double rate, double per_peer_rate, std::optional<double> burst)
      : global_(rate, burst.value_or(0)), per_peer_rate_(per_peer_rate), per_peer_burst_(burst.value_or(0)) {}

  bool admit(uint32_t peer, TimePoint now) {
    if (per_peer_rate_ > 0) {
      if (per_peer_.size() >= kMaxTrackedPeers) forget_full_buckets(now);
      auto [it, inserted] = per_peer_.try_emplace(peer, per_peer_rate_, per_peer_burst_);
      // Check the peer's own bucket first so one noisy LAC does not use up
      // the global tokens the quiet ones need.
      if (!it->second.try_take(now)) return false;
    }
    return global_.try_take(now);
  }

 private:
  // Spoofed source addresses must not grow the map without bound; a full
  // bucket carries no history, so dropping it changes nothing.
  static constexpr size_t kMaxTrackedPeers = 4096;
  void forget_full_buckets(TimePoint now) {
    absl::erase_if(per_peer_, [&](const auto& kv) { return kv.second.full_at(now); });
  }

  TokenBucket global_;
  double per_peer_rate_ = 0;
  double per_peer_burst_ = 0;
  absl::flat_hash_map<uint32_t, TokenBucket> per_peer_;
};

struct EngineContext {
  EngineContext(const Clock& c, const L2tpConfig& cfg, DatagramSink& s)
      : clock(c),
        config(cfg),
        sink(s),
        sccrq_gate(cfg.admission.sccrq_per_second, cfg.admission.sccrq_per_second_per_peer,
                   cfg.admission.sccrq_burst),
        icrq_gate(cfg.admission.icrq_per_second, cfg.admission.icrq_per_second_per_peer, cfg.admission.icrq_burst),
        policy_sessions(cfg.lacs.size(), 0) {}

  const Clock& clock;
  const L2tpConfig& config;
  DatagramSink& sink;
  EngineStats stats;
  std::vector<PendingEvent> events;

  AdmissionGate sccrq_gate;
  AdmissionGate icrq_gate;

  uint32_t active_tunnels = 0;  // in WaitCtlConn or Established
  uint32_t total_sessions = 0;
  std::vector<uint32_t> policy_sessions;  // by policy index
  uint32_t next_call_serial = 1;
  bool shutting_down = false;
  absl::BitGen gen;
};

// The LAC's Assigned Session ID, peeked from the raw bytes of a session
// message the codec refused, rides on the failure status so the tunnel can
// still address its CDN when the message reaches it in sequence.
void attach_peer_session_id(absl::Status& status, uint16_t peer_session_id);
std::optional<uint16_t> attached_peer_session_id(const absl::Status& status);

}  // namespace lns::l2tp::internal
