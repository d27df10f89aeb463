// UpstreamCells on its own: keys found where they were put, in every lane;
// runs of keys in the direct area, and the hashed area taking what the
// direct one cannot; collisions probing past full lines; the `passing`
// counts that end a miss after one line; positions held until release; and
// a churn run checked against a plain map. Runs inside
// dataplane_session_table_test (EAL).
#include "dataplane/upstream_cells.h"

#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace lns::dp {
namespace {

UpstreamGuard guard_for(uint32_t key) {
  UpstreamGuard g{};
  g.lac_ipv4_be = key ^ 0x5a5a5a5a;
  g.subscriber_ipv4_be = ~key;
  g.lac_port_be = static_cast<uint16_t>(key);
  g.flags = kForwardIpv4;
  return g;
}

// Keys whose hashed probe starts at `line`, found by trying candidates in order.
std::vector<uint32_t> keys_homed_at(const UpstreamCells& c, uint32_t line, size_t n) {
  std::vector<uint32_t> out;
  for (uint32_t k = 1; out.size() < n; ++k)
    if (c.hashed_home(k) == line) out.push_back(k);
  return out;
}

// Adds the lines a key at `pos` passes: a hashed key at distance d from its
// home passes d lines, a direct one none.
void add_passed(const UpstreamCells& c, uint32_t key, uint32_t pos, std::vector<uint32_t>& want) {
  if (c.direct(pos)) return;
  for (uint32_t l = c.hashed_home(key); l != pos / 2; l = c.next_hashed_line(l)) ++want[l];
}

// What every line's `passing` count must be, recomputed from where the keys sit.
std::vector<uint32_t> expected_passing(const UpstreamCells& c, const std::map<uint32_t, uint32_t>& pos_of) {
  std::vector<uint32_t> want(c.positions() / 2, 0);
  for (const auto& [key, pos] : pos_of) add_passed(c, key, pos, want);
  return want;
}

const CellAreas kBothLayouts[] = {CellAreas::kDirectAndHashed, CellAreas::kHashedOnly};

TEST(UpstreamCells, SizesToFourPositionsPerKey) {
  // Both areas: 1,024 direct lines (8 chunks of 256 keys) and 1,024 hashed.
  UpstreamCells c;
  ASSERT_TRUE(c.init(1000, 1, 0).ok());
  EXPECT_EQ(c.positions(), 4096u);
  EXPECT_EQ(c.direct_lines(), 1024u);
  EXPECT_TRUE(c.direct(2047));
  EXPECT_FALSE(c.direct(2048));
  // The hashed area alone: a quarter full at capacity.
  UpstreamCells hashed;
  ASSERT_TRUE(hashed.init(1000, 1, 0, CellAreas::kHashedOnly).ok());
  EXPECT_EQ(hashed.positions(), 4096u);
  EXPECT_EQ(hashed.direct_lines(), 0u);
  UpstreamCells one;
  ASSERT_TRUE(one.init(1, 1, 0, CellAreas::kHashedOnly).ok());
  EXPECT_EQ(one.positions(), 4u);
  EXPECT_FALSE(one.init(1, 1, 0).ok());
  UpstreamCells none;
  EXPECT_FALSE(none.init(0, 1, 0).ok());
  EXPECT_FALSE(none.init(8, 0, 0).ok());
}

void finds_every_key(CellAreas areas) {
  constexpr uint16_t kLanes = 3;
  UpstreamCells c;
  ASSERT_TRUE(c.init(4096, kLanes, 0, areas).ok());
  std::mt19937 rng(7);
  std::map<uint32_t, uint32_t> pos_of;
  std::vector<uint32_t> keys;
  // Dense IDs of a few tunnels (what lnsd hands out) and scattered ones.
  for (uint32_t t = 1; t <= 4; ++t)
    for (uint32_t s = 1; s <= 512; ++s) keys.push_back(t << 16 | s);
  while (keys.size() < 4096) {
    const uint32_t k = rng() | 1;
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    auto pos = c.insert(keys[i], static_cast<uint32_t>(i + 1), guard_for(keys[i]));
    ASSERT_TRUE(pos.ok()) << pos.status();
    pos_of[keys[i]] = *pos;
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    const uint32_t k = keys[i];
    for (uint16_t lane = 0; lane < kLanes; ++lane) {
      const uint32_t pos = c.find(c.lane(lane), k);
      ASSERT_EQ(pos, pos_of[k]) << "key " << k << " lane " << lane;
      const UpstreamGuard& g = c.lane(lane)[pos].guard;
      EXPECT_EQ(g.key, k);
      EXPECT_EQ(g.lac_ipv4_be, guard_for(k).lac_ipv4_be);
      EXPECT_EQ(g.subscriber_ipv4_be, guard_for(k).subscriber_ipv4_be);
      EXPECT_EQ(g.lac_port_be, guard_for(k).lac_port_be);
      EXPECT_EQ(g.flags, kForwardIpv4);
    }
    EXPECT_EQ(c.slot_at(pos_of[k]), i + 1);
  }
  // Absent keys, and key 0 (a free cell's), are never found.
  EXPECT_EQ(c.find(c.lane(0), 0), UpstreamCells::kNone);
  EXPECT_EQ(c.find(c.lane(0), 5u << 16 | 1), UpstreamCells::kNone);
  EXPECT_FALSE(c.insert(0, 1, guard_for(0)).ok());
  EXPECT_FALSE(c.insert(6u << 16 | 1, 0, guard_for(1)).ok());  // slot 0 marks a free cell
  const std::vector<uint32_t> want = expected_passing(c, pos_of);
  for (uint32_t line = 0; line < want.size(); ++line) ASSERT_EQ(c.passing(line), want[line]) << "line " << line;
  // The dense IDs live in the direct area; the scattered ones, one per run
  // of 64, used up its eight pages and went hashed.
  if (areas == CellAreas::kDirectAndHashed) {
    for (uint32_t t = 1; t <= 4; ++t)
      for (uint32_t s = 1; s <= 512; ++s) ASSERT_TRUE(c.direct(pos_of[t << 16 | s])) << t << "/" << s;
    EXPECT_EQ(c.pages_used(), 8u);
    EXPECT_GT(c.hashed_keys(), 2000u);
  } else {
    EXPECT_EQ(c.hashed_keys(), 4096u);
  }
}

TEST(UpstreamCells, FindsEveryKeyWithItsSlotAndGuardInEveryLane) {
  for (const CellAreas areas : kBothLayouts) {
    SCOPED_TRACE(areas == CellAreas::kHashedOnly ? "hashed only" : "direct and hashed");
    finds_every_key(areas);
  }
}

// lnsd's IDs: each tunnel's sessions 1..n take consecutive positions of
// the chunks their runs were given, two to a line, and a key's home line
// is where it lives. With nothing hashed, a key that is absent from its
// direct line is decided there.
TEST(UpstreamCells, RunsOfKeysLiveInTheirChunksTwoToALine) {
  constexpr uint32_t kRun = UpstreamCells::kChunkKeys;
  UpstreamCells c;
  ASSERT_TRUE(c.init(4096, 1, 0).ok());
  std::map<uint32_t, uint32_t> pos_of;
  for (uint32_t t : {7u, 300u})
    for (uint32_t s = 1; s <= 2 * kRun + 80; ++s) {
      const uint32_t key = t << 16 | s;
      auto pos = c.insert(key, static_cast<uint32_t>(pos_of.size() + 1), guard_for(key));
      ASSERT_TRUE(pos.ok()) << pos.status();
      pos_of[key] = *pos;
    }
  // Runs 0, 1 and 2 of session IDs in two tunnels.
  EXPECT_EQ(c.chunks_used(), 6u);
  EXPECT_EQ(c.pages_used(), 2u);
  EXPECT_EQ(c.hashed_keys(), 0u);
  for (const auto& [key, pos] : pos_of) {
    ASSERT_TRUE(c.direct(pos));
    EXPECT_EQ(c.home_line(key), pos / 2);
    EXPECT_EQ(pos % kRun, key % kRun);
    if (key % kRun != 0 && pos_of.count(key - 1)) {
      EXPECT_EQ(pos, pos_of[key - 1] + 1);
    }
    EXPECT_EQ(c.probe_home(c.lane(0), key, c.home_line(key)), pos);
  }
  // The next session of tunnel 7: its run has a chunk, its cell is free.
  const uint32_t absent = 7u << 16 | (2 * kRun + 81);
  EXPECT_TRUE(c.direct(2 * c.home_line(absent)));
  EXPECT_EQ(c.probe_home(c.lane(0), absent, c.home_line(absent)), UpstreamCells::kNone);
  EXPECT_EQ(c.find(c.lane(0), absent), UpstreamCells::kNone);
  // No chunk at all (tunnel 8): the hashed area, which is empty.
  EXPECT_EQ(c.find(c.lane(0), 8u << 16 | 1), UpstreamCells::kNone);
}

// Keys the direct area has no room for (its page or chunk pool used up)
// are hashed and found through their direct line's miss; the same goes
// for an absent key whose run has a chunk.
TEST(UpstreamCells, KeysTheDirectAreaCannotTakeAreHashedAndStillFound) {
  constexpr uint32_t kRun = UpstreamCells::kChunkKeys;
  UpstreamCells c;
  ASSERT_TRUE(c.init(64, 1, 0).ok());  // one chunk, one page
  ASSERT_EQ(c.direct_lines(), UpstreamCells::kChunkLines);
  std::map<uint32_t, uint32_t> pos_of;
  uint32_t slot = 0;
  const auto add = [&](uint32_t key) {
    auto pos = c.insert(key, ++slot, guard_for(key));
    ASSERT_TRUE(pos.ok()) << pos.status();
    pos_of[key] = *pos;
  };
  uint32_t direct_keys = 0;
  for (uint32_t s = 1; s < kRun; s += 9, ++direct_keys) add(1u << 16 | s);  // run 0 of tunnel 1: the chunk
  for (uint32_t s = kRun + 2; s <= kRun + 40; s += 7) add(1u << 16 | s);   // run 1: no chunk left
  for (uint32_t s = 1; s <= 20; s += 5) add(2u << 16 | s);                 // tunnel 2: no page left
  EXPECT_EQ(c.chunks_used(), 1u);
  EXPECT_EQ(c.pages_used(), 1u);
  for (const auto& [key, pos] : pos_of) {
    const bool want_direct = (key >> 16) == 1 && (key & 0xffff) < kRun;
    EXPECT_EQ(c.direct(pos), want_direct) << std::hex << key;
    EXPECT_EQ(c.find(c.lane(0), key), pos) << std::hex << key;
    const uint32_t home = c.home_line(key);
    uint32_t probed = c.probe_home(c.lane(0), key, home);
    if (probed == UpstreamCells::kBeyondHome) probed = c.find_beyond_home(c.lane(0), key, home);
    EXPECT_EQ(probed, pos) << std::hex << key;
  }
  EXPECT_EQ(c.hashed_keys(), pos_of.size() - direct_keys);
  // Absent, its run has a chunk: the direct line misses, the hashed probe decides.
  const uint32_t absent = 1u << 16 | 2;
  const uint32_t home = c.home_line(absent);
  EXPECT_TRUE(c.direct(2 * home));
  EXPECT_EQ(c.probe_home(c.lane(0), absent, home), UpstreamCells::kBeyondHome);
  EXPECT_EQ(c.find_beyond_home(c.lane(0), absent, home), UpstreamCells::kNone);
  const std::vector<uint32_t> want = expected_passing(c, pos_of);
  for (uint32_t line = 0; line < want.size(); ++line) ASSERT_EQ(c.passing(line), want[line]) << "line " << line;
  // Releasing the hashed keys empties the hashed area again.
  for (const auto& [key, pos] : pos_of)
    if (!c.direct(pos)) {
      c.unpublish(pos);
      c.release(pos, key);
    }
  EXPECT_EQ(c.hashed_keys(), 0u);
  for (uint32_t line = 0; line < c.positions() / 2; ++line) ASSERT_EQ(c.passing(line), 0u) << "line " << line;
}

TEST(UpstreamCells, CollidingKeysProbePastFullLinesAndAMissStopsAtTheFirstUnpassedLine) {
  UpstreamCells c;
  ASSERT_TRUE(c.init(64, 1, 0, CellAreas::kHashedOnly).ok());
  const uint32_t home = 10;
  const std::vector<uint32_t> keys = keys_homed_at(c, home, 6);
  std::map<uint32_t, uint32_t> pos_of;
  for (uint32_t i = 0; i < 5; ++i) {
    auto pos = c.insert(keys[i], i + 1, guard_for(keys[i]));
    ASSERT_TRUE(pos.ok());
    pos_of[keys[i]] = *pos;
  }
  // Two to a line: the home line and the next are full, the fifth key is
  // two lines on.
  EXPECT_EQ(pos_of[keys[0]] / 2, home);
  EXPECT_EQ(pos_of[keys[1]] / 2, home);
  EXPECT_EQ(pos_of[keys[2]] / 2, home + 1);
  EXPECT_EQ(pos_of[keys[4]] / 2, home + 2);
  EXPECT_EQ(c.passing(home), 3);
  EXPECT_EQ(c.passing(home + 1), 1);
  EXPECT_EQ(c.passing(home + 2), 0);
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(c.find(c.lane(0), keys[i]), pos_of[keys[i]]);
  EXPECT_EQ(c.find(c.lane(0), keys[5]), UpstreamCells::kNone);
  // A key homed where nothing passes is decided in its home line.
  const uint32_t lonely = keys_homed_at(c, home + 2, 1)[0];
  EXPECT_EQ(c.find(c.lane(0), lonely), UpstreamCells::kNone);

  // Releasing a key in the home line frees its cell and un-counts nothing
  // (it passed no line); the key behind it is still found, and the next
  // insert with that home takes the freed cell.
  c.unpublish(pos_of[keys[1]]);
  c.release(pos_of[keys[1]], keys[1]);
  EXPECT_EQ(c.passing(home), 3);
  EXPECT_EQ(c.find(c.lane(0), keys[4]), pos_of[keys[4]]);
  auto again = c.insert(keys[5], 9, guard_for(keys[5]));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, pos_of[keys[1]]);
  // Releasing the farthest key gives back the lines it passed.
  c.unpublish(pos_of[keys[4]]);
  c.release(pos_of[keys[4]], keys[4]);
  EXPECT_EQ(c.passing(home), 2);
  EXPECT_EQ(c.passing(home + 1), 0);
  EXPECT_EQ(c.find(c.lane(0), keys[4]), UpstreamCells::kNone);
  EXPECT_EQ(c.find(c.lane(0), keys[2]), pos_of[keys[2]]);
}

// probe_home, the burst's first step of find(): a key in its home line is
// found there, an absent key whose home line nothing passes is decided
// there, and anything else is left to find_beyond_home, which then agrees
// with find().
TEST(UpstreamCells, ProbeHomeDecidesInTheHomeLineOrDefersToTheRestOfTheProbe) {
  UpstreamCells c;
  ASSERT_TRUE(c.init(64, 1, 0, CellAreas::kHashedOnly).ok());
  const uint32_t home = 20;
  const std::vector<uint32_t> keys = keys_homed_at(c, home, 4);
  std::vector<uint32_t> pos;
  for (uint32_t i = 0; i < 3; ++i) {
    auto p = c.insert(keys[i], i + 1, guard_for(keys[i]));
    ASSERT_TRUE(p.ok());
    pos.push_back(*p);
  }
  const UpstreamCell* lane = c.lane(0);
  EXPECT_EQ(c.probe_home(lane, keys[0], home), pos[0]);
  EXPECT_EQ(c.probe_home(lane, keys[1], home), pos[1]);
  // Beyond its home line: deferred, then found where find() finds it.
  ASSERT_EQ(pos[2] / 2, home + 1);
  EXPECT_EQ(c.probe_home(lane, keys[2], home), UpstreamCells::kBeyondHome);
  EXPECT_EQ(c.find_beyond_home(lane, keys[2], home), pos[2]);
  // Absent, homed at a passed line: deferred, and not found.
  EXPECT_EQ(c.probe_home(lane, keys[3], home), UpstreamCells::kBeyondHome);
  EXPECT_EQ(c.find_beyond_home(lane, keys[3], home), UpstreamCells::kNone);
  // Absent, homed where nothing passes: decided at once.
  const uint32_t lonely = keys_homed_at(c, home + 5, 1)[0];
  EXPECT_EQ(c.probe_home(lane, lonely, home + 5), UpstreamCells::kNone);
  // Key 0 marks free cells and is never found: not in a line of free cells,
  // nor in a full one.
  EXPECT_EQ(c.probe_home(lane, 0, home + 5), UpstreamCells::kNone);
  EXPECT_EQ(c.probe_home(lane, 0, home), UpstreamCells::kNone);
}

TEST(UpstreamCells, AnUnpublishedPositionKeepsItsCountersUntilReleased) {
  UpstreamCells c;
  ASSERT_TRUE(c.init(16, 2, 0).ok());
  const uint32_t key = 3u << 16 | 7;
  auto first = c.insert(key, 1, guard_for(key));
  ASSERT_TRUE(first.ok());
  c.lane(1)[*first].up = {4, 400};  // a worker still counting into it
  c.unpublish(*first);
  EXPECT_EQ(c.find(c.lane(0), key), UpstreamCells::kNone);
  EXPECT_EQ(c.find(c.lane(1), key), UpstreamCells::kNone);
  EXPECT_EQ(c.lane(1)[*first].up.packets, 4u);
  // The same IDs handed out again before the grace period ends get
  // another cell, a hashed one: the old one may still be written.
  auto second = c.insert(key, 2, guard_for(key));
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*second, *first);
  EXPECT_TRUE(c.direct(*first));
  EXPECT_FALSE(c.direct(*second));
  EXPECT_EQ(c.find(c.lane(1), key), *second);
  c.release(*first, key);
  EXPECT_EQ(c.lane(1)[*first].up.packets, 0u);
  EXPECT_EQ(c.lane(1)[*first].guard.lac_ipv4_be, 0u);
  EXPECT_EQ(c.find(c.lane(1), key), *second);
  EXPECT_EQ(c.slot_at(*second), 2u);
}

TEST(UpstreamCells, RefusesAKeyThatWouldLandBeyondTheProbeLimit) {
  UpstreamCells c;
  ASSERT_TRUE(c.init(512, 1, 0, CellAreas::kHashedOnly).ok());
  const uint32_t n = 2 * UpstreamCells::kMaxProbeLines;
  const std::vector<uint32_t> keys = keys_homed_at(c, 100, n + 1);
  for (uint32_t i = 0; i < n; ++i) ASSERT_TRUE(c.insert(keys[i], i + 1, guard_for(keys[i])).ok()) << i;
  std::vector<uint8_t> before;
  for (uint32_t l = 0; l < c.positions() / 2; ++l) before.push_back(c.passing(l));
  auto refused = c.insert(keys[n], n + 1, guard_for(keys[n]));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  for (uint32_t l = 0; l < c.positions() / 2; ++l) ASSERT_EQ(c.passing(l), before[l]) << "line " << l;
  for (uint32_t i = 0; i < n; ++i) EXPECT_NE(c.find(c.lane(0), keys[i]), UpstreamCells::kNone) << i;
  EXPECT_EQ(c.find(c.lane(0), keys[n]), UpstreamCells::kNone);
}

// Sessions come and go for hours: after every step the table must agree
// with a plain map, and the passing counts with the keys' placement.
void churn_at_full_capacity(CellAreas areas) {
  constexpr uint32_t kCapacity = 2048;
  UpstreamCells c;
  ASSERT_TRUE(c.init(kCapacity, 1, 0, areas).ok());
  std::mt19937 rng(11);
  std::map<uint32_t, uint32_t> pos_of;  // live keys
  std::vector<std::pair<uint32_t, uint32_t>> held;  // unpublished (key, position), released later
  uint32_t slot = 0;
  for (int step = 0; step < 40000; ++step) {
    const bool add = pos_of.size() + held.size() < kCapacity && (pos_of.empty() || rng() % 2 == 0);
    if (add) {
      // Dense-ish keys that get reused, as lnsd's lowest-free IDs do.
      const uint32_t key = (1 + rng() % 4) << 16 | (1 + rng() % 1024);
      if (pos_of.count(key)) continue;
      auto pos = c.insert(key, ++slot, guard_for(key));
      ASSERT_TRUE(pos.ok()) << pos.status();
      pos_of[key] = *pos;
    } else {
      auto it = pos_of.begin();
      std::advance(it, rng() % pos_of.size());
      c.unpublish(it->second);
      held.emplace_back(*it);
      pos_of.erase(it);
    }
    if (held.size() > 64 || (!held.empty() && rng() % 8 == 0)) {
      c.release(held.front().second, held.front().first);
      held.erase(held.begin());
    }
    if (step % 1000 == 0) {
      for (const auto& [key, pos] : pos_of) ASSERT_EQ(c.find(c.lane(0), key), pos);
      for (const auto& [key, pos] : held)
        if (!pos_of.count(key)) {
          ASSERT_EQ(c.find(c.lane(0), key), UpstreamCells::kNone);
        }
      // Unpublished keys still pass their lines until released. (A key can
      // be both live and held, at two positions: count each placement.)
      std::vector<uint32_t> want = expected_passing(c, pos_of);
      for (const auto& [key, pos] : held) add_passed(c, key, pos, want);
      for (uint32_t line = 0; line < want.size(); ++line) ASSERT_EQ(c.passing(line), want[line]) << line;
    }
  }
  for (const auto& [key, pos] : held) c.release(pos, key);
  const std::vector<uint32_t> want = expected_passing(c, pos_of);
  for (uint32_t line = 0; line < want.size(); ++line) ASSERT_EQ(c.passing(line), want[line]) << line;
  for (uint32_t k = 1; k <= 4; ++k)
    for (uint32_t s = 1; s <= 1024; ++s) {
      const uint32_t key = k << 16 | s;
      EXPECT_EQ(c.find(c.lane(0), key), pos_of.count(key) ? pos_of[key] : UpstreamCells::kNone);
    }
}

TEST(UpstreamCells, ChurnAtFullCapacityAgreesWithAMap) {
  for (const CellAreas areas : kBothLayouts) {
    SCOPED_TRACE(areas == CellAreas::kHashedOnly ? "hashed only" : "direct and hashed");
    churn_at_full_capacity(areas);
  }
}

}  // namespace
}  // namespace lns::dp
