// Session distribution between workers ("dataplane.distribution = session"):
// the worker that received a burst keeps the packets it owns and hands each
// other one to its owner (session_owner.h) over a single-producer,
// single-consumer rte_ring per ordered worker pair and direction. A session's
// packets arrive on one RX queue (one tunnel is one UDP flow) and so cross
// one FIFO ring, so they stay in order; upstream and downstream have rings of
// their own so the owner can process each kind in bursts.
//
// One SessionHandoff per worker, touched only by that worker; the rings are
// created and freed by the Dataplane.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "dataplane/worker_stats.h"

struct rte_mbuf;
struct rte_ring;

namespace lns::dp {

enum class Flow : uint8_t { kUpstream = 0, kDownstream = 1 };

// The rings between all workers: ring(flow, from, to) for from != to.
class HandoffRings {
 public:
  HandoffRings() = default;
  ~HandoffRings();
  HandoffRings(const HandoffRings&) = delete;
  HandoffRings& operator=(const HandoffRings&) = delete;

  // Creates 2 x workers x (workers - 1) rings of `size` slots (a power of
  // two) named with `prefix`; false when DPDK cannot.
  bool create(const char* prefix, uint16_t workers, uint32_t size, int socket);
  // Frees what is still queued (workers stopped) and the rings.
  void destroy();

  uint16_t workers() const { return workers_; }
  rte_ring* ring(Flow f, uint16_t from, uint16_t to) const {
    return rings_[(static_cast<size_t>(f) * workers_ + from) * workers_ + to];
  }

 private:
  uint16_t workers_ = 0;
  std::vector<rte_ring*> rings_;  // [flow][from][to], nullptr where from == to
};

class alignas(64) SessionHandoff {
 public:
  // The packets a worker takes from one port in one poll (two RX bursts of
  // kBurst, see worker.cc).
  static constexpr uint16_t kMaxBurst = 64;

  SessionHandoff(const HandoffRings& rings, uint16_t self, uint16_t access_vlan, uint16_t core_vlan);

  // Compacts pkts[0..n) to the packets this worker keeps (its own sessions
  // and those without a key), in their order, and returns how many; the
  // others go to their owners' rings in bulk. A packet whose ring is full is
  // freed and counted as handoff_ring_full. n <= kMaxBurst.
  uint16_t split(Flow f, rte_mbuf** pkts, uint16_t n, WorkerStats& stats);

  // Number of rings this worker receives from per flow (workers - 1).
  uint16_t sources() const { return static_cast<uint16_t>(in_[0].size()); }
  // Dequeues up to n packets other workers handed to this one on the k-th
  // source ring of flow f.
  uint16_t receive(Flow f, uint16_t k, rte_mbuf** pkts, uint16_t n, WorkerStats& stats);

 private:
  uint16_t self_;
  uint16_t workers_;
  uint16_t vlan_[2];
  std::vector<rte_ring*> out_[2];  // [flow][to]
  std::vector<rte_ring*> in_[2];   // [flow][k]
  // Packets of one burst bound for one worker. Written per packet, so each
  // is cache-line aligned: two workers' staging must never share a line.
  struct alignas(64) Staging {
    uint16_t count = 0;
    rte_mbuf* pkts[kMaxBurst];
  };
  std::vector<Staging> staged_;  // [to]
};

}  // namespace lns::dp
