// lns_memory_floor_bench: what our worker's memory traffic alone costs on
// this machine. It runs the worker's upstream burst loop (64-packet bursts
// held for three polls: mbufs prefetched on arrival, frame lines the next
// poll, the frame read and the session line prefetched packet by packet
// the poll after, the "rewrite" the poll after that) over the same shape of
// memory as lns_dataplane_bench, 65,536 packet buffers in flight in random
// order, each with a session chosen from a random permutation, but does no
// protocol work: it reads and writes one word in each line a packet needs.
// With --lines=2 a packet touches its mbuf line and its frame line (what
// testpmd csum reads); with 3 also its session's cell in a table laid out
// like KeyedCells: two 32-byte cells a line, in the direct area (sessions
// 1..N side by side, as lnsd's IDs and pool addresses put them; the
// default) or with --cells=hashed in the hashed area a quarter full (as
// before the direct area, and as scattered IDs still are). The
// difference between the two is what the session line costs by itself,
// and each is a floor under what decap can cost here: see "Why the
// 65,536-session target is out of reach" in the top-level README.
//
// BENCH case=memory_floor lines=3 sessions=65536 inflight=65536 cycles_per_packet=...
// (LNS_EAL_HUGEPAGES=1 for huge pages, as with lns_dataplane_bench.)
#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <rte_cycles.h>
#include <rte_prefetch.h>

#include "dataplane/upstream_cells.h"
#include "tests/bench/bench_args.h"

namespace lns::bench {
namespace {

constexpr uint32_t kBurst = 64;
constexpr uint32_t kLine = 64;
// An access-pool mbuf: 128-byte header, 56-byte private area, 128 bytes
// of headroom, a 2,048-byte data room, rounded up to a line (as the pool's
// objects are); the frame line decap reads starts 8 bytes into the frame.
constexpr size_t kObjectBytes = (128 + 56 + 128 + 2048 + kLine - 1) / kLine * kLine;
constexpr uint32_t kFrameLineOffset = 128 + 56 + 128 + 8;

// The header line: what the worker reads there (the frame's offset stands
// for buf_addr + data_off) and a field it writes (data_off, lengths).
struct ObjectHeader {
  uint64_t frame_offset;
  uint32_t session;
  uint32_t written;
};

// Memory as lns_dataplane_bench gets it: with LNS_EAL_HUGEPAGES=1 (as
// scripts/bench sets it when huge pages are free) everything on 2 MiB huge
// pages like DPDK's heap; otherwise the packet buffers on ordinary pages
// (EAL's --no-huge) and the cells on transparent huge pages, as
// TableMemory asks for them.
enum class Pages : uint8_t { kHuge, kTransparent, kOrdinary };

struct Region {
  void* base = nullptr;
  size_t bytes = 0;

  Region(size_t want, Pages pages) {
    bytes = (want + (2u << 20) - 1) & ~size_t{(2u << 20) - 1};
    const int huge = pages == Pages::kHuge ? MAP_HUGETLB : 0;
    base = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | huge, -1, 0);
    if (base == MAP_FAILED) {
      base = nullptr;
      return;
    }
    if (pages == Pages::kTransparent) madvise(base, bytes, MADV_HUGEPAGE);
    std::memset(base, 0, bytes);
  }
  ~Region() {
    if (base != nullptr) munmap(base, bytes);
  }
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;
};

struct Case {
  uint32_t lines;
  uint32_t sessions;
};

class FloorLoop {
 public:
  FloorLoop(uint8_t* objects, uint32_t inflight, uint8_t* cells, uint32_t cell_lines, bool direct, uint32_t sessions,
            uint32_t seed)
      : objects_(objects), cells_(cells), cell_shift_(64 - std::countr_zero(cell_lines)), direct_(direct) {
    std::mt19937 rng(seed);
    ring_.resize(inflight);
    std::iota(ring_.begin(), ring_.end(), 0u);
    std::shuffle(ring_.begin(), ring_.end(), rng);
    order_.resize(sessions);
    std::iota(order_.begin(), order_.end(), 1u);
    std::shuffle(order_.begin(), order_.end(), rng);
    for (uint32_t i = 0; i < inflight; ++i) {
      ObjectHeader& h = header(i);
      h.frame_offset = kFrameLineOffset;
      h.session = next_session();
    }
  }

  // One pass over everything in flight, in polls of one burst; returns the
  // cycles per packet of the polls (the pipeline carries over between passes).
  double pass(uint32_t lines) {
    uint64_t cycles = 0, packets = 0;
    for (uint32_t pos = 0; pos + kBurst <= ring_.size(); pos += kBurst) {
      const uint64_t t0 = rte_rdtsc();
      packets += poll(&ring_[pos], lines);
      cycles += rte_rdtsc() - t0;
    }
    return packets == 0 ? 0.0 : static_cast<double>(cycles) / static_cast<double>(packets);
  }

 private:
  ObjectHeader& header(uint32_t i) { return *reinterpret_cast<ObjectHeader*>(objects_ + size_t{i} * kObjectBytes); }
  uint32_t next_session() {
    const uint32_t s = order_[next_++];
    if (next_ == order_.size()) next_ = 0;
    return s;
  }
  uint8_t* cell_line(uint32_t session) {
    if (direct_) return cells_ + size_t{session / 2} * kLine;
    return cells_ + size_t{dp::UpstreamCells::home_line_in(session, cell_shift_)} * kLine;
  }

  // The worker's upstream pipeline: a burst's mbufs are prefetched when it
  // arrives, its frame lines a poll later; a poll after that it is looked
  // at (its frame read, its cell's line prefetched, packet by packet, as
  // the worker does after classifying each packet), and it is rewritten in
  // the poll after that, which first asks for the younger bursts' lines.
  uint32_t poll(const uint32_t* fresh, uint32_t lines) {
    for (uint32_t i = 0; i < kBurst; ++i) rte_prefetch1(objects_ + size_t{fresh[i]} * kObjectBytes);
    if (held_ >= 1) {
      for (uint32_t i = 0; i < kBurst; ++i) {
        const uint8_t* o = objects_ + size_t{held_bursts_[held_ - 1][i]} * kObjectBytes;
        rte_prefetch1(o + reinterpret_cast<const ObjectHeader*>(o)->frame_offset);
      }
    }
    uint32_t done = 0;
    if (held_ == 3) {
      for (uint32_t i = 0; i < kBurst; ++i) {
        uint8_t* o = objects_ + size_t{held_bursts_[0][i]} * kObjectBytes;
        ObjectHeader& h = *reinterpret_cast<ObjectHeader*>(o);
        uint8_t* frame = o + h.frame_offset;
        uint64_t word;
        std::memcpy(&word, frame, sizeof word);
        if (lines >= 3) {
          uint64_t count;
          std::memcpy(&count, cell_[i], sizeof count);
          count += word & 0xff;
          std::memcpy(cell_[i], &count, sizeof count);
        }
        ++word;
        std::memcpy(frame + 8, &word, sizeof word);
        ++h.written;
        h.session = next_session();  // the next frame this buffer carries
      }
      done = kBurst;
      held_bursts_[0] = held_bursts_[1];
      held_bursts_[1] = held_bursts_[2];
      held_ = 2;
    }
    if (held_ == 2) {
      uint64_t sum = 0;
      for (uint32_t i = 0; i < kBurst; ++i) {
        const uint8_t* o = objects_ + size_t{held_bursts_[0][i]} * kObjectBytes;
        const ObjectHeader& h = *reinterpret_cast<const ObjectHeader*>(o);
        uint64_t word;
        std::memcpy(&word, o + h.frame_offset, sizeof word);
        sum += word;
        if (lines >= 3) {
          cell_[i] = cell_line(h.session);
          rte_prefetch0_write(cell_[i]);
        }
      }
      look_sink_ = sum;
    }
    held_bursts_[held_++] = fresh;
    return done;
  }

  uint8_t* objects_;
  uint8_t* cells_;
  uint32_t cell_shift_;
  bool direct_;
  std::vector<uint32_t> ring_;
  std::vector<uint32_t> order_;
  size_t next_ = 0;
  // Oldest first: looked at (cells prefetched), frame lines prefetched,
  // mbufs prefetched.
  const uint32_t* held_bursts_[3] = {nullptr, nullptr, nullptr};
  uint32_t held_ = 0;
  uint8_t* cell_[kBurst] = {};  // the looked-at burst's cell lines
  volatile uint64_t look_sink_ = 0;
};

int run(int argc, char** argv) {
  auto args = BenchArgs::parse(argc, argv, {"lines", "sessions", "inflight", "rounds", "cells", "smoke", "help"});
  if (!args.ok()) {
    std::fprintf(stderr, "%s\n", std::string(args.status().message()).c_str());
    return 2;
  }
  if (args->has("help")) {
    std::printf(
        "Usage: lns_memory_floor_bench [--lines=2,3] [--sessions=1,65536,1000000] [--inflight=65536]\n"
        "                              [--rounds=5] [--cells=direct|hashed] [--smoke]\n");
    return 0;
  }
  const bool smoke = args->has("smoke");
  auto inflight = args->u64("inflight", smoke ? 4096 : 65536);
  auto rounds = args->u64("rounds", smoke ? 1 : 5);
  if (!inflight.ok() || !rounds.ok() || *inflight < 4 * kBurst || *inflight % kBurst != 0 || *rounds == 0 ||
      *inflight > (1u << 24)) {
    std::fprintf(stderr, "--inflight must be a multiple of %u from %u, --rounds at least 1\n", kBurst, 4 * kBurst);
    return 2;
  }
  const auto direct_cells = args->choice("cells", "direct", "direct", "hashed");
  if (!direct_cells.ok()) {
    std::fprintf(stderr, "%s\n", std::string(direct_cells.status().message()).c_str());
    return 2;
  }
  const bool direct = *direct_cells;
  std::vector<Case> cases;
  for (const std::string& s : args->list("sessions", smoke ? "1,4096" : "1,65536,1000000"))
    for (const std::string& l : args->list("lines", "2,3")) {
      char* end_n = nullptr;
      char* end_k = nullptr;
      const unsigned long n = std::strtoul(s.c_str(), &end_n, 10);
      const unsigned long k = std::strtoul(l.c_str(), &end_k, 10);
      if (*end_n != '\0' || *end_k != '\0' || n == 0 || n > (1u << 24) || (k != 2 && k != 3)) {
        std::fprintf(stderr, "bad --sessions (1..16777216) or --lines (2 or 3): %s, %s\n", s.c_str(), l.c_str());
        return 2;
      }
      cases.push_back({static_cast<uint32_t>(k), static_cast<uint32_t>(n)});
    }
  const auto n_inflight = static_cast<uint32_t>(*inflight);
  const char* env = std::getenv("LNS_EAL_HUGEPAGES");
  const bool huge = env != nullptr && std::strcmp(env, "1") == 0;
  Region objects(size_t{n_inflight} * kObjectBytes, huge ? Pages::kHuge : Pages::kOrdinary);
  if (objects.base == nullptr) {
    std::fprintf(stderr, "cannot map %zu bytes for the packet buffers%s\n", objects.bytes,
                 huge ? " on huge pages (LNS_EAL_HUGEPAGES=1)" : "");
    return 1;
  }
  int seed = 1;
  for (const Case& c : cases) {
    // Sessions are 1..N: the direct area holds them in N / 2 + 1 lines.
    const uint32_t cell_lines = direct ? c.sessions / 2 + 1 : dp::UpstreamCells::lines_for(c.sessions);
    Region cells(size_t{cell_lines} * kLine, huge ? Pages::kHuge : Pages::kTransparent);
    if (cells.base == nullptr) {
      std::fprintf(stderr, "cannot map %zu bytes for the cells\n", cells.bytes);
      return 1;
    }
    FloorLoop loop(static_cast<uint8_t*>(objects.base), n_inflight, static_cast<uint8_t*>(cells.base), cell_lines,
                   direct, c.sessions, static_cast<uint32_t>(seed++));
    // Warm-up: every buffer through the loop twice.
    loop.pass(c.lines);
    loop.pass(c.lines);
    std::vector<double> per_round;
    for (uint64_t r = 0; r < *rounds; ++r) per_round.push_back(loop.pass(c.lines));
    std::sort(per_round.begin(), per_round.end());
    std::printf(
        "BENCH case=memory_floor lines=%u sessions=%u inflight=%u cycles_per_packet=%.1f rounds_min=%.1f "
        "rounds_max=%.1f huge_pages=%s cells=%s\n",
        c.lines, c.sessions, n_inflight, per_round[per_round.size() / 2], per_round.front(), per_round.back(),
        huge ? "on" : "off", direct ? "direct" : "hashed");
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace lns::bench

int main(int argc, char** argv) { return lns::bench::run(argc, argv); }
