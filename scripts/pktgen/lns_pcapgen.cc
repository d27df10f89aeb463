// lns-pcapgen: writes pcap files of traffic for the static sessions of an
// lnsd config, for replay with net_pcap (scripts/run), pktgen-dpdk
// (scripts/pktgen/README.md) or tcpreplay:
//   upstream.pcap    LAC -> LNS: Ethernet/IPv4/UDP/L2TP/PPP/IPv4/UDP
//   downstream.pcap  core -> LNS: Ethernet/IPv4/UDP to each subscriber
// Packet i of each file belongs to the same session and has the same inner
// size; sizes follow a weighted mix, spread evenly over the file.
#include <getopt.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "config/addresses.h"
#include "config/config_loader.h"
#include "config/static_sessions.h"
#include "tests/support/packet_builder.h"

namespace {

using lns::test::Bytes;
using lns::test::Mac;

struct Options {
  std::string config;
  std::string out_dir = ".";
  uint64_t packets = 0;   // per direction; 0: one per session
  uint64_t sessions = 0;  // the first N static sessions; 0: all
  std::vector<uint32_t> sizes{64};  // one period of the size mix
  bool shuffle = false;
  Mac access_mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  Mac core_mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  uint32_t far_end = 0xc6120001;  // 198.18.0.1, benchmarking space (RFC 2544)
};

[[noreturn]] void usage(int rc) {
  std::fprintf(rc ? stderr : stdout,
               "usage: lns-pcapgen -c CONFIG [-o DIR] [-s SESSIONS] [-n PACKETS]\n"
               "                   [--size N | --imix | --mix SIZE[:WEIGHT],...] [--shuffle]\n"
               "                   [--access-mac MAC] [--core-mac MAC]\n"
               "Writes DIR/upstream.pcap and DIR/downstream.pcap for the config's static sessions.\n"
               "  -s, --sessions N  only the first N static sessions (default: all of them)\n"
               "  -n, --packets N   packets per file (default: one per session); packet i goes to\n"
               "                    session i mod SESSIONS, or a shuffled order with --shuffle\n"
               "Sizes are inner IPv4 packet sizes (36..9000), capped at each session's MTU:\n"
               "  --size N (default 64), --imix = --mix 64:7,594:4,1518:1, --mix any weighted list.\n"
               "The downstream frame is 14 bytes longer (18 with a VLAN), the upstream frame 52\n"
               "(56); add 4 for the FCS on the wire. MACs default to broadcast (accepted by any\n"
               "NIC and vdev); the source MACs are the config's next hops.\n");
  std::exit(rc);
}

// "64:7,594:4,1518:1" (weights default to 1) as one period of sizes, each
// size as many times as its weight, interleaved so that every prefix of the
// period is as close to the mix as it can be (smooth weighted round-robin).
bool parse_mix(const std::string& spec, std::vector<uint32_t>* out) {
  std::vector<std::pair<uint32_t, long>> classes;
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string::npos) end = spec.size();
    const std::string item = spec.substr(pos, end - pos);
    char* rest = nullptr;
    const unsigned long size = std::strtoul(item.c_str(), &rest, 10);
    long weight = 1;
    if (rest == item.c_str()) return false;
    if (*rest == ':') {
      char* wend = nullptr;
      weight = std::strtol(rest + 1, &wend, 10);
      if (wend == rest + 1 || *wend != '\0' || weight < 1 || weight > 1000) return false;
    } else if (*rest != '\0') {
      return false;
    }
    classes.emplace_back(static_cast<uint32_t>(size), weight);
    pos = end + 1;
  }
  if (classes.empty()) return false;
  long total = 0;
  for (const auto& c : classes) total += c.second;
  std::vector<long> current(classes.size(), 0);
  out->clear();
  for (long k = 0; k < total; ++k) {
    size_t best = 0;
    for (size_t j = 0; j < classes.size(); ++j) {
      current[j] += classes[j].second;
      if (current[j] > current[best]) best = j;
    }
    current[best] -= total;
    out->push_back(classes[best].first);
  }
  return true;
}

bool parse_mac_arg(const char* s, Mac* out) {
  auto m = lns::config::parse_mac(s);
  if (!m.ok()) return false;
  *out = m->bytes;
  return true;
}

Bytes inner_ipv4(uint32_t src, uint32_t dst, uint32_t size, uint64_t seq) {
  size = std::max<uint32_t>(size, 28 + 8);
  Bytes payload = lns::test::payload_bytes(size - 28, static_cast<uint8_t>(seq));
  for (int i = 0; i < 8; ++i) payload[i] = static_cast<uint8_t>(seq >> (56 - 8 * i));
  return lns::test::ipv4(src, dst, 17, lns::test::udp(9, 9, payload), {.id = static_cast<uint16_t>(seq)});
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  static const option longopts[] = {{"config", required_argument, nullptr, 'c'},
                                    {"out", required_argument, nullptr, 'o'},
                                    {"packets", required_argument, nullptr, 'n'},
                                    {"sessions", required_argument, nullptr, 's'},
                                    {"size", required_argument, nullptr, 'z'},
                                    {"imix", no_argument, nullptr, 'i'},
                                    {"mix", required_argument, nullptr, 'x'},
                                    {"shuffle", no_argument, nullptr, 'r'},
                                    {"access-mac", required_argument, nullptr, 'a'},
                                    {"core-mac", required_argument, nullptr, 'm'},
                                    {"help", no_argument, nullptr, 'h'},
                                    {nullptr, 0, nullptr, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "c:o:n:s:h", longopts, nullptr)) != -1) {
    switch (c) {
      case 'c': o.config = optarg; break;
      case 'o': o.out_dir = optarg; break;
      case 'n': o.packets = std::strtoull(optarg, nullptr, 10); break;
      case 's': o.sessions = std::strtoull(optarg, nullptr, 10); if (o.sessions == 0) usage(2); break;
      case 'z': o.sizes = {static_cast<uint32_t>(std::atoi(optarg))}; break;
      case 'i': parse_mix("64:7,594:4,1518:1", &o.sizes); break;
      case 'x': if (!parse_mix(optarg, &o.sizes)) usage(2); break;
      case 'r': o.shuffle = true; break;
      case 'a': if (!parse_mac_arg(optarg, &o.access_mac)) usage(2); break;
      case 'm': if (!parse_mac_arg(optarg, &o.core_mac)) usage(2); break;
      case 'h': usage(0);
      default: usage(2);
    }
  }
  if (o.config.empty()) usage(2);
  for (uint32_t s : o.sizes)
    if (s < 36 || s > 9000) {
      std::fprintf(stderr, "lns-pcapgen: packet size %u outside 36..9000\n", s);
      return 2;
    }
  auto cfg = lns::config::load_config_file(o.config);
  if (!cfg.ok()) {
    std::fprintf(stderr, "lns-pcapgen: %s\n", std::string(cfg.status().message()).c_str());
    return 1;
  }
  std::vector<lns::config::StaticSession> sessions;
  lns::config::for_each_static_session(*cfg, [&](const lns::config::StaticSession& s) { sessions.push_back(s); });
  if (sessions.empty()) {
    std::fprintf(stderr, "lns-pcapgen: %s has no static sessions\n", o.config.c_str());
    return 1;
  }
  if (o.sessions > sessions.size()) {
    std::fprintf(stderr,
                 "lns-pcapgen: %s declares %zu static sessions, fewer than --sessions %llu; raise the range's\n"
                 "  count and dataplane.max_sessions (scripts/pktgen/prepare writes such a config)\n",
                 o.config.c_str(), sessions.size(), static_cast<unsigned long long>(o.sessions));
    return 1;
  }
  if (o.sessions) sessions.resize(o.sessions);
  const uint64_t n = o.packets ? o.packets : sessions.size();
  std::vector<uint32_t> order(n);
  for (uint64_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i % sessions.size());
  if (o.shuffle) std::shuffle(order.begin(), order.end(), std::mt19937(2661));

  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
  const std::string up_path = o.out_dir + "/upstream.pcap", down_path = o.out_dir + "/downstream.pcap";
  pcap_dumper_t* up = pcap_dump_open(dead, up_path.c_str());
  pcap_dumper_t* down = pcap_dump_open(dead, down_path.c_str());
  if (up == nullptr || down == nullptr) {
    std::fprintf(stderr, "lns-pcapgen: cannot write to %s: %s\n", o.out_dir.c_str(), pcap_geterr(dead));
    return 1;
  }
  const uint32_t lns_ip = cfg->access.ipv4.value_or(0);
  const Mac router_mac = cfg->core.next_hop_mac ? cfg->core.next_hop_mac->bytes : Mac{};
  auto dump = [](pcap_dumper_t* d, const Bytes& f, uint64_t i) {
    pcap_pkthdr h{};
    h.ts.tv_sec = static_cast<time_t>(i / 1000000);
    h.ts.tv_usec = static_cast<suseconds_t>(i % 1000000);
    h.caplen = h.len = static_cast<bpf_u_int32>(f.size());
    pcap_dump(reinterpret_cast<u_char*>(d), &h, f.data());
  };
  uint64_t up_bytes = 0, down_bytes = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const auto& s = sessions[order[i]];
    const uint32_t size = std::min<uint32_t>(o.sizes[i % o.sizes.size()], s.mtu.value_or(1500));
    const Mac lac_mac = s.lac_mac ? s.lac_mac->bytes : Mac{};
    auto l2tp = lns::test::l2tp(s.tunnel_id, s.session_id,
                                lns::test::ppp(0x0021, inner_ipv4(s.subscriber_ipv4, o.far_end, size, i)));
    auto outer = lns::test::ipv4(s.lac_ipv4, lns_ip, 17, lns::test::udp(s.lac_port, 1701, l2tp));
    const Bytes up_frame = lns::test::concat(lns::test::ethernet(o.access_mac, lac_mac, 0x0800, cfg->access.vlan), outer);
    const Bytes down_frame = lns::test::concat(lns::test::ethernet(o.core_mac, router_mac, 0x0800, cfg->core.vlan),
                                               inner_ipv4(o.far_end, s.subscriber_ipv4, size, i));
    dump(up, up_frame, i);
    dump(down, down_frame, i);
    up_bytes += up_frame.size();
    down_bytes += down_frame.size();
  }
  pcap_dump_close(up);
  pcap_dump_close(down);
  pcap_close(dead);
  std::printf("lns-pcapgen: %llu packets per direction over %zu sessions -> %s, %s\n",
              static_cast<unsigned long long>(n), sessions.size(), up_path.c_str(), down_path.c_str());
  std::printf("lns-pcapgen: mean frame %.1f bytes upstream, %.1f downstream (without FCS)\n",
              static_cast<double>(up_bytes) / n, static_cast<double>(down_bytes) / n);
  return 0;
}
