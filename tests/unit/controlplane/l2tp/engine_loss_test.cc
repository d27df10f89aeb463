// Loss and disorder: 10 LACs reach the LNS over a link that drops 20% and
// reorders 10% of control datagrams in each direction (fixed seed). Every
// tunnel and every one of 1,000 sessions must come up exactly once and go
// down cleanly: sessions by CDN from the LAC, then tunnels by StopCCN.
#include <set>

#include "absl/strings/str_format.h"

#include "engine_fixture.h"

namespace lns::l2tp {
namespace {

using sim::LacSessionState;
using sim::LacTunnelState;
using ::testing::SizeIs;

constexpr int kLacs = 10;
constexpr int kSessionsPerTunnel = 100;

class LossyLinkTest : public EngineTest, public ::testing::WithParamInterface<uint64_t> {
 protected:
  // What the engine looks like, for failure messages.
  std::string debug() {
    const EngineStats& st = engine->stats();
    std::string out = absl::StrFormat(
        " channel_failures=%d fsm_errors=%d unknown_session=%d cdn_sent=%d setup_timeouts=%d", st.channel_failures,
        st.fsm_errors, st.unknown_session, st.cdn_sent, st.session_setup_timeouts);
    for (const TunnelInfo& t : engine->tunnels())
      absl::StrAppendFormat(&out, "\n tunnel %d %s sessions=%d outstanding=%d", t.tunnel_id,
                            tunnel_state_name(t.state), t.sessions, t.channel.outstanding);
    return out;
  }
};

TEST_P(LossyLinkTest, TenTunnelsOfAHundredSessionsComeUpAndGoDownCleanly) {
  const sim::LinkModel lossy{.loss = 0.20, .reorder = 0.10};
  // RFC 2661's suggested 5 retransmissions assume a mostly working path.
  // At 20% loss each way one attempt fails about a third of the time, so
  // 5 retries lose a message once in a few hundred; over thousands of
  // messages some tunnel would die. 10 makes that about 1 in 30,000.
  config.retransmit.max_retransmissions = 10;
  // Each tunnel moves only a few messages per second at this loss rate
  // (every loss costs a retransmission timeout), so the 100th ICCN waits
  // about a minute in the LAC's queue: give calls the time.
  config.incoming_call_timeout = seconds(300);
  start(lossy, /*seed=*/GetParam());
  const TimePoint t0 = clock.now();

  std::vector<std::pair<sim::FakeLac*, uint16_t>> tunnels;
  for (int i = 0; i < kLacs; ++i) {
    sim::FakeLacConfig c = lac_config(static_cast<uint32_t>(i));
    c.channel.max_retransmissions = 10;
    sim::FakeLac& lac = add_lac(c);
    tunnels.push_back({&lac, lac.open_tunnel()});
  }
  ASSERT_TRUE(run_until([&] { return events.tunnels_up.size() == kLacs; }, seconds(300)));
  for (auto& [lac, t] : tunnels)
    for (int i = 0; i < kSessionsPerTunnel; ++i) lac->place_call(t);

  ASSERT_TRUE(run_until(
      [&] {
        if (engine->session_count() != kLacs * kSessionsPerTunnel || events.sessions_up.size() != engine->session_count())
          return false;
        for (auto& [lac, t] : tunnels)
          if (lac->count_sessions(t, LacSessionState::kEstablished) != kSessionsPerTunnel || !lac->quiet()) return false;
        return true;
      },
      seconds(600)))
      << "up: " << events.sessions_up.size() << " engine: " << engine->session_count() << debug();

  RecordProperty("setup_seconds", static_cast<int>(std::chrono::duration_cast<seconds>(clock.now() - t0).count()));
  std::set<std::pair<uint16_t, uint16_t>> up_keys;
  for (const SessionInfo& s : events.sessions_up) up_keys.insert({s.key.tunnel_id, s.key.session_id});
  EXPECT_THAT(up_keys, SizeIs(kLacs * kSessionsPerTunnel)) << "each session reported exactly once";
  for (auto& [lac, t] : tunnels) {
    const std::vector<SessionInfo> sessions = engine->sessions(lac->lns_tunnel_id(t));
    ASSERT_THAT(sessions, SizeIs(kSessionsPerTunnel));
    // Dense IDs 1..100 despite the chaos.
    EXPECT_EQ(sessions.front().key.session_id, 1);
    EXPECT_EQ(sessions.back().key.session_id, kSessionsPerTunnel);
  }

  // Sessions go down by CDN from the LAC.
  for (auto& [lac, t] : tunnels)
    for (uint16_t s = 1; s <= kSessionsPerTunnel; ++s) lac->disconnect(t, s);
  ASSERT_TRUE(run_until(
      [&] {
        if (engine->session_count() != 0) return false;
        for (auto& [lac, t] : tunnels)
          if (!lac->quiet()) return false;
        return true;
      },
      seconds(600)));
  ASSERT_THAT(events.sessions_down, SizeIs(kLacs * kSessionsPerTunnel));
  for (const auto& [s, why] : events.sessions_down) EXPECT_EQ(why.closer, Closer::kPeer);

  // Then the tunnels by StopCCN.
  for (auto& [lac, t] : tunnels) lac->stop_tunnel(t);
  ASSERT_TRUE(run_until([&] { return engine->idle(); }, seconds(600)));
  ASSERT_THAT(events.tunnels_down, SizeIs(kLacs));
  for (const auto& [t, why] : events.tunnels_down) {
    EXPECT_EQ(why.closer, Closer::kPeer);
    EXPECT_FALSE(why.channel_failure);
  }

  const EngineStats& st = engine->stats();
  EXPECT_EQ(st.tunnels_established, static_cast<uint64_t>(kLacs));
  EXPECT_EQ(st.sessions_established, static_cast<uint64_t>(kLacs * kSessionsPerTunnel));
  EXPECT_EQ(st.cdn_received, static_cast<uint64_t>(kLacs * kSessionsPerTunnel)) << "duplicates never reach the FSM";
  EXPECT_EQ(st.stopccn_received, static_cast<uint64_t>(kLacs));
  EXPECT_EQ(st.cdn_sent, 0u);
  EXPECT_EQ(st.stopccn_sent, 0u);
  EXPECT_EQ(st.channel_failures, 0u);
  EXPECT_EQ(st.fsm_errors, 0u);
  EXPECT_EQ(st.unknown_session, 0u);
  EXPECT_EQ(st.session_setup_timeouts, 0u);
  EXPECT_GT(net->stats().dropped, 1000u) << "the link really was lossy";
  EXPECT_GT(net->stats().reordered, 500u);
  EXPECT_EQ(net->stats().stalls, 0u);
}

INSTANTIATE_TEST_SUITE_P(FixedSeeds, LossyLinkTest, ::testing::Values(1, 2, 3));

}  // namespace
}  // namespace lns::l2tp
