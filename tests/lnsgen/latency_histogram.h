// Latency percentiles without storing samples: a log-linear histogram of
// TSC cycle counts (32 linear steps per power of two, so any value lands in
// a bucket at most ~3% wide). Fixed size, no allocation after construction;
// add() is a few instructions and runs on the traffic lcore's hot path.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace lns::gen {

class LatencyHistogram {
 public:
  static constexpr uint32_t kSubBits = 5;
  static constexpr uint32_t kSub = 1u << kSubBits;
  static constexpr uint32_t kBuckets = (64 - kSubBits + 1) * kSub;

  void add(uint64_t value) {
    ++counts_[bucket_of(value)];
    ++total_;
    if (value > max_) max_ = value;
  }

  uint64_t total() const { return total_; }
  uint64_t max() const { return max_; }
  // The smallest bucket upper bound at or below which a share `q` (0..1] of
  // the samples lie; never above max(). 0 when empty.
  uint64_t percentile(double q) const;
  void merge(const LatencyHistogram& other);

  static uint32_t bucket_of(uint64_t v) {
    if (v < kSub) return static_cast<uint32_t>(v);
    const uint32_t msb = 63 - static_cast<uint32_t>(std::countl_zero(v));
    const uint32_t shift = msb - kSubBits;
    return (shift + 1) * kSub + static_cast<uint32_t>((v >> shift) - kSub);
  }
  // Largest value that falls into bucket `b`.
  static uint64_t upper_bound_of(uint32_t b);

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  uint64_t max_ = 0;
};

}  // namespace lns::gen
