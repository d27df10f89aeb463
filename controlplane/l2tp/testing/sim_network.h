// A simulated UDP network between one LnsEngine and any number of
// FakeLacs, driven by a FakeClock: datagrams are queued with a delay and,
// optionally, dropped or held back (reordered) at random with a fixed seed.
// run_until() advances the clock from event to event (deliveries and the
// timers of every party), so minutes of protocol time take milliseconds.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "common/clock.h"
#include "controlplane/l2tp/engine.h"
#include "controlplane/l2tp/testing/fake_lac.h"

namespace lns::l2tp::sim {

struct LinkModel {
  double loss = 0;     // probability a datagram is dropped
  double reorder = 0;  // probability a datagram is held back
  Duration delay = std::chrono::milliseconds(1);
  Duration reorder_delay = std::chrono::milliseconds(30);  // extra for held-back ones
};

struct NetworkStats {
  uint64_t to_lns = 0;
  uint64_t to_lacs = 0;
  uint64_t dropped = 0;
  uint64_t reordered = 0;
  uint64_t undeliverable = 0;  // to an address with no FakeLac
  uint64_t stalls = 0;         // run_until gave up: a deadline stuck in the past
};

class SimNetwork final : public DatagramSink {
 public:
  SimNetwork(FakeClock& clock, LinkModel model = {}, uint64_t seed = 1);

  // The engine must use this network as its DatagramSink.
  void attach(LnsEngine& engine) { engine_ = &engine; }
  void attach(FakeLac& lac) { lacs_[{lac.address().ipv4, lac.address().port}] = &lac; }
  // What a FakeLac sends through; pass it as the FakeLac's Sender.
  FakeLac::Sender lac_sender();
  void set_model(const LinkModel& model) { model_ = model; }
  // Sees every datagram as it is sent (before loss), e.g. to count HELLOs.
  using Tap = std::function<void(bool to_lns, const PeerAddress& lac, const std::vector<uint8_t>& bytes)>;
  void set_tap(Tap tap) { tap_ = std::move(tap); }

  // DatagramSink (engine -> LACs).
  void send(const PeerAddress& to, std::vector<uint8_t> udp_payload) override;

  // Processes events in time order until `done()` holds after an event, or
  // nothing is left to do, or the clock would pass `limit`. Returns done().
  bool run_until(const std::function<bool()>& done, TimePoint limit);
  // Runs everything up to `limit` (the clock ends at `limit`).
  void run_for(Duration d);
  size_t in_flight() const { return queue_.size(); }
  const NetworkStats& stats() const { return stats_; }

 private:
  struct Datagram {
    bool to_lns;
    PeerAddress from;  // to_lns: the LAC
    PeerAddress to;    // !to_lns: the LAC
    std::vector<uint8_t> bytes;
  };
  void enqueue(Datagram d);
  std::optional<TimePoint> next_event() const;
  void step(TimePoint now);

  FakeClock& clock_;
  LinkModel model_;
  Tap tap_;
  std::mt19937_64 rng_;
  LnsEngine* engine_ = nullptr;
  // Ordered, so timers run in the same order on every run and a seed
  // always produces the same history.
  std::map<std::pair<uint32_t, uint16_t>, FakeLac*> lacs_;
  // Ordered by delivery time, then by order of sending.
  std::map<std::pair<TimePoint, uint64_t>, Datagram> queue_;
  uint64_t sequence_ = 0;
  NetworkStats stats_;
};

// Records the engine's events for assertions.
class RecordingEvents final : public SessionEvents {
 public:
  void on_tunnel_established(const TunnelInfo& t) override { tunnels_up.push_back(t); }
  void on_session_established(const SessionInfo& s) override {
    sessions_up.push_back(s);
    if (on_up) on_up(s);
  }
  void on_session_closed(const SessionInfo& s, const CloseReason& r) override { sessions_down.push_back({s, r}); }
  void on_tunnel_closed(const TunnelInfo& t, const CloseReason& r) override { tunnels_down.push_back({t, r}); }

  std::vector<TunnelInfo> tunnels_up;
  std::vector<SessionInfo> sessions_up;
  std::vector<std::pair<SessionInfo, CloseReason>> sessions_down;
  std::vector<std::pair<TunnelInfo, CloseReason>> tunnels_down;
  std::function<void(const SessionInfo&)> on_up;
};

}  // namespace lns::l2tp::sim
