// Typed settings of the L2TP control plane (LnsEngine). The libconfig loader
// in config/ fills this struct; the engine only reads it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "controlplane/l2tp/avp.h"

namespace lns::l2tp {

// Settings for one LAC (or a group sharing a host name). Unset optionals
// fall back to the global L2tpConfig value.
struct LacPolicy {
  std::string name;                      // shown by the CLI and in logs
  std::optional<uint32_t> address;       // IPv4, host byte order
  std::optional<std::string> host_name;  // the SCCRQ Host Name AVP
  std::string secret;                    // empty: use L2tpConfig::secret
  std::optional<bool> require_auth;
  std::optional<bool> hide_avps;
  std::optional<Duration> hello_interval;
  std::optional<uint16_t> receive_window;
  // Sessions over all tunnels from this LAC.
  std::optional<uint32_t> max_sessions;
  std::optional<bool> permissive;
};

// Reliable delivery of control messages (RFC 2661 5.8).
struct RetransmitConfig {
  Duration initial_timeout = std::chrono::seconds(1);
  Duration max_timeout = std::chrono::seconds(8);
  int max_retransmissions = 5;
  Duration ack_delay = std::chrono::milliseconds(100);
};

// Token buckets pacing new work; 0 means unlimited. Bursts default to one
// second's worth of tokens (at least 1).
struct AdmissionConfig {
  double sccrq_per_second = 0;
  double sccrq_per_second_per_peer = 0;
  double icrq_per_second = 0;
  double icrq_per_second_per_peer = 0;
  std::optional<double> sccrq_burst;
  std::optional<double> icrq_burst;
};

struct L2tpConfig {
  std::string host_name = "lns";
  std::string vendor_name = "lns";
  uint16_t firmware_revision = 0x0100;
  uint32_t framing_capabilities = kFramingSync | kFramingAsync;

  // Global tunnel secret, used for LACs whose policy has none. May be empty.
  std::string secret;
  // Challenge every LAC in SCCRP and insist on a correct response in SCCCN.
  bool require_auth = true;
  // Hide the AVPs RFC 2661 allows to be hidden in what we send.
  bool hide_avps = false;
  // HELLO after this long without hearing from the peer; zero disables.
  Duration hello_interval = std::chrono::seconds(60);
  RetransmitConfig retransmit;
  uint16_t receive_window = 16;

  uint32_t max_tunnels = 1024;
  uint32_t max_sessions = 200000;  // over all tunnels
  uint32_t max_sessions_per_tunnel = 65535;

  // false: only LACs matching a LacPolicy may open tunnels (an allow-list).
  bool allow_unknown_lacs = true;
  std::vector<LacPolicy> lacs;

  AdmissionConfig admission;

  // Tolerate sloppy peers (see DecodeOptions::permissive); tunnel-scope
  // messages breaking a rule that is not an RFC MUST are ignored rather
  // than tearing the tunnel down.
  bool permissive = false;

  // How long a tunnel may wait for SCCCN after our SCCRP.
  Duration wait_ctl_conn_timeout = std::chrono::seconds(30);
  // How long an incoming call may wait for ICCN once the LAC has
  // acknowledged our ICRP (the LAC's ICCN may queue behind other calls).
  Duration incoming_call_timeout = std::chrono::seconds(60);
  // How long an outgoing call may take from the acknowledgement of our
  // OCRQ to OCCN (the LAC dials).
  Duration outgoing_call_timeout = std::chrono::seconds(120);
  // State kept after the peer's StopCCN to re-acknowledge retransmissions of
  // it: one full retransmission cycle (1+2+4+8+8+8 s with the defaults).
  Duration stopccn_linger = std::chrono::seconds(31);
};

// The policy for a LAC: an address match wins over a host name match; the
// first matching entry of each kind is used. nullptr when none matches.
const LacPolicy* match_lac(const L2tpConfig& config, uint32_t address, std::string_view host_name);

}  // namespace lns::l2tp
