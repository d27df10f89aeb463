// Session state machines of the LNS (RFC 2661 5.4-5.6, 6.6-6.16, 7.4.2,
// 7.5.1): incoming and outgoing calls, CDN both ways, WEN/SLI, limits,
// drain and the answers to unexpected session messages.
#include "engine_fixture.h"

namespace lns::l2tp {
namespace {

using sim::LacSessionState;
using ::testing::ElementsAre;
using ::testing::SizeIs;

class SessionTest : public EngineTest {
 protected:
  void SetUp() override {
    start();
    lac_ = &add_lac();
    tunnel_ = open_tunnel(*lac_);
    lns_tunnel_ = lac_->lns_tunnel_id(tunnel_);
  }
  // Starts over with the current `config`.
  void restart() {
    lacs.clear();
    engine.reset();
    events = sim::RecordingEvents{};
    SetUp();
  }
  sim::FakeLac& lac() { return *lac_; }
  std::vector<uint16_t> lns_session_ids() const {
    std::vector<uint16_t> ids;
    for (const SessionInfo& s : engine->sessions(lns_tunnel_)) ids.push_back(s.key.session_id);
    return ids;
  }

  sim::FakeLac* lac_ = nullptr;
  uint16_t tunnel_ = 0;
  uint16_t lns_tunnel_ = 0;
};

// ---- Incoming calls -----------------------------------------------------------

TEST_F(SessionTest, IncomingCallCarriesEverythingTheLacSaidToThePppLayer) {
  sim::LacCall call;
  call.calling_number = "0044123456";
  call.called_number = "isp.example";
  call.sub_address = "7";
  call.bearer_type = kBearerAnalog;
  call.framing_type = kFramingSync;
  call.physical_channel_id = 42;
  call.tx_connect_speed = 20'000'000;
  call.rx_connect_speed = 1'000'000;
  call.private_group_id = "vpn-a";
  call.sequencing_required = true;
  call.agent_circuit_id = "dslam1 atm 1/2:8.35";
  call.agent_remote_id = "customer-0001";
  call.extra_icrq_avps.push_back(RawAvp{9, 5, false, false, Bytes{0xAA}});
  call.initial_received_lcp_confreq = Bytes{1, 4, 5, 0xDC};
  call.last_sent_lcp_confreq = Bytes{3, 4, 0xC0, 0x23};
  call.last_received_lcp_confreq = Bytes{1, 4, 5, 0xDC};
  call.proxy_authen_type = static_cast<uint16_t>(ProxyAuthenType::kPap);
  call.proxy_authen_name = "alice";
  call.proxy_authen_id = 9;
  call.proxy_authen_response = Bytes{'p', 'w'};
  const uint16_t s = establish_call(lac(), tunnel_, call);

  ASSERT_THAT(events.sessions_up, SizeIs(1));
  const SessionInfo& info = events.sessions_up[0];
  EXPECT_EQ(info.key, (SessionKey{lns_tunnel_, 1})) << "lowest free session ID";
  EXPECT_EQ(info.peer_tunnel_id, tunnel_);
  EXPECT_EQ(info.peer_session_id, s);
  EXPECT_EQ(info.peer, lac().address());
  EXPECT_EQ(info.lac_host_name, "lac0");
  EXPECT_EQ(info.direction, CallDirection::kIncoming);
  EXPECT_EQ(info.state, SessionState::kEstablished);
  EXPECT_EQ(info.call_serial_number, 0x10000u * tunnel_ + s);
  EXPECT_EQ(info.calling_number, "0044123456");
  EXPECT_EQ(info.called_number, "isp.example");
  EXPECT_EQ(info.sub_address, "7");
  EXPECT_EQ(info.bearer_type, kBearerAnalog);
  EXPECT_EQ(info.framing_type, kFramingSync);
  EXPECT_EQ(info.physical_channel_id, 42u);
  EXPECT_EQ(info.tx_connect_speed, 20'000'000u);
  EXPECT_EQ(info.rx_connect_speed, 1'000'000u);
  EXPECT_EQ(info.private_group_id, "vpn-a");
  EXPECT_TRUE(info.sequencing_required);
  EXPECT_EQ(info.agent_circuit_id, "dslam1 atm 1/2:8.35");
  EXPECT_EQ(info.agent_remote_id, "customer-0001");
  ASSERT_THAT(info.vendor_avps, SizeIs(1)) << "the unknown optional AVP; the BBF ones have their own fields";
  EXPECT_EQ(info.vendor_avps[0], (RawAvp{9, 5, false, false, Bytes{0xAA}}));
  ASSERT_NE(info.find_proxy_avp(AvpType::kInitialReceivedLcpConfreq), nullptr);
  EXPECT_EQ(info.find_proxy_avp(AvpType::kInitialReceivedLcpConfreq)->value, (Bytes{1, 4, 5, 0xDC}));
  EXPECT_EQ(info.find_proxy_avp(AvpType::kLastSentLcpConfreq)->value, (Bytes{3, 4, 0xC0, 0x23}));
  EXPECT_EQ(info.find_proxy_avp(AvpType::kProxyAuthenType)->value, (Bytes{0, 3}));
  EXPECT_EQ(info.find_proxy_avp(AvpType::kProxyAuthenName)->value, (Bytes{'a', 'l', 'i', 'c', 'e'}));
  EXPECT_EQ(info.find_proxy_avp(AvpType::kProxyAuthenId)->value, (Bytes{0, 9}));
  EXPECT_EQ(info.find_proxy_avp(AvpType::kProxyAuthenResponse)->value, (Bytes{'p', 'w'}));
  EXPECT_EQ(info.find_proxy_avp(AvpType::kProxyAuthenChallenge), nullptr);

  const std::optional<SessionInfo> kept = engine->session(info.key);
  ASSERT_TRUE(kept.has_value());
  EXPECT_TRUE(kept->proxy_avps.empty()) << "released once the PPP layer had them";
  EXPECT_EQ(kept->agent_circuit_id, "dslam1 atm 1/2:8.35");

  const ControlMessage* icrp = lac().last_received(tunnel_, MessageType::kIcrp);
  ASSERT_NE(icrp, nullptr);
  EXPECT_EQ(icrp->header.session_id, s) << "ICRP goes to the LAC's session";
  EXPECT_EQ(icrp->assigned_session_id, 1);
  EXPECT_EQ(engine->stats().sessions_established, 1u);
  EXPECT_EQ(engine->session_count(), 1u);
}

TEST_F(SessionTest, SessionIdsAreTheLowestFreeOnes) {
  std::vector<uint16_t> lac_ids;
  for (int i = 0; i < 4; ++i) lac_ids.push_back(establish_call(lac(), tunnel_));
  EXPECT_THAT(lns_session_ids(), ElementsAre(1, 2, 3, 4));
  lac().disconnect(tunnel_, lac_ids[1]);
  lac().disconnect(tunnel_, lac_ids[2]);
  ASSERT_TRUE(run_until([&] { return engine->session_count() == 2; }));
  EXPECT_THAT(lns_session_ids(), ElementsAre(1, 4));
  establish_call(lac(), tunnel_);
  EXPECT_THAT(lns_session_ids(), ElementsAre(1, 2, 4));
}

TEST_F(SessionTest, CdnFromTheLacClosesTheSessionWithItsResult) {
  const uint16_t s = establish_call(lac(), tunnel_);
  lac().disconnect(tunnel_, s, ResultCode{static_cast<uint16_t>(CdnResult::kLostCarrier), 0, "carrier lost"});
  ASSERT_TRUE(run_until([&] { return !events.sessions_down.empty() && lac().quiet(); }));
  const auto& [info, why] = events.sessions_down[0];
  EXPECT_EQ(info.peer_session_id, s);
  EXPECT_EQ(why.closer, Closer::kPeer);
  EXPECT_EQ(why.result.result, static_cast<uint16_t>(CdnResult::kLostCarrier));
  EXPECT_EQ(why.result.message, "carrier lost");
  EXPECT_EQ(count_sent_by_lns(MessageType::kCdn), 0u) << "a CDN is acknowledged, not answered";
  EXPECT_EQ(engine->session_count(), 0u);
  EXPECT_EQ(engine->stats().cdn_received, 1u);
}

TEST_F(SessionTest, CdnWithoutOurSessionIdIsMatchedByTheLacsId) {
  sim::FakeLacConfig c = lac_config(7);
  c.auto_connect = false;
  sim::FakeLac& slow = add_lac(c);
  const uint16_t t = open_tunnel(slow);
  const uint16_t s = slow.place_call(t);
  ASSERT_TRUE(run_until([&] { return engine->session_count() == 1 && slow.quiet(); }));
  // The LAC gives up before it learnt our ID from the ICRP.
  ControlMessage cdn;
  cdn.type = MessageType::kCdn;
  cdn.header.session_id = 0;
  cdn.assigned_session_id = s;
  cdn.result_code = ResultCode{3, std::nullopt, ""};
  slow.send_message(t, cdn);
  ASSERT_TRUE(run_until([&] { return engine->session_count() == 0; }));
  EXPECT_THAT(events.sessions_down, SizeIs(0)) << "never established, so never reported";
}

TEST_F(SessionTest, TerminateSessionSendsCdnToTheLac) {
  const uint16_t s = establish_call(lac(), tunnel_);
  const SessionKey key = key_of(lac(), tunnel_, s);
  ASSERT_TRUE(engine->terminate_session(key, 3, std::nullopt, "admin reset").ok());
  ASSERT_THAT(events.sessions_down, SizeIs(1));
  EXPECT_EQ(events.sessions_down[0].second.closer, Closer::kLocal);
  ASSERT_TRUE(run_until([&] { return lac().session(tunnel_, s)->state == LacSessionState::kClosed; }));
  const ControlMessage* cdn = lac().last_received(tunnel_, MessageType::kCdn);
  ASSERT_NE(cdn, nullptr);
  EXPECT_EQ(cdn->header.session_id, s);
  EXPECT_EQ(cdn->assigned_session_id, key.session_id);
  EXPECT_EQ(cdn->result_code->result, 3);
  EXPECT_EQ(cdn->result_code->message, "admin reset");
  EXPECT_EQ(engine->stats().cdn_sent, 1u);
  EXPECT_FALSE(engine->terminate_session(key).ok()) << "already gone";
  EXPECT_EQ(engine->tunnel(lns_tunnel_)->state, TunnelState::kEstablished);
}

TEST_F(SessionTest, IccnThatNeverComesTimesTheCallOut) {
  sim::FakeLacConfig c = lac_config(7);
  c.auto_connect = false;
  sim::FakeLac& slow = add_lac(c);
  const uint16_t t = open_tunnel(slow);
  const uint16_t s = slow.place_call(t);
  run_for(config.incoming_call_timeout - seconds(1));
  EXPECT_EQ(engine->session_count(), 1u);
  ASSERT_TRUE(run_until([&] { return slow.session(t, s)->state == LacSessionState::kClosed; }, seconds(5)));
  EXPECT_EQ(slow.session(t, s)->cdn_result->result, static_cast<uint16_t>(CdnResult::kTimeout));
  EXPECT_EQ(engine->session_count(), 0u);
  EXPECT_EQ(engine->stats().session_setup_timeouts, 1u);
}

TEST_F(SessionTest, IccnOnAnEstablishedSessionIsRefusedWithCdn) {
  const uint16_t s = establish_call(lac(), tunnel_);
  lac().connect(tunnel_, s);  // a second ICCN
  ASSERT_TRUE(run_until([&] { return !events.sessions_down.empty(); }));
  EXPECT_EQ(events.sessions_down[0].second.closer, Closer::kError);
  ASSERT_TRUE(run_until([&] { return lac().last_received(tunnel_, MessageType::kCdn) != nullptr; }));
  EXPECT_EQ(lac().last_received(tunnel_, MessageType::kCdn)->result_code->result,
            static_cast<uint16_t>(CdnResult::kGeneralError));
  EXPECT_EQ(engine->tunnel(lns_tunnel_)->state, TunnelState::kEstablished) << "the tunnel survives";
}

TEST_F(SessionTest, MessagesForUnknownSessionsAreIgnored) {
  ControlMessage iccn;
  iccn.type = MessageType::kIccn;
  iccn.header.session_id = 999;
  iccn.tx_connect_speed = 1;
  iccn.framing_type = 1;
  lac().send_message(tunnel_, iccn);
  ControlMessage cdn;
  cdn.type = MessageType::kCdn;
  cdn.header.session_id = 998;
  cdn.assigned_session_id = 5;
  cdn.result_code = ResultCode{1, std::nullopt, ""};
  lac().send_message(tunnel_, cdn);
  ControlMessage wen;
  wen.type = MessageType::kWen;
  wen.header.session_id = 997;
  wen.call_errors = CallErrors{};
  lac().send_message(tunnel_, wen);
  ASSERT_TRUE(run_until([&] { return lac().quiet(); }));
  run_for(seconds(1));
  EXPECT_EQ(engine->stats().unknown_session, 3u);
  EXPECT_EQ(count_sent_by_lns(MessageType::kCdn), 0u);
  EXPECT_EQ(engine->tunnel(lns_tunnel_)->state, TunnelState::kEstablished);
}

TEST_F(SessionTest, IcrqWithAssignedSessionIdZeroCannotBeAnswered) {
  ControlMessage icrq;
  icrq.type = MessageType::kIcrq;
  icrq.assigned_session_id = 0;  // reserved (5.4)
  icrq.call_serial_number = 1;
  lac().send_message(tunnel_, icrq);
  ASSERT_TRUE(run_until([&] { return lac().quiet(); }));
  run_for(seconds(1));
  EXPECT_EQ(engine->session_count(), 0u);
  EXPECT_EQ(engine->stats().malformed, 1u);
  EXPECT_EQ(count_sent_by_lns(MessageType::kIcrp), 0u);
  EXPECT_EQ(count_sent_by_lns(MessageType::kCdn), 0u) << "a CDN to session 0 would reach nobody";
  EXPECT_EQ(engine->tunnel(lns_tunnel_)->state, TunnelState::kEstablished);
}

TEST_F(SessionTest, IcrpAndOcrqFromTheLacAreRefusedWithCdn) {
  ControlMessage icrp;
  icrp.type = MessageType::kIcrp;
  icrp.header.session_id = 7;
  icrp.assigned_session_id = 70;
  lac().send_message(tunnel_, icrp);
  ControlMessage ocrq;
  ocrq.type = MessageType::kOcrq;
  ocrq.assigned_session_id = 71;
  ocrq.call_serial_number = 1;
  ocrq.minimum_bps = 0;
  ocrq.maximum_bps = 1;
  ocrq.bearer_type = 1;
  ocrq.framing_type = 1;
  ocrq.called_number = "123";
  lac().send_message(tunnel_, ocrq);
  ASSERT_TRUE(run_until([&] { return count_sent_by_lns(MessageType::kCdn) == 2; }));
  const std::vector<ControlMessage> cdns = sent_by_lns(MessageType::kCdn);
  EXPECT_EQ(cdns[0].header.session_id, 70);
  EXPECT_EQ(cdns[0].result_code->error, static_cast<uint16_t>(GeneralError::kInvalidSessionId));
  EXPECT_EQ(cdns[1].header.session_id, 71);
  EXPECT_EQ(cdns[1].result_code->result, static_cast<uint16_t>(CdnResult::kPermanentNoFacilities));
  EXPECT_EQ(engine->session_count(), 0u);
  EXPECT_EQ(engine->stats().fsm_errors, 2u);
}

TEST_F(SessionTest, UnknownMandatoryAvpInASessionMessageClearsOnlyThatSession) {
  const uint16_t keep = establish_call(lac(), tunnel_);
  const uint16_t doomed = establish_call(lac(), tunnel_);
  ControlMessage wen;
  wen.type = MessageType::kWen;
  wen.header.session_id = lac().session(tunnel_, doomed)->lns_id;
  wen.call_errors = CallErrors{};
  wen.other_avps.push_back(unknown_avp(/*mandatory=*/true));
  lac().send_message(tunnel_, wen);
  ASSERT_TRUE(run_until([&] { return lac().session(tunnel_, doomed)->state == LacSessionState::kClosed; }));
  const std::optional<ResultCode>& r = lac().session(tunnel_, doomed)->cdn_result;
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->result, static_cast<uint16_t>(CdnResult::kGeneralError));
  EXPECT_EQ(r->error, static_cast<uint16_t>(GeneralError::kUnknownMandatoryAvp));
  EXPECT_EQ(lac().session(tunnel_, keep)->state, LacSessionState::kEstablished);
  EXPECT_EQ(engine->session_count(), 1u);
  EXPECT_EQ(engine->tunnel(lns_tunnel_)->state, TunnelState::kEstablished);
}

TEST_F(SessionTest, IcrqWithAnUnknownMandatoryAvpIsRefusedToTheLacsSession) {
  sim::LacCall call;
  call.extra_icrq_avps.push_back(unknown_avp(/*mandatory=*/true));
  const uint16_t s = lac().place_call(tunnel_, call);
  ASSERT_TRUE(run_until([&] { return lac().session(tunnel_, s)->state == LacSessionState::kClosed; }));
  EXPECT_EQ(lac().session(tunnel_, s)->cdn_result->error, static_cast<uint16_t>(GeneralError::kUnknownMandatoryAvp));
  EXPECT_EQ(engine->session_count(), 0u);
  EXPECT_EQ(engine->tunnel(lns_tunnel_)->state, TunnelState::kEstablished);
}

TEST_F(SessionTest, WenAndSliAreRecordedAndNeverTearAnythingDown) {
  const uint16_t s = establish_call(lac(), tunnel_);
  CallErrors errors;
  errors.crc_errors = 3;
  errors.timeout_errors = 1;
  lac().send_wen(tunnel_, s, errors);
  lac().send_sli(tunnel_, s, Accm{0xFFFFFFFF, 0x000A0000});
  ASSERT_TRUE(run_until([&] { return lac().quiet(); }));
  const std::optional<SessionInfo> info = engine->session(key_of(lac(), tunnel_, s));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->call_errors, errors);
  EXPECT_EQ(info->accm, (Accm{0xFFFFFFFF, 0x000A0000}));
  EXPECT_EQ(info->state, SessionState::kEstablished);
  EXPECT_EQ(engine->stats().wen_received, 1u);
  EXPECT_EQ(engine->stats().sli_received, 1u);
  EXPECT_THAT(events.sessions_down, SizeIs(0));
}

TEST_F(SessionTest, SetLinkInfoSendsSliToTheLac) {
  const uint16_t s = establish_call(lac(), tunnel_);
  ASSERT_TRUE(engine->set_link_info(key_of(lac(), tunnel_, s), Accm{0, 0xFFFFFFFF}).ok());
  ASSERT_TRUE(run_until([&] { return lac().session(tunnel_, s)->accm.has_value(); }));
  EXPECT_EQ(lac().session(tunnel_, s)->accm, (Accm{0, 0xFFFFFFFF}));
}

// ---- Limits and drain -----------------------------------------------------------

TEST_F(SessionTest, PerTunnelLimitRefusesWithTemporaryLackOfFacilities) {
  config.max_sessions_per_tunnel = 2;
  restart();
  establish_call(lac(), tunnel_);
  establish_call(lac(), tunnel_);
  const uint16_t third = lac().place_call(tunnel_);
  ASSERT_TRUE(run_until([&] { return lac().session(tunnel_, third)->state == LacSessionState::kClosed; }));
  const ControlMessage* cdn = lac().last_received(tunnel_, MessageType::kCdn);
  EXPECT_EQ(cdn->result_code->result, static_cast<uint16_t>(CdnResult::kTemporaryNoFacilities));
  EXPECT_EQ(cdn->header.session_id, third);
  EXPECT_EQ(cdn->assigned_session_id, 0) << "no LNS session was allocated";
  EXPECT_EQ(engine->stats().sessions_refused_limit, 1u);
  EXPECT_EQ(engine->session_count(), 2u);
}

TEST_F(SessionTest, GlobalAndPerLacLimitsCountAcrossTunnels) {
  LacPolicy p;
  p.name = "capped";
  p.host_name = "lac0";
  p.max_sessions = 3;
  config.lacs = {p};
  config.max_sessions = 4;
  restart();
  const uint16_t second_tunnel = open_tunnel(lac());
  establish_call(lac(), tunnel_);
  establish_call(lac(), second_tunnel);
  establish_call(lac(), tunnel_);
  const uint16_t over_policy = lac().place_call(second_tunnel);
  ASSERT_TRUE(run_until([&] { return lac().session(second_tunnel, over_policy)->state == LacSessionState::kClosed; }));
  EXPECT_EQ(engine->stats().sessions_refused_limit, 1u) << "the LAC's own cap of 3";

  sim::FakeLac& other = add_lac(lac_config(1));
  const uint16_t t = open_tunnel(other);
  establish_call(other, t);
  const uint16_t over_global = other.place_call(t);
  ASSERT_TRUE(run_until([&] { return other.session(t, over_global)->state == LacSessionState::kClosed; }));
  EXPECT_EQ(engine->stats().sessions_refused_limit, 2u) << "the global cap of 4";
  EXPECT_EQ(engine->session_count(), 4u);
}

TEST_F(SessionTest, DrainingTunnelRefusesNewCallsWithTryAnotherAndKeepsOldOnes) {
  const uint16_t old_call = establish_call(lac(), tunnel_);
  ASSERT_TRUE(engine->drain_tunnel(lns_tunnel_).ok());
  EXPECT_TRUE(engine->tunnel(lns_tunnel_)->draining);
  const uint16_t refused = lac().place_call(tunnel_);
  ASSERT_TRUE(run_until([&] { return lac().session(tunnel_, refused)->state == LacSessionState::kClosed; }));
  const std::optional<ResultCode>& r = lac().session(tunnel_, refused)->cdn_result;
  EXPECT_EQ(r->result, static_cast<uint16_t>(CdnResult::kGeneralError));
  EXPECT_EQ(r->error, static_cast<uint16_t>(GeneralError::kTryAnother));
  EXPECT_EQ(lac().session(tunnel_, old_call)->state, LacSessionState::kEstablished);
  EXPECT_FALSE(engine->call_outgoing(lns_tunnel_, OutgoingCall{}).ok());
  EXPECT_EQ(engine->stats().sessions_refused_draining, 1u);

  ASSERT_TRUE(engine->drain_tunnel(lns_tunnel_, false).ok());
  establish_call(lac(), tunnel_);
  EXPECT_EQ(engine->session_count(), 2u);
}

// ---- Outgoing calls -------------------------------------------------------------

TEST_F(SessionTest, OutgoingCallGoesThroughOcrqOcrpOccn) {
  OutgoingCall call;
  call.called_number = "5551234";
  call.minimum_bps = 9600;
  call.maximum_bps = 64000;
  absl::StatusOr<SessionKey> key = engine->call_outgoing(lns_tunnel_, call);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(engine->session(*key)->state, SessionState::kWaitReply);
  ASSERT_TRUE(run_until([&] { return !events.sessions_up.empty(); }));
  const SessionInfo& info = events.sessions_up[0];
  EXPECT_EQ(info.key, *key);
  EXPECT_EQ(info.direction, CallDirection::kOutgoing);
  EXPECT_NE(info.peer_session_id, 0) << "learnt from OCRP";
  EXPECT_EQ(info.called_number, "5551234");
  EXPECT_TRUE(info.tx_connect_speed.has_value()) << "from OCCN";

  const ControlMessage* ocrq = lac().last_received(tunnel_, MessageType::kOcrq);
  ASSERT_NE(ocrq, nullptr);
  EXPECT_EQ(ocrq->assigned_session_id, key->session_id);
  EXPECT_EQ(ocrq->called_number, "5551234");
  EXPECT_EQ(ocrq->minimum_bps, 9600u);
  EXPECT_EQ(ocrq->maximum_bps, 64000u);
  EXPECT_TRUE(ocrq->call_serial_number.has_value());
}

TEST_F(SessionTest, OutgoingCallRefusedByTheLacIsCleared) {
  sim::FakeLacConfig c = lac_config(5);
  c.answer_outgoing_calls = false;
  sim::FakeLac& busy = add_lac(c);
  const uint16_t t = open_tunnel(busy);
  absl::StatusOr<SessionKey> key = engine->call_outgoing(busy.lns_tunnel_id(t), OutgoingCall{.called_number = "1"});
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(run_until([&] { return !engine->session(*key).has_value(); }));
  EXPECT_EQ(engine->stats().cdn_received, 1u);
  EXPECT_THAT(events.sessions_up, SizeIs(0));
  EXPECT_THAT(events.sessions_down, SizeIs(0));
}

TEST_F(SessionTest, OutgoingCallWithoutAnAnswerTimesOut) {
  sim::FakeLacConfig c = lac_config(5);
  c.ignore_outgoing_calls = true;  // acknowledges the OCRQ, never answers
  sim::FakeLac& mute = add_lac(c);
  const uint16_t t = open_tunnel(mute);
  absl::StatusOr<SessionKey> key = engine->call_outgoing(mute.lns_tunnel_id(t), OutgoingCall{});
  ASSERT_TRUE(key.ok());
  run_for(config.outgoing_call_timeout - seconds(1));
  EXPECT_TRUE(engine->session(*key).has_value());
  run_for(seconds(2));
  EXPECT_FALSE(engine->session(*key).has_value());
  EXPECT_EQ(engine->stats().session_setup_timeouts, 1u);
  const std::vector<ControlMessage> cdns = sent_by_lns(MessageType::kCdn);
  ASSERT_THAT(cdns, SizeIs(1));
  EXPECT_EQ(cdns[0].header.session_id, 0) << "the LAC never told us its ID";
  EXPECT_EQ(cdns[0].assigned_session_id, key->session_id);
  EXPECT_EQ(cdns[0].result_code->result, static_cast<uint16_t>(CdnResult::kTimeout));
  EXPECT_EQ(engine->tunnel(key->tunnel_id)->state, TunnelState::kEstablished);
}

TEST_F(SessionTest, OutgoingCallCancelledBeforeOcrpSendsCdnWithOurIdOnly) {
  sim::FakeLacConfig c = lac_config(5);
  c.ignore_outgoing_calls = true;
  sim::FakeLac& mute = add_lac(c);
  const uint16_t t = open_tunnel(mute);
  absl::StatusOr<SessionKey> key = engine->call_outgoing(mute.lns_tunnel_id(t), OutgoingCall{});
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(engine->terminate_session(*key).ok());
  ASSERT_TRUE(run_until([&] { return count_sent_by_lns(MessageType::kCdn) == 1 && mute.quiet(); }));
  const ControlMessage cdn = sent_by_lns(MessageType::kCdn)[0];
  EXPECT_EQ(cdn.header.session_id, 0);
  EXPECT_EQ(cdn.assigned_session_id, key->session_id);
  EXPECT_EQ(cdn.result_code->result, static_cast<uint16_t>(CdnResult::kAdministrative));
  EXPECT_THAT(events.sessions_down, SizeIs(0)) << "never established";
}

TEST_F(SessionTest, OccnBeforeOcrpIsAnFsmError) {
  sim::FakeLacConfig c = lac_config(5);
  c.ignore_outgoing_calls = true;
  sim::FakeLac& odd = add_lac(c);
  const uint16_t t = open_tunnel(odd);
  absl::StatusOr<SessionKey> key = engine->call_outgoing(odd.lns_tunnel_id(t), OutgoingCall{});
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(run_until([&] { return odd.quiet(); }));
  ControlMessage occn;
  occn.type = MessageType::kOccn;
  occn.header.session_id = key->session_id;
  occn.tx_connect_speed = 1;
  occn.framing_type = 1;
  odd.send_message(t, occn);
  ASSERT_TRUE(run_until([&] { return !engine->session(*key).has_value(); }));
  EXPECT_EQ(engine->stats().fsm_errors, 1u);
  EXPECT_EQ(count_sent_by_lns(MessageType::kCdn), 1u);
}

TEST_F(SessionTest, IccnOnAnOutgoingCallIsAnFsmError) {
  absl::StatusOr<SessionKey> key = engine->call_outgoing(lns_tunnel_, OutgoingCall{});
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(run_until([&] { return !events.sessions_up.empty(); }));
  ControlMessage iccn;
  iccn.type = MessageType::kIccn;
  iccn.header.session_id = key->session_id;
  iccn.tx_connect_speed = 1;
  iccn.framing_type = 1;
  lac().send_message(tunnel_, iccn);
  ASSERT_TRUE(run_until([&] { return !events.sessions_down.empty(); }));
  EXPECT_EQ(events.sessions_down[0].second.closer, Closer::kError);
  EXPECT_EQ(engine->stats().fsm_errors, 1u);
}

TEST_F(SessionTest, CallOutgoingNeedsAnEstablishedTunnel) {
  EXPECT_EQ(engine->call_outgoing(4242, OutgoingCall{}).status().code(), absl::StatusCode::kNotFound);
}

// ---- Session traffic before the tunnel is up -------------------------------------

TEST_F(EngineTest, IcrqBeforeScccnIsRefusedWithNoControlConnection) {
  start();
  sim::FakeLacConfig c = lac_config();
  c.send_scccn = false;
  sim::FakeLac& eager = add_lac(c);
  const uint16_t t = eager.open_tunnel();
  run_for(milliseconds(50));
  const uint16_t s = eager.place_call(t);
  ASSERT_TRUE(run_until([&] { return eager.session(t, s)->state == LacSessionState::kClosed; }));
  EXPECT_EQ(eager.session(t, s)->cdn_result->error, static_cast<uint16_t>(GeneralError::kNoControlConnection));
  EXPECT_EQ(engine->session_count(), 0u);
}

}  // namespace
}  // namespace lns::l2tp
