// Whole PPP sessions against a scripted subscriber: up through every phase,
// the ways they end, and L2TP proxy LCP/authentication.
#include "controlplane/ppp/ppp_session.h"

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/controlplane/ppp/auth_test_support.h"
#include "tests/unit/controlplane/ppp/fake_ppp_peer.h"

namespace lns::ppp {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::FakePeer;
using testing::Frame;
using testing::QueueSink;
using testing::TableVerifier;

constexpr uint32_t kLocal = 0x0a000001;
constexpr uint32_t kAllocated = 0x0a000042;
constexpr uint32_t kDns1 = 0x08080808;
constexpr uint32_t kDns2 = 0x08080404;

class RecordingSessionListener : public PppSessionListener {
 public:
  void on_link_up(const LcpNegotiated& n) override {
    link = n;
    ++link_ups;
  }
  void on_link_down() override { ++link_downs; }
  void on_authenticated(const std::string& user) override { users.push_back(user); }
  void on_ipv4_up(uint32_t a) override { ipv4.push_back(a); }
  void on_ipv4_down() override { ++ipv4_downs; }
  void on_ipv6_up(uint64_t local, uint64_t peer) override { ipv6.emplace_back(local, peer); }
  void on_ipv6_down() override { ++ipv6_downs; }
  void on_down(PppDownReason r) override { downs.push_back(r); }

  std::optional<LcpNegotiated> link;
  int link_ups = 0;
  int link_downs = 0;
  std::vector<std::string> users;
  std::vector<uint32_t> ipv4;
  std::vector<std::pair<uint64_t, uint64_t>> ipv6;
  int ipv4_downs = 0;
  int ipv6_downs = 0;
  std::vector<PppDownReason> downs;
};

PppSessionConfig default_config() {
  PppSessionConfig c;
  c.lcp.fsm.restart_interval = std::chrono::seconds(3);
  c.lcp.fsm.max_configure = 5;
  c.lcp.echo_interval = std::chrono::seconds(10);
  c.lcp.echo_max_failures = 3;
  c.ipcp.local_address = kLocal;
  c.ipcp.primary_dns = kDns1;
  c.ipcp.secondary_dns = kDns2;
  return c;
}

class SessionTest : public ::testing::Test {
 protected:
  void make(PppSessionConfig config = default_config(),
            FakePeer::Behaviour behaviour = FakePeer::Behaviour{}) {
    peer_.emplace(behaviour);
    session_.reset();  // before its config changes under it
    config_ = std::move(config);
    session_.emplace(config_, clock_, sink_, rng_, verifier_,
                     [this](const std::string& user) -> std::optional<uint32_t> {
                       allocated_for_.push_back(user);
                       return address_available_ ? std::optional<uint32_t>(kAllocated)
                                                 : std::nullopt;
                     },
                     listener_);
  }

  // Delivers packets both ways until neither side has anything to say.
  void pump() {
    for (int guard = 0; guard < 1000; ++guard) {
      if (!sink_.frames.empty()) {
        Frame f = sink_.frames.front();
        sink_.frames.pop_front();
        if (!mute_peer_) peer_->handle(f);
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

  void advance(Duration d) {
    clock_.advance(d);
    session_->poll();
    pump();
  }

  void bring_up() {
    session_->start();
    peer_->begin();
    pump();
  }

  FakeClock clock_;
  QueueSink sink_;
  std::mt19937_64 rng_{1234};
  TableVerifier verifier_;
  RecordingSessionListener listener_;
  std::optional<FakePeer> peer_;
  PppSessionConfig config_;  // the session references it
  std::optional<PppSession> session_;
  std::vector<std::string> allocated_for_;
  bool address_available_ = true;
  bool mute_peer_ = false;
};

TEST_F(SessionTest, ChapSessionComesAllTheWayUp) {
  make();
  bring_up();
  EXPECT_THAT(listener_.users, ElementsAre("alice"));
  EXPECT_THAT(allocated_for_, ElementsAre("alice"));
  EXPECT_THAT(listener_.ipv4, ElementsAre(kAllocated));
  ASSERT_EQ(listener_.ipv6.size(), 1u);
  EXPECT_NE(listener_.ipv6[0].first, 0u);
  EXPECT_EQ(listener_.ipv6[0].second, 0x0211223344556677u);
  EXPECT_EQ(session_->phase(), PppPhase::kNetwork);
  EXPECT_THAT(listener_.downs, IsEmpty());
  // The subscriber's view matches.
  EXPECT_TRUE(peer_->authenticated);
  EXPECT_TRUE(peer_->ipcp_up);
  EXPECT_TRUE(peer_->ipv6cp_up);
  EXPECT_EQ(peer_->address, kAllocated);
  EXPECT_EQ(peer_->dns1, kDns1);
  EXPECT_EQ(peer_->dns2, kDns2);
  EXPECT_EQ(peer_->lns_interface_id, listener_.ipv6[0].first);
  ASSERT_TRUE(listener_.link.has_value());
  EXPECT_EQ(listener_.link->peer_mru, 1492);
  EXPECT_EQ(listener_.link->auth, AuthProtocol::kChapMd5);
}

TEST_F(SessionTest, PapSessionComesUpWhenThePeerInsistsOnPap) {
  FakePeer::Behaviour b;
  b.user = "bob";
  b.secret = "hunter2";
  b.insist_on_pap = true;
  make(default_config(), b);
  bring_up();
  EXPECT_EQ(listener_.link->auth, AuthProtocol::kPap);
  EXPECT_THAT(listener_.users, ElementsAre("bob"));
  EXPECT_THAT(listener_.ipv4, ElementsAre(kAllocated));
  EXPECT_EQ(sink_.count(kProtocolPap, 2), 1u);
}

TEST_F(SessionTest, LostPapAckIsRepeatedAfterTheNetworkPhaseBegan) {
  FakePeer::Behaviour b;
  b.insist_on_pap = true;
  make(default_config(), b);
  bring_up();
  ASSERT_EQ(session_->phase(), PppPhase::kNetwork);
  const std::vector<uint8_t> again = {5, 'a', 'l', 'i', 'c', 'e', 6, 's', '3', 'c', 'r', '3', 't'};
  peer_->send(kProtocolPap, 1, 0x52, again);
  pump();
  EXPECT_EQ(sink_.count(kProtocolPap, 2), 2u);
  EXPECT_EQ(verifier_.password_checks, 1);
  EXPECT_THAT(listener_.users, ElementsAre("alice"));
}

TEST_F(SessionTest, AuthenticationPacketsOfTheWrongProtocolAreIgnored) {
  make();
  bring_up();  // CHAP was negotiated
  const std::vector<uint8_t> pap = {5, 'a', 'l', 'i', 'c', 'e', 6, 's', '3', 'c', 'r', '3', 't'};
  peer_->send(kProtocolPap, 1, 0x52, pap);
  pump();
  EXPECT_EQ(sink_.count(kProtocolPap, 2), 0u);
  EXPECT_EQ(verifier_.password_checks, 0);
}

TEST_F(SessionTest, NcpPacketsBeforeAuthenticationAreIgnored) {
  make();
  session_->start();
  peer_->send(kProtocolIpcp, Code::kConfigureRequest, 1, {3, 6, 0, 0, 0, 0});
  pump();
  EXPECT_EQ(sink_.count(kProtocolIpcp, Code::kConfigureNak), 0u);
  EXPECT_EQ(sink_.count(kProtocolLcp, Code::kProtocolReject), 0u);
}

TEST_F(SessionTest, WrongChapSecretEndsWithAuthFailed) {
  FakePeer::Behaviour b;
  b.secret = "wrong";
  make(default_config(), b);
  bring_up();
  EXPECT_TRUE(peer_->auth_failed);
  EXPECT_EQ(sink_.count(kProtocolLcp, Code::kTerminateRequest), 1u);
  EXPECT_THAT(listener_.downs, ElementsAre(PppDownReason::kAuthFailed))
      << "the peer acked our Terminate-Request";
  EXPECT_THAT(listener_.users, IsEmpty());
  EXPECT_THAT(allocated_for_, IsEmpty());
}

TEST_F(SessionTest, PeerRefusingToAuthenticateEndsWithAuthFailed) {
  FakePeer::Behaviour b;
  b.refuse_auth = true;
  make(default_config(), b);
  bring_up();
  advance(std::chrono::seconds(10));
  EXPECT_THAT(listener_.downs, ElementsAre(PppDownReason::kAuthFailed));
}

TEST_F(SessionTest, PeerTerminationTakesEverythingDown) {
  make();
  bring_up();
  peer_->send(kProtocolLcp, Code::kTerminateRequest, 0x70, {});
  pump();
  EXPECT_EQ(listener_.ipv4_downs, 1);
  EXPECT_EQ(listener_.ipv6_downs, 1);
  EXPECT_THAT(listener_.downs, IsEmpty()) << "waits for the Terminate-Ack to get out";
  advance(std::chrono::seconds(3));
  EXPECT_THAT(listener_.downs, ElementsAre(PppDownReason::kPeerTerminated));
  EXPECT_EQ(session_->phase(), PppPhase::kDead);
  EXPECT_EQ(listener_.link_downs, 1);
}

// The data plane answers Echo-Requests only while LCP is open, with the
// Magic-Number of the last negotiation: the listener hears of each change.
TEST_F(SessionTest, LcpRenegotiationReportsTheLinkDownThenUpAgain) {
  make();
  bring_up();
  ASSERT_EQ(listener_.link_ups, 1);
  EXPECT_EQ(listener_.link_downs, 0);
  peer_->send(kProtocolLcp, Code::kConfigureRequest, 0x71, {});
  pump();
  EXPECT_EQ(listener_.link_downs, 1);
  EXPECT_EQ(listener_.link_ups, 2);
}

TEST_F(SessionTest, SilentPeerIsDeclaredDeadByKeepalive) {
  FakePeer::Behaviour b;
  b.answer_echo = false;
  make(default_config(), b);
  bring_up();
  for (int i = 0; i < 3; ++i) advance(std::chrono::seconds(10));
  EXPECT_EQ(peer_->echo_requests_seen, 3);
  EXPECT_THAT(listener_.downs, IsEmpty());
  advance(std::chrono::seconds(10));
  EXPECT_THAT(listener_.downs, ElementsAre(PppDownReason::kEchoTimeout));
}

TEST_F(SessionTest, AnsweringPeerStaysUpIndefinitely) {
  make();
  bring_up();
  for (int i = 0; i < 50; ++i) advance(std::chrono::seconds(10));
  EXPECT_THAT(listener_.downs, IsEmpty());
  EXPECT_EQ(session_->phase(), PppPhase::kNetwork);
}

TEST_F(SessionTest, AdminCloseTerminatesAndReportsAdmin) {
  make();
  bring_up();
  session_->close();
  pump();
  EXPECT_EQ(peer_->terminate_acks_received, 0);
  EXPECT_EQ(sink_.count(kProtocolLcp, Code::kTerminateRequest), 1u);
  EXPECT_THAT(listener_.downs, ElementsAre(PppDownReason::kAdmin));
}

TEST_F(SessionTest, LowerLayerDownReportsAtOnce) {
  make();
  bring_up();
  session_->lower_down();
  EXPECT_THAT(listener_.downs, ElementsAre(PppDownReason::kLowerLayerDown));
  EXPECT_EQ(listener_.ipv4_downs, 1);
}

TEST_F(SessionTest, DownIsReportedOnlyOnce) {
  make();
  bring_up();
  session_->lower_down();
  session_->close();
  session_->lower_down();
  advance(std::chrono::seconds(60));
  EXPECT_EQ(listener_.downs.size(), 1u);
}

TEST_F(SessionTest, UnresponsivePeerEndsWithMaxConfigure) {
  make();
  mute_peer_ = true;
  session_->start();
  for (int i = 0; i < 10; ++i) advance(std::chrono::seconds(3));
  EXPECT_EQ(sink_.count(kProtocolLcp, Code::kConfigureRequest), 5u);
  EXPECT_THAT(listener_.downs, ElementsAre(PppDownReason::kMaxConfigure));
}

// A sink that feeds every packet straight back into the session: a looped
// circuit.
class LoopSink : public PacketSink {
 public:
  void send(uint16_t protocol, absl::Span<const uint8_t> packet) override {
    queue.push_back({protocol, {packet.begin(), packet.end()}});
  }
  std::deque<Frame> queue;
};

TEST(SessionLoopback, LoopedCircuitIsDetected) {
  FakeClock clock;
  LoopSink sink;
  std::mt19937_64 rng(5);
  TableVerifier verifier;
  RecordingSessionListener listener;
  const PppSessionConfig config = default_config();
  PppSession session(config, clock, sink, rng, verifier, nullptr, listener);
  session.start();
  for (int i = 0; i < 200 && !sink.queue.empty() && listener.downs.empty(); ++i) {
    Frame f = sink.queue.front();
    sink.queue.pop_front();
    (void)session.receive(f.protocol, f.packet);
  }
  EXPECT_THAT(listener.downs, ElementsAre(PppDownReason::kLoopback));
}

TEST_F(SessionTest, NoAddressAndNoIpv6MeansNoNetworkProtocol) {
  PppSessionConfig c = default_config();
  c.enable_ipv6 = false;
  make(c);
  address_available_ = false;
  bring_up();
  EXPECT_THAT(listener_.users, ElementsAre("alice"));
  EXPECT_THAT(listener_.downs, ElementsAre(PppDownReason::kNoNetworkProtocol));
}

TEST_F(SessionTest, NoAddressFallsBackToIpv6Only) {
  make();
  address_available_ = false;
  bring_up();
  EXPECT_THAT(listener_.ipv4, IsEmpty());
  EXPECT_EQ(listener_.ipv6.size(), 1u);
  EXPECT_THAT(peer_->protocol_rejects_received, ElementsAre(kProtocolIpcp))
      << "the subscriber is told IPCP is not on offer";
  EXPECT_THAT(listener_.downs, IsEmpty());
}

TEST_F(SessionTest, PeerRejectingIpv6cpKeepsIpv4Session) {
  FakePeer::Behaviour b;
  b.reject_ipv6cp = true;
  make(default_config(), b);
  bring_up();
  EXPECT_THAT(listener_.ipv4, ElementsAre(kAllocated));
  EXPECT_THAT(listener_.ipv6, IsEmpty());
  EXPECT_THAT(listener_.downs, IsEmpty());
  advance(std::chrono::seconds(30));
  EXPECT_EQ(sink_.count(kProtocolIpv6cp, Code::kConfigureRequest), 1u)
      << "no IPv6CP retransmissions after the Protocol-Reject";
}

TEST_F(SessionTest, PeerRejectingEveryNcpEndsTheSession) {
  PppSessionConfig c = default_config();
  c.enable_ipv4 = false;
  FakePeer::Behaviour b;
  b.reject_ipv6cp = true;
  make(c, b);
  bring_up();
  advance(std::chrono::seconds(5));
  EXPECT_THAT(listener_.downs, ElementsAre(PppDownReason::kNoNetworkProtocol));
}

TEST_F(SessionTest, UnknownProtocolIsProtocolRejectedOnceLcpIsOpen) {
  make();
  bring_up();
  peer_->send(0x80fd, Code::kConfigureRequest, 1, {});  // CCP
  pump();
  EXPECT_THAT(peer_->protocol_rejects_received, ElementsAre(0x80fd));
}

TEST_F(SessionTest, ReceiveFrameAcceptsAddressControlAndCompressedProtocol) {
  make();
  session_->start();
  // FF 03 C0 21 + Configure-Request with no options.
  const std::vector<uint8_t> framed = {0xff, 0x03, 0xc0, 0x21, 0x01, 0x05, 0x00, 0x04};
  ASSERT_TRUE(session_->receive_frame(framed).ok());
  EXPECT_EQ(sink_.count(kProtocolLcp, Code::kConfigureAck), 1u);
  // A one-byte protocol field: 0x21 is IPv4 data, which the session ignores.
  EXPECT_TRUE(session_->receive_frame(std::vector<uint8_t>{0x21, 0x45}).ok());
  EXPECT_FALSE(session_->receive_frame(std::vector<uint8_t>{0xc0}).ok());
  EXPECT_FALSE(session_->receive_frame(std::vector<uint8_t>{0xc0, 0x20, 1, 1, 0, 4}).ok())
      << "protocol field with even low octet";
}

// Proxy LCP: what a LAC that negotiated with the subscriber hands over.
ProxyInfo chap_proxy(const std::string& user, const std::string& secret) {
  ProxyInfo p;
  p.lcp = ProxyLcp{};
  p.lcp->initial_received_confreq = {0x01, 0x04, 0x05, 0xd4, 0x05, 0x06, 0x0a, 0x0b, 0x0c, 0x0d};
  p.lcp->last_received_confreq = p.lcp->initial_received_confreq;
  p.lcp->last_sent_confreq = {0x03, 0x05, 0xc2, 0x23, 0x05, 0x05, 0x06, 0x11, 0x22, 0x33, 0x44};
  p.auth = ProxyAuth{};
  p.auth->type = ProxyAuthType::kChap;
  p.auth->name = user;
  p.auth->id = 0x17;
  p.auth->challenge = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  const auto r = chap_md5_response(p.auth->id, secret, p.auth->challenge);
  p.auth->response.assign(r.begin(), r.end());
  return p;
}

TEST_F(SessionTest, AcceptableProxyLcpAndChapSkipNegotiation) {
  make();
  session_->start(chap_proxy("alice", "s3cr3t"));
  EXPECT_TRUE(session_->used_proxy_lcp());
  EXPECT_EQ(sink_.count(kProtocolLcp, Code::kConfigureRequest), 0u);
  EXPECT_EQ(sink_.count(kProtocolChap, 1), 0u) << "no fresh challenge";
  EXPECT_THAT(listener_.users, ElementsAre("alice"));
  EXPECT_EQ(session_->phase(), PppPhase::kNetwork);
  ASSERT_TRUE(listener_.link.has_value());
  EXPECT_EQ(listener_.link->our_magic, 0x11223344u) << "the LAC's magic is ours now";
  EXPECT_EQ(listener_.link->peer_magic, 0x0a0b0c0du);
  EXPECT_EQ(listener_.link->peer_mru, 1492);
  EXPECT_EQ(sink_.count(kProtocolIpcp, Code::kConfigureRequest), 1u);
}

TEST_F(SessionTest, ProxiedSessionCompletesNetworkPhaseWithPeer) {
  make();
  session_->start(chap_proxy("alice", "s3cr3t"));
  // The subscriber believes LCP and CHAP are done and starts its NCPs.
  peer_->send(kProtocolIpcp, Code::kConfigureRequest, 0x90, {3, 6, 0, 0, 0, 0});
  pump();
  EXPECT_EQ(peer_->address, kAllocated);
  EXPECT_THAT(listener_.ipv4, ElementsAre(kAllocated));
}

TEST_F(SessionTest, ProxyChapWithWrongResponseFailsWithoutRenegotiating) {
  make();
  session_->start(chap_proxy("alice", "not-the-secret"));
  pump();
  EXPECT_TRUE(session_->used_proxy_lcp());
  EXPECT_EQ(sink_.count(kProtocolLcp, Code::kTerminateRequest), 1u);
  EXPECT_THAT(listener_.users, IsEmpty());
  EXPECT_THAT(listener_.downs, ElementsAre(PppDownReason::kAuthFailed));
}

TEST_F(SessionTest, AcceptableProxyLcpAndPap) {
  make();
  ProxyInfo p = chap_proxy("bob", "hunter2");
  p.lcp->last_sent_confreq = {0x03, 0x04, 0xc0, 0x23, 0x05, 0x06, 0x11, 0x22, 0x33, 0x44};
  p.auth->type = ProxyAuthType::kPap;
  p.auth->challenge.clear();
  p.auth->response = {'h', 'u', 'n', 't', 'e', 'r', '2'};
  session_->start(p);
  EXPECT_TRUE(session_->used_proxy_lcp());
  EXPECT_THAT(listener_.users, ElementsAre("bob"));
  EXPECT_EQ(sink_.count(kProtocolPap, 2), 0u) << "nothing on the wire for proxied PAP";
}

TEST_F(SessionTest, ProxyAuthTypeNotMatchingLcpIsRefusedAndRenegotiated) {
  make();
  ProxyInfo p = chap_proxy("alice", "s3cr3t");
  p.auth->type = ProxyAuthType::kPap;  // LCP says CHAP
  session_->start(p);
  EXPECT_FALSE(session_->used_proxy_lcp());
  EXPECT_FALSE(session_->proxy_refusal().ok());
  EXPECT_EQ(sink_.count(kProtocolLcp, Code::kConfigureRequest), 1u);
  // The renegotiation then succeeds normally.
  peer_->begin();
  pump();
  EXPECT_THAT(listener_.users, ElementsAre("alice"));
  EXPECT_EQ(sink_.count(kProtocolChap, 1), 1u);
}

TEST_F(SessionTest, ProxyWithUnacceptablePeerOptionsIsRenegotiated) {
  make();
  ProxyInfo p = chap_proxy("alice", "s3cr3t");
  p.lcp->last_received_confreq = {0x01, 0x04, 0x00, 0x64};  // MRU 100: below our minimum
  session_->start(p);
  EXPECT_FALSE(session_->used_proxy_lcp());
  EXPECT_EQ(sink_.count(kProtocolLcp, Code::kConfigureRequest), 1u);
  EXPECT_THAT(listener_.users, IsEmpty());
}

TEST_F(SessionTest, ProxyWithoutAuthenticationIsRefusedWhenWeRequireIt) {
  make();
  ProxyInfo p = chap_proxy("alice", "s3cr3t");
  p.lcp->last_sent_confreq = {0x05, 0x06, 0x11, 0x22, 0x33, 0x44};
  p.auth->type = ProxyAuthType::kNone;
  session_->start(p);
  EXPECT_FALSE(session_->used_proxy_lcp());
  EXPECT_EQ(sink_.count(kProtocolLcp, Code::kConfigureRequest), 1u);
}

TEST_F(SessionTest, MalformedProxyLcpIsRefused) {
  make();
  ProxyInfo p = chap_proxy("alice", "s3cr3t");
  p.lcp->last_received_confreq = {0x01, 0x09, 0x05};
  session_->start(p);
  EXPECT_FALSE(session_->used_proxy_lcp());
  EXPECT_EQ(sink_.count(kProtocolLcp, Code::kConfigureRequest), 1u);
}

TEST_F(SessionTest, ForcedRenegotiationIgnoresAcceptableProxy) {
  PppSessionConfig c = default_config();
  c.force_lcp_renegotiation = true;
  make(c);
  session_->start(chap_proxy("alice", "s3cr3t"));
  EXPECT_FALSE(session_->used_proxy_lcp());
  EXPECT_EQ(sink_.count(kProtocolLcp, Code::kConfigureRequest), 1u);
  peer_->begin();
  pump();
  EXPECT_EQ(sink_.count(kProtocolChap, 1), 1u) << "authenticated afresh";
  EXPECT_THAT(listener_.users, ElementsAre("alice"));
}

TEST_F(SessionTest, NextDeadlineIsTheEarliestTimer) {
  make();
  EXPECT_FALSE(session_->next_deadline().has_value());
  session_->start();
  ASSERT_TRUE(session_->next_deadline().has_value());
  EXPECT_EQ(*session_->next_deadline(), clock_.now() + std::chrono::seconds(3));
}

}  // namespace
}  // namespace lns::ppp
