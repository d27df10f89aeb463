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
  // MiB of heap touched at start (about 4 KiB a session), so the control
  // plane's per-session state comes from pages the kernel has already
  // supplied; 0: none.
  uint32_t heap_prefault_mb = 0;
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

// Sized to what one control core handles (a few microseconds per punted
// frame): a full session setup punts about a dozen frames, so 200,000 per
// second is ~16,000 setups per second per worker. Lower it only to protect
// a slower control plane; floods beyond it stay bounded by the ring (which
// busy setups want larger: nic.cfg and tap.cfg use 4096).
struct PuntConfig {
  // Each worker has a bucket and a ring for tunnel signalling and another
  // pair for PPP control (dp::PuntClass); these size each of them.
  uint32_t rate_pps = 200000;  // per worker and class, token bucket
  uint32_t burst = 1024;       // token bucket depth
  uint32_t ring_size = 1024;   // per worker ring to the control plane, power of two
};

struct ReassemblyConfig {
  uint32_t max_flows = 4096;  // per worker
  uint32_t timeout_ms = 2000;
};

// How received packets are spread over the workers.
//  kRss:     each worker handles what its RX queues receive. The NIC's RSS
//            decides, on the outer 5-tuple, so one tunnel (one LAC's UDP
//            flow) lands on one worker however many sessions it carries.
//  kSession: the receiving worker also classifies L2TP data by tunnel and
//            session ID (downstream by subscriber address) and hands packets
//            another worker owns to it over an SPSC ring, so even a single
//            tunnel spreads over every worker and each session stays on one.
// RSS is the default: a handed-over packet's mbuf and headers cross cores.
// On the development VM (two vCPUs that pass a cache line in ~290 cycles
// each way) that added 175-320 cycles to the average packet with half of
// them handed over (tests/bench, --workers=2), more than a whole
// decapsulation, so even one tunnel on one queue went faster on one worker.
// Session distribution pays only where crossing cores is cheap next to the
// per-packet work.
enum class Distribution : uint8_t { kRss, kSession };

// How encap writes the cache line in front of an IPv4 packet (where the
// headroom ends and the tunnel header goes) on an access port whose driver
// sends frames by DMA:
//  kStream: assembled aside and streamed out whole with non-temporal
//           stores, so that line is never read from memory;
//  kStore:  ordinary stores into the line, prefetched for writing first;
//  kAuto:   kStream on Intel CPUs, kStore on the others, as measured
//           (dataplane/header_writes.h).
enum class EncapHeaderWrites : uint8_t { kAuto, kStream, kStore };

struct DataplaneConfig {
  std::vector<unsigned> worker_lcores{1};  // one RX/TX queue pair per worker per port
  Distribution distribution = Distribution::kRss;
  // Per ordered worker pair and direction, session distribution only.
  uint32_t handoff_ring_size = 1024;
  // 0: workers poll without pause (line rate, a core each). N: after 1,000
  // empty polls in a row a worker sleeps N microseconds per empty poll,
  // handing its CPU to whatever shares it (tests, small boxes, lab VMs).
  uint32_t idle_sleep_us = 0;
  uint32_t mbufs = 32767;                  // mbufs in each port's pool
  uint32_t mbuf_cache = 256;
  // Where an access-port frame starts in its cache line (dataplane/frame_layout.h):
  // 56 puts all that decap reads of an untagged frame in one line.
  uint32_t access_frame_offset = 56;
  EncapHeaderWrites encap_header_writes = EncapHeaderWrites::kAuto;
  uint16_t tcp_mss_clamp = 1420;  // IPv4 MSS (session MTU - 40); IPv6 gets 20 less; 0: off
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

// An IPv4 prefix such as a framed route "10.1.0.0/24": host bits zero.
struct Ipv4Prefix {
  Ipv4 address = 0;
  uint8_t length = 0;  // 1..32
  bool operator==(const Ipv4Prefix&) const = default;
};

// A closed range of IPv4 addresses, as written in a pool: "100.64.0.0/16"
// (prefix_length 16) or "100.65.0.1-100.65.0.100" (prefix_length 0). The
// spelling is kept only so format_config writes it back the same way; every
// address from first to last belongs to the pool.
struct Ipv4Range {
  Ipv4 first = 0;
  Ipv4 last = 0;
  uint8_t prefix_length = 0;  // 0: written as first-last
  bool operator==(const Ipv4Range&) const = default;
};

// The `l2tp` section: L2TP control-plane settings, one to one with
// lns::l2tp::L2tpConfig (durations in the units their names say).
struct L2tpRetransmitConfig {
  uint32_t initial_ms = 1000;  // first retransmission timeout
  uint32_t max_ms = 8000;      // the timeout doubles up to this
  uint32_t retries = 5;        // retransmissions before the tunnel is given up
  uint32_t ack_delay_ms = 100;  // wait this long for a message to piggyback an ack on
};

// Token buckets pacing new tunnels and sessions; 0 means unlimited.
struct L2tpAdmissionConfig {
  double sccrq_per_second = 0;
  double sccrq_per_second_per_peer = 0;
  double icrq_per_second = 0;
  double icrq_per_second_per_peer = 0;
  std::optional<double> sccrq_burst;  // default: one second's worth
  std::optional<double> icrq_burst;
};

// One LAC (or the LACs sharing a host name). Unset optionals fall back to
// the l2tp section's value.
struct LacConfig {
  std::string name;
  std::optional<Ipv4> address;  // matched first
  std::optional<std::string> host_name;  // matched when no address is given
  std::optional<std::string> secret;  // default l2tp.secret
  std::optional<bool> require_auth;
  std::optional<bool> hide_avps;
  std::optional<uint32_t> hello_interval;  // seconds, 0 off
  std::optional<uint16_t> receive_window;
  std::optional<uint32_t> max_sessions;  // over all tunnels from this LAC
  std::optional<bool> permissive;
  int line = 0;  // where it was declared
};

struct L2tpConfig {
  std::string host_name = "lns";
  std::string secret;  // empty: none; LACs then need secrets of their own
  bool require_auth = true;
  bool hide_avps = false;
  uint32_t hello_interval = 60;  // seconds, 0 off
  L2tpRetransmitConfig retransmit;
  uint16_t receive_window = 16;
  uint32_t max_tunnels = 1024;
  uint32_t max_sessions = 200000;  // over all tunnels
  uint32_t max_sessions_per_tunnel = 65535;
  bool allow_unknown_lacs = true;  // false: only the LACs listed below
  bool permissive = false;         // tolerate peers bending non-MUST rules
  L2tpAdmissionConfig admission;
  std::vector<LacConfig> lacs;
};

// The `ppp` section: how each subscriber's PPP is negotiated.
enum class PppAuthMethod : uint8_t { kChap, kPap };  // kChap is CHAP with MD5

struct PppConfig {
  // Asked for in this order; empty means no authentication (["none"]).
  std::vector<PppAuthMethod> auth{PppAuthMethod::kChap, PppAuthMethod::kPap};
  uint16_t mru = 1500;
  uint32_t echo_interval = 30;  // seconds between LCP Echo-Requests, 0 off
  uint32_t echo_failures = 3;   // unanswered in a row before the link is dead
  uint32_t restart_ms = 3000;   // RFC 1661 restart timer
  uint32_t max_configure = 10;
  uint32_t max_terminate = 2;
  uint32_t max_failure = 5;
  bool accept_proxy = true;  // take over proxy LCP/authentication from the LAC
  bool ipv6 = true;          // run IPv6CP
};

// The `aaa` section: local subscribers and IPv4 address pools.
struct AddressPoolConfig {
  std::string name;
  std::vector<Ipv4Range> ranges;
  int line = 0;
};

struct SubscriberConfig {
  std::string name;
  std::string password;  // cleartext: CHAP needs it
  std::optional<Ipv4> ipv4;  // fixed address
  std::optional<Ipv6Prefix> ipv6_prefix;  // delegated prefix
  std::vector<Ipv4Prefix> routes;  // framed routes toward the subscriber
  std::optional<std::string> pool;  // default aaa.default_pool
  int line = 0;
};

struct AaaConfig {
  std::vector<Ipv4> dns;  // primary, secondary; at most two
  std::optional<std::string> default_pool;  // required when there are pools
  std::vector<AddressPoolConfig> pools;
  std::vector<SubscriberConfig> users;
};

// The `cli` section: the Unix socket lnsctl talks to.
struct CliConfig {
  std::string socket = "/run/lnsd.sock";
  uint32_t mode = 0660;  // file permission bits, written as an octal string
};

struct Config {
  std::string source;  // file name (or "<embedded>")
  EalConfig eal;
  DataplaneConfig dataplane;
  PortConfig access;
  PortConfig core;
  std::vector<StaticSession> static_sessions;
  L2tpConfig l2tp;
  PppConfig ppp;
  AaaConfig aaa;
  CliConfig cli;
};

}  // namespace lns::config
