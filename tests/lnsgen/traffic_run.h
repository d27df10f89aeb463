// Phase 2 of lnsgen: stamped packets through every session, upstream (access
// port -> lnsd -> core port), downstream (core port -> lnsd -> access
// port) or both, at a target rate per direction (a token bucket on the TSC)
// or as fast as the ports take them, for a fixed time; then a short drain.
// Everything runs on the calling lcore: transmit a burst per direction,
// receive a burst per port, and once a millisecond hand control back to
// the caller (LCP echo replies, ARP) through TrafficControl.
//
// Hot path: templates and histograms are built before the loop starts; per
// packet it copies a header, writes a stamp, and on receipt reads a stamp
// and adds one histogram sample. Frames without our stamp (control) go to
// TrafficControl, which may be slow: they are rare.
#pragma once

#include <cstdint>
#include <vector>

#include "tests/lnsgen/frame_templates.h"
#include "tests/lnsgen/latency_histogram.h"

struct rte_mempool;

namespace lns::gen {

enum class Direction : uint8_t { kUp, kDown, kBoth };

struct TrafficConfig {
  Direction direction = Direction::kUp;
  double rate_pps = 0;        // per direction; 0: as fast as possible
  double duration_s = 1;
  double drain_s = 0.5;       // wait at most this long for stragglers
  std::vector<uint16_t> size_pattern = {128};  // inner packet sizes, cycled
  uint16_t burst = 32;
  // Check that every packet arrived on its own session (off for a plain
  // forwarder such as testpmd, which returns frames unchanged).
  bool check_delivery = true;
};

struct TrafficPorts {
  uint16_t access = 0;
  uint16_t core = 1;
  rte_mempool* pool = nullptr;
};

class TrafficControl {
 public:
  virtual ~TrafficControl() = default;
  virtual void on_access_frame(const uint8_t* frame, uint32_t len) = 0;
  virtual void on_core_frame(const uint8_t* frame, uint32_t len) = 0;
  virtual void poll() = 0;
};

struct DirectionResult {
  bool enabled = false;
  uint64_t sent = 0;        // accepted by tx_burst
  uint64_t tx_full = 0;     // refused by a full TX ring (retried, not lost)
  uint64_t no_mbuf = 0;     // bursts skipped for want of mbufs
  uint64_t behind = 0;      // schedule slots given up after a stall
  uint64_t received = 0;
  uint64_t received_after_end = 0;
  uint64_t misdelivered = 0;  // stamped, but not on the session it was sent to
  double send_seconds = 0;  // first to last transmit
  LatencyHistogram latency;  // TSC cycles
  uint64_t lost() const { return sent > received ? sent - received : 0; }
};

struct TrafficResult {
  DirectionResult up;
  DirectionResult down;
  uint64_t foreign_access = 0;  // frames handed to TrafficControl
  uint64_t foreign_core = 0;
  uint64_t tsc_hz = 0;
};

// `sessions` in the order their flow index (stamp) refers to.
TrafficResult run_traffic(const TrafficConfig& config, const TrafficPorts& ports, const Endpoints& endpoints,
                          const std::vector<SessionAddress>& sessions, TrafficControl& control);

// 7:4:1 of 64/576/1400-octet packets, interleaved over twelve slots. 1400
// rather than the classic 1500 so a downstream packet fits the default
// session MTU (1460) and an upstream one fits a 1500-octet access link with
// its 42 octets of L2TP/UDP/IPv4.
inline std::vector<uint16_t> imix_pattern() { return {64, 576, 64, 64, 576, 64, 1400, 64, 576, 64, 64, 576}; }

}  // namespace lns::gen
