#include "tests/lnsgen/traffic_run.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <algorithm>

namespace lns::gen {
namespace {

constexpr uint16_t kMaxBurst = 64;
// A stall longer than this many bursts, or kMaxCatchUpUs if that is longer,
// is not caught up afterwards: the generator would otherwise hide its own
// hiccups in a line-rate spike. The time bound is for high rates, where four
// bursts are a few microseconds and a VM's ordinary stalls (timer
// interrupts, the hypervisor) would otherwise count as falling behind.
constexpr uint64_t kMaxOwedBursts = 4;
constexpr double kMaxCatchUpUs = 200;
// Bursts a port may deliver in one receive_bursts() call.
constexpr uint32_t kMaxRxBursts = 4;

// One direction's sender: the templates for every (session, size) and
// where the round robin stands.
struct Stream {
  DirectionResult* result = nullptr;
  uint16_t port = 0;
  std::vector<FrameTemplate> templates;  // [session * sizes + size]
  std::vector<uint8_t> size_slots;       // size index per pattern slot
  uint32_t sessions = 0;
  uint32_t sizes = 0;
  uint32_t next_session = 0;
  uint32_t next_slot = 0;
  uint64_t sequence = 0;
  uint64_t scheduled = 0;  // schedule slots used (sent, refused or given up)
  uint64_t first_tsc = 0;
  uint64_t last_tsc = 0;
  // Built but refused by a full TX ring: sent before anything new is built,
  // so a generator faster than its peer does not spin building and freeing.
  rte_mbuf* pending[kMaxBurst] = {};
  uint16_t pending_count = 0;
  uint16_t pending_first = 0;
};

// Transmits what is pending; true when nothing is left.
bool flush_pending(Stream& s, uint64_t now) {
  const uint16_t sent = rte_eth_tx_burst(s.port, 0, s.pending + s.pending_first, s.pending_count);
  s.result->sent += sent;
  s.result->tx_full += s.pending_count - sent;
  s.pending_first += sent;
  s.pending_count -= sent;
  if (sent != 0) {
    if (s.first_tsc == 0) s.first_tsc = now;
    s.last_tsc = now;
  }
  return s.pending_count == 0;
}

void drop_pending(Stream& s) {
  if (s.pending_count != 0) rte_pktmbuf_free_bulk(s.pending + s.pending_first, s.pending_count);
  s.pending_count = 0;
}

Stream make_stream(DirectionResult& result, uint16_t port, const TrafficConfig& config, const Endpoints& e,
                   const std::vector<SessionAddress>& sessions, bool upstream) {
  Stream s;
  s.result = &result;
  s.port = port;
  std::vector<uint16_t> sizes;
  for (uint16_t size : config.size_pattern) {
    auto it = std::find(sizes.begin(), sizes.end(), size);
    s.size_slots.push_back(static_cast<uint8_t>(it - sizes.begin()));
    if (it == sizes.end()) sizes.push_back(size);
  }
  s.sessions = static_cast<uint32_t>(sessions.size());
  s.sizes = static_cast<uint32_t>(sizes.size());
  s.templates.reserve(sessions.size() * sizes.size());
  for (const SessionAddress& a : sessions)
    for (uint16_t size : sizes) s.templates.push_back(upstream ? upstream_template(e, a, size) : downstream_template(e, a, size));
  return s;
}

// Sends up to one burst if the schedule allows; `now` is this loop's TSC.
void send_burst(Stream& s, rte_mempool* pool, uint16_t burst, double packets_per_cycle, uint64_t max_owed,
                uint64_t start, uint64_t now) {
  if (s.pending_count != 0 && !flush_pending(s, now)) return;
  uint64_t n = burst;
  if (packets_per_cycle > 0) {
    const uint64_t due = static_cast<uint64_t>(static_cast<double>(now - start) * packets_per_cycle);
    if (due <= s.scheduled) return;
    uint64_t owed = due - s.scheduled;
    if (owed > max_owed) {
      s.result->behind += owed - burst;
      s.scheduled += owed - burst;
      owed = burst;
    }
    n = std::min<uint64_t>(owed, burst);
  }
  if (rte_pktmbuf_alloc_bulk(pool, s.pending, static_cast<unsigned>(n)) != 0) {
    ++s.result->no_mbuf;
    return;
  }
  for (uint64_t i = 0; i < n; ++i) {
    const FrameTemplate& t = s.templates[size_t{s.next_session} * s.sizes + s.size_slots[s.next_slot]];
    rte_mbuf* m = s.pending[i];
    m->data_len = t.frame_len;
    m->pkt_len = t.frame_len;
    fill_frame(rte_pktmbuf_mtod(m, uint8_t*), t, Stamp{kStampMagic, s.next_session, s.sequence++, now});
    if (++s.next_session == s.sessions) s.next_session = 0;
    if (++s.next_slot == s.size_slots.size()) s.next_slot = 0;
  }
  s.scheduled += n;
  s.pending_first = 0;
  s.pending_count = static_cast<uint16_t>(n);
  flush_pending(s, now);
}

// Receives up to kMaxRxBursts bursts from `port`, while they come full:
// a loop sends at most a burst per direction, so a generator near its own
// limit falls behind in sending (counted as `behind`), never in receiving,
// where its receive rings would fill and the LNS count the loss as tx_full.
// Stamped frames count for `result`, the rest go to `foreign`. Returns how
// many frames arrived.
template <typename Delivered, typename Foreign>
uint32_t receive_bursts(uint16_t port, DirectionResult& result, bool after_end,
                        const std::vector<SessionAddress>* sessions, Delivered&& delivered, uint64_t& foreign_count,
                        Foreign&& foreign) {
  uint32_t total = 0;
  for (uint32_t k = 0; k < kMaxRxBursts; ++k) {
    rte_mbuf* pkts[kMaxBurst];
    const uint16_t n = rte_eth_rx_burst(port, 0, pkts, kMaxBurst);
    total += n;
    if (n == 0) break;
    const uint64_t now = rte_rdtsc();
    for (uint16_t i = 0; i < n; ++i) {
      const uint8_t* data = rte_pktmbuf_mtod(pkts[i], const uint8_t*);
      const uint32_t len = rte_pktmbuf_data_len(pkts[i]);
      Stamp stamp;
      if (read_stamp(data, len, &stamp)) [[likely]] {
        ++result.received;
        result.received_after_end += after_end;
        if (sessions != nullptr &&
            (stamp.flow >= sessions->size() || !delivered(data, len, (*sessions)[stamp.flow]))) [[unlikely]]
          ++result.misdelivered;
        result.latency.add(now > stamp.tsc ? now - stamp.tsc : 0);
      } else {
        ++foreign_count;
        foreign(data, len);
      }
    }
    rte_pktmbuf_free_bulk(pkts, n);
    if (n < kMaxBurst) break;
  }
  return total;
}

}  // namespace

TrafficResult run_traffic(const TrafficConfig& config, const TrafficPorts& ports, const Endpoints& endpoints,
                          const std::vector<SessionAddress>& sessions, TrafficControl& control) {
  TrafficResult r;
  r.tsc_hz = rte_get_tsc_hz();
  const bool up = config.direction != Direction::kDown;
  const bool down = config.direction != Direction::kUp;
  r.up.enabled = up;
  r.down.enabled = down;
  if (sessions.empty()) return r;
  const uint16_t burst = std::clamp<uint16_t>(config.burst, 1, kMaxBurst);
  Stream up_stream = make_stream(r.up, ports.access, config, endpoints, sessions, true);
  Stream down_stream = make_stream(r.down, ports.core, config, endpoints, sessions, false);

  const double hz = static_cast<double>(r.tsc_hz);
  const double per_cycle = config.rate_pps / hz;
  const uint64_t max_owed =
      std::max<uint64_t>(kMaxOwedBursts * burst, static_cast<uint64_t>(config.rate_pps * kMaxCatchUpUs * 1e-6));
  const uint64_t control_interval = r.tsc_hz / 1000;
  auto on_access = [&](const uint8_t* f, uint32_t len) { control.on_access_frame(f, len); };
  auto on_core = [&](const uint8_t* f, uint32_t len) { control.on_core_frame(f, len); };
  const std::vector<SessionAddress>* expected = config.check_delivery ? &sessions : nullptr;
  auto up_ok = [](const uint8_t* f, uint32_t len, const SessionAddress& s) { return delivered_upstream(f, len, s); };
  auto down_ok = [](const uint8_t* f, uint32_t len, const SessionAddress& s) { return delivered_downstream(f, len, s); };

  const uint64_t start = rte_rdtsc();
  const uint64_t end = start + static_cast<uint64_t>(config.duration_s * hz);
  uint64_t next_control = start;
  for (uint64_t now = start; now < end; now = rte_rdtsc()) {
    if (up) send_burst(up_stream, ports.pool, burst, per_cycle, max_owed, start, now);
    if (down) send_burst(down_stream, ports.pool, burst, per_cycle, max_owed, start, now);
    receive_bursts(ports.core, r.up, false, expected, up_ok, r.foreign_core, on_core);
    receive_bursts(ports.access, r.down, false, expected, down_ok, r.foreign_access, on_access);
    if (now >= next_control) [[unlikely]] {
      control.poll();
      next_control = now + control_interval;
    }
  }

  const uint64_t drain_end = rte_rdtsc() + static_cast<uint64_t>(config.drain_s * hz);
  for (uint64_t now = rte_rdtsc(); now < drain_end; now = rte_rdtsc()) {
    const uint32_t got = receive_bursts(ports.core, r.up, true, expected, up_ok, r.foreign_core, on_core) +
                         receive_bursts(ports.access, r.down, true, expected, down_ok, r.foreign_access, on_access);
    if (got == 0 && r.up.received >= r.up.sent && r.down.received >= r.down.sent) break;
    if (now >= next_control) {
      control.poll();
      next_control = now + control_interval;
    }
  }
  for (Stream* s : {&up_stream, &down_stream}) drop_pending(*s);
  for (Stream* s : {&up_stream, &down_stream})
    s->result->send_seconds = s->last_tsc > s->first_tsc ? static_cast<double>(s->last_tsc - s->first_tsc) / hz : 0;
  return r;
}

}  // namespace lns::gen
