#include "dataplane/capture.h"

#include <rte_mbuf.h>
#include <rte_ring.h>

namespace lns::dp {

void capture_burst(CaptureControl& c, rte_mbuf* const* pkts, uint16_t n) {
  for (uint16_t i = 0; i < n; ++i) {
    // Copy at most the first 256 bytes: headers are what operators need, and
    // it bounds the work a capture adds to the worker.
    rte_mbuf* copy = rte_pktmbuf_copy(pkts[i], c.pool, 0, 256);
    if (copy == nullptr || rte_ring_mp_enqueue(c.ring, copy) != 0) {
      if (copy != nullptr) rte_pktmbuf_free(copy);
      c.dropped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    // The original length travels in the copy's hash field for the pcap header.
    copy->hash.usr = rte_pktmbuf_pkt_len(pkts[i]);
    c.copied.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace lns::dp
