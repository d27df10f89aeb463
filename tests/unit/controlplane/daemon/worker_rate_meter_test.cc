#include "controlplane/daemon/worker_rate_meter.h"

#include <gtest/gtest.h>

namespace lns {
namespace {

dp::WorkerStats stats(uint64_t rx_access, uint64_t rx_core, uint64_t cycles, uint64_t packets) {
  dp::WorkerStats s;
  s.rx_access = rx_access;
  s.rx_core = rx_core;
  s.busy_cycles = cycles;
  s.busy_packets = packets;
  return s;
}

TEST(WorkerRateMeter, NoRateBeforeTwoSamples) {
  WorkerRateMeter m;
  EXPECT_EQ(m.rx_mpps(0), 0.0);
  const dp::WorkerStats w[] = {stats(100, 100, 1000, 200)};
  m.sample(TimePoint{} + std::chrono::seconds(1), w);
  EXPECT_EQ(m.rx_mpps(0), 0.0);
  EXPECT_EQ(m.interval_cycles_per_packet(0), 0.0);
}

TEST(WorkerRateMeter, RateIsTheLastIntervalOnly) {
  WorkerRateMeter m;
  const TimePoint t0 = TimePoint{} + std::chrono::seconds(10);
  const dp::WorkerStats a[] = {stats(1'000'000, 0, 0, 0), stats(0, 0, 0, 0)};
  const dp::WorkerStats b[] = {stats(2'000'000, 1'000'000, 100'000'000, 2'000'000), stats(0, 500'000, 0, 0)};
  const dp::WorkerStats c[] = {stats(2'500'000, 1'000'000, 150'000'000, 2'500'000), stats(0, 500'000, 0, 0)};
  m.sample(t0, a);
  m.sample(t0 + std::chrono::milliseconds(500), b);
  EXPECT_DOUBLE_EQ(m.rx_mpps(0), 4.0);  // 2M packets in 0.5 s
  EXPECT_DOUBLE_EQ(m.rx_mpps(1), 1.0);
  EXPECT_DOUBLE_EQ(m.interval_cycles_per_packet(0), 50.0);
  m.sample(t0 + std::chrono::milliseconds(1500), c);
  EXPECT_DOUBLE_EQ(m.rx_mpps(0), 0.5);
  EXPECT_DOUBLE_EQ(m.rx_mpps(1), 0.0);  // idle worker
  EXPECT_DOUBLE_EQ(m.interval_cycles_per_packet(0), 100.0);
  EXPECT_EQ(m.interval_cycles_per_packet(1), 0.0);
  EXPECT_EQ(m.rx_mpps(2), 0.0);  // no such worker
}

}  // namespace
}  // namespace lns
