// An LNS in memory for the emulator's unit tests: the real LnsEngine for
// L2TP, one real PppSession per call for PPP, a user table for PAP/CHAP, an
// address pool, and a stand-in for the data plane that hands each upstream
// probe to Emulator::on_core_packet() and, when asked, returns it to the
// subscriber the way the core-side reflector and lnsd's downstream path
// would. Datagrams take `delay` each way on a FakeClock; run_until() jumps
// from event to event, so minutes of protocol time take milliseconds.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/clock.h"
#include "controlplane/l2tp/engine.h"
#include "controlplane/ppp/ppp_session.h"
#include "tests/emulator/emulator.h"
#include "tests/emulator/subscriber_ipv6.h"

namespace lns::emu::testing {

struct InMemoryLnsConfig {
  l2tp::L2tpConfig l2tp;
  ppp::PppSessionConfig ppp;
  // User name -> PAP password / CHAP secret.
  std::map<std::string, std::string> users;
  uint32_t first_address = 0x64400001;  // 100.64.0.1
  // User name -> routed IPv6 prefix, published when IPv6CP opens (as lnsd's
  // AAA does); upstream IPv6 must come from inside it.
  std::map<std::string, Ipv6Prefix> ipv6_prefixes;
  bool reflect_probes = true;
  Duration delay = std::chrono::milliseconds(1);
};

struct InMemoryLnsStats {
  uint64_t ppp_sessions_started = 0;
  uint64_t authenticated = 0;
  uint64_t ipv4_up = 0;
  uint64_t ppp_down = 0;
  std::map<std::string, uint64_t> ppp_down_reasons;
  uint64_t probes_forwarded = 0;  // upstream probes the emulator recognised
  uint64_t ipv6_up = 0;           // IPv6CP opened with a prefix to route
  uint64_t ipv6_spoofed = 0;      // IPv6 from outside the session's prefix
  uint64_t data_dropped = 0;      // data for an unknown or not yet routed session
  uint64_t stalls = 0;
};

class InMemoryLns final : public EmulatorNetwork, private l2tp::DatagramSink, private l2tp::SessionEvents {
 public:
  InMemoryLns(FakeClock& clock, InMemoryLnsConfig config);
  ~InMemoryLns() override;

  void attach(Emulator& emulator) { emulator_ = &emulator; }

  // EmulatorNetwork: a datagram from one of the emulator's tunnels.
  bool send(uint32_t tunnel_index, absl::Span<const uint8_t> datagram) override;

  // Delivers datagrams and runs every party's timers in time order until
  // `done()` holds, nothing is left to do, or the clock would pass `limit`.
  bool run_until(const std::function<bool()>& done, TimePoint limit);

  l2tp::LnsEngine& engine() { return *engine_; }
  size_t subscriber_count() const { return subscribers_.size(); }
  const InMemoryLnsStats& stats() const { return stats_; }

 private:
  struct Subscriber;
  class Verifier;
  struct Datagram {
    bool to_lns = false;
    uint32_t tunnel_index = 0;
    std::vector<uint8_t> bytes;
  };

  // DatagramSink (engine -> emulator)
  void send(const l2tp::PeerAddress& to, std::vector<uint8_t> udp_payload) override;
  // SessionEvents
  void on_session_established(const l2tp::SessionInfo& info) override;
  void on_session_closed(const l2tp::SessionInfo& info, const l2tp::CloseReason& why) override;
  void on_tunnel_closed(const l2tp::TunnelInfo& info, const l2tp::CloseReason& why) override;

  void deliver(Datagram d);
  void to_lns_data(uint32_t tunnel_index, absl::Span<const uint8_t> datagram);
  void to_subscriber(Subscriber& s, uint16_t protocol, absl::Span<const uint8_t> information);
  void forward_ipv6(Subscriber& s, std::vector<uint8_t> packet);
  void run_deferred();
  std::optional<TimePoint> next_event() const;

  FakeClock& clock_;
  InMemoryLnsConfig config_;
  Emulator* emulator_ = nullptr;
  std::unique_ptr<Verifier> verifier_;
  std::unique_ptr<l2tp::LnsEngine> engine_;
  std::mt19937_64 rng_{7};
  std::map<std::pair<TimePoint, uint64_t>, Datagram> queue_;
  uint64_t sequence_ = 0;
  absl::flat_hash_map<l2tp::SessionKey, std::unique_ptr<Subscriber>> subscribers_;
  absl::flat_hash_map<uint32_t, Subscriber*> by_address_;
  absl::flat_hash_map<std::string, uint32_t> addresses_;  // one per user, kept across sessions
  uint32_t next_address_;
  std::vector<std::function<void()>> deferred_;
  InMemoryLnsStats stats_;
};

// The emulator's tunnel i appears to the engine as this address.
l2tp::PeerAddress emulated_lac_address(uint32_t tunnel_index);

}  // namespace lns::emu::testing
