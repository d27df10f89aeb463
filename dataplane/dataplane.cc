#include "dataplane/dataplane.h"
#include "dataplane/frame_layout.h"
#include "dataplane/header_writes.h"

#include <algorithm>
#include <cstring>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/ip_forward.h"

namespace lns::dp {
namespace {

int worker_entry(void* arg) {
  auto* ctx = static_cast<std::pair<Worker*, const volatile bool*>*>(arg);
  ctx->first->run(ctx->second);
  return 0;
}

}  // namespace

SessionSpec session_spec_from_static(const config::StaticSession& s, const config::DataplaneConfig& dp) {
  SessionSpec spec;
  spec.lac_ipv4 = s.lac_ipv4;
  spec.lac_port = s.lac_port;
  spec.tunnel_id = s.tunnel_id;
  spec.session_id = s.session_id;
  spec.peer_tunnel_id = s.peer_tunnel_id;
  spec.peer_session_id = s.peer_session_id;
  spec.subscriber_ipv4 = s.subscriber_ipv4;
  if (s.subscriber_ipv6) {
    std::memcpy(spec.ipv6_prefix.data(), s.subscriber_ipv6->address.data(), 8);
    spec.ipv6_prefix_len = s.subscriber_ipv6->length;
  }
  spec.mtu = s.mtu.value_or(dp.session_mtu);
  if (s.lac_mac) spec.lac_mac = s.lac_mac->bytes;
  // Static sessions have no PPP negotiation: IP forwarding is on from the
  // start, with full PPP framing toward the LAC.
  spec.flags = kForwardIpv4 | (s.subscriber_ipv6 ? kForwardIpv6 : 0);
  return spec;
}

absl::StatusOr<std::unique_ptr<Dataplane>> Dataplane::create(const config::Config& cfg) {
  std::unique_ptr<Dataplane> d(new Dataplane());
  d->cfg_ = cfg;
  const auto& dpc = cfg.dataplane;
  const uint16_t nworkers = static_cast<uint16_t>(dpc.worker_lcores.size());
  const int socket = static_cast<int>(rte_socket_id());

  // A pool per port: the access port's frames start access_frame_offset
  // (56) bytes into a line, the core port's at a line (frame_layout.h).
  d->access_pool_ = rte_pktmbuf_pool_create("lns_mbufs_acc", dpc.mbufs, dpc.mbuf_cache,
                                            access_mbuf_priv_size(dpc.access_frame_offset),
                                            RTE_MBUF_DEFAULT_BUF_SIZE, socket);
  d->pool_ = d->access_pool_ == nullptr ? nullptr
                                        : rte_pktmbuf_pool_create("lns_mbufs", dpc.mbufs, dpc.mbuf_cache, 0,
                                                                  RTE_MBUF_DEFAULT_BUF_SIZE, socket);
  if (d->pool_ == nullptr)
    return absl::ResourceExhaustedError(absl::StrFormat(
        "cannot create two pools of %u mbufs: %s (give DPDK more memory: hugepages or -m)", dpc.mbufs,
        rte_strerror(rte_errno)));
  d->indirect_pool_ = rte_pktmbuf_pool_create("lns_indirect", std::max<uint32_t>(dpc.mbufs / 4, 1023),
                                              dpc.mbuf_cache, 0, 0, socket);
  if (d->indirect_pool_ == nullptr)
    return absl::ResourceExhaustedError("cannot create the indirect mbuf pool for fragmentation");

  auto access = start_port({cfg.access.device, nworkers, cfg.access.rx_descriptors,
                            cfg.access.tx_descriptors, cfg.access.mtu, d->access_pool_});
  if (!access.ok()) return access.status();
  d->access_ = *access;
  auto core = start_port({cfg.core.device, nworkers, cfg.core.rx_descriptors, cfg.core.tx_descriptors,
                          cfg.core.mtu, d->pool_});
  if (!core.ok()) {
    stop_port(d->access_.port_id);
    return core.status();
  }
  d->core_ = *core;
  d->ports_open_ = true;
  d->streams_encap_headers_ =
      ::lns::dp::streams_encap_headers(dpc.encap_header_writes, tx_copies_frames(d->access_.driver), cpu_vendor());

  const size_t qsbr_size = rte_rcu_qsbr_get_memsize(nworkers);
  d->qsbr_ = static_cast<rte_rcu_qsbr*>(rte_zmalloc("lns_qsbr", qsbr_size, RTE_CACHE_LINE_SIZE));
  if (d->qsbr_ == nullptr || rte_rcu_qsbr_init(d->qsbr_, nworkers) != 0)
    return absl::ResourceExhaustedError("cannot set up RCU QSBR");

  AccessEncap encap;
  encap.our_mac = d->access_.mac;
  encap.our_ipv4 = cfg.access.ipv4.value_or(0);
  encap.vlan = cfg.access.vlan;
  if (cfg.access.next_hop_mac) {
    encap.default_lac_mac = cfg.access.next_hop_mac->bytes;
    encap.has_default_lac_mac = true;
  }
  auto table = SessionTable::create({dpc.max_sessions, socket, "lns", std::max<uint16_t>(nworkers, 1)}, encap, d->qsbr_);
  if (!table.ok()) return table.status();
  d->sessions_ = std::move(*table);
  d->sessions_->set_recycle_hook(&Dataplane::on_slot_recycled, d.get());

  d->inject_access_ = rte_ring_create("lns_inj_acc", 1024, socket, RING_F_SC_DEQ);
  d->inject_core_ = rte_ring_create("lns_inj_core", 1024, socket, RING_F_SC_DEQ);
  if (d->inject_access_ == nullptr || d->inject_core_ == nullptr)
    return absl::ResourceExhaustedError("cannot create inject rings");
  d->stage_access_.ring = d->inject_access_;
  d->stage_core_.ring = d->inject_core_;

  d->capture_.ring = rte_ring_create("lns_capture", 4096, socket, RING_F_SC_DEQ);
  d->capture_.pool = d->pool_;
  if (d->capture_.ring == nullptr) return absl::ResourceExhaustedError("cannot create the capture ring");

  if (dpc.distribution == config::Distribution::kSession && nworkers > 1) {
    if (!d->handoff_rings_.create("lns_ho", nworkers, dpc.handoff_ring_size, socket))
      return absl::ResourceExhaustedError(
          absl::StrFormat("cannot create the handoff rings between %u workers: %s", nworkers, rte_strerror(rte_errno)));
    for (uint16_t i = 0; i < nworkers; ++i)
      d->handoffs_.push_back(std::make_unique<SessionHandoff>(d->handoff_rings_, i, cfg.access.vlan.value_or(kNoVlan),
                                                              cfg.core.vlan.value_or(kNoVlan)));
  }

  for (uint16_t i = 0; i < nworkers; ++i) {
    const std::string rname = absl::StrCat("lns_punt_", i);
    rte_ring* ring = rte_ring_create(rname.c_str(), dpc.punt.ring_size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (ring == nullptr) return absl::ResourceExhaustedError(absl::StrCat("cannot create ", rname));
    d->punt_rings_.push_back(ring);
    const std::string sname = absl::StrCat("lns_sig_", i);
    rte_ring* sig = rte_ring_create(sname.c_str(), dpc.punt.ring_size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (sig == nullptr) return absl::ResourceExhaustedError(absl::StrCat("cannot create ", sname));
    d->signalling_rings_.push_back(sig);
    const SessionCounters counters{d->sessions_->upstream_lane(i), d->sessions_->downstream_lane(i),
                                    d->sessions_->downstream_slow_lane(i)};
    d->counters_.push_back(counters);
    auto* drops = static_cast<uint64_t*>(
        rte_zmalloc("lns_session_drops", sizeof(uint64_t) * (dpc.max_sessions + 1), RTE_CACHE_LINE_SIZE));
    if (drops == nullptr) return absl::ResourceExhaustedError("cannot allocate session drop counters");
    d->session_drops_.push_back(drops);

    WorkerConfig wc;
    wc.index = i;
    wc.queue = i;
    wc.access_port = d->access_.port_id;
    wc.core_port = d->core_.port_id;
    wc.access_ipv4 = cfg.access.ipv4.value_or(0);
    wc.access_vlan = cfg.access.vlan.value_or(kNoVlan);
    wc.core_vlan = cfg.core.vlan.value_or(kNoVlan);
    wc.core_src_mac = d->core_.mac;
    if (cfg.core.next_hop_mac) wc.core_dst_mac = cfg.core.next_hop_mac->bytes;
    wc.mss_clamp = dpc.tcp_mss_clamp;
    wc.stream_encap_headers = d->streams_encap_headers_;
    wc.rx_pipeline[static_cast<size_t>(Flow::kUpstream)] = !rx_copies_frames(d->access_.driver, cfg.access.device);
    wc.rx_pipeline[static_cast<size_t>(Flow::kDownstream)] = !rx_copies_frames(d->core_.driver, cfg.core.device);
    wc.mss_clamp_ipv6 = ipv6_mss_for(dpc.tcp_mss_clamp);
    wc.punt_rate_pps = dpc.punt.rate_pps;
    wc.punt_burst = dpc.punt.burst;
    wc.idle_sleep_us = dpc.idle_sleep_us;
    wc.reassembly_max_flows = dpc.reassembly.max_flows;
    wc.reassembly_timeout_ms = dpc.reassembly.timeout_ms;
    wc.sessions = d->sessions_.get();
    wc.qsbr = d->qsbr_;
    wc.punt_ring = ring;
    wc.signalling_ring = sig;
    if (i == 0) {
      wc.inject_access = d->inject_access_;
      wc.inject_core = d->inject_core_;
    }
    wc.direct_pool = d->pool_;
    wc.indirect_pool = d->indirect_pool_;
    wc.session_counters = counters;
    wc.session_drops = drops;
    wc.capture = &d->capture_;
    if (!d->handoffs_.empty()) wc.handoff = d->handoffs_[i].get();
    auto w = std::make_unique<Worker>();
    if (auto st = w->init(wc); !st.ok()) return st;
    d->workers_.push_back(std::move(w));
  }
  return d;
}

Dataplane::~Dataplane() {
  stop_workers();
  workers_.clear();
  // Packets still queued between workers, toward the control plane or the ports.
  handoffs_.clear();
  handoff_rings_.destroy();
  flush_injected();  // into the inject rings, which are drained below
  rte_mbuf* m;
  for (rte_ring* r : signalling_rings_) {
    while (rte_ring_dequeue(r, reinterpret_cast<void**>(&m)) == 0) rte_pktmbuf_free(m);
    rte_ring_free(r);
  }
  for (rte_ring* r : punt_rings_) {
    while (rte_ring_dequeue(r, reinterpret_cast<void**>(&m)) == 0) rte_pktmbuf_free(m);
    rte_ring_free(r);
  }
  for (rte_ring* r : {inject_access_, inject_core_, capture_.ring}) {
    if (r == nullptr) continue;
    while (rte_ring_dequeue(r, reinterpret_cast<void**>(&m)) == 0) rte_pktmbuf_free(m);
    rte_ring_free(r);
  }
  sessions_.reset();
  close_ports();
  for (auto* c : session_drops_) rte_free(c);
  rte_free(qsbr_);
  rte_mempool_free(indirect_pool_);
  rte_mempool_free(pool_);
  rte_mempool_free(access_pool_);
}

absl::Status Dataplane::launch() {
  launch_contexts_.clear();
  launch_contexts_.reserve(workers_.size());  // no reallocation: lcores hold pointers into it
  stop_ = false;
  for (size_t i = 0; i < workers_.size(); ++i) {
    const unsigned lcore = cfg_.dataplane.worker_lcores[i];
    launch_contexts_.emplace_back(workers_[i].get(), &stop_);
    if (int rc = rte_eal_remote_launch(worker_entry, &launch_contexts_.back(), lcore); rc != 0)
      return absl::InternalError(absl::StrCat("cannot launch worker on lcore ", lcore, ": ", rte_strerror(-rc)));
  }
  launched_ = true;
  return absl::OkStatus();
}

void Dataplane::stop_workers() {
  if (!launched_) return;
  stop_ = true;
  for (unsigned lcore : cfg_.dataplane.worker_lcores) rte_eal_wait_lcore(lcore);
  launched_ = false;
}

void Dataplane::close_ports() {
  if (!ports_open_) return;
  stop_port(access_.port_id);
  stop_port(core_.port_id);
  ports_open_ = false;
}

SessionTotals Dataplane::session_totals(uint32_t slot) const {
  SessionTotals t;
  const uint32_t pos = sessions_->upstream_position(slot);
  for (const SessionCounters& c : counters_) {
    if (pos != UpstreamCells::kNone) {
      t.up_packets += c.up[pos].up.packets;
      t.up_bytes += c.up[pos].up.bytes;
    }
    t.down_packets += c.down_by_slot[slot].packets;
    t.down_bytes += c.down_by_slot[slot].bytes;
  }
  const TrafficCounter cells = sessions_->downstream_cell_totals(slot);
  t.down_packets += cells.packets;
  t.down_bytes += cells.bytes;
  for (const uint64_t* c : session_drops_) t.drops += c[slot];
  return t;
}

void Dataplane::on_slot_recycled(void* ctx, uint32_t slot) {
  auto* d = static_cast<Dataplane*>(ctx);
  // The upstream and downstream cells zero their counters when their
  // positions are released.
  for (const SessionCounters& c : d->counters_) c.down_by_slot[slot] = TrafficCounter{};
  for (uint64_t* c : d->session_drops_) c[slot] = 0;
}

uint16_t Dataplane::receive_punted(rte_mbuf** pkts, uint16_t n) {
  uint16_t got = 0;
  // Signalling before PPP; within each, round-robin over the workers' rings
  // so one flooded worker cannot starve the others.
  for (const std::vector<rte_ring*>* rings : {&signalling_rings_, &punt_rings_}) {
    for (size_t k = 0; k < rings->size() && got < n; ++k) {
      rte_ring* r = (*rings)[(next_punt_ring_ + k) % rings->size()];
      got += static_cast<uint16_t>(
          rte_ring_sc_dequeue_burst(r, reinterpret_cast<void**>(pkts + got), n - got, nullptr));
    }
  }
  next_punt_ring_ = (next_punt_ring_ + 1) % std::max<size_t>(punt_rings_.size(), 1);
  return got;
}

unsigned Dataplane::receive_captured(rte_mbuf** pkts, unsigned n) {
  return rte_ring_sc_dequeue_burst(capture_.ring, reinterpret_cast<void**>(pkts), n, nullptr);
}

unsigned Dataplane::inject_room(Side side) {
  InjectStage& s = stage(side);
  s.room = rte_ring_free_count(s.ring);
  return s.room > s.n ? s.room - s.n : 0;
}

bool Dataplane::transmit(Side side, rte_mbuf* m) {
  InjectStage& s = stage(side);
  if (s.n == kInjectBatch) flush_stage(s);
  if (s.n >= s.room) {
    s.room = rte_ring_free_count(s.ring);
    if (s.n >= s.room) {
      rte_pktmbuf_free(m);
      return false;
    }
  }
  s.pkts[s.n++] = m;
  return true;
}

void Dataplane::flush_stage(InjectStage& s) {
  if (s.n == 0) return;
  // transmit() kept n within the room the ring had, and only the worker
  // dequeues meanwhile, so all of them fit.
  const unsigned sent = rte_ring_enqueue_burst(s.ring, reinterpret_cast<void**>(s.pkts), s.n, nullptr);
  inject_refused_ += s.n - sent;
  for (unsigned i = sent; i < s.n; ++i) rte_pktmbuf_free(s.pkts[i]);
  s.room = s.room > sent ? s.room - sent : 0;
  s.n = 0;
}

unsigned Dataplane::flush_injected() {
  flush_stage(stage_access_);
  flush_stage(stage_core_);
  const unsigned refused = inject_refused_;
  inject_refused_ = 0;
  return refused;
}

}  // namespace lns::dp
