// Writes benchmark frames straight into mbufs: one template per direction
// and inner packet size, patched per session (addresses, L2TP IDs and the two
// IPv4 checksums, which are precomputed without the patched fields). Only the
// headers are rewritten when an mbuf comes back from the worker: the worker
// never reads the inner payload, and it only writes headers (and headroom).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "tests/bench/session_layout.h"

struct rte_mbuf;

namespace lns::bench {

enum class Direction : uint8_t { kUpstream, kDownstream };

using Mac = std::array<uint8_t, 6>;

inline constexpr uint32_t kCoreHost = 0xc6120001;  // 198.18.0.1, the far end of every flow
inline const Mac kLacMac{0x02, 0, 0, 0, 0xac, 0x01};
inline const Mac kRouterMac{0x02, 0, 0, 0, 0xc0, 0x01};

struct FrameAddresses {
  Mac lns_access_mac{};
  Mac lns_core_mac{};
  uint32_t lns_access_ipv4 = 0;  // host order
};

class FrameWriter {
 public:
  // `inner_len` is the inner IPv4 packet length (>= 28: IPv4 + UDP).
  FrameWriter(Direction dir, uint16_t inner_len, const FrameAddresses& a);

  // Resets m to a single segment at the default headroom holding this
  // session's frame.
  void write(rte_mbuf* m, const BenchSession& s) const;

  uint32_t frame_len() const { return static_cast<uint32_t>(frame_.size()); }
  // The whole frame for session s, for checks outside the hot loop.
  std::vector<uint8_t> frame_for(const BenchSession& s) const;

 private:
  void patch(uint8_t* p, const BenchSession& s) const;

  Direction dir_;
  std::vector<uint8_t> frame_;  // template, variable fields zero
  uint32_t header_len_ = 0;     // bytes rewritten per packet
  uint32_t outer_ip_off_ = 0;   // upstream only
  uint32_t inner_ip_off_ = 0;
  uint32_t outer_sum_ = 0;  // partial sums of the headers without variable fields
  uint32_t inner_sum_ = 0;
};

}  // namespace lns::bench
