// The shipped example configurations load, and the 1,000,000-session
// variant that bench.cfg describes in its comments does too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_replace.h"
#include "config/config_loader.h"
#include "config/config_text.h"
#include "config/static_sessions.h"

namespace lns::config {
namespace {

std::string example_path(const std::string& name) {
  return std::string(LNS_CONFIG_EXAMPLES_DIR) + "/" + name;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class Example : public ::testing::TestWithParam<const char*> {};

TEST_P(Example, LoadsWithoutErrors) {
  absl::StatusOr<Config> loaded = load_config_file(example_path(GetParam()));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
}

TEST_P(Example, RoundTripsThroughFormatConfig) {
  absl::StatusOr<Config> loaded = load_config_file(example_path(GetParam()));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::string text = format_config(*loaded);
  absl::StatusOr<Config> reloaded = load_config_string(text, loaded->source);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status() << "\n" << text;
  EXPECT_EQ(format_config(*reloaded), text);
}

INSTANTIATE_TEST_SUITE_P(Shipped, Example, ::testing::Values("vdev.cfg", "tap.cfg", "nic.cfg", "bench.cfg"),
                         [](const auto& info) {
                           std::string name = info.param;
                           return name.substr(0, name.find('.'));
                         });

TEST(VdevExample, ReplaysCapturesFromRunOneWorkerAndAFewStaticSessions) {
  absl::StatusOr<Config> loaded = load_config_file(example_path("vdev.cfg"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->access.device, "net_pcap0,rx_pcap=run/upstream.pcap,tx_pcap=run/access-out.pcap");
  EXPECT_EQ(loaded->core.device, "net_pcap1,rx_pcap=run/downstream.pcap,tx_pcap=run/core-out.pcap");
  EXPECT_EQ(total_static_sessions(*loaded), 10u);
}

TEST(VdevExample, HasAPoolTwoSubscribersAndOpenL2tp) {
  absl::StatusOr<Config> loaded = load_config_file(example_path("vdev.cfg"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_FALSE(loaded->l2tp.require_auth);
  ASSERT_EQ(loaded->aaa.pools.size(), 1u);
  EXPECT_EQ(loaded->aaa.default_pool, loaded->aaa.pools[0].name);
  ASSERT_EQ(loaded->aaa.users.size(), 2u);
  EXPECT_TRUE(loaded->aaa.users[0].ipv4.has_value());
  EXPECT_FALSE(loaded->aaa.users[1].ipv4.has_value());
  EXPECT_EQ(loaded->cli.socket, "run/lnsd.sock");
}

TEST(TapExample, UsesTapDevicesOneWorkerAndAFewStaticSessions) {
  absl::StatusOr<Config> loaded = load_config_file(example_path("tap.cfg"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->access.device, "net_tap0,iface=lnsacc0");
  EXPECT_EQ(loaded->core.device, "net_tap1,iface=lnscore0");
  EXPECT_EQ(loaded->eal.args, std::vector<std::string>{"--in-memory"});
  EXPECT_EQ(loaded->dataplane.worker_lcores, std::vector<unsigned>{1});
  EXPECT_EQ(total_static_sessions(*loaded), 10u);
}

TEST(NicExample, UsesPciPortsTwoWorkersAndVlans) {
  absl::StatusOr<Config> loaded = load_config_file(example_path("nic.cfg"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->access.device, "0000:03:00.0");
  EXPECT_EQ(loaded->dataplane.worker_lcores.size(), 2u);
  EXPECT_TRUE(loaded->access.vlan.has_value());
  EXPECT_TRUE(loaded->core.vlan.has_value());
}

TEST(BenchExample, HasOneRangeOf65536Sessions) {
  absl::StatusOr<Config> loaded = load_config_file(example_path("bench.cfg"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->static_sessions.size(), 1u);
  EXPECT_EQ(total_static_sessions(*loaded), 65536u);
  StaticSession last = static_session_at(loaded->static_sessions[0], 65535);
  EXPECT_EQ(last.tunnel_id, 2);
  EXPECT_EQ(last.session_id, 1);
}

TEST(BenchExample, MillionSessionVariantFromItsCommentsLoads) {
  std::string text = read_text(example_path("bench.cfg"));
  ASSERT_NE(text.find("max_sessions = 65536;"), std::string::npos);
  ASSERT_NE(text.find("count = 65536;"), std::string::npos);
  text = absl::StrReplaceAll(text, {{"max_sessions = 65536;", "max_sessions = 1048576;"},
                                    {"count = 65536;", "count = 1000000;"}});
  absl::StatusOr<Config> loaded = load_config_string(text, "bench-1m.cfg");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(total_static_sessions(*loaded), 1'000'000u);
  StaticSession last = static_session_at(loaded->static_sessions[0], 999'999);
  EXPECT_EQ(last.tunnel_id, 16);  // "spans tunnels 1..16"
}

}  // namespace
}  // namespace lns::config
