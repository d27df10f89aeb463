// Per-worker counters: written only by the owning worker, read (racily, as
// DPDK's own stats are) by the control plane when an operator asks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>

#include "dataplane/drop_reason.h"

namespace lns::dp {

struct alignas(64) WorkerStats {
  uint64_t rx_access = 0;
  uint64_t rx_core = 0;
  uint64_t decapsulated = 0;  // upstream packets sent to the core port
  uint64_t encapsulated = 0;  // downstream packets sent to the access port
  uint64_t punted = 0;
  uint64_t injected = 0;     // control-plane packets this worker took to transmit
  // Of those, how many found the port's TX queue full and waited for a later poll.
  uint64_t inject_waits = 0;
  uint64_t fragments_in = 0;  // outer fragments handed to the reassembly table
  uint64_t reassembled = 0;  // outer datagrams rebuilt from fragments
  uint64_t fragments_merged = 0;  // fragments that ended up in those datagrams
  uint64_t fragmented = 0;   // downstream packets split to fit the session MTU
  uint64_t lcp_echo_answered = 0;  // peer LCP Echo-Requests this worker answered
  // Session distribution: packets given to the worker owning their session,
  // and packets other workers gave this one (summed over workers, equal once
  // the rings are empty).
  uint64_t handed_off = 0;
  uint64_t handed_in = 0;
  uint64_t polls = 0;
  uint64_t busy_polls = 0;
  uint64_t busy_cycles = 0;  // cycles spent in polls that moved packets
  uint64_t busy_packets = 0;
  uint64_t drops[kDropReasonCount] = {};

  void count_drop(DropReason r) { ++drops[static_cast<size_t>(r)]; }

  // Field-wise sum and difference, for totals over workers and for
  // `clear counters` baselines.
  template <class Op>
  WorkerStats& combine(const WorkerStats& o, Op op) {
    uint64_t* const mine[] = {&rx_access, &rx_core, &decapsulated, &encapsulated, &punted, &injected,
                              &inject_waits, &fragments_in, &reassembled, &fragments_merged, &fragmented, &lcp_echo_answered,
                              &handed_off, &handed_in, &polls, &busy_polls, &busy_cycles, &busy_packets};
    const uint64_t* const theirs[] = {&o.rx_access, &o.rx_core, &o.decapsulated, &o.encapsulated, &o.punted,
                                      &o.injected, &o.inject_waits, &o.fragments_in, &o.reassembled, &o.fragments_merged,
                                      &o.fragmented, &o.lcp_echo_answered, &o.handed_off, &o.handed_in, &o.polls,
                                      &o.busy_polls, &o.busy_cycles, &o.busy_packets};
    for (size_t i = 0; i < std::size(mine); ++i) *mine[i] = op(*mine[i], *theirs[i]);
    for (size_t i = 0; i < kDropReasonCount; ++i) drops[i] = op(drops[i], o.drops[i]);
    return *this;
  }
  WorkerStats& operator+=(const WorkerStats& o) { return combine(o, [](uint64_t a, uint64_t b) { return a + b; }); }
  WorkerStats& operator-=(const WorkerStats& o) { return combine(o, [](uint64_t a, uint64_t b) { return a - b; }); }
  uint64_t drop(DropReason r) const { return drops[static_cast<size_t>(r)]; }
  uint64_t total_drops() const {
    uint64_t t = 0;
    for (uint64_t d : drops) t += d;
    return t;
  }
};

}  // namespace lns::dp
