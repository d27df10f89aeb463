// The small pieces under LnsEngine: LAC policy matching, dense ID
// allocation, admission token buckets, peeking AVPs out of raw messages,
// and the engine's promise that event handlers may call back into it.
#include "controlplane/l2tp/avp_peek.h"
#include "controlplane/l2tp/id_allocator.h"
#include "controlplane/l2tp/l2tp_config.h"
#include "controlplane/l2tp/token_bucket.h"
#include "engine_fixture.h"

namespace lns::l2tp {
namespace {

using ::testing::SizeIs;

// ---- match_lac ------------------------------------------------------------------

TEST(MatchLac, AddressWinsOverHostNameAndFirstMatchWins) {
  L2tpConfig config;
  LacPolicy by_name{.name = "name", .host_name = "bras1"};
  LacPolicy by_address{.name = "addr", .address = 0x0A000001};
  LacPolicy by_address_too{.name = "addr2", .address = 0x0A000001};
  config.lacs = {by_name, by_address, by_address_too};
  EXPECT_EQ(match_lac(config, 0x0A000001, "bras1")->name, "addr");
  EXPECT_EQ(match_lac(config, 0x0A000002, "bras1")->name, "name");
  EXPECT_EQ(match_lac(config, 0x0A000002, "bras2"), nullptr);
}

TEST(MatchLac, PolicyWithAnAddressIsNotBorrowedByHostName) {
  L2tpConfig config;
  config.lacs = {LacPolicy{.name = "pinned", .address = 0x0A000001, .host_name = "bras1"}};
  EXPECT_EQ(match_lac(config, 0x0A000009, "bras1"), nullptr);
  EXPECT_EQ(match_lac(config, 0x0A000001, "anything")->name, "pinned");
}

// ---- IdAllocator ------------------------------------------------------------------

TEST(IdAllocator, HandsOutTheLowestFreeIdStartingAtOne) {
  IdAllocator ids;
  EXPECT_EQ(ids.allocate(), 1);
  EXPECT_EQ(ids.allocate(), 2);
  EXPECT_EQ(ids.allocate(), 3);
  ids.release(2);
  ids.release(1);
  EXPECT_EQ(ids.allocate(), 1);
  EXPECT_EQ(ids.allocate(), 2);
  EXPECT_EQ(ids.allocate(), 4);
  EXPECT_EQ(ids.in_use(), 4u);
}

TEST(IdAllocator, RunsOutAtItsMaximumAndRecoversOnRelease) {
  IdAllocator ids(3);
  EXPECT_TRUE(ids.allocate().has_value());
  EXPECT_TRUE(ids.allocate().has_value());
  EXPECT_TRUE(ids.allocate().has_value());
  EXPECT_FALSE(ids.allocate().has_value());
  ids.release(2);
  EXPECT_EQ(ids.allocate(), 2);
}

TEST(IdAllocator, TheWholeSixteenBitRangeIsUsable) {
  IdAllocator ids;
  for (uint32_t i = 1; i <= 0xFFFF; ++i) ASSERT_EQ(ids.allocate(), i);
  EXPECT_FALSE(ids.allocate().has_value()) << "0 is never handed out";
  for (uint32_t i = 1; i <= 0xFFFF; ++i) ids.release(static_cast<uint16_t>(i));
  EXPECT_EQ(ids.in_use(), 0u);
  EXPECT_EQ(ids.allocate(), 1);
}

// ---- TokenBucket ------------------------------------------------------------------

TEST(TokenBucket, AllowsABurstThenTheRate) {
  FakeClock clock;
  TokenBucket bucket(/*rate_per_second=*/10, /*burst=*/3);
  int taken = 0;
  while (bucket.try_take(clock.now())) ++taken;
  EXPECT_EQ(taken, 3);
  clock.advance(milliseconds(100));
  EXPECT_TRUE(bucket.try_take(clock.now()));
  EXPECT_FALSE(bucket.try_take(clock.now()));
  clock.advance(seconds(10));
  taken = 0;
  while (bucket.try_take(clock.now())) ++taken;
  EXPECT_EQ(taken, 3) << "never more than the burst";
}

TEST(TokenBucket, ZeroRateIsUnlimitedAndDefaultBurstIsOneSecond) {
  FakeClock clock;
  TokenBucket unlimited;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(unlimited.try_take(clock.now()));
  TokenBucket slow(0.5);
  EXPECT_TRUE(slow.try_take(clock.now())) << "at least one token";
  EXPECT_FALSE(slow.try_take(clock.now()));
  EXPECT_FALSE(slow.full_at(clock.now()));
  clock.advance(seconds(2));
  EXPECT_TRUE(slow.full_at(clock.now()));
}

// ---- avp_peek ---------------------------------------------------------------------

TEST(AvpPeek, FindsPlainAvpsAndIgnoresHiddenOnes) {
  ControlMessage m;
  m.type = MessageType::kIcrq;
  m.header.tunnel_id = 5;
  m.assigned_session_id = 0x1234;
  m.call_serial_number = 1;
  m.calling_number = "42";
  const Bytes plain = *encode_control(m);
  EXPECT_EQ(peek_control_tunnel_id(plain), 5);
  auto v = peek_plain_avp(plain, 0, static_cast<uint16_t>(AvpType::kAssignedSessionId));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(load_be16(v->data()), 0x1234);
  EXPECT_FALSE(peek_plain_avp(plain, 0, static_cast<uint16_t>(AvpType::kHostName)).has_value());

  EncodeOptions hide;
  hide.secret = "s";
  hide.hide = true;
  const Bytes hidden = *encode_control(m, hide);
  EXPECT_FALSE(peek_plain_avp(hidden, 0, static_cast<uint16_t>(AvpType::kAssignedSessionId)).has_value());
}

TEST(AvpPeek, NeverReadsPastTheDataOnMalformedInput) {
  ControlMessage m;
  m.type = MessageType::kHello;
  Bytes b = *encode_control(m);
  EXPECT_FALSE(peek_control_tunnel_id(Bytes(b.begin(), b.begin() + 11)).has_value());
  // An AVP claiming to run past Length.
  store_be16(b.data() + kControlHeaderLength, 0x8000 | 60);
  EXPECT_FALSE(peek_plain_avp(b, 0, 0).has_value());
  // Length larger than the datagram is clamped to the datagram.
  store_be16(b.data() + 2, 0xFFFF);
  EXPECT_FALSE(peek_plain_avp(b, 0, 7).has_value());
  // Data message (T bit clear).
  store_be16(b.data(), 0x4002);
  EXPECT_FALSE(peek_control_tunnel_id(b).has_value());
  for (size_t n = 0; n < b.size(); ++n) (void)peek_plain_avp(absl::MakeConstSpan(b.data(), n), 0, 0);
}

// ---- Events and re-entry ------------------------------------------------------------

// Handlers run after the engine has finished with the input, so they may
// call it: here the first session to come up tears its tunnel down.
class ReentrantEvents final : public SessionEvents {
 public:
  void on_session_established(const SessionInfo& s) override {
    ++up;
    if (engine != nullptr) {
      EXPECT_TRUE(engine->terminate_tunnel(s.key.tunnel_id).ok());
    }
  }
  void on_session_closed(const SessionInfo& s, const CloseReason&) override {
    ++down;
    if (engine != nullptr) {
      EXPECT_FALSE(engine->session(s.key).has_value());
    }
  }
  void on_tunnel_closed(const TunnelInfo&, const CloseReason& r) override {
    ++tunnels_down;
    EXPECT_EQ(r.closer, Closer::kLocal);
  }
  LnsEngine* engine = nullptr;
  int up = 0;
  int down = 0;
  int tunnels_down = 0;
};

TEST(EngineEvents, HandlersMayCallBackIntoTheEngine) {
  FakeClock clock;
  L2tpConfig config;
  config.require_auth = false;
  sim::SimNetwork net(clock);
  ReentrantEvents events;
  LnsEngine engine(clock, config, net, events);
  events.engine = &engine;
  net.attach(engine);
  sim::FakeLacConfig c;
  sim::FakeLac lac(clock, c, net.lac_sender());
  net.attach(lac);
  const uint16_t t = lac.open_tunnel();
  ASSERT_TRUE(net.run_until([&] { return lac.tunnel_state(t) == sim::LacTunnelState::kEstablished && lac.quiet(); },
                            clock.now() + seconds(5)));
  lac.place_call(t);
  ASSERT_TRUE(net.run_until([&] { return lac.stop_result(t).has_value(); }, clock.now() + seconds(5)));
  EXPECT_EQ(events.up, 1);
  EXPECT_EQ(events.down, 1);
  EXPECT_EQ(events.tunnels_down, 1);
  ASSERT_TRUE(net.run_until([&] { return engine.idle(); }, clock.now() + seconds(60)));
}

TEST_F(EngineTest, ANewSccrqWithTheIdsOfATunnelThePeerClosedOpensANewTunnel) {
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  const std::vector<Seen> first_sccrq = datagrams_from_lac(MessageType::kSccrq);
  lac.stop_tunnel(t);
  ASSERT_TRUE(run_until([&] { return events.tunnels_down.size() == 1 && lac.quiet(); }));
  ASSERT_FALSE(engine->idle()) << "still lingering";
  // A rebooted LAC that reuses its tunnel ID: same SCCRQ bytes, Ns 0.
  engine->on_datagram(lac.address(), first_sccrq[0].bytes);
  EXPECT_EQ(count_sent_by_lns(MessageType::kSccrp), 2u);
  EXPECT_EQ(engine->active_tunnel_count(), 1u);
}

TEST(EngineMemory, PerSessionStateStaysSmall) {
  // 100,000+ sessions per LNS: the slot plus the session object must stay
  // well under the 2 KiB budget (strings longer than the small-string
  // buffer add their heap blocks on top).
  EXPECT_LE(LnsEngine::session_footprint(), 1024u);
}

}  // namespace
}  // namespace lns::l2tp
