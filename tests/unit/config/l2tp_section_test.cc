// The l2tp section: what it reads, its defaults, and how mistakes in it
// are reported.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/addresses.h"
#include "config/config_loader.h"
#include "tests/unit/config/config_text_builder.h"

namespace lns::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::ConfigText;
using testing::errors_of;

// Lines 7.. of the file (no static sessions).
absl::StatusOr<Config> load_l2tp(const std::string& body) {
  ConfigText text;
  text.extra = "l2tp = {\n" + body + "\n};\n";
  return text.load();
}

TEST(L2tpSection, ReadsEverySetting) {
  absl::StatusOr<Config> loaded = load_l2tp(R"(
    host_name = "lns-1"; secret = "tunnel secret"; require_auth = false; hide_avps = true;
    hello_interval = 0;
    retransmit = { initial_ms = 500; max_ms = 4000; retries = 7; ack_delay_ms = 50; };
    receive_window = 64; max_tunnels = 2000; max_sessions = 300000;
    max_sessions_per_tunnel = 1000; allow_unknown_lacs = false; permissive = true;
    admission = { sccrq_per_second = 10; sccrq_per_second_per_peer = 0.5; icrq_per_second = 1000.0;
                  icrq_per_second_per_peer = 2.5e2; sccrq_burst = 20; icrq_burst = 5000.0; };
    lacs = (
      { name = "bras1"; address = "192.0.2.2"; host_name = "bras1"; secret = "s1";
        require_auth = true; hide_avps = false; hello_interval = 30; receive_window = 8;
        max_sessions = 5000; permissive = false; },
      { name = "bras2"; host_name = "bras2.example"; }
    );)");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const L2tpConfig& l2tp = loaded->l2tp;
  EXPECT_EQ(l2tp.host_name, "lns-1");
  EXPECT_EQ(l2tp.secret, "tunnel secret");
  EXPECT_FALSE(l2tp.require_auth);
  EXPECT_TRUE(l2tp.hide_avps);
  EXPECT_EQ(l2tp.hello_interval, 0u);
  EXPECT_EQ(l2tp.retransmit.initial_ms, 500u);
  EXPECT_EQ(l2tp.retransmit.max_ms, 4000u);
  EXPECT_EQ(l2tp.retransmit.retries, 7u);
  EXPECT_EQ(l2tp.retransmit.ack_delay_ms, 50u);
  EXPECT_EQ(l2tp.receive_window, 64);
  EXPECT_EQ(l2tp.max_tunnels, 2000u);
  EXPECT_EQ(l2tp.max_sessions, 300000u);
  EXPECT_EQ(l2tp.max_sessions_per_tunnel, 1000u);
  EXPECT_FALSE(l2tp.allow_unknown_lacs);
  EXPECT_TRUE(l2tp.permissive);
  // Rates are numbers: integers and floats alike.
  EXPECT_EQ(l2tp.admission.sccrq_per_second, 10.0);
  EXPECT_EQ(l2tp.admission.sccrq_per_second_per_peer, 0.5);
  EXPECT_EQ(l2tp.admission.icrq_per_second, 1000.0);
  EXPECT_EQ(l2tp.admission.icrq_per_second_per_peer, 250.0);
  EXPECT_EQ(l2tp.admission.sccrq_burst, 20.0);
  EXPECT_EQ(l2tp.admission.icrq_burst, 5000.0);

  ASSERT_EQ(l2tp.lacs.size(), 2u);
  const LacConfig& bras1 = l2tp.lacs[0];
  EXPECT_EQ(bras1.name, "bras1");
  EXPECT_EQ(bras1.address, *parse_ipv4("192.0.2.2"));
  EXPECT_EQ(bras1.host_name, "bras1");
  EXPECT_EQ(bras1.secret, "s1");
  EXPECT_EQ(bras1.require_auth, true);
  EXPECT_EQ(bras1.hide_avps, false);
  EXPECT_EQ(bras1.hello_interval, 30u);
  EXPECT_EQ(bras1.receive_window, 8);
  EXPECT_EQ(bras1.max_sessions, 5000u);
  EXPECT_EQ(bras1.permissive, false);
  EXPECT_EQ(bras1.line, 17);
  // Unset fields fall back to the section's values downstream.
  const LacConfig& bras2 = l2tp.lacs[1];
  EXPECT_FALSE(bras2.address.has_value());
  EXPECT_EQ(bras2.host_name, "bras2.example");
  EXPECT_FALSE(bras2.secret.has_value());
  EXPECT_FALSE(bras2.require_auth.has_value());
  EXPECT_FALSE(bras2.hello_interval.has_value());
  EXPECT_FALSE(bras2.max_sessions.has_value());
  EXPECT_EQ(bras2.line, 20);
}

TEST(L2tpSection, DefaultsWhenAbsent) {
  absl::StatusOr<Config> loaded = ConfigText{}.load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const L2tpConfig& l2tp = loaded->l2tp;
  EXPECT_EQ(l2tp.host_name, "lns");
  EXPECT_TRUE(l2tp.secret.empty());
  EXPECT_TRUE(l2tp.require_auth);
  EXPECT_FALSE(l2tp.hide_avps);
  EXPECT_EQ(l2tp.hello_interval, 60u);
  EXPECT_EQ(l2tp.retransmit.initial_ms, 1000u);
  EXPECT_EQ(l2tp.retransmit.max_ms, 8000u);
  EXPECT_EQ(l2tp.retransmit.retries, 5u);
  EXPECT_EQ(l2tp.retransmit.ack_delay_ms, 100u);
  EXPECT_EQ(l2tp.receive_window, 16);
  EXPECT_EQ(l2tp.max_tunnels, 1024u);
  EXPECT_EQ(l2tp.max_sessions, 200000u);
  EXPECT_EQ(l2tp.max_sessions_per_tunnel, 65535u);
  EXPECT_TRUE(l2tp.allow_unknown_lacs);
  EXPECT_FALSE(l2tp.permissive);
  EXPECT_EQ(l2tp.admission.sccrq_per_second, 0.0);
  EXPECT_FALSE(l2tp.admission.sccrq_burst.has_value());
  EXPECT_TRUE(l2tp.lacs.empty());
}

TEST(L2tpSectionErrors, UnknownSettingsListWhatIsExpected) {
  EXPECT_THAT(
      errors_of(load_l2tp("hostname = \"x\";\nretransmit = { tries = 3; };\n"
                          "lacs = ( { name = \"a\"; address = \"192.0.2.9\"; port = 1701; } );")),
      ElementsAre(
          "t.cfg:8: l2tp.hostname: unknown setting 'hostname' in l2tp; expected one of: "
          "host_name, secret, require_auth, hide_avps, hello_interval, retransmit, "
          "receive_window, max_tunnels, max_sessions, max_sessions_per_tunnel, "
          "allow_unknown_lacs, permissive, admission, lacs",
          "t.cfg:9: l2tp.retransmit.tries: unknown setting 'tries' in l2tp.retransmit; expected "
          "one of: initial_ms, max_ms, retries, ack_delay_ms",
          "t.cfg:10: l2tp.lacs.[0].port: unknown setting 'port' in l2tp.lacs.[0]; expected one "
          "of: name, address, host_name, secret, require_auth, hide_avps, hello_interval, "
          "receive_window, max_sessions, permissive"));
}

TEST(L2tpSectionErrors, TypesAndRanges) {
  EXPECT_THAT(
      errors_of(load_l2tp(
          "require_auth = 1; hide_avps = \"no\"; hello_interval = 3601; receive_window = 0;\n"
          "max_tunnels = 65536; max_sessions_per_tunnel = 0; host_name = \"\";\n"
          "retransmit = { initial_ms = 99; retries = 0; ack_delay_ms = 10001; max_ms = 120001; "
          "};\n"
          "admission = { sccrq_per_second = -1; icrq_per_second = \"fast\"; icrq_burst = 0; "
          "sccrq_per_second_per_peer = 1000001.0; };")),
      ElementsAre(
          "t.cfg:8: l2tp.require_auth: expected true or false, got 1",
          "t.cfg:8: l2tp.hide_avps: expected true or false, got \"no\"",
          "t.cfg:8: l2tp.hello_interval: expected 0 (off) or an integer 1..3600, got 3601",
          "t.cfg:8: l2tp.receive_window: expected an integer 1..32767, got 0",
          "t.cfg:9: l2tp.host_name: expected a host name of 1..255 characters, got an empty "
          "string",
          "t.cfg:9: l2tp.max_tunnels: expected an integer 1..65535, got 65536",
          "t.cfg:9: l2tp.max_sessions_per_tunnel: expected an integer 1..65535, got 0",
          "t.cfg:10: l2tp.retransmit.initial_ms: expected an integer 100..60000, got 99",
          "t.cfg:10: l2tp.retransmit.max_ms: expected an integer 100..120000, got 120001",
          "t.cfg:10: l2tp.retransmit.retries: expected an integer 1..100, got 0",
          "t.cfg:10: l2tp.retransmit.ack_delay_ms: expected an integer 0..10000, got 10001",
          "t.cfg:11: l2tp.admission.sccrq_per_second: expected a number 0..1000000 (per second, 0 "
          "for unlimited), got -1",
          "t.cfg:11: l2tp.admission.sccrq_per_second_per_peer: expected a number 0..1000000 (per "
          "second, 0 for unlimited), got the floating-point number 1000001.0",
          "t.cfg:11: l2tp.admission.icrq_per_second: expected a number 0..1000000 (per second, 0 "
          "for unlimited), got \"fast\"",
          "t.cfg:11: l2tp.admission.icrq_burst: expected a number 1..1000000 (tokens), got 0"));
}

TEST(L2tpSectionErrors, LacEntriesMustBeGroupsWithAName) {
  EXPECT_THAT(
      errors_of(load_l2tp("lacs = ( \"bras1\",\n { address = \"192.0.2.2\"; } );")),
      ElementsAre("t.cfg:8: l2tp.lacs.[0]: expected a group { name = ...; address = ...; ... } "
                  "describing a LAC, got \"bras1\"",
                  "t.cfg:9: l2tp.lacs.[1].name: required setting is missing; expected a LAC "
                  "name of 1..64 characters"));
  EXPECT_THAT(errors_of(load_l2tp("lacs = { name = \"bras1\"; };")),
              ElementsAre("t.cfg:8: l2tp.lacs: expected a list ( { ... }, { ... } ) of LACs, got "
                          "a group { ... }"));
}

TEST(L2tpSectionErrors, NamesAreCheckedForControlCharactersAndBlanks) {
  EXPECT_THAT(errors_of(load_l2tp("host_name = \" lns\";\n"
                                  "lacs = ( { name = \"a\\tb\"; address = \"192.0.2.2\"; } );")),
              ElementsAre("t.cfg:8: l2tp.host_name: expected a host name of 1..255 characters, "
                          "got \" lns\" (blanks at either end are not allowed)",
                          "t.cfg:9: l2tp.lacs.[0].name: expected a LAC name of 1..64 "
                          "characters, got \"a\\x09b\" (control or non-ASCII characters are not "
                          "allowed)"));
  // A secret is hashed, never shown: anything goes but emptiness.
  absl::StatusOr<Config> loaded = load_l2tp("secret = \" \\t odd secret \";");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->l2tp.secret, " \t odd secret ");
}

TEST(L2tpSectionErrors, LacNeedsAnAddressOrHostName) {
  EXPECT_THAT(errors_of(load_l2tp("secret = \"s\";\nlacs = ( { name = \"nowhere\"; } );")),
              ElementsAre("t.cfg:9: l2tp.lacs.[0]: needs an address or a host_name to recognise "
                          "the LAC by; expected address = \"192.0.2.2\" or host_name = \"bras1\""));
}

TEST(L2tpSectionErrors, AuthenticatingLacNeedsASecretWithoutAGlobalOne) {
  // require_auth defaults to true.
  EXPECT_THAT(errors_of(load_l2tp("lacs = ( { name = \"bras1\"; address = \"192.0.2.2\"; } );")),
              ElementsAre("t.cfg:8: l2tp.lacs.[0].secret: required because this LAC must "
                          "authenticate (require_auth) and l2tp.secret is not set; expected a "
                          "shared secret of 1..1024 characters"));
  // Its own secret, a global one, or no authentication will do.
  EXPECT_THAT(errors_of(load_l2tp(
                  "lacs = ( { name = \"bras1\"; address = \"192.0.2.2\"; secret = \"s\"; } );")),
              IsEmpty());
  EXPECT_THAT(errors_of(load_l2tp(
                  "secret = \"g\"; lacs = ( { name = \"bras1\"; address = \"192.0.2.2\"; } );")),
              IsEmpty());
  EXPECT_THAT(errors_of(load_l2tp("require_auth = false;\n"
                                  "lacs = ( { name = \"bras1\"; address = \"192.0.2.2\"; } );")),
              IsEmpty());
  EXPECT_THAT(errors_of(load_l2tp("lacs = ( { name = \"bras1\"; address = \"192.0.2.2\"; "
                                  "require_auth = false; } );")),
              IsEmpty());
}

TEST(L2tpSectionErrors, HidingAvpsNeedsASecret) {
  EXPECT_THAT(errors_of(load_l2tp("require_auth = false;\n"
                                  "lacs = ( { name = \"bras1\"; address = \"192.0.2.2\";\n"
                                  "hide_avps = true; } );")),
              // The secret is not written: the error points at the LAC's group.
              ElementsAre(HasSubstr("t.cfg:9: l2tp.lacs.[0].secret: required because AVPs to "
                                    "this LAC are hidden (hide_avps)")));
  EXPECT_THAT(errors_of(load_l2tp("require_auth = false; hide_avps = true;")),
              ElementsAre("t.cfg:8: l2tp.hide_avps: is true, but l2tp.secret is not set: AVPs "
                          "to LACs without a secret of their own could not be hidden; set "
                          "l2tp.secret or hide_avps = false"));
  // Only listed LACs may connect, and each has a secret: fine.
  EXPECT_THAT(errors_of(load_l2tp("hide_avps = true; allow_unknown_lacs = false;\n"
                                  "lacs = ( { name = \"bras1\"; address = \"192.0.2.2\"; "
                                  "secret = \"s\"; } );")),
              IsEmpty());
}

TEST(L2tpSectionErrors, AnAllowListNeedsEntries) {
  EXPECT_THAT(errors_of(load_l2tp("allow_unknown_lacs = false;")),
              ElementsAre("t.cfg:8: l2tp.allow_unknown_lacs: is false, so only LACs listed in "
                          "l2tp.lacs may open tunnels, and none are listed"));
}

TEST(L2tpSectionErrors, DuplicatePoliciesWouldNeverApply) {
  EXPECT_THAT(
      errors_of(load_l2tp("secret = \"s\"; lacs = (\n"
                          "  { name = \"a\"; address = \"192.0.2.2\"; },\n"
                          "  { name = \"b\"; address = \"192.0.2.2\"; host_name = \"x\"; },\n"
                          "  { name = \"a\"; host_name = \"x\"; },\n"
                          "  { name = \"d\"; host_name = \"x\"; }\n"
                          ");")),
      ElementsAre("t.cfg:10: l2tp.lacs.[1].address: 192.0.2.2 is also the address of "
                  "l2tp.lacs.[0] (line 9); only the first would apply",
                  "t.cfg:11: l2tp.lacs.[2].name: \"a\" is also the name of l2tp.lacs.[0] (line 9)",
                  // [1] has an address, so its host name does not count.
                  "t.cfg:12: l2tp.lacs.[3].host_name: \"x\" is also the host name of "
                  "l2tp.lacs.[2] (line 11), which has no address either; only the first would "
                  "apply"));
}

TEST(L2tpSectionErrors, LacMustNotBeOurOwnAddress) {
  EXPECT_THAT(errors_of(load_l2tp(
                  "secret = \"s\"; lacs = ( { name = \"me\"; address = \"192.0.2.1\"; } );")),
              ElementsAre("t.cfg:8: l2tp.lacs.[0].address: 192.0.2.1 is access.ipv4, lnsd's own "
                          "address; expected the LAC's"));
}

TEST(L2tpSectionErrors, RetransmitTimersMustFitTogether) {
  EXPECT_THAT(
      errors_of(load_l2tp("retransmit = { initial_ms = 2000; max_ms = 1000; ack_delay_ms = 2000; "
                          "};")),
      ElementsAre("t.cfg:8: l2tp.retransmit.max_ms: expected at least "
                  "l2tp.retransmit.initial_ms = 2000 (the timeout only grows), got 1000",
                  "t.cfg:8: l2tp.retransmit.ack_delay_ms: expected less than "
                  "l2tp.retransmit.initial_ms = 2000 (a peer with the same timers would "
                  "retransmit before our delayed acknowledgement), got 2000"));
}

}  // namespace
}  // namespace lns::config
