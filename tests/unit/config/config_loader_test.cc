// What the loader accepts, and how it reports each kind of mistake in a
// single setting: "<file>:<line>: <path>: <expected ...>, got <...>".
#include "config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "config/addresses.h"
#include "tests/unit/config/config_text_builder.h"

namespace lns::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::ConfigText;
using testing::errors_of;
using testing::session;
using testing::session_line;

constexpr char kEverySetting[] = R"(eal = { args = ["--in-memory", "--no-huge"]; main_lcore = 3; heap_prefault_mb = 512; };
dataplane = {
  workers = [1, 5]; distribution = "rss"; handoff_ring_size = 256;  # worker lcores
  mbufs = 40000; mbuf_cache = 128; encap_header_writes = "stream";
  tcp_mss_clamp = 1400;     # 0 = off
  max_sessions = 70000;
  session_mtu = 1440;
  punt = { rate_pps = 1000; burst = 64; ring_size = 256; };
  reassembly = { max_flows = 100; timeout_ms = 500; };
};
access = { device = "net_ring_access"; ipv4 = "192.0.2.1"; vlan = 100; next_hop_mac = "02:00:00:00:00:01"; mtu = 1600; rx_descriptors = 512; tx_descriptors = 256; };
core = { device = "0000:03:00.0"; next_hop_mac = "02:00:00:00:00:02"; ipv4 = "198.51.100.1"; vlan = 4094; mtu = 9216; rx_descriptors = 2048; tx_descriptors = 4096; };
static_sessions = (
  { lac = "192.0.2.2"; lac_port = 1702; tunnel_id = 1; session_id = 2; peer_tunnel_id = 10; peer_session_id = 20;
    ipv4 = "100.64.0.1"; ipv6_prefix = "2001:db8:1::/64"; mtu = 1460; lac_mac = "02:00:00:00:00:09"; count = 3; },
  { lac = "192.0.2.3"; tunnel_id = 2; session_id = 1; peer_tunnel_id = 11; peer_session_id = 1; ipv4 = "100.64.1.1"; }
);
)";

TEST(LoadConfig, ReadsEverySetting) {
  absl::StatusOr<Config> loaded = load_config_string(kEverySetting, "every.cfg");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const Config& c = *loaded;
  EXPECT_EQ(c.source, "every.cfg");
  EXPECT_EQ(c.eal.args, (std::vector<std::string>{"--in-memory", "--no-huge"}));
  EXPECT_EQ(c.eal.main_lcore, 3u);
  EXPECT_EQ(c.eal.heap_prefault_mb, 512u);
  EXPECT_EQ(c.dataplane.worker_lcores, (std::vector<unsigned>{1, 5}));
  EXPECT_EQ(c.dataplane.distribution, Distribution::kRss);
  EXPECT_EQ(c.dataplane.handoff_ring_size, 256u);
  EXPECT_EQ(c.dataplane.mbufs, 40000u);
  EXPECT_EQ(c.dataplane.mbuf_cache, 128u);
  EXPECT_EQ(c.dataplane.encap_header_writes, EncapHeaderWrites::kStream);
  EXPECT_EQ(c.dataplane.tcp_mss_clamp, 1400);
  EXPECT_EQ(c.dataplane.max_sessions, 70000u);
  EXPECT_EQ(c.dataplane.session_mtu, 1440);
  EXPECT_EQ(c.dataplane.punt.rate_pps, 1000u);
  EXPECT_EQ(c.dataplane.punt.burst, 64u);
  EXPECT_EQ(c.dataplane.punt.ring_size, 256u);
  EXPECT_EQ(c.dataplane.reassembly.max_flows, 100u);
  EXPECT_EQ(c.dataplane.reassembly.timeout_ms, 500u);

  EXPECT_EQ(c.access.device, "net_ring_access");
  EXPECT_EQ(c.access.ipv4, *parse_ipv4("192.0.2.1"));
  EXPECT_EQ(c.access.vlan, 100);
  EXPECT_EQ(c.access.next_hop_mac, *parse_mac("02:00:00:00:00:01"));
  EXPECT_EQ(c.access.mtu, 1600);
  EXPECT_EQ(c.access.rx_descriptors, 512);
  EXPECT_EQ(c.access.tx_descriptors, 256);
  EXPECT_EQ(c.core.device, "0000:03:00.0");
  EXPECT_EQ(c.core.ipv4, *parse_ipv4("198.51.100.1"));
  EXPECT_EQ(c.core.vlan, 4094);
  EXPECT_EQ(c.core.next_hop_mac, *parse_mac("02:00:00:00:00:02"));
  EXPECT_EQ(c.core.mtu, 9216);
  EXPECT_EQ(c.core.rx_descriptors, 2048);
  EXPECT_EQ(c.core.tx_descriptors, 4096);

  ASSERT_EQ(c.static_sessions.size(), 2u);
  const StaticSession& s = c.static_sessions[0];
  EXPECT_EQ(s.lac_ipv4, *parse_ipv4("192.0.2.2"));
  EXPECT_EQ(s.lac_port, 1702);
  EXPECT_EQ(s.tunnel_id, 1);
  EXPECT_EQ(s.session_id, 2);
  EXPECT_EQ(s.peer_tunnel_id, 10);
  EXPECT_EQ(s.peer_session_id, 20);
  EXPECT_EQ(s.subscriber_ipv4, *parse_ipv4("100.64.0.1"));
  EXPECT_EQ(s.subscriber_ipv6, *parse_ipv6_prefix("2001:db8:1::/64"));
  EXPECT_EQ(s.mtu, 1460);
  EXPECT_EQ(s.lac_mac, *parse_mac("02:00:00:00:00:09"));
  EXPECT_EQ(s.count, 3u);
  EXPECT_EQ(s.line, 14);

  const StaticSession& d = c.static_sessions[1];
  EXPECT_EQ(d.lac_port, 1701);
  EXPECT_FALSE(d.subscriber_ipv6.has_value());
  EXPECT_FALSE(d.mtu.has_value());
  EXPECT_FALSE(d.lac_mac.has_value());
  EXPECT_EQ(d.count, 1u);
  EXPECT_EQ(d.line, 16);
}

TEST(LoadConfig, OmittedSettingsKeepTheModelDefaults) {
  absl::StatusOr<Config> loaded = load_config_string(
      "access = { device = \"net_tap0\"; ipv4 = \"192.0.2.1\"; };\n"
      "core = { device = \"net_tap1\"; next_hop_mac = \"02:00:00:00:00:02\"; };\n",
      "minimal.cfg");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const Config defaults;
  EXPECT_EQ(loaded->eal.args, defaults.eal.args);
  EXPECT_EQ(loaded->eal.main_lcore, defaults.eal.main_lcore);
  EXPECT_EQ(loaded->eal.heap_prefault_mb, 0u);
  EXPECT_EQ(loaded->dataplane.worker_lcores, defaults.dataplane.worker_lcores);
  EXPECT_EQ(loaded->dataplane.distribution, Distribution::kRss);
  EXPECT_EQ(loaded->dataplane.encap_header_writes, EncapHeaderWrites::kAuto);
  EXPECT_EQ(loaded->dataplane.handoff_ring_size, defaults.dataplane.handoff_ring_size);
  EXPECT_EQ(loaded->dataplane.mbufs, defaults.dataplane.mbufs);
  EXPECT_EQ(loaded->dataplane.punt.ring_size, defaults.dataplane.punt.ring_size);
  EXPECT_EQ(loaded->dataplane.reassembly.timeout_ms, defaults.dataplane.reassembly.timeout_ms);
  EXPECT_FALSE(loaded->access.vlan.has_value());
  EXPECT_FALSE(loaded->access.next_hop_mac.has_value());
  EXPECT_FALSE(loaded->core.ipv4.has_value());
  EXPECT_EQ(loaded->core.mtu, defaults.core.mtu);
  EXPECT_TRUE(loaded->static_sessions.empty());
}

TEST(LoadConfig, AcceptsHexLongAndListSpellings) {
  ConfigText text;
  text.eal = "args = (\"--in-memory\");";
  text.dataplane = "workers = (1, 2); mbufs = 0x10000; max_sessions = 100000L;";
  absl::StatusOr<Config> loaded = text.load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->eal.args, std::vector<std::string>{"--in-memory"});
  EXPECT_EQ(loaded->dataplane.worker_lcores, (std::vector<unsigned>{1, 2}));
  EXPECT_EQ(loaded->dataplane.mbufs, 65536u);
  EXPECT_EQ(loaded->dataplane.max_sessions, 100000u);
}

TEST(LoadConfig, EmptyStaticSessionListOrArrayMeansNone) {
  for (const char* sessions : {"()", "[]"}) {
    ConfigText text;
    std::string rendered = text.render();
    rendered = rendered.substr(0, rendered.find("static_sessions")) +
               absl::StrCat("static_sessions = ", sessions, ";\n");
    absl::StatusOr<Config> loaded = load_config_string(rendered, "t.cfg");
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_TRUE(loaded->static_sessions.empty());
  }
}

TEST(LoadConfigErrors, SyntaxErrorNamesFileAndLine) {
  EXPECT_THAT(errors_of(load_config_string("eal = {};\n\ndataplane = { mbufs = ; };\n", "s.cfg")),
              ElementsAre("s.cfg:3: syntax error"));
}

TEST(LoadConfigErrors, DuplicateSettingIsASyntaxError) {
  ConfigText text;
  text.dataplane = "mbufs = 2048; mbufs = 4096;";
  EXPECT_THAT(errors_of(text.load()), ElementsAre("t.cfg:2: duplicate setting name"));
}

TEST(LoadConfigErrors, UnknownSettingsListWhatIsExpected) {
  ConfigText text;
  text.dataplane = "mbufz = 2048;";
  text.core += " speed = 10;";
  text.sessions = {session(1, 1, "100.64.0.1", "colour = \"red\";")};
  std::string rendered = text.render() + "extra = 1;\n";
  EXPECT_THAT(
      errors_of(load_config_string(rendered, "t.cfg")),
      ElementsAre(
          "t.cfg:2: dataplane.mbufz: unknown setting 'mbufz' in dataplane; expected one of: "
          "workers, distribution, handoff_ring_size, idle_sleep_us, mbufs, mbuf_cache, access_frame_offset, "
          "encap_header_writes, tcp_mss_clamp, max_sessions, session_mtu, punt, reassembly",
          "t.cfg:4: core.speed: unknown setting 'speed' in core; expected one of: device, vlan, "
          "ipv4, next_hop_mac, mtu, rx_descriptors, tx_descriptors",
          "t.cfg:6: static_sessions.[0].colour: unknown setting 'colour' in static_sessions.[0]; "
          "expected one of: lac, lac_port, tunnel_id, session_id, peer_tunnel_id, "
          "peer_session_id, ipv4, ipv6_prefix, mtu, lac_mac, count",
          "t.cfg:8: extra: unknown setting 'extra' at the top level; expected one of: eal, "
          "dataplane, access, core, static_sessions, l2tp, ppp, aaa, cli"));
}

TEST(LoadConfigErrors, UnknownSettingsInNestedGroups) {
  ConfigText text;
  text.eal = "cores = 4;";
  text.dataplane = "punt = { rate = 5; }; reassembly = { flows = 5; };";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre(HasSubstr("t.cfg:1: eal.cores: unknown setting 'cores' in eal; "
                                    "expected one of: args, main_lcore, heap_prefault_mb"),
                          HasSubstr("t.cfg:2: dataplane.punt.rate: unknown setting 'rate' in "
                                    "dataplane.punt; expected one of: rate_pps, burst, ring_size"),
                          HasSubstr("t.cfg:2: dataplane.reassembly.flows: unknown setting "
                                    "'flows' in dataplane.reassembly")));
}

TEST(LoadConfigErrors, WrongTypesSayWhatWasExpectedAndWhatWasFound) {
  ConfigText text;
  text.dataplane =
      "mbufs = \"many\"; mbuf_cache = 256.0; max_sessions = 1.5; session_mtu = true; "
      "tcp_mss_clamp = [1]; punt = { burst = { }; }; reassembly = ( );";
  text.access = "device = 5; ipv4 = 3232235777; next_hop_mac = [\"02:00:00:00:00:01\"];";
  EXPECT_THAT(
      errors_of(text.load()),
      ElementsAre(
          "t.cfg:2: dataplane.mbufs: expected an integer 1024..67108864, got \"many\"",
          "t.cfg:2: dataplane.mbuf_cache: expected an integer 0..512, got the floating-point "
          "number 256.0",
          "t.cfg:2: dataplane.tcp_mss_clamp: expected 0 (off) or an integer 536..9176, got an "
          "array [ ... ]",
          "t.cfg:2: dataplane.max_sessions: expected an integer 1..16777216, got the "
          "floating-point number 1.5",
          "t.cfg:2: dataplane.session_mtu: expected an integer 576..9000, got the boolean true",
          "t.cfg:2: dataplane.punt.burst: expected an integer 1..1048576, got a group { ... }",
          "t.cfg:2: dataplane.reassembly: expected a group { ... }, got an empty list ()",
          "t.cfg:3: access.device: expected a PCI address like 0000:03:00.0 or a vdev like "
          "net_tap0,iface=lns0, got 5",
          "t.cfg:3: access.ipv4: expected a unicast IPv4 address like 192.0.2.1, got 3232235777",
          "t.cfg:3: access.next_hop_mac: expected a unicast MAC address like 02:00:00:00:00:01, "
          "got an array [ ... ]"));
}

TEST(LoadConfigErrors, SectionOfTheWrongKindIsReportedOnce) {
  std::string rendered =
      "access = \"net_tap0\";\n"
      "core = { device = \"net_tap1\"; next_hop_mac = \"02:00:00:00:00:02\"; };\n"
      "static_sessions = { lac = \"192.0.2.2\"; };\n";
  EXPECT_THAT(errors_of(load_config_string(rendered, "t.cfg")),
              ElementsAre("t.cfg:1: access: expected a group { ... }, got \"net_tap0\"",
                          "t.cfg:3: static_sessions: expected a list ( { ... }, { ... } ) of "
                          "static sessions, got a group { ... }"));
}

TEST(LoadConfigErrors, StaticSessionMustBeAGroup) {
  ConfigText text;
  text.sessions = {"tunnel_id = 1"};
  std::string rendered = text.render();
  // Replace the group by a bare scalar in the list.
  const std::string group = "{ tunnel_id = 1 }";
  rendered.replace(rendered.find(group), group.size(), "5");
  EXPECT_THAT(errors_of(load_config_string(rendered, "t.cfg")),
              ElementsAre("t.cfg:6: static_sessions.[0]: expected a group { lac = ...; tunnel_id "
                          "= ...; ... } describing static sessions, got 5"));
}

struct RangeCase {
  std::string dataplane;
  std::string access;
  std::string expected;  // the one error line
};

class OutOfRange : public ::testing::TestWithParam<RangeCase> {};

TEST_P(OutOfRange, NamesTheRangeAndTheValue) {
  ConfigText text;
  text.dataplane = GetParam().dataplane;
  if (!GetParam().access.empty()) text.access += " " + GetParam().access;
  EXPECT_THAT(errors_of(text.load()), ElementsAre(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    LoadConfigErrors, OutOfRange,
    ::testing::Values(
        RangeCase{"mbufs = 1023;", "",
                  "t.cfg:2: dataplane.mbufs: expected an integer 1024..67108864, got 1023"},
        RangeCase{"mbuf_cache = 513;", "",
                  "t.cfg:2: dataplane.mbuf_cache: expected an integer 0..512, got 513"},
        RangeCase{"tcp_mss_clamp = 535;", "",
                  "t.cfg:2: dataplane.tcp_mss_clamp: expected 0 (off) or an integer 536..9176, "
                  "got 535"},
        RangeCase{"max_sessions = 0;", "",
                  "t.cfg:2: dataplane.max_sessions: expected an integer 1..16777216, got 0"},
        RangeCase{"session_mtu = 575;", "",
                  "t.cfg:2: dataplane.session_mtu: expected an integer 576..9000, got 575"},
        RangeCase{"session_mtu = 9001;", "",
                  "t.cfg:2: dataplane.session_mtu: expected an integer 576..9000, got 9001"},
        RangeCase{"punt = { rate_pps = 0; };", "",
                  "t.cfg:2: dataplane.punt.rate_pps: expected an integer 1..100000000, got 0"},
        RangeCase{"punt = { burst = -1; };", "",
                  "t.cfg:2: dataplane.punt.burst: expected an integer 1..1048576, got -1"},
        RangeCase{"punt = { ring_size = 1000; };", "",
                  "t.cfg:2: dataplane.punt.ring_size: expected a power of two 64..1048576, got "
                  "1000"},
        RangeCase{"handoff_ring_size = 100;", "",
                  "t.cfg:2: dataplane.handoff_ring_size: expected a power of two 64..65536, got "
                  "100"},
        RangeCase{"distribution = \"flow\";", "",
                  "t.cfg:2: dataplane.distribution: expected \"rss\" or \"session\", got "
                  "\"flow\" (unknown distribution)"},
        RangeCase{"distribution = 1;", "",
                  "t.cfg:2: dataplane.distribution: expected \"rss\" or \"session\", got 1"},
        RangeCase{"encap_header_writes = \"nt\";", "",
                  "t.cfg:2: dataplane.encap_header_writes: expected \"auto\", \"stream\" or \"store\", "
                  "got \"nt\" (unknown way of writing)"},
        RangeCase{"encap_header_writes = true;", "",
                  "t.cfg:2: dataplane.encap_header_writes: expected \"auto\", \"stream\" or \"store\", "
                  "got the boolean true"},
        RangeCase{"punt = { ring_size = 32; };", "",
                  "t.cfg:2: dataplane.punt.ring_size: expected a power of two 64..1048576, got "
                  "32"},
        RangeCase{"reassembly = { max_flows = 0; };", "",
                  "t.cfg:2: dataplane.reassembly.max_flows: expected an integer 1..1048576, got "
                  "0"},
        RangeCase{"reassembly = { timeout_ms = 60001; };", "",
                  "t.cfg:2: dataplane.reassembly.timeout_ms: expected an integer 1..60000, got "
                  "60001"},
        RangeCase{"", "vlan = 0;", "t.cfg:3: access.vlan: expected an integer 1..4094, got 0"},
        RangeCase{"", "vlan = 4095;",
                  "t.cfg:3: access.vlan: expected an integer 1..4094, got 4095"},
        RangeCase{"", "mtu = 575;", "t.cfg:3: access.mtu: expected an integer 576..9216, got 575"},
        RangeCase{"", "mtu = 9217;",
                  "t.cfg:3: access.mtu: expected an integer 576..9216, got 9217"},
        RangeCase{"", "rx_descriptors = 1000;",
                  "t.cfg:3: access.rx_descriptors: expected a power of two 64..32768, got 1000"},
        RangeCase{"", "tx_descriptors = 65536;",
                  "t.cfg:3: access.tx_descriptors: expected a power of two 64..32768, got "
                  "65536"}));

TEST(LoadConfigErrors, StaticSessionFieldRanges) {
  ConfigText text;
  text.sessions = {
      "lac = \"192.0.2.2\"; lac_port = 0; tunnel_id = 0; session_id = 65536; "
      "peer_tunnel_id = 70000; peer_session_id = -1; ipv4 = \"100.64.0.1\"; mtu = 9001; "
      "count = 0;"};
  EXPECT_THAT(
      errors_of(text.load()),
      ElementsAre(
          "t.cfg:6: static_sessions.[0].lac_port: expected an integer 1..65535, got 0",
          "t.cfg:6: static_sessions.[0].tunnel_id: expected an integer 1..65535, got 0",
          "t.cfg:6: static_sessions.[0].session_id: expected an integer 1..65535, got 65536",
          "t.cfg:6: static_sessions.[0].peer_tunnel_id: expected an integer 1..65535, got 70000",
          "t.cfg:6: static_sessions.[0].peer_session_id: expected an integer 1..65535, got -1",
          "t.cfg:6: static_sessions.[0].mtu: expected an integer 576..9000, got 9001",
          "t.cfg:6: static_sessions.[0].count: expected an integer 1..16777216, got 0"));
}

TEST(LoadConfigErrors, ErrorPointsAtTheLineOfTheSettingNotItsGroup) {
  std::string rendered =
      "access = { device = \"net_tap0\"; ipv4 = \"192.0.2.1\"; };\n"
      "core = { device = \"net_tap1\"; next_hop_mac = \"02:00:00:00:00:02\"; };\n"
      "static_sessions = (\n"
      "  {\n"
      "    lac = \"192.0.2.2\"; tunnel_id = 1; session_id = 1;\n"
      "    peer_tunnel_id = 1; peer_session_id = 1;\n"
      "    ipv4 = \"100.64.0.1\";\n"
      "    lac_mac = \"02:00:00:00:00:09\";\n"
      "  },\n"
      "  {\n"
      "    lac = \"192.0.2.2\"; tunnel_id = 70000; session_id = 1;\n"
      "  }\n"
      ");\n";
  EXPECT_THAT(
      errors_of(load_config_string(rendered, "bench.cfg")),
      ElementsAre(
          "bench.cfg:10: static_sessions.[1].peer_tunnel_id: required setting is missing; "
          "expected an integer 1..65535",
          "bench.cfg:10: static_sessions.[1].peer_session_id: required setting is missing; "
          "expected an integer 1..65535",
          "bench.cfg:10: static_sessions.[1].ipv4: required setting is missing; expected a "
          "unicast IPv4 address like 192.0.2.1",
          "bench.cfg:11: static_sessions.[1].tunnel_id: expected an integer 1..65535, got "
          "70000"));
}

TEST(LoadConfigErrors, IntegersTooLargeForLibconfigAreNotTruncated) {
  // libconfig 1.5 would read 4294967297 as 1 and 70000000000 as 1280523264.
  ConfigText text;
  text.sessions = {session(1, 1, "100.64.0.1", "count = 4294967297;"),
                   session(2, 1, "100.64.1.1", "mtu = 70000000000;"),
                   session(3, 1, "100.64.2.1", "lac_port = 0xFFFFFFFF;"),
                   session(4, 1, "100.64.3.1", "mtu = -2147483649;")};
  EXPECT_THAT(
      errors_of(text.load()),
      ElementsAre(
          "t.cfg:6: static_sessions.[0].count: expected an integer 1..16777216, got 4294967297",
          "t.cfg:7: static_sessions.[1].mtu: expected an integer 576..9000, got 70000000000",
          "t.cfg:8: static_sessions.[2].lac_port: expected an integer 1..65535, got 4294967295",
          "t.cfg:9: static_sessions.[3].mtu: expected an integer 576..9000, got -2147483649"));
}

TEST(LoadConfigErrors, IntegersBeyond64BitsAreRejected) {
  ConfigText text;
  text.dataplane = "mbufs = 99999999999999999999;";
  text.access += " mtu = 0x1FFFFFFFFFFFFFFFFL;";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:2: integer 99999999999999999999 does not fit in 64 bits",
                          "t.cfg:3: integer 0x1FFFFFFFFFFFFFFFFL does not fit in 64 bits"));
}

TEST(LoadConfigErrors, NumbersInsideStringsAndCommentsAreLeftAlone) {
  std::string rendered =
      "eal = { args = [\"--file-prefix=99999999999999999999\"]; };  # 99999999999999999999\n"
      "dataplane = { /* 4294967297 */ mbufs = 8192; };  // 99999999999999999999\n"
      "access = { device = \"net_tap0\"; ipv4 = \"192.0.2.1\"; };\n"
      "core = { device = \"net_tap1\"; next_hop_mac = \"02:00:00:00:00:02\"; };\n";
  absl::StatusOr<Config> loaded = load_config_string(rendered, "t.cfg");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->eal.args[0], "--file-prefix=99999999999999999999");
  EXPECT_EQ(loaded->dataplane.mbufs, 8192u);
}

TEST(LoadConfigErrors, RequiredSettingsAreNamedWhenMissing) {
  ConfigText text;
  text.access = "next_hop_mac = \"02:00:00:00:00:01\";";
  text.core = "ipv4 = \"198.51.100.1\";";
  text.sessions = {"count = 2;"};
  EXPECT_THAT(
      errors_of(text.load()),
      ElementsAre(
          "t.cfg:3: access.device: required setting is missing; expected a PCI address like "
          "0000:03:00.0 or a vdev like net_tap0,iface=lns0",
          "t.cfg:3: access.ipv4: required setting is missing; expected a unicast IPv4 address "
          "like 192.0.2.1",
          "t.cfg:4: core.device: required setting is missing; expected a PCI address like "
          "0000:03:00.0 or a vdev like net_tap0,iface=lns0",
          "t.cfg:4: core.next_hop_mac: required setting is missing; expected a unicast MAC "
          "address like 02:00:00:00:00:01",
          HasSubstr("t.cfg:6: static_sessions.[0].lac: required setting is missing"),
          HasSubstr("t.cfg:6: static_sessions.[0].tunnel_id: required setting is missing"),
          HasSubstr("t.cfg:6: static_sessions.[0].session_id: required setting is missing"),
          HasSubstr("t.cfg:6: static_sessions.[0].peer_tunnel_id: required setting is missing"),
          HasSubstr("t.cfg:6: static_sessions.[0].peer_session_id: required setting is missing"),
          HasSubstr("t.cfg:6: static_sessions.[0].ipv4: required setting is missing")));
}

TEST(LoadConfigErrors, MissingSectionsHaveNoLine) {
  EXPECT_THAT(errors_of(load_config_string("# nothing\n", "empty.cfg")),
              ElementsAre(HasSubstr("empty.cfg: access.device: required setting is missing"),
                          HasSubstr("empty.cfg: access.ipv4: required setting is missing"),
                          HasSubstr("empty.cfg: core.device: required setting is missing"),
                          HasSubstr("empty.cfg: core.next_hop_mac: required setting is missing")));
}

TEST(LoadConfigErrors, AddressSyntax) {
  ConfigText text;
  text.access =
      "device = \"net_tap0\"; ipv4 = \"192.0.2.256\"; next_hop_mac = \"02:00:00:00:00\";";
  text.core = "device = \"net_tap1\"; ipv4 = \"224.0.0.1\"; next_hop_mac = \"ff:ff:ff:ff:ff:ff\";";
  text.sessions = {session(1, 1, "127.0.0.1", "lac_mac = \"00:00:00:00:00:00\";"),
                   session(2, 1, "100.64.0.1", "ipv6_prefix = \"2001:db8::1/64\";"),
                   session(3, 1, "100.64.0.2", "ipv6_prefix = \"2001:db8::/65\";"),
                   session(4, 1, "100.64.0.3", "ipv6_prefix = \"::/0\";"),
                   session(5, 1, "100.64.0.4", "ipv6_prefix = \"ff02::/16\";"),
                   session(6, 1, "100.64.0.5", "ipv6_prefix = \"2001:db8::\";")};
  EXPECT_THAT(
      errors_of(text.load()),
      ElementsAre(
          "t.cfg:3: access.ipv4: expected a unicast IPv4 address like 192.0.2.1, got "
          "\"192.0.2.256\" (each number must be 0..255)",
          "t.cfg:3: access.next_hop_mac: expected a unicast MAC address like 02:00:00:00:00:01, "
          "got \"02:00:00:00:00\" (needs six ':'-separated pairs of hex digits)",
          "t.cfg:4: core.ipv4: expected a unicast IPv4 address like 192.0.2.1, got "
          "\"224.0.0.1\" (not a unicast address)",
          "t.cfg:4: core.next_hop_mac: expected a unicast MAC address like 02:00:00:00:00:01, "
          "got \"ff:ff:ff:ff:ff:ff\" (a group (multicast) address)",
          "t.cfg:6: static_sessions.[0].ipv4: expected a unicast IPv4 address like 192.0.2.1, "
          "got \"127.0.0.1\" (not a unicast address)",
          "t.cfg:6: static_sessions.[0].lac_mac: expected a unicast MAC address like "
          "02:00:00:00:00:01, got \"00:00:00:00:00:00\" (all zeros)",
          "t.cfg:7: static_sessions.[1].ipv6_prefix: expected an IPv6 prefix like "
          "2001:db8:1::/64 with length 1..64, got \"2001:db8::1/64\" (host bits are set; the "
          "network is 2001:db8::/64)",
          "t.cfg:8: static_sessions.[2].ipv6_prefix: expected an IPv6 prefix like "
          "2001:db8:1::/64 with length 1..64, got \"2001:db8::/65\" (length out of range)",
          "t.cfg:9: static_sessions.[3].ipv6_prefix: expected an IPv6 prefix like "
          "2001:db8:1::/64 with length 1..64, got \"::/0\" (length out of range)",
          "t.cfg:10: static_sessions.[4].ipv6_prefix: expected an IPv6 prefix like "
          "2001:db8:1::/64 with length 1..64, got \"ff02::/16\" (multicast or link-local)",
          "t.cfg:11: static_sessions.[5].ipv6_prefix: expected an IPv6 prefix like "
          "2001:db8:1::/64 with length 1..64, got \"2001:db8::\" (needs an address, '/' and a "
          "prefix length)"));
}

TEST(LoadConfigErrors, DeviceSyntax) {
  ConfigText text;
  text.access = "device = \"\"; ipv4 = \"192.0.2.1\";";
  text.core = "device = \"net tap1\"; next_hop_mac = \"02:00:00:00:00:02\";";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre(HasSubstr("t.cfg:3: access.device: expected a PCI address like "
                                    "0000:03:00.0 or a vdev like net_tap0,iface=lns0, got \"\" "
                                    "(empty)"),
                          HasSubstr("t.cfg:4: core.device: expected a PCI address like "
                                    "0000:03:00.0 or a vdev like net_tap0,iface=lns0, got \"net "
                                    "tap1\" (blanks and control characters are not allowed)")));
}

TEST(LoadConfigErrors, WorkerLcores) {
  ConfigText text;
  text.dataplane = "workers = [];";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:2: dataplane.workers: expected a non-empty array of worker "
                          "lcores 0..127 like [1, 2], got an empty array []"));
  text.dataplane = "workers = 1;";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:2: dataplane.workers: expected a non-empty array of worker "
                          "lcores 0..127 like [1, 2], got 1"));
  text.dataplane = "workers = [1, 2, 1, 128];";
  EXPECT_THAT(
      errors_of(text.load()),
      ElementsAre("t.cfg:2: dataplane.workers.[2]: lcore 1 is listed twice",
                  "t.cfg:2: dataplane.workers.[3]: expected an integer 0..127, got 128"));
}

TEST(LoadConfigErrors, EalArguments) {
  ConfigText text;
  text.eal = "args = (\"--in-memory\", 5, \"\", \"-l\", \"-l0-3\", \"--lcores=1@2\", "
             "\"--main-lcore\", \"-c0x3\"); main_lcore = 128;";
  EXPECT_THAT(
      errors_of(text.load()),
      ElementsAre(
          "t.cfg:1: eal.args.[1]: expected an EAL argument string, got 5",
          "t.cfg:1: eal.args.[2]: expected an EAL argument string, got an empty string",
          "t.cfg:1: eal.args.[3]: '-l' is not allowed: lnsd sets the lcores from "
          "eal.main_lcore and dataplane.workers",
          HasSubstr("t.cfg:1: eal.args.[4]: '-l' is not allowed"),
          HasSubstr("t.cfg:1: eal.args.[5]: '--lcores' is not allowed"),
          HasSubstr("t.cfg:1: eal.args.[6]: '--main-lcore' is not allowed"),
          HasSubstr("t.cfg:1: eal.args.[7]: '-c' is not allowed"),
          "t.cfg:1: eal.main_lcore: expected an integer 0..127, got 128"));
  text.eal = "args = \"--in-memory\";";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:1: eal.args: expected an array of strings like "
                          "[\"--in-memory\"], got \"--in-memory\""));
}

TEST(LoadConfigErrors, NulBytesAndIncludesAreRejected) {
  std::string with_nul = ConfigText{}.render();
  with_nul.insert(with_nul.find("core"), std::string(1, '\0'));
  EXPECT_THAT(errors_of(load_config_string(with_nul, "t.cfg")),
              ElementsAre("t.cfg:4: the file contains a NUL byte"));
  EXPECT_THAT(
      errors_of(load_config_string("eal = {};\n@include \"other.cfg\"\n", "t.cfg")),
      ElementsAre("t.cfg:2: @include is not supported; keep the configuration in one file"));
}

TEST(LoadConfigErrors, AllErrorsAreReportedTogetherInLineOrder) {
  ConfigText text;
  text.eal = "main_lcore = -1; heap_prefault_mb = 2000000;";
  text.dataplane = "mbufs = 1;";
  text.core += " mtu = 1;";
  text.sessions = {session(1, 1, "100.64.0.1", "count = 0;"),
                   session(2, 1, "100.64.0.2", "lac_port = 0;")};
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre(HasSubstr("t.cfg:1: eal.main_lcore"),
                          HasSubstr("t.cfg:1: eal.heap_prefault_mb: expected an integer 0..1048576, got 2000000"),
                          HasSubstr("t.cfg:2: dataplane.mbufs"),
                          HasSubstr("t.cfg:4: core.mtu"),
                          HasSubstr("t.cfg:6: static_sessions.[0].count"),
                          HasSubstr("t.cfg:7: static_sessions.[1].lac_port")));
}

TEST(LoadConfigErrors, FloodsOfErrorsAreCapped) {
  ConfigText text;
  for (int i = 0; i < 250; ++i) {
    text.sessions.push_back(session(i + 1, 1, "100.64.0.1", "count = 0;"));
  }
  std::vector<std::string> errors = errors_of(text.load());
  ASSERT_EQ(errors.size(), 101u);
  EXPECT_THAT(errors.front(), HasSubstr("t.cfg:6: static_sessions.[0].count"));
  EXPECT_THAT(errors[99], HasSubstr("t.cfg:105: static_sessions.[99].count"));
  EXPECT_EQ(errors.back(), "... and 150 more errors");
}

class LoadConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("lns_config_test_", ::getpid(), "_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(LoadConfigFile, LoadsAFileAndNamesItInErrors) {
  ConfigText text;
  std::string good = write("good.cfg", text.render());
  absl::StatusOr<Config> loaded = load_config_file(good);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->source, good);

  text.dataplane = "mbufs = 5;";
  std::string bad = write("bad.cfg", text.render());
  EXPECT_THAT(errors_of(load_config_file(bad)),
              ElementsAre(absl::StrCat(bad, ":2: dataplane.mbufs: expected an integer "
                                            "1024..67108864, got 5")));
}

TEST_F(LoadConfigFile, MissingFileIsNotFound) {
  std::string path = (dir_ / "absent.cfg").string();
  absl::StatusOr<Config> loaded = load_config_file(path);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(loaded.status().message(),
            absl::StrCat("cannot read ", path, ": No such file or directory"));
}

TEST_F(LoadConfigFile, DirectoryIsAnError) {
  absl::StatusOr<Config> loaded = load_config_file(dir_.string());
  EXPECT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), HasSubstr("cannot read"));
}

TEST(LoadConfig, SucceedsWithNoErrors) {
  EXPECT_THAT(errors_of(ConfigText{}.load()), IsEmpty());
}

}  // namespace
}  // namespace lns::config
