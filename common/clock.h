// Time source for protocol logic. Control-plane state machines take a Clock
// so unit tests can drive timers with FakeClock instead of sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace lns {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SteadyClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
  }
};

// Starts at an arbitrary non-zero epoch so "zero" is never a valid deadline.
class FakeClock final : public Clock {
 public:
  TimePoint now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_{std::chrono::seconds(1000)};
};

// The earlier of `acc` and `d` into `acc` (either may be unset): the next
// deadline of a protocol made of several timers.
inline void earliest(std::optional<TimePoint>& acc, std::optional<TimePoint> d) {
  if (d && (!acc || *d < *acc)) acc = d;
}

// When a periodic timer due at `due` and run at `now` is due next: one
// interval after it was due, so running late does not shift its phase (timers
// a stall bunched together spread out again), or one interval from now when
// that is already past, rather than a burst to catch up.
inline TimePoint next_period(TimePoint due, TimePoint now, Duration interval) {
  const TimePoint next = due + interval;
  return next > now ? next : now + interval;
}

}  // namespace lns
