#include "tests/lnsgen/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace lns::gen {

uint64_t LatencyHistogram::upper_bound_of(uint32_t b) {
  if (b < kSub) return b;
  const uint32_t shift = b / kSub - 1;
  const uint64_t mantissa = kSub + b % kSub;
  return ((mantissa + 1) << shift) - 1;
}

uint64_t LatencyHistogram::percentile(double q) const {
  if (total_ == 0) return 0;
  const double wanted = std::max(1.0, std::ceil(q * static_cast<double>(total_)));
  uint64_t seen = 0;
  for (uint32_t b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (static_cast<double>(seen) >= wanted) return std::min(upper_bound_of(b), max_);
  }
  return max_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (uint32_t b = 0; b < kBuckets; ++b) counts_[b] += other.counts_[b];
  total_ += other.total_;
  max_ = std::max(max_, other.max_);
}

}  // namespace lns::gen
