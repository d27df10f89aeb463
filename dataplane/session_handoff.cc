#include "dataplane/session_handoff.h"

#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "absl/strings/str_cat.h"
#include "dataplane/session_owner.h"

namespace lns::dp {

HandoffRings::~HandoffRings() { destroy(); }

bool HandoffRings::create(const char* prefix, uint16_t workers, uint32_t size, int socket) {
  destroy();
  workers_ = workers;
  rings_.assign(size_t{2} * workers * workers, nullptr);
  for (uint16_t f = 0; f < 2; ++f)
    for (uint16_t from = 0; from < workers; ++from)
      for (uint16_t to = 0; to < workers; ++to) {
        if (from == to) continue;
        const std::string name = absl::StrCat(prefix, f == 0 ? "u" : "d", from, "_", to);
        rte_ring* r = rte_ring_create(name.c_str(), size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
        if (r == nullptr) return false;
        rings_[(size_t{f} * workers + from) * workers + to] = r;
      }
  return true;
}

void HandoffRings::destroy() {
  for (rte_ring* r : rings_) {
    if (r == nullptr) continue;
    void* m;
    while (rte_ring_sc_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    rte_ring_free(r);
  }
  rings_.clear();
  workers_ = 0;
}

SessionHandoff::SessionHandoff(const HandoffRings& rings, uint16_t self, uint16_t access_vlan, uint16_t core_vlan)
    : self_(self), workers_(rings.workers()), vlan_{access_vlan, core_vlan} {
  for (uint16_t f = 0; f < 2; ++f) {
    const Flow flow = static_cast<Flow>(f);
    out_[f].assign(workers_, nullptr);
    for (uint16_t w = 0; w < workers_; ++w) {
      if (w == self_) continue;
      out_[f][w] = rings.ring(flow, self_, w);
      in_[f].push_back(rings.ring(flow, w, self_));
    }
  }
  staged_.resize(workers_);
}

uint16_t SessionHandoff::split(Flow f, rte_mbuf** pkts, uint16_t n, WorkerStats& stats) {
  const size_t fi = static_cast<size_t>(f);
  // The headers are about to be read for the key; the owner reads them
  // again, from its own cache, after the ring.
  for (uint16_t i = 0; i < n; ++i) rte_prefetch0(rte_pktmbuf_mtod(pkts[i], const void*));
  uint16_t kept = 0;
  for (uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = pkts[i];
    const uint8_t* p = rte_pktmbuf_mtod(m, const uint8_t*);
    const uint32_t len = rte_pktmbuf_data_len(m);
    uint32_t key;
    const bool has_key = f == Flow::kUpstream ? upstream_session_key(p, len, vlan_[fi], &key)
                                              : downstream_session_key(p, len, vlan_[fi], &key);
    const uint16_t owner = has_key ? owner_of(key, workers_) : self_;
    if (owner == self_) {
      pkts[kept++] = m;
    } else {
      Staging& st = staged_[owner];
      st.pkts[st.count++] = m;
    }
  }
  for (uint16_t w = 0; w < workers_; ++w) {
    const uint16_t count = staged_[w].count;
    if (count == 0) continue;
    staged_[w].count = 0;
    rte_mbuf** staged = staged_[w].pkts;
    const unsigned sent = rte_ring_sp_enqueue_burst(out_[fi][w], reinterpret_cast<void* const*>(staged), count, nullptr);
    stats.handed_off += sent;
    if (sent < count) [[unlikely]] {
      stats.drops[static_cast<size_t>(DropReason::handoff_ring_full)] += count - sent;
      rte_pktmbuf_free_bulk(staged + sent, count - sent);
    }
  }
  return kept;
}

uint16_t SessionHandoff::receive(Flow f, uint16_t k, rte_mbuf** pkts, uint16_t n, WorkerStats& stats) {
  const unsigned got =
      rte_ring_sc_dequeue_burst(in_[static_cast<size_t>(f)][k], reinterpret_cast<void**>(pkts), n, nullptr);
  stats.handed_in += got;
  return static_cast<uint16_t>(got);
}

}  // namespace lns::dp
