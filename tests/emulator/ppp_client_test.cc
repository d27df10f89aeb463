// The emulator's client-side PPP (LCP, PAP/CHAP, IPCP, IPv6CP) against the
// LNS's own server-side PppSession, in memory on a FakeClock: the two must
// agree, come up, and end the way the other side expects.
#include "tests/emulator/ppp_client.h"

#include <deque>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "controlplane/ppp/chap.h"
#include "controlplane/ppp/ppp_session.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lns::emu {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr uint32_t kLnsAddress = 0x0A000001;
constexpr uint32_t kAllocated = 0x64400007;
constexpr uint32_t kDns1 = 0x08080808;
constexpr uint32_t kDns2 = 0x01010101;

struct Packet {
  uint16_t protocol;
  std::vector<uint8_t> bytes;
};

class QueueSink final : public ppp::PacketSink {
 public:
  void send(uint16_t protocol, absl::Span<const uint8_t> packet) override {
    ++sent[protocol];
    if (drop_protocol == protocol && drops_left > 0) {
      --drops_left;
      return;
    }
    queue.push_back(Packet{protocol, std::vector<uint8_t>(packet.begin(), packet.end())});
  }
  std::deque<Packet> queue;
  std::map<uint16_t, int> sent;
  // Loses the next `drops_left` packets of this protocol.
  std::optional<uint16_t> drop_protocol;
  int drops_left = 0;
};

class TableVerifier final : public ppp::AuthVerifier {
 public:
  void check_password(std::string_view user, std::string_view password, std::function<void(bool)> done) override {
    auto it = users.find(std::string(user));
    done(it != users.end() && it->second == password);
  }
  void lookup_secret(std::string_view user, std::function<void(std::optional<std::string>)> done) override {
    ++secret_lookups;
    auto it = users.find(std::string(user));
    done(it == users.end() ? std::nullopt : std::optional<std::string>(it->second));
  }
  std::map<std::string, std::string> users{{"alice", "wonderland"}};
  int secret_lookups = 0;
};

class ServerListener final : public ppp::PppSessionListener {
 public:
  void on_link_up(const ppp::LcpNegotiated& n) override { auth = n.auth; }
  void on_authenticated(const std::string& user) override { users.push_back(user); }
  void on_ipv4_up(uint32_t a) override { ipv4.push_back(a); }
  void on_ipv6_up(uint64_t local, uint64_t peer) override { ipv6.emplace_back(local, peer); }
  void on_down(ppp::PppDownReason r) override { downs.push_back(r); }

  std::optional<ppp::AuthProtocol> auth;
  std::vector<std::string> users;
  std::vector<uint32_t> ipv4;
  std::vector<std::pair<uint64_t, uint64_t>> ipv6;
  std::vector<ppp::PppDownReason> downs;
};

class ClientListener final : public PppClientListener {
 public:
  void on_ppp_up() override { ++ups; }
  void on_ppp_down(PppClientEnd reason) override { downs.push_back(reason); }
  void on_auth_result(AuthOutcome outcome, const std::string&) override { auth.push_back(outcome); }
  int ups = 0;
  std::vector<PppClientEnd> downs;
  std::vector<AuthOutcome> auth;
};

ppp::PppSessionConfig server_config() {
  ppp::PppSessionConfig c;
  c.lcp.auth_order = {ppp::AuthProtocol::kChapMd5, ppp::AuthProtocol::kPap};
  c.lcp.echo_interval = std::chrono::seconds(10);
  c.lcp.echo_max_failures = 3;
  c.ipcp.local_address = kLnsAddress;
  c.ipcp.primary_dns = kDns1;
  c.ipcp.secondary_dns = kDns2;
  c.enable_ipv6 = false;
  return c;
}

PppClientConfig client_config(ppp::AuthProtocol auth) {
  PppClientConfig c;
  c.lcp.auth = auth;
  return c;
}

class PppClientTest : public ::testing::Test {
 protected:
  void make(const ppp::PppSessionConfig& server, const PppClientConfig& client, std::string password = "wonderland") {
    server_.reset();  // before its config changes under it
    server_config_ = server;
    server_.emplace(server_config_, clock_, to_client_, rng_, verifier_,
                    [](const std::string&) -> std::optional<uint32_t> { return kAllocated; }, server_listener_);
    client_.emplace(client, Credentials{"alice", std::move(password)}, clock_, to_server_, rng_, client_listener_);
  }

  // The L2TP call is up: the LNS starts PPP, the client waits for it.
  void connect() {
    server_->start();
    client_->start();
  }

  // Delivers packets both ways, advancing time to the next timer whenever
  // the wire is quiet, for `d` of simulated time.
  void run_for(Duration d) {
    const TimePoint end = clock_.now() + d;
    for (int guard = 0; guard < 100000; ++guard) {
      if (!to_client_.queue.empty()) {
        Packet p = std::move(to_client_.queue.front());
        to_client_.queue.pop_front();
        (void)client_->receive(p.protocol, p.bytes);
        continue;
      }
      if (!to_server_.queue.empty()) {
        Packet p = std::move(to_server_.queue.front());
        to_server_.queue.pop_front();
        (void)server_->receive(p.protocol, p.bytes);
        continue;
      }
      std::optional<TimePoint> next = server_->next_deadline();
      const std::optional<TimePoint> c = client_->next_deadline();
      if (c && (!next || *c < *next)) next = c;
      if (!next || *next > end) break;
      clock_.set(std::max(*next, clock_.now()));
      server_->poll();
      client_->poll();
    }
    clock_.set(std::max(end, clock_.now()));
  }

  FakeClock clock_;
  std::mt19937_64 rng_{42};
  QueueSink to_client_;
  QueueSink to_server_;
  TableVerifier verifier_;
  ServerListener server_listener_;
  ClientListener client_listener_;
  ppp::PppSessionConfig server_config_;  // server_ references it
  std::optional<ppp::PppSession> server_;
  std::optional<PppClient> client_;
};

TEST_F(PppClientTest, PapSubscriberGetsTheAllocatedAddressAndDnsServers) {
  make(server_config(), client_config(ppp::AuthProtocol::kPap));
  connect();
  run_for(std::chrono::seconds(1));

  EXPECT_EQ(client_listener_.ups, 1);
  EXPECT_TRUE(client_->is_up());
  EXPECT_EQ(client_->ipv4_address(), kAllocated);
  EXPECT_EQ(client_->primary_dns(), kDns1);
  EXPECT_EQ(client_->secondary_dns(), kDns2);
  EXPECT_EQ(client_->ipcp().peer_address(), kLnsAddress);
  // The LNS preferred CHAP; the client steered it to PAP.
  EXPECT_EQ(server_listener_.auth, ppp::AuthProtocol::kPap);
  EXPECT_THAT(server_listener_.users, ElementsAre("alice"));
  EXPECT_THAT(server_listener_.ipv4, ElementsAre(kAllocated));
  EXPECT_THAT(client_listener_.auth, ElementsAre(AuthOutcome::kAccepted));
  EXPECT_THAT(server_listener_.downs, IsEmpty());
}

TEST_F(PppClientTest, ChapSubscriberAnswersTheChallengeWithItsSecret) {
  make(server_config(), client_config(ppp::AuthProtocol::kChapMd5));
  connect();
  run_for(std::chrono::seconds(1));

  EXPECT_TRUE(client_->is_up());
  EXPECT_EQ(server_listener_.auth, ppp::AuthProtocol::kChapMd5);
  EXPECT_EQ(verifier_.secret_lookups, 1);
  EXPECT_THAT(server_listener_.users, ElementsAre("alice"));
  EXPECT_EQ(client_->ipv4_address(), kAllocated);
}

TEST_F(PppClientTest, WrongPapPasswordIsReportedAsAuthRejected) {
  make(server_config(), client_config(ppp::AuthProtocol::kPap), "guess");
  connect();
  run_for(std::chrono::seconds(10));

  EXPECT_EQ(client_listener_.ups, 0);
  EXPECT_THAT(client_listener_.auth, ElementsAre(AuthOutcome::kRejected));
  ASSERT_FALSE(client_listener_.downs.empty());
  EXPECT_EQ(client_listener_.downs.front(), PppClientEnd::kAuthRejected);
  EXPECT_THAT(server_listener_.downs, ElementsAre(ppp::PppDownReason::kAuthFailed));
}

TEST_F(PppClientTest, WrongChapSecretIsReportedAsAuthRejected) {
  make(server_config(), client_config(ppp::AuthProtocol::kChapMd5), "guess");
  connect();
  run_for(std::chrono::seconds(10));

  EXPECT_EQ(client_listener_.ups, 0);
  EXPECT_THAT(client_listener_.downs, ElementsAre(PppClientEnd::kAuthRejected));
  EXPECT_THAT(server_listener_.downs, ElementsAre(ppp::PppDownReason::kAuthFailed));
}

TEST_F(PppClientTest, ChapOnlyClientAgainstPapOnlyLnsNeverAuthenticates) {
  ppp::PppSessionConfig server = server_config();
  server.lcp.auth_order = {ppp::AuthProtocol::kPap};
  make(server, client_config(ppp::AuthProtocol::kChapMd5));
  connect();
  run_for(std::chrono::seconds(60));

  EXPECT_EQ(client_listener_.ups, 0);
  EXPECT_THAT(server_listener_.downs, ElementsAre(ppp::PppDownReason::kAuthFailed));
  EXPECT_EQ(client_listener_.downs.size(), 1u);
  EXPECT_THAT(server_listener_.users, IsEmpty());
}

TEST_F(PppClientTest, AnsweredEchoesKeepTheSessionUp) {
  ppp::PppSessionConfig server = server_config();
  server.lcp.echo_interval = std::chrono::seconds(1);
  make(server, client_config(ppp::AuthProtocol::kPap));
  connect();
  run_for(std::chrono::seconds(30));

  EXPECT_TRUE(client_->is_up());
  EXPECT_THAT(server_listener_.downs, IsEmpty());
  EXPECT_GE(client_->lcp().echo_requests_received(), 25u);
  EXPECT_EQ(client_->lcp().echo_replies_sent(), client_->lcp().echo_requests_received());
  EXPECT_EQ(server_->lcp().echo_failures(), 0);
}

TEST_F(PppClientTest, TheClientsOwnKeepaliveIsAnsweredByTheLns) {
  PppClientConfig client = client_config(ppp::AuthProtocol::kPap);
  client.lcp.echo_interval = std::chrono::seconds(2);
  make(server_config(), client);
  connect();
  run_for(std::chrono::seconds(21));

  EXPECT_TRUE(client_->is_up());
  // Every 2 s from LCP up (within the first second): 10 in 21 s, each answered.
  EXPECT_EQ(client_->lcp().echo_requests_sent(), 10u);
  EXPECT_EQ(client_->lcp().echo_replies_received(), 10u);
}

TEST_F(PppClientTest, UnansweredEchoesMakeTheLnsEndTheSession) {
  ppp::PppSessionConfig server = server_config();
  server.lcp.echo_interval = std::chrono::seconds(1);
  make(server, client_config(ppp::AuthProtocol::kPap));
  connect();
  run_for(std::chrono::seconds(2));
  ASSERT_TRUE(client_->is_up());

  client_->set_answer_echo(false);
  const uint64_t replies = client_->lcp().echo_replies_sent();
  run_for(std::chrono::seconds(10));

  EXPECT_THAT(server_listener_.downs, ElementsAre(ppp::PppDownReason::kEchoTimeout));
  EXPECT_EQ(client_->lcp().echo_replies_sent(), replies);
  EXPECT_GT(client_->lcp().echo_requests_received(), replies);
}

TEST_F(PppClientTest, ClientRejectsIpv6cpWhenNotAskedToRunIt) {
  ppp::PppSessionConfig server = server_config();
  server.enable_ipv6 = true;
  make(server, client_config(ppp::AuthProtocol::kPap));
  connect();
  run_for(std::chrono::seconds(60));

  EXPECT_TRUE(client_->is_up());
  EXPECT_THAT(server_listener_.ipv4, ElementsAre(kAllocated));
  EXPECT_THAT(server_listener_.ipv6, IsEmpty());
  EXPECT_THAT(server_listener_.downs, IsEmpty());
  EXPECT_FALSE(server_->ipv6cp().is_opened());
}

TEST_F(PppClientTest, Ipv6cpComesUpWithDistinctInterfaceIdentifiers) {
  ppp::PppSessionConfig server = server_config();
  server.enable_ipv6 = true;
  PppClientConfig client = client_config(ppp::AuthProtocol::kPap);
  client.ipv6 = true;
  make(server, client);
  connect();
  run_for(std::chrono::seconds(1));

  EXPECT_TRUE(client_->is_up());
  EXPECT_TRUE(client_->ipv6_up());
  ASSERT_EQ(server_listener_.ipv6.size(), 1u);
  const auto [lns_id, subscriber_id] = server_listener_.ipv6.front();
  EXPECT_EQ(subscriber_id, client_->ipv6cp().local_interface_id());
  EXPECT_EQ(lns_id, client_->ipv6cp().peer_interface_id());
  EXPECT_NE(lns_id, subscriber_id);
}

TEST_F(PppClientTest, IpcpComesUpWithoutDnsWhenTheLnsHasNone) {
  ppp::PppSessionConfig server = server_config();
  server.ipcp.primary_dns = 0;
  server.ipcp.secondary_dns = 0;
  make(server, client_config(ppp::AuthProtocol::kPap));
  connect();
  run_for(std::chrono::seconds(1));

  EXPECT_TRUE(client_->is_up());
  EXPECT_EQ(client_->ipv4_address(), kAllocated);
  EXPECT_EQ(client_->primary_dns(), 0u);
  EXPECT_EQ(client_->secondary_dns(), 0u);
}

TEST_F(PppClientTest, ClientWaitsForTheLnsToSpeakFirst) {
  make(server_config(), client_config(ppp::AuthProtocol::kPap));
  client_->start();
  EXPECT_EQ(to_server_.sent[ppp::kProtocolLcp], 0);
  EXPECT_EQ(client_->phase(), PppClientPhase::kWaiting);

  // The LNS opens LCP: the client answers and sends its own request at once.
  server_->start();
  run_for(Duration::zero());
  EXPECT_GE(to_server_.sent[ppp::kProtocolLcp], 2);
}

TEST_F(PppClientTest, ByDefaultClientWaitsForTheLnsHoweverLongItTakes) {
  make(server_config(), client_config(ppp::AuthProtocol::kPap));
  client_->start();
  EXPECT_FALSE(client_->next_deadline().has_value());
  clock_.advance(std::chrono::minutes(5));
  client_->poll();
  EXPECT_EQ(to_server_.sent[ppp::kProtocolLcp], 0);

  server_->start();
  run_for(std::chrono::seconds(1));
  EXPECT_TRUE(client_->is_up());
}

TEST_F(PppClientTest, ClientWithAPassiveTimerOpensLcpItselfWhenTheLnsStaysSilent) {
  PppClientConfig config = client_config(ppp::AuthProtocol::kPap);
  config.passive_wait = std::chrono::seconds(1);
  make(server_config(), config);
  client_->start();
  clock_.advance(std::chrono::milliseconds(999));
  client_->poll();
  EXPECT_EQ(to_server_.sent[ppp::kProtocolLcp], 0);
  clock_.advance(std::chrono::milliseconds(1));
  client_->poll();
  EXPECT_EQ(to_server_.sent[ppp::kProtocolLcp], 1);
  EXPECT_EQ(client_->phase(), PppClientPhase::kEstablish);
}

TEST_F(PppClientTest, PapRequestIsRetransmittedUntilAnswered) {
  make(server_config(), client_config(ppp::AuthProtocol::kPap));
  to_server_.drop_protocol = ppp::kProtocolPap;
  to_server_.drops_left = 2;
  connect();
  run_for(std::chrono::seconds(5));
  EXPECT_FALSE(client_->is_up());
  run_for(std::chrono::seconds(5));

  EXPECT_TRUE(client_->is_up());
  EXPECT_EQ(to_server_.sent[ppp::kProtocolPap], 3);
  EXPECT_THAT(server_listener_.users, ElementsAre("alice"));
}

TEST_F(PppClientTest, LnsTerminationEndsTheClient) {
  make(server_config(), client_config(ppp::AuthProtocol::kPap));
  connect();
  run_for(std::chrono::seconds(1));
  ASSERT_TRUE(client_->is_up());

  server_->close();
  run_for(std::chrono::seconds(10));
  EXPECT_THAT(client_listener_.downs, ElementsAre(PppClientEnd::kPeerTerminated));
  EXPECT_THAT(server_listener_.downs, ElementsAre(ppp::PppDownReason::kAdmin));
}

}  // namespace
}  // namespace lns::emu
