// Damaged configurations must produce an error message or a valid config,
// never a crash: a fixed-seed stand-in for fuzzing the loader. Whatever
// loads must also survive format_config and load again unchanged.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "config/config_loader.h"
#include "config/config_text.h"

namespace lns::config {
namespace {

constexpr char kValid[] = R"(eal = { args = ["--in-memory", "--no-huge"]; main_lcore = 0; };
dataplane = {
  workers = [1];            # worker lcores
  mbufs = 32767; mbuf_cache = 256;
  tcp_mss_clamp = 1420;     # 0 = off
  max_sessions = 65536;
  session_mtu = 1460;
  punt = { rate_pps = 20000; burst = 512; ring_size = 1024; };
  reassembly = { max_flows = 4096; timeout_ms = 2000; };
};
access = { device = "net_tap0,iface=a0"; ipv4 = "192.0.2.1"; vlan = 100; next_hop_mac = "02:00:00:00:00:01"; mtu = 1500; rx_descriptors = 1024; tx_descriptors = 1024; };
core = { device = "0000:03:00.0"; next_hop_mac = "02:00:00:00:00:02"; ipv4 = "198.51.100.1"; };
static_sessions = (
  { lac = "192.0.2.2"; lac_port = 1701; tunnel_id = 1; session_id = 1; peer_tunnel_id = 10; peer_session_id = 20;
    ipv4 = "100.64.0.1"; ipv6_prefix = "2001:db8:1::/64"; mtu = 1460; lac_mac = "02:00:00:00:00:09"; count = 1; },
  { lac = "192.0.2.3"; tunnel_id = 2; session_id = 65000; peer_tunnel_id = 2; peer_session_id = 65000;
    ipv4 = "100.65.0.1"; count = 1000; }
);
l2tp = { host_name = "lns"; secret = "s"; hello_interval = 60;
  retransmit = { initial_ms = 1000; max_ms = 8000; retries = 5; ack_delay_ms = 100; };
  admission = { sccrq_per_second = 10.5; icrq_per_second = 100; };
  lacs = ( { name = "bras1"; address = "192.0.2.2"; host_name = "bras1"; receive_window = 8; } );
};
ppp = { auth = ["chap", "pap"]; mru = 1500; echo_interval = 30; accept_proxy = true; };
aaa = { dns = ["192.0.2.53", "192.0.2.54"]; default_pool = "subscribers";
  pools = ( { name = "subscribers"; ranges = ["100.66.0.0/16", "100.67.0.1-100.67.0.100"]; } );
  users = ( { name = "alice"; password = "secret"; ipv4 = "100.68.0.1";
              ipv6_prefix = "2001:db8:a::/56"; routes = ["10.1.0.0/24"]; },
            { name = "bob"; password = "x"; pool = "subscribers"; } );
};
cli = { socket = "/run/lnsd.sock"; mode = "0660"; };
)";

// Pieces that tend to matter to a libconfig parser and to our checks.
const char* const kFragments[] = {
    "{", "}", "(", ")", "[", "]", ";", ",", "=", ":", "\"", "\\", "#", "//", "/*", "*/", "\n",
    "0", "1", "-1", "65535", "65536", "4294967297", "99999999999999999999", "0x", "0xFFFFFFFF",
    "1L", "1.5", "1e9", "true", "@include \"x\"", "\0", "\xff", "count = 1000000;",
    "tunnel_id = 1;", "ipv4 = \"100.64.0.1\";", "ipv6_prefix = \"::/0\";", "foo = 1;",
    "static_sessions", "dataplane", "workers", "mbufs", "a", "L", "x", "0.0", "-0.5", "1e999",
    "\"100.64.0.0/33\"", "\"1.2.3.4-1.2.3.0\"", "lacs", "users", "pools", "false", "\"none\""};

std::string mutate(std::string text, std::mt19937& rng) {
  auto pick = [&](size_t bound) { return std::uniform_int_distribution<size_t>(0, bound)(rng); };
  int edits = 1 + static_cast<int>(pick(4));
  for (int e = 0; e < edits; ++e) {
    size_t at = pick(text.size());
    switch (pick(5)) {
      case 0:  // delete a short run
        text.erase(at, pick(8));
        break;
      case 1: {  // insert a fragment
        const char* fragment = kFragments[pick(std::size(kFragments) - 1)];
        std::string piece = *fragment ? std::string(fragment) : std::string(1, '\0');
        text.insert(at, piece);
        break;
      }
      case 2:  // overwrite one byte
        if (at < text.size()) text[at] = static_cast<char>(pick(255));
        break;
      case 3: {  // duplicate a line
        size_t begin = text.rfind('\n', at);
        begin = begin == std::string::npos ? 0 : begin + 1;
        size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(begin, end - begin);
        line.insert(line.begin(), '\n');
        text.insert(end, line);
        break;
      }
      case 4:  // swap a digit for another
        for (size_t i = at; i < text.size(); ++i) {
          if (text[i] >= '0' && text[i] <= '9') {
            text[i] = static_cast<char>('0' + pick(9));
            break;
          }
        }
        break;
      default:  // truncate
        text.resize(at);
        break;
    }
  }
  return text;
}

TEST(ConfigMutation, DamagedConfigsYieldAConfigOrAnError) {
  ASSERT_TRUE(load_config_string(kValid, "valid.cfg").ok());
  std::mt19937 rng(20240521);
  int loaded_count = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string text = mutate(kValid, rng);
    absl::StatusOr<Config> loaded = load_config_string(text, "m.cfg");
    if (!loaded.ok()) {
      EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument) << text;
      EXPECT_FALSE(loaded.status().message().empty()) << text;
      // Every line names the file.
      std::string message(loaded.status().message());
      EXPECT_EQ(message.rfind("m.cfg", 0), 0u) << message;
      continue;
    }
    ++loaded_count;
    std::string shown = format_config(*loaded);
    absl::StatusOr<Config> reloaded = load_config_string(shown, "m.cfg");
    ASSERT_TRUE(reloaded.ok()) << reloaded.status() << "\nfrom:\n" << text;
    EXPECT_EQ(format_config(*reloaded), shown);
  }
  // Some mutations (comments, digits in harmless places) keep it valid:
  // the round trip above was exercised.
  EXPECT_GT(loaded_count, 0);
}

}  // namespace
}  // namespace lns::config
