// lns_dataplane_bench: the real Dataplane on net_ring ports, N static
// sessions, a constant number of frames in flight in random session order,
// and rdtsc around Worker::poll_once() only. Prints one BENCH line per case;
// scripts/bench runs it next to the dpdk-testpmd baseline and passes that
// baseline in so the lines carry the ratio.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "tests/bench/bench_args.h"
#include "tests/bench/parallel_loop.h"
#include "tests/bench/session_layout.h"
#include "tests/bench/traffic_loop.h"
#include "tests/support/eal_env.h"
#include "tests/support/ring_dataplane.h"

namespace lns::bench {
namespace {

// Large enough for IMIX's 1518-byte inner packets without fragmentation.
constexpr uint16_t kSessionMtu = 1518;
// The access side then carries 1518 + 52 bytes of encapsulation: a
// baby-giant access network, as LNS deployments commonly configure.
constexpr uint16_t kAccessMtu = 1600;

struct Options {
  std::vector<uint32_t> sessions;
  std::vector<std::string> cases;
  std::vector<std::string> sizes;
  uint32_t inflight = 65536;
  uint64_t warmup = 0;
  uint64_t round_packets = 1000000;
  unsigned rounds = 5;
  bool scattered_ids = false;
  std::vector<std::string> pretouch;  // analysis variants to run after each case
  uint64_t seed = 1;
  unsigned memory_mb = 0;
  std::optional<double> baseline_64, baseline_imix;
  // --workers given: every count runs on worker lcores through ParallelLoop
  // (1 included, so the ratio compares like with like); without it, one
  // worker polled from the main lcore by TrafficLoop as before.
  std::vector<unsigned> workers{1};
  bool parallel = false;
  config::Distribution distribution = config::Distribution::kRss;
  bool one_queue = false;  // --arrival=one-queue
  // --frame-offset: each session count runs once per listed
  // dataplane.access_frame_offset (frame_layout.h), alternating within one
  // process, so the settings meet the same drift of this VM's speed.
  // frame_offset is the one of the run at hand (unset: the config's).
  std::vector<uint32_t> frame_offsets;
  std::optional<uint32_t> frame_offset;
  // --stream-headers: each case runs once per listed setting of the
  // worker's streamed encap headers (Worker::write_header_lines), in turn
  // on the same data plane, so the settings share its memory layout.
  // stream_header is the setting of the run at hand (without the option,
  // the data plane's own choice: dataplane/header_writes.h).
  std::vector<bool> stream_headers;
  bool stream_header = false;
  // --ring-queue-lines (with --workers): each case runs once per listed
  // setting, in turn on the same data plane: every net_ring queue's state on
  // a line of its own (own, the default) or as the PMD lays it out, side by
  // side (shared: see RingDataplane::set_queue_lines).
  std::vector<bool> own_queue_lines{true};
};

uint32_t frame_offset_of(const Options& o) {
  return o.frame_offset.value_or(config::Config{}.dataplane.access_frame_offset);
}

// The BENCH lines' ids= field.
const char* ids_name(const Options& o) { return o.scattered_ids ? "scattered" : "dense"; }

uint32_t pow2_above(uint32_t n) {
  uint32_t p = 1;
  while (p <= n) p <<= 1;
  return p;
}

// What DPDK memory one session count needs: the mbufs in flight, the
// session entries and counters, the rte_lpm (64 MiB tbl24 plus a tbl8 group
// per eight sessions), the upstream index and the RCU defer queue.
// Each further worker adds its reassembly table (16 MiB), its session
// counters and, with several workers, RX/TX and handoff rings that can each
// hold every frame in flight.
unsigned memory_needed_mb(uint32_t sessions, uint32_t inflight, unsigned workers) {
  const double mbufs = (inflight + 8192.0) * 2.5 / 1024;
  const double per_session = sessions * 420.0 / (1024 * 1024);
  const double ring_mb = 2.0 * inflight * 8 / (1024 * 1024);
  const double per_worker = 16 + sessions * 64.0 / (1024 * 1024) + ring_mb * (4 + 2.0 * (workers - 1));
  return static_cast<unsigned>(1.5 * (192 + mbufs + per_session + (workers - 1) * per_worker));
}

unsigned touch_mask(const std::string& variant) {
  if (variant.empty()) return 0;
  if (variant == "all") return kTouchAll;
  if (variant == "packet") return kTouchPacket;
  if (variant == "index") return kTouchIndex;
  if (variant == "entry") return kTouchEntry;
  if (variant == "counters") return kTouchCounters;
  return 0;
}

absl::StatusOr<Options> parse_options(int argc, char** argv) {
  auto args = BenchArgs::parse(argc, argv,
                               {"sessions", "cases", "sizes", "inflight", "warmup", "round-packets", "rounds",
                                "ids", "seed", "memory-mb", "baseline-64", "baseline-imix", "smoke", "pretouch", "workers",
                                "distribution", "arrival", "frame-offset", "stream-headers", "ring-queue-lines"});
  if (!args.ok()) return args.status();
  Options o;
  const bool smoke = args->has("smoke");
  for (const std::string& s : args->list("sessions", smoke ? "64" : "1,65536,1000000")) {
    uint32_t n;
    if (!absl::SimpleAtoi(s, &n) || n == 0 || n > 4000000)
      return absl::InvalidArgumentError(absl::StrFormat("bad session count '%s' (1..4000000)", s));
    o.sessions.push_back(n);
  }
  o.cases = args->list("cases", "decap,encap,mix");
  for (const auto& c : o.cases)
    if (c != "decap" && c != "encap" && c != "mix")
      return absl::InvalidArgumentError(absl::StrFormat("unknown case '%s' (decap, encap, mix)", c));
  o.sizes = args->list("sizes", "64,imix");
  for (const auto& s : o.sizes)
    if (s != "64" && s != "imix") return absl::InvalidArgumentError(absl::StrFormat("unknown size '%s' (64, imix)", s));
  auto inflight = args->u64("inflight", smoke ? 256 : 65536);
  auto round_packets = args->u64("round-packets", smoke ? 4096 : 1000000);
  auto rounds = args->u64("rounds", smoke ? 2 : 5);
  auto seed = args->u64("seed", 1);
  auto memory = args->u64("memory-mb", 0);
  auto b64 = args->number("baseline-64");
  auto bimix = args->number("baseline-imix");
  for (const absl::Status& st : {inflight.status(), round_packets.status(), rounds.status(), seed.status(),
                                 memory.status(), b64.status(), bimix.status()})
    if (!st.ok()) return st;
  if (*inflight < 2 || *inflight > (1u << 22))
    return absl::InvalidArgumentError("--inflight must be 2..4194304");
  if (*rounds == 0 || *round_packets == 0) return absl::InvalidArgumentError("--rounds and --round-packets must be > 0");
  o.inflight = static_cast<uint32_t>(*inflight);
  // Every frame in flight passes through the worker twice before timing
  // starts, so rings, mbufs and tables are in their steady state.
  auto warmup = args->u64("warmup", std::max<uint64_t>(2ull * o.inflight, smoke ? 1024 : 200000));
  if (!warmup.ok()) return warmup.status();
  o.warmup = *warmup;
  o.round_packets = *round_packets;
  o.rounds = static_cast<unsigned>(*rounds);
  o.seed = *seed;
  o.memory_mb = static_cast<unsigned>(*memory);
  o.baseline_64 = *b64;
  o.baseline_imix = *bimix;
  for (const std::string& f : args->list("frame-offset", "")) {
    uint32_t off;
    if (!absl::SimpleAtoi(f, &off) || off > 56 || off % 8 != 0)
      return absl::InvalidArgumentError(absl::StrFormat("bad --frame-offset '%s' (0..56, a multiple of 8)", f));
    o.frame_offsets.push_back(off);
  }
  if (args->has("stream-headers")) {
    auto v = args->settings("stream-headers", "", "on", "off");
    if (!v.ok()) return v.status();
    o.stream_headers = *v;
  }
  if (args->has("ring-queue-lines")) {
    auto v = args->settings("ring-queue-lines", "", "own", "shared");
    if (!v.ok()) return v.status();
    o.own_queue_lines = *v;
  }
  auto scattered = args->choice("ids", "dense", "scattered", "dense");
  if (!scattered.ok()) return scattered.status();
  o.scattered_ids = *scattered;
  if (args->has("workers")) {
    o.parallel = true;
    o.workers.clear();
    for (const std::string& w : args->list("workers", "1")) {
      unsigned n;
      if (!absl::SimpleAtoi(w, &n) || n == 0 || n > 16)
        return absl::InvalidArgumentError(absl::StrFormat("bad worker count '%s' (1..16)", w));
      o.workers.push_back(n);
    }
    if (o.workers.empty()) return absl::InvalidArgumentError("--workers needs a list like 1,2");
  }
  const std::string distribution = args->str("distribution", "rss");
  if (distribution != "rss" && distribution != "session")
    return absl::InvalidArgumentError("--distribution is rss or session");
  o.distribution = distribution == "rss" ? config::Distribution::kRss : config::Distribution::kSession;
  const std::string arrival = args->str("arrival", "spread");
  if (arrival != "spread" && arrival != "one-queue")
    return absl::InvalidArgumentError("--arrival is spread or one-queue");
  o.one_queue = arrival == "one-queue";
  if (o.parallel && args->has("pretouch"))
    return absl::InvalidArgumentError("--pretouch analyses one worker; it does not combine with --workers");
  if (args->has("pretouch")) {
    const std::string v = args->str("pretouch", "all");
    o.pretouch = args->list("pretouch", "all");
    if (v == "1") o.pretouch = {"all"};
    for (const auto& t : o.pretouch)
      if (touch_mask(t) == 0)
        return absl::InvalidArgumentError(
            absl::StrFormat("unknown --pretouch variant '%s' (all, packet, index, entry, counters)", t));
  }
  if (args->has("ring-queue-lines") && !o.parallel)
    return absl::InvalidArgumentError("--ring-queue-lines needs --workers (one worker on the main lcore has one queue)");
  if (!o.stream_headers.empty() && (o.parallel || !o.pretouch.empty()))
    return absl::InvalidArgumentError("--stream-headers analyses one worker; it does not combine with --workers or --pretouch");
  return o;
}

std::string fmt_or_na(std::optional<double> v) { return v ? absl::StrFormat("%.2f", *v) : "na"; }

// With -Dstage_cycles=true: one line per stage of the worker, cycles per
// packet over the measured polls of all rounds (the mean, where the case's
// own figure is the median round).
void print_stages(const std::string& name, uint32_t n_sessions, const std::string& size,
                  const dp::StageCycles& stages, uint64_t packets) {
  if (packets == 0) return;
  double total = 0;
  for (size_t s = 0; s < dp::kStageCount; ++s) {
    const double c = static_cast<double>(stages.cycles[s]) / static_cast<double>(packets);
    total += c;
    std::printf("BENCH case=stages of=%s sessions=%u size=%s workers=1 stage=%s cycles=%.1f\n", name.c_str(),
                n_sessions, size.c_str(), dp::kStageNames[s], c);
  }
  std::printf("BENCH case=stages of=%s sessions=%u size=%s workers=1 stage=total cycles=%.1f\n", name.c_str(),
              n_sessions, size.c_str(), total);
}

const char* distribution_name(config::Distribution d) { return d == config::Distribution::kRss ? "rss" : "session"; }

TrafficSpec spec_for_case(const Options& o, const std::string& c, const std::string& pretouch) {
  TrafficSpec spec;
  spec.upstream = c != "encap";
  spec.downstream = c != "decap";
  spec.inflight = o.inflight;
  spec.warmup_packets = o.warmup;
  spec.round_packets = o.round_packets;
  spec.rounds = o.rounds;
  spec.pretouch = touch_mask(pretouch);
  spec.one_queue = o.one_queue;
  return spec;
}

// Runs one case and prints its BENCH line; returns 1 on failure.
int run_case(const Options& o, TrafficLoop& loop, uint32_t n_sessions, const std::string& c, const std::string& size,
             const std::string& pretouch) {
  const SizeMix mix = size == "imix" ? imix() : fixed_size(64);
  const std::optional<double> baseline = size == "imix" ? o.baseline_imix : o.baseline_64;
  const TrafficSpec spec = spec_for_case(o, c, pretouch);
  const std::string name = pretouch.empty() ? c : c + "_pretouch_" + pretouch;
  const auto started = std::chrono::steady_clock::now();
  auto r = loop.run(spec, mix);
  if (!r.ok()) {
    std::fprintf(stderr, "case %s sessions=%u size=%s: %s\n", name.c_str(), n_sessions, size.c_str(),
                 std::string(r.status().message()).c_str());
    return 1;
  }
  const auto [lo, hi] = std::minmax_element(r->round_cycles_per_packet.begin(), r->round_cycles_per_packet.end());
  std::optional<double> ratio;
  if (baseline) ratio = r->cycles_per_packet / *baseline;
  std::printf(
      "BENCH case=%s sessions=%u size=%s workers=1 distribution=%s mpps=%.2f cycles_per_packet=%.1f "
      "baseline_cycles_per_packet=%s ratio=%s inflight=%u distinct_in_flight=%u rounds_min=%.1f rounds_max=%.1f "
      "preempted_polls=%llu/%llu mean_inner_bytes=%.1f frame_offset=%u stream_headers=%s ids=%s\n",
      name.c_str(), n_sessions, mix.name.c_str(), distribution_name(o.distribution), r->mpps, r->cycles_per_packet,
      fmt_or_na(baseline).c_str(), fmt_or_na(ratio).c_str(), o.inflight, r->distinct_sessions_in_flight, *lo, *hi,
      static_cast<unsigned long long>(r->preempted_polls), static_cast<unsigned long long>(r->polls),
      r->mean_inner_bytes, frame_offset_of(o),
      o.stream_header ? "on" : "off", ids_name(o));
  if (dp::kStageCyclesEnabled)
    print_stages(name, n_sessions, mix.name, r->stage_cycles, r->packets);
  std::fflush(stdout);
  std::fprintf(stderr, "#   %s/%s took %.1f s\n", name.c_str(), mix.name.c_str(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return 0;
}

// The same with every worker on its own lcore. mpps is the sum of each
// worker's own rate (its packets over its timed polls); wall_mpps is what
// was delivered per wall-clock second, harness and neighbours included.
int run_parallel_case(const Options& o, ParallelLoop& loop, uint32_t n_sessions, unsigned workers,
                      const std::string& c, const std::string& size, bool own_queue_lines) {
  const SizeMix mix = size == "imix" ? imix() : fixed_size(64);
  const std::optional<double> baseline = size == "imix" ? o.baseline_imix : o.baseline_64;
  const TrafficSpec spec = spec_for_case(o, c, "");
  const auto started = std::chrono::steady_clock::now();
  auto r = loop.run(spec, mix);
  if (!r.ok()) {
    std::fprintf(stderr, "case %s sessions=%u size=%s workers=%u: %s\n", c.c_str(), n_sessions, size.c_str(),
                 workers, std::string(r.status().message()).c_str());
    return 1;
  }
  const auto [lo, hi] = std::minmax_element(r->round_cycles_per_packet.begin(), r->round_cycles_per_packet.end());
  std::optional<double> ratio;
  if (baseline) ratio = r->cycles_per_packet / *baseline;
  std::string per_worker;
  for (double m : r->worker_mpps) per_worker += absl::StrFormat("%s%.2f", per_worker.empty() ? "" : "/", m);
  std::printf(
      "BENCH case=%s sessions=%u size=%s workers=%u distribution=%s mpps=%.2f cycles_per_packet=%.1f "
      "baseline_cycles_per_packet=%s ratio=%s inflight=%u distinct_in_flight=%u rounds_min=%.1f rounds_max=%.1f "
      "preempted_polls=%llu/%llu mean_inner_bytes=%.1f wall_mpps=%.2f worker_mpps=%s handed_off=%.2f "
      "idle_polls=%llu arrival=%s bottleneck_mpps=%.2f frame_offset=%u ring_queue_lines=%s ids=%s\n",
      c.c_str(), n_sessions, mix.name.c_str(), workers, distribution_name(o.distribution), r->mpps,
      r->cycles_per_packet, fmt_or_na(baseline).c_str(), fmt_or_na(ratio).c_str(), o.inflight,
      r->distinct_sessions_in_flight, *lo, *hi, static_cast<unsigned long long>(r->preempted_polls),
      static_cast<unsigned long long>(r->polls), r->mean_inner_bytes, r->wall_mpps, per_worker.c_str(),
      r->handed_off_share, static_cast<unsigned long long>(r->idle_polls), o.one_queue ? "one-queue" : "spread",
      r->bottleneck_mpps, frame_offset_of(o), own_queue_lines ? "own" : "shared", ids_name(o));
  std::fflush(stdout);
  std::fprintf(stderr, "#   %s/%s workers=%u took %.1f s\n", c.c_str(), mix.name.c_str(), workers,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return 0;
}

int run_session_count(const Options& o, uint32_t n_sessions, unsigned workers) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  config::Config cfg = test::test_config(workers);
  cfg.dataplane.max_sessions = n_sessions;
  cfg.dataplane.distribution = o.distribution;
  // Room for the frames in flight plus what sits in the workers' buffers.
  cfg.dataplane.mbufs = o.inflight + 8191 * workers;
  cfg.dataplane.mbuf_cache = 256;
  if (o.frame_offset) cfg.dataplane.access_frame_offset = *o.frame_offset;
  cfg.access.mtu = kAccessMtu;
  // Each ring holds a whole direction's frames in flight; a handoff ring
  // can hold them all, so a worker the scheduler pauses (lanes share CPUs
  // with each other and with other processes here) costs time, not drops.
  cfg.dataplane.handoff_ring_size = pow2_above(o.inflight);
  auto ring = test::RingDataplane::create(cfg, pow2_above(o.inflight));
  if (ring == nullptr) {
    std::fprintf(stderr, "cannot create the data plane for %u sessions\n", n_sessions);
    return 1;
  }
  const std::vector<BenchSession> layout =
      make_layout({.sessions = n_sessions, .scattered_ids = o.scattered_ids, .seed = o.seed});
  for (const BenchSession& s : layout) {
    auto slot = ring->dp().sessions().add(spec_for(s, kSessionMtu));
    if (!slot.ok()) {
      std::fprintf(stderr, "adding session %u/%u: %s\n", s.tunnel_id, s.session_id,
                   std::string(slot.status().message()).c_str());
      return 1;
    }
  }
  const double setup_s = std::chrono::duration<double>(Clock::now() - t0).count();
  rte_malloc_socket_stats heap{};
  rte_malloc_get_socket_stats(0, &heap);
  std::fprintf(stderr, "# %u sessions in %u tunnels added in %.1f s; DPDK heap %zu MiB used of %zu\n", n_sessions,
               (n_sessions + 4095) / 4096, setup_s, heap.heap_allocsz_bytes >> 20, heap.heap_totalsz_bytes >> 20);
  const dp::SessionTable& table = ring->dp().sessions();
  std::fprintf(stderr, "# cells: upstream %u hashed, %u chunks; downstream %u hashed, %u chunks (capacity %u)\n",
               table.upstream_cells().hashed_keys(), table.upstream_cells().chunks_used(),
               table.downstream_cells().hashed_keys(), table.downstream_cells().chunks_used(), table.capacity());

  FrameAddresses addr;
  addr.lns_access_mac = ring->mac(dp::Side::kAccess);
  addr.lns_core_mac = ring->mac(dp::Side::kCore);
  addr.lns_access_ipv4 = *cfg.access.ipv4;
  int failures = 0;
  if (o.parallel) {
    ParallelLoop loop(*ring, layout, addr, o.seed + 1);
    for (const std::string& size : o.sizes)
      for (const std::string& c : o.cases)
        for (bool own : o.own_queue_lines) {
          if (!ring->set_queue_lines(own)) {
            std::fprintf(stderr, "the net_ring PMD's queue layout is not the one expected: cannot move its state\n");
            return 1;
          }
          failures += run_parallel_case(o, loop, n_sessions, workers, c, size, own);
        }
    return failures == 0 ? 0 : 1;
  }
  TrafficLoop loop(*ring, layout, addr, o.seed + 1);
  for (const std::string& size : o.sizes)
    for (const std::string& c : o.cases) {
      if (o.stream_headers.empty()) {
        Options one = o;
        one.stream_header = ring->dp().streams_encap_headers();
        failures += run_case(one, loop, n_sessions, c, size, "");
        for (const std::string& t : o.pretouch) failures += run_case(one, loop, n_sessions, c, size, t);
        continue;
      }
      for (bool on : o.stream_headers) {
        Options one = o;
        one.stream_header = on;
        ring->dp().worker(0).set_stream_encap_headers_for_test(on);
        failures += run_case(one, loop, n_sessions, c, size, "");
      }
    }
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace lns::bench

int main(int argc, char** argv) {
  using namespace lns::bench;
  auto opts = parse_options(argc, argv);
  if (!opts.ok()) {
    std::fprintf(stderr,
                 "%s\nusage: lns_dataplane_bench [--sessions=1,65536,1000000] [--cases=decap,encap,mix]\n"
                 "  [--sizes=64,imix] [--inflight=65536] [--rounds=5] [--round-packets=1000000] [--warmup=N]\n"
                 "  [--ids=dense|scattered] [--seed=1] [--memory-mb=M] [--baseline-64=CPP] [--baseline-imix=CPP]\n"
                 "  [--smoke] [--pretouch[=all,packet,index,entry,counters]] [--workers=1,2]\n"
                 "  [--distribution=rss|session] [--arrival=spread|one-queue]\n"
                 "  [--frame-offset=0,56] [--stream-headers=on,off] [--ring-queue-lines=own,shared]\n"
                 "--frame-offset: run each session count once per dataplane.access_frame_offset listed\n"
                 "  (0..56, multiples of 8), in turn; without it, the config's default\n"
                 "--stream-headers (analysis, one worker): run each case once per setting listed, in turn on\n"
                 "  the same data plane: encap's header line streamed out (on) or written in place (off)\n"
                 "--workers: run each count of workers, each on its own lcore (distinct CPUs while there\n"
                 "  are enough), and add wall_mpps, worker_mpps and handed_off to the BENCH line\n"
                 "--ring-queue-lines (with --workers): run each case once per setting listed, in turn: each\n"
                 "  net_ring queue's state on a cache line of its own (own, the default) or side by side as\n"
                 "  the PMD allocates it (shared), where workers on neighbouring queues write one line\n"
                 "--arrival=one-queue: every frame arrives on worker 0's queues (one tunnel, RSS on the\n"
                 "  outer flow); spread (default): each worker's own queues get frames of any session\n"
                 "--pretouch (analysis): after each case, run it again per variant with the harness reading\n"
                 "  that part of what each poll will read (all by default) before timing the poll\n"
                 "Stage breakdown (analysis): in a build configured with -Dstage_cycles=true (e.g.\n"
                 "  meson setup build-stages -Dbuildtype=release -Dbench=true -Dstage_cycles=true), each case\n"
                 "  also prints `BENCH case=stages of=<case> ... stage=<name> cycles=<x>` lines: cycles per\n"
                 "  packet in rx, fetch, classify, lookup, rewrite, tx and other (the rest of a poll), then\n"
                 "  stage=total. The timestamps cost cycles themselves: compare stages, not totals, with\n"
                 "  the normal build's BENCH lines.\n",
                 std::string(opts.status().message()).c_str());
    return 2;
  }
  unsigned memory = opts->memory_mb;
  if (memory == 0)
    for (uint32_t n : opts->sessions)
      for (unsigned w : opts->workers) memory = std::max(memory, memory_needed_mb(n, opts->inflight, w));
  // The main lcore and one lcore per worker; tests/support maps lcore l to
  // the l-th allowed CPU modulo their number (workers 1 and 2 on CPUs 1 and
  // 0 here; the main lcore sleeps while they run).
  const unsigned max_workers = *std::max_element(opts->workers.begin(), opts->workers.end());
  if (!lns::test::init_eal_for_tests(argv[0], opts->parallel ? 1 + max_workers : 1, memory)) return 1;
  int rc = 0;
  for (uint32_t n : opts->sessions)
    for (unsigned w : opts->workers) {
      if (opts->frame_offsets.empty()) rc |= run_session_count(*opts, n, w);
      for (uint32_t off : opts->frame_offsets) {
        Options one = *opts;
        one.frame_offset = off;
        rc |= run_session_count(one, n, w);
      }
    }
  return rc;
}
