// The ppp and cli sections: what they read, their defaults, and how
// mistakes in them are reported.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "tests/unit/config/config_text_builder.h"

namespace lns::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ConfigText;
using testing::errors_of;

// The section's settings start on line 8.
absl::StatusOr<Config> load_section(const std::string& name, const std::string& body) {
  ConfigText text;
  text.extra = name + " = {\n" + body + "\n};\n";
  return text.load();
}

TEST(PppSection, ReadsEverySetting) {
  absl::StatusOr<Config> loaded = load_section(
      "ppp",
      "auth = [\"pap\"]; mru = 1492; echo_interval = 0; echo_failures = 5; restart_ms = 1000; "
      "max_configure = 20; max_terminate = 3; max_failure = 7; accept_proxy = false; ipv6 = false;");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const PppConfig& ppp = loaded->ppp;
  EXPECT_EQ(ppp.auth, std::vector<PppAuthMethod>{PppAuthMethod::kPap});
  EXPECT_EQ(ppp.mru, 1492);
  EXPECT_EQ(ppp.echo_interval, 0u);
  EXPECT_EQ(ppp.echo_failures, 5u);
  EXPECT_EQ(ppp.restart_ms, 1000u);
  EXPECT_EQ(ppp.max_configure, 20u);
  EXPECT_EQ(ppp.max_terminate, 3u);
  EXPECT_EQ(ppp.max_failure, 7u);
  EXPECT_FALSE(ppp.accept_proxy);
  EXPECT_FALSE(ppp.ipv6);
}

TEST(PppSection, DefaultsWhenAbsent) {
  absl::StatusOr<Config> loaded = ConfigText{}.load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const PppConfig& ppp = loaded->ppp;
  EXPECT_EQ(ppp.auth, (std::vector<PppAuthMethod>{PppAuthMethod::kChap, PppAuthMethod::kPap}));
  EXPECT_EQ(ppp.mru, 1500);
  EXPECT_EQ(ppp.echo_interval, 30u);
  EXPECT_EQ(ppp.echo_failures, 3u);
  EXPECT_EQ(ppp.restart_ms, 3000u);
  EXPECT_EQ(ppp.max_configure, 10u);
  EXPECT_EQ(ppp.max_terminate, 2u);
  EXPECT_EQ(ppp.max_failure, 5u);
  EXPECT_TRUE(ppp.accept_proxy);
  EXPECT_TRUE(ppp.ipv6);
}

TEST(PppSection, AuthOrderAndNone) {
  absl::StatusOr<Config> loaded = load_section("ppp", "auth = (\"pap\", \"chap\");");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->ppp.auth,
            (std::vector<PppAuthMethod>{PppAuthMethod::kPap, PppAuthMethod::kChap}));
  loaded = load_section("ppp", "auth = [\"none\"];");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(loaded->ppp.auth.empty());
}

TEST(PppSectionErrors, AuthMethods) {
  EXPECT_THAT(errors_of(load_section("ppp", "auth = [];")),
              ElementsAre("t.cfg:8: ppp.auth: expected a non-empty array of \"chap\" and \"pap\" "
                          "in order of preference, or [\"none\"], got an empty array []"));
  EXPECT_THAT(errors_of(load_section("ppp", "auth = \"chap\";")),
              ElementsAre("t.cfg:8: ppp.auth: expected a non-empty array of \"chap\" and \"pap\" "
                          "in order of preference, or [\"none\"], got \"chap\""));
  EXPECT_THAT(errors_of(load_section("ppp", "auth = [\"chap\", \"mschap\", \"chap\"];")),
              ElementsAre("t.cfg:8: ppp.auth.[1]: expected \"chap\", \"pap\" or \"none\", got "
                          "\"mschap\"",
                          "t.cfg:8: ppp.auth.[2]: \"chap\" is listed twice"));
  EXPECT_THAT(errors_of(load_section("ppp", "auth = [\"none\", \"pap\"];")),
              ElementsAre("t.cfg:8: ppp.auth: \"none\" must stand alone: either subscribers "
                          "authenticate or they do not"));
}

TEST(PppSectionErrors, TypesAndRanges) {
  EXPECT_THAT(
      errors_of(load_section(
          "ppp",
          "mru = 575; echo_interval = 3601; echo_failures = 0; restart_ms = 99;\n"
          "max_configure = 256; max_terminate = 0; max_failure = -1; accept_proxy = \"yes\";\n"
          "ipv6 = 1; ipv4 = true;")),
      ElementsAre(
          "t.cfg:8: ppp.mru: expected an integer 576..9000, got 575",
          "t.cfg:8: ppp.echo_interval: expected 0 (off) or an integer 1..3600, got 3601",
          "t.cfg:8: ppp.echo_failures: expected an integer 1..100, got 0",
          "t.cfg:8: ppp.restart_ms: expected an integer 100..60000, got 99",
          "t.cfg:9: ppp.max_configure: expected an integer 1..255, got 256",
          "t.cfg:9: ppp.max_terminate: expected an integer 1..255, got 0",
          "t.cfg:9: ppp.max_failure: expected an integer 1..255, got -1",
          "t.cfg:9: ppp.accept_proxy: expected true or false, got \"yes\"",
          "t.cfg:10: ppp.ipv4: unknown setting 'ipv4' in ppp; expected one of: auth, mru, "
          "echo_interval, echo_failures, restart_ms, max_configure, max_terminate, max_failure, "
          "accept_proxy, ipv6",
          "t.cfg:10: ppp.ipv6: expected true or false, got 1"));
}

TEST(CliSection, ReadsSocketAndOctalMode) {
  absl::StatusOr<Config> loaded =
      load_section("cli", "socket = \"run/lnsd.sock\"; mode = \"0600\";");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->cli.socket, "run/lnsd.sock");
  EXPECT_EQ(loaded->cli.mode, 0600u);
  loaded = load_section("cli", "mode = \"777\";");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->cli.mode, 0777u);
}

TEST(CliSection, DefaultsWhenAbsent) {
  absl::StatusOr<Config> loaded = ConfigText{}.load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->cli.socket, "/run/lnsd.sock");
  EXPECT_EQ(loaded->cli.mode, 0660u);
}

TEST(CliSectionErrors, ModeIsAnOctalString) {
  // libconfig would read 0660 as six hundred and sixty.
  EXPECT_THAT(errors_of(load_section("cli", "mode = 0660;")),
              ElementsAre("t.cfg:8: cli.mode: expected an octal permission mode string like "
                          "\"0660\", got 660"));
  EXPECT_THAT(errors_of(load_section("cli", "mode = \"0680\";")),
              ElementsAre("t.cfg:8: cli.mode: expected an octal permission mode string like "
                          "\"0660\", got \"0680\" (needs 3 or 4 octal digits)"));
  EXPECT_THAT(errors_of(load_section("cli", "mode = \"66\";")),
              ElementsAre("t.cfg:8: cli.mode: expected an octal permission mode string like "
                          "\"0660\", got \"66\" (needs 3 or 4 octal digits)"));
  EXPECT_THAT(errors_of(load_section("cli", "mode = \"4755\";")),
              ElementsAre("t.cfg:8: cli.mode: expected an octal permission mode string like "
                          "\"0660\", got \"4755\" (only permission bits 0000..0777 apply to a "
                          "socket)"));
}

TEST(CliSectionErrors, SocketPathMustFitSunPath) {
  EXPECT_THAT(errors_of(load_section("cli", "socket = \"/" + std::string(106, 'x') + "\";")),
              IsEmpty());
  EXPECT_THAT(errors_of(load_section("cli", "socket = \"/" + std::string(107, 'x') + "\";")),
              ElementsAre(::testing::HasSubstr("t.cfg:8: cli.socket: expected a socket path of "
                                               "1..107 characters, got \"/xxx")));
  EXPECT_THAT(errors_of(load_section("cli", "socket = \"\"; path = 1;")),
              ElementsAre("t.cfg:8: cli.path: unknown setting 'path' in cli; expected one of: "
                          "socket, mode",
                          "t.cfg:8: cli.socket: expected a socket path of 1..107 characters, got "
                          "an empty string"));
}

}  // namespace
}  // namespace lns::config
