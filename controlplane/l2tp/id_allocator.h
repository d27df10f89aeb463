// Hands out the lowest free 16-bit ID >= 1. Tunnel and session IDs stay
// dense this way, so the data plane can index its tables by them directly.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

namespace lns::l2tp {

class IdAllocator {
 public:
  // IDs 1..max_id (inclusive) are handed out.
  explicit IdAllocator(uint16_t max_id = 0xFFFF) : max_id_(max_id) {}

  std::optional<uint16_t> allocate() {
    if (!released_.empty()) {
      const uint16_t id = released_.top();
      released_.pop();
      ++in_use_;
      return id;
    }
    if (next_fresh_ > max_id_) return std::nullopt;
    ++in_use_;
    return static_cast<uint16_t>(next_fresh_++);
  }

  // `id` must have come from allocate() and not been released since.
  void release(uint16_t id) {
    --in_use_;
    if (in_use_ == 0) {
      // Everything is free again: start over rather than keep a heap of
      // IDs a fresh allocation would produce anyway.
      released_ = {};
      next_fresh_ = 1;
      return;
    }
    released_.push(id);
  }

  uint32_t in_use() const { return in_use_; }
  // One past the highest ID ever handed out since the last full release.
  uint32_t high_water() const { return next_fresh_; }

 private:
  uint16_t max_id_;
  uint32_t next_fresh_ = 1;
  uint32_t in_use_ = 0;
  // Min-heap of released IDs below next_fresh_.
  std::priority_queue<uint16_t, std::vector<uint16_t>, std::greater<uint16_t>> released_;
};

}  // namespace lns::l2tp
