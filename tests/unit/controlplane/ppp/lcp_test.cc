// LCP as the LNS negotiates it: option by option, Magic-Number loop
// detection, authentication protocol fallback and Echo keepalives.
#include "controlplane/ppp/lcp.h"

#include <optional>
#include <random>
#include <vector>

#include "common/byte_order.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/controlplane/ppp/fsm_test_support.h"

namespace lns::ppp {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::packet_bytes;
using testing::RecordingSink;
using testing::SentPacket;

class RecordingLcpListener : public LcpListener {
 public:
  void on_lcp_up(const LcpNegotiated& n) override {
    ++ups;
    negotiated = n;
  }
  void on_lcp_down() override { ++downs; }
  void on_lcp_finished(LcpEnd reason) override { finished.push_back(reason); }
  void on_protocol_rejected(uint16_t protocol) override { rejected_protocols.push_back(protocol); }

  int ups = 0;
  int downs = 0;
  LcpNegotiated negotiated;
  std::vector<LcpEnd> finished;
  std::vector<uint16_t> rejected_protocols;
};

struct OptionBytes {
  uint8_t type;
  std::vector<uint8_t> data;
};

std::vector<OptionBytes> options_of(const SentPacket& p) {
  std::vector<OptionBytes> out;
  auto parsed = parse_options(p.data);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (!parsed.ok()) return out;
  for (const auto& o : *parsed) out.push_back({o.type, {o.data.begin(), o.data.end()}});
  return out;
}

std::optional<OptionBytes> find_option(const std::vector<OptionBytes>& options, uint8_t type) {
  for (const auto& o : options)
    if (o.type == type) return o;
  return std::nullopt;
}

LcpConfig test_config() {
  LcpConfig c;
  c.fsm.restart_interval = std::chrono::seconds(3);
  c.fsm.max_configure = 5;
  c.echo_interval = std::chrono::seconds(10);
  c.echo_max_failures = 3;
  return c;
}

class LcpTest : public ::testing::Test {
 protected:
  explicit LcpTest(LcpConfig config = test_config())
      : config_(std::move(config)), rng_(42), lcp_(config_, clock_, sink_, rng_, listener_) {}

  absl::Status peer_sends(Code code, uint8_t id, std::vector<uint8_t> data = {}) {
    return lcp_.receive(packet_bytes(code, id, std::move(data)));
  }
  SentPacket last_request() const { return sink_.with_code(Code::kConfigureRequest).back(); }
  SentPacket last_sent() const { return sink_.sent.back(); }
  void ack_our_request() {
    const SentPacket cr = last_request();
    ASSERT_TRUE(peer_sends(Code::kConfigureAck, cr.identifier, cr.data).ok());
  }
  uint32_t our_magic() const {
    const auto m = find_option(options_of(last_request()), kLcpOptionMagicNumber);
    return m ? load_be32(m->data.data()) : 0;
  }
  void open_with_peer_options(std::vector<uint8_t> peer_options) {
    lcp_.start();
    ack_our_request();
    ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 0x10, std::move(peer_options)).ok());
    ASSERT_TRUE(lcp_.is_opened());
  }
  void open() { open_with_peer_options({0x05, 0x06, 0x0a, 0x0b, 0x0c, 0x0d}); }
  void advance_and_poll(Duration d) {
    clock_.advance(d);
    lcp_.poll();
  }

  const LcpConfig config_;  // lcp_ references it
  FakeClock clock_;
  RecordingSink sink_;
  std::mt19937 rng_;
  RecordingLcpListener listener_;
  Lcp lcp_;
};

TEST_F(LcpTest, FirstRequestAsksForChapMd5AndMagicButNotDefaultMru) {
  lcp_.start();
  const auto options = options_of(last_request());
  EXPECT_FALSE(find_option(options, kLcpOptionMru).has_value());
  const auto auth = find_option(options, kLcpOptionAuthProtocol);
  ASSERT_TRUE(auth.has_value());
  EXPECT_THAT(auth->data, ElementsAre(0xC2, 0x23, 0x05));
  EXPECT_NE(our_magic(), 0u);
}

TEST_F(LcpTest, PeerMruBelowMinimumIsNakedUpToIt) {
  lcp_.start();
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, {0x01, 0x04, 0x01, 0x00}).ok());  // 256
  ASSERT_EQ(last_sent().code, to_byte(Code::kConfigureNak));
  EXPECT_THAT(last_sent().data, ElementsAre(0x01, 0x04, 0x02, 0x40));  // 576
}

TEST_F(LcpTest, AcceptablePeerMruIsAckedAndRecorded) {
  open_with_peer_options({0x01, 0x04, 0x05, 0xd4});
  EXPECT_EQ(listener_.negotiated.peer_mru, 1492);
  EXPECT_EQ(lcp_.fsm().stats().malformed, 0u);
}

TEST_F(LcpTest, MruWithWrongLengthIsRejected) {
  lcp_.start();
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, {0x01, 0x03, 0x05, 0x07, 0x02}).ok());
  ASSERT_EQ(last_sent().code, to_byte(Code::kConfigureReject));
  EXPECT_THAT(last_sent().data, ElementsAre(0x01, 0x03, 0x05));
}

TEST_F(LcpTest, AccmIsAcceptedAndRecorded) {
  open_with_peer_options({0x02, 0x06, 0x00, 0x0a, 0x00, 0x00});
  EXPECT_EQ(sink_.with_code(Code::kConfigureAck).size(), 1u);
  EXPECT_EQ(listener_.negotiated.peer_accm, 0x000a0000u);
}

TEST_F(LcpTest, PfcAndAcfcAreAcceptedAndReportedForTheDataPlane) {
  open_with_peer_options({0x07, 0x02, 0x08, 0x02});
  EXPECT_TRUE(listener_.negotiated.peer_pfc);
  EXPECT_TRUE(listener_.negotiated.peer_acfc);
}

TEST_F(LcpTest, WithoutPfcAndAcfcTheyStayOff) {
  open();
  EXPECT_FALSE(listener_.negotiated.peer_pfc);
  EXPECT_FALSE(listener_.negotiated.peer_acfc);
}

TEST_F(LcpTest, UnknownOptionsAreRejectedVerbatimAndAloneInTheReject) {
  lcp_.start();
  // MRU 1500 (fine), Quality-Protocol (unsupported), Callback type 13 (unknown).
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1,
                         {0x01, 0x04, 0x05, 0xdc, 0x04, 0x08, 0xc0, 0x25, 0, 0, 0, 10, 0x0d,
                          0x03, 0x06})
                  .ok());
  ASSERT_EQ(last_sent().code, to_byte(Code::kConfigureReject));
  EXPECT_EQ(last_sent().identifier, 1);
  EXPECT_THAT(last_sent().data,
              ElementsAre(0x04, 0x08, 0xc0, 0x25, 0, 0, 0, 10, 0x0d, 0x03, 0x06));
}

TEST_F(LcpTest, PeerAskingUsToAuthenticateIsRejected) {
  lcp_.start();
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, {0x03, 0x04, 0xc0, 0x23}).ok());
  ASSERT_EQ(last_sent().code, to_byte(Code::kConfigureReject));
  EXPECT_THAT(last_sent().data, ElementsAre(0x03, 0x04, 0xc0, 0x23));
}

TEST_F(LcpTest, ZeroMagicIsNakedWithNonZeroSuggestion) {
  lcp_.start();
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, {0x05, 0x06, 0, 0, 0, 0}).ok());
  ASSERT_EQ(last_sent().code, to_byte(Code::kConfigureNak));
  const auto nak = options_of(last_sent());
  ASSERT_EQ(nak.size(), 1u);
  EXPECT_EQ(nak[0].type, kLcpOptionMagicNumber);
  EXPECT_NE(load_be32(nak[0].data.data()), 0u);
}

TEST_F(LcpTest, PeerMagicEqualToOursIsNakedWithADifferentValue) {
  lcp_.start();
  const uint32_t mine = our_magic();
  std::vector<uint8_t> req = {0x05, 0x06, 0, 0, 0, 0};
  store_be32(req.data() + 2, mine);
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, req).ok());
  ASSERT_EQ(last_sent().code, to_byte(Code::kConfigureNak));
  const auto nak = options_of(last_sent());
  ASSERT_EQ(nak.size(), 1u);
  const uint32_t suggested = load_be32(nak[0].data.data());
  EXPECT_NE(suggested, mine);
  EXPECT_NE(suggested, 0u);
  EXPECT_THAT(listener_.finished, IsEmpty()) << "one collision is not yet a loop";
}

TEST_F(LcpTest, LoopedBackLinkIsDeclaredAfterRepeatedCollisions) {
  // Reflect every packet we send straight back, as a looped circuit would.
  lcp_.start();
  for (int round = 0; round < 20 && listener_.finished.empty(); ++round) {
    const SentPacket p = last_sent();
    ASSERT_TRUE(lcp_.receive(packet_bytes(static_cast<Code>(p.code), p.identifier, p.data)).ok());
  }
  EXPECT_THAT(listener_.finished, ElementsAre(LcpEnd::kLoopback));
}

TEST_F(LcpTest, NakOfChapSuggestingPapSwitchesToPap) {
  lcp_.start();
  const SentPacket cr = last_request();
  ASSERT_TRUE(peer_sends(Code::kConfigureNak, cr.identifier, {0x03, 0x04, 0xc0, 0x23}).ok());
  const auto auth = find_option(options_of(last_request()), kLcpOptionAuthProtocol);
  ASSERT_TRUE(auth.has_value());
  EXPECT_THAT(auth->data, ElementsAre(0xC0, 0x23));
}

TEST_F(LcpTest, NakSuggestingUnsupportedProtocolFallsBackToNextAllowed) {
  lcp_.start();
  // MS-CHAPv2 (algorithm 0x81) is not something we speak.
  ASSERT_TRUE(peer_sends(Code::kConfigureNak, last_request().identifier,
                         {0x03, 0x05, 0xc2, 0x23, 0x81})
                  .ok());
  const auto auth = find_option(options_of(last_request()), kLcpOptionAuthProtocol);
  ASSERT_TRUE(auth.has_value());
  EXPECT_THAT(auth->data, ElementsAre(0xC0, 0x23));
}

TEST_F(LcpTest, PeerNakingEveryAllowedProtocolIsRefusedGracefully) {
  lcp_.start();
  ASSERT_TRUE(peer_sends(Code::kConfigureNak, last_request().identifier,
                         {0x03, 0x04, 0xc0, 0x23}).ok());
  // Now on PAP; the peer wants CHAP back, which already failed.
  ASSERT_TRUE(peer_sends(Code::kConfigureNak, last_request().identifier,
                         {0x03, 0x05, 0xc2, 0x23, 0x05}).ok());
  EXPECT_EQ(sink_.with_code(Code::kTerminateRequest).size(), 1u);
  EXPECT_EQ(lcp_.state(), FsmState::kClosing);
  ASSERT_TRUE(peer_sends(Code::kTerminateAck, sink_.with_code(Code::kTerminateRequest)[0].identifier).ok());
  EXPECT_THAT(listener_.finished, ElementsAre(LcpEnd::kAuthRefused));
}

class LcpChapOnlyTest : public LcpTest {
 protected:
  static LcpConfig config() {
    LcpConfig c = test_config();
    c.auth_order = {AuthProtocol::kChapMd5};
    return c;
  }
  LcpChapOnlyTest() : LcpTest(config()) {}
};

TEST_F(LcpChapOnlyTest, NakTowardsPapIsNotAllowed) {
  lcp_.start();
  ASSERT_TRUE(peer_sends(Code::kConfigureNak, last_request().identifier,
                         {0x03, 0x04, 0xc0, 0x23}).ok());
  EXPECT_EQ(sink_.with_code(Code::kTerminateRequest).size(), 1u);
  EXPECT_EQ(sink_.with_code(Code::kConfigureRequest).size(), 1u);
}

TEST_F(LcpTest, RejectOfAuthenticationEndsTheLink) {
  lcp_.start();
  const SentPacket cr = last_request();
  const auto auth = find_option(options_of(cr), kLcpOptionAuthProtocol);
  std::vector<uint8_t> rej = {kLcpOptionAuthProtocol, static_cast<uint8_t>(2 + auth->data.size())};
  rej.insert(rej.end(), auth->data.begin(), auth->data.end());
  ASSERT_TRUE(peer_sends(Code::kConfigureReject, cr.identifier, rej).ok());
  EXPECT_EQ(sink_.with_code(Code::kTerminateRequest).size(), 1u);
  for (int i = 0; i < 5; ++i) advance_and_poll(std::chrono::seconds(3));
  EXPECT_THAT(listener_.finished, ElementsAre(LcpEnd::kAuthRefused));
}

class LcpNoAuthTest : public LcpTest {
 protected:
  static LcpConfig config() {
    LcpConfig c = test_config();
    c.auth_order.clear();
    return c;
  }
  LcpNoAuthTest() : LcpTest(config()) {}
};

TEST_F(LcpNoAuthTest, RequestsNoAuthenticationAndReportsNone) {
  lcp_.start();
  EXPECT_FALSE(find_option(options_of(last_request()), kLcpOptionAuthProtocol).has_value());
  ack_our_request();
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 2, {}).ok());
  ASSERT_EQ(listener_.ups, 1);
  EXPECT_EQ(listener_.negotiated.auth, AuthProtocol::kNone);
}

TEST_F(LcpTest, AckedOptionsAreReported) {
  open();
  EXPECT_EQ(listener_.negotiated.auth, AuthProtocol::kChapMd5);
  EXPECT_EQ(listener_.negotiated.our_magic, our_magic());
  EXPECT_EQ(listener_.negotiated.peer_magic, 0x0a0b0c0du);
  EXPECT_EQ(listener_.negotiated.our_mru, 1500);
}

TEST_F(LcpTest, NakOfOurMagicPicksANewOne) {
  lcp_.start();
  const uint32_t before = our_magic();
  std::vector<uint8_t> nak = {0x05, 0x06, 0, 0, 0, 0};
  store_be32(nak.data() + 2, before);
  ASSERT_TRUE(peer_sends(Code::kConfigureNak, last_request().identifier, nak).ok());
  EXPECT_NE(our_magic(), before);
  EXPECT_NE(our_magic(), 0u);
}

TEST_F(LcpTest, RejectOfOurMagicStopsAskingForIt) {
  lcp_.start();
  std::vector<uint8_t> rej = {0x05, 0x06, 0, 0, 0, 0};
  store_be32(rej.data() + 2, our_magic());
  ASSERT_TRUE(peer_sends(Code::kConfigureReject, last_request().identifier, rej).ok());
  EXPECT_FALSE(find_option(options_of(last_request()), kLcpOptionMagicNumber).has_value());
}

class LcpSmallMruTest : public LcpTest {
 protected:
  static LcpConfig config() {
    LcpConfig c = test_config();
    c.mru = 1400;
    return c;
  }
  LcpSmallMruTest() : LcpTest(config()) {}
};

TEST_F(LcpSmallMruTest, RequestsConfiguredMru) {
  lcp_.start();
  const auto mru = find_option(options_of(last_request()), kLcpOptionMru);
  ASSERT_TRUE(mru.has_value());
  EXPECT_EQ(load_be16(mru->data.data()), 1400);
}

TEST_F(LcpSmallMruTest, NakToSmallerMruIsTakenButNeverLarger) {
  lcp_.start();
  ASSERT_TRUE(peer_sends(Code::kConfigureNak, last_request().identifier,
                         {0x01, 0x04, 0x05, 0x00}).ok());  // 1280
  EXPECT_EQ(load_be16(find_option(options_of(last_request()), kLcpOptionMru)->data.data()), 1280);
  ASSERT_TRUE(peer_sends(Code::kConfigureNak, last_request().identifier,
                         {0x01, 0x04, 0x10, 0x00}).ok());  // 4096: more than we can take
  EXPECT_EQ(load_be16(find_option(options_of(last_request()), kLcpOptionMru)->data.data()), 1280);
}

TEST_F(LcpSmallMruTest, RejectOfMruFallsBackToDefault) {
  lcp_.start();
  ASSERT_TRUE(peer_sends(Code::kConfigureReject, last_request().identifier,
                         {0x01, 0x04, 0x05, 0x78}).ok());
  EXPECT_FALSE(find_option(options_of(last_request()), kLcpOptionMru).has_value());
}

TEST_F(LcpTest, UnknownCodeIsCodeRejected) {
  open();
  ASSERT_TRUE(peer_sends(static_cast<Code>(0x30), 0x55, {1, 2, 3}).ok());
  ASSERT_EQ(last_sent().code, to_byte(Code::kCodeReject));
  EXPECT_THAT(last_sent().data, ElementsAre(0x30, 0x55, 0x00, 0x07, 1, 2, 3));
}

TEST_F(LcpTest, ProtocolRejectHelperNamesTheProtocolAndFitsPeerMru) {
  open_with_peer_options({0x01, 0x04, 0x02, 0x40});  // peer MRU 576
  std::vector<uint8_t> info(1000, 0x77);
  lcp_.send_protocol_reject(0x80fd, info);
  ASSERT_EQ(last_sent().code, to_byte(Code::kProtocolReject));
  EXPECT_EQ(load_be16(last_sent().data.data()), 0x80fd);
  EXPECT_EQ(last_sent().data.size() + kControlHeaderSize, 576u);
}

TEST_F(LcpTest, ProtocolRejectIsOnlySentWhileOpened) {
  lcp_.start();
  const size_t before = sink_.sent.size();
  lcp_.send_protocol_reject(0x80fd, {});
  EXPECT_EQ(sink_.sent.size(), before);
}

TEST_F(LcpTest, ProtocolRejectOfAnNcpIsPassedUpAndLcpStaysOpen) {
  open();
  ASSERT_TRUE(peer_sends(Code::kProtocolReject, 9, {0x80, 0x57, 0x01, 0x01, 0x00, 0x04}).ok());
  EXPECT_THAT(listener_.rejected_protocols, ElementsAre(0x8057));
  EXPECT_TRUE(lcp_.is_opened());
}

TEST_F(LcpTest, ProtocolRejectOfLcpItselfTearsTheLinkDown) {
  open();
  ASSERT_TRUE(peer_sends(Code::kProtocolReject, 9, {0xc0, 0x21}).ok());
  EXPECT_FALSE(lcp_.is_opened());
  for (int i = 0; i < 5; ++i) advance_and_poll(std::chrono::seconds(3));
  EXPECT_THAT(listener_.finished, ElementsAre(LcpEnd::kRejected));
}

TEST_F(LcpTest, ShortProtocolRejectIsMalformed) {
  open();
  EXPECT_FALSE(peer_sends(Code::kProtocolReject, 9, {0x80}).ok());
  EXPECT_TRUE(lcp_.is_opened());
}

TEST_F(LcpTest, EchoRequestIsAnsweredWithOurMagicAndTheirData) {
  open();
  ASSERT_TRUE(peer_sends(Code::kEchoRequest, 0x21, {0x0a, 0x0b, 0x0c, 0x0d, 'h', 'i'}).ok());
  const SentPacket reply = last_sent();
  ASSERT_EQ(reply.code, to_byte(Code::kEchoReply));
  EXPECT_EQ(reply.identifier, 0x21);
  ASSERT_EQ(reply.data.size(), 6u);
  EXPECT_EQ(load_be32(reply.data.data()), listener_.negotiated.our_magic);
  EXPECT_EQ(reply.data[4], 'h');
}

TEST_F(LcpTest, EchoRequestBeforeOpenedIsNotAnswered) {
  lcp_.start();
  const size_t before = sink_.sent.size();
  ASSERT_TRUE(peer_sends(Code::kEchoRequest, 0x21, {0, 0, 0, 1}).ok());
  EXPECT_EQ(sink_.sent.size(), before);
}

TEST_F(LcpTest, EchoRequestCarryingOurOwnMagicMeansLoopback) {
  open();
  std::vector<uint8_t> echo(4);
  store_be32(echo.data(), listener_.negotiated.our_magic);
  ASSERT_TRUE(peer_sends(Code::kEchoRequest, 0x22, echo).ok());
  EXPECT_THAT(listener_.finished, ElementsAre(LcpEnd::kLoopback));
}

TEST_F(LcpTest, DiscardRequestIsSilentlyDropped) {
  open();
  const size_t before = sink_.sent.size();
  ASSERT_TRUE(peer_sends(Code::kDiscardRequest, 0x23, {0, 0, 0, 1}).ok());
  EXPECT_EQ(sink_.sent.size(), before);
  EXPECT_TRUE(lcp_.is_opened());
}

TEST_F(LcpTest, KeepaliveSendsEchoRequestEachInterval) {
  open();
  advance_and_poll(std::chrono::seconds(9));
  EXPECT_TRUE(sink_.with_code(Code::kEchoRequest).empty());
  advance_and_poll(std::chrono::seconds(1));
  const auto echoes = sink_.with_code(Code::kEchoRequest);
  ASSERT_EQ(echoes.size(), 1u);
  EXPECT_EQ(load_be32(echoes[0].data.data()), listener_.negotiated.our_magic);
}

TEST_F(LcpTest, AKeepaliveSentLateDoesNotDelayTheNextOne) {
  open();
  // Due at 10 s, run at 14 s (a busy control plane): the next is still due
  // at 20 s, not 24 s.
  advance_and_poll(std::chrono::seconds(14));
  ASSERT_EQ(sink_.with_code(Code::kEchoRequest).size(), 1u);
  const SentPacket first = sink_.with_code(Code::kEchoRequest).back();
  ASSERT_TRUE(peer_sends(Code::kEchoReply, first.identifier, {0x0a, 0x0b, 0x0c, 0x0d}).ok());
  advance_and_poll(std::chrono::seconds(5));  // 19 s
  EXPECT_EQ(sink_.with_code(Code::kEchoRequest).size(), 1u);
  advance_and_poll(std::chrono::seconds(1));  // 20 s
  EXPECT_EQ(sink_.with_code(Code::kEchoRequest).size(), 2u);
  // Run more than a whole interval late (due 30 s, run 45 s): the next is an
  // interval after it was sent, not a catch-up burst.
  advance_and_poll(std::chrono::seconds(25));  // 45 s
  EXPECT_EQ(sink_.with_code(Code::kEchoRequest).size(), 3u);
  advance_and_poll(std::chrono::seconds(9));  // 54 s
  EXPECT_EQ(sink_.with_code(Code::kEchoRequest).size(), 3u);
  advance_and_poll(std::chrono::seconds(1));  // 55 s
  EXPECT_EQ(sink_.with_code(Code::kEchoRequest).size(), 4u);
}

TEST_F(LcpTest, PeerIsDeclaredDeadAfterMaxUnansweredEchoes) {
  open();
  for (int i = 0; i < 3; ++i) advance_and_poll(std::chrono::seconds(10));
  EXPECT_EQ(sink_.with_code(Code::kEchoRequest).size(), 3u);
  EXPECT_THAT(listener_.finished, IsEmpty());
  advance_and_poll(std::chrono::seconds(10));
  EXPECT_THAT(listener_.finished, ElementsAre(LcpEnd::kEchoTimeout));
  EXPECT_EQ(listener_.downs, 1);
  EXPECT_FALSE(lcp_.is_opened());
  advance_and_poll(std::chrono::seconds(60));
  EXPECT_EQ(sink_.with_code(Code::kEchoRequest).size(), 3u) << "no keepalive after death";
}

TEST_F(LcpTest, EchoReplyResetsTheMissCount) {
  open();
  for (int round = 0; round < 10; ++round) {
    advance_and_poll(std::chrono::seconds(10));
    advance_and_poll(std::chrono::seconds(10));
    const SentPacket echo = sink_.with_code(Code::kEchoRequest).back();
    ASSERT_TRUE(peer_sends(Code::kEchoReply, echo.identifier, {0x0a, 0x0b, 0x0c, 0x0d}).ok());
    EXPECT_EQ(lcp_.echo_failures(), 0);
  }
  EXPECT_THAT(listener_.finished, IsEmpty());
}

TEST_F(LcpTest, PeerRejectingEchoDisablesKeepaliveInsteadOfKillingTheLink) {
  open();
  advance_and_poll(std::chrono::seconds(10));
  const SentPacket echo = sink_.with_code(Code::kEchoRequest).back();
  std::vector<uint8_t> rejected = encode_control_packet(Code::kEchoRequest, echo.identifier, echo.data);
  ASSERT_TRUE(peer_sends(Code::kCodeReject, 0x40, rejected).ok());
  advance_and_poll(std::chrono::seconds(100));
  EXPECT_THAT(listener_.finished, IsEmpty());
  EXPECT_EQ(sink_.with_code(Code::kEchoRequest).size(), 1u);
}

TEST_F(LcpTest, PeerTerminateIsReportedAfterTheAckHadTimeToLeave) {
  open();
  ASSERT_TRUE(peer_sends(Code::kTerminateRequest, 0x61).ok());
  EXPECT_EQ(last_sent().code, to_byte(Code::kTerminateAck));
  EXPECT_EQ(listener_.downs, 1);
  EXPECT_THAT(listener_.finished, IsEmpty());
  advance_and_poll(std::chrono::seconds(3));
  EXPECT_THAT(listener_.finished, ElementsAre(LcpEnd::kPeerTerminated));
}

TEST_F(LcpTest, SilentPeerEndsWithMaxConfigure) {
  lcp_.start();
  for (int i = 0; i < 10; ++i) advance_and_poll(std::chrono::seconds(3));
  EXPECT_EQ(sink_.with_code(Code::kConfigureRequest).size(), 5u);
  EXPECT_THAT(listener_.finished, ElementsAre(LcpEnd::kMaxConfigure));
}

TEST_F(LcpTest, AdminCloseSendsTerminateAndReportsOnAck) {
  open();
  lcp_.close(LcpEnd::kAdmin);
  const auto trs = sink_.with_code(Code::kTerminateRequest);
  ASSERT_EQ(trs.size(), 1u);
  EXPECT_THAT(listener_.finished, IsEmpty());
  ASSERT_TRUE(peer_sends(Code::kTerminateAck, trs[0].identifier).ok());
  EXPECT_THAT(listener_.finished, ElementsAre(LcpEnd::kAdmin));
}

TEST_F(LcpTest, LowerLayerDownReportsImmediately) {
  open();
  lcp_.lower_down();
  EXPECT_THAT(listener_.finished, ElementsAre(LcpEnd::kLowerLayerDown));
  EXPECT_EQ(listener_.downs, 1);
}

TEST_F(LcpTest, NextDeadlineCoversRetransmissionAndKeepalive) {
  lcp_.start();
  ASSERT_TRUE(lcp_.next_deadline().has_value());
  EXPECT_EQ(*lcp_.next_deadline(), clock_.now() + std::chrono::seconds(3));
  ack_our_request();
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 2, {}).ok());
  ASSERT_TRUE(lcp_.next_deadline().has_value());
  EXPECT_EQ(*lcp_.next_deadline(), clock_.now() + std::chrono::seconds(10));
}

}  // namespace
}  // namespace lns::ppp
