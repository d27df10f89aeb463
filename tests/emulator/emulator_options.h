// The lns-emulator command line. Parsing is separate from main() so it can
// be tested, and so every bad value gets a clear message naming the option.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log.h"
#include "tests/emulator/emulator.h"

namespace lns::emu {

struct EmulatorOptions {
  EmulatorConfig emulator;
  uint32_t lns_address = 0;  // host order
  uint16_t lns_port = 1701;
  std::optional<uint32_t> local_address;
  // Tunnel i's socket binds local_port + i; 0 lets the kernel choose.
  uint16_t local_port = 0;
  // Core-side interface to reflect probes on (AF_PACKET); empty: none.
  std::string reflect_core;
  bool json = false;
  bool json_sessions = false;
  LogLevel log_level = LogLevel::kWarning;
  bool help = false;
};

// argv[0] excluded.
absl::StatusOr<EmulatorOptions> parse_emulator_options(const std::vector<std::string_view>& args);

absl::StatusOr<uint32_t> parse_ipv4(std::string_view text);

std::string emulator_usage();

}  // namespace lns::emu
