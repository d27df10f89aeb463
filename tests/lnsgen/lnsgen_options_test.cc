#include "tests/lnsgen/lnsgen_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lns::gen {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<LnsgenOptions> parse(std::vector<std::string_view> args) { return parse_lnsgen_options(args); }

TEST(LnsgenOptions, DefaultsNeedOnlyTheLns) {
  auto o = parse({"--lns", "192.0.2.1"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->emulator.lns_address, 0xC0000201u);
  EXPECT_EQ(o->emulator.local_address, kDefaultLacAddress);
  EXPECT_EQ(o->emulator.local_port, kDefaultLacPort);
  EXPECT_EQ(o->traffic.direction, Direction::kUp);
  EXPECT_EQ(o->traffic.rate_pps, 0);
  EXPECT_EQ(o->traffic.duration_s, 5);
  EXPECT_EQ(o->await_peer_close_s, 0);
  EXPECT_FALSE(o->json);
}

TEST(LnsgenOptions, OwnOptionsAndEmulatorOptionsMix) {
  auto o = parse({"--tunnels=4", "--lns", "192.0.2.1", "--rate", "100000", "--sessions", "50", "--auth", "chap",
                  "--imix", "--direction", "both", "--lns-core", "198.51.100.1", "--duration=2.5", "--json",
                  "--access-port", "net_memif0", "--lns-mac", "02:00:00:00:0a:ff", "--await-peer-close", "30"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->emulator.emulator.tunnels, 4u);
  EXPECT_EQ(o->emulator.emulator.sessions_per_tunnel, 50u);
  EXPECT_EQ(o->emulator.emulator.auth, ppp::AuthProtocol::kChapMd5);
  EXPECT_EQ(o->traffic.rate_pps, 100000);
  EXPECT_EQ(o->traffic.duration_s, 2.5);
  EXPECT_EQ(o->traffic.direction, Direction::kBoth);
  EXPECT_EQ(o->traffic.size_pattern, imix_pattern());
  EXPECT_EQ(o->lns_core_address, 0xC6336401u);
  EXPECT_EQ(o->access_port, "net_memif0");
  ASSERT_TRUE(o->lns_mac.has_value());
  EXPECT_EQ((*o->lns_mac)[4], 0x0a);
  EXPECT_EQ(o->await_peer_close_s, 30);
  EXPECT_TRUE(o->json);
}

TEST(LnsgenOptions, ImixIsSevenFourOne) {
  int small = 0, medium = 0, large = 0;
  for (uint16_t s : imix_pattern()) (s == 64 ? small : s == 576 ? medium : large)++;
  EXPECT_EQ(small, 7);
  EXPECT_EQ(medium, 4);
  EXPECT_EQ(large, 1);
}

TEST(LnsgenOptions, BadValuesNameTheOption) {
  EXPECT_THAT(std::string(parse({"--lns", "192.0.2.1", "--rate", "fast"}).status().message()), HasSubstr("--rate"));
  EXPECT_THAT(std::string(parse({"--lns", "192.0.2.1", "--size", "20"}).status().message()), HasSubstr("--size"));
  EXPECT_THAT(std::string(parse({"--lns", "192.0.2.1", "--direction", "sideways"}).status().message()),
              HasSubstr("--direction"));
  EXPECT_THAT(std::string(parse({"--lns", "192.0.2.1", "--lns-mac", "02:00"}).status().message()),
              HasSubstr("MAC"));
  EXPECT_THAT(std::string(parse({"--lns", "192.0.2.1", "--tunnels", "0"}).status().message()),
              HasSubstr("--tunnels"));
  EXPECT_THAT(std::string(parse({"--lns", "192.0.2.1", "--traffic", "5"}).status().message()),
              HasSubstr("does not take"));
  EXPECT_THAT(std::string(parse({"--lns", "192.0.2.1", "--await-peer-close", "-1"}).status().message()),
              HasSubstr("--await-peer-close"));
  EXPECT_THAT(std::string(parse({"--rate", "5"}).status().message()), HasSubstr("--lns"));
}

TEST(LnsgenOptions, DownstreamNeedsTheLnsCoreSide) {
  EXPECT_THAT(std::string(parse({"--lns", "192.0.2.1", "--direction", "down"}).status().message()),
              HasSubstr("--lns-core"));
  EXPECT_TRUE(parse({"--lns", "192.0.2.1", "--direction", "down", "--lns-core-mac", "02:00:00:00:00:01"}).ok());
}

TEST(LnsgenOptions, NoControlNeedsNoLns) {
  auto o = parse({"--no-control", "--sessions", "8", "--direction", "both"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(o->no_control);
}

TEST(LnsgenOptions, Help) {
  auto o = parse({"--help"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->help);
  EXPECT_THAT(lnsgen_usage(), HasSubstr("--imix"));
}

}  // namespace
}  // namespace lns::gen
