// One subscriber per L2TP session (or static session): the session is
// published to the SessionTable as soon as the engine reports it, so its PPP
// control frames are punted to us; PPP (LCP, PAP/CHAP, IPCP, IPv6CP) runs
// here against the AAA back end; IP forwarding is enabled when a network
// protocol opens, and the session is removed (RCU-safe) and its addresses
// released when either side tears it down.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/clock.h"
#include "controlplane/aaa/local_aaa.h"
#include "controlplane/aaa/ppp_adapter.h"
#include "controlplane/daemon/access_io.h"
#include "controlplane/daemon/timer_wheel.h"
#include "controlplane/l2tp/engine_types.h"
#include "controlplane/ppp/ppp_session.h"
#include "dataplane/session_table.h"

namespace lns {

namespace l2tp {
class LnsEngine;
}

struct SubscriberStats {
  uint64_t published = 0;
  uint64_t removed = 0;
  uint64_t publish_failed = 0;  // the data plane refused (table full, ...)
  uint64_t ppp_frames = 0;      // PPP control frames received for sessions
  uint64_t ppp_bad_frames = 0;
  uint64_t ppp_unknown_session = 0;
  uint64_t ipv4_up = 0;
  uint64_t ipv6_up = 0;
  uint64_t auth_failed = 0;
  uint64_t no_address = 0;
  uint64_t echo_timeouts = 0;
  uint64_t ppp_down = 0;
  // PPP timers (keepalives, retransmissions) and how late they ran: timers
  // a second or more behind mean the control plane is not keeping up, and
  // keepalives that run late enough end sessions in echo timeouts.
  uint64_t timers_run = 0;
  uint64_t timers_late = 0;
  int64_t timer_lag_max_ms = 0;
};

enum class SubscriberKind : uint8_t { kStatic, kL2tp };

struct Subscriber;

struct PppSettings {
  ppp::PppSessionConfig session;
  bool accept_proxy = true;
};

class SubscriberManager : public l2tp::SessionEvents {
 public:
  SubscriberManager(dp::SessionTable& table, AccessIo& io, const Clock& clock, uint16_t default_mtu,
                    PppSettings ppp, aaa::LocalAaa* aaa);
  ~SubscriberManager() override;
  // The engine that owns the L2TP side (for CDNs when PPP ends).
  void set_engine(l2tp::LnsEngine* engine) { engine_ = engine; }

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
  // PPP timers and deferred work; call every loop iteration. Runs at most
  // `max_timers` due timers (each may send a frame or two); the rest stay
  // due for the next call, so a burst of keepalives is paced by the caller.
  // Returns how many timers ran.
  size_t poll(size_t max_timers = SIZE_MAX);

  const Subscriber* find(l2tp::SessionKey key) const;
  const Subscriber* find_id(uint64_t id) const;
  // Every subscriber, ordered by id.
  std::vector<const Subscriber*> all() const;
  size_t size() const { return subscribers_.size(); }
  const SubscriberStats& stats() const { return stats_; }
  aaa::LocalAaa* aaa() { return aaa_; }

 private:
  friend struct Subscriber;
  void reschedule(Subscriber& s);
  void ppp_down(Subscriber& s, ppp::PppDownReason reason);
  void erase(l2tp::SessionKey key);

  dp::SessionTable& table_;
  AccessIo& io_;
  const Clock& clock_;
  uint16_t default_mtu_;
  PppSettings ppp_;
  aaa::LocalAaa* aaa_;
  std::unique_ptr<aaa::AaaAuthVerifier> verifier_;
  l2tp::LnsEngine* engine_ = nullptr;
  std::mt19937_64 rng_{std::random_device{}()};
  uint64_t next_id_ = 1;
  absl::flat_hash_map<l2tp::SessionKey, std::unique_ptr<Subscriber>> subscribers_;
  absl::flat_hash_map<uint64_t, l2tp::SessionKey> by_id_;
  // Each subscriber's next PPP deadline; entries a subscriber has since
  // moved (Subscriber::scheduled no longer matches) or that outlived it are
  // skipped when they come due.
  TimerWheel timers_;
  // PPP sessions that ended and whose L2TP side must now be cleared.
  std::vector<std::pair<l2tp::SessionKey, ppp::PppDownReason>> pending_down_;
  SubscriberStats stats_;
};

struct Subscriber final : ppp::PacketSink, ppp::PppSessionListener {
  Subscriber(SubscriberManager& m) : manager(m) {}

  SubscriberManager& manager;
  uint64_t id = 0;  // what operators type: `show session ID`
  SubscriberKind kind = SubscriberKind::kL2tp;
  l2tp::SessionKey key;
  // kL2tp: where its PPP frames go. The rest of the L2TP session (LAC host,
  // calling number, ...) stays in the engine (LnsEngine::session()); a copy
  // here was 440 bytes per session.
  l2tp::PeerAddress peer;
  uint16_t peer_tunnel_id = 0;
  uint16_t peer_session_id = 0;
  uint32_t slot = dp::kNoSession;
  TimePoint since{};
  std::string user;
  uint16_t flags = 0;
  std::unique_ptr<aaa::SessionAddresses> addresses;
  std::unique_ptr<ppp::PppSession> ppp;
  std::optional<TimePoint> scheduled;
  bool down = false;

  // ppp::PacketSink
  void send(uint16_t protocol, absl::Span<const uint8_t> packet) override;
  // ppp::PppSessionListener
  void on_link_up(const ppp::LcpNegotiated& negotiated) override;
  void on_link_down() override;
  void on_authenticated(const std::string& user) override;
  void on_ipv4_up(uint32_t peer_address) override;
  void on_ipv4_down() override;
  void on_ipv6_up(uint64_t local_interface_id, uint64_t peer_interface_id) override;
  void on_ipv6_down() override;
  void on_down(ppp::PppDownReason reason) override;
};

}  // namespace lns
