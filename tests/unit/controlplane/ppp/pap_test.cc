// PAP authenticator (RFC 1334): request parsing, verdicts, retransmissions,
// asynchronous verification and timeouts.
#include "controlplane/ppp/pap.h"

#include <string>
#include <vector>

#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/controlplane/ppp/auth_test_support.h"
#include "tests/unit/controlplane/ppp/fsm_test_support.h"

namespace lns::ppp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using testing::RecordingAuthListener;
using testing::RecordingSink;
using testing::TableVerifier;

std::vector<uint8_t> request_data(const std::string& user, const std::string& password) {
  std::vector<uint8_t> d;
  d.push_back(static_cast<uint8_t>(user.size()));
  d.insert(d.end(), user.begin(), user.end());
  d.push_back(static_cast<uint8_t>(password.size()));
  d.insert(d.end(), password.begin(), password.end());
  return d;
}

std::vector<uint8_t> request(uint8_t id, const std::string& user, const std::string& password) {
  return encode_control_packet(1, id, request_data(user, password));
}

TEST(PapRequestParse, ReadsPeerIdAndPassword) {
  auto r = parse_pap_request(request_data("alice", "s3cr3t"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->peer_id, "alice");
  EXPECT_EQ(r->password, "s3cr3t");
}

TEST(PapRequestParse, EmptyFieldsAreValid) {
  auto r = parse_pap_request(std::vector<uint8_t>{0, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->peer_id, "");
  EXPECT_EQ(r->password, "");
}

TEST(PapRequestParse, PeerIdLengthPastTheEndIsAnError) {
  auto r = parse_pap_request(std::vector<uint8_t>{9, 'a', 'b'});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("Peer-ID length 9"));
}

TEST(PapRequestParse, MissingPasswordLengthIsAnError) {
  auto r = parse_pap_request(std::vector<uint8_t>{1, 'a'});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("Password length"));
}

class PapTest : public ::testing::Test {
 protected:
  PapTest() : pap_(config(), clock_, sink_, verifier_, listener_) {}
  // The authenticator references its config: one that outlives every test.
  static const PapConfig& config() {
    static const PapConfig c = make_config();
    return c;
  }
  static PapConfig make_config() {
    PapConfig c;
    c.timeout = std::chrono::seconds(20);
    c.success_message = "welcome";
    c.failure_message = "go away";
    return c;
  }

  FakeClock clock_;
  RecordingSink sink_;
  TableVerifier verifier_;
  RecordingAuthListener listener_;
  PapAuthenticator pap_;
};

TEST_F(PapTest, CorrectPasswordIsAckedWithMessage) {
  pap_.start();
  ASSERT_TRUE(pap_.receive(request(7, "alice", "s3cr3t")).ok());
  ASSERT_EQ(sink_.sent.size(), 1u);
  EXPECT_EQ(sink_.sent[0].protocol, kProtocolPap);
  EXPECT_EQ(sink_.sent[0].code, 2);
  EXPECT_EQ(sink_.sent[0].identifier, 7);
  EXPECT_THAT(sink_.sent[0].data, ElementsAre(7, 'w', 'e', 'l', 'c', 'o', 'm', 'e'));
  EXPECT_THAT(listener_.results, ElementsAre(Pair(true, "alice")));
  EXPECT_EQ(pap_.state(), PapAuthenticator::State::kSucceeded);
}

TEST_F(PapTest, WrongPasswordIsNakedWithMessage) {
  pap_.start();
  ASSERT_TRUE(pap_.receive(request(8, "alice", "guess")).ok());
  ASSERT_EQ(sink_.sent.size(), 1u);
  EXPECT_EQ(sink_.sent[0].code, 3);
  EXPECT_EQ(sink_.sent[0].identifier, 8);
  EXPECT_THAT(sink_.sent[0].data, ElementsAre(7, 'g', 'o', ' ', 'a', 'w', 'a', 'y'));
  EXPECT_THAT(listener_.results, ElementsAre(Pair(false, "alice")));
}

TEST_F(PapTest, UnknownUserIsNaked) {
  pap_.start();
  ASSERT_TRUE(pap_.receive(request(8, "mallory", "s3cr3t")).ok());
  EXPECT_THAT(listener_.results, ElementsAre(Pair(false, "mallory")));
}

TEST_F(PapTest, RetransmittedRequestAfterAckGetsAckAgainWithoutReverifying) {
  pap_.start();
  ASSERT_TRUE(pap_.receive(request(1, "alice", "s3cr3t")).ok());
  ASSERT_TRUE(pap_.receive(request(2, "alice", "s3cr3t")).ok());
  ASSERT_EQ(sink_.sent.size(), 2u);
  EXPECT_EQ(sink_.sent[1].code, 2);
  EXPECT_EQ(sink_.sent[1].identifier, 2);
  EXPECT_EQ(verifier_.password_checks, 1);
  EXPECT_EQ(listener_.results.size(), 1u);
}

TEST_F(PapTest, AsynchronousVerdictAnswersTheLatestRetransmission) {
  verifier_.deferred = true;
  pap_.start();
  ASSERT_TRUE(pap_.receive(request(1, "bob", "hunter2")).ok());
  ASSERT_TRUE(pap_.receive(request(2, "bob", "hunter2")).ok());
  EXPECT_TRUE(sink_.sent.empty());
  EXPECT_EQ(pap_.state(), PapAuthenticator::State::kVerifying);
  verifier_.release_all();
  ASSERT_EQ(sink_.sent.size(), 1u);
  EXPECT_EQ(sink_.sent[0].identifier, 2);
  EXPECT_THAT(listener_.results, ElementsAre(Pair(true, "bob")));
}

TEST_F(PapTest, VerdictArrivingAfterStopIsIgnored) {
  verifier_.deferred = true;
  pap_.start();
  ASSERT_TRUE(pap_.receive(request(1, "bob", "hunter2")).ok());
  pap_.stop();
  verifier_.release_all();
  EXPECT_TRUE(sink_.sent.empty());
  EXPECT_THAT(listener_.results, IsEmpty());
}

TEST_F(PapTest, VerdictArrivingAfterDestructionIsIgnored) {
  verifier_.deferred = true;
  {
    PapAuthenticator short_lived(config(), clock_, sink_, verifier_, listener_);
    short_lived.start();
    ASSERT_TRUE(short_lived.receive(request(1, "bob", "hunter2")).ok());
  }
  verifier_.release_all();  // must not touch the destroyed authenticator
  EXPECT_THAT(listener_.results, IsEmpty());
}

TEST_F(PapTest, PeerThatNeverAsksFailsAfterTimeout) {
  pap_.start();
  clock_.advance(std::chrono::seconds(19));
  pap_.poll();
  EXPECT_THAT(listener_.results, IsEmpty());
  clock_.advance(std::chrono::seconds(1));
  pap_.poll();
  EXPECT_THAT(listener_.results, ElementsAre(Pair(false, "")));
}

TEST_F(PapTest, VerifierThatNeverAnswersFailsAfterTimeoutWithNak) {
  verifier_.deferred = true;
  pap_.start();
  ASSERT_TRUE(pap_.receive(request(4, "bob", "hunter2")).ok());
  clock_.advance(std::chrono::seconds(20));
  pap_.poll();
  ASSERT_EQ(sink_.sent.size(), 1u);
  EXPECT_EQ(sink_.sent[0].code, 3);
  EXPECT_THAT(listener_.results, ElementsAre(Pair(false, "bob")));
  verifier_.release_all();
  EXPECT_EQ(listener_.results.size(), 1u) << "a late answer does not count";
}

TEST_F(PapTest, RequestOutsideTheAuthenticationPhaseIsIgnored) {
  ASSERT_TRUE(pap_.receive(request(1, "alice", "s3cr3t")).ok());
  EXPECT_TRUE(sink_.sent.empty());
  EXPECT_EQ(verifier_.password_checks, 0);
}

TEST_F(PapTest, MalformedRequestIsAnErrorAndChangesNothing) {
  pap_.start();
  EXPECT_FALSE(pap_.receive(encode_control_packet(1, 1, std::vector<uint8_t>{5, 'a'})).ok());
  EXPECT_FALSE(pap_.receive(std::vector<uint8_t>{1, 1, 0}).ok());
  EXPECT_EQ(pap_.state(), PapAuthenticator::State::kWaitingForRequest);
}

TEST_F(PapTest, AckFromThePeerIsNotSomethingAnAuthenticatorAccepts) {
  pap_.start();
  EXPECT_FALSE(pap_.receive(encode_control_packet(2, 1, std::vector<uint8_t>{0})).ok());
}

TEST_F(PapTest, ProxiedCredentialsAreVerifiedWithoutAnythingOnTheWire) {
  pap_.verify_proxied("alice", "s3cr3t");
  EXPECT_TRUE(sink_.sent.empty());
  EXPECT_THAT(listener_.results, ElementsAre(Pair(true, "alice")));
}

TEST_F(PapTest, ProxiedWrongPasswordFails) {
  pap_.verify_proxied("alice", "nope");
  EXPECT_THAT(listener_.results, ElementsAre(Pair(false, "alice")));
}

}  // namespace
}  // namespace lns::ppp
