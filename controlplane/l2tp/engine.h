// LnsEngine: the L2TPv2 control plane of the LNS (RFC 2661). It owns every
// tunnel and session, turns received control messages into replies and
// events, and keeps all timers.
//
// Single-threaded and passive: the caller feeds it datagrams (on_datagram),
// runs on_timer() at next_deadline(), and implements DatagramSink (where
// replies go) and SessionEvents (what the PPP layer and the CLI hear).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/l2tp/engine_context.h"
#include "controlplane/l2tp/engine_types.h"
#include "controlplane/l2tp/id_allocator.h"
#include "controlplane/l2tp/l2tp_config.h"
#include "controlplane/l2tp/lns_tunnel.h"

namespace lns::l2tp {

class LnsEngine {
 public:
  LnsEngine(const Clock& clock, L2tpConfig config, DatagramSink& sink, SessionEvents& events);
  ~LnsEngine();
  LnsEngine(const LnsEngine&) = delete;
  LnsEngine& operator=(const LnsEngine&) = delete;

  // One UDP payload received on the L2TP port (control messages only).
  void on_datagram(const PeerAddress& from, absl::Span<const uint8_t> udp_payload);

  // Runs every timer that is due: retransmission, delayed acks, HELLO,
  // setup timeouts, and release of closed tunnels.
  void on_timer();
  std::optional<TimePoint> next_deadline() const;

  // ---- Admin ----
  // StopCCN to the LAC; every session is cleared with it.
  absl::Status terminate_tunnel(uint16_t tunnel_id,
                                uint16_t result = static_cast<uint16_t>(StopCcnResult::kGeneralClearRequest),
                                std::optional<uint16_t> error = std::nullopt, std::string_view message = {});
  // CDN to the LAC.
  absl::Status terminate_session(SessionKey key, uint16_t result = static_cast<uint16_t>(CdnResult::kAdministrative),
                                 std::optional<uint16_t> error = std::nullopt, std::string_view message = {});
  // A draining tunnel refuses new calls (CDN result 2, error 7 "try
  // another") and keeps the ones it has.
  absl::Status drain_tunnel(uint16_t tunnel_id, bool draining = true);
  // OCRQ; the session is reported established after OCRP and OCCN.
  absl::StatusOr<SessionKey> call_outgoing(uint16_t tunnel_id, const OutgoingCall& call);
  // SLI carrying the ACCM PPP negotiated.
  absl::Status set_link_info(SessionKey key, const Accm& accm);
  // StopCCN to every tunnel, and refuse new ones from now on. Keep running
  // timers until idle() so the StopCCNs are delivered.
  void shutdown(uint16_t result = static_cast<uint16_t>(StopCcnResult::kShuttingDown), std::string_view message = {});
  // No tunnel state left at all (closing tunnels included).
  bool idle() const { return tunnel_count_ == 0; }

  // ---- Introspection ----
  std::vector<TunnelInfo> tunnels() const;
  std::optional<TunnelInfo> tunnel(uint16_t tunnel_id) const;
  std::vector<SessionInfo> sessions(uint16_t tunnel_id) const;
  std::optional<SessionInfo> session(SessionKey key) const;
  const EngineStats& stats() const { return ctx_.stats; }
  // Tunnels in WaitCtlConn or Established, and their sessions.
  uint32_t active_tunnel_count() const { return ctx_.active_tunnels; }
  uint32_t session_count() const { return ctx_.total_sessions; }
  const L2tpConfig& config() const { return config_; }
  // Bytes of engine state attributable to one session (slot + object),
  // not counting heap strings longer than the small-string buffer.
  static constexpr size_t session_footprint() { return internal::LnsTunnel::kSessionFootprint; }

 private:
  struct SccrqKey {
    PeerAddress peer;
    uint16_t peer_tunnel_id = 0;
    bool operator==(const SccrqKey&) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const SccrqKey& k) {
      return H::combine(std::move(h), k.peer, k.peer_tunnel_id);
    }
  };

  void on_new_tunnel_datagram(const PeerAddress& from, absl::Span<const uint8_t> payload);
  internal::TunnelSettings settings_for(const LacPolicy* policy) const;
  internal::LnsTunnel* find(uint16_t tunnel_id) const;
  // After anything touched a tunnel: destroy it if finished, else
  // reschedule its timer.
  void settle(internal::LnsTunnel& tunnel);
  void destroy(uint16_t tunnel_id);
  void flush_events();

  const L2tpConfig config_;
  internal::EngineContext ctx_;
  SessionEvents& events_;
  bool flushing_ = false;

  // Indexed by our tunnel ID.
  std::vector<std::unique_ptr<internal::LnsTunnel>> tunnels_;
  IdAllocator tunnel_ids_;
  uint32_t tunnel_count_ = 0;
  // Retransmitted SCCRQs carry tunnel ID 0; this finds their tunnel.
  absl::flat_hash_map<SccrqKey, uint16_t> by_sccrq_;
  absl::flat_hash_map<uint16_t, SccrqKey> sccrq_key_of_;
  // One entry per tunnel with a deadline.
  std::set<std::pair<TimePoint, uint16_t>> timers_;
  absl::flat_hash_map<uint16_t, TimePoint> scheduled_;
};

}  // namespace lns::l2tp
