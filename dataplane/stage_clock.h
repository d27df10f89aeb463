// Cycles spent in each stage of the worker's burst processing, for the
// benchmark's "cycles per packet by stage" breakdown. Only a build configured
// with -Dstage_cycles=true reads the TSC; otherwise every call compiles to
// nothing, so the production hot path does not pay for it.
#pragma once

#include <cstddef>
#include <cstdint>

#include <rte_cycles.h>

namespace lns::dp {

#ifdef LNS_STAGE_CYCLES
inline constexpr bool kStageCyclesEnabled = true;
#else
inline constexpr bool kStageCyclesEnabled = false;
#endif

enum class Stage : uint8_t {
  kRx,        // rte_eth_rx_burst
  kFetch,     // prefetching mbufs and header lines (under load: the new burst's mbufs, the last one's headers)
  // Looking at a burst: parsing and checking each packet's headers (waiting
  // for them), its session cell's home line from the key, and that line's
  // prefetch, packet by packet.
  kLook,
  kRewrite,   // per-session checks, header rewrite, counters
  kTx,        // rte_eth_tx_burst
  kOther,     // the rest of a poll: punt policer, inject rings, reassembly expiry, RCU
};
inline constexpr size_t kStageCount = 6;
inline constexpr const char* kStageNames[kStageCount] = {"rx", "fetch", "look", "rewrite", "tx", "other"};

struct StageCycles {
  uint64_t cycles[kStageCount] = {};
};

// Charges the cycles since the previous mark to a stage.
class StageClock {
 public:
  void start() {
    if constexpr (kStageCyclesEnabled) last_ = rte_rdtsc();
  }
  void mark(Stage s) {
    if constexpr (kStageCyclesEnabled) {
      const uint64_t now = rte_rdtsc();
      totals_.cycles[static_cast<size_t>(s)] += now - last_;
      last_ = now;
    }
  }
  const StageCycles& totals() const { return totals_; }

 private:
  uint64_t last_ = 0;
  StageCycles totals_;
};

}  // namespace lns::dp
