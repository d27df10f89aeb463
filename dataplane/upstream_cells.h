// Decap's per-session state, found by key in the line that holds it: an
// open-addressed table of UpstreamCells (two to a cache line) where each
// cell carries its own (tunnel, session) key. A packet reads one line of
// session memory to find and check its session and count it, where an
// index in front of slot-addressed cells costs a second, dependent line
// (the index leaf): at a million sessions both are DRAM misses.
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
// its own lane (a full copy of the cells: the writer stores guard, key and
// `passing` into every lane, each worker writes only its lane's counters).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dataplane/session_entry.h"
#include "dataplane/table_memory.h"

namespace lns::dp {

class UpstreamCells {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  // A key is placed at most this many lines from its home; the table is at
  // most half full, where linear probing almost never needs more than a few.
  static constexpr uint32_t kMaxProbeLines = 32;

  UpstreamCells() = default;
  UpstreamCells(const UpstreamCells&) = delete;
  UpstreamCells& operator=(const UpstreamCells&) = delete;

  // Room for `capacity` keys (live or waiting to be released) in a power of
  // two of lines at least twice that: a quarter of the cells in use at
  // most, where some 3 % of keys live beyond their home line (at half, 11 %:
  // each such key is a second, dependent miss, and decap at 1,000,000
  // sessions measured slower than the index it replaced).
  absl::Status init(uint32_t capacity, uint16_t lanes, int socket_id);

  // ---- readers ----
  UpstreamCell* lane(uint16_t i) const { return i < lanes_.size() ? lanes_[i] : nullptr; }
  uint16_t lanes() const { return static_cast<uint16_t>(lanes_.size()); }
  uint32_t positions() const { return 2 * (line_mask_ + 1); }
  // The line a key's probe starts at; prefetch lane + 2 * home_line(key).
  uint32_t home_line(uint32_t key) const {
    return static_cast<uint32_t>((uint64_t{key} * 0x9E3779B97F4A7C15ull) >> line_shift_);
  }
  // The key's position in `lane`, probing from its home line; kNone when it
  // is not there. Key 0 marks a free cell and is never found.
  uint32_t find(const UpstreamCell* lane, uint32_t key, uint32_t home) const {
    // The common case without a branch on which of the two cells holds the
    // key, which would mispredict half the time.
    const UpstreamCell* c = lane + 2 * home;
    const bool first = __atomic_load_n(&c[0].guard.key, __ATOMIC_ACQUIRE) == key;
    const bool second = __atomic_load_n(&c[1].guard.key, __ATOMIC_ACQUIRE) == key;
    if ((first | second) & (key != 0)) [[likely]]
      return 2 * home + second;
    return find_beyond_home(lane, key, home);
  }
  uint32_t find(const UpstreamCell* lane, uint32_t key) const { return find(lane, key, home_line(key)); }
  // The rest of a probe whose home line did not hold the key.
  uint32_t find_beyond_home(const UpstreamCell* lane, uint32_t key, uint32_t home) const {
    if (key == 0) return kNone;
    uint32_t line = home;
    for (uint32_t d = 0; d < kMaxProbeLines; ++d) {
      const UpstreamCell* c = lane + 2 * line;
      if (__atomic_load_n(&c[0].guard.key, __ATOMIC_ACQUIRE) == key) return 2 * line;
      if (__atomic_load_n(&c[1].guard.key, __ATOMIC_ACQUIRE) == key) return 2 * line + 1;
      if (__atomic_load_n(&c[0].guard.passing, __ATOMIC_ACQUIRE) == 0) [[likely]]
        return kNone;
      line = (line + 1) & line_mask_;
    }
    return kNone;
  }
  // The session slot at a position find() returned.
  uint32_t slot_at(uint32_t pos) const { return __atomic_load_n(&slots_[pos], __ATOMIC_ACQUIRE); }

  // ---- the writer ----
  // Places `key` (non-zero, not present) with `guard` in every lane and
  // publishes it; returns its position.
  absl::StatusOr<uint32_t> insert(uint32_t key, uint32_t slot, const UpstreamGuard& guard);
  // Readers stop finding the key at once; the position stays taken (its
  // counters may still be written) until release().
  void unpublish(uint32_t pos);
  // Once no reader can hold the position: it becomes free, its cells zero.
  // `key` is the one insert() placed there.
  void release(uint32_t pos, uint32_t key);
  // The position's guard in one lane, for the writer's field updates.
  UpstreamGuard& guard(uint16_t lane, uint32_t pos) { return lanes_[lane][pos].guard; }
  // Keys that probe past the line (0 .. 2 * kMaxProbeLines), as readers see it.
  uint8_t passing(uint32_t line) const { return lanes_[0][2 * line].guard.passing; }
  size_t memory_bytes() const;

 private:
  void add_passing(uint32_t from_line, uint32_t to_line, int delta);

  uint32_t line_mask_ = 0;
  uint32_t line_shift_ = 64;
  std::vector<std::unique_ptr<TableMemory>> memory_;
  std::vector<UpstreamCell*> lanes_;
  uint32_t* slots_ = nullptr;  // by position, in memory_.back(); 0: free
};

}  // namespace lns::dp
