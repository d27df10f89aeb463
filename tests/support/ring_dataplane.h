// A real Dataplane whose access and core ports are net_ring ethdevs: tests
// put frames on the "wire" toward the LNS, run the real worker loop, and read
// back exactly what the LNS transmitted on each port.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "dataplane/dataplane.h"
#include "tests/support/packet_builder.h"

struct rte_ring;

namespace lns::test {

class RingDataplane {
 public:
  // Fills in the devices of cfg (unique ring ports) and creates the data
  // plane; cfg.dataplane.worker_lcores decides how many queues there are.
  // `ring_size` (a power of two) bounds how many frames can wait on each
  // queue; benchmarks raise it to keep many packets in flight.
  static std::unique_ptr<RingDataplane> create(config::Config cfg, unsigned ring_size = 4096);
  ~RingDataplane();

  dp::Dataplane& dp() { return *dp_; }
  const Mac& mac(dp::Side s) const { return s == dp::Side::kAccess ? access_mac_ : core_mac_; }
  // Queues a frame for reception on the given port (RX queue `queue`).
  // headroom >= 0 places the frame that far into the buffer instead of
  // the pool's default.
  void inject(dp::Side side, const Bytes& frame, unsigned queue = 0, int headroom = -1);
  // Runs every worker's poll_once() `rounds` times on this thread, then
  // until no worker holds received packets in its pipeline.
  void poll(unsigned rounds = 1);
  // Everything transmitted on a port so far (all TX queues), in order per queue.
  std::vector<Bytes> collect(dp::Side side);
  unsigned mbufs_in_use() const;
  // The rings behind a port's queue: what the LNS receives from (`rx_ring`)
  // and what it transmits into (`tx_ring`), for harnesses that move mbufs
  // themselves instead of copying frames through inject()/collect().
  rte_ring* rx_ring(dp::Side side, unsigned queue = 0) const { return rx_[side == dp::Side::kCore][queue]; }
  rte_ring* tx_ring(dp::Side side, unsigned queue = 0) const { return tx_[side == dp::Side::kCore][queue]; }
  uint64_t drops(dp::DropReason r) const;
  uint64_t total_drops() const;
  // The ring PMD keeps its queues' state (the ring and two packet counts,
  // 24 bytes a queue) side by side in one array, so two workers on
  // neighbouring queues write one cache line at every rx and tx call: a
  // cost no NIC's queues share, and two lcores measured 2-3x the cycles of
  // one per call for it (tests/bench/README.md, "Several workers").
  // own = true gives each queue's state a line of its own (the PMD's code
  // runs on the copy), false puts it back, counts included. Only while no
  // worker polls. Returns false, changing nothing, when the PMD's layout is
  // not the one expected.
  bool set_queue_lines(bool own);
  bool queue_lines_own() const { return !own_lines_.empty(); }

 private:
  RingDataplane() = default;
  std::unique_ptr<dp::Dataplane> dp_;
  std::vector<rte_ring*> rx_[2], tx_[2];
  // With set_queue_lines(true): a queue's state on its own line, where the
  // fast-path table points, and where it came from.
  struct OwnLine {
    alignas(64) unsigned char bytes[64];
    void** entry;   // the queue's pointer in rte_eth_fp_ops
    void* shared;   // the PMD's own state, in its array
  };
  std::vector<std::unique_ptr<OwnLine>> own_lines_;
  Mac access_mac_{}, core_mac_{};
};

// A two-port config with sensible test defaults and no static sessions.
config::Config test_config(unsigned workers = 1);

}  // namespace lns::test
