// The lns-emulator command line, the user-name format, and the report as
// the test scripts read it.
#include "tests/emulator/emulator_options.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/emulator/report_format.h"
#include "tests/emulator/subscriber_ipv6.h"

namespace lns::emu {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<EmulatorOptions> parse(std::vector<std::string_view> args) { return parse_emulator_options(args); }

TEST(EmulatorOptions, FullCommandLine) {
  auto o = parse({"--lns", "192.0.2.1", "--port=1702", "--tunnels", "10", "--sessions", "100", "--auth", "chap",
                  "--user-format", "user%d", "--password", "pw", "--secret", "s3", "--local", "192.0.2.2",
                  "--traffic", "10", "--size", "256", "--hold", "1.5", "--json", "--timeout", "20",
                  "--reflect-core", "lnscore0", "--far", "198.18.0.9", "--drop", "20", "--no-echo-reply",
                  "--echo-interval", "10", "--fast-teardown", "--window", "50", "--rate", "0"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->lns_address, 0xC0000201u);
  EXPECT_EQ(o->lns_port, 1702);
  EXPECT_EQ(o->local_address, 0xC0000202u);
  EXPECT_EQ(o->emulator.tunnels, 10u);
  EXPECT_EQ(o->emulator.sessions_per_tunnel, 100u);
  EXPECT_EQ(o->emulator.auth, ppp::AuthProtocol::kChapMd5);
  EXPECT_EQ(o->emulator.password, "pw");
  EXPECT_EQ(o->emulator.secret, "s3");
  EXPECT_EQ(o->emulator.traffic_packets, 10u);
  EXPECT_EQ(o->emulator.packet_size, 256);
  EXPECT_EQ(o->emulator.hold, std::chrono::milliseconds(1500));
  EXPECT_EQ(o->emulator.setup_timeout, std::chrono::seconds(20));
  EXPECT_EQ(o->emulator.far_address, 0xC6120009u);
  EXPECT_DOUBLE_EQ(o->emulator.control_drop_percent, 20);
  EXPECT_FALSE(o->emulator.answer_echo);
  EXPECT_EQ(o->emulator.echo_interval, std::chrono::seconds(10));
  EXPECT_TRUE(o->emulator.fast_teardown);
  EXPECT_EQ(o->emulator.max_setup_in_flight, 50u);
  EXPECT_DOUBLE_EQ(o->emulator.traffic_rate, 0);
  EXPECT_EQ(o->reflect_core, "lnscore0");
  EXPECT_TRUE(o->json);
}

TEST(EmulatorOptions, DefaultsNeedOnlyTheLns) {
  auto o = parse({"--lns", "10.0.0.1"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->lns_port, 1701);
  EXPECT_EQ(o->emulator.tunnels, 1u);
  EXPECT_EQ(o->emulator.sessions_per_tunnel, 1u);
  EXPECT_EQ(o->emulator.auth, ppp::AuthProtocol::kPap);
  EXPECT_TRUE(o->emulator.answer_echo);
  EXPECT_FALSE(o->emulator.expect_fail);
  EXPECT_FALSE(o->json);
}

TEST(EmulatorOptions, BadInputNamesTheOption) {
  struct Case {
    std::vector<std::string_view> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{}, "--lns ADDR is required"},
      {{"--lns", "192.0.2"}, "not an IPv4 address"},
      {{"--lns", "192.0.2.256"}, "not an IPv4 address"},
      {{"--lns", "1.2.3.4", "--tunnels", "0"}, "--tunnels"},
      {{"--lns", "1.2.3.4", "--sessions", "x"}, "--sessions"},
      {{"--lns", "1.2.3.4", "--auth", "mschap"}, "--auth"},
      {{"--lns", "1.2.3.4", "--drop", "95"}, "--drop"},
      {{"--lns", "1.2.3.4", "--hold", "-1"}, "--hold"},
      {{"--lns", "1.2.3.4", "--size", "20"}, "--size"},
      {{"--lns", "1.2.3.4", "--bogus"}, "unknown option --bogus"},
      {{"--lns", "1.2.3.4", "--json=yes"}, "takes no value"},
      {{"--lns", "1.2.3.4", "--tunnels"}, "needs a value"},
      {{"--lns", "1.2.3.4", "stray"}, "unexpected argument"},
      {{"--lns", "1.2.3.4", "--hide-avps"}, "needs --secret"},
      {{"--lns", "1.2.3.4", "--expect-fail", "--traffic", "1"}, "do not go together"},
      {{"--lns", "1.2.3.4", "--local-port", "65535", "--tunnels", "2"}, "past port 65535"},
  };
  for (const Case& c : cases) {
    auto o = parse(c.args);
    ASSERT_FALSE(o.ok()) << c.message;
    EXPECT_THAT(std::string(o.status().message()), HasSubstr(c.message));
  }
}

TEST(EmulatorOptions, HelpNeedsNothingElse) {
  auto o = parse({"--help"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->help);
  EXPECT_THAT(emulator_usage(), HasSubstr("--reflect-core IFACE"));
}

TEST(EmulatorOptions, Ipv6PrefixFormatAndFarAddress) {
  auto o = parse({"--lns", "192.0.2.1", "--ipv6", "--tunnels", "2", "--sessions", "20", "--ipv6-prefix-format",
                  "2001:db8:%x::/64", "--far-ipv6", "2001:2::9"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->emulator.ipv6_prefix_format, "2001:db8:%x::/64");
  EXPECT_EQ(format_ipv6_address(o->emulator.far_ipv6), "2001:2::9");
  EXPECT_EQ(format_ipv6_address(EmulatorConfig{}.far_ipv6), "2001:2::1") << "RFC 5180 benchmarking range";

  o = parse({"--lns", "192.0.2.1", "--ipv6-prefix-format", "2001:db8:%x::/64"});
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(o.status().message(), HasSubstr("needs --ipv6"));
  o = parse({"--lns", "192.0.2.1", "--ipv6", "--ipv6-prefix-format", "2001:db8:%x::/96"});
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(o.status().message(), HasSubstr("--ipv6-prefix-format"));
  // The last session's index (0x10000) does not fit a 16-bit group.
  o = parse({"--lns", "192.0.2.1", "--ipv6", "--sessions", "32768", "--tunnels", "2", "--ipv6-prefix-format",
             "2001:db8:%x::/64"});
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(o.status().message(), HasSubstr("session 65536"));
  o = parse({"--lns", "192.0.2.1", "--far-ipv6", "198.18.0.1"});
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(o.status().message(), HasSubstr("--far-ipv6"));
}

TEST(UserFormat, SubstitutesTheIndex) {
  EXPECT_EQ(format_user("user%d", 7), "user7");
  EXPECT_EQ(format_user("u%05d@isp", 42), "u00042@isp");
  EXPECT_EQ(format_user("%4d", 42), "  42");
  EXPECT_EQ(format_user("100%%-%d", 1), "100%-1");
  EXPECT_EQ(format_user("fixed", 9), "fixed");
  EXPECT_EQ(format_user("odd%s%", 1), "odd%s%");
  EXPECT_EQ(format_user("2001:db8:%x::/64", 26), "2001:db8:1a::/64");
  EXPECT_EQ(format_user("%04x", 255), "00ff");
}

EmulatorReport sample_report() {
  EmulatorReport r;
  r.tunnels_attempted = 2;
  r.tunnels_up = 2;
  r.sessions_attempted = 4;
  r.sessions_up = 3;
  r.sessions_failed = 1;
  r.calls_connected = 4;
  r.failure_reasons["auth-rejected"] = 1;
  r.cdn_results["2/6"] = 1;
  r.cdn_messages["2/6"] = "bad \"quote\"";
  r.setup_seconds = 0.5;
  r.setup_rate = 6;
  r.traffic_checked = true;
  r.packets_sent = 30;
  r.packets_at_core = 30;
  r.packets_returned = 29;
  r.packets_lost = 1;
  r.loss_percent = 100.0 / 30;
  SessionRecord s;
  s.index = 1;
  s.user = "user1";
  s.state = SessionState::kCleared;
  s.ipv4 = 0x64400001;
  r.sessions.push_back(s);
  return r;
}

TEST(ReportFormat, JsonCarriesTheFieldsTestsRead) {
  const std::string json = format_json(sample_report(), false);
  EXPECT_THAT(json, HasSubstr(R"("success":false)"));
  EXPECT_THAT(json, HasSubstr(R"("sessions":{"attempted":4,"up":3,"failed":1,"calls_connected":4,"failure_reasons":{"auth-rejected":1})"));
  EXPECT_THAT(json, HasSubstr(R"("cdn_results":{"2/6":1})"));
  EXPECT_THAT(json, HasSubstr(R"("cdn_messages":{"2/6":"bad \"quote\""})"));
  EXPECT_THAT(json, HasSubstr(R"("traffic":{"sent":30,"at_core":30,"returned":29,"lost":1,"loss_percent":3.333)"));
  EXPECT_THAT(json, ::testing::Not(HasSubstr("session_list")));
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
}

TEST(ReportFormat, JsonSessionListOnRequest) {
  const std::string json = format_json(sample_report(), true);
  EXPECT_THAT(json, HasSubstr(R"("session_list":[{"index":1,)"));
  EXPECT_THAT(json, HasSubstr(R"("user":"user1","state":"cleared","ipv4":"100.64.0.1")"));
}

TEST(ReportFormat, Ipv6TrafficIsCountedApart) {
  EmulatorReport r = sample_report();
  r.ipv6_traffic_checked = true;
  r.ipv6_traffic = TrafficCounts{30, 30, 28, 2, 100.0 * 2 / 30, 1};
  r.sessions[0].ipv6 = *parse_ipv6_address("2001:db8:1::5");
  r.sessions[0].ipv6_sent = 10;
  const std::string json = format_json(r, true);
  EXPECT_THAT(json, HasSubstr(R"("traffic":{"sent":30,"at_core":30,"returned":29,)"));
  EXPECT_THAT(json, HasSubstr(
      R"("traffic_ipv6":{"checked":true,"sent":30,"at_core":30,"returned":28,"lost":2,"loss_percent":6.667,"misdelivered":1})"));
  EXPECT_THAT(json, HasSubstr(R"("ipv6":"2001:db8:1::5","ipv6_sent":10,)"));
  EXPECT_THAT(format_summary(r), HasSubstr("ipv6:     30 sent, 30 at core, 28 returned, 2 lost (6.67%), 1 misdelivered"));
  EXPECT_THAT(format_json(sample_report(), false), HasSubstr(R"("traffic_ipv6":{"checked":false,"sent":0,)"));
}

TEST(ReportFormat, SummaryNamesFailuresAndLoss) {
  const std::string text = format_summary(sample_report());
  EXPECT_THAT(text, HasSubstr("sessions: 4 attempted, 3 up, 1 failed (4 calls connected)"));
  EXPECT_THAT(text, HasSubstr("auth-rejected x1"));
  EXPECT_THAT(text, HasSubstr("CDN result 2/6 x1"));
  EXPECT_THAT(text, HasSubstr("30 sent, 30 at core, 29 returned, 1 lost"));
  EXPECT_THAT(text, HasSubstr("result:   FAILED"));
}

}  // namespace
}  // namespace lns::emu
