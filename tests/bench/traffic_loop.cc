#include "tests/bench/traffic_loop.h"

#include <algorithm>
#include <numeric>
#include <random>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "absl/strings/str_format.h"
#include "dataplane/worker_stats.h"

namespace lns::bench {
namespace {

// One direction of traffic: frames go into `in` (an RX ring of the data
// plane) and come back on `out` (the TX ring of the other port).
struct Feed {
  bool upstream = true;
  rte_ring* in = nullptr;
  rte_mempool* pool = nullptr;  // the port's RX pool, as a NIC would fill
  rte_ring* out = nullptr;
  std::vector<FrameWriter> writers;  // one per position of the size pattern
  uint64_t cursor = 0;               // position in the session order
  uint64_t written = 0;
  uint32_t stride = 1;
  // With pretouch: what is queued on `in`, in ring order (session index
  // and mbuf), so the harness knows what the worker will read next.
  std::vector<std::pair<uint32_t, rte_mbuf*>> queued;
  uint64_t head = 0, tail = 0;
};

inline void touch(const void* p) {
  const volatile uint8_t* b = static_cast<const volatile uint8_t*>(p);
  (void)*b;
}
volatile uint32_t touch_sink;  // keeps touching lookups from being optimised away

void free_all(rte_ring* r) {
  void* objs[256];
  while (unsigned n = rte_ring_sc_dequeue_burst(r, objs, 256, nullptr))
    rte_pktmbuf_free_bulk(reinterpret_cast<rte_mbuf**>(objs), n);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

SizeMix fixed_size(uint16_t inner_len) { return {absl::StrFormat("%u", inner_len), {inner_len}}; }

SizeMix imix() { return {"imix", {64, 594, 64, 64, 1518, 64, 594, 64, 64, 594, 64, 594}}; }

std::vector<uint32_t> shuffled_session_order(size_t n, uint64_t seed) {
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

std::vector<BenchSession> sessions_in_order(const std::vector<BenchSession>& sessions,
                                            const std::vector<uint32_t>& order) {
  std::vector<BenchSession> out;
  out.reserve(order.size());
  for (uint32_t i : order) out.push_back(sessions[i]);
  return out;
}

TrafficLoop::TrafficLoop(test::RingDataplane& ring, const std::vector<BenchSession>& sessions,
                         const FrameAddresses& addresses, uint64_t seed)
    : ring_(ring),
      sessions_(sessions),
      addresses_(addresses),
      order_(shuffled_session_order(sessions.size(), seed)),
      in_order_(sessions_in_order(sessions, order_)) {}

absl::StatusOr<TrafficResult> TrafficLoop::run(const TrafficSpec& spec, const SizeMix& sizes) {
  const uint64_t n_sessions = order_.size();
  if (n_sessions == 0) return absl::InvalidArgumentError("no sessions");
  std::vector<Feed> feeds;
  // Mix: upstream takes the even positions of the order and downstream the
  // odd ones, so the frames in flight belong to distinct sessions.
  const uint32_t stride = (spec.upstream && spec.downstream) ? 2 : 1;
  for (const bool up : {true, false}) {
    if (up ? !spec.upstream : !spec.downstream) continue;
    Feed f;
    f.upstream = up;
    f.in = ring_.rx_ring(up ? dp::Side::kAccess : dp::Side::kCore);
    f.pool = ring_.dp().rx_pool(up ? dp::Side::kAccess : dp::Side::kCore);
    f.out = ring_.tx_ring(up ? dp::Side::kCore : dp::Side::kAccess);
    for (uint16_t len : sizes.pattern)
      f.writers.emplace_back(up ? Direction::kUpstream : Direction::kDownstream, len, addresses_);
    f.cursor = feeds.size() % n_sessions;
    f.stride = stride;
    if (spec.pretouch != 0) f.queued.resize(rte_ring_get_size(f.in));
    feeds.push_back(std::move(f));
  }
  if (feeds.empty()) return absl::InvalidArgumentError("no direction to feed");

  auto next_frame = [&](Feed& f, rte_mbuf* m) {
    const uint32_t index = order_[f.cursor];
    const BenchSession& s = in_order_[f.cursor];
    f.cursor = (f.cursor + f.stride) % n_sessions;
    f.writers[f.written++ % f.writers.size()].write(m, s);
    if (!f.queued.empty()) f.queued[f.tail++ % f.queued.size()] = {index, m};
  };
  const dp::SessionTable& table = ring_.dp().sessions();
  const dp::SessionCounters counters = ring_.dp().worker(0).config().session_counters;
  // Slots resolved once, so touching an entry needs no lookup.
  std::vector<uint32_t> slot_of;
  if (spec.pretouch != 0) {
    slot_of.resize(n_sessions);
    for (uint32_t i = 0; i < n_sessions; ++i)
      slot_of[i] = table.lookup_upstream(sessions_[i].tunnel_id, sessions_[i].session_id);
  }
  // Reads what the worker's next poll will read from this feed.
  auto pretouch = [&](Feed& f) {
    const uint64_t n = std::min<uint64_t>(f.tail - f.head, dp::kBurst);
    uint32_t sink = 0;
    for (uint64_t k = 0; k < n; ++k) {
      const auto [index, m] = f.queued[(f.head + k) % f.queued.size()];
      if (spec.pretouch & kTouchPacket) {
        touch(m);
        touch(reinterpret_cast<const uint8_t*>(m) + RTE_CACHE_LINE_SIZE);
        const uint8_t* data = rte_pktmbuf_mtod(m, const uint8_t*);
        touch(data);
        touch(data + RTE_CACHE_LINE_SIZE);
      }
      const BenchSession& s = sessions_[index];
      if (spec.pretouch & kTouchIndex)
        sink += f.upstream ? table.lookup_upstream(s.tunnel_id, s.session_id) : table.lookup_ipv4(s.subscriber_ipv4);
      const uint32_t slot = slot_of[index];
      if (spec.pretouch & kTouchEntry) {
        touch(table.entry(slot).encap);
        touch(&table.entry(slot).lcp_magic);  // the second line
      }
      const uint32_t pos = table.upstream_position(slot);
      const uint32_t down = table.downstream_position(slot);
      if (spec.pretouch & kTouchCounters)
        touch(f.upstream ? static_cast<const void*>(&counters.up[pos].up) : &counters.down[down].down);
      if (spec.pretouch & kTouchEntry) touch(&counters.up[pos].guard);
    }
    touch_sink = sink;
  };

  // The worker's pipeline still holds the last bursts it received; polls
  // with nothing left to receive send them out too.
  auto drain = [&] {
    for (Feed& f : feeds) free_all(f.in);
    dp::Worker& w = ring_.dp().worker(0);
    while (w.held() != 0) w.poll_once();
    for (Feed& f : feeds) free_all(f.out);
  };

  TrafficResult result;
  const uint32_t share = spec.inflight / static_cast<uint32_t>(feeds.size());
  {
    std::vector<bool> seen(n_sessions);
    std::vector<rte_mbuf*> mbufs(share);
    for (Feed& f : feeds) {
      if (rte_ring_get_capacity(f.in) < share)
        return absl::InvalidArgumentError(absl::StrFormat(
            "RX ring holds %u frames, %u in flight per direction asked", rte_ring_get_capacity(f.in), share));
      if (rte_pktmbuf_alloc_bulk(f.pool, mbufs.data(), share) != 0) {
        drain();
        return absl::ResourceExhaustedError(absl::StrFormat("cannot allocate %u mbufs", share));
      }
      for (rte_mbuf* m : mbufs) {
        if (!seen[order_[f.cursor]]) {
          seen[order_[f.cursor]] = true;
          ++result.distinct_sessions_in_flight;
        }
        next_frame(f, m);
      }
      rte_ring_sp_enqueue_bulk(f.in, reinterpret_cast<void**>(mbufs.data()), share, nullptr);
    }
  }

  // Per-session traffic summed over every slot, in and out of the run.
  auto traffic = [&] {
    dp::SessionTotals sum;
    for (uint32_t slot = 1; slot <= table.capacity(); ++slot) {
      const dp::SessionTotals t = ring_.dp().session_totals(slot);
      sum.up_packets += t.up_packets;
      sum.up_bytes += t.up_bytes;
      sum.down_packets += t.down_packets;
      sum.down_bytes += t.down_bytes;
    }
    return sum;
  };
  const dp::SessionTotals traffic_before = traffic();
  dp::Worker& worker = ring_.dp().worker(0);
  const dp::WorkerStats before = worker.stats();
  std::string lost;
  // One timed poll, then the untimed refill. Returns the poll's cycles and
  // sets *n to the packets it received.
  dp::StageCycles stages_before_poll, stages_of_poll;
  auto step = [&](uint32_t* n) -> uint64_t {
    unsigned queued[2] = {0, 0};
    if (spec.pretouch != 0)
      for (size_t i = 0; i < feeds.size(); ++i) {
        pretouch(feeds[i]);
        queued[i] = rte_ring_count(feeds[i].in);
      }
    if (dp::kStageCyclesEnabled) stages_before_poll = worker.stage_cycles();
    const uint64_t t0 = rte_rdtsc();
    *n = worker.poll_once();
    const uint64_t cycles = rte_rdtsc() - t0;
    if (dp::kStageCyclesEnabled)
      for (size_t s = 0; s < dp::kStageCount; ++s)
        stages_of_poll.cycles[s] = worker.stage_cycles().cycles[s] - stages_before_poll.cycles[s];
    if (spec.pretouch != 0)
      for (size_t i = 0; i < feeds.size(); ++i) feeds[i].head += queued[i] - rte_ring_count(feeds[i].in);
    uint32_t back = 0;
    for (Feed& f : feeds) {
      rte_mbuf* pkts[512];
      const unsigned k = rte_ring_sc_dequeue_burst(f.out, reinterpret_cast<void**>(pkts), 512, nullptr);
      for (unsigned i = 0; i < k; ++i) next_frame(f, pkts[i]);
      rte_ring_sp_enqueue_bulk(f.in, reinterpret_cast<void**>(pkts), k, nullptr);
      back += k;
    }
    if (back != *n && lost.empty())
      lost = absl::StrFormat("the worker received %u frames in one poll but transmitted %u", *n, back);
    return cycles;
  };

  std::vector<double> warm;
  for (uint64_t done = 0; done < spec.warmup_packets && lost.empty();) {
    uint32_t n;
    const uint64_t c = step(&n);
    done += n;
    if (n != 0) warm.push_back(static_cast<double>(c));
  }
  // A poll handles at most two bursts; one that takes ten times the typical
  // poll (and over 20 us) was interrupted by the scheduler, and counting it
  // would measure whoever else ran on this CPU.
  const uint64_t preempted = std::max<uint64_t>(
      static_cast<uint64_t>(10 * (warm.empty() ? 0 : median(warm))), rte_get_tsc_hz() / 50000);
  for (unsigned r = 0; r < spec.rounds && lost.empty(); ++r) {
    uint64_t cycles = 0, packets = 0;
    while (packets < spec.round_packets && lost.empty()) {
      uint32_t n;
      const uint64_t c = step(&n);
      ++result.polls;
      if (c > preempted) {
        ++result.preempted_polls;
        continue;
      }
      cycles += c;
      packets += n;
      for (size_t s = 0; s < dp::kStageCount; ++s) result.stage_cycles.cycles[s] += stages_of_poll.cycles[s];
    }
    result.packets += packets;
    result.cycles += cycles;
    result.round_cycles_per_packet.push_back(static_cast<double>(cycles) / static_cast<double>(packets));
  }
  drain();

  const dp::WorkerStats& after = worker.stats();
  const uint64_t drops = after.total_drops() - before.total_drops();
  const uint64_t punted = after.punted - before.punted;
  if (drops != 0 || punted != 0 || !lost.empty()) {
    std::string why = lost;
    for (size_t i = 0; i < dp::kDropReasonCount; ++i)
      if (after.drops[i] != before.drops[i])
        why += absl::StrFormat(" drop %s=%u", dp::kDropReasonNames[i], after.drops[i] - before.drops[i]);
    return absl::InternalError(absl::StrFormat("frames did not all forward (punted %u):%s", punted, why));
  }
  const dp::SessionTotals traffic_after = traffic();
  const uint64_t packets = traffic_after.up_packets + traffic_after.down_packets - traffic_before.up_packets -
                           traffic_before.down_packets;
  const uint64_t bytes =
      traffic_after.up_bytes + traffic_after.down_bytes - traffic_before.up_bytes - traffic_before.down_bytes;
  result.mean_inner_bytes = packets ? static_cast<double>(bytes) / static_cast<double>(packets) : 0;
  result.cycles_per_packet = median(result.round_cycles_per_packet);
  result.mpps = static_cast<double>(rte_get_tsc_hz()) / result.cycles_per_packet / 1e6;
  return result;
}

}  // namespace lns::bench
