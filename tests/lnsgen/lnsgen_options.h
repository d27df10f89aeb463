// The lnsgen command line (after EAL's arguments and "--"). lnsgen's own
// options are parsed here; everything else is an lns-emulator option
// (--lns, --tunnels, --sessions, --auth, --password, ...) and goes to
// parse_emulator_options, so the two tools cannot drift apart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/emulator/emulator_options.h"
#include "tests/lnsgen/frame_templates.h"
#include "tests/lnsgen/traffic_run.h"

namespace lns::gen {

struct LnsgenOptions {
  emu::EmulatorOptions emulator;  // lns_address, local_address (the LAC), local_port (tunnel 0's port)
  TrafficConfig traffic;
  std::string access_port;  // ethdev names; empty: the first / second port
  std::string core_port;
  uint32_t lns_core_address = 0;  // 0: none (then --lns-core-mac, or no downstream)
  std::optional<MacBytes> lns_mac;
  std::optional<MacBytes> lns_core_mac;
  double arp_timeout_s = 5;
  double hold_s = 0;  // after the traffic, keep sessions and ports up this long
  // After the report: poll no queue, and wait this long at most for the
  // peer to take the links down before closing ours (0: close at once).
  double await_peer_close_s = 0;
  bool no_control = false;  // synthetic sessions, no L2TP/PPP (forwarding baselines)
  bool json = false;
  bool help = false;
};

inline constexpr uint32_t kDefaultLacAddress = 0xC0000202;  // 192.0.2.2
inline constexpr uint16_t kDefaultLacPort = 10000;

// argv after "--" (or all of it when there is no "--").
absl::StatusOr<LnsgenOptions> parse_lnsgen_options(const std::vector<std::string_view>& args);
absl::StatusOr<MacBytes> parse_mac(std::string_view text);
std::string lnsgen_usage();

}  // namespace lns::gen
