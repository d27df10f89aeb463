// The benchmark harness for several workers at once: one lane per worker,
// each on the worker's own lcore, doing what TrafficLoop does for one worker
// on the main lcore: time Worker::poll_once() with rdtsc, then (untimed) turn
// what that worker transmitted back into frames for the next sessions of a
// random order and queue them on the worker's own RX queues. The lanes run
// concurrently, so the workers contend for caches and memory as they would in
// lnsd, and with session distribution they hand packets to each other.
//
// Each lane queues frames for any session on its own queues, as RSS would
// if the NIC hashed on the session, so with "rss" distribution no packet
// changes worker and with "session" distribution (workers - 1) / workers of
// them are handed to their owner: the difference is what spreading costs.
//
// Reported per round (the median round wins): cycles per packet over all
// workers' timed polls; the aggregate rate if every worker had its CPU to
// itself (the sum of each worker's packets / its timed cycles); and the rate
// actually delivered by wall clock, harness and other processes included.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/bench/frame_writer.h"
#include "tests/bench/session_layout.h"
#include "tests/bench/traffic_loop.h"
#include "tests/support/ring_dataplane.h"

namespace lns::bench {

struct ParallelResult {
  uint64_t packets = 0;          // delivered in the measured rounds
  double cycles_per_packet = 0;  // median round, all workers' timed cycles / packets
  double mpps = 0;               // median round, sum over workers of their own rate
  double bottleneck_mpps = 0;    // median round, packets / the busiest worker's busy cycles
  double wall_mpps = 0;          // median round, delivered / wall-clock time
  std::vector<double> round_cycles_per_packet;
  std::vector<double> worker_mpps;  // each worker's own rate over all rounds
  uint64_t preempted_polls = 0;
  uint64_t polls = 0;       // that moved packets
  uint64_t idle_polls = 0;  // found nothing to do, left out of the cycles
  uint32_t distinct_sessions_in_flight = 0;
  double handed_off_share = 0;  // packets handed to another worker / delivered
  double mean_inner_bytes = 0;
};

class ParallelLoop {
 public:
  // `ring` must have been created with one worker lcore per worker, lcores
  // 1..N, and no worker launched.
  ParallelLoop(test::RingDataplane& ring, const std::vector<BenchSession>& sessions,
               const FrameAddresses& addresses, uint64_t seed);

  // Fails when a worker dropped, punted or lost a frame.
  absl::StatusOr<ParallelResult> run(const TrafficSpec& spec, const SizeMix& sizes);

 private:
  test::RingDataplane& ring_;
  FrameAddresses addresses_;
  std::vector<uint32_t> order_;
  std::vector<BenchSession> in_order_;  // sessions_ in order_ (traffic_loop.h)
};

}  // namespace lns::bench
