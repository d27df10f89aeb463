// How the emulator's report is printed: a human summary, or one JSON
// object for tests (field names below are a contract with the test
// scripts; add fields, do not rename them).
#pragma once

#include <cstdint>
#include <string>

#include "tests/emulator/emulator.h"

namespace lns::emu {

std::string format_ipv4(uint32_t host_order);

std::string format_summary(const EmulatorReport& report);

// {"success":..,"expect_fail":..,
//  "tunnels":{"attempted","up","close_reasons":{},"close_messages":{}},
//  "sessions":{"attempted","up","failed","calls_connected","failure_reasons":{},
//              "closed_by_lns","close_reasons":{}},
//  "cdn_results":{"R/E":count},"cdn_messages":{"R/E":"text"},
//  "setup":{"seconds","rate"},"total_seconds",
//  "traffic":{"sent","at_core","returned","lost","loss_percent","misdelivered"},
//  "traffic_ipv6":{"checked","sent","at_core","returned","lost","loss_percent",
//                  "misdelivered"},   -- IPv6 probes; "traffic" is IPv4 only
//  "echo":{"requests","replies","sent","answered"},
//  "control":{"retransmissions","dropped"},
//  "session_list":[{"index","tunnel","session_id","lns_tunnel_id",
//     "lns_session_id","user","state","ipv4","reason","cdn","sent",
//     "at_core","returned","ipv6","ipv6_sent","ipv6_at_core","ipv6_returned"}]}
//     -- session_list only with include_sessions
std::string format_json(const EmulatorReport& report, bool include_sessions);

}  // namespace lns::emu
