// What lnsgen writes into every test packet so the receiving side can
// attribute it and time it without any per-packet state: a 24-byte stamp in
// the last bytes of the packet's IP payload. Because the stamp sits at the
// end of the innermost packet, and the innermost packet always ends where
// the outermost IPv4 packet ends, the same reader works on a plain IPv4
// frame at the core side, on an L2TP frame at the access side, and on a
// frame that a forwarder (dpdk-testpmd io) passed through unchanged.
//
// Hot path: inline, no allocation, bounds checked against the frame length.
#pragma once

#include <cstdint>
#include <cstring>

#include "common/byte_order.h"

namespace lns::gen {

inline constexpr uint32_t kStampMagic = 0x4c47454e;  // "LGEN"
inline constexpr uint32_t kStampSize = 24;

struct Stamp {
  uint32_t magic = kStampMagic;
  uint32_t flow = 0;      // session index
  uint64_t sequence = 0;  // per direction, across all sessions
  uint64_t tsc = 0;       // rte_rdtsc() when the burst was built
};
static_assert(sizeof(Stamp) == kStampSize);

// Writes the stamp so that it ends at `packet_end` (stamps never leave the
// machine, so host byte order is fine).
inline void write_stamp(uint8_t* packet_end, const Stamp& s) { std::memcpy(packet_end - kStampSize, &s, kStampSize); }

// Where the outermost IPv4 packet of an Ethernet frame (optionally one
// 802.1Q tag) ends, or 0 when the frame is not IPv4 or its lengths do not
// add up.
inline uint32_t ipv4_packet_end(const uint8_t* frame, uint32_t len) {
  uint32_t off = 12;
  if (len < off + 2) return 0;
  uint16_t type = load_be16(frame + off);
  if (type == 0x8100) {
    off += 4;
    if (len < off + 2) return 0;
    type = load_be16(frame + off);
  }
  off += 2;
  if (type != 0x0800 || len < off + 20 || (frame[off] >> 4) != 4) return 0;
  const uint32_t total = load_be16(frame + off + 2);
  if (total < 20 + kStampSize || off + total > len) return 0;
  return off + total;
}

// True, with the stamp in `out`, when the frame carries one.
inline bool read_stamp(const uint8_t* frame, uint32_t len, Stamp* out) {
  const uint32_t end = ipv4_packet_end(frame, len);
  if (end == 0) return false;
  std::memcpy(out, frame + end - kStampSize, kStampSize);
  return out->magic == kStampMagic;
}

}  // namespace lns::gen
