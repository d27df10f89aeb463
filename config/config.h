// Typed configuration model for lnsd. The loader (config_loader.h) fills it
// from a libconfig file and validates it as a whole before anything starts;
// nothing downstream re-validates what is checked here.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lns::config {

// IPv4 addresses are kept in host byte order throughout the config model.
using Ipv4 = uint32_t;

struct MacAddress {
  std::array<uint8_t, 6> bytes{};
  bool operator==(const MacAddress&) const = default;
};

struct Ipv6Prefix {
  std::array<uint8_t, 16> address{};  // network byte order, host bits zero
  uint8_t length = 0;                 // 1..64
  bool operator==(const Ipv6Prefix&) const = default;
};

struct EalConfig {
  // Extra EAL arguments passed through verbatim (e.g. "--no-huge",
  // "--in-memory", "--file-prefix=lns1", "--log-level=...").
  std::vector<std::string> args;
  unsigned main_lcore = 0;  // runs the control plane
};

struct PortConfig {
  // A PCI address ("0000:03:00.0") or a vdev string ("net_tap0,iface=lns0").
  std::string device;
  std::optional<uint16_t> vlan;  // 802.1Q VID, 1..4094
  std::optional<Ipv4> ipv4;      // access: required (LACs send to it); core: optional
  // Next hop's MAC. Core: required (static next hop for now). Access:
  // optional default gateway toward LACs; a session may override it.
  std::optional<MacAddress> next_hop_mac;
  uint16_t mtu = 1500;
  uint16_t rx_descriptors = 1024;
  uint16_t tx_descriptors = 1024;
};

struct PuntConfig {
  uint32_t rate_pps = 20000;  // per worker, token bucket
  uint32_t burst = 512;       // token bucket depth
  uint32_t ring_size = 1024;  // per worker ring to the control plane, power of two
};

struct ReassemblyConfig {
  uint32_t max_flows = 4096;  // per worker
  uint32_t timeout_ms = 2000;
};

struct DataplaneConfig {
  std::vector<unsigned> worker_lcores{1};  // one RX/TX queue pair per worker per port
  uint32_t mbufs = 32767;                  // mbuf pool size
  uint32_t mbuf_cache = 256;
  uint16_t tcp_mss_clamp = 1420;  // 0 disables clamping
  uint32_t max_sessions = 65536;  // capacity of the session tables
  uint16_t session_mtu = 1460;    // default inner MTU (PPP MRU) per session
  PuntConfig punt;
  ReassemblyConfig reassembly;
};

// One static session, or `count` consecutive ones (see static_sessions.h for
// how IDs and addresses advance). Static sessions need no control plane: they
// serve benchmarks and replayed captures.
struct StaticSession {
  Ipv4 lac_ipv4 = 0;
  uint16_t lac_port = 1701;
  uint16_t tunnel_id = 0;        // ours, 1..65535
  uint16_t session_id = 0;       // ours, 1..65535
  uint16_t peer_tunnel_id = 0;   // the LAC's
  uint16_t peer_session_id = 0;  // the LAC's
  Ipv4 subscriber_ipv4 = 0;
  std::optional<Ipv6Prefix> subscriber_ipv6;
  std::optional<uint16_t> mtu;              // default dataplane.session_mtu
  std::optional<MacAddress> lac_mac;        // default access.next_hop_mac
  uint32_t count = 1;
  int line = 0;  // where it was declared, for error messages downstream
};

struct Config {
  std::string source;  // file name (or "<embedded>")
  EalConfig eal;
  DataplaneConfig dataplane;
  PortConfig access;
  PortConfig core;
  std::vector<StaticSession> static_sessions;
};

}  // namespace lns::config
