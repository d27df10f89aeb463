// How lnsgen prints what it measured: a human summary or one JSON object.
// JSON fields are a contract with tests/integration/lnsgen_memif_test.py and
// scripts/bench-memif (add fields, do not rename them):
//   {"success", "emulator": <lns-emulator's JSON report, see
//    tests/emulator/report_format.h>,
//    "traffic": {"direction", "rate_pps", "duration_s", "sizes": [..],
//      "sessions", "foreign_access", "foreign_core",
//      "up"|"down": {"sent", "received", "lost", "loss_percent", "tx_full",
//        "no_mbuf", "behind", "received_after_end", "misdelivered", "offered_mpps",
//        "received_mpps", "latency_us": {"p50", "p99", "p999", "max"}}}}
// ("up"/"down" only for the directions that ran.)
#pragma once

#include <string>

#include "tests/lnsgen/traffic_run.h"

namespace lns::gen {

struct TrafficSummary {
  TrafficConfig config;
  TrafficResult result;
  uint32_t sessions = 0;
  bool ran = false;
};

std::string traffic_json(const TrafficSummary& t);
std::string traffic_text(const TrafficSummary& t);

}  // namespace lns::gen
