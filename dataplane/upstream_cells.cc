#include "dataplane/upstream_cells.h"

#include <algorithm>
#include <bit>

#include "absl/strings/str_format.h"

namespace lns::dp {

absl::Status UpstreamCells::init(uint32_t capacity, uint16_t lanes, int socket_id) {
  if (!lanes_.empty()) return absl::FailedPreconditionError("upstream cells already initialised");
  if (lanes == 0) return absl::InvalidArgumentError("the upstream cells need at least one lane");
  if (capacity == 0 || capacity >= (1u << 30)) return absl::InvalidArgumentError("bad upstream cell capacity");
  // At most half the positions taken, and at least two lines (the home
  // line is the product's top bits, so a shift of 64 must not happen).
  const uint32_t lines = std::max<uint32_t>(std::bit_ceil(2 * capacity), 2);
  line_mask_ = lines - 1;
  line_shift_ = 64 - static_cast<uint32_t>(std::countr_zero(lines));
  const size_t positions = size_t{2} * lines;
  for (uint16_t i = 0; i < lanes; ++i) {
    auto& m = memory_.emplace_back(std::make_unique<TableMemory>());
    auto* cells = static_cast<UpstreamCell*>(
        m->allocate("lns_upstream_lane", sizeof(UpstreamCell) * positions, socket_id));
    if (cells == nullptr)
      return absl::ResourceExhaustedError(
          absl::StrFormat("cannot allocate lane %u of %u upstream cells", i, positions));
    lanes_.push_back(cells);
  }
  auto& m = memory_.emplace_back(std::make_unique<TableMemory>());
  slots_ = static_cast<uint32_t*>(m->allocate("lns_upstream_slots", sizeof(uint32_t) * positions, socket_id));
  if (slots_ == nullptr) return absl::ResourceExhaustedError("cannot allocate the upstream slot map");
  return absl::OkStatus();
}

size_t UpstreamCells::memory_bytes() const {
  size_t total = 0;
  for (const auto& m : memory_) total += m->bytes();
  return total;
}

void UpstreamCells::add_passing(uint32_t from_line, uint32_t to_line, int delta) {
  for (uint32_t line = from_line; line != to_line; line = (line + 1) & line_mask_) {
    const auto v = static_cast<uint8_t>(passing(line) + delta);
    for (UpstreamCell* lane : lanes_) __atomic_store_n(&lane[2 * line].guard.passing, v, __ATOMIC_RELEASE);
  }
}

absl::StatusOr<uint32_t> UpstreamCells::insert(uint32_t key, uint32_t slot, const UpstreamGuard& guard) {
  if (key == 0) return absl::InvalidArgumentError("upstream key 0 is reserved");
  if (slot == 0) return absl::InvalidArgumentError("slot 0 marks a free cell");
  const uint32_t home = home_line(key);
  uint32_t pos = kNone;
  uint32_t line = home;
  for (uint32_t d = 0; d < kMaxProbeLines && pos == kNone; ++d) {
    if (slots_[2 * line] == 0) {
      pos = 2 * line;
    } else if (slots_[2 * line + 1] == 0) {
      pos = 2 * line + 1;
    } else {
      line = (line + 1) & line_mask_;
    }
  }
  // Not at half load: only a pathological key set clusters like this.
  if (pos == kNone)
    return absl::ResourceExhaustedError(
        absl::StrFormat("no free upstream cell within %u lines of key %08x", kMaxProbeLines, key));
  // Readers must see the lines in front as passed before they can find the
  // key behind them, and the guard before the key.
  add_passing(home, line, +1);
  __atomic_store_n(&slots_[pos], slot, __ATOMIC_RELEASE);
  for (UpstreamCell* lane : lanes_) {
    UpstreamGuard& g = lane[pos].guard;
    g.lac_ipv4_be = guard.lac_ipv4_be;
    g.subscriber_ipv4_be = guard.subscriber_ipv4_be;
    g.lac_port_be = guard.lac_port_be;
    __atomic_store_n(&g.flags, guard.flags, __ATOMIC_RELEASE);
    __atomic_store_n(&g.key, key, __ATOMIC_RELEASE);
  }
  return pos;
}

void UpstreamCells::unpublish(uint32_t pos) {
  for (UpstreamCell* lane : lanes_) {
    __atomic_store_n(&lane[pos].guard.key, uint32_t{0}, __ATOMIC_RELEASE);
    __atomic_store_n(&lane[pos].guard.flags, uint8_t{0}, __ATOMIC_RELEASE);
  }
}

void UpstreamCells::release(uint32_t pos, uint32_t key) {
  if (slots_[pos] == 0) return;
  unpublish(pos);
  add_passing(home_line(key), pos / 2, -1);
  for (UpstreamCell* lane : lanes_) {
    UpstreamGuard& g = lane[pos].guard;
    g.lac_ipv4_be = g.subscriber_ipv4_be = 0;
    g.lac_port_be = 0;
    lane[pos].up = TrafficCounter{};
  }
  slots_[pos] = 0;
}

}  // namespace lns::dp
