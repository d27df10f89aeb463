#include "tests/support/ring_dataplane.h"

#include <atomic>
#include <cstring>

#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "absl/strings/str_cat.h"

namespace lns::test {

config::Config test_config(unsigned workers) {
  config::Config c;
  c.source = "<test>";
  c.dataplane.worker_lcores.clear();
  for (unsigned i = 0; i < workers; ++i) c.dataplane.worker_lcores.push_back(i + 1);
  c.dataplane.mbufs = 8191;
  c.dataplane.mbuf_cache = 0;  // exact in-use accounting for leak checks
  c.dataplane.max_sessions = 4096;
  c.dataplane.tcp_mss_clamp = 1400;
  c.access.ipv4 = 0xc0000201;  // 192.0.2.1
  c.access.next_hop_mac = config::MacAddress{{0x02, 0, 0, 0, 0xac, 0x01}};
  c.core.next_hop_mac = config::MacAddress{{0x02, 0, 0, 0, 0xc0, 0x01}};
  c.core.ipv4 = 0xc6336401;  // 198.51.100.1
  return c;
}

std::unique_ptr<RingDataplane> RingDataplane::create(config::Config cfg, unsigned ring_size) {
  static std::atomic<int> seq{0};
  const int id = seq++;
  std::unique_ptr<RingDataplane> r(new RingDataplane());
  const unsigned queues = static_cast<unsigned>(cfg.dataplane.worker_lcores.size());
  std::string names[2];
  for (int side = 0; side < 2; ++side) {
    for (unsigned q = 0; q < queues; ++q) {
      const std::string base = absl::StrCat("t", id, side ? "c" : "a", q);
      r->rx_[side].push_back(rte_ring_create((base + "rx").c_str(), ring_size, 0, RING_F_SP_ENQ | RING_F_SC_DEQ));
      r->tx_[side].push_back(rte_ring_create((base + "tx").c_str(), ring_size, 0, RING_F_SP_ENQ | RING_F_SC_DEQ));
    }
    names[side] = absl::StrCat("ring", id, side ? "core" : "access");
    const int port = rte_eth_from_rings(names[side].c_str(), r->rx_[side].data(), queues,
                                        r->tx_[side].data(), queues, 0);
    if (port < 0) return nullptr;
    // The ring PMD prefixes the name it was given ("net_ring_<name>").
    char ethdev_name[RTE_ETH_NAME_MAX_LEN];
    if (rte_eth_dev_get_name_by_port(static_cast<uint16_t>(port), ethdev_name) != 0) return nullptr;
    names[side] = ethdev_name;
  }
  cfg.access.device = names[0];
  cfg.core.device = names[1];
  auto d = dp::Dataplane::create(cfg);
  if (!d.ok()) {
    std::fprintf(stderr, "Dataplane::create: %s\n", std::string(d.status().message()).c_str());
    return nullptr;
  }
  r->dp_ = std::move(*d);
  r->access_mac_ = r->dp_->port(dp::Side::kAccess).mac;
  r->core_mac_ = r->dp_->port(dp::Side::kCore).mac;
  return r;
}

// The ring PMD's per-queue state in DPDK 22.11 (drivers/net/ring): the
// rte_ring, then the received and sent counts.
constexpr size_t kRingQueueStateBytes = 24;

bool RingDataplane::set_queue_lines(bool own) {
  if (!own) {
    for (auto& l : own_lines_) {
      std::memcpy(l->shared, l->bytes, kRingQueueStateBytes);
      *l->entry = l->shared;
    }
    own_lines_.clear();
    return true;
  }
  if (!own_lines_.empty()) return true;
  // Check the layout before touching anything: each queue's state starts
  // with its ring, and the states lie kRingQueueStateBytes apart.
  std::vector<std::unique_ptr<OwnLine>> lines;
  for (int side = 0; side < 2; ++side) {
    const uint16_t port = dp_->port(side ? dp::Side::kCore : dp::Side::kAccess).port_id;
    for (int dir = 0; dir < 2; ++dir) {
      void** entries = dir == 0 ? rte_eth_fp_ops[port].rxq.data : rte_eth_fp_ops[port].txq.data;
      const std::vector<rte_ring*>& rings = dir == 0 ? rx_[side] : tx_[side];
      for (size_t q = 0; q < rings.size(); ++q) {
        rte_ring* first;
        std::memcpy(&first, entries[q], sizeof(first));
        if (first != rings[q]) return false;
        if (q > 0 && static_cast<char*>(entries[q]) - static_cast<char*>(entries[q - 1]) !=
                         static_cast<std::ptrdiff_t>(kRingQueueStateBytes))
          return false;
        auto l = std::make_unique<OwnLine>();
        std::memset(l->bytes, 0, sizeof(l->bytes));
        l->entry = &entries[q];
        l->shared = entries[q];
        lines.push_back(std::move(l));
      }
    }
  }
  for (auto& l : lines) {
    std::memcpy(l->bytes, l->shared, kRingQueueStateBytes);
    *l->entry = l->bytes;
  }
  own_lines_ = std::move(lines);
  return true;
}

RingDataplane::~RingDataplane() {
  set_queue_lines(false);
  collect(dp::Side::kAccess);
  collect(dp::Side::kCore);
  for (int side = 0; side < 2; ++side)
    for (rte_ring* ring : rx_[side]) {
      void* m;
      while (rte_ring_dequeue(ring, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    }
  dp_.reset();
  for (int side = 0; side < 2; ++side) {
    for (rte_ring* ring : rx_[side]) rte_ring_free(ring);
    for (rte_ring* ring : tx_[side]) rte_ring_free(ring);
  }
}

void RingDataplane::inject(dp::Side side, const Bytes& frame, unsigned queue, int headroom) {
  rte_mbuf* m = rte_pktmbuf_alloc(dp_->rx_pool(side));
  if (m == nullptr) abort();
  if (headroom >= 0) m->data_off = static_cast<uint16_t>(headroom);
  char* p = rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size()));
  if (p == nullptr) abort();
  std::memcpy(p, frame.data(), frame.size());
  if (rte_ring_enqueue(rx_[side == dp::Side::kCore][queue], m) != 0) abort();
}

void RingDataplane::poll(unsigned rounds) {
  for (unsigned i = 0; i < rounds; ++i)
    for (size_t w = 0; w < dp_->worker_count(); ++w) dp_->worker(w).poll_once();
  for (bool holding = true; holding;) {
    holding = false;
    for (size_t w = 0; w < dp_->worker_count(); ++w)
      if (dp_->worker(w).held() != 0) {
        holding = true;
        dp_->worker(w).poll_once();
      }
  }
}

std::vector<Bytes> RingDataplane::collect(dp::Side side) {
  std::vector<Bytes> out;
  for (rte_ring* ring : tx_[side == dp::Side::kCore]) {
    void* obj;
    while (rte_ring_dequeue(ring, &obj) == 0) {
      auto* m = static_cast<rte_mbuf*>(obj);
      Bytes b(rte_pktmbuf_pkt_len(m));
      const void* data = rte_pktmbuf_read(m, 0, b.size(), b.data());
      if (data != b.data()) std::memcpy(b.data(), data, b.size());
      out.push_back(std::move(b));
      rte_pktmbuf_free(m);
    }
  }
  return out;
}

unsigned RingDataplane::mbufs_in_use() const {
  return rte_mempool_in_use_count(dp_->pool()) + rte_mempool_in_use_count(dp_->rx_pool(dp::Side::kAccess));
}

uint64_t RingDataplane::drops(dp::DropReason r) const {
  uint64_t t = 0;
  for (size_t w = 0; w < dp_->worker_count(); ++w) t += dp_->worker(w).stats().drop(r);
  return t;
}

uint64_t RingDataplane::total_drops() const {
  uint64_t t = 0;
  for (size_t w = 0; w < dp_->worker_count(); ++w) t += dp_->worker(w).stats().total_drops();
  return t;
}

}  // namespace lns::test
