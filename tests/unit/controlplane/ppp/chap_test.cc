// CHAP-MD5 authenticator (RFC 1994): the response function against known
// digests, then challenges, verdicts, retransmission and stale identifiers.
#include "controlplane/ppp/chap.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/controlplane/ppp/auth_test_support.h"
#include "tests/unit/controlplane/ppp/fsm_test_support.h"

namespace lns::ppp {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::Pair;
using testing::RecordingAuthListener;
using testing::RecordingSink;
using testing::SentPacket;
using testing::TableVerifier;

std::string hex(absl::Span<const uint8_t> bytes) {
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::vector<uint8_t> from_hex(absl::string_view h) {
  const std::string raw = absl::HexStringToBytes(h);
  return {raw.begin(), raw.end()};
}

// Expected digests computed independently: MD5 over id || secret || challenge.
TEST(ChapMd5Response, MatchesKnownDigests) {
  std::vector<uint8_t> counting(16);
  for (int i = 0; i < 16; ++i) counting[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(hex(chap_md5_response(0x2a, "s3cr3t", counting)), "c26509fed6bab294085336fe900671f5");
  EXPECT_EQ(hex(chap_md5_response(0x01, "password",
                                  from_hex("0123456789abcdeffedcba9876543210"))),
            "7c2467060a7e072d4394158088b4f263");
}

TEST(ChapMd5Response, MatchRequiresExactDigestLengthAndValue) {
  const std::vector<uint8_t> challenge = from_hex("0123456789abcdeffedcba9876543210");
  auto good = chap_md5_response(1, "password", challenge);
  EXPECT_TRUE(chap_md5_response_matches(1, "password", challenge, good));
  EXPECT_FALSE(chap_md5_response_matches(2, "password", challenge, good)) << "identifier is hashed";
  EXPECT_FALSE(chap_md5_response_matches(1, "Password", challenge, good));
  EXPECT_FALSE(chap_md5_response_matches(1, "password", challenge,
                                         absl::MakeConstSpan(good).first(15)));
}

TEST(ChapParse, ValueAndName) {
  auto p = parse_chap_value_and_name(std::vector<uint8_t>{2, 0xaa, 0xbb, 'l', 'n', 's'});
  ASSERT_TRUE(p.ok());
  EXPECT_THAT(p->value, ElementsAre(0xaa, 0xbb));
  EXPECT_EQ(p->name, "lns");
}

TEST(ChapParse, ValueSizePastTheEndIsAnError) {
  EXPECT_FALSE(parse_chap_value_and_name(std::vector<uint8_t>{3, 0xaa}).ok());
  EXPECT_FALSE(parse_chap_value_and_name(std::vector<uint8_t>{}).ok());
}

class ChapTest : public ::testing::Test {
 protected:
  ChapTest() : rng_(7), chap_(config(), clock_, sink_, rng_, verifier_, listener_) {}
  // The authenticator references its config: one that outlives every test.
  static const ChapConfig& config() {
    static const ChapConfig c = make_config();
    return c;
  }
  static ChapConfig make_config() {
    ChapConfig c;
    c.name = "lns-test";
    c.retransmit_interval = std::chrono::seconds(3);
    c.max_challenges = 3;
    c.success_message = "ok";
    c.failure_message = "no";
    return c;
  }

  ChapValueAndName sent_challenge(const SentPacket& p) {
    auto c = parse_chap_value_and_name(p.data);
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : ChapValueAndName{};
  }

  // What a peer knowing `secret` would answer to our latest challenge.
  std::vector<uint8_t> response_packet(const std::string& user, const std::string& secret,
                                       std::optional<uint8_t> id_override = std::nullopt) {
    const SentPacket challenge = sink_.sent.back();
    const auto value = sent_challenge(challenge).value;
    const uint8_t id = id_override.value_or(challenge.identifier);
    const auto digest = chap_md5_response(id, secret, value);
    std::vector<uint8_t> data = {16};
    data.insert(data.end(), digest.begin(), digest.end());
    data.insert(data.end(), user.begin(), user.end());
    return encode_control_packet(2, id, data);
  }

  FakeClock clock_;
  RecordingSink sink_;
  std::mt19937 rng_;
  TableVerifier verifier_;
  RecordingAuthListener listener_;
  ChapAuthenticator chap_;
};

TEST_F(ChapTest, ChallengeCarriesRandomValueAndOurName) {
  chap_.start();
  ASSERT_EQ(sink_.sent.size(), 1u);
  EXPECT_EQ(sink_.sent[0].protocol, kProtocolChap);
  EXPECT_EQ(sink_.sent[0].code, 1);
  const auto c = sent_challenge(sink_.sent[0]);
  EXPECT_EQ(c.value.size(), 16u);
  EXPECT_EQ(c.name, "lns-test");
  EXPECT_EQ(c.value, chap_.challenge());
}

TEST_F(ChapTest, EachStartUsesNewIdentifierAndChallenge) {
  chap_.start();
  chap_.start();
  ASSERT_EQ(sink_.sent.size(), 2u);
  EXPECT_NE(sink_.sent[0].identifier, sink_.sent[1].identifier);
  EXPECT_NE(sent_challenge(sink_.sent[0]).value, sent_challenge(sink_.sent[1]).value);
}

TEST_F(ChapTest, CorrectResponseSucceeds) {
  chap_.start();
  const uint8_t id = sink_.sent.back().identifier;
  ASSERT_TRUE(chap_.receive(response_packet("alice", "s3cr3t")).ok());
  ASSERT_EQ(sink_.sent.size(), 2u);
  EXPECT_EQ(sink_.sent[1].code, 3);
  EXPECT_EQ(sink_.sent[1].identifier, id);
  EXPECT_THAT(sink_.sent[1].data, ElementsAre('o', 'k'));
  EXPECT_THAT(listener_.results, ElementsAre(Pair(true, "alice")));
}

TEST_F(ChapTest, WrongSecretFails) {
  chap_.start();
  ASSERT_TRUE(chap_.receive(response_packet("alice", "wrong")).ok());
  ASSERT_EQ(sink_.sent.size(), 2u);
  EXPECT_EQ(sink_.sent[1].code, 4);
  EXPECT_THAT(sink_.sent[1].data, ElementsAre('n', 'o'));
  EXPECT_THAT(listener_.results, ElementsAre(Pair(false, "alice")));
}

TEST_F(ChapTest, UnknownUserFails) {
  chap_.start();
  ASSERT_TRUE(chap_.receive(response_packet("mallory", "s3cr3t")).ok());
  EXPECT_THAT(listener_.results, ElementsAre(Pair(false, "mallory")));
}

TEST_F(ChapTest, ResponseWithWrongValueSizeFails) {
  chap_.start();
  const uint8_t id = sink_.sent.back().identifier;
  std::vector<uint8_t> data = {4, 1, 2, 3, 4, 'a', 'l', 'i', 'c', 'e'};
  ASSERT_TRUE(chap_.receive(encode_control_packet(2, id, data)).ok());
  EXPECT_THAT(listener_.results, ElementsAre(Pair(false, "alice")));
}

TEST_F(ChapTest, StaleIdentifierIsIgnored) {
  chap_.start();
  const uint8_t id = sink_.sent.back().identifier;
  ASSERT_TRUE(chap_.receive(response_packet("alice", "s3cr3t", static_cast<uint8_t>(id - 1))).ok());
  EXPECT_EQ(sink_.sent.size(), 1u);
  EXPECT_THAT(listener_.results, IsEmpty());
  EXPECT_EQ(verifier_.secret_lookups, 0);
}

TEST_F(ChapTest, ChallengeIsRetransmittedUnchangedUntilMaxThenFails) {
  chap_.start();
  clock_.advance(std::chrono::seconds(3));
  chap_.poll();
  clock_.advance(std::chrono::seconds(3));
  chap_.poll();
  ASSERT_EQ(sink_.sent.size(), 3u);
  EXPECT_EQ(sink_.sent[1].identifier, sink_.sent[0].identifier);
  EXPECT_EQ(sink_.sent[2].data, sink_.sent[0].data);
  EXPECT_THAT(listener_.results, IsEmpty());
  clock_.advance(std::chrono::seconds(3));
  chap_.poll();
  EXPECT_EQ(sink_.sent.size(), 3u);
  EXPECT_THAT(listener_.results, ElementsAre(Pair(false, "")));
}

TEST_F(ChapTest, ResponseToRetransmittedChallengeSucceeds) {
  chap_.start();
  clock_.advance(std::chrono::seconds(3));
  chap_.poll();
  ASSERT_TRUE(chap_.receive(response_packet("alice", "s3cr3t")).ok());
  EXPECT_THAT(listener_.results, ElementsAre(Pair(true, "alice")));
  clock_.advance(std::chrono::seconds(30));
  chap_.poll();
  EXPECT_EQ(listener_.results.size(), 1u) << "no retransmission after the response";
}

TEST_F(ChapTest, RepeatedResponseAfterSuccessRepeatsSuccess) {
  chap_.start();
  const auto response = response_packet("alice", "s3cr3t");
  ASSERT_TRUE(chap_.receive(response).ok());
  ASSERT_TRUE(chap_.receive(response).ok());
  ASSERT_EQ(sink_.sent.size(), 3u);
  EXPECT_EQ(sink_.sent[2].code, 3);
  EXPECT_EQ(verifier_.secret_lookups, 1);
  EXPECT_EQ(listener_.results.size(), 1u);
}

TEST_F(ChapTest, AsynchronousLookupCompletesLater) {
  verifier_.deferred = true;
  chap_.start();
  const auto response = response_packet("bob", "hunter2");
  ASSERT_TRUE(chap_.receive(response).ok());
  ASSERT_TRUE(chap_.receive(response).ok());  // retransmission while pending
  EXPECT_EQ(verifier_.secret_lookups, 1);
  EXPECT_EQ(sink_.sent.size(), 1u);
  verifier_.release_all();
  ASSERT_EQ(sink_.sent.size(), 2u);
  EXPECT_EQ(sink_.sent[1].code, 3);
  EXPECT_THAT(listener_.results, ElementsAre(Pair(true, "bob")));
}

TEST_F(ChapTest, LookupAnsweredAfterStopIsIgnored) {
  verifier_.deferred = true;
  chap_.start();
  ASSERT_TRUE(chap_.receive(response_packet("bob", "hunter2")).ok());
  chap_.stop();
  verifier_.release_all();
  EXPECT_THAT(listener_.results, IsEmpty());
  EXPECT_EQ(sink_.sent.size(), 1u);
}

TEST_F(ChapTest, MalformedResponseIsAnError) {
  chap_.start();
  const uint8_t id = sink_.sent.back().identifier;
  EXPECT_FALSE(chap_.receive(encode_control_packet(2, id, std::vector<uint8_t>{30, 1})).ok());
  EXPECT_FALSE(chap_.receive(encode_control_packet(1, id, std::vector<uint8_t>{1, 1})).ok())
      << "a Challenge is not for the authenticator";
  EXPECT_EQ(chap_.state(), ChapAuthenticator::State::kChallengeSent);
}

TEST_F(ChapTest, ProxiedExchangeIsVerifiedWithTheLacsChallenge) {
  const std::vector<uint8_t> challenge = from_hex("0123456789abcdeffedcba9876543210");
  const auto response = chap_md5_response(0x01, "s3cr3t", challenge);
  chap_.verify_proxied("alice", 0x01, challenge, {response.begin(), response.end()});
  EXPECT_TRUE(sink_.sent.empty());
  EXPECT_THAT(listener_.results, ElementsAre(Pair(true, "alice")));
}

TEST_F(ChapTest, ProxiedExchangeWithWrongResponseFails) {
  const std::vector<uint8_t> challenge = from_hex("0123456789abcdeffedcba9876543210");
  const auto response = chap_md5_response(0x02, "s3cr3t", challenge);  // wrong id hashed
  chap_.verify_proxied("alice", 0x01, challenge, {response.begin(), response.end()});
  EXPECT_THAT(listener_.results, ElementsAre(Pair(false, "alice")));
}

}  // namespace
}  // namespace lns::ppp
