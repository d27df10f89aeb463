// Time source for protocol logic. Control-plane state machines take a Clock
// so unit tests can drive timers with FakeClock instead of sleeping.
#pragma once

#include <chrono>
#include <cstdint>

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

}  // namespace lns
