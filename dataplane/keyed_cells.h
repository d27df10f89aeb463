// Per-session cells found by key in the line that holds them: 32-byte
// cells (two to a cache line), each carrying its own key. A packet reads
// one line of session memory to find and check its session and count it,
// where an index in front of slot-addressed cells costs a second,
// dependent line (the index leaf): at a million sessions both are DRAM
// misses. Decap keys its UpstreamCells by (tunnel, session), encap its
// DownstreamCells by subscriber IPv4 address.
//
// Two areas share one numbering of positions:
//
// - The direct area, for keys that come in runs: lnsd hands out tunnel and
//   session IDs lowest-free and static ranges count up, so a tunnel's
//   session IDs are 1..n, and subscriber addresses come from pools. A
//   small directory (the key's top 16 bits pick a page, the next 8 a
//   chunk of 256 positions) says where each run of 256 keys lives, and a key
//   with a chunk has exactly one position in it: 65,536 such sessions take
//   2 MiB of cells a lane, all of it used, where the hashed table before
//   spread them over four times that (it was kept a quarter full), a
//   footprint this machine's shared L3 held only part of the time. The directory's lines
//   (a few per tunnel or /16 in use) stay cached.
// - The hashed area, for every key the direct area cannot take (its chunk
//   or page pool is used up: IDs or addresses scattered one per run of 256;
//   or its position is still held by the same key's previous session):
//   open addressing by line, a key's home line then the lines after it.
//   Cells never move (workers write their counters in place), so a
//   removed cell is not a tombstone but simply free, and each line's first
//   cell counts the keys that probe past it (`passing`): a lookup stops at
//   the first line where that count is zero, so a miss costs one line,
//   almost always.
//
// A lookup reads the key's direct line when its chunk exists, and probes
// the hashed area when that line does not hold the key (and some key lives
// there at all); chunks and pages, once given out, stay with their run.
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

// Which areas a table has: both, or (for tests of the probing) the hashed
// area alone, sized as it was before the direct area existed.
enum class CellAreas : uint8_t { kDirectAndHashed, kHashedOnly };

template <class Cell, class Traits>
class KeyedCells {
 public:
  static_assert(sizeof(Cell) == 32, "two cells to a cache line");
  static constexpr uint32_t kNone = UINT32_MAX;
  // A key is placed at most this many lines from its home; the hashed area
  // is at most half full, where linear probing almost never needs more than a few.
  static constexpr uint32_t kMaxProbeLines = 32;
  // The direct area's unit: a run of 256 keys (same key >> 8) in 128 lines.
  static constexpr uint32_t kChunkShift = 8;
  static constexpr uint32_t kChunkKeys = 1u << kChunkShift;
  static constexpr uint32_t kChunkLines = kChunkKeys / 2;
  // A directory page: the chunks of one key >> 16.
  static constexpr uint32_t kPageChunks = 1u << (16 - kChunkShift);

  KeyedCells() = default;
  KeyedCells(const KeyedCells&) = delete;
  KeyedCells& operator=(const KeyedCells&) = delete;

  // Room for `capacity` keys (live or waiting to be released). With both
  // areas: a direct area of at least `capacity` lines (twice the positions
  // a dense key set needs: a run's last chunk is partly used, and a key
  // re-added while its old position waits for release goes hashed), a
  // directory page per 4 of its chunks, and a hashed area of a power of
  // two of lines at least `capacity`: half full if every key landed there,
  // and the two areas together the size the hashed area alone had (a
  // quarter full at most, where some 3 % of keys live beyond their home
  // line; at half, 11 %, each a second, dependent miss).
  absl::Status init(uint32_t capacity, uint16_t lanes, int socket_id, const char* what,
                    CellAreas areas = CellAreas::kDirectAndHashed) {
    if (!lanes_.empty()) return absl::FailedPreconditionError(absl::StrFormat("%s cells already initialised", what));
    if (lanes == 0) return absl::InvalidArgumentError(absl::StrFormat("the %s cells need at least one lane", what));
    if (capacity == 0 || capacity >= (1u << 28))
      return absl::InvalidArgumentError(absl::StrFormat("bad %s cell capacity", what));
    const bool direct = areas == CellAreas::kDirectAndHashed;
    const uint32_t hashed_lines = direct ? std::max<uint32_t>(std::bit_ceil(capacity), 2) : lines_for(capacity);
    direct_lines_ = direct ? std::max<uint32_t>(std::bit_ceil(capacity), kChunkLines) : 0;
    line_mask_ = hashed_lines - 1;
    line_shift_ = 64 - static_cast<uint32_t>(std::countr_zero(hashed_lines));
    chunks_ = direct_lines_ / kChunkLines;
    pages_ = direct ? std::clamp<uint32_t>(chunks_ / 4, 1, 65535) : 0;
    const size_t positions = size_t{2} * (direct_lines_ + hashed_lines);
    for (uint16_t i = 0; i < lanes; ++i) {
      auto& m = memory_.emplace_back(std::make_unique<TableMemory>());
      auto* cells = static_cast<Cell*>(m->allocate("lns_cell_lane", sizeof(Cell) * positions, socket_id));
      if (cells == nullptr)
        return absl::ResourceExhaustedError(
            absl::StrFormat("cannot allocate lane %u of %u %s cells", i, positions, what));
      lanes_.push_back(cells);
    }
    // Page 0 stays all zero: a key whose top bits have no page finds "no
    // chunk" there, without a branch.
    auto& d = memory_.emplace_back(std::make_unique<TableMemory>());
    const size_t dir_words = size_t{65536} + size_t{pages_ + 1} * kPageChunks;
    directory_ = static_cast<uint32_t*>(d->allocate("lns_cell_directory", sizeof(uint32_t) * dir_words, socket_id));
    if (directory_ == nullptr)
      return absl::ResourceExhaustedError(absl::StrFormat("cannot allocate the %s cell directory", what));
    auto& m = memory_.emplace_back(std::make_unique<TableMemory>());
    slots_ = static_cast<uint32_t*>(m->allocate("lns_cell_slots", sizeof(uint32_t) * positions, socket_id));
    if (slots_ == nullptr) return absl::ResourceExhaustedError(absl::StrFormat("cannot allocate the %s slot map", what));
    return absl::OkStatus();
  }

  // ---- readers ----
  Cell* lane(uint16_t i) const { return i < lanes_.size() ? lanes_[i] : nullptr; }
  uint16_t lanes() const { return static_cast<uint16_t>(lanes_.size()); }
  uint32_t positions() const { return 2 * (direct_lines_ + line_mask_ + 1); }
  // Lines [0, direct_lines()) are the direct area, the rest hashed.
  uint32_t direct_lines() const { return direct_lines_; }
  bool direct(uint32_t pos) const { return pos < 2 * direct_lines_; }
  // The line a lookup reads first; prefetch lane + 2 * home_line(key).
  uint32_t home_line(uint32_t key) const {
    const uint32_t chunk = direct_chunk(key);
    if (chunk != 0) return (chunk - 1) * kChunkLines + (key & (kChunkKeys - 1)) / 2;
    return hashed_home(key);
  }
  // The key's home line in the hashed area, and the line a probe visits
  // after `line` there (wrapping within the area).
  uint32_t hashed_home(uint32_t key) const { return direct_lines_ + home_line_in(key, line_shift_); }
  uint32_t next_hashed_line(uint32_t line) const { return direct_lines_ + ((line - direct_lines_ + 1) & line_mask_); }
  // The hashed layout without a table (lns_memory_floor_bench models it):
  // the lines for `capacity` keys a quarter full, at least two (the home
  // line is the product's top bits, so a shift of 64 must not happen), and
  // a key's home line in an area of 2^(64 - shift) lines.
  static uint32_t lines_for(uint32_t capacity) { return std::max<uint32_t>(std::bit_ceil(2 * capacity), 2); }
  static uint32_t home_line_in(uint32_t key, uint32_t shift) {
    return static_cast<uint32_t>((uint64_t{key} * 0x9E3779B97F4A7C15ull) >> shift);
  }
  // The key's position in `lane`, from its home line; kNone when it is not
  // there. Key 0 marks a free cell and is never found.
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
  // absent (no key probes past that hashed line, or nothing is hashed),
  // else kBeyondHome, and the next line to read is prefetched for the
  // find_beyond_home() to come. Some 3 % of hashed keys live beyond their
  // home line, and that second, dependent miss taken on demand was a tenth
  // of decap's cycles at 65,536 sessions.
  static constexpr uint32_t kBeyondHome = UINT32_MAX - 1;
  uint32_t probe_home(const Cell* lane, uint32_t key, uint32_t home) const {
    const Cell* c = lane + 2 * home;
    const bool first = __atomic_load_n(Traits::key(c[0]), __ATOMIC_ACQUIRE) == key;
    const bool second = __atomic_load_n(Traits::key(c[1]), __ATOMIC_ACQUIRE) == key;
    if ((first | second) & (key != 0)) [[likely]]
      return 2 * home + second;
    if (key == 0 || __atomic_load_n(&hashed_keys_, __ATOMIC_ACQUIRE) == 0) return kNone;
    if (home < direct_lines_) {
      rte_prefetch0_write(lane + 2 * hashed_home(key));
      return kBeyondHome;
    }
    if (__atomic_load_n(Traits::passing(c[0]), __ATOMIC_ACQUIRE) == 0) return kNone;
    rte_prefetch0_write(lane + 2 * next_hashed_line(home));
    return kBeyondHome;
  }
  // The rest of a lookup whose home line did not hold the key: the hashed
  // probe (from the key's hashed home when `home` was its direct line).
  uint32_t find_beyond_home(const Cell* lane, uint32_t key, uint32_t home) const {
    if (key == 0 || __atomic_load_n(&hashed_keys_, __ATOMIC_ACQUIRE) == 0) return kNone;
    uint32_t line = home < direct_lines_ ? hashed_home(key) : home;
    for (uint32_t d = 0; d < kMaxProbeLines; ++d) {
      const Cell* c = lane + 2 * line;
      if (__atomic_load_n(Traits::key(c[0]), __ATOMIC_ACQUIRE) == key) return 2 * line;
      if (__atomic_load_n(Traits::key(c[1]), __ATOMIC_ACQUIRE) == key) return 2 * line + 1;
      if (__atomic_load_n(Traits::passing(c[0]), __ATOMIC_ACQUIRE) == 0) [[likely]]
        return kNone;
      line = next_hashed_line(line);
    }
    return kNone;
  }
  // The session slot at a position find() returned.
  uint32_t slot_at(uint32_t pos) const { return __atomic_load_n(&slots_[pos], __ATOMIC_ACQUIRE); }

  // ---- the writer ----
  // Places `key` (non-zero, not present) with the fields of `proto` in
  // every lane and publishes it; returns its position: in the direct area
  // when its chunk exists or can be given out and its position there is
  // free, else hashed.
  absl::StatusOr<uint32_t> insert(uint32_t key, uint32_t slot, const Cell& proto) {
    if (key == 0) return absl::InvalidArgumentError("key 0 is reserved");
    if (slot == 0) return absl::InvalidArgumentError("slot 0 marks a free cell");
    uint32_t pos = direct_position(key);
    if (pos == kNone || slots_[pos] != 0) {
      auto hashed = hashed_position(key);
      if (!hashed.ok()) return hashed.status();
      pos = *hashed;
    }
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
    if (!direct(pos)) {
      add_passing(hashed_home(key), pos / 2, -1);
      __atomic_store_n(&hashed_keys_, hashed_keys_ - 1, __ATOMIC_RELEASE);
    }
    for (Cell* lane : lanes_) Traits::clear(lane[pos]);
    slots_[pos] = 0;
  }
  // The position's cell in one lane, for the writer's field updates.
  Cell& cell(uint16_t lane, uint32_t pos) { return lanes_[lane][pos]; }
  const Cell& cell(uint16_t lane, uint32_t pos) const { return lanes_[lane][pos]; }
  // Keys that probe past the line (0 .. 2 * kMaxProbeLines), as readers see it.
  uint8_t passing(uint32_t line) const { return *Traits::passing(lanes_[0][2 * line]); }
  // Keys placed in the hashed area (live or waiting for release); chunks
  // and pages of the direct area given out.
  uint32_t hashed_keys() const { return hashed_keys_; }
  uint32_t chunks_used() const { return chunks_used_; }
  uint32_t pages_used() const { return pages_used_; }
  size_t memory_bytes() const {
    size_t total = 0;
    for (const auto& m : memory_) total += m->bytes();
    return total;
  }

 private:
  uint32_t* top() const { return directory_; }
  uint32_t* page_chunks(uint32_t page) const { return directory_ + 65536 + size_t{page} * kPageChunks; }
  // The key's chunk + 1, 0 when it has none.
  uint32_t direct_chunk(uint32_t key) const {
    const uint32_t page = __atomic_load_n(&top()[key >> 16], __ATOMIC_ACQUIRE);
    return __atomic_load_n(&page_chunks(page)[(key >> kChunkShift) & (kPageChunks - 1)], __ATOMIC_ACQUIRE);
  }
  // The key's direct position, giving its run a page and a chunk if it has
  // none and the pools allow; kNone when they do not.
  uint32_t direct_position(uint32_t key) {
    if (direct_lines_ == 0) return kNone;
    uint32_t page = top()[key >> 16];
    if (page == 0) {
      if (pages_used_ == pages_) return kNone;
      page = ++pages_used_;
      __atomic_store_n(&top()[key >> 16], page, __ATOMIC_RELEASE);
    }
    uint32_t& chunk = page_chunks(page)[(key >> kChunkShift) & (kPageChunks - 1)];
    if (chunk == 0) {
      if (chunks_used_ == chunks_) return kNone;
      __atomic_store_n(&chunk, ++chunks_used_, __ATOMIC_RELEASE);
    }
    return (chunk - 1) * kChunkKeys + (key & (kChunkKeys - 1));
  }
  absl::StatusOr<uint32_t> hashed_position(uint32_t key) {
    const uint32_t home = hashed_home(key);
    uint32_t pos = kNone;
    uint32_t line = home;
    for (uint32_t d = 0; d < kMaxProbeLines && pos == kNone; ++d) {
      if (slots_[2 * line] == 0) {
        pos = 2 * line;
      } else if (slots_[2 * line + 1] == 0) {
        pos = 2 * line + 1;
      } else {
        line = next_hashed_line(line);
      }
    }
    // Not at half load: only a pathological key set clusters like this.
    if (pos == kNone)
      return absl::ResourceExhaustedError(
          absl::StrFormat("no free cell within %u lines of key %08x", kMaxProbeLines, key));
    // Readers must see the lines in front as passed, and that some key is
    // hashed, before they can find the key behind them.
    __atomic_store_n(&hashed_keys_, hashed_keys_ + 1, __ATOMIC_RELEASE);
    add_passing(home, line, +1);
    return pos;
  }
  void add_passing(uint32_t from_line, uint32_t to_line, int delta) {
    for (uint32_t line = from_line; line != to_line; line = next_hashed_line(line)) {
      const auto v = static_cast<uint8_t>(passing(line) + delta);
      for (Cell* lane : lanes_) __atomic_store_n(Traits::passing(lane[2 * line]), v, __ATOMIC_RELEASE);
    }
  }

  // What readers use on every lookup, written only by init().
  uint32_t direct_lines_ = 0;
  uint32_t line_mask_ = 0;  // of the hashed area
  uint32_t line_shift_ = 64;
  // 65,536 page numbers by key >> 16 (0: none), then pages_ + 1 pages of
  // kPageChunks chunk numbers + 1 (0: none); page 0 stays zero.
  uint32_t* directory_ = nullptr;
  uint32_t* slots_ = nullptr;  // by position; 0: free
  std::vector<Cell*> lanes_;
  // The writer's, on a line of their own: readers load hashed_keys_ only
  // when a key is not in its direct line.
  alignas(64) uint32_t hashed_keys_ = 0;
  uint32_t chunks_ = 0;
  uint32_t pages_ = 0;
  uint32_t chunks_used_ = 0;
  uint32_t pages_used_ = 0;
  std::vector<std::unique_ptr<TableMemory>> memory_;
};

}  // namespace lns::dp
