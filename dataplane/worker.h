// One poll-mode worker: owns one RX/TX queue pair on the access and the core
// port, runs to completion on bursts (rx_burst -> decap | encap | punt ->
// tx_burst), reads the session tables without locks and reports an RCU
// quiescent state once per poll.
#pragma once

#include <array>
#include <cstdint>

#include "absl/status/status.h"
#include "dataplane/byte_pattern.h"
#include "dataplane/capture.h"
#include "dataplane/session_handoff.h"
#include "dataplane/session_table.h"
#include "dataplane/stage_clock.h"
#include "dataplane/worker_stats.h"

struct rte_mbuf;
struct rte_mempool;
struct rte_ring;
struct rte_rcu_qsbr;
struct rte_ip_frag_tbl;

namespace lns::dp {

inline constexpr uint16_t kBurst = 32;
// Packets a poll takes from each port: two RX bursts when the first comes
// back full. The staged processing waits about one memory latency per
// stage whatever the number of packets, so twice the packets per stage
// halves that wait per packet.
inline constexpr uint16_t kPollBurst = 2 * kBurst;

// What a punted frame is, for the policer and the ring it goes to: tunnel
// signalling (L2TP control, ARP) keeps its own token bucket and ring, which
// the control plane serves first, so a flood of PPP negotiation (a mass
// reconnect) cannot starve the hellos and acks that keep every tunnel up.
enum class PuntClass : uint8_t { kSignalling = 0, kPpp = 1 };
inline constexpr size_t kPuntClasses = 2;
inline constexpr uint16_t kNoVlan = 0xffff;

struct WorkerConfig {
  uint16_t index = 0;  // also the RCU QSBR thread id
  uint16_t queue = 0;
  uint16_t access_port = 0;
  uint16_t core_port = 1;
  uint32_t access_ipv4 = 0;  // host order
  uint16_t access_vlan = kNoVlan;
  uint16_t core_vlan = kNoVlan;
  std::array<uint8_t, 6> core_src_mac{};
  std::array<uint8_t, 6> core_dst_mac{};
  // TCP MSS clamp for IPv4 SYNs (dataplane.tcp_mss_clamp: session MTU - 40)
  // and for IPv6 SYNs, whose fixed header is 20 octets longer; 0: off.
  uint16_t mss_clamp = 0;
  uint16_t mss_clamp_ipv6 = 0;
  // encap_fast streams the header's headroom line out with non-temporal
  // stores (see write_header_lines); off for an access port whose driver
  // then reads the frame with the CPU (tx_copies_frames).
  bool stream_encap_headers = true;
  // By Flow: whether full bursts from that flow's port wait in the
  // pipeline (serve_port) for their prefetches to land. Worth it when
  // received frames are cold (a NIC's DMA, net_ring); off for a port whose
  // driver writes each frame into the mbuf on this core (rx_copies_frames),
  // where the lines are already cached and three held bursts only push them
  // out: there one RX burst is processed as soon as it arrives.
  std::array<bool, 2> rx_pipeline{true, true};
  uint32_t punt_rate_pps = 20000;
  uint32_t punt_burst = 512;
  uint32_t idle_sleep_us = 0;  // dataplane.idle_sleep_us
  uint32_t reassembly_max_flows = 4096;
  uint32_t reassembly_timeout_ms = 2000;
  const SessionTable* sessions = nullptr;
  rte_rcu_qsbr* qsbr = nullptr;
  // To the control plane, one ring per PuntClass (kPpp's also takes
  // signalling when signalling_ring is null).
  rte_ring* punt_ring = nullptr;
  rte_ring* signalling_ring = nullptr;
  // Control-plane transmit rings this worker drains (worker 0 only).
  rte_ring* inject_access = nullptr;
  rte_ring* inject_core = nullptr;
  rte_mempool* indirect_pool = nullptr;  // for downstream fragmentation
  rte_mempool* direct_pool = nullptr;
  SessionCounters session_counters;
  // Drops charged to a session (capacity + 1 entries); apart from
  // session_counters so the forwarding path never touches them.
  uint64_t* session_drops = nullptr;
  CaptureControl* capture = nullptr;
  // Session distribution (several workers): hands packets other workers own
  // to them and takes theirs; nullptr with RSS distribution.
  SessionHandoff* handoff = nullptr;
};

class Worker {
 public:
  Worker() = default;
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  absl::Status init(const WorkerConfig& cfg);
  // One iteration of the loop; returns the number of packets it finished
  // with (forwarded, punted, dropped or handed to another worker) plus those
  // other workers handed over. Under load a received burst is finished
  // held_bursts() polls later (see HeldBursts): a poll that only filled the
  // pipeline returns 0 with held() != 0.
  uint32_t poll_once();
  // Packets received or handed over but not yet processed (at most three
  // bursts per port and per direction of hand-over).
  uint32_t held() const;
  // Whether a direction's bursts are looked at (classified, their session
  // cells found and prefetched) a poll before they are forwarded, or in the
  // same poll; see HeldBursts.
  static constexpr bool looks_a_poll_ahead(Flow f) { return f == Flow::kUpstream; }
  // The bursts a busy port's pipeline holds between polls, by direction.
  static constexpr uint8_t held_bursts(Flow f) { return looks_a_poll_ahead(f) ? 3 : 2; }
  // Runs until *stop becomes true (lcore entry point).
  void run(const volatile bool* stop);

  const WorkerStats& stats() const { return stats_; }
  WorkerStats& mutable_stats() { return stats_; }
  const WorkerConfig& config() const { return cfg_; }
  // The upstream fast path's classification, for tests that compare the
  // two ways of making it: the inner header's offset (0: the general path
  // decides) and the session key, by the constant-field pattern (with its
  // fall-back) or field by field.
  uint32_t classify_upstream_for_test(const rte_mbuf* m, uint32_t* key, bool field_by_field) const;
  // Tests take both encap_fast paths on one port.
  void set_stream_encap_headers_for_test(bool on) { cfg_.stream_encap_headers = on; }
  void set_rx_pipeline_for_test(Flow f, bool on) { cfg_.rx_pipeline[static_cast<size_t>(f)] = on; }
  // Cycles by stage; all zero unless built with -Dstage_cycles=true.
  const StageCycles& stage_cycles() const { return clock_.totals(); }

 private:
  struct TxBuffer {
    uint16_t port = 0;
    uint16_t count = 0;
    rte_mbuf* pkts[256];
  };

  // Staged burst processing: each stage runs over the whole burst before
  // the next, so the cache misses of 32 packets overlap instead of adding
  // up: prefetch the mbufs and then their headers; classify (packets in the
  // common layout get a lookup key, their index cell is prefetched); look
  // up (the session entries and counters are prefetched); then, in packet
  // order, the fast path forwards what it can and every other packet goes
  // through upstream()/downstream(), which check everything again and keep
  // each drop under its name.
  //
  // While a port keeps the worker busy, each burst also spends polls in a
  // pipeline before that: its mbufs are prefetched in the poll that
  // receives it, its header lines in the next (the mbufs, which say where
  // the headers are, have landed by then), and in the one after it is
  // looked at (classified, its session cells' home lines found and
  // prefetched). Downstream forwards it in that poll too, the younger
  // bursts' prefetches spread over its rewrite; upstream forwards it in
  // the next poll, first thing, when the cells have landed (with its
  // younger bursts' prefetches before it). Prefetching within the burst
  // left each stage waiting for the one before. A poll whose first RX
  // burst is not full (the port is keeping up) processes everything held
  // at once, so the pipeline delays nothing when there is no queue.
  static constexpr uint8_t kHeldSlots = 4;  // the most held_bursts(), and the one received
  static constexpr uint8_t kLookAge = 2;  // polls from receiving a burst to looking at it
  // A burst's classification and its cells' home lines, from looking at it
  // to forwarding it.
  struct Looked {
    uint16_t n;  // the packets left after prepare()
    uint32_t offs[kPollBurst];  // the inner header's offset (decap) or IPv4 length (encap); 0: general path
    uint32_t keys[kPollBurst];
    uint32_t homes[kPollBurst];
  };
  struct HeldBursts {
    std::array<std::array<rte_mbuf*, kPollBurst>, kHeldSlots> pkts;
    std::array<uint16_t, kHeldSlots> n{};
    uint8_t oldest = 0;
    uint8_t count = 0;   // 0..kHeldSlots-1 between polls
    uint8_t looked = 0;  // 1 when the oldest has been looked at
    uint8_t next_look = 0;  // the one of look[] the next look goes to
    std::array<Looked, 2> look;
  };
  // Prefetches for the younger bursts of a pipeline: mbufs of the one just
  // received, header lines of the one before.
  struct Prefetches {
    rte_mbuf** mbufs;
    uint16_t n_mbufs;
    rte_mbuf** headers;
    uint16_t n_headers;
    bool upstream;
  };
  void run_prefetches(const Prefetches& p);
  // The younger bursts' prefetches for packet i, spread over the rewrite.
  void prefetch_ahead(const Prefetches& p, uint16_t i);
  // Those for packets done.. that the rewrite of a shorter burst left out.
  void finish_prefetches(const Prefetches& p, uint16_t done);
  // Receives from the port of flow f and moves its pipeline on a poll;
  // returns the packets processed.
  uint32_t serve_port(Flow f);
  // One poll of a pipeline: `receive(pkts, most)` fills the fresh slot,
  // `prepare(pkts, n)` (capture, hand-over) runs on a burst before it is
  // looked at and returns what stays; a poll that brings fewer than
  // `pipeline_from` packets (or any, when not `pipelined`) processes
  // everything held at once. Returns the packets processed.
  template <class Receive, class Prepare>
  uint32_t serve(HeldBursts& h, bool upstream, bool pipelined, uint16_t pipeline_from, Receive receive,
                 Prepare prepare);
  // Capture and session distribution of a received burst; returns the
  // packets this worker keeps.
  uint16_t prepare(Flow f, rte_mbuf** pkts, uint16_t n);
  // The staged processing of a burst at once.
  void process_now(bool upstream, rte_mbuf** pkts, uint16_t n);
  // Classifies an upstream burst and prefetches its session cells' home
  // lines, packet by packet.
  void look_upstream(rte_mbuf** pkts, uint16_t n, Looked& l);
  // Forwards an upstream burst looked at (the fast path for what it can,
  // the general path for the rest). ahead: the younger bursts' prefetches,
  // which go out first; nullptr: none.
  void forward_upstream(rte_mbuf** pkts, const Looked& l, const Prefetches* ahead);
  // Looks at a downstream burst and forwards it in one pass, each packet
  // looked at kDownstreamLookAhead packets before it is forwarded. ahead:
  // the younger bursts' prefetches, spread over it; nullptr: none.
  void look_and_forward_downstream(rte_mbuf** pkts, uint16_t n, const Prefetches* ahead);
  // Bursts from a port until one is short or `most` (a multiple of kBurst)
  // have come.
  uint16_t rx(uint16_t port, rte_mbuf** pkts, uint16_t most);
  void prefetch_mbufs(rte_mbuf** pkts, uint16_t n);
  // The mbufs must have been prefetched earlier.
  void prefetch_headers(rte_mbuf** pkts, uint16_t n, bool upstream);
  void prefetch_header_lines(const rte_mbuf* m, bool upstream);
  // The common upstream layout: [VLAN] / IPv4 without options / UDP 1701 /
  // L2TP data without S or O / PPP FF 03 00 21 / inner IPv4 without
  // options, single segment, every check upstream() makes on the way to
  // forwarding passed except the session's. Returns the inner header's
  // offset and sets *key, or returns 0 for any other packet (*key then
  // means nothing). Checks the constant fields with decap_pattern_ and
  // passes anything that does not match them to classify_decap_general().
  uint32_t classify_decap(const rte_mbuf* m, uint32_t* key) const;
  // The same, field by field, and also for an L2TP header with the L bit.
  uint32_t classify_decap_general(const rte_mbuf* m, uint32_t* key) const;
  // The constant bytes of the common upstream layout on the access port.
  void build_decap_pattern();
  // [VLAN] / IPv4 without options, single segment, header valid, TTL > 1.
  // Returns the IPv4 total length, or 0 for any other packet.
  uint32_t classify_encap(const rte_mbuf* m, uint32_t* dst) const;
  // Forward a classified packet; false (packet untouched) when the session
  // says otherwise and the general path must decide.
  bool decap_fast(rte_mbuf* m, UpstreamCell& cell, uint32_t inner_off);
  bool encap_fast(rte_mbuf* m, DownstreamCell& cell, uint32_t ip_len);
  template <class Write>
  void write_header_lines(rte_mbuf* m, uint8_t* ip, uint32_t len, Write write);
  // Writes out the header image write_header_lines left pending.
  void write_out_image();
  // Writes out a pending header image and orders write_header_lines'
  // streamed stores before a transmit.
  void fence_streamed() {
    if (pending_image_ != nullptr) write_out_image();
    if (streamed_) {
      rte_wmb();
      streamed_ = false;
    }
  }
  void upstream(rte_mbuf* m, bool reassembled);
  void downstream(rte_mbuf* m);
  // Answers a peer's LCP Echo-Request (lcp: the LCP packet, lcp_avail bytes
  // of it in the segment) on the access port; false when the control plane
  // must see it instead.
  bool answer_lcp_echo(rte_mbuf* m, uint32_t slot, uint8_t* lcp, uint32_t lcp_avail);
  void encapsulate(rte_mbuf* m, const SessionEntry& e, uint32_t slot, uint32_t ip_len, bool ipv6);
  void punt(rte_mbuf* m, PuntClass c);
  void drop(rte_mbuf* m, DropReason r);
  // A drop after the session lookup: also counted for the session.
  void drop(rte_mbuf* m, DropReason r, uint32_t slot);
  [[gnu::always_inline]] void send(TxBuffer& tx, rte_mbuf* m) {
    if (tx.count == std::size(tx.pkts)) [[unlikely]]
      flush(tx);
    tx.pkts[tx.count++] = m;
  }
  void flush(TxBuffer& tx);
  void refill_punt_tokens(uint64_t now);
  // Sends `tx` behind the control plane's frames for the same port: those
  // that found the port full last time (`pending`), then what it queued on
  // `ring` since. Control frames the port cannot take stay in `pending`.
  void flush_with_injected(TxBuffer& tx, rte_ring* ring, TxBuffer& pending);
  void flush_behind_injected(TxBuffer& tx, TxBuffer& pending);
  // Takes what other workers handed to this one through a pipeline of its
  // own; returns the packets processed.
  uint32_t serve_handoffs(Flow f);

  WorkerConfig cfg_;
  WorkerStats stats_;
  StageClock clock_;
  TxBuffer to_core_;
  TxBuffer to_access_;
  // Control-plane frames the port had no room for yet. Dropping them as
  // tx_full cost retransmissions (L2TP, PPP) and, at a million sessions,
  // over two minutes of set-up; the inject ring behind them now fills
  // instead and Dataplane::transmit reports it to the control plane.
  TxBuffer inject_pending_access_;
  TxBuffer inject_pending_core_;
  std::array<HeldBursts, 2> held_{};         // received, by Flow
  std::array<HeldBursts, 2> held_handed_{};  // handed over by other workers, by Flow
  std::array<uint16_t, 2> handoff_first_source_{};  // the ring serve_handoffs starts at, by Flow
  std::array<uint64_t, kPuntClasses> punt_tokens_{};  // scaled by tsc_hz_
  uint64_t punt_last_tsc_ = 0;
  uint64_t tsc_hz_ = 1;
  BytePattern64 decap_pattern_;
  // Decap's Ethernet header toward the core, ending at the image's end: 18
  // bytes with a VLAN tag, else 4 don't-care bytes and 14 (see decap_fast).
  std::array<uint8_t, 18> core_ipv4_l2_image_{};
  uint32_t access_l2_len_ = 14;  // 18 with a VLAN tag
  uint32_t core_l2_len_ = 14;
  const EncapHeader* encap_headers_ = nullptr;  // cfg_.sessions' pool, which never moves
  uint64_t now_tsc_ = 0;
  // Set when encap_fast streamed a header line out with non-temporal
  // stores, which must be fenced before the frames go to the port.
  bool streamed_ = false;
  // write_header_lines assembles a packet's header lines in one of these
  // and writes them out during the next packet's (or before a transmit):
  // loaded straight back, the image's overlapping fresh stores cannot be
  // forwarded to the loads, which then wait for them to reach L1.
  struct HeaderImage {
    alignas(RTE_CACHE_LINE_SIZE) uint8_t bytes[2 * RTE_CACHE_LINE_SIZE];
    uint8_t* first;  // the headroom line the first half goes to
  };
  std::array<HeaderImage, 2> images_{};
  HeaderImage* pending_image_ = nullptr;
  uint8_t next_image_ = 0;
  uint64_t last_expiry_tsc_ = 0;
  rte_ip_frag_tbl* frag_table_ = nullptr;
  void* death_row_ = nullptr;  // rte_ip_frag_death_row, kept opaque here
};

}  // namespace lns::dp
