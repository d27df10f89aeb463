// Per-worker packet rates for `show workers`. Workers only keep cumulative
// counters; the control plane samples them about once a second and the rate
// is the difference between the last two samples, so an operator sees what
// the worker does now rather than an average since start.
#pragma once

#include <cstddef>
#include <vector>

#include "absl/types/span.h"
#include "common/clock.h"
#include "dataplane/worker_stats.h"

namespace lns {

class WorkerRateMeter {
 public:
  // Cumulative counters of every worker, read at `now`.
  void sample(TimePoint now, absl::Span<const dp::WorkerStats> workers);

  // Millions of packets received per second (access and core ports) by
  // worker `i` over the last interval; 0 until two samples exist.
  double rx_mpps(size_t i) const;
  // Busy cycles per received packet over the last interval; 0 when idle.
  double interval_cycles_per_packet(size_t i) const;

 private:
  struct Sample {
    uint64_t rx = 0;
    uint64_t busy_cycles = 0;
    uint64_t busy_packets = 0;
  };
  TimePoint previous_at_{};
  TimePoint last_at_{};
  std::vector<Sample> previous_;
  std::vector<Sample> last_;
};

}  // namespace lns
