// The benchmark harness around a real worker: keeps a fixed number of frames
// queued on the net_ring RX rings (so by the time the worker reads a frame,
// tens of thousands of others have passed through the caches since it was
// written), times only Worker::poll_once(), and between polls turns whatever
// the worker transmitted back into input frames for the next sessions of a
// random order. Packets are never allocated or freed while measuring, as in
// a testpmd forwarding loop.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/bench/frame_writer.h"
#include "tests/bench/session_layout.h"
#include "tests/support/ring_dataplane.h"

namespace lns::bench {

// Inner IPv4 packet sizes, used in turn packet by packet.
struct SizeMix {
  std::string name;
  std::vector<uint16_t> pattern;
};
SizeMix fixed_size(uint16_t inner_len);
// Simple IMIX: 7:4:1 of 64, 594 and 1518-byte inner packets, interleaved.
SizeMix imix();

struct TrafficSpec {
  bool upstream = true;
  bool downstream = false;
  // Frames queued toward the worker, split evenly over the fed directions;
  // each RX ring of the data plane must hold its share.
  uint32_t inflight = 65536;
  uint64_t warmup_packets = 200000;
  uint64_t round_packets = 1000000;
  unsigned rounds = 5;
  // Analysis only: before each timed poll, read what the worker is about to
  // read for its next burst, as ideal burst-wide prefetching would. The
  // difference to a normal run is what the worker spends waiting on that
  // memory. A mask of Touch values.
  unsigned pretouch = 0;
  // Several workers (ParallelLoop): every frame arrives on queue 0.
  bool one_queue = false;
};

enum Touch : unsigned {
  kTouchPacket = 1 << 0,    // the mbufs and the first two lines of their frames
  kTouchIndex = 1 << 1,     // the session lookup (index cell / rte_lpm entries)
  kTouchEntry = 1 << 2,     // both lines of the session entry
  kTouchCounters = 1 << 3,  // the worker's counters of the session
  kTouchAll = 0xf,
};

struct TrafficResult {
  uint64_t packets = 0;  // measured (all rounds)
  uint64_t cycles = 0;   // inside poll_once(), measured rounds
  std::vector<double> round_cycles_per_packet;
  double cycles_per_packet = 0;  // median round: robust to the odd preemption
  double mpps = 0;               // from the median round
  // Polls left out because they took far longer than any poll can on its
  // own (the thread was preempted by another process on a shared machine).
  uint64_t preempted_polls = 0;
  uint64_t polls = 0;
  uint32_t distinct_sessions_in_flight = 0;
  // From the data plane's per-session byte counters over the whole run: the
  // mean inner packet the worker forwarded (shows the size mix took effect).
  double mean_inner_bytes = 0;
  // With -Dstage_cycles=true: the worker's cycles by stage over the
  // measured polls (the same polls as `cycles`).
  dp::StageCycles stage_cycles;
};

// A random permutation of 0..n-1: the order in which frames visit the
// sessions, so consecutive frames miss the caches as live traffic would.
std::vector<uint32_t> shuffled_session_order(size_t n, uint64_t seed);

// The sessions in that order. The untimed refill reads these one after
// the other: indexing `sessions` through the permutation instead is a
// random line (and, past a few thousand sessions, a random page) per
// frame, which a NIC delivering the frames would never touch, and which
// evicts the worker's lines and TLB entries between its polls.
std::vector<BenchSession> sessions_in_order(const std::vector<BenchSession>& sessions,
                                            const std::vector<uint32_t>& order);

class TrafficLoop {
 public:
  TrafficLoop(test::RingDataplane& ring, const std::vector<BenchSession>& sessions,
              const FrameAddresses& addresses, uint64_t seed);

  // Fails when the worker dropped, punted or lost a frame: a benchmark of
  // the drop path would be meaningless.
  absl::StatusOr<TrafficResult> run(const TrafficSpec& spec, const SizeMix& sizes);

 private:
  test::RingDataplane& ring_;
  const std::vector<BenchSession>& sessions_;
  FrameAddresses addresses_;
  std::vector<uint32_t> order_;  // a random permutation of session indices
  std::vector<BenchSession> in_order_;  // sessions_ in order_
};

}  // namespace lns::bench
