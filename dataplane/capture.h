// Live packet capture for `capture start`: workers copy the packets they
// receive on the selected port into a bounded ring; the control plane
// drains it and writes a pcap. Off, it costs each worker one relaxed load
// per burst; on, a full ring drops copies (counted), never stalls a worker.
#pragma once

#include <atomic>
#include <cstdint>

struct rte_mbuf;
struct rte_mempool;
struct rte_ring;

namespace lns::dp {

struct CaptureControl {
  // -1: off; otherwise the port id whose received packets are copied.
  std::atomic<int32_t> port{-1};
  std::atomic<uint64_t> copied{0};
  std::atomic<uint64_t> dropped{0};  // ring full or no mbuf for the copy
  rte_ring* ring = nullptr;          // multi-producer (workers), single consumer
  rte_mempool* pool = nullptr;       // where copies come from
};

// Called by a worker for a received burst when capture is on for `port`.
void capture_burst(CaptureControl& c, rte_mbuf* const* pkts, uint16_t n);

}  // namespace lns::dp
