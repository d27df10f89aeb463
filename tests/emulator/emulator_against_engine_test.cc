// The whole emulator (LAC tunnels, calls, PPP clients, probe traffic,
// teardown) against the LNS's real LnsEngine and PppSession in memory: what
// the end-to-end tests will do over sockets against lnsd, on a FakeClock.
#include <algorithm>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/emulator/emulator.h"
#include "tests/emulator/report_format.h"
#include "tests/emulator/subscriber_ipv6.h"
#include "tests/emulator/testing/in_memory_lns.h"

namespace lns::emu {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using testing::InMemoryLns;
using testing::InMemoryLnsConfig;

constexpr uint32_t kDns = 0x0A0A0A0A;

InMemoryLnsConfig lns_config(uint32_t users, const std::string& password = "pw") {
  InMemoryLnsConfig c;
  c.l2tp.require_auth = false;
  c.ppp.lcp.auth_order = {ppp::AuthProtocol::kChapMd5, ppp::AuthProtocol::kPap};
  c.ppp.ipcp.local_address = 0x64400000;
  c.ppp.ipcp.primary_dns = kDns;
  c.ppp.enable_ipv6 = true;  // the clients refuse it: exercises Protocol-Reject
  for (uint32_t i = 1; i <= users; ++i) c.users[absl::StrCat("user", i)] = password;
  return c;
}

EmulatorConfig emulator_config(uint32_t tunnels, uint32_t sessions) {
  EmulatorConfig c;
  c.tunnels = tunnels;
  c.sessions_per_tunnel = sessions;
  c.password = "pw";
  return c;
}

class EmulatorAgainstEngineTest : public ::testing::Test {
 protected:
  void make(InMemoryLnsConfig lns, EmulatorConfig emulator) {
    lns_.emplace(clock_, std::move(lns));
    emulator_.emplace(clock_, std::move(emulator), *lns_);
    lns_->attach(*emulator_);
  }

  EmulatorReport run(Duration limit = std::chrono::minutes(10)) {
    emulator_->start();
    const bool finished = lns_->run_until([this] { return emulator_->done(); }, clock_.now() + limit);
    EXPECT_TRUE(finished) << "stuck in phase " << to_string(emulator_->phase());
    EXPECT_EQ(lns_->stats().stalls, 0u);
    return emulator_->report();
  }

  FakeClock clock_;
  std::optional<InMemoryLns> lns_;
  std::optional<Emulator> emulator_;
};

TEST_F(EmulatorAgainstEngineTest, TenTunnelsOfTenSessionsComeUpCarryTrafficAndGoDown) {
  EmulatorConfig config = emulator_config(10, 10);
  config.traffic_packets = 5;
  make(lns_config(100), config);
  const EmulatorReport r = run();

  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.tunnels_attempted, 10u);
  EXPECT_EQ(r.tunnels_up, 10u);
  EXPECT_EQ(r.sessions_attempted, 100u);
  EXPECT_EQ(r.sessions_up, 100u);
  EXPECT_EQ(r.sessions_failed, 0u);
  EXPECT_EQ(r.packets_sent, 500u);
  EXPECT_EQ(r.packets_at_core, 500u);
  EXPECT_EQ(r.packets_returned, 500u);
  EXPECT_EQ(r.packets_lost, 0u);
  EXPECT_GT(r.setup_seconds, 0);
  EXPECT_GT(r.setup_rate, 0);

  std::set<uint32_t> addresses;
  std::set<std::string> users;
  for (const SessionRecord& s : r.sessions) {
    EXPECT_EQ(s.state, SessionState::kCleared) << s.user;
    EXPECT_EQ(s.sent, 5u);
    EXPECT_EQ(s.returned, 5u);
    addresses.insert(s.ipv4);
    users.insert(s.user);
  }
  EXPECT_EQ(addresses.size(), 100u) << "every subscriber has its own address";
  EXPECT_TRUE(users.contains("user1") && users.contains("user100"));

  // The LNS saw every session set up and every CDN and StopCCN of the teardown.
  const l2tp::EngineStats& e = lns_->engine().stats();
  EXPECT_EQ(e.tunnels_established, 10u);
  EXPECT_EQ(e.sessions_established, 100u);
  EXPECT_EQ(e.cdn_received, 100u);
  EXPECT_EQ(e.stopccn_received, 10u);
  EXPECT_EQ(lns_->engine().session_count(), 0u);
  EXPECT_EQ(lns_->engine().active_tunnel_count(), 0u);
  EXPECT_EQ(lns_->stats().authenticated, 100u);
  EXPECT_EQ(lns_->subscriber_count(), 0u);
}

TEST_F(EmulatorAgainstEngineTest, ChapWithTunnelAuthenticationAndHiddenAvps) {
  InMemoryLnsConfig lns = lns_config(15);
  lns.l2tp.require_auth = true;
  lns.l2tp.secret = "tunnel-secret";
  lns.l2tp.hide_avps = true;
  EmulatorConfig config = emulator_config(3, 5);
  config.auth = ppp::AuthProtocol::kChapMd5;
  config.secret = "tunnel-secret";
  config.hide_avps = true;
  make(std::move(lns), config);
  const EmulatorReport r = run();

  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.sessions_up, 15u);
  for (const l2tp::TunnelInfo& t : lns_->engine().tunnels()) EXPECT_TRUE(t.authenticated);
}

TEST_F(EmulatorAgainstEngineTest, WrongTunnelSecretRefusesEveryTunnel) {
  InMemoryLnsConfig lns = lns_config(4);
  lns.l2tp.require_auth = true;
  lns.l2tp.secret = "right";
  EmulatorConfig config = emulator_config(2, 2);
  config.secret = "wrong";
  config.expect_fail = true;
  make(std::move(lns), config);
  const EmulatorReport r = run();

  EXPECT_TRUE(r.success) << "every session was refused, as expected";
  EXPECT_EQ(r.sessions_up, 0u);
  EXPECT_EQ(r.sessions_failed, 4u);
  EXPECT_EQ(r.tunnels_up, 0u);
  EXPECT_EQ(lns_->engine().stats().tunnels_established, 0u);
  ASSERT_EQ(r.failure_reasons.size(), 1u);
  EXPECT_THAT(r.failure_reasons.begin()->first, ::testing::StartsWith("tunnel-"));
}

TEST_F(EmulatorAgainstEngineTest, WrongPasswordIsReportedAsAuthFailureWithTheLnsCdn) {
  EmulatorConfig config = emulator_config(2, 3);
  config.password = "not-it";
  config.expect_fail = true;
  make(lns_config(6), config);
  const EmulatorReport r = run();

  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.sessions_up, 0u);
  EXPECT_THAT(r.failure_reasons, ElementsAre(Pair("auth-rejected", 6u)));
  // The LNS cleared each call after the failed authentication.
  uint32_t cdns = 0;
  for (const auto& [key, n] : r.cdn_results) cdns += n;
  EXPECT_EQ(cdns, 6u);
  EXPECT_EQ(lns_->engine().session_count(), 0u);
}

TEST_F(EmulatorAgainstEngineTest, WithoutExpectFailARefusalIsAFailure) {
  EmulatorConfig config = emulator_config(1, 2);
  config.password = "not-it";
  make(lns_config(2), config);
  const EmulatorReport r = run();
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.sessions_failed, 2u);
}

TEST_F(EmulatorAgainstEngineTest, SessionLimitRefusalsCarryTheCdnResult) {
  InMemoryLnsConfig lns = lns_config(8);
  lns.l2tp.max_sessions = 5;
  make(std::move(lns), emulator_config(1, 8));
  const EmulatorReport r = run();

  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.sessions_up, 5u);
  EXPECT_EQ(r.sessions_failed, 3u);
  EXPECT_THAT(r.failure_reasons, ElementsAre(Pair("cdn:4/0", 3u)));
  EXPECT_EQ(r.cdn_messages.at("4/0"), "session limit reached");
}

TEST_F(EmulatorAgainstEngineTest, FastTeardownSendsOnlyStopCcn) {
  EmulatorConfig config = emulator_config(3, 4);
  config.fast_teardown = true;
  make(lns_config(12), config);
  const EmulatorReport r = run();

  EXPECT_TRUE(r.success);
  const l2tp::EngineStats& e = lns_->engine().stats();
  EXPECT_EQ(e.cdn_received, 0u);
  EXPECT_EQ(e.stopccn_received, 3u);
  EXPECT_EQ(lns_->engine().session_count(), 0u);
}

TEST_F(EmulatorAgainstEngineTest, SilentSubscribersAreClearedByTheLnsKeepalive) {
  InMemoryLnsConfig lns = lns_config(4);
  lns.ppp.lcp.echo_interval = std::chrono::seconds(1);
  lns.ppp.lcp.echo_max_failures = 3;
  EmulatorConfig config = emulator_config(2, 2);
  config.answer_echo = false;
  config.hold = std::chrono::seconds(120);
  make(std::move(lns), config);
  const TimePoint start = clock_.now();
  const EmulatorReport r = run();

  EXPECT_TRUE(r.success) << "every session came up";
  EXPECT_EQ(r.sessions_closed_by_lns, 4u);
  EXPECT_THAT(r.close_reasons, ElementsAre(Pair("cdn:1/0", 4u)));
  EXPECT_EQ(r.cdn_messages.at("1/0"), "echo-timeout");
  EXPECT_EQ(r.echo_replies, 0u);
  EXPECT_GE(r.echo_requests, 12u);
  EXPECT_EQ(lns_->stats().ppp_down_reasons.at("echo-timeout"), 4u);
  // The hold ends as soon as the LNS has cleared everything.
  EXPECT_LT(clock_.now() - start, std::chrono::seconds(60));
}

TEST_F(EmulatorAgainstEngineTest, AnsweredKeepalivesHoldSessionsUp) {
  InMemoryLnsConfig lns = lns_config(4);
  lns.ppp.lcp.echo_interval = std::chrono::seconds(1);
  EmulatorConfig config = emulator_config(2, 2);
  config.hold = std::chrono::seconds(20);
  make(std::move(lns), config);
  const EmulatorReport r = run();

  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.sessions_closed_by_lns, 0u);
  EXPECT_GE(r.echo_replies, 4u * 15);
  EXPECT_EQ(r.echo_replies, r.echo_requests);
}

TEST_F(EmulatorAgainstEngineTest, ThousandSessionsInTenTunnelsSetUpInParallel) {
  EmulatorConfig config = emulator_config(10, 100);
  config.traffic_packets = 2;
  make(lns_config(1000), config);
  const EmulatorReport r = run();

  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.sessions_up, 1000u);
  EXPECT_EQ(r.packets_returned, 2000u);
  // Calls overlap: with a 1 ms one-way delay, one at a time would take at
  // least 1000 times the dozen or so round trips a session needs.
  EXPECT_LT(r.setup_seconds, 5.0);
  EXPECT_EQ(lns_->engine().stats().sessions_established, 1000u);
}

TEST_F(EmulatorAgainstEngineTest, SurvivesTwentyPercentControlLossAtScale) {
  EmulatorConfig config = emulator_config(10, 100);
  config.control_drop_percent = 20;
  config.traffic_packets = 1;
  config.setup_timeout = std::chrono::minutes(10);
  config.teardown_timeout = std::chrono::minutes(5);
  config.seed = 12345;
  // Five retransmissions (the RFC's suggestion) lose a tunnel now and then
  // at this loss rate; both ends get more patience.
  config.channel.max_retransmissions = 10;
  InMemoryLnsConfig lns = lns_config(1000);
  lns.l2tp.retransmit.max_retransmissions = 10;
  make(std::move(lns), config);
  const EmulatorReport r = run(std::chrono::minutes(30));

  EXPECT_TRUE(r.success) << format_summary(r);
  EXPECT_EQ(r.sessions_up, 1000u);
  EXPECT_GT(r.control_dropped, 100u);
  EXPECT_GT(r.control_retransmissions, 100u);
  EXPECT_EQ(r.packets_returned, 1000u);
  EXPECT_EQ(lns_->engine().session_count(), 0u);
}

// Routed IPv6: the LNS publishes each user's prefix when IPv6CP opens and
// passes only IPv6 from inside it; the emulator knows the prefixes from the
// same naming scheme and sends from prefix::<its IPv6CP interface id>.
InMemoryLnsConfig lns_config_with_ipv6(uint32_t users, std::string_view prefix_format) {
  InMemoryLnsConfig c = lns_config(users);
  for (uint32_t i = 1; i <= users; ++i) c.ipv6_prefixes[absl::StrCat("user", i)] = *session_ipv6_prefix(prefix_format, i);
  return c;
}

TEST_F(EmulatorAgainstEngineTest, Ipv6ProbesFromEachDelegatedPrefixGoBothWaysApartFromIpv4) {
  EmulatorConfig config = emulator_config(3, 10);
  config.traffic_packets = 4;
  config.ipv6 = true;
  config.ipv6_prefix_format = "2001:db8:%x::/64";
  make(lns_config_with_ipv6(30, "2001:db8:%x::/64"), config);
  const EmulatorReport r = run();

  EXPECT_TRUE(r.success) << format_summary(r);
  EXPECT_TRUE(r.ipv6_traffic_checked);
  EXPECT_EQ(lns_->stats().ipv6_up, 30u);
  EXPECT_EQ(r.packets_sent, 120u) << "IPv4 counts stay IPv4 only";
  EXPECT_EQ(r.packets_returned, 120u);
  EXPECT_EQ(r.ipv6_traffic.sent, 120u);
  EXPECT_EQ(r.ipv6_traffic.at_core, 120u);
  EXPECT_EQ(r.ipv6_traffic.returned, 120u);
  EXPECT_EQ(r.ipv6_traffic.misdelivered, 0u);
  EXPECT_EQ(lns_->stats().ipv6_spoofed, 0u);
  for (const SessionRecord& s : r.sessions) {
    ASSERT_TRUE(s.ipv6.has_value()) << s.user;
    const Ipv6Prefix prefix = *session_ipv6_prefix("2001:db8:%x::/64", s.index);
    EXPECT_TRUE(std::equal(prefix.address.begin(), prefix.address.begin() + 8, s.ipv6->begin())) << s.user;
    EXPECT_NE(std::count(s.ipv6->begin() + 8, s.ipv6->end(), 0), 8) << "the interface id is not zero";
    EXPECT_EQ(s.ipv6_sent, 4u);
    EXPECT_EQ(s.ipv6_returned, 4u);
  }
}

TEST_F(EmulatorAgainstEngineTest, Ipv6FromOutsideThePrefixIsLostAndTheRunFails) {
  EmulatorConfig config = emulator_config(1, 5);
  config.traffic_packets = 2;
  config.drain_time = std::chrono::milliseconds(200);
  config.ipv6 = true;
  config.ipv6_prefix_format = "2001:db8:%x:1::/64";  // not what the LNS assigned
  make(lns_config_with_ipv6(5, "2001:db8:%x::/64"), config);
  const EmulatorReport r = run();

  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.packets_returned, 10u) << "IPv4 is unaffected";
  EXPECT_EQ(r.ipv6_traffic.sent, 10u);
  EXPECT_EQ(r.ipv6_traffic.returned, 0u);
  EXPECT_EQ(r.ipv6_traffic.lost, 10u);
  EXPECT_EQ(lns_->stats().ipv6_spoofed, 10u);
  EXPECT_THAT(format_summary(r), ::testing::HasSubstr("ipv6:     10 sent, 0 at core, 0 returned, 10 lost"));
}

TEST_F(EmulatorAgainstEngineTest, WithoutAPrefixFormatIpv6CpOpensButNoIpv6ProbesAreSent) {
  EmulatorConfig config = emulator_config(1, 3);
  config.traffic_packets = 2;
  config.ipv6 = true;
  make(lns_config_with_ipv6(3, "2001:db8:%x::/64"), config);
  const EmulatorReport r = run();

  EXPECT_TRUE(r.success) << format_summary(r);
  EXPECT_FALSE(r.ipv6_traffic_checked);
  EXPECT_EQ(lns_->stats().ipv6_up, 3u);
  EXPECT_EQ(r.ipv6_traffic.sent, 0u);
  EXPECT_EQ(r.packets_returned, 6u);
}

TEST_F(EmulatorAgainstEngineTest, UserNamesFollowTheFormatAndTheGlobalIndex) {
  InMemoryLnsConfig lns = lns_config(0);
  for (int i = 7; i < 11; ++i) lns.users[absl::StrCat("sub-", i < 10 ? "0" : "", i)] = "pw";
  EmulatorConfig config = emulator_config(2, 2);
  config.user_format = "sub-%02d";
  config.first_index = 7;
  make(std::move(lns), config);
  const EmulatorReport r = run();

  EXPECT_TRUE(r.success);
  ASSERT_EQ(r.sessions.size(), 4u);
  EXPECT_EQ(r.sessions[0].user, "sub-07");
  EXPECT_EQ(r.sessions[1].tunnel_index, 0u);
  EXPECT_EQ(r.sessions[2].user, "sub-09");
  EXPECT_EQ(r.sessions[2].tunnel_index, 1u);
  EXPECT_EQ(r.sessions[3].user, "sub-10");
}

TEST_F(EmulatorAgainstEngineTest, NarrowSetupWindowStillBringsEverySessionUp) {
  EmulatorConfig config = emulator_config(2, 10);
  config.max_setup_in_flight = 1;
  make(lns_config(20), config);
  const EmulatorReport one_at_a_time = run();
  EXPECT_TRUE(one_at_a_time.success);

  // The same run with many calls in flight at once is faster.
  FakeClock clock;
  InMemoryLns lns(clock, lns_config(20));
  EmulatorConfig wide = emulator_config(2, 10);
  wide.max_setup_in_flight = 64;
  Emulator emulator(clock, wide, lns);
  lns.attach(emulator);
  emulator.start();
  ASSERT_TRUE(lns.run_until([&] { return emulator.done(); }, clock.now() + std::chrono::minutes(10)));
  const EmulatorReport parallel = emulator.report();
  EXPECT_TRUE(parallel.success);
  EXPECT_LT(parallel.setup_seconds * 3, one_at_a_time.setup_seconds);
}

TEST_F(EmulatorAgainstEngineTest, L2tpOnlyCountsConnectedCallsAsUp) {
  EmulatorConfig config = emulator_config(2, 5);
  config.run_ppp = false;
  make(lns_config(10), config);
  const EmulatorReport r = run();

  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.sessions_up, 10u);
  EXPECT_EQ(r.calls_connected, 10u);
  EXPECT_EQ(lns_->engine().stats().sessions_established, 10u);
  EXPECT_EQ(lns_->stats().authenticated, 0u) << "no PPP was spoken";
  EXPECT_EQ(lns_->engine().stats().cdn_received, 10u);
}

TEST_F(EmulatorAgainstEngineTest, LostProbesAreCountedAsLoss) {
  InMemoryLnsConfig lns = lns_config(2);
  lns.reflect_probes = false;  // the core side swallows everything
  EmulatorConfig config = emulator_config(1, 2);
  config.traffic_packets = 3;
  make(std::move(lns), config);
  const EmulatorReport r = run();

  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.packets_sent, 6u);
  EXPECT_EQ(r.packets_at_core, 6u);
  EXPECT_EQ(r.packets_returned, 0u);
  EXPECT_EQ(r.packets_lost, 6u);
  EXPECT_DOUBLE_EQ(r.loss_percent, 100.0);
}

}  // namespace
}  // namespace lns::emu
