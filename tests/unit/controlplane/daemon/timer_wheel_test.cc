#include "controlplane/daemon/timer_wheel.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace lns {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

const TimePoint kStart{seconds(1000)};

std::vector<uint64_t> run(TimerWheel& w, TimePoint now, size_t max = 1000) {
  std::vector<uint64_t> fired;
  w.run_due(now, max, [&](TimePoint due, uint64_t id) {
    EXPECT_LE(due, now);
    fired.push_back(id);
    return true;
  });
  return fired;
}

TEST(TimerWheel, FiresWhatIsDueToTheNanosecondEarliestTickFirst) {
  TimerWheel w(kStart);
  w.schedule(kStart + milliseconds(5), 1);
  w.schedule(kStart + milliseconds(5) + nanoseconds(1), 2);
  w.schedule(kStart + milliseconds(3), 3);
  EXPECT_EQ(w.size(), 3u);
  EXPECT_TRUE(run(w, kStart + milliseconds(2)).empty());
  EXPECT_EQ(run(w, kStart + milliseconds(5)), (std::vector<uint64_t>{3, 1}));
  EXPECT_EQ(run(w, kStart + milliseconds(5) + nanoseconds(1)), (std::vector<uint64_t>{2}));
  EXPECT_EQ(w.size(), 0u);
}

TEST(TimerWheel, StopsAfterMaxLiveEntriesAndResumesNextRun) {
  TimerWheel w(kStart);
  for (uint64_t id = 0; id < 10; ++id) w.schedule(kStart + milliseconds(id % 3), id);
  const TimePoint now = kStart + milliseconds(10);
  size_t total = 0;
  for (size_t expect : {3u, 3u, 3u, 1u, 0u}) {
    const auto fired = run(w, now, 3);
    EXPECT_EQ(fired.size(), expect);
    total += fired.size();
  }
  EXPECT_EQ(total, 10u);
}

TEST(TimerWheel, StaleEntriesDoNotCountAgainstMax) {
  TimerWheel w(kStart);
  for (uint64_t id = 0; id < 10; ++id) w.schedule(kStart + milliseconds(1), id);
  size_t calls = 0;
  // The owners moved every deadline but those of 0 and 5.
  auto fire = [&](TimePoint, uint64_t id) {
    ++calls;
    return id % 5 == 0;
  };
  EXPECT_EQ(w.run_due(kStart + milliseconds(1), 2, fire), 2u);
  EXPECT_EQ(w.run_due(kStart + milliseconds(1), 2, fire), 0u);
  EXPECT_EQ(calls, 10u);
  EXPECT_EQ(w.size(), 0u);
}

TEST(TimerWheel, DeadlinesBeyondOneTurnWaitForTheirTurn) {
  TimerWheel w(kStart);
  w.schedule(kStart + seconds(100), 7);
  w.schedule(kStart + seconds(100) + TimerWheel::kBuckets * TimerWheel::kTick, 8);  // same bucket, a turn later
  for (int s = 1; s < 100; ++s) EXPECT_TRUE(run(w, kStart + seconds(s)).empty()) << s;
  EXPECT_EQ(run(w, kStart + seconds(100)), (std::vector<uint64_t>{7}));
  EXPECT_TRUE(run(w, kStart + seconds(150)).empty());
  EXPECT_EQ(run(w, kStart + seconds(166)), (std::vector<uint64_t>{8}));
}

TEST(TimerWheel, APauseLongerThanATurnFiresEverythingDueInOneRun) {
  TimerWheel w(kStart);
  w.schedule(kStart + seconds(1), 1);
  w.schedule(kStart + seconds(50), 2);
  w.schedule(kStart + seconds(200), 3);
  w.schedule(kStart + seconds(400), 4);
  auto fired = run(w, kStart + seconds(300));
  std::sort(fired.begin(), fired.end());
  EXPECT_EQ(fired, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(run(w, kStart + seconds(400)), (std::vector<uint64_t>{4}));
}

TEST(TimerWheel, PastDeadlinesAndReschedulesFromFireRunSoon) {
  TimerWheel w(kStart);
  EXPECT_TRUE(run(w, kStart + seconds(2)).empty());
  w.schedule(kStart + seconds(1), 1);  // already passed
  EXPECT_EQ(run(w, kStart + seconds(2)), (std::vector<uint64_t>{1}));
  // fire moving a deadline to one that is also due: it runs in the same
  // call, within max.
  w.schedule(kStart + seconds(2), 2);
  std::vector<uint64_t> fired;
  w.run_due(kStart + seconds(3), 3, [&](TimePoint, uint64_t id) {
    fired.push_back(id);
    w.schedule(kStart + seconds(3), id + 10);
    return true;
  });
  EXPECT_EQ(fired, (std::vector<uint64_t>{2, 12, 22}));
  EXPECT_EQ(w.size(), 1u);  // 32, left for the next run
  EXPECT_EQ(run(w, kStart + seconds(3)), (std::vector<uint64_t>{32}));
}

}  // namespace
}  // namespace lns
