// Admission control: token buckets pacing new tunnels (SCCRQ) and new
// calls (ICRQ), globally and per LAC address, so a reconnect storm is
// spread out without disturbing established tunnels.
#include "engine_fixture.h"

namespace lns::l2tp {
namespace {

using sim::LacSessionState;
using sim::LacTunnelState;
using ::testing::SizeIs;

TEST_F(EngineTest, ExcessSccrqsAreDroppedSilentlyAndGetInOnRetransmission) {
  config.admission.sccrq_per_second = 2;
  start();
  std::vector<std::pair<sim::FakeLac*, uint16_t>> opened;
  for (int i = 0; i < 6; ++i) {
    sim::FakeLac& lac = add_lac();
    opened.push_back({&lac, lac.open_tunnel()});
  }
  run_for(milliseconds(100));
  EXPECT_EQ(engine->active_tunnel_count(), 2u) << "a burst of two";
  EXPECT_EQ(engine->stats().sccrq_paced, 4u);
  EXPECT_EQ(count_sent_by_lns(MessageType::kStopCcn), 0u) << "dropped, not refused";
  for (const auto& [lac, t] : opened) EXPECT_FALSE(lac->stop_result(t).has_value());

  // The LACs retransmit (1 s, 2 s, ...) and the bucket lets two in per second.
  ASSERT_TRUE(run_until([&] { return events.tunnels_up.size() == 6; }, seconds(20)));
  for (const auto& [lac, t] : opened) EXPECT_EQ(lac->tunnel_state(t), LacTunnelState::kEstablished);
}

TEST_F(EngineTest, PerPeerSccrqPacingLeavesOtherLacsAlone) {
  config.admission.sccrq_per_second_per_peer = 1;
  start();
  sim::FakeLac& noisy = add_lac();
  sim::FakeLac& quiet = add_lac();
  for (int i = 0; i < 3; ++i) noisy.open_tunnel();
  const uint16_t q = quiet.open_tunnel();
  run_for(milliseconds(100));
  EXPECT_EQ(engine->stats().sccrq_paced, 2u);
  EXPECT_EQ(engine->active_tunnel_count(), 2u);
  ASSERT_TRUE(run_until([&] { return quiet.tunnel_state(q) == LacTunnelState::kEstablished; }, seconds(1)));
}

TEST_F(EngineTest, SccrqStormDoesNotDisturbEstablishedTunnels) {
  config.admission.sccrq_per_second = 1;
  start();
  sim::FakeLac& old = add_lac();
  const uint16_t t = open_tunnel(old);
  for (int i = 0; i < 20; ++i) add_lac().open_tunnel();
  // Calls on the old tunnel go through while the storm is being paced.
  for (int i = 0; i < 5; ++i) old.place_call(t);
  ASSERT_TRUE(run_until([&] { return events.sessions_up.size() == 5; }, seconds(2)));
  EXPECT_GT(engine->stats().sccrq_paced, 0u);
  EXPECT_EQ(old.tunnel_state(t), LacTunnelState::kEstablished);
}

TEST_F(EngineTest, ExcessIcrqsAreRefusedAsTemporaryAndAcceptedOnceTokensRefill) {
  config.admission.icrq_per_second = 2;
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  std::vector<uint16_t> calls;
  for (int i = 0; i < 5; ++i) calls.push_back(lac.place_call(t));
  ASSERT_TRUE(run_until([&] { return lac.quiet() && engine->stats().icrq_paced == 3; }, seconds(1)));
  EXPECT_EQ(lac.count_sessions(t, LacSessionState::kEstablished), 2u);
  EXPECT_EQ(lac.count_sessions(t, LacSessionState::kClosed), 3u);
  for (uint16_t s : calls) {
    const sim::LacSession* session = lac.session(t, s);
    if (session->state == LacSessionState::kClosed) {
      EXPECT_EQ(session->cdn_result->result, static_cast<uint16_t>(CdnResult::kTemporaryNoFacilities));
    }
  }
  run_for(seconds(1));
  establish_call(lac, t);
  EXPECT_EQ(engine->session_count(), 3u);
}

TEST_F(EngineTest, PerPeerIcrqPacingIsPerLacAddress) {
  config.admission.icrq_per_second_per_peer = 1;
  start();
  sim::FakeLac& a = add_lac();
  sim::FakeLac& b = add_lac();
  const uint16_t ta = open_tunnel(a);
  const uint16_t tb = open_tunnel(b);
  a.place_call(ta);
  a.place_call(ta);
  b.place_call(tb);
  ASSERT_TRUE(run_until([&] { return a.quiet() && b.quiet() && events.sessions_up.size() == 2; }, seconds(1)));
  EXPECT_EQ(a.count_sessions(ta, LacSessionState::kEstablished), 1u);
  EXPECT_EQ(b.count_sessions(tb, LacSessionState::kEstablished), 1u);
  EXPECT_EQ(engine->stats().icrq_paced, 1u);
}

TEST_F(EngineTest, CallsRefusedForLimitsDoNotSpendAdmissionTokens) {
  config.admission.icrq_per_second = 1;
  config.max_sessions_per_tunnel = 1;
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  const uint16_t first = establish_call(lac, t);
  lac.place_call(t);  // over the limit: refused before the bucket
  ASSERT_TRUE(run_until([&] { return lac.quiet(); }));
  EXPECT_EQ(engine->stats().sessions_refused_limit, 1u);
  EXPECT_EQ(engine->stats().icrq_paced, 0u);
  lac.disconnect(t, first);
  ASSERT_TRUE(run_until([&] { return engine->session_count() == 0; }));
  run_for(seconds(1));
  establish_call(lac, t);
  EXPECT_EQ(engine->session_count(), 1u);
}

}  // namespace
}  // namespace lns::l2tp
