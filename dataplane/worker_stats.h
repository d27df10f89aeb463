// Per-worker counters: written only by the owning worker, read (racily, as
// DPDK's own stats are) by the control plane when an operator asks.
#pragma once

#include <cstdint>

#include "dataplane/drop_reason.h"

namespace lns::dp {

struct alignas(64) WorkerStats {
  uint64_t rx_access = 0;
  uint64_t rx_core = 0;
  uint64_t decapsulated = 0;  // upstream packets sent to the core port
  uint64_t encapsulated = 0;  // downstream packets sent to the access port
  uint64_t punted = 0;
  uint64_t injected = 0;     // control-plane packets this worker transmitted
  uint64_t fragments_in = 0;  // outer fragments handed to the reassembly table
  uint64_t reassembled = 0;  // outer datagrams rebuilt from fragments
  uint64_t fragments_merged = 0;  // fragments that ended up in those datagrams
  uint64_t fragmented = 0;   // downstream packets split to fit the session MTU
  uint64_t polls = 0;
  uint64_t busy_polls = 0;
  uint64_t busy_cycles = 0;  // cycles spent in polls that moved packets
  uint64_t busy_packets = 0;
  uint64_t drops[kDropReasonCount] = {};

  void count_drop(DropReason r) { ++drops[static_cast<size_t>(r)]; }
  uint64_t drop(DropReason r) const { return drops[static_cast<size_t>(r)]; }
  uint64_t total_drops() const {
    uint64_t t = 0;
    for (uint64_t d : drops) t += d;
    return t;
  }
};

}  // namespace lns::dp
