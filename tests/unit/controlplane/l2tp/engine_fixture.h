// Shared set-up for the LnsEngine tests: an engine and fake LACs on a
// simulated network driven by a FakeClock, plus helpers to build and
// inspect raw control messages.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock.h"
#include "controlplane/l2tp/engine.h"
#include "controlplane/l2tp/testing/fake_lac.h"
#include "controlplane/l2tp/testing/sim_network.h"

namespace lns::l2tp {

using std::chrono::milliseconds;
using std::chrono::seconds;

inline constexpr uint32_t kLacAddress = 0x0A000001;  // 10.0.0.1
inline constexpr char kSecret[] = "tunnel-secret";

// One datagram seen on the wire.
struct Seen {
  bool to_lns;
  PeerAddress lac;
  Bytes bytes;
  // Decoded with `secret`; a ZLB decodes to type kZlb.
  absl::StatusOr<ControlMessage> decode(std::string_view secret = kSecret) const {
    return decode_control(bytes, DecodeOptions{secret, false});
  }
  bool is(MessageType t, std::string_view secret = kSecret) const {
    absl::StatusOr<ControlMessage> m = decode(secret);
    return m.ok() && m->type == t;
  }
};

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() {
    config.secret = kSecret;
    config.require_auth = true;
  }

  // Builds the engine from `config` (edit it first).
  void start(sim::LinkModel model = {}, uint64_t seed = 1) {
    net = std::make_unique<sim::SimNetwork>(clock, model, seed);
    engine = std::make_unique<LnsEngine>(clock, config, *net, events);
    net->attach(*engine);
    net->set_tap([this](bool to_lns, const PeerAddress& lac, const std::vector<uint8_t>& bytes) {
      wire.push_back(Seen{to_lns, lac, bytes});
    });
  }

  sim::FakeLacConfig lac_config(uint32_t n = 0) {
    sim::FakeLacConfig c;
    c.address = PeerAddress{kLacAddress + n, 1701};
    c.host_name = "lac" + std::to_string(n);
    c.secret = kSecret;
    return c;
  }

  sim::FakeLac& add_lac(sim::FakeLacConfig c) {
    lacs.push_back(std::make_unique<sim::FakeLac>(clock, std::move(c), net->lac_sender()));
    net->attach(*lacs.back());
    return *lacs.back();
  }
  sim::FakeLac& add_lac() { return add_lac(lac_config(static_cast<uint32_t>(lacs.size()))); }

  bool run_until(const std::function<bool()>& done, Duration max = seconds(60)) {
    return net->run_until(done, clock.now() + max);
  }
  void run_for(Duration d) { net->run_for(d); }

  // Opens a tunnel from `lac` and runs until both sides call it up.
  uint16_t open_tunnel(sim::FakeLac& lac) {
    const uint16_t t = lac.open_tunnel();
    EXPECT_TRUE(run_until([&] { return lac.tunnel_state(t) == sim::LacTunnelState::kEstablished && lac.quiet(); }));
    return t;
  }
  // Places a call and runs until the LNS reports it established.
  uint16_t establish_call(sim::FakeLac& lac, uint16_t tunnel, sim::LacCall call = {}) {
    const size_t before = events.sessions_up.size();
    const uint16_t s = lac.place_call(tunnel, std::move(call));
    EXPECT_TRUE(run_until([&] { return events.sessions_up.size() > before && lac.quiet(); }));
    return s;
  }
  SessionKey key_of(sim::FakeLac& lac, uint16_t tunnel, uint16_t session) {
    return SessionKey{lac.lns_tunnel_id(tunnel), lac.session(tunnel, session)->lns_id};
  }

  // The datagrams of `type` the engine sent (decoded with the secret).
  std::vector<ControlMessage> sent_by_lns(MessageType type, std::string_view secret = kSecret) const {
    std::vector<ControlMessage> out;
    for (const Seen& s : wire) {
      if (s.to_lns) continue;
      absl::StatusOr<ControlMessage> m = s.decode(secret);
      if (m.ok() && m->type == type) out.push_back(*m);
    }
    return out;
  }
  size_t count_sent_by_lns(MessageType type) const { return sent_by_lns(type).size(); }
  std::vector<Seen> datagrams_from_lac(MessageType type) const {
    std::vector<Seen> out;
    for (const Seen& s : wire)
      if (s.to_lns && s.is(type)) out.push_back(s);
    return out;
  }

  L2tpConfig config;
  FakeClock clock;
  sim::RecordingEvents events;
  std::unique_ptr<sim::SimNetwork> net;
  std::unique_ptr<LnsEngine> engine;
  std::vector<std::unique_ptr<sim::FakeLac>> lacs;
  std::vector<Seen> wire;
};

// A control message with an AVP the LNS cannot know, M bit as given.
inline RawAvp unknown_avp(bool mandatory) {
  return RawAvp{/*vendor_id=*/9999, /*type=*/77, mandatory, /*hidden=*/false, Bytes{1, 2, 3}};
}

}  // namespace lns::l2tp
