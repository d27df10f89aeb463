#include "tests/lnsgen/latency_histogram.h"

#include <gtest/gtest.h>

namespace lns::gen {
namespace {

TEST(LatencyHistogram, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.percentile(0.5), 0u);
  EXPECT_EQ(h.max(), 0u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 0; v < 32; ++v) h.add(v);
  EXPECT_EQ(h.percentile(0.5), 15u);
  EXPECT_EQ(h.percentile(1.0), 31u);
}

TEST(LatencyHistogram, PercentilesAreWithinABucketWidth) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100000; ++v) h.add(v * 10);
  EXPECT_EQ(h.total(), 100000u);
  EXPECT_EQ(h.max(), 1000000u);
  const auto near = [](uint64_t got, double want) { return got >= want && got <= want * 1.035; };
  EXPECT_TRUE(near(h.percentile(0.5), 500000)) << h.percentile(0.5);
  EXPECT_TRUE(near(h.percentile(0.99), 990000)) << h.percentile(0.99);
  EXPECT_TRUE(near(h.percentile(0.999), 999000)) << h.percentile(0.999);
  EXPECT_EQ(h.percentile(1.0), 1000000u);
}

TEST(LatencyHistogram, BucketsCoverEveryValueInOrder) {
  uint32_t last = 0;
  for (uint64_t v : {0ull, 31ull, 32ull, 33ull, 63ull, 64ull, 1000ull, 1ull << 40, ~0ull}) {
    const uint32_t b = LatencyHistogram::bucket_of(v);
    EXPECT_GE(b, last);
    EXPECT_LT(b, LatencyHistogram::kBuckets);
    EXPECT_GE(LatencyHistogram::upper_bound_of(b), v);
    last = b;
  }
}

TEST(LatencyHistogram, MergeAddsCounts) {
  LatencyHistogram a, b;
  a.add(10);
  b.add(20);
  b.add(5000);
  a.merge(b);
  EXPECT_EQ(a.total(), 3u);
  EXPECT_EQ(a.max(), 5000u);
  EXPECT_EQ(a.percentile(0.5), 20u);
}

}  // namespace
}  // namespace lns::gen
