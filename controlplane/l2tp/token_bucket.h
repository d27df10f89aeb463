// Admission pacing: a token bucket refilled lazily from the clock, so it
// needs no timer of its own.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>

#include "common/clock.h"

namespace lns::l2tp {

class TokenBucket {
 public:
  // rate 0 = unlimited. burst <= 0 picks one second's worth (at least 1).
  TokenBucket(double rate_per_second = 0, double burst = 0)
      : rate_(rate_per_second), burst_(burst > 0 ? burst : std::max(1.0, rate_per_second)), tokens_(burst_) {}

  bool unlimited() const { return rate_ <= 0; }

  // Takes one token if available.
  bool try_take(TimePoint now) {
    if (unlimited()) return true;
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  // True when the bucket would be full at `now`: it holds no information
  // and may be forgotten.
  bool full_at(TimePoint now) const {
    if (unlimited()) return true;
    return tokens_ + elapsed_seconds(now) * rate_ >= burst_;
  }

 private:
  double elapsed_seconds(TimePoint now) const {
    if (!last_.has_value() || now <= *last_) return 0;
    return std::chrono::duration<double>(now - *last_).count();
  }
  void refill(TimePoint now) {
    tokens_ = std::min(burst_, tokens_ + elapsed_seconds(now) * rate_);
    last_ = now;
  }

  double rate_;
  double burst_;
  double tokens_;
  std::optional<TimePoint> last_;
};

}  // namespace lns::l2tp
