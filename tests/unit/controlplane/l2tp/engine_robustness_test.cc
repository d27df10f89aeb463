// Hostile input: mutated copies of a real LAC's datagrams (bit flips,
// truncation, junk, rewritten header fields) thrown at a live engine. It
// must never crash (run this under ASan/UBSan), its counts must stay
// consistent, and it must still shut down to nothing afterwards.
#include <random>

#include "engine_fixture.h"

namespace lns::l2tp {
namespace {

Bytes mutate(const Bytes& original, std::mt19937_64& rng) {
  Bytes b = original;
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  switch (pick(6)) {
    case 0:  // flip one bit
      if (!b.empty()) b[pick(b.size())] ^= static_cast<uint8_t>(1u << pick(8));
      break;
    case 1:  // truncate
      b.resize(pick(b.size() + 1));
      break;
    case 2:  // junk appended
      for (size_t n = pick(16); n > 0; --n) b.push_back(static_cast<uint8_t>(rng()));
      break;
    case 3:  // rewrite a header word (flags, length, tunnel, session, Ns, Nr)
      if (b.size() >= kControlHeaderLength) store_be16(b.data() + 2 * pick(6), static_cast<uint16_t>(rng()));
      break;
    case 4:  // rewrite an AVP length/flags word somewhere in the body
      if (b.size() > kControlHeaderLength + 2) {
        const size_t at = kControlHeaderLength + pick(b.size() - kControlHeaderLength - 1);
        store_be16(b.data() + at, static_cast<uint16_t>(rng()));
      }
      break;
    default:  // several random bytes
      for (int i = 0; i < 4 && !b.empty(); ++i) b[pick(b.size())] = static_cast<uint8_t>(rng());
      break;
  }
  return b;
}

TEST_F(EngineTest, MutatedDatagramsNeverBreakTheEngine) {
  std::mt19937_64 rng(20240601);
  uint64_t delivered_in_sequence = 0;
  uint64_t tunnels_opened = 0;
  for (int round = 0; round < 40; ++round) {
    SCOPED_TRACE(round);
    lacs.clear();
    wire.clear();
    events = sim::RecordingEvents{};
    config.hide_avps = (round % 2) == 1;
    config.permissive = (round % 4) >= 2;
    start();
    sim::FakeLacConfig c = lac_config();
    c.hide_avps = config.hide_avps;
    c.challenge_lns = true;
    sim::FakeLac& lac = add_lac(c);
    uint16_t t = open_tunnel(lac);
    sim::LacCall call;
    call.agent_circuit_id = "circuit";
    call.proxy_authen_name = "user";
    const uint16_t s1 = establish_call(lac, t, call);
    establish_call(lac, t);
    lac.send_wen(t, s1, CallErrors{1, 2, 3, 4, 5, 6});
    lac.disconnect(t, s1);
    run_for(seconds(1));

    std::vector<Bytes> samples;
    for (const Seen& s : wire)
      if (s.to_lns) samples.push_back(s.bytes);
    ASSERT_FALSE(samples.empty());
    for (int i = 0; i < 300; ++i) {
      std::optional<TunnelInfo> live = engine->tunnel(lac.lns_tunnel_id(t));
      if (!live.has_value() || live->state != TunnelState::kEstablished) {
        t = open_tunnel(lac);
        ++tunnels_opened;
        live = engine->tunnel(lac.lns_tunnel_id(t));
        if (!live.has_value()) continue;
      }
      Bytes bad = mutate(samples[rng() % samples.size()], rng);
      if (rng() % 2 == 0 && bad.size() >= kControlHeaderLength) {
        // Aimed at the state machines: right tunnel, the Ns the channel
        // expects and an Nr acknowledging everything, so it is delivered.
        store_be16(bad.data(), kControlHeaderFlags);
        store_be16(bad.data() + 4, live->tunnel_id);
        store_be16(bad.data() + 8, live->channel.next_nr);
        store_be16(bad.data() + 10, live->channel.next_ns);
        ++delivered_in_sequence;
      }
      const PeerAddress from = (rng() % 8 == 0) ? PeerAddress{kLacAddress + 7, 1701} : lac.address();
      engine->on_datagram(from, bad);
      if (i % 50 == 0) run_for(milliseconds(500));
    }
    run_for(seconds(40));

    uint32_t sessions = 0;
    for (const TunnelInfo& info : engine->tunnels()) sessions += info.sessions;
    EXPECT_EQ(sessions, engine->session_count());
    EXPECT_LE(engine->active_tunnel_count(), engine->tunnels().size());
    EXPECT_LE(events.sessions_down.size(), events.sessions_up.size());

    engine->shutdown();
    ASSERT_TRUE(run_until([&] { return engine->idle(); }, seconds(120)));
    EXPECT_EQ(engine->session_count(), 0u);
    EXPECT_EQ(engine->active_tunnel_count(), 0u);
  }
  EXPECT_GT(delivered_in_sequence, 4000u);
  EXPECT_GT(tunnels_opened, 10u) << "some mutations must have been fatal to a tunnel";
}

TEST_F(EngineTest, RandomBytesOnTheTunnelZeroPathAreDroppedWithoutState) {
  start();
  std::mt19937_64 rng(7);
  for (int i = 0; i < 5000; ++i) {
    Bytes b(rng() % 80);
    for (uint8_t& x : b) x = static_cast<uint8_t>(rng());
    if (b.size() >= kControlHeaderLength) {
      store_be16(b.data(), kControlHeaderFlags);
      store_be16(b.data() + 4, 0);  // tunnel 0: the SCCRQ path
    }
    engine->on_datagram(PeerAddress{static_cast<uint32_t>(rng()), 1701}, b);
  }
  EXPECT_TRUE(engine->idle());
  EXPECT_EQ(engine->stats().malformed, 5000u);
  EXPECT_TRUE(wire.empty());
}

}  // namespace
}  // namespace lns::l2tp
