// The deadlines of every subscriber's PPP timers, in a hashed timing wheel:
// one bucket per millisecond over a 65.5 s turn, O(1) to schedule, and no
// cancellation: an entry whose deadline the owner has since moved is
// recognised and skipped when it comes due (the caller's fire function says
// so). A std::set did the same job in O(log n), and at a million sessions
// every reschedule walked a tree of a million nodes, most of them cache
// misses, and allocated or freed one. Entries further out than one turn
// wait in their bucket and are passed over until the turn that reaches
// them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/clock.h"

namespace lns {

class TimerWheel {
 public:
  static constexpr Duration kTick = std::chrono::milliseconds(1);
  static constexpr size_t kBuckets = 65536;

  explicit TimerWheel(TimePoint start) : buckets_(kBuckets), cursor_(tick_of(start)) {}

  void schedule(TimePoint due, uint64_t id) {
    // A deadline in a tick already passed goes where the next run looks first.
    const int64_t t = std::max(tick_of(due), cursor_);
    buckets_[static_cast<size_t>(t) & (kBuckets - 1)].push_back({due, id});
    ++size_;
  }

  // Calls fire(due, id) for entries due at or before `now`, earliest tick
  // first; fire returns true when the entry was still live, and the run
  // stops after `max` of those (the rest stay for the next run). fire may
  // schedule. Returns how many live entries fired.
  template <class Fire>
  size_t run_due(TimePoint now, size_t max, Fire&& fire) {
    const int64_t now_tick = tick_of(now);
    size_t ran = 0;
    if (max == 0) return 0;
    // After a pause longer than a turn, one turn visits every bucket once.
    if (now_tick - cursor_ >= static_cast<int64_t>(kBuckets)) cursor_ = now_tick - static_cast<int64_t>(kBuckets) + 1;
    for (;;) {
      // By index: fire may append to this very bucket.
      std::vector<Entry>& b = buckets_[static_cast<size_t>(cursor_) & (kBuckets - 1)];
      for (size_t i = 0; i < b.size();) {
        if (b[i].due > now) {
          ++i;
          continue;
        }
        const Entry e = b[i];
        b[i] = b.back();
        b.pop_back();
        --size_;
        if (fire(e.due, e.id) && ++ran == max) return ran;
      }
      // The current tick stays open: more may come due in it.
      if (cursor_ >= now_tick) return ran;
      ++cursor_;
    }
  }

  // Entries held, stale ones included.
  size_t size() const { return size_; }

 private:
  struct Entry {
    TimePoint due;
    uint64_t id;
  };
  static int64_t tick_of(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  }

  std::vector<std::vector<Entry>> buckets_;
  int64_t cursor_;  // the tick whose bucket the next run starts with
  size_t size_ = 0;
};

}  // namespace lns
