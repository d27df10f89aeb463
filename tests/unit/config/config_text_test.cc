#include "config/config_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/addresses.h"
#include "config/config_loader.h"

namespace lns::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Everything but where it came from (source, line) must survive a round trip.
void expect_same_settings(const Config& a, const Config& b) {
  EXPECT_EQ(a.eal.args, b.eal.args);
  EXPECT_EQ(a.eal.main_lcore, b.eal.main_lcore);
  const DataplaneConfig& x = a.dataplane;
  const DataplaneConfig& y = b.dataplane;
  EXPECT_EQ(x.worker_lcores, y.worker_lcores);
  EXPECT_EQ(x.distribution, y.distribution);
  EXPECT_EQ(x.handoff_ring_size, y.handoff_ring_size);
  EXPECT_EQ(x.mbufs, y.mbufs);
  EXPECT_EQ(x.mbuf_cache, y.mbuf_cache);
  EXPECT_EQ(x.access_frame_offset, y.access_frame_offset);
  EXPECT_EQ(x.encap_header_writes, y.encap_header_writes);
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

  const L2tpConfig& l = a.l2tp;
  const L2tpConfig& m = b.l2tp;
  EXPECT_EQ(l.host_name, m.host_name);
  EXPECT_EQ(l.secret, m.secret);
  EXPECT_EQ(l.require_auth, m.require_auth);
  EXPECT_EQ(l.hide_avps, m.hide_avps);
  EXPECT_EQ(l.hello_interval, m.hello_interval);
  EXPECT_EQ(l.retransmit.initial_ms, m.retransmit.initial_ms);
  EXPECT_EQ(l.retransmit.max_ms, m.retransmit.max_ms);
  EXPECT_EQ(l.retransmit.retries, m.retransmit.retries);
  EXPECT_EQ(l.retransmit.ack_delay_ms, m.retransmit.ack_delay_ms);
  EXPECT_EQ(l.receive_window, m.receive_window);
  EXPECT_EQ(l.max_tunnels, m.max_tunnels);
  EXPECT_EQ(l.max_sessions, m.max_sessions);
  EXPECT_EQ(l.max_sessions_per_tunnel, m.max_sessions_per_tunnel);
  EXPECT_EQ(l.allow_unknown_lacs, m.allow_unknown_lacs);
  EXPECT_EQ(l.permissive, m.permissive);
  EXPECT_EQ(l.admission.sccrq_per_second, m.admission.sccrq_per_second);
  EXPECT_EQ(l.admission.sccrq_per_second_per_peer, m.admission.sccrq_per_second_per_peer);
  EXPECT_EQ(l.admission.icrq_per_second, m.admission.icrq_per_second);
  EXPECT_EQ(l.admission.icrq_per_second_per_peer, m.admission.icrq_per_second_per_peer);
  EXPECT_EQ(l.admission.sccrq_burst, m.admission.sccrq_burst);
  EXPECT_EQ(l.admission.icrq_burst, m.admission.icrq_burst);
  ASSERT_EQ(l.lacs.size(), m.lacs.size());
  for (size_t i = 0; i < l.lacs.size(); ++i) {
    const LacConfig& x = l.lacs[i];
    const LacConfig& y = m.lacs[i];
    EXPECT_EQ(x.name, y.name) << i;
    EXPECT_EQ(x.address, y.address) << i;
    EXPECT_EQ(x.host_name, y.host_name) << i;
    EXPECT_EQ(x.secret, y.secret) << i;
    EXPECT_EQ(x.require_auth, y.require_auth) << i;
    EXPECT_EQ(x.hide_avps, y.hide_avps) << i;
    EXPECT_EQ(x.hello_interval, y.hello_interval) << i;
    EXPECT_EQ(x.receive_window, y.receive_window) << i;
    EXPECT_EQ(x.max_sessions, y.max_sessions) << i;
    EXPECT_EQ(x.permissive, y.permissive) << i;
  }

  EXPECT_EQ(a.ppp.auth, b.ppp.auth);
  EXPECT_EQ(a.ppp.mru, b.ppp.mru);
  EXPECT_EQ(a.ppp.echo_interval, b.ppp.echo_interval);
  EXPECT_EQ(a.ppp.echo_failures, b.ppp.echo_failures);
  EXPECT_EQ(a.ppp.restart_ms, b.ppp.restart_ms);
  EXPECT_EQ(a.ppp.max_configure, b.ppp.max_configure);
  EXPECT_EQ(a.ppp.max_terminate, b.ppp.max_terminate);
  EXPECT_EQ(a.ppp.max_failure, b.ppp.max_failure);
  EXPECT_EQ(a.ppp.accept_proxy, b.ppp.accept_proxy);
  EXPECT_EQ(a.ppp.ipv6, b.ppp.ipv6);

  EXPECT_EQ(a.aaa.dns, b.aaa.dns);
  EXPECT_EQ(a.aaa.default_pool, b.aaa.default_pool);
  ASSERT_EQ(a.aaa.pools.size(), b.aaa.pools.size());
  for (size_t i = 0; i < a.aaa.pools.size(); ++i) {
    EXPECT_EQ(a.aaa.pools[i].name, b.aaa.pools[i].name) << i;
    EXPECT_EQ(a.aaa.pools[i].ranges, b.aaa.pools[i].ranges) << i;
  }
  ASSERT_EQ(a.aaa.users.size(), b.aaa.users.size());
  for (size_t i = 0; i < a.aaa.users.size(); ++i) {
    const SubscriberConfig& x = a.aaa.users[i];
    const SubscriberConfig& y = b.aaa.users[i];
    EXPECT_EQ(x.name, y.name) << i;
    EXPECT_EQ(x.password, y.password) << i;
    EXPECT_EQ(x.ipv4, y.ipv4) << i;
    EXPECT_EQ(x.ipv6_prefix, y.ipv6_prefix) << i;
    EXPECT_EQ(x.routes, y.routes) << i;
    EXPECT_EQ(x.pool, y.pool) << i;
  }

  EXPECT_EQ(a.cli.socket, b.cli.socket);
  EXPECT_EQ(a.cli.mode, b.cli.mode);
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
  c.dataplane.access_frame_offset = 8;
  c.dataplane.encap_header_writes = EncapHeaderWrites::kStore;
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

  L2tpConfig& l2tp = c.l2tp;
  l2tp.host_name = "lns \"east\"";
  l2tp.secret = "global\tsecret";
  l2tp.require_auth = false;
  l2tp.hide_avps = true;
  l2tp.hello_interval = 0;
  l2tp.retransmit = {250, 120000, 100, 0};
  l2tp.receive_window = 32767;
  l2tp.max_tunnels = 65535;
  l2tp.max_sessions = 1;
  l2tp.max_sessions_per_tunnel = 1;
  l2tp.allow_unknown_lacs = false;
  l2tp.permissive = true;
  l2tp.admission = {0.1, 1e6, 2.5, 1.0 / 3, 1.5, 1e6};
  LacConfig lac;
  lac.name = "bras1";
  lac.address = *parse_ipv4("198.18.0.1");
  lac.host_name = "bras1.example";
  lac.secret = "s";
  lac.require_auth = true;
  lac.hide_avps = false;
  lac.hello_interval = 3600;
  lac.receive_window = 1;
  lac.max_sessions = 16777216;
  lac.permissive = false;
  LacConfig by_name;
  by_name.name = "bras2";
  by_name.host_name = "bras2";
  l2tp.lacs = {lac, by_name};

  c.ppp.auth = {PppAuthMethod::kPap, PppAuthMethod::kChap};
  c.ppp.mru = 9000;
  c.ppp.echo_interval = 0;
  c.ppp.echo_failures = 100;
  c.ppp.restart_ms = 100;
  c.ppp.max_configure = 255;
  c.ppp.max_terminate = 1;
  c.ppp.max_failure = 1;
  c.ppp.accept_proxy = false;
  c.ppp.ipv6 = false;

  c.aaa.dns = {*parse_ipv4("192.0.2.53")};
  c.aaa.default_pool = "business";
  c.aaa.pools = {{"subscribers", {*parse_ipv4_range("100.64.0.0/16"),
                                  *parse_ipv4_range("100.65.0.1-100.65.0.100"),
                                  *parse_ipv4_range("100.65.1.9")}},
                 {"business", {*parse_ipv4_range("198.19.0.0/32")}}};
  SubscriberConfig alice;
  alice.name = "alice@example.net";
  alice.password = "p\"a\\ss\x01";
  alice.ipv4 = *parse_ipv4("100.64.0.9");
  alice.ipv6_prefix = *parse_ipv6_prefix("2001:db8:a::/48");
  alice.routes = {*parse_ipv4_prefix("172.16.0.0/24"), *parse_ipv4_prefix("172.17.0.0/32")};
  SubscriberConfig bob;
  bob.name = "bob";
  bob.password = "x";
  bob.pool = "subscribers";
  c.aaa.users = {alice, bob};

  c.cli.socket = "run/lnsd test.sock";
  c.cli.mode = 0600;
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

TEST(FormatConfig, SpellsOutTheServiceSections) {
  std::string text = format_config(unusual_config());
  EXPECT_THAT(text, HasSubstr("  secret = \"global\\x09secret\";\n"));
  EXPECT_THAT(text, HasSubstr("    sccrq_per_second = 0.1;\n"
                              "    sccrq_per_second_per_peer = 1e+06;\n"
                              "    icrq_per_second = 2.5;\n"
                              "    icrq_per_second_per_peer = 0.3333333333333333;\n"
                              "    sccrq_burst = 1.5;\n"));
  EXPECT_THAT(text, HasSubstr("    { name = \"bras1\"; address = \"198.18.0.1\"; host_name = "
                              "\"bras1.example\"; secret = \"s\"; require_auth = true; "
                              "hide_avps = false; hello_interval = 3600; receive_window = 1; "
                              "max_sessions = 16777216; permissive = false; },\n"
                              "    { name = \"bras2\"; host_name = \"bras2\"; }\n  );\n"));
  EXPECT_THAT(text, HasSubstr("  auth = [ \"pap\", \"chap\" ];\n"));
  EXPECT_THAT(text, HasSubstr("  dns = [ \"192.0.2.53\" ];\n  default_pool = \"business\";\n"));
  EXPECT_THAT(text, HasSubstr("    { name = \"subscribers\"; ranges = [ \"100.64.0.0/16\", "
                              "\"100.65.0.1-100.65.0.100\", \"100.65.1.9\" ]; },\n"));
  EXPECT_THAT(text, HasSubstr("    { name = \"alice@example.net\"; password = "
                              "\"p\\\"a\\\\ss\\x01\"; ipv4 = \"100.64.0.9\"; ipv6_prefix = "
                              "\"2001:db8:a::/48\"; routes = [ \"172.16.0.0/24\", "
                              "\"172.17.0.0/32\" ]; },\n"
                              "    { name = \"bob\"; password = \"x\"; pool = \"subscribers\"; }\n"
                              "  );\n"));
  EXPECT_THAT(text, HasSubstr("cli = {\n  socket = \"run/lnsd test.sock\";\n  mode = \"0600\";\n"));

  Config config = unusual_config();
  config.ppp.auth.clear();
  config.aaa = {};
  EXPECT_THAT(format_config(config),
              HasSubstr("  auth = [ \"none\" ];\n"));
  EXPECT_THAT(format_config(config),
              HasSubstr("aaa = {\n  dns = [];\n  pools = ();\n  users = ();\n};\n"));
}

TEST(FormatConfig, CanHideSecretsAndPasswords) {
  Config config = unusual_config();
  std::string text = format_config(config, SecretDisplay::kHide);
  EXPECT_THAT(text, Not(HasSubstr("global")));
  EXPECT_THAT(text, Not(HasSubstr("secret = \"s\"")));
  EXPECT_THAT(text, Not(HasSubstr("p\\\"a")));
  EXPECT_THAT(text, HasSubstr("  secret = \"(hidden)\";\n"));
  EXPECT_THAT(text, HasSubstr("password = \"(hidden)\"; ipv4"));
  // Still a configuration, just not the same one.
  absl::StatusOr<Config> reloaded = load_config_string(text, "hidden.cfg");
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_EQ(reloaded->l2tp.secret, "(hidden)");
  EXPECT_EQ(reloaded->aaa.users[0].password, "(hidden)");
}

}  // namespace
}  // namespace lns::config
