// lns_lookup_bench: the session-table alternatives side by side, on the
// same keys (session_layout) queried in the same random order.
//   upstream  (tunnel ID, session ID) -> slot:
//     direct    SessionTable::lookup_upstream (UpstreamCells: open addressing,
//               the key in the cell)
//     hash      rte_hash, lock-free readers, key tunnel<<16|session
//   downstream IPv4 destination -> slot:
//     cells     SessionTable::lookup_ipv4 (DownstreamCells, likewise)
//     lpm       rte_lpm of /32s
//     hash      rte_hash, lock-free readers, key = address
//     fib       rte_fib DIR24_8 (bulk API only)
// Batch 1 is one lookup per call; batch 32 is a burst per call, as a worker
// would do it. Also reports what inserting into each table costs per key, since
// a table that takes minutes to fill is no choice for a million sessions.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lpm.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dataplane/session_table.h"
#include "tests/bench/bench_args.h"
#include "tests/bench/session_layout.h"
#include "tests/support/eal_env.h"

namespace lns::bench {
namespace {

constexpr uint32_t kBatch = 32;
constexpr uint32_t kChunk = 4096;  // lookups timed together

struct Options {
  std::vector<uint32_t> sessions;
  uint32_t lpm_max_keys = 65536;
  unsigned rounds = 3;
  uint64_t queries = 1u << 20;
  bool scattered_ids = false;
  uint64_t seed = 1;
};

struct Measurement {
  double cycles_per_lookup = 0;  // median over chunks: robust to preemption
  uint64_t sum = 0;              // of all results, to check them and keep them alive
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Runs `lookup(first, count)` over the query stream in chunks, `rounds`
// times; `lookup` returns the sum of the values it found.
template <typename F>
Measurement measure(size_t n_queries, unsigned rounds, F&& lookup) {
  std::vector<double> per_chunk;
  Measurement m;
  for (unsigned r = 0; r < rounds; ++r) {
    uint64_t sum = 0;
    for (size_t i = 0; i < n_queries; i += kChunk) {
      const size_t n = std::min<size_t>(kChunk, n_queries - i);
      const uint64_t t0 = rte_rdtsc();
      sum += lookup(i, n);
      per_chunk.push_back(static_cast<double>(rte_rdtsc() - t0) / static_cast<double>(n));
    }
    m.sum = sum;
  }
  m.cycles_per_lookup = median(per_chunk);
  return m;
}

using Clock = std::chrono::steady_clock;
double ns_per_key(Clock::time_point t0, uint32_t keys) {
  return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / keys;
}

void report(const char* name, uint32_t keys, uint32_t batch, const Measurement& m, double build_ns,
            uint64_t expected_sum) {
  if (m.sum != expected_sum) {
    std::fprintf(stderr, "%s with %u keys returned wrong values (sum %llu, expected %llu)\n", name, keys,
                 static_cast<unsigned long long>(m.sum), static_cast<unsigned long long>(expected_sum));
    std::exit(1);
  }
  std::printf("BENCH case=%s sessions=%u batch=%u cycles_per_lookup=%.1f insert_ns_per_key=%.0f\n", name, keys,
              batch, m.cycles_per_lookup, build_ns);
  std::fflush(stdout);
}

rte_hash* make_hash(const std::string& name, uint32_t keys) {
  rte_hash_parameters hp{};
  hp.name = name.c_str();
  hp.entries = std::max<uint32_t>(keys, 1024);
  hp.key_len = sizeof(uint32_t);
  hp.hash_func = rte_hash_crc;
  hp.socket_id = 0;
  // What a table shared with lock-free workers needs; the extendable table
  // keeps inserts from failing when a cuckoo path is full.
  hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
  rte_hash* h = rte_hash_create(&hp);
  if (h == nullptr) {
    std::fprintf(stderr, "rte_hash_create(%s): %s\n", name.c_str(), rte_strerror(rte_errno));
    std::exit(1);
  }
  return h;
}

// Value i + 1 for key i, looked up single or in bursts.
void bench_hash(const char* name, const std::vector<uint32_t>& keys, const std::vector<uint32_t>& queries,
                uint64_t expected, const Options& o) {
  const uint32_t n = static_cast<uint32_t>(keys.size());
  rte_hash* h = make_hash(absl::StrCat(name, n), n);
  const auto t0 = Clock::now();
  for (uint32_t i = 0; i < n; ++i)
    if (rte_hash_add_key_data(h, &keys[i], reinterpret_cast<void*>(uintptr_t{i + 1u})) != 0) {
      std::fprintf(stderr, "%s: insert %u of %u failed\n", name, i, n);
      std::exit(1);
    }
  const double build = ns_per_key(t0, n);
  const uint32_t* q = queries.data();
  report(name, n, 1,
         measure(queries.size(), o.rounds,
                 [&](size_t first, size_t count) {
                   uint64_t sum = 0;
                   for (size_t i = first; i < first + count; ++i) {
                     void* data;
                     if (rte_hash_lookup_data(h, &q[i], &data) >= 0) sum += reinterpret_cast<uintptr_t>(data);
                   }
                   return sum;
                 }),
         build, expected);
  report(name, n, kBatch,
         measure(queries.size(), o.rounds,
                 [&](size_t first, size_t count) {
                   uint64_t sum = 0;
                   const void* ptrs[kBatch];
                   void* data[kBatch];
                   for (size_t i = first; i < first + count; i += kBatch) {
                     const uint32_t b = static_cast<uint32_t>(std::min<size_t>(kBatch, first + count - i));
                     for (uint32_t k = 0; k < b; ++k) ptrs[k] = &q[i + k];
                     uint64_t hits = 0;
                     rte_hash_lookup_bulk_data(h, ptrs, b, &hits, data);
                     for (uint32_t k = 0; k < b; ++k)
                       if (hits & (1ull << k)) sum += reinterpret_cast<uintptr_t>(data[k]);
                   }
                   return sum;
                 }),
         build, expected);
  rte_hash_free(h);
}

void bench_direct(const std::vector<BenchSession>& layout, const std::vector<uint32_t>& query_index,
                  const Options& o) {
  const uint32_t n = static_cast<uint32_t>(layout.size());
  dp::AccessEncap encap;
  encap.has_default_lac_mac = true;
  encap.our_ipv4 = 0xc0000201;
  const std::string name = absl::StrCat("direct", n);
  auto table = dp::SessionTable::create({n, 0, name.c_str()}, encap, nullptr);
  if (!table.ok()) {
    std::fprintf(stderr, "SessionTable::create: %s\n", std::string(table.status().message()).c_str());
    std::exit(1);
  }
  const auto t0 = Clock::now();
  std::vector<uint32_t> slot_of(n);
  for (uint32_t i = 0; i < n; ++i) {
    const dp::SessionSpec spec = spec_for(layout[i], 1500);
    auto slot = (*table)->add(spec);
    if (!slot.ok()) {
      std::fprintf(stderr, "SessionTable::add: %s\n", std::string(slot.status().message()).c_str());
      std::exit(1);
    }
    slot_of[i] = *slot;
  }
  const double build = ns_per_key(t0, n);
  uint64_t expected = 0;
  // Resolve the queries to IDs up front, as a worker has them from the
  // header it just parsed.
  std::vector<uint32_t> ids(query_index.size()), addrs(query_index.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    const BenchSession& s = layout[query_index[i]];
    ids[i] = uint32_t{s.tunnel_id} << 16 | s.session_id;
    addrs[i] = s.subscriber_ipv4;
    expected += slot_of[query_index[i]];
  }
  const dp::SessionTable& t = **table;
  report("lookup_up_direct", n, 1,
         measure(ids.size(), o.rounds,
                 [&](size_t first, size_t count) {
                   uint64_t sum = 0;
                   for (size_t i = first; i < first + count; ++i)
                     sum += t.lookup_upstream(static_cast<uint16_t>(ids[i] >> 16), static_cast<uint16_t>(ids[i]));
                   return sum;
                 }),
         build, expected);
  // Both tables are filled by the same add(): the build time is theirs together.
  report("lookup_down_cells", n, 1,
         measure(addrs.size(), o.rounds,
                 [&](size_t first, size_t count) {
                   uint64_t sum = 0;
                   for (size_t i = first; i < first + count; ++i) sum += t.lookup_ipv4(addrs[i]);
                   return sum;
                 }),
         build, expected);
}

void bench_lpm(const std::vector<uint32_t>& addrs, const std::vector<uint32_t>& queries, uint64_t expected,
               const Options& o) {
  const uint32_t n = static_cast<uint32_t>(addrs.size());
  // Sized like SessionTable's.
  rte_lpm_config lc{};
  lc.max_rules = n + 1024;
  lc.number_tbl8s = std::min<uint32_t>(std::max<uint32_t>(1024, n / 8), 1u << 20);
  const std::string name = absl::StrCat("lpm", n);
  rte_lpm* lpm = rte_lpm_create(name.c_str(), 0, &lc);
  if (lpm == nullptr) {
    std::fprintf(stderr, "rte_lpm_create: %s\n", rte_strerror(rte_errno));
    std::exit(1);
  }
  const auto t0 = Clock::now();
  for (uint32_t i = 0; i < n; ++i)
    if (rte_lpm_add(lpm, addrs[i], 32, i + 1) != 0) {
      std::fprintf(stderr, "rte_lpm_add %u of %u failed\n", i, n);
      std::exit(1);
    }
  const double build = ns_per_key(t0, n);
  const uint32_t* q = queries.data();
  report("lookup_down_lpm", n, 1,
         measure(queries.size(), o.rounds,
                 [&](size_t first, size_t count) {
                   uint64_t sum = 0;
                   for (size_t i = first; i < first + count; ++i) {
                     uint32_t nh;
                     if (rte_lpm_lookup(lpm, q[i], &nh) == 0) sum += nh;
                   }
                   return sum;
                 }),
         build, expected);
  report("lookup_down_lpm", n, kBatch,
         measure(queries.size(), o.rounds,
                 [&](size_t first, size_t count) {
                   uint64_t sum = 0;
                   uint32_t nh[kBatch];
                   for (size_t i = first; i < first + count; i += kBatch) {
                     const uint32_t b = static_cast<uint32_t>(std::min<size_t>(kBatch, first + count - i));
                     rte_lpm_lookup_bulk(lpm, &q[i], nh, b);
                     for (uint32_t k = 0; k < b; ++k)
                       if (nh[k] & RTE_LPM_LOOKUP_SUCCESS) sum += nh[k] & 0x00ffffff;
                   }
                   return sum;
                 }),
         build, expected);
  rte_lpm_free(lpm);
}

void bench_fib(const std::vector<uint32_t>& addrs, std::vector<uint32_t>& queries, uint64_t expected,
               const Options& o) {
  const uint32_t n = static_cast<uint32_t>(addrs.size());
  rte_fib_conf fc{};
  fc.type = RTE_FIB_DIR24_8;
  fc.default_nh = 0;
  fc.max_routes = static_cast<int>(n + 1024);
  fc.dir24_8.nh_sz = RTE_FIB_DIR24_8_4B;
  fc.dir24_8.num_tbl8 = std::min<uint32_t>(std::max<uint32_t>(1024, n / 8), 1u << 20);
  const std::string name = absl::StrCat("fib", n);
  rte_fib* fib = rte_fib_create(name.c_str(), 0, &fc);
  if (fib == nullptr) {
    std::fprintf(stderr, "rte_fib_create: %s\n", rte_strerror(rte_errno));
    std::exit(1);
  }
  const auto t0 = Clock::now();
  for (uint32_t i = 0; i < n; ++i)
    if (rte_fib_add(fib, addrs[i], 32, i + 1) != 0) {
      std::fprintf(stderr, "rte_fib_add %u of %u failed\n", i, n);
      std::exit(1);
    }
  const double build = ns_per_key(t0, n);
  uint32_t* q = queries.data();
  for (uint32_t batch : {1u, kBatch}) {
    report("lookup_down_fib", n, batch,
           measure(queries.size(), o.rounds,
                   [&](size_t first, size_t count) {
                     uint64_t sum = 0;
                     uint64_t nh[kBatch];
                     for (size_t i = first; i < first + count; i += batch) {
                       const uint32_t b = static_cast<uint32_t>(std::min<size_t>(batch, first + count - i));
                       rte_fib_lookup_bulk(fib, &q[i], nh, b);
                       for (uint32_t k = 0; k < b; ++k) sum += nh[k];
                     }
                     return sum;
                   }),
           build, expected);
  }
  rte_fib_free(fib);
}

void run(const Options& o, uint32_t n) {
  const std::vector<BenchSession> layout =
      make_layout({.sessions = n, .scattered_ids = o.scattered_ids, .seed = o.seed});
  // The query stream: the sessions in a random order, repeated.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::mt19937_64 rng(o.seed + 1);
  std::shuffle(order.begin(), order.end(), rng);
  const size_t nq = std::max<size_t>(o.queries / kChunk, 1) * kChunk;
  std::vector<uint32_t> query_index(nq);
  for (size_t i = 0; i < nq; ++i) query_index[i] = order[i % n];

  std::vector<uint32_t> up_keys(n), addrs(n);
  for (uint32_t i = 0; i < n; ++i) {
    up_keys[i] = uint32_t{layout[i].tunnel_id} << 16 | layout[i].session_id;
    addrs[i] = layout[i].subscriber_ipv4;
  }
  std::vector<uint32_t> up_queries(nq), addr_queries(nq);
  uint64_t expected = 0;  // values are index + 1 everywhere but the session table
  for (size_t i = 0; i < nq; ++i) {
    up_queries[i] = up_keys[query_index[i]];
    addr_queries[i] = addrs[query_index[i]];
    expected += query_index[i] + 1;
  }

  bench_direct(layout, query_index, o);
  bench_hash("lookup_up_hash", up_keys, up_queries, expected, o);
  if (n <= o.lpm_max_keys) {
    bench_lpm(addrs, addr_queries, expected, o);
  } else {
    // rte_lpm_add scans every rule of the same depth, so n /32s cost
    // O(n^2): about four minutes for a million on this machine.
    std::fprintf(stderr, "# rte_lpm with %u keys skipped (quadratic build; --lpm-max-keys=%u to force)\n", n, n);
  }
  bench_hash("lookup_down_hash", addrs, addr_queries, expected, o);
  bench_fib(addrs, addr_queries, expected, o);
}

absl::StatusOr<Options> parse_options(int argc, char** argv) {
  auto args = BenchArgs::parse(argc, argv, {"sessions", "lpm-max-keys", "rounds", "queries", "ids", "seed", "smoke"});
  if (!args.ok()) return args.status();
  Options o;
  const bool smoke = args->has("smoke");
  for (const std::string& s : args->list("sessions", smoke ? "1,1000" : "1,65536,1000000")) {
    uint32_t n;
    if (!absl::SimpleAtoi(s, &n) || n == 0 || n > 4000000)
      return absl::InvalidArgumentError(absl::StrFormat("bad key count '%s' (1..4000000)", s));
    o.sessions.push_back(n);
  }
  auto lpm_max = args->u64("lpm-max-keys", 65536);
  auto rounds = args->u64("rounds", smoke ? 1 : 3);
  auto queries = args->u64("queries", smoke ? 8192 : 1u << 20);
  auto seed = args->u64("seed", 1);
  for (const absl::Status& st : {lpm_max.status(), rounds.status(), queries.status(), seed.status()})
    if (!st.ok()) return st;
  if (*rounds == 0 || *queries == 0) return absl::InvalidArgumentError("--rounds and --queries must be > 0");
  o.lpm_max_keys = static_cast<uint32_t>(std::min<uint64_t>(*lpm_max, UINT32_MAX));
  o.rounds = static_cast<unsigned>(*rounds);
  o.queries = *queries;
  o.seed = *seed;
  auto scattered = args->choice("ids", "dense", "scattered", "dense");
  if (!scattered.ok()) return scattered.status();
  o.scattered_ids = *scattered;
  return o;
}

}  // namespace
}  // namespace lns::bench

int main(int argc, char** argv) {
  auto o = lns::bench::parse_options(argc, argv);
  if (!o.ok()) {
    std::fprintf(stderr,
                 "%s\nusage: lns_lookup_bench [--sessions=1,65536,1000000] [--lpm-max-keys=65536] [--rounds=3]\n"
                 "  [--queries=1048576] [--ids=dense|scattered] [--seed=1] [--smoke]\n",
                 std::string(o.status().message()).c_str());
    return 2;
  }
  uint32_t biggest = 0;
  for (uint32_t n : o->sessions) biggest = std::max(biggest, n);
  // The largest single structure: SessionTable (entries, its rte_lpm and
  // upstream index), about 450 bytes a session on top of a 64 MiB tbl24.
  const unsigned memory = static_cast<unsigned>(512 + biggest * 600.0 / (1 << 20));
  if (!lns::test::init_eal_for_tests(argv[0], 1, memory)) return 1;
  for (uint32_t n : o->sessions) lns::bench::run(*o, n);
  return 0;
}
