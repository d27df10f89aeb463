// Per-session cells found by key in the line that holds them: an
// open-addressed table of 32-byte cells (two to a cache line) where each
// cell carries its own key. A packet reads one line of session memory to
// find and check its session and count it, where an index in front of
// slot-addressed cells costs a second, dependent line (the index leaf): at
// a million sessions both are DRAM misses. Decap keys its UpstreamCells by
// (tunnel, session), encap its DownstreamCells by subscriber IPv4 address.
//
// Probing is by line: a key's home line, then the lines after it. Cells
// never move (workers write their counters in place), so a removed cell is
// not a tombstone but simply free, and each line's first cell counts the
// keys that probe past it (`passing`): a lookup stops at the first line
// where that count is zero, so a miss costs one line, almost always.
//
// Positions (cell indexes) are not session slots: the table keeps the slot
// of each position for the slower paths and the counters' readers.
//
// One writer (the control-plane thread); any number of readers, each with
// its own lane (a full copy of the cells: the writer stores fields, key and
// `passing` into every lane, each worker writes only its lane's counters).
//
// Traits says where a Cell keeps its key and passing count and copies or
// clears the rest (never the key or `passing`, which readers may be
// reading):
//   template <class C> static auto* key(C& c);      // uint32_t
//   template <class C> static auto* passing(C& c);  // uint8_t
//   static void publish_fields(Cell& dst, const Cell& src);  // before the key
//   static void unpublish(Cell& c);  // after the key is gone (e.g. flags 0)
//   static void clear(Cell& c);      // fields and counters, at release
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <vector>

#include <rte_prefetch.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "dataplane/table_memory.h"

namespace lns::dp {

template <class Cell, class Traits>
class KeyedCells {
 public:
  static_assert(sizeof(Cell) == 32, "two cells to a cache line");
  static constexpr uint32_t kNone = UINT32_MAX;
  // A key is placed at most this many lines from its home; the table is at
  // most a quarter full, where linear probing almost never needs more than a few.
  static constexpr uint32_t kMaxProbeLines = 32;

  KeyedCells() = default;
  KeyedCells(const KeyedCells&) = delete;
  KeyedCells& operator=(const KeyedCells&) = delete;

  // Room for `capacity` keys (live or waiting to be released) in a power of
  // two of lines at least twice that: a quarter of the cells in use at
  // most, where some 3 % of keys live beyond their home line (at half, 11 %:
  // each such key is a second, dependent miss, and decap at 1,000,000
  // sessions measured slower than the index it replaced).
  absl::Status init(uint32_t capacity, uint16_t lanes, int socket_id, const char* what) {
    if (!lanes_.empty()) return absl::FailedPreconditionError(absl::StrFormat("%s cells already initialised", what));
    if (lanes == 0) return absl::InvalidArgumentError(absl::StrFormat("the %s cells need at least one lane", what));
    if (capacity == 0 || capacity >= (1u << 30))
      return absl::InvalidArgumentError(absl::StrFormat("bad %s cell capacity", what));
    const uint32_t lines = lines_for(capacity);
    line_mask_ = lines - 1;
    line_shift_ = 64 - static_cast<uint32_t>(std::countr_zero(lines));
    const size_t positions = size_t{2} * lines;
    for (uint16_t i = 0; i < lanes; ++i) {
      auto& m = memory_.emplace_back(std::make_unique<TableMemory>());
      auto* cells = static_cast<Cell*>(m->allocate("lns_cell_lane", sizeof(Cell) * positions, socket_id));
      if (cells == nullptr)
        return absl::ResourceExhaustedError(
            absl::StrFormat("cannot allocate lane %u of %u %s cells", i, positions, what));
      lanes_.push_back(cells);
    }
    auto& m = memory_.emplace_back(std::make_unique<TableMemory>());
    slots_ = static_cast<uint32_t*>(m->allocate("lns_cell_slots", sizeof(uint32_t) * positions, socket_id));
    if (slots_ == nullptr) return absl::ResourceExhaustedError(absl::StrFormat("cannot allocate the %s slot map", what));
    return absl::OkStatus();
  }

  // ---- readers ----
  Cell* lane(uint16_t i) const { return i < lanes_.size() ? lanes_[i] : nullptr; }
  uint16_t lanes() const { return static_cast<uint16_t>(lanes_.size()); }
  uint32_t positions() const { return 2 * (line_mask_ + 1); }
  // The line a key's probe starts at; prefetch lane + 2 * home_line(key).
  uint32_t home_line(uint32_t key) const { return home_line_in(key, line_shift_); }
  // The layout without a table (lns_memory_floor_bench models it): the
  // lines for `capacity` keys, at least two (the home line is the
  // product's top bits, so a shift of 64 must not happen), and a key's
  // home line in a table of 2^(64 - shift) lines.
  static uint32_t lines_for(uint32_t capacity) { return std::max<uint32_t>(std::bit_ceil(2 * capacity), 2); }
  static uint32_t home_line_in(uint32_t key, uint32_t shift) {
    return static_cast<uint32_t>((uint64_t{key} * 0x9E3779B97F4A7C15ull) >> shift);
  }
  // The key's position in `lane`, probing from its home line; kNone when it
  // is not there. Key 0 marks a free cell and is never found.
  uint32_t find(const Cell* lane, uint32_t key, uint32_t home) const {
    // The common case without a branch on which of the two cells holds the
    // key, which would mispredict half the time. (probe_home repeats these
    // lines: find() written as probe_home plus the rest cost encap 1.13-1.15x
    // the cycles at one and 65,536 sessions, 12 of 14 ABBA pairs worse.)
    const Cell* c = lane + 2 * home;
    const bool first = __atomic_load_n(Traits::key(c[0]), __ATOMIC_ACQUIRE) == key;
    const bool second = __atomic_load_n(Traits::key(c[1]), __ATOMIC_ACQUIRE) == key;
    if ((first | second) & (key != 0)) [[likely]]
      return 2 * home + second;
    return find_beyond_home(lane, key, home);
  }
  uint32_t find(const Cell* lane, uint32_t key) const { return find(lane, key, home_line(key)); }
  // The first step of find(), for a burst that looks a few packets ahead:
  // the key's position when its home line holds it, kNone when the key is
  // absent (no key probes past that line), else kBeyondHome, and the next
  // line is prefetched for the find_beyond_home() to come. Some 3 % of
  // keys live beyond their home line, and that second, dependent miss
  // taken on demand was a tenth of decap's cycles at 65,536 sessions.
  static constexpr uint32_t kBeyondHome = UINT32_MAX - 1;
  uint32_t probe_home(const Cell* lane, uint32_t key, uint32_t home) const {
    const Cell* c = lane + 2 * home;
    const bool first = __atomic_load_n(Traits::key(c[0]), __ATOMIC_ACQUIRE) == key;
    const bool second = __atomic_load_n(Traits::key(c[1]), __ATOMIC_ACQUIRE) == key;
    if ((first | second) & (key != 0)) [[likely]]
      return 2 * home + second;
    if (key == 0 || __atomic_load_n(Traits::passing(c[0]), __ATOMIC_ACQUIRE) == 0) return kNone;
    rte_prefetch0_write(lane + 2 * ((home + 1) & line_mask_));
    return kBeyondHome;
  }
  // The rest of a probe whose home line did not hold the key.
  uint32_t find_beyond_home(const Cell* lane, uint32_t key, uint32_t home) const {
    if (key == 0) return kNone;
    uint32_t line = home;
    for (uint32_t d = 0; d < kMaxProbeLines; ++d) {
      const Cell* c = lane + 2 * line;
      if (__atomic_load_n(Traits::key(c[0]), __ATOMIC_ACQUIRE) == key) return 2 * line;
      if (__atomic_load_n(Traits::key(c[1]), __ATOMIC_ACQUIRE) == key) return 2 * line + 1;
      if (__atomic_load_n(Traits::passing(c[0]), __ATOMIC_ACQUIRE) == 0) [[likely]]
        return kNone;
      line = (line + 1) & line_mask_;
    }
    return kNone;
  }
  // The session slot at a position find() returned.
  uint32_t slot_at(uint32_t pos) const { return __atomic_load_n(&slots_[pos], __ATOMIC_ACQUIRE); }

  // ---- the writer ----
  // Places `key` (non-zero, not present) with the fields of `proto` in
  // every lane and publishes it; returns its position.
  absl::StatusOr<uint32_t> insert(uint32_t key, uint32_t slot, const Cell& proto) {
    if (key == 0) return absl::InvalidArgumentError("key 0 is reserved");
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
    // Not at a quarter load: only a pathological key set clusters like this.
    if (pos == kNone)
      return absl::ResourceExhaustedError(
          absl::StrFormat("no free cell within %u lines of key %08x", kMaxProbeLines, key));
    // Readers must see the lines in front as passed before they can find the
    // key behind them, and the fields before the key.
    add_passing(home, line, +1);
    __atomic_store_n(&slots_[pos], slot, __ATOMIC_RELEASE);
    for (Cell* lane : lanes_) {
      Traits::publish_fields(lane[pos], proto);
      __atomic_store_n(Traits::key(lane[pos]), key, __ATOMIC_RELEASE);
    }
    return pos;
  }
  // Readers stop finding the key at once; the position stays taken (its
  // counters may still be written) until release().
  void unpublish(uint32_t pos) {
    for (Cell* lane : lanes_) {
      __atomic_store_n(Traits::key(lane[pos]), uint32_t{0}, __ATOMIC_RELEASE);
      Traits::unpublish(lane[pos]);
    }
  }
  // Once no reader can hold the position: it becomes free, its cells zero.
  // `key` is the one insert() placed there.
  void release(uint32_t pos, uint32_t key) {
    if (slots_[pos] == 0) return;
    unpublish(pos);
    add_passing(home_line(key), pos / 2, -1);
    for (Cell* lane : lanes_) Traits::clear(lane[pos]);
    slots_[pos] = 0;
  }
  // The position's cell in one lane, for the writer's field updates.
  Cell& cell(uint16_t lane, uint32_t pos) { return lanes_[lane][pos]; }
  const Cell& cell(uint16_t lane, uint32_t pos) const { return lanes_[lane][pos]; }
  // Keys that probe past the line (0 .. 2 * kMaxProbeLines), as readers see it.
  uint8_t passing(uint32_t line) const { return *Traits::passing(lanes_[0][2 * line]); }
  size_t memory_bytes() const {
    size_t total = 0;
    for (const auto& m : memory_) total += m->bytes();
    return total;
  }

 private:
  void add_passing(uint32_t from_line, uint32_t to_line, int delta) {
    for (uint32_t line = from_line; line != to_line; line = (line + 1) & line_mask_) {
      const auto v = static_cast<uint8_t>(passing(line) + delta);
      for (Cell* lane : lanes_) __atomic_store_n(Traits::passing(lane[2 * line]), v, __ATOMIC_RELEASE);
    }
  }

  uint32_t line_mask_ = 0;
  uint32_t line_shift_ = 64;
  std::vector<std::unique_ptr<TableMemory>> memory_;
  std::vector<Cell*> lanes_;
  uint32_t* slots_ = nullptr;  // by position, in memory_.back(); 0: free
};

}  // namespace lns::dp
