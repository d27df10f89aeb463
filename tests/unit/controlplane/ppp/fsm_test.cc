// Restart timer, counters and packet validation of the RFC 1661 automaton.
#include "controlplane/ppp/fsm.h"

#include <vector>

#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/controlplane/ppp/fsm_test_support.h"

namespace lns::ppp {
namespace {

using ::testing::ElementsAre;
using testing::packet_bytes;
using testing::RecordingSink;
using testing::ScriptedHandler;

class FsmTest : public ::testing::Test {
 protected:
  explicit FsmTest(FsmConfig config = default_config())
      : fsm_(kProtocolLcp, config, clock_, sink_, handler_) {}

  static FsmConfig default_config() {
    FsmConfig c;
    c.restart_interval = std::chrono::seconds(2);
    c.max_configure = 4;
    c.max_terminate = 2;
    c.max_failure = 3;
    return c;
  }

  void start() {
    fsm_.up();
    fsm_.open();
  }
  void advance_and_poll(Duration d) {
    clock_.advance(d);
    fsm_.poll();
  }
  uint8_t last_request_id() const {
    return sink_.with_code(Code::kConfigureRequest).back().identifier;
  }
  absl::Status receive(Code code, uint8_t id, std::vector<uint8_t> data = {}) {
    return fsm_.receive(packet_bytes(code, id, std::move(data)));
  }
  void open_link() {
    start();
    ASSERT_TRUE(receive(Code::kConfigureAck, last_request_id(), handler_.request).ok());
    ASSERT_TRUE(receive(Code::kConfigureRequest, 7, {0x05, 0x06, 1, 2, 3, 4}).ok());
    ASSERT_EQ(fsm_.state(), FsmState::kOpened);
  }

  FakeClock clock_;
  RecordingSink sink_;
  ScriptedHandler handler_;
  Fsm fsm_;
};

TEST_F(FsmTest, ConfigureRequestIsRetransmittedEachRestartInterval) {
  start();
  EXPECT_EQ(sink_.with_code(Code::kConfigureRequest).size(), 1u);
  advance_and_poll(std::chrono::milliseconds(1999));
  EXPECT_EQ(sink_.with_code(Code::kConfigureRequest).size(), 1u) << "retransmitted too early";
  advance_and_poll(std::chrono::milliseconds(1));
  EXPECT_EQ(sink_.with_code(Code::kConfigureRequest).size(), 2u);
}

TEST_F(FsmTest, RetransmissionKeepsIdentifierAndOptions) {
  start();
  advance_and_poll(std::chrono::seconds(2));
  const auto crs = sink_.with_code(Code::kConfigureRequest);
  ASSERT_EQ(crs.size(), 2u);
  EXPECT_EQ(crs[0].identifier, crs[1].identifier);
  EXPECT_EQ(crs[0].data, crs[1].data);
}

TEST_F(FsmTest, GivesUpAfterMaxConfigureRequests) {
  start();
  for (int i = 0; i < 10; ++i) advance_and_poll(std::chrono::seconds(2));
  EXPECT_EQ(sink_.with_code(Code::kConfigureRequest).size(), 4u);
  EXPECT_EQ(fsm_.state(), FsmState::kStopped);
  EXPECT_THAT(handler_.log, ElementsAre("tlf"));
  EXPECT_THAT(handler_.causes, ElementsAre(FsmEvent::kTimeoutMinus));
  EXPECT_FALSE(fsm_.next_deadline().has_value());
}

TEST_F(FsmTest, NakLeadsToNewRequestWithFreshIdentifier) {
  start();
  const uint8_t first = last_request_id();
  ASSERT_TRUE(receive(Code::kConfigureNak, first, {0x01, 0x04, 0x05, 0xd4}).ok());
  EXPECT_EQ(handler_.naks, 1);
  EXPECT_NE(last_request_id(), first);
  EXPECT_EQ(fsm_.restart_counter(), 3) << "irc,scr: Max-Configure minus the one just sent";
}

TEST_F(FsmTest, ReplyWithStaleIdentifierIsDiscarded) {
  start();
  const uint8_t stale = last_request_id() - 1;
  ASSERT_TRUE(receive(Code::kConfigureAck, stale, handler_.request).ok());
  EXPECT_EQ(fsm_.state(), FsmState::kReqSent);
  EXPECT_EQ(fsm_.stats().discarded, 1u);
  EXPECT_EQ(handler_.acks, 0);
}

TEST_F(FsmTest, AckThatDoesNotRepeatOurRequestIsRejectedAsInvalid) {
  start();
  auto status = receive(Code::kConfigureAck, last_request_id(), {0x01, 0x04, 0x05, 0xd4});
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(fsm_.state(), FsmState::kReqSent);
  EXPECT_EQ(handler_.acks, 0);
}

TEST_F(FsmTest, RejectNamingAnOptionWeNeverSentIsInvalid) {
  start();
  auto status = receive(Code::kConfigureReject, last_request_id(), {0x05, 0x06, 1, 2, 3, 4});
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(handler_.rejects, 0);
  EXPECT_EQ(sink_.with_code(Code::kConfigureRequest).size(), 1u);
}

TEST_F(FsmTest, RejectOfOurOwnOptionIsAccepted) {
  start();
  ASSERT_TRUE(receive(Code::kConfigureReject, last_request_id(), handler_.request).ok());
  EXPECT_EQ(handler_.rejects, 1);
  EXPECT_EQ(sink_.with_code(Code::kConfigureRequest).size(), 2u);
}

TEST_F(FsmTest, MalformedOptionsInRequestAreDroppedWithError) {
  start();
  auto status = receive(Code::kConfigureRequest, 3, {0x01, 0x09, 0x05});
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(fsm_.stats().malformed, 1u);
  EXPECT_TRUE(sink_.with_code(Code::kConfigureAck).empty());
  EXPECT_TRUE(sink_.with_code(Code::kConfigureNak).empty());
}

TEST_F(FsmTest, AckEchoesPeerOptionsWithPeerIdentifier) {
  start();
  const std::vector<uint8_t> options = {0x05, 0x06, 9, 8, 7, 6, 0x07, 0x02};
  ASSERT_TRUE(receive(Code::kConfigureRequest, 0x99, options).ok());
  const auto acks = sink_.with_code(Code::kConfigureAck);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].identifier, 0x99);
  EXPECT_EQ(acks[0].data, options);
}

TEST_F(FsmTest, NaksTurnIntoRejectsAfterMaxFailure) {
  start();
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(receive(Code::kConfigureRequest, 10 + i, {0xEE, 0x03, 0x05}).ok());
  EXPECT_THAT(handler_.judged_with_reject_instead_of_nak, ElementsAre(false, false, false, true));
  EXPECT_EQ(sink_.with_code(Code::kConfigureNak).size(), 3u);
  const auto rejects = sink_.with_code(Code::kConfigureReject);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_THAT(rejects[0].data, ElementsAre(0xEE, 0x03, 0x05)) << "rejected as the peer sent it";
}

TEST_F(FsmTest, AckResetsFailureCount) {
  start();
  ASSERT_TRUE(receive(Code::kConfigureRequest, 1, {0xEE, 0x03, 0x05}).ok());
  ASSERT_TRUE(receive(Code::kConfigureRequest, 2, {0xEE, 0x03, 0x05}).ok());
  EXPECT_EQ(fsm_.failure_count(), 2);
  ASSERT_TRUE(receive(Code::kConfigureRequest, 3, {0x07, 0x02}).ok());
  EXPECT_EQ(fsm_.failure_count(), 0);
}

TEST_F(FsmTest, CloseFromOpenedSendsTerminateRequestsUntilMaxTerminate) {
  open_link();
  const std::vector<uint8_t> reason = {'b', 'y', 'e'};
  fsm_.close(reason);
  EXPECT_EQ(fsm_.state(), FsmState::kClosing);
  for (int i = 0; i < 5; ++i) advance_and_poll(std::chrono::seconds(2));
  const auto trs = sink_.with_code(Code::kTerminateRequest);
  ASSERT_EQ(trs.size(), 2u);
  EXPECT_EQ(trs[0].data, reason);
  EXPECT_EQ(fsm_.state(), FsmState::kClosed);
  EXPECT_THAT(handler_.log, ElementsAre("tlu", "tld", "tlf"));
}

TEST_F(FsmTest, TerminateAckEndsClosingAtOnce) {
  open_link();
  fsm_.close();
  ASSERT_TRUE(receive(Code::kTerminateAck, sink_.with_code(Code::kTerminateRequest)[0].identifier).ok());
  EXPECT_EQ(fsm_.state(), FsmState::kClosed);
  EXPECT_FALSE(fsm_.next_deadline().has_value());
}

TEST_F(FsmTest, PeerTerminateWaitsOneIntervalBeforeFinishing) {
  open_link();
  ASSERT_TRUE(receive(Code::kTerminateRequest, 0x33).ok());
  const auto tas = sink_.with_code(Code::kTerminateAck);
  ASSERT_EQ(tas.size(), 1u);
  EXPECT_EQ(tas[0].identifier, 0x33);
  EXPECT_EQ(fsm_.state(), FsmState::kStopping);
  advance_and_poll(std::chrono::seconds(2));
  EXPECT_EQ(fsm_.state(), FsmState::kStopped);
  EXPECT_THAT(handler_.log, ElementsAre("tlu", "tld", "tlf"));
  EXPECT_THAT(handler_.causes, ElementsAre(FsmEvent::kRcrGood, FsmEvent::kRtr, FsmEvent::kTimeoutMinus));
  EXPECT_TRUE(sink_.with_code(Code::kTerminateRequest).empty());
}

TEST_F(FsmTest, CodeRejectCarriesTheRejectedPacketCutToPeerMru) {
  open_link();
  fsm_.set_peer_mru(10);
  std::vector<uint8_t> data(20, 0xab);
  ASSERT_TRUE(receive(static_cast<Code>(0x50), 0x21, data).ok());
  const auto cjs = sink_.with_code(Code::kCodeReject);
  ASSERT_EQ(cjs.size(), 1u);
  ASSERT_EQ(cjs[0].data.size(), 6u);
  EXPECT_THAT(cjs[0].data, ElementsAre(0x50, 0x21, 0x00, 24, 0xab, 0xab));
}

TEST_F(FsmTest, CodeRejectOfUnessentialCodeKeepsLinkOpen) {
  open_link();
  ASSERT_TRUE(receive(Code::kCodeReject, 1, {0x09, 0x01, 0x00, 0x04}).ok());
  EXPECT_EQ(fsm_.state(), FsmState::kOpened);
}

TEST_F(FsmTest, EmptyCodeRejectIsMalformed) {
  open_link();
  EXPECT_FALSE(receive(Code::kCodeReject, 1).ok());
  EXPECT_EQ(fsm_.state(), FsmState::kOpened);
}

TEST_F(FsmTest, PacketsWhileLowerLayerDownAreDiscarded) {
  fsm_.open();
  ASSERT_TRUE(receive(Code::kConfigureRequest, 1, {0x07, 0x02}).ok());
  EXPECT_TRUE(sink_.sent.empty());
  EXPECT_EQ(fsm_.stats().discarded, 1u);
}

TEST_F(FsmTest, StartOpenedSkipsNegotiation) {
  fsm_.start_opened();
  EXPECT_EQ(fsm_.state(), FsmState::kOpened);
  EXPECT_TRUE(sink_.sent.empty());
  EXPECT_THAT(handler_.log, ElementsAre("tlu"));
  fsm_.down();
  EXPECT_EQ(fsm_.state(), FsmState::kStarting);
}

// A handler that closes its own FSM from inside this-layer-up, as an upper
// layer refusing the link would.
class ClosingHandler : public ScriptedHandler {
 public:
  void this_layer_up(FsmEvent cause) override {
    ScriptedHandler::this_layer_up(cause);
    fsm->close();
  }
  Fsm* fsm = nullptr;
};

TEST(FsmReentrancy, CloseFromInsideCallbackRunsAfterTheCurrentEvent) {
  FakeClock clock;
  RecordingSink sink;
  ClosingHandler handler;
  Fsm fsm(kProtocolIpcp, FsmConfig{}, clock, sink, handler);
  handler.fsm = &fsm;
  fsm.up();
  fsm.open();
  const uint8_t id = sink.with_code(Code::kConfigureRequest).back().identifier;
  ASSERT_TRUE(fsm.receive(packet_bytes(Code::kConfigureAck, id, handler.request)).ok());
  ASSERT_TRUE(fsm.receive(packet_bytes(Code::kConfigureRequest, 5, {0x07, 0x02})).ok());
  EXPECT_EQ(fsm.state(), FsmState::kClosing);
  EXPECT_THAT(handler.log, ElementsAre("tlu", "tld"));
  // The Ack went out before the Terminate-Request.
  ASSERT_GE(sink.sent.size(), 3u);
  EXPECT_EQ(sink.sent[sink.sent.size() - 2].code, to_byte(Code::kConfigureAck));
  EXPECT_EQ(sink.sent.back().code, to_byte(Code::kTerminateRequest));
}

}  // namespace
}  // namespace lns::ppp
