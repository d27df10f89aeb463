// PPP sessions authenticated and addressed by the AAA: the verifier adapter
// on its own, SessionAddresses against a backend that answers late, and
// whole sessions against a scripted subscriber.
#include "controlplane/aaa/ppp_adapter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "controlplane/aaa/local_aaa.h"
#include "controlplane/ppp/ppp_session.h"
#include "tests/unit/controlplane/ppp/fake_ppp_peer.h"

namespace lns::aaa {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ppp::testing::FakePeer;
using ppp::testing::Frame;
using ppp::testing::QueueSink;

constexpr Ipv4 ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return Ipv4{a} << 24 | Ipv4{b} << 16 | Ipv4{c} << 8 | d;
}

LocalAaaConfig config() {
  LocalAaaConfig c;
  Subscriber alice;
  alice.name = "alice";
  alice.password = "s3cr3t";
  Subscriber bob;
  bob.name = "bob";
  bob.password = "hunter2";
  bob.ipv4 = ip(100, 66, 0, 1);
  c.subscribers = {alice, bob};
  c.pools = {{"subscribers", {{ip(100, 64, 0, 1), ip(100, 64, 0, 2)}}}};
  c.default_pool = "subscribers";
  c.primary_dns = ip(192, 0, 2, 53);
  c.secondary_dns = ip(192, 0, 2, 54);
  return c;
}

LocalAaa make_aaa() {
  absl::StatusOr<LocalAaa> aaa = LocalAaa::create(config());
  EXPECT_TRUE(aaa.ok()) << aaa.status();
  return *std::move(aaa);
}

TEST(AaaAuthVerifier, ChecksPasswordsAndLooksUpSecrets) {
  LocalAaa aaa = make_aaa();
  AaaAuthVerifier verifier(aaa);
  std::vector<bool> verdicts;
  verifier.check_password("alice", "s3cr3t", [&](bool ok) { verdicts.push_back(ok); });
  verifier.check_password("alice", "wrong", [&](bool ok) { verdicts.push_back(ok); });
  verifier.check_password("nobody", "s3cr3t", [&](bool ok) { verdicts.push_back(ok); });
  EXPECT_THAT(verdicts, ElementsAre(true, false, false));

  std::vector<std::optional<std::string>> secrets;
  verifier.lookup_secret("bob", [&](std::optional<std::string> s) { secrets.push_back(s); });
  verifier.lookup_secret("nobody", [&](std::optional<std::string> s) { secrets.push_back(s); });
  EXPECT_THAT(secrets, ElementsAre(std::optional<std::string>("hunter2"), std::nullopt));
  EXPECT_EQ(aaa.stats().pap_accepted, 1u);
  EXPECT_EQ(aaa.stats().chap_unknown_users, 1u);
}

// Holds every request until told to answer, as a RADIUS client would.
class LateAaa : public Aaa {
 public:
  Ticket authenticate_pap(std::string_view, std::string_view, AuthDone) override { return 0; }
  Ticket chap_secret(std::string_view, SecretDone) override { return 0; }
  Ticket assign_addresses(SessionId session, std::string_view, AssignDone done) override {
    pending.push_back({++last_ticket, session, std::move(done)});
    return last_ticket;
  }
  void cancel(Ticket ticket) override { cancelled.push_back(ticket); }
  void release(SessionId session) override { released.push_back(session); }
  AaaStats stats() const override { return {}; }

  struct Pending {
    Ticket ticket;
    SessionId session;
    AssignDone done;
  };
  std::vector<Pending> pending;
  std::vector<Ticket> cancelled;
  std::vector<SessionId> released;
  Ticket last_ticket = 0;
};

TEST(SessionAddresses, RequestsOnceAndReleasesOnDestruction) {
  LocalAaa aaa = make_aaa();
  {
    SessionAddresses addresses(aaa, 42);
    EXPECT_FALSE(addresses.assignment().has_value());
    ppp::Ipv4Allocator allocate = addresses.ipv4_allocator();
    EXPECT_EQ(allocate("alice"), ip(100, 64, 0, 1));
    EXPECT_EQ(allocate("alice"), ip(100, 64, 0, 1));  // the same, not a second one
    ASSERT_TRUE(addresses.assignment().has_value());
    EXPECT_EQ(addresses.assignment()->primary_dns, ip(192, 0, 2, 53));
    EXPECT_TRUE(addresses.failure().ok());
    EXPECT_EQ(aaa.stats().pools[0].used, 1u);
  }
  EXPECT_EQ(aaa.stats().pools[0].used, 0u);
  EXPECT_EQ(aaa.stats().releases, 1u);
}

TEST(SessionAddresses, ExplainsWhyThereIsNoAddress) {
  LocalAaa aaa = make_aaa();
  SessionAddresses first(aaa, 1), second(aaa, 2), third(aaa, 3), stranger(aaa, 4);
  ASSERT_TRUE(first.request("alice").ok());
  ASSERT_TRUE(second.request("alice").ok());
  EXPECT_EQ(third.ipv4_allocator()("alice"), std::nullopt);
  EXPECT_EQ(classify_assign_failure(third.failure()), AssignFailure::kPoolExhausted);
  EXPECT_EQ(stranger.ipv4_allocator()("mallory"), std::nullopt);
  EXPECT_EQ(classify_assign_failure(stranger.failure()), AssignFailure::kUnknownUser);
  // Once one is free, asking again succeeds.
  second.release();
  EXPECT_EQ(third.ipv4_allocator()("alice"), ip(100, 64, 0, 2));
  EXPECT_TRUE(third.failure().ok());
}

TEST(SessionAddresses, ABackendThatAnswersLateIsCancelled) {
  LateAaa late;
  {
    SessionAddresses addresses(late, 9);
    EXPECT_EQ(addresses.ipv4_allocator()("alice"), std::nullopt);
    EXPECT_EQ(addresses.failure().code(), absl::StatusCode::kUnavailable);
    ASSERT_EQ(late.pending.size(), 1u);
    EXPECT_THAT(late.cancelled, ElementsAre(late.pending[0].ticket));
  }
  // Whatever the backend may have set aside for the session is given back.
  EXPECT_THAT(late.released, ElementsAre(9u));
}

TEST(SessionAddresses, NothingIsReleasedIfNothingWasAsked) {
  LateAaa late;
  { SessionAddresses addresses(late, 9); }
  EXPECT_THAT(late.released, IsEmpty());
}

class RecordingListener : public ppp::PppSessionListener {
 public:
  void on_authenticated(const std::string& user) override { users.push_back(user); }
  void on_ipv4_up(uint32_t address) override { ipv4.push_back(address); }
  void on_ipv6_up(uint64_t, uint64_t) override {}
  void on_down(ppp::PppDownReason reason) override { downs.push_back(reason); }
  std::vector<std::string> users;
  std::vector<uint32_t> ipv4;
  std::vector<ppp::PppDownReason> downs;
};

// One subscriber's PPP session wired to the AAA as the daemon does it.
class AaaPppSession : public ::testing::Test {
 protected:
  void bring_up(FakePeer::Behaviour behaviour, SessionId id = 1) {
    ppp::PppSessionConfig c;
    c.ipcp.local_address = ip(100, 127, 255, 254);
    c.ipcp.primary_dns = ip(192, 0, 2, 53);
    c.ipcp.secondary_dns = ip(192, 0, 2, 54);
    c.enable_ipv6 = false;
    peer_.emplace(behaviour);
    addresses_.emplace(aaa_, id);
    session_.emplace(c, clock_, sink_, rng_, verifier_, addresses_->ipv4_allocator(), listener_);
    session_->start();
    peer_->begin();
    pump();
  }

  void pump() {
    for (int guard = 0; guard < 1000; ++guard) {
      if (!sink_.frames.empty()) {
        Frame f = sink_.frames.front();
        sink_.frames.pop_front();
        peer_->handle(f);
      } else if (!peer_->outbox.empty()) {
        Frame f = peer_->outbox.front();
        peer_->outbox.pop_front();
        (void)session_->receive(f.protocol, f.packet);
      } else {
        return;
      }
    }
    FAIL() << "the conversation never settled";
  }

  LocalAaa aaa_ = make_aaa();
  AaaAuthVerifier verifier_{aaa_};
  FakeClock clock_;
  QueueSink sink_;
  std::mt19937_64 rng_{7};
  RecordingListener listener_;
  std::optional<FakePeer> peer_;
  std::optional<SessionAddresses> addresses_;
  std::optional<ppp::PppSession> session_;
};

TEST_F(AaaPppSession, ChapSubscriberGetsAPoolAddress) {
  FakePeer::Behaviour b;
  b.user = "alice";
  b.secret = "s3cr3t";
  bring_up(b);
  EXPECT_THAT(listener_.users, ElementsAre("alice"));
  EXPECT_THAT(listener_.ipv4, ElementsAre(ip(100, 64, 0, 1)));
  EXPECT_TRUE(peer_->ipcp_up);
  EXPECT_EQ(peer_->address, ip(100, 64, 0, 1));
  EXPECT_EQ(aaa_.stats().chap_lookups, 1u);
  EXPECT_EQ(aaa_.stats().pools[0].used, 1u);
  // The session ends: the address goes back.
  session_->lower_down();
  session_.reset();
  addresses_.reset();
  EXPECT_EQ(aaa_.stats().pools[0].used, 0u);
}

TEST_F(AaaPppSession, PapSubscriberGetsItsFixedAddress) {
  FakePeer::Behaviour b;
  b.user = "bob";
  b.secret = "hunter2";
  b.insist_on_pap = true;
  bring_up(b);
  EXPECT_THAT(listener_.users, ElementsAre("bob"));
  EXPECT_EQ(peer_->address, ip(100, 66, 0, 1));
  EXPECT_EQ(aaa_.stats().pap_accepted, 1u);
}

TEST_F(AaaPppSession, WrongSecretGetsNoAddress) {
  FakePeer::Behaviour b;
  b.user = "alice";
  b.secret = "guess";
  bring_up(b);
  EXPECT_TRUE(peer_->auth_failed);
  EXPECT_THAT(listener_.downs, ElementsAre(ppp::PppDownReason::kAuthFailed));
  EXPECT_THAT(listener_.ipv4, IsEmpty());
  EXPECT_FALSE(addresses_->assignment().has_value());
  EXPECT_EQ(aaa_.stats().active_sessions, 0u);
}

TEST_F(AaaPppSession, ExhaustedPoolEndsAnIpv4OnlySession) {
  SessionAddresses a(aaa_, 100), b(aaa_, 101);
  ASSERT_TRUE(a.request("alice").ok());
  ASSERT_TRUE(b.request("alice").ok());
  FakePeer::Behaviour behaviour;
  behaviour.user = "alice";
  behaviour.secret = "s3cr3t";
  bring_up(behaviour);
  EXPECT_THAT(listener_.users, ElementsAre("alice"));
  EXPECT_THAT(listener_.ipv4, IsEmpty());
  EXPECT_THAT(listener_.downs, ElementsAre(ppp::PppDownReason::kNoNetworkProtocol));
  EXPECT_EQ(classify_assign_failure(addresses_->failure()), AssignFailure::kPoolExhausted);
}

}  // namespace
}  // namespace lns::aaa
