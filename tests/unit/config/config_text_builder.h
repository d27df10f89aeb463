// Builds configuration texts for tests with a fixed line layout, so tests
// can name the line an error must point at:
//   line 1: eal = { <eal> };
//   line 2: dataplane = { <dataplane> };
//   line 3: access = { <access> };
//   line 4: core = { <core> };
//   line 5: static_sessions = (
//   line 6 + i: { <sessions[i]> },
//   then:  );
//   then the `extra` text (further sections), from line extra_line(0) on.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "config/config_loader.h"

namespace lns::config::testing {

inline constexpr int kEalLine = 1;
inline constexpr int kDataplaneLine = 2;
inline constexpr int kAccessLine = 3;
inline constexpr int kCoreLine = 4;
inline int session_line(int index) { return 6 + index; }

// A valid session body; tests append or replace settings.
inline std::string session(int tunnel_id, int session_id, const std::string& ipv4,
                           const std::string& extra = "") {
  return absl::StrCat("lac = \"192.0.2.2\"; tunnel_id = ", tunnel_id, "; session_id = ",
                      session_id, "; peer_tunnel_id = ", tunnel_id, "; peer_session_id = ",
                      session_id, "; ipv4 = \"", ipv4, "\"; ", extra);
}

struct ConfigText {
  std::string eal;
  std::string dataplane;
  std::string access =
      "device = \"net_tap0,iface=a0\"; ipv4 = \"192.0.2.1\"; next_hop_mac = \"02:00:00:00:00:01\";";
  std::string core = "device = \"net_tap1,iface=c0\"; next_hop_mac = \"02:00:00:00:00:02\";";
  std::vector<std::string> sessions;
  // Sections after the static sessions, e.g. "l2tp = { ... };\n".
  std::string extra;

  // The line of the i-th line of `extra`.
  int extra_line(int i) const { return 7 + static_cast<int>(sessions.size()) + i; }

  std::string render() const {
    std::string text = absl::StrCat("eal = { ", eal, " };\n", "dataplane = { ", dataplane,
                                    " };\n", "access = { ", access, " };\n", "core = { ", core,
                                    " };\n", "static_sessions = (\n");
    for (size_t i = 0; i < sessions.size(); ++i) {
      absl::StrAppend(&text, "  { ", sessions[i], " }", i + 1 < sessions.size() ? "," : "", "\n");
    }
    absl::StrAppend(&text, ");\n", extra);
    return text;
  }

  absl::StatusOr<Config> load() const { return load_config_string(render(), "t.cfg"); }
};

// The error lines of a failed load; empty when it succeeded.
inline std::vector<std::string> errors_of(const absl::StatusOr<Config>& loaded) {
  if (loaded.ok()) return {};
  return absl::StrSplit(std::string(loaded.status().message()), '\n');
}

}  // namespace lns::config::testing
