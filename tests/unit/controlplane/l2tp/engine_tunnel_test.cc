// The LNS control connection state machine (RFC 2661 5.1, 5.5, 5.7, 7.2):
// establishment, authentication, policies, keepalive, teardown both ways,
// channel failure and the answers to bad or unexpected messages.
#include "engine_fixture.h"

namespace lns::l2tp {
namespace {

using sim::LacTunnelState;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::SizeIs;

uint16_t result_of(const std::optional<ResultCode>& r) { return r.has_value() ? r->result : 0; }
std::optional<uint16_t> error_of(const std::optional<ResultCode>& r) {
  return r.has_value() ? r->error : std::nullopt;
}

// ---- Establishment and authentication --------------------------------------

TEST_F(EngineTest, TunnelComesUpWithAChallengeEachWay) {
  start();
  sim::FakeLacConfig c = lac_config();
  c.challenge_lns = true;
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = open_tunnel(lac);

  ASSERT_EQ(lac.tunnel_state(t), LacTunnelState::kEstablished) << "the LAC accepted our Challenge Response";
  const ControlMessage* sccrp = lac.last_received(t, MessageType::kSccrp);
  ASSERT_NE(sccrp, nullptr);
  EXPECT_EQ(sccrp->header.tunnel_id, t);
  EXPECT_EQ(sccrp->protocol_version, (ProtocolVersion{1, 0}));
  EXPECT_EQ(sccrp->host_name, "lns");
  EXPECT_TRUE(sccrp->framing_capabilities.has_value());
  ASSERT_TRUE(sccrp->assigned_tunnel_id.has_value());
  EXPECT_NE(*sccrp->assigned_tunnel_id, 0);
  EXPECT_EQ(sccrp->receive_window_size, 16);
  EXPECT_TRUE(sccrp->challenge.has_value()) << "require_auth: we challenge the LAC";
  EXPECT_TRUE(sccrp->challenge_response.has_value()) << "the LAC's challenge is answered";

  ASSERT_THAT(events.tunnels_up, SizeIs(1));
  const TunnelInfo& info = events.tunnels_up[0];
  EXPECT_EQ(info.tunnel_id, *sccrp->assigned_tunnel_id);
  EXPECT_EQ(info.peer_tunnel_id, t);
  EXPECT_EQ(info.peer, lac.address());
  EXPECT_EQ(info.state, TunnelState::kEstablished);
  EXPECT_EQ(info.lac_host_name, "lac0");
  EXPECT_EQ(info.lac_vendor_name, "fake-lac");
  EXPECT_TRUE(info.authenticated);
  EXPECT_EQ(engine->stats().tunnels_established, 1u);
  EXPECT_EQ(engine->active_tunnel_count(), 1u);
}

TEST_F(EngineTest, NoChallengeWhenAuthIsNotRequired) {
  config.require_auth = false;
  config.secret.clear();
  start();
  sim::FakeLacConfig c = lac_config();
  c.secret.clear();
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = open_tunnel(lac);
  ASSERT_EQ(lac.tunnel_state(t), LacTunnelState::kEstablished);
  EXPECT_FALSE(lac.last_received(t, MessageType::kSccrp)->challenge.has_value());
  ASSERT_THAT(events.tunnels_up, SizeIs(1));
  EXPECT_FALSE(events.tunnels_up[0].authenticated);
}

TEST_F(EngineTest, WrongChallengeResponseIsRefusedWithResult4AndNoTunnel) {
  start();
  sim::FakeLacConfig c = lac_config();
  c.corrupt_challenge_response = true;
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = lac.open_tunnel();
  ASSERT_TRUE(run_until([&] { return lac.stop_result(t).has_value() && engine->idle(); }));
  EXPECT_EQ(result_of(lac.stop_result(t)), static_cast<uint16_t>(StopCcnResult::kNotAuthorized));
  EXPECT_EQ(lac.last_received(t, MessageType::kStopCcn)->assigned_tunnel_id,
            lac.last_received(t, MessageType::kSccrp)->assigned_tunnel_id);
  EXPECT_THAT(events.tunnels_up, SizeIs(0));
  EXPECT_THAT(events.tunnels_down, SizeIs(0)) << "never reported up, so never reported down";
  EXPECT_EQ(engine->stats().tunnels_refused_auth_failed, 1u);
  EXPECT_EQ(engine->active_tunnel_count(), 0u);
}

TEST_F(EngineTest, MissingChallengeResponseIsRefused) {
  start();
  sim::FakeLacConfig c = lac_config();
  c.answer_challenge = false;
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = lac.open_tunnel();
  ASSERT_TRUE(run_until([&] { return lac.stop_result(t).has_value(); }));
  EXPECT_EQ(result_of(lac.stop_result(t)), static_cast<uint16_t>(StopCcnResult::kNotAuthorized));
  EXPECT_EQ(engine->stats().tunnels_refused_auth_failed, 1u);
  EXPECT_THAT(events.tunnels_up, SizeIs(0));
}

TEST_F(EngineTest, RequiredAuthWithoutAnySecretRefusesEveryLac) {
  config.secret.clear();
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = lac.open_tunnel();
  ASSERT_TRUE(run_until([&] { return lac.stop_result(t).has_value(); }));
  EXPECT_EQ(result_of(lac.stop_result(t)), static_cast<uint16_t>(StopCcnResult::kNotAuthorized));
  EXPECT_EQ(lac.last_received(t, MessageType::kSccrp), nullptr) << "refused at SCCRQ";
  EXPECT_EQ(engine->stats().tunnels_refused_not_allowed, 1u);
}

TEST_F(EngineTest, LacChallengeWithoutASecretCannotBeAnswered) {
  config.secret.clear();
  config.require_auth = false;
  start();
  sim::FakeLacConfig c = lac_config();
  c.challenge_lns = true;
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = lac.open_tunnel();
  ASSERT_TRUE(run_until([&] { return lac.stop_result(t).has_value(); }));
  EXPECT_EQ(result_of(lac.stop_result(t)), static_cast<uint16_t>(StopCcnResult::kNotAuthorized));
}

TEST_F(EngineTest, OnlyProtocolVersionOneIsAccepted) {
  start();
  sim::FakeLacConfig c = lac_config();
  c.protocol_version = ProtocolVersion{2, 0};
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = lac.open_tunnel();
  ASSERT_TRUE(run_until([&] { return lac.stop_result(t).has_value(); }));
  EXPECT_EQ(result_of(lac.stop_result(t)), static_cast<uint16_t>(StopCcnResult::kUnsupportedProtocolVersion));
  EXPECT_EQ(error_of(lac.stop_result(t)), 0x0100) << "Error Code names the highest version we support";
  EXPECT_EQ(engine->stats().tunnels_refused_version, 1u);
}

TEST_F(EngineTest, AbsentReceiveWindowSizeMeansAWindowOfFour) {
  start();
  sim::FakeLacConfig c = lac_config();
  c.receive_window.reset();
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = open_tunnel(lac);
  EXPECT_EQ(engine->tunnel(lac.lns_tunnel_id(t))->channel.peer_receive_window, 4);
  // With a window of 4 no more than 4 of our messages are ever unacknowledged.
  for (int i = 0; i < 20; ++i) lac.place_call(t);
  size_t max_outstanding = 0;
  run_until([&] {
    max_outstanding = std::max(max_outstanding, engine->tunnel(lac.lns_tunnel_id(t))->channel.outstanding);
    return events.sessions_up.size() == 20;
  });
  EXPECT_EQ(events.sessions_up.size(), 20u);
  EXPECT_LE(max_outstanding, 4u);
}

TEST_F(EngineTest, TieBreakerIsIgnoredBecauseAnLnsNeverOriginatesSccrq) {
  start();
  sim::FakeLacConfig c = lac_config();
  c.tie_breaker = 0x0102030405060708ull;
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = open_tunnel(lac);
  EXPECT_EQ(lac.tunnel_state(t), LacTunnelState::kEstablished);
}

TEST_F(EngineTest, HiddenAvpsWorkInBothDirections) {
  config.hide_avps = true;
  start();
  sim::FakeLacConfig c = lac_config();
  c.hide_avps = true;
  c.challenge_lns = true;
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = open_tunnel(lac);
  ASSERT_EQ(lac.tunnel_state(t), LacTunnelState::kEstablished);
  establish_call(lac, t);

  // Our SCCRP hides its hideable AVPs: the Assigned Tunnel ID AVP (type 9)
  // carries the H bit on the wire.
  auto has_hidden_avp = [](const Bytes& b, uint16_t type) {
    for (size_t off = kControlHeaderLength; off + kAvpHeaderLength <= b.size();) {
      const uint16_t bits = load_be16(b.data() + off);
      if (load_be16(b.data() + off + 4) == type && load_be16(b.data() + off + 2) == 0)
        return (bits & kAvpHiddenBit) != 0;
      off += bits & kAvpLengthMask;
    }
    return false;
  };
  bool lns_hid = false;
  bool lac_hid = false;
  for (const Seen& s : wire) {
    if (!s.to_lns && s.is(MessageType::kSccrp)) lns_hid = has_hidden_avp(s.bytes, 9);
    if (s.to_lns && s.is(MessageType::kIcrq)) lac_hid = has_hidden_avp(s.bytes, 14);
  }
  EXPECT_TRUE(lns_hid);
  EXPECT_TRUE(lac_hid);
  EXPECT_TRUE(events.tunnels_up[0].hiding_avps);
  ASSERT_THAT(events.sessions_up, SizeIs(1));
  EXPECT_EQ(events.sessions_up[0].calling_number, "0123456789") << "hidden Calling Number was unhidden";
}

TEST_F(EngineTest, HidingNeedsASecretSoWithoutOneAvpsGoInTheClear) {
  config.hide_avps = true;
  config.require_auth = false;
  config.secret.clear();
  start();
  sim::FakeLacConfig c = lac_config();
  c.secret.clear();
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = open_tunnel(lac);
  EXPECT_EQ(lac.tunnel_state(t), LacTunnelState::kEstablished);
  EXPECT_FALSE(events.tunnels_up[0].hiding_avps);
}

// ---- LAC policies -------------------------------------------------------------

TEST_F(EngineTest, AllowListRefusesUnknownLacsWithResult4) {
  config.allow_unknown_lacs = false;
  LacPolicy known;
  known.name = "known";
  known.address = kLacAddress;
  config.lacs.push_back(known);
  start();
  sim::FakeLac& allowed = add_lac(lac_config(0));
  sim::FakeLac& stranger = add_lac(lac_config(1));
  const uint16_t a = allowed.open_tunnel();
  const uint16_t b = stranger.open_tunnel();
  ASSERT_TRUE(run_until([&] {
    return events.tunnels_up.size() == 1 && stranger.stop_result(b).has_value();
  }));
  EXPECT_EQ(allowed.tunnel_state(a), LacTunnelState::kEstablished);
  EXPECT_EQ(result_of(stranger.stop_result(b)), static_cast<uint16_t>(StopCcnResult::kNotAuthorized));
  EXPECT_EQ(engine->stats().tunnels_refused_not_allowed, 1u);
  ASSERT_THAT(events.tunnels_up, SizeIs(1));
  EXPECT_EQ(events.tunnels_up[0].policy_name, "known");
}

TEST_F(EngineTest, PolicySecretIsChosenByAddressBeforeHostName) {
  LacPolicy by_name;
  by_name.name = "by-name";
  by_name.host_name = "lac0";
  by_name.secret = "name-secret";
  LacPolicy by_address;
  by_address.name = "by-address";
  by_address.address = kLacAddress;
  by_address.secret = "address-secret";
  config.lacs = {by_name, by_address};
  start();
  sim::FakeLacConfig c = lac_config(0);  // address matches by-address, name matches by-name
  c.secret = "address-secret";
  c.challenge_lns = true;
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = open_tunnel(lac);
  ASSERT_EQ(lac.tunnel_state(t), LacTunnelState::kEstablished);
  EXPECT_EQ(events.tunnels_up[0].policy_name, "by-address");
}

TEST_F(EngineTest, PolicyByHostNameSuppliesTheSecretThatUnhidesTheSccrq) {
  LacPolicy by_name;
  by_name.name = "by-name";
  by_name.host_name = "lac3";
  by_name.secret = "name-secret";
  config.lacs = {by_name};
  start();
  sim::FakeLacConfig c = lac_config(3);
  c.secret = "name-secret";
  c.hide_avps = true;  // Assigned Tunnel ID in the SCCRQ is hidden
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = open_tunnel(lac);
  ASSERT_EQ(lac.tunnel_state(t), LacTunnelState::kEstablished);
  EXPECT_EQ(events.tunnels_up[0].policy_name, "by-name");
  EXPECT_EQ(events.tunnels_up[0].peer_tunnel_id, t);
}

TEST_F(EngineTest, PolicyCanWaiveAuthForOneLac) {
  LacPolicy lax;
  lax.name = "lax";
  lax.address = kLacAddress;
  lax.require_auth = false;
  config.lacs = {lax};
  start();
  sim::FakeLac& lac = add_lac(lac_config(0));
  const uint16_t t = open_tunnel(lac);
  EXPECT_FALSE(lac.last_received(t, MessageType::kSccrp)->challenge.has_value());
}

TEST_F(EngineTest, TunnelLimitRefusesWithResult2Error4) {
  config.max_tunnels = 1;
  start();
  sim::FakeLac& first = add_lac();
  const uint16_t a = open_tunnel(first);
  sim::FakeLac& second = add_lac();
  const uint16_t b = second.open_tunnel();
  ASSERT_TRUE(run_until([&] { return second.stop_result(b).has_value(); }));
  EXPECT_EQ(result_of(second.stop_result(b)), static_cast<uint16_t>(StopCcnResult::kGeneralError));
  EXPECT_EQ(error_of(second.stop_result(b)), static_cast<uint16_t>(GeneralError::kNoResources));
  EXPECT_EQ(first.tunnel_state(a), LacTunnelState::kEstablished);
  EXPECT_EQ(engine->stats().tunnels_refused_limit, 1u);
}

// ---- Duplicates and addressing ------------------------------------------------

TEST_F(EngineTest, RetransmittedSccrqIsTheSameTunnelNotANewOne) {
  start();
  sim::FakeLacConfig c = lac_config();
  c.send_scccn = false;  // hold the tunnel in wait-ctl-conn
  sim::FakeLac& lac = add_lac(c);
  lac.open_tunnel();
  run_for(milliseconds(10));
  const std::vector<Seen> sccrq = datagrams_from_lac(MessageType::kSccrq);
  ASSERT_THAT(sccrq, SizeIs(1));
  const size_t zlbs_before = count_sent_by_lns(MessageType::kZlb);
  engine->on_datagram(lac.address(), sccrq[0].bytes);
  engine->on_datagram(lac.address(), sccrq[0].bytes);
  EXPECT_THAT(engine->tunnels(), SizeIs(1));
  EXPECT_EQ(count_sent_by_lns(MessageType::kSccrp), 1u) << "no second SCCRP";
  EXPECT_EQ(count_sent_by_lns(MessageType::kZlb), zlbs_before + 2) << "each duplicate is acknowledged again";
}

TEST_F(EngineTest, MessagesFromTheWrongAddressOrToUnknownTunnelsAreDropped) {
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  ControlMessage hello;
  hello.type = MessageType::kHello;
  hello.header = {.tunnel_id = lac.lns_tunnel_id(t), .session_id = 0, .ns = 2, .nr = 1};
  const Bytes wire_hello = *encode_control(hello);
  const size_t sent_before = wire.size();
  engine->on_datagram(PeerAddress{kLacAddress + 50, 1701}, wire_hello);
  engine->on_datagram(PeerAddress{kLacAddress, 1702}, wire_hello);
  EXPECT_EQ(engine->stats().wrong_peer, 2u);
  hello.header.tunnel_id = 999;
  engine->on_datagram(lac.address(), *encode_control(hello));
  EXPECT_EQ(engine->stats().unknown_tunnel, 1u);
  engine->on_datagram(lac.address(), Bytes{0xde, 0xad, 0xbe, 0xef});
  EXPECT_EQ(engine->stats().malformed, 1u);
  run_for(seconds(1));
  EXPECT_EQ(wire.size(), sent_before) << "none of them is answered";
}

TEST_F(EngineTest, SccrqWithoutAssignedTunnelIdCannotBeAnswered) {
  start();
  ControlMessage m;
  m.type = MessageType::kSccrq;
  m.protocol_version = ProtocolVersion{1, 0};
  m.host_name = "x";
  m.framing_capabilities = 1;
  m.assigned_tunnel_id = 0;
  engine->on_datagram(PeerAddress{kLacAddress, 1701}, *encode_control(m));
  EXPECT_TRUE(engine->idle());
  EXPECT_EQ(engine->stats().malformed, 1u);
  EXPECT_TRUE(wire.empty());
}

// ---- Timers -------------------------------------------------------------------

TEST_F(EngineTest, WaitCtlConnTimesOutWithStopCcn) {
  config.wait_ctl_conn_timeout = seconds(5);
  start();
  sim::FakeLacConfig c = lac_config();
  c.send_scccn = false;
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = lac.open_tunnel();
  run_for(seconds(4));
  EXPECT_FALSE(lac.stop_result(t).has_value());
  ASSERT_TRUE(run_until([&] { return lac.stop_result(t).has_value(); }, seconds(2)));
  EXPECT_EQ(result_of(lac.stop_result(t)), static_cast<uint16_t>(StopCcnResult::kGeneralError));
  EXPECT_EQ(engine->stats().wait_ctl_conn_timeouts, 1u);
  ASSERT_TRUE(run_until([&] { return engine->idle(); }));
}

TEST_F(EngineTest, HelloIsSentOnlyAfterHelloIntervalOfSilence) {
  config.hello_interval = seconds(60);
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  const TimePoint up = clock.now();
  run_for(seconds(30));
  lac.place_call(t);  // traffic at +30 s restarts the idle clock
  run_for(seconds(40));
  EXPECT_EQ(count_sent_by_lns(MessageType::kHello), 0u) << "never 60 s of silence yet";
  ASSERT_TRUE(run_until([&] { return count_sent_by_lns(MessageType::kHello) == 1; }, seconds(30)));
  EXPECT_GE(clock.now() - up, seconds(90));
  EXPECT_LE(clock.now() - up, seconds(91));
  // The LAC acknowledges; 60 s later the next one.
  ASSERT_TRUE(run_until([&] { return count_sent_by_lns(MessageType::kHello) == 2; }, seconds(61)));
  EXPECT_EQ(engine->stats().hello_sent, 2u);
  EXPECT_EQ(engine->tunnel(lac.lns_tunnel_id(t))->state, TunnelState::kEstablished);
}

TEST_F(EngineTest, PolicyCanDisableHello) {
  LacPolicy p;
  p.address = kLacAddress;
  p.hello_interval = Duration::zero();
  config.lacs = {p};
  start();
  sim::FakeLac& lac = add_lac();
  open_tunnel(lac);
  run_for(seconds(600));
  EXPECT_EQ(count_sent_by_lns(MessageType::kHello), 0u);
}

// ---- Teardown -------------------------------------------------------------------

TEST_F(EngineTest, StopCcnFromLacClearsSessionsThenLingersToAckRetransmissions) {
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  for (int i = 0; i < 3; ++i) establish_call(lac, t);
  const uint16_t our_id = lac.lns_tunnel_id(t);
  lac.stop_tunnel(t, ResultCode{static_cast<uint16_t>(StopCcnResult::kGeneralClearRequest), 0, "bye"});
  ASSERT_TRUE(run_until([&] { return lac.quiet(); }));
  EXPECT_EQ(count_sent_by_lns(MessageType::kCdn), 0u) << "StopCCN clears sessions implicitly";

  ASSERT_THAT(events.sessions_down, SizeIs(3));
  for (const auto& [s, why] : events.sessions_down) {
    EXPECT_EQ(why.closer, Closer::kPeer);
    EXPECT_EQ(why.result.message, "bye");
  }
  ASSERT_THAT(events.tunnels_down, SizeIs(1));
  EXPECT_EQ(events.tunnels_down[0].second.closer, Closer::kPeer);
  EXPECT_EQ(engine->session_count(), 0u);
  EXPECT_EQ(engine->stats().stopccn_received, 1u);
  ASSERT_TRUE(engine->tunnel(our_id).has_value()) << "state kept to ack retransmissions";
  EXPECT_EQ(engine->tunnel(our_id)->state, TunnelState::kClosed);

  // Our ZLB was lost: the retransmitted StopCCN is acknowledged again.
  const std::vector<Seen> stops = datagrams_from_lac(MessageType::kStopCcn);
  ASSERT_FALSE(stops.empty());
  run_for(seconds(10));
  const size_t zlbs = count_sent_by_lns(MessageType::kZlb);
  engine->on_datagram(lac.address(), stops.back().bytes);
  EXPECT_EQ(count_sent_by_lns(MessageType::kZlb), zlbs + 1);
  EXPECT_THAT(events.tunnels_down, SizeIs(1)) << "not reported twice";

  run_for(config.stopccn_linger);
  EXPECT_FALSE(engine->tunnel(our_id).has_value());
  EXPECT_TRUE(engine->idle());
}

TEST_F(EngineTest, TerminateTunnelSendsStopCcnAndForgetsTheTunnelOnceAcked) {
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  establish_call(lac, t);
  const uint16_t our_id = lac.lns_tunnel_id(t);
  ASSERT_TRUE(engine->terminate_tunnel(our_id, 1, std::nullopt, "maintenance").ok());
  EXPECT_THAT(events.sessions_down, SizeIs(1));
  ASSERT_THAT(events.tunnels_down, SizeIs(1));
  EXPECT_EQ(events.tunnels_down[0].second.closer, Closer::kLocal);
  ASSERT_TRUE(run_until([&] { return engine->idle(); }));
  ASSERT_TRUE(lac.stop_result(t).has_value());
  EXPECT_EQ(lac.stop_result(t)->result, 1);
  EXPECT_EQ(lac.stop_result(t)->message, "maintenance");
  EXPECT_EQ(lac.last_received(t, MessageType::kStopCcn)->assigned_tunnel_id, our_id);
  EXPECT_EQ(count_sent_by_lns(MessageType::kCdn), 0u);
  EXPECT_FALSE(engine->terminate_tunnel(our_id).ok()) << "gone";
}

TEST_F(EngineTest, ShutdownStopsEveryTunnelWithResult6AndRefusesNewOnes) {
  start();
  sim::FakeLac& a = add_lac();
  sim::FakeLac& b = add_lac();
  const uint16_t ta = open_tunnel(a);
  const uint16_t tb = open_tunnel(b);
  engine->shutdown();
  ASSERT_TRUE(run_until([&] { return engine->idle(); }));
  EXPECT_EQ(result_of(a.stop_result(ta)), static_cast<uint16_t>(StopCcnResult::kShuttingDown));
  EXPECT_EQ(result_of(b.stop_result(tb)), static_cast<uint16_t>(StopCcnResult::kShuttingDown));
  EXPECT_THAT(events.tunnels_down, SizeIs(2));
  const size_t sent = wire.size();
  a.open_tunnel();
  run_for(seconds(1));
  EXPECT_TRUE(engine->idle());
  EXPECT_GT(engine->stats().tunnels_refused_shutdown, 0u);
  for (size_t i = sent; i < wire.size(); ++i) EXPECT_TRUE(wire[i].to_lns) << "no answer to new SCCRQs";
}

TEST_F(EngineTest, ChannelFailureClearsTheTunnelAndItsSessions) {
  config.hello_interval = seconds(10);
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  establish_call(lac, t);
  establish_call(lac, t);
  net->set_model(sim::LinkModel{.loss = 1.0});  // the LAC vanishes
  ASSERT_TRUE(run_until([&] { return !events.tunnels_down.empty(); }, seconds(120)));
  EXPECT_EQ(count_sent_by_lns(MessageType::kHello), 1u + 5u) << "one HELLO and five retransmissions";
  EXPECT_TRUE(events.tunnels_down[0].second.channel_failure);
  EXPECT_EQ(events.tunnels_down[0].second.closer, Closer::kError);
  EXPECT_THAT(events.sessions_down, SizeIs(2));
  EXPECT_EQ(engine->stats().channel_failures, 1u);
  run_for(seconds(1));
  EXPECT_TRUE(engine->idle());
}

TEST_F(EngineTest, StopCcnWhileWaitingForScccnClosesTheTunnelQuietly) {
  start();
  sim::FakeLacConfig c = lac_config();
  c.send_scccn = false;
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = lac.open_tunnel();
  run_for(milliseconds(50));
  ASSERT_EQ(engine->active_tunnel_count(), 1u);
  lac.stop_tunnel(t);
  ASSERT_TRUE(run_until([&] { return lac.quiet(); }));
  EXPECT_EQ(engine->active_tunnel_count(), 0u);
  EXPECT_EQ(engine->stats().stopccn_received, 1u);
  EXPECT_EQ(count_sent_by_lns(MessageType::kStopCcn), 0u) << "acknowledged, not answered";
  EXPECT_THAT(events.tunnels_down, SizeIs(0)) << "it never came up";
  run_for(config.stopccn_linger);
  EXPECT_TRUE(engine->idle());
}

TEST_F(EngineTest, SccrpNeverAcknowledgedEndsInChannelFailure) {
  config.require_auth = false;
  config.wait_ctl_conn_timeout = seconds(120);  // let the channel give up first
  start();
  // A LAC that sends one SCCRQ and then hears nothing.
  ControlMessage sccrq;
  sccrq.type = MessageType::kSccrq;
  sccrq.protocol_version = ProtocolVersion{1, 0};
  sccrq.host_name = "ghost";
  sccrq.framing_capabilities = kFramingSync;
  sccrq.assigned_tunnel_id = 9;
  engine->on_datagram(PeerAddress{kLacAddress + 99, 1701}, *encode_control(sccrq));
  ASSERT_TRUE(run_until([&] { return engine->idle(); }, seconds(60)));
  EXPECT_EQ(engine->stats().channel_failures, 1u);
  EXPECT_EQ(count_sent_by_lns(MessageType::kSccrp), 6u) << "sent once, retransmitted five times";
  EXPECT_THAT(events.tunnels_down, SizeIs(0));
}

TEST_F(EngineTest, StopCcnThatIsNeverAcknowledgedIsGivenUpAfterTheRetries) {
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  net->set_model(sim::LinkModel{.loss = 1.0});
  ASSERT_TRUE(engine->terminate_tunnel(lac.lns_tunnel_id(t)).ok());
  EXPECT_FALSE(engine->idle());
  ASSERT_TRUE(run_until([&] { return engine->idle(); }, seconds(60)));
  EXPECT_EQ(count_sent_by_lns(MessageType::kStopCcn), 6u);
  EXPECT_THAT(events.tunnels_down, SizeIs(1)) << "reported once, when the StopCCN was sent";
}

// ---- Bad and unexpected messages ------------------------------------------------

TEST_F(EngineTest, UnknownMandatoryAvpInATunnelMessageStopsTheTunnel) {
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  establish_call(lac, t);
  ControlMessage hello;
  hello.type = MessageType::kHello;
  hello.other_avps.push_back(unknown_avp(/*mandatory=*/true));
  lac.send_message(t, hello);
  ASSERT_TRUE(run_until([&] { return lac.stop_result(t).has_value(); }));
  EXPECT_EQ(result_of(lac.stop_result(t)), static_cast<uint16_t>(StopCcnResult::kGeneralError));
  EXPECT_EQ(error_of(lac.stop_result(t)), static_cast<uint16_t>(GeneralError::kUnknownMandatoryAvp));
  EXPECT_EQ(engine->stats().unknown_mandatory_avp, 1u);
  EXPECT_THAT(events.sessions_down, SizeIs(1)) << "and every session in it";
}

TEST_F(EngineTest, UnknownOptionalAvpIsIgnored) {
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  ControlMessage hello;
  hello.type = MessageType::kHello;
  hello.other_avps.push_back(unknown_avp(/*mandatory=*/false));
  lac.send_message(t, hello);
  run_for(seconds(5));
  EXPECT_FALSE(lac.stop_result(t).has_value());
  EXPECT_TRUE(lac.quiet()) << "acknowledged";
  EXPECT_EQ(engine->tunnel(lac.lns_tunnel_id(t))->state, TunnelState::kEstablished);
}

TEST_F(EngineTest, UnknownMandatoryMessageTypeStopsTheTunnelButAnOptionalOneIsIgnored) {
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  auto message_of_type = [&](uint16_t type, bool mandatory) {
    Bytes b(kControlHeaderLength);
    store_be16(b.data(), kControlHeaderFlags);
    store_be16(b.data() + 4, lac.lns_tunnel_id(t));
    const Bytes value = {static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type)};
    EXPECT_TRUE(append_avp(b, 0, 0, mandatory, false, value).ok());
    store_be16(b.data() + 2, static_cast<uint16_t>(b.size()));
    return b;
  };
  lac.send_encoded(t, message_of_type(200, /*mandatory=*/false));
  run_for(seconds(2));
  EXPECT_FALSE(lac.stop_result(t).has_value());
  EXPECT_TRUE(lac.quiet()) << "an ignored message still consumes its Ns and is acknowledged";
  lac.send_encoded(t, message_of_type(201, /*mandatory=*/true));
  ASSERT_TRUE(run_until([&] { return lac.stop_result(t).has_value(); }));
  EXPECT_EQ(error_of(lac.stop_result(t)), static_cast<uint16_t>(GeneralError::kUnknownMandatoryAvp));
}

TEST_F(EngineTest, BadAvpLengthStopsTheTunnelUnlessPermissive) {
  for (bool permissive : {false, true}) {
    SCOPED_TRACE(permissive ? "permissive" : "strict");
    config.permissive = permissive;
    lacs.clear();
    wire.clear();
    start();
    sim::FakeLac& lac = add_lac();
    const uint16_t t = open_tunnel(lac);
    ControlMessage hello;
    hello.type = MessageType::kHello;
    // Firmware Revision must have 2 octets of value.
    hello.other_avps.push_back(RawAvp{0, static_cast<uint16_t>(AvpType::kFirmwareRevision), false, false, Bytes{1, 2, 3}});
    lac.send_message(t, hello);
    run_for(seconds(5));
    if (permissive) {
      EXPECT_FALSE(lac.stop_result(t).has_value());
      EXPECT_EQ(engine->tunnel(lac.lns_tunnel_id(t))->state, TunnelState::kEstablished);
    } else {
      ASSERT_TRUE(lac.stop_result(t).has_value());
      EXPECT_EQ(error_of(lac.stop_result(t)), static_cast<uint16_t>(GeneralError::kBadLength));
    }
  }
}

TEST_F(EngineTest, SccrqOnAnEstablishedTunnelIsAnFsmError) {
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  ControlMessage again;
  again.type = MessageType::kSccrq;
  again.protocol_version = ProtocolVersion{1, 0};
  again.host_name = "lac0";
  again.framing_capabilities = 1;
  again.assigned_tunnel_id = t;
  lac.send_message(t, again);
  ASSERT_TRUE(run_until([&] { return lac.stop_result(t).has_value(); }));
  EXPECT_EQ(result_of(lac.stop_result(t)), static_cast<uint16_t>(StopCcnResult::kFsmError));
  EXPECT_EQ(engine->stats().fsm_errors, 1u);
}

TEST_F(EngineTest, ScccnOrSccrpInWaitCtlConnFollowsTheStateTable) {
  start();
  sim::FakeLacConfig c = lac_config();
  c.send_scccn = false;
  sim::FakeLac& lac = add_lac(c);
  const uint16_t t = lac.open_tunnel();
  run_for(milliseconds(50));
  ControlMessage sccrp;
  sccrp.type = MessageType::kSccrp;
  sccrp.protocol_version = ProtocolVersion{1, 0};
  sccrp.host_name = "confused";
  sccrp.framing_capabilities = 1;
  sccrp.assigned_tunnel_id = t;
  lac.send_message(t, sccrp);
  ASSERT_TRUE(run_until([&] { return lac.stop_result(t).has_value(); }));
  EXPECT_EQ(result_of(lac.stop_result(t)), static_cast<uint16_t>(StopCcnResult::kFsmError));
}

TEST_F(EngineTest, EngineStatsAndIntrospectionDescribeTheChannel) {
  start();
  sim::FakeLac& lac = add_lac();
  const uint16_t t = open_tunnel(lac);
  establish_call(lac, t);
  const std::optional<TunnelInfo> info = engine->tunnel(lac.lns_tunnel_id(t));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->sessions, 1u);
  EXPECT_EQ(info->channel.peer_receive_window, 8) << "from the SCCRQ's Receive Window Size";
  EXPECT_EQ(info->channel.outstanding, 0u);
  EXPECT_EQ(info->channel.next_ns, 2) << "SCCRP and ICRP sent";
  EXPECT_EQ(info->channel.next_nr, 4) << "SCCRQ, SCCCN, ICRQ, ICCN received";
  EXPECT_GE(info->channel.stats.sent, 2u);
  EXPECT_THAT(engine->tunnels(), SizeIs(1));
  EXPECT_THAT(engine->sessions(info->tunnel_id), SizeIs(1));
}

}  // namespace
}  // namespace lns::l2tp
