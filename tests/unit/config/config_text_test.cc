#include "config/config_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/addresses.h"
#include "config/config_loader.h"

namespace lns::config {
namespace {

using ::testing::HasSubstr;

// Everything but where it came from (source, line) must survive a round trip.
void expect_same_settings(const Config& a, const Config& b) {
  EXPECT_EQ(a.eal.args, b.eal.args);
  EXPECT_EQ(a.eal.main_lcore, b.eal.main_lcore);
  const DataplaneConfig& x = a.dataplane;
  const DataplaneConfig& y = b.dataplane;
  EXPECT_EQ(x.worker_lcores, y.worker_lcores);
  EXPECT_EQ(x.mbufs, y.mbufs);
  EXPECT_EQ(x.mbuf_cache, y.mbuf_cache);
  EXPECT_EQ(x.tcp_mss_clamp, y.tcp_mss_clamp);
  EXPECT_EQ(x.max_sessions, y.max_sessions);
  EXPECT_EQ(x.session_mtu, y.session_mtu);
  EXPECT_EQ(x.punt.rate_pps, y.punt.rate_pps);
  EXPECT_EQ(x.punt.burst, y.punt.burst);
  EXPECT_EQ(x.punt.ring_size, y.punt.ring_size);
  EXPECT_EQ(x.reassembly.max_flows, y.reassembly.max_flows);
  EXPECT_EQ(x.reassembly.timeout_ms, y.reassembly.timeout_ms);
  for (auto [p, q] : {std::pair{&a.access, &b.access}, std::pair{&a.core, &b.core}}) {
    EXPECT_EQ(p->device, q->device);
    EXPECT_EQ(p->vlan, q->vlan);
    EXPECT_EQ(p->ipv4, q->ipv4);
    EXPECT_EQ(p->next_hop_mac, q->next_hop_mac);
    EXPECT_EQ(p->mtu, q->mtu);
    EXPECT_EQ(p->rx_descriptors, q->rx_descriptors);
    EXPECT_EQ(p->tx_descriptors, q->tx_descriptors);
  }
  ASSERT_EQ(a.static_sessions.size(), b.static_sessions.size());
  for (size_t i = 0; i < a.static_sessions.size(); ++i) {
    const StaticSession& s = a.static_sessions[i];
    const StaticSession& t = b.static_sessions[i];
    EXPECT_EQ(s.lac_ipv4, t.lac_ipv4) << i;
    EXPECT_EQ(s.lac_port, t.lac_port) << i;
    EXPECT_EQ(s.tunnel_id, t.tunnel_id) << i;
    EXPECT_EQ(s.session_id, t.session_id) << i;
    EXPECT_EQ(s.peer_tunnel_id, t.peer_tunnel_id) << i;
    EXPECT_EQ(s.peer_session_id, t.peer_session_id) << i;
    EXPECT_EQ(s.subscriber_ipv4, t.subscriber_ipv4) << i;
    EXPECT_EQ(s.subscriber_ipv6, t.subscriber_ipv6) << i;
    EXPECT_EQ(s.mtu, t.mtu) << i;
    EXPECT_EQ(s.lac_mac, t.lac_mac) << i;
    EXPECT_EQ(s.count, t.count) << i;
  }
}

// A configuration with every setting away from its default, built in code
// so the formatter is tested on its own.
Config unusual_config() {
  Config c;
  c.source = "unusual.cfg";
  c.eal.args = {"--in-memory", "--file-prefix=a \"quoted\" \\ name", "--log-level=lib.*:8",
                std::string("tab\there\nnewline\x7f")};
  c.eal.main_lcore = 7;
  c.dataplane.worker_lcores = {3, 1, 5};
  c.dataplane.mbufs = 200000;
  c.dataplane.mbuf_cache = 0;
  c.dataplane.tcp_mss_clamp = 0;
  c.dataplane.max_sessions = 1 << 20;
  c.dataplane.session_mtu = 9000;
  c.dataplane.punt = {1, 1, 64};
  c.dataplane.reassembly = {1, 60000};
  c.access.device = "net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap";
  c.access.vlan = 1;
  c.access.ipv4 = *parse_ipv4("203.0.113.254");
  c.access.next_hop_mac = *parse_mac("0a:bb:cc:dd:ee:ff");
  c.access.mtu = 9216;
  c.access.rx_descriptors = 64;
  c.access.tx_descriptors = 32768;
  c.core.device = "0000:af:00.7";
  c.core.vlan = 4094;
  c.core.next_hop_mac = *parse_mac("02:00:00:00:00:02");
  c.core.mtu = 576;
  StaticSession s;
  s.lac_ipv4 = *parse_ipv4("198.18.0.1");
  s.lac_port = 65535;
  s.tunnel_id = 65535;
  s.session_id = 1;
  s.peer_tunnel_id = 1;
  s.peer_session_id = 65535;
  s.subscriber_ipv4 = *parse_ipv4("10.0.0.0");
  s.subscriber_ipv6 = *parse_ipv6_prefix("2001:db8:ff00::/40");
  s.mtu = 576;
  s.lac_mac = *parse_mac("02:00:00:00:00:09");
  s.count = 65535;
  StaticSession plain;
  plain.lac_ipv4 = *parse_ipv4("198.18.0.2");
  plain.tunnel_id = plain.session_id = plain.peer_tunnel_id = plain.peer_session_id = 1;
  plain.subscriber_ipv4 = *parse_ipv4("10.1.0.0");
  c.static_sessions = {s, plain};
  return c;
}

TEST(FormatConfig, RoundTripsEverySetting) {
  Config original = unusual_config();
  std::string text = format_config(original);
  absl::StatusOr<Config> reloaded = load_config_string(text, "shown.cfg");
  ASSERT_TRUE(reloaded.ok()) << reloaded.status() << "\n" << text;
  expect_same_settings(original, *reloaded);
  EXPECT_EQ(format_config(*reloaded), [&] {
    Config renamed = original;
    renamed.source = "shown.cfg";
    return format_config(renamed);
  }());
}

TEST(FormatConfig, RoundTripsTheDefaults) {
  Config defaults;
  defaults.access.device = "net_tap0";
  defaults.access.ipv4 = *parse_ipv4("192.0.2.1");
  defaults.core.device = "net_tap1";
  defaults.core.next_hop_mac = *parse_mac("02:00:00:00:00:02");
  absl::StatusOr<Config> reloaded = load_config_string(format_config(defaults), "d.cfg");
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  expect_same_settings(defaults, *reloaded);
  EXPECT_TRUE(reloaded->static_sessions.empty());
}

TEST(FormatConfig, SpellsOutDefaultsAndOmitsUnsetOptionals) {
  Config config = unusual_config();
  config.static_sessions[0].mtu.reset();
  std::string text = format_config(config);
  EXPECT_THAT(text, HasSubstr("# loaded from unusual.cfg\n"));
  EXPECT_THAT(text, HasSubstr("  workers = [ 3, 1, 5 ];\n"));
  EXPECT_THAT(text, HasSubstr("    ring_size = 64;\n"));
  EXPECT_THAT(text, HasSubstr("  ipv4 = \"203.0.113.254\";\n"));
  EXPECT_THAT(text, HasSubstr(
                        "  { lac = \"198.18.0.1\"; lac_port = 65535; tunnel_id = 65535; session_id "
                        "= 1; peer_tunnel_id = 1; peer_session_id = 65535; ipv4 = \"10.0.0.0\"; "
                        "ipv6_prefix = \"2001:db8:ff00::/40\"; lac_mac = \"02:00:00:00:00:09\"; "
                        "count = 65535; },\n"));
  // The core port has no address: no ipv4 line between its device and MAC.
  EXPECT_THAT(text, HasSubstr("  device = \"0000:af:00.7\";\n  vlan = 4094;\n  next_hop_mac"));
  EXPECT_THAT(text, HasSubstr("\"tab\\x09here\\x0anewline\\x7f\""));
  EXPECT_THAT(text, HasSubstr("\"--file-prefix=a \\\"quoted\\\" \\\\ name\""));
}

}  // namespace
}  // namespace lns::config
