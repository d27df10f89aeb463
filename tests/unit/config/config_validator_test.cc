// Whole-configuration checks: settings that are each valid but do not fit
// together, and static sessions that collide.
#include "config/config_validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
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
using testing::session;

TEST(ValidateConfig, WorkersMustNotUseTheMainLcore) {
  ConfigText text;
  text.eal = "main_lcore = 2;";
  text.dataplane = "workers = [1, 2];";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:2: dataplane.workers: lcore 2 is eal.main_lcore, which runs the "
                          "control plane; workers need lcores of their own"));
}

TEST(ValidateConfig, DefaultWorkerMustNotUseTheMainLcoreEither) {
  ConfigText text;
  text.eal = "main_lcore = 1;";  // dataplane.workers defaults to [1]
  // No workers line: the error points at the dataplane group.
  EXPECT_THAT(errors_of(text.load()), ElementsAre(HasSubstr("t.cfg:2: dataplane.workers: lcore 1 "
                                                            "is eal.main_lcore")));
}

TEST(ValidateConfig, MbufPoolMustFillEveryRingAndCache) {
  ConfigText text;
  // 2 workers: RX 2 x (1024 + 1024), TX 3 x (1024 + 2048), caches 3 x 256,
  // punt rings 2 x 1024.
  text.dataplane = "workers = [1, 2]; mbufs = 16127;";  // rss by default: no handoff rings
  text.core += " tx_descriptors = 2048;";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:2: dataplane.mbufs: expected at least 16128 (RX rings 4096 + TX "
                          "rings 9216 + lcore caches 768 + punt rings 2048 for 2 workers), got "
                          "16127"));
  text.dataplane = "workers = [1, 2]; mbufs = 16128;";
  EXPECT_THAT(errors_of(text.load()), IsEmpty());
}

TEST(ValidateConfig, SessionDistributionCountsTheHandoffRings) {
  ConfigText text;
  // As above plus 2 directions x 2 x 1 worker pairs x 1024.
  text.dataplane = "workers = [1, 2]; distribution = \"session\"; mbufs = 20223;";
  text.core += " tx_descriptors = 2048;";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:2: dataplane.mbufs: expected at least 20224 (RX rings 4096 + TX "
                          "rings 9216 + lcore caches 768 + punt rings 2048 + handoff rings 4096 "
                          "for 2 workers), got 20223"));
  text.dataplane = "workers = [1, 2]; distribution = \"session\"; handoff_ring_size = 64; mbufs = 16384;";
  EXPECT_THAT(errors_of(text.load()), IsEmpty());
  // One worker has nobody to hand off to.
  text.dataplane = "workers = [1]; distribution = \"session\"; mbufs = 16384;";
  EXPECT_THAT(errors_of(text.load()), IsEmpty());
}

TEST(ValidateConfig, TcpMssClampMustFitTheSessionMtu) {
  ConfigText text;
  text.dataplane = "session_mtu = 1400; tcp_mss_clamp = 1361;";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:2: dataplane.tcp_mss_clamp: expected 0 (off) or at most "
                          "dataplane.session_mtu - 40 = 1360 so clamped TCP segments fit a "
                          "session, got 1361"));
  text.dataplane = "session_mtu = 1400; tcp_mss_clamp = 1360;";
  EXPECT_THAT(errors_of(text.load()), IsEmpty());
  text.dataplane = "session_mtu = 1400; tcp_mss_clamp = 0;";
  EXPECT_THAT(errors_of(text.load()), IsEmpty());
}

TEST(ValidateConfig, DefaultMssClampIsCheckedAgainstALowerSessionMtu) {
  ConfigText text;
  text.dataplane = "session_mtu = 1400;";  // tcp_mss_clamp defaults to 1420
  // No tcp_mss_clamp line: the error points at the dataplane group.
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre(HasSubstr("t.cfg:2: dataplane.tcp_mss_clamp: expected 0 (off) or at "
                                    "most dataplane.session_mtu - 40 = 1360")));
}

TEST(ValidateConfig, AccessFrameOffsetIsAMultipleOfEightBelowALine) {
  ConfigText text;
  text.dataplane = "access_frame_offset = 12;";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:2: dataplane.access_frame_offset: expected a multiple of 8 (0 puts "
                          "frames at a cache line, 56 gives decap one line), got 12"));
  text.dataplane = "access_frame_offset = 64;";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:2: dataplane.access_frame_offset: expected an integer 0..56, got 64"));
  const std::pair<const char*, uint32_t> valid[] = {
      {"access_frame_offset = 0;", 0}, {"access_frame_offset = 48;", 48}, {"", 56}};
  for (const auto& [setting, want] : valid) {
    text.dataplane = setting;
    auto loaded = text.load();
    ASSERT_TRUE(loaded.ok()) << setting << ": " << loaded.status();
    EXPECT_EQ(loaded->dataplane.access_frame_offset, want) << setting;
  }
}

TEST(ValidateConfig, PuntBurstMustFitTheRing) {
  ConfigText text;
  text.dataplane = "punt = { burst = 129; ring_size = 128; };";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:2: dataplane.punt.burst: expected at most "
                          "dataplane.punt.ring_size = 128 (a burst the ring cannot hold would be "
                          "dropped anyway), got 129"));
}

TEST(ValidateConfig, PortsMustBeDifferentDevices) {
  ConfigText text;
  text.access = "device = \"03:00.0\"; ipv4 = \"192.0.2.1\"; next_hop_mac = \"02:00:00:00:00:01\";";
  text.core = "device = \"0000:03:00.0,rxq=2\"; next_hop_mac = \"02:00:00:00:00:02\";";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:4: core.device: is the same device as access.device "
                          "(0000:03:00.0); the access and core ports must be different devices"));
  text.access = "device = \"net_tap0,iface=a\"; ipv4 = \"192.0.2.1\";";
  text.core = "device = \"net_tap0,iface=b\"; next_hop_mac = \"02:00:00:00:00:02\";";
  EXPECT_THAT(errors_of(text.load()), ElementsAre(HasSubstr("same device as access.device "
                                                            "(net_tap0)")));
}

TEST(ValidateConfig, PortsMustHaveDifferentAddresses) {
  ConfigText text;
  text.core += " ipv4 = \"192.0.2.1\";";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:4: core.ipv4: 192.0.2.1 is also access.ipv4; the ports need "
                          "different addresses"));
}

TEST(ValidateConfig, StaticSessionNeedsALacMacWithoutAnAccessNextHop) {
  ConfigText text;
  text.access = "device = \"net_tap0\"; ipv4 = \"192.0.2.1\";";
  text.sessions = {session(1, 1, "100.64.0.1"),
                   session(2, 1, "100.64.1.1", "lac_mac = \"02:00:00:00:00:09\";")};
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:6: static_sessions.[0].lac_mac: required because "
                          "access.next_hop_mac is not set; expected a unicast MAC address like "
                          "02:00:00:00:00:01"));
}

TEST(ValidateConfig, LacMustNotBeOurOwnAddress) {
  ConfigText text;
  text.sessions = {"lac = \"192.0.2.1\"; tunnel_id = 1; session_id = 1; peer_tunnel_id = 1; "
                   "peer_session_id = 1; ipv4 = \"100.64.0.1\";"};
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:6: static_sessions.[0].lac: 192.0.2.1 is access.ipv4, lnsd's own "
                          "address; expected the LAC's"));
}

TEST(ValidateConfig, StaticSessionsMustFitMaxSessions) {
  ConfigText text;
  text.dataplane = "max_sessions = 100;";
  text.sessions = {session(1, 1, "100.64.0.1", "count = 60;"),
                   session(2, 1, "100.64.1.1", "count = 41;")};
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:5: static_sessions: 101 static sessions (counting every entry of "
                          "each range) exceed dataplane.max_sessions = 100"));
  text.sessions[1] = session(2, 1, "100.64.1.1", "count = 40;");
  EXPECT_THAT(errors_of(text.load()), IsEmpty());
}

TEST(ValidateConfig, RangesMustNotRunPastTheLastTunnel) {
  ConfigText text;
  text.dataplane = "max_sessions = 100000;";
  text.sessions = {session(65535, 65000, "100.64.0.1", "count = 536;"),
                   "lac = \"192.0.2.2\"; tunnel_id = 65534; session_id = 1; peer_tunnel_id = "
                   "65535; peer_session_id = 1; ipv4 = \"100.65.0.1\"; count = 65536;"};
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:7: static_sessions.[1].count: 65536 sessions from peer tunnel "
                          "65535 session 1 run past peer tunnel 65535 session 65535"));
  text.sessions[1] = session(65535, 65000, "100.65.0.1", "count = 537;");
  // A range that runs out is not also checked for overlaps: its IDs wrap.
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:7: static_sessions.[1].count: 537 sessions from our tunnel "
                          "65535 session 65000 run past our tunnel 65535 session 65535; 537 "
                          "sessions from peer tunnel 65535 session 65000 run past peer tunnel "
                          "65535 session 65535"));
}

TEST(ValidateConfig, Ipv6RangesMustNotRunPastTheLastPrefix) {
  ConfigText text;
  text.sessions = {session(1, 1, "100.64.0.1", "ipv6_prefix = \"fe00::/7\"; count = 2;")};
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:6: static_sessions.[0].count: 2 IPv6 /7 prefixes from fe00::/7 "
                          "run past the last /7 prefix"));
}

TEST(ValidateConfig, SubscriberRangesStayUnicast) {
  ConfigText text;
  text.sessions = {session(1, 1, "223.255.255.250", "count = 10;"),
                   session(2, 1, "126.255.255.255", "count = 2;"),
                   session(3, 1, "100.64.0.1",
                           "ipv6_prefix = \"fe7f:ffff:ffff:ffff::/64\"; count = 2;")};
  EXPECT_THAT(
      errors_of(text.load()),
      ElementsAre("t.cfg:6: static_sessions.[0].ipv4: subscriber addresses "
                  "223.255.255.250..224.0.0.3 include the non-unicast address 224.0.0.0",
                  "t.cfg:7: static_sessions.[1].ipv4: subscriber addresses "
                  "126.255.255.255..127.0.0.0 include the non-unicast address 127.0.0.0",
                  "t.cfg:8: static_sessions.[2].ipv6_prefix: the range reaches into fe80::/10, "
                  "which is not for subscribers"));
}

TEST(ValidateConfig, SubscriberRangesMustNotIncludeOurAddresses) {
  ConfigText text;
  text.core += " ipv4 = \"198.51.100.1\";";
  text.sessions = {session(1, 1, "192.0.2.0", "count = 2;"),
                   session(2, 1, "198.51.100.1")};
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:6: static_sessions.[0].ipv4: subscriber addresses "
                          "192.0.2.0..192.0.2.1 include access.ipv4 192.0.2.1",
                          "t.cfg:7: static_sessions.[1].ipv4: subscriber addresses 198.51.100.1 "
                          "include core.ipv4 198.51.100.1"));
}

TEST(ValidateConfig, DuplicateSessionIds) {
  ConfigText text;
  text.sessions = {session(1, 5, "100.64.0.1"), session(2, 5, "100.64.0.2"),
                   session(1, 5, "100.64.0.3")};
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:8: static_sessions.[2]: tunnel 1 session 5 is also used by "
                          "static_sessions.[0] (line 6)"));
}

TEST(ValidateConfig, OverlappingIdRangesAcrossTheWrap) {
  ConfigText text;
  // 70000 sessions from tunnel 1 session 1 end at tunnel 2 session 4465.
  text.dataplane = "max_sessions = 100000;";
  text.sessions = {session(2, 4465, "100.70.0.1"),
                   session(1, 1, "100.64.0.1", "count = 70000;"),
                   session(2, 4466, "100.71.0.1")};
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:7: static_sessions.[1]: tunnel 2 session 4465 is also used by "
                          "static_sessions.[0] (line 6)"));
}

TEST(ValidateConfig, AdjacentRangesDoNotOverlap) {
  ConfigText text;
  text.dataplane = "max_sessions = 200000;";
  text.sessions = {session(1, 1, "100.64.0.1", "ipv6_prefix = \"2001:db8::/64\"; count = 65535;"),
                   session(2, 1, "100.65.0.0",
                           "ipv6_prefix = \"2001:db8:0:ffff::/64\"; count = 65535;"),
                   session(3, 1, "100.65.255.255", "ipv6_prefix = \"2001:db8:1:fffe::/63\";")};
  EXPECT_THAT(errors_of(text.load()), IsEmpty());
}

TEST(ValidateConfig, DuplicateSubscriberAddresses) {
  ConfigText text;
  text.sessions = {session(1, 1, "100.64.0.1", "count = 10;"), session(2, 1, "100.64.0.10"),
                   session(3, 1, "100.64.0.11")};
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:7: static_sessions.[1].ipv4: subscriber address 100.64.0.10 is "
                          "also given to static_sessions.[0] (line 6)"));
}

TEST(ValidateConfig, OverlappingIpv6PrefixesOfDifferentLengths) {
  ConfigText text;
  text.sessions = {session(1, 1, "100.64.0.1", "ipv6_prefix = \"2001:db8:0:5::/64\";"),
                   session(2, 1, "100.64.0.2", "ipv6_prefix = \"2001:db8::/48\";")};
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:7: static_sessions.[1].ipv6_prefix: subscriber prefix "
                          "2001:db8:0:5::/64 overlaps static_sessions.[0] (line 6)"));
}

TEST(ValidateConfig, OverlapIsBlamedOnTheLaterDeclaredSession) {
  ConfigText text;
  text.sessions = {session(1, 100, "100.64.0.1"),
                   session(1, 1, "100.65.0.1", "count = 200;")};
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:7: static_sessions.[1]: tunnel 1 session 100 is also used by "
                          "static_sessions.[0] (line 6)"));
}

TEST(ValidateConfig, EveryCollidingSessionIsReported) {
  ConfigText text;
  text.sessions = {session(1, 1, "100.64.0.1", "count = 100;")};
  for (int i = 0; i < 3; ++i) {
    text.sessions.push_back(session(1, 10 + i, absl::StrCat("100.65.0.", i + 1)));
  }
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre(HasSubstr("static_sessions.[1]: tunnel 1 session 10"),
                          HasSubstr("static_sessions.[2]: tunnel 1 session 11"),
                          HasSubstr("static_sessions.[3]: tunnel 1 session 12")));
}

TEST(ValidateConfig, AMillionSessionRangeIsAccepted) {
  ConfigText text;
  text.dataplane = "max_sessions = 1048576;";
  text.sessions = {
      session(1, 1, "10.0.0.1", "ipv6_prefix = \"2001:db8:1000::/64\"; count = 1000000;")};
  EXPECT_THAT(errors_of(text.load()), IsEmpty());
}

TEST(ValidateConfig, ManySmallRangesAreChecked) {
  // 2000 ranges of 500: a million sessions, no overlap, then one more that
  // overlaps the middle.
  ConfigText text;
  text.dataplane = "max_sessions = 1048576;";
  for (int i = 0; i < 2000; ++i) {
    uint32_t first = 0x0a000001u + static_cast<uint32_t>(i) * 500;
    text.sessions.push_back(session(i + 1, 1, format_ipv4(first), "count = 500;"));
  }
  EXPECT_THAT(errors_of(text.load()), IsEmpty());
  text.sessions.push_back(session(3000, 1, format_ipv4(0x0a000001u + 1000 * 500 + 7)));
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre(HasSubstr("static_sessions.[2000].ipv4: subscriber address "
                                    "10.7.161.40 is also given to static_sessions.[1000]")));
}

TEST(ValidateConfigInCode, ChecksAConfigBuiltWithoutAFile) {
  Config config;
  config.access.device = "net_tap0";
  config.access.ipv4 = *parse_ipv4("192.0.2.1");
  config.access.next_hop_mac = *parse_mac("02:00:00:00:00:01");
  config.core.device = "net_tap1";
  config.core.next_hop_mac = *parse_mac("02:00:00:00:00:02");
  StaticSession s;
  s.lac_ipv4 = *parse_ipv4("192.0.2.2");
  s.tunnel_id = s.session_id = s.peer_tunnel_id = s.peer_session_id = 1;
  s.subscriber_ipv4 = *parse_ipv4("100.64.0.1");
  config.static_sessions = {s};
  EXPECT_TRUE(validate_config(config).ok()) << validate_config(config);
  config.static_sessions = {s, s};
  absl::Status status = validate_config(config);
  EXPECT_THAT(status.message(), HasSubstr("<config>: static_sessions.[1]: tunnel 1 session 1 is "
                                          "also used by static_sessions.[0]"));
  EXPECT_THAT(status.message(), HasSubstr("<config>: static_sessions.[1].ipv4: subscriber "
                                          "address 100.64.0.1 is also given to "
                                          "static_sessions.[0]"));
}

}  // namespace
}  // namespace lns::config
