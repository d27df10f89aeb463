// Where a received frame lands in its cache lines. The access port's pool
// has an mbuf private area that moves every buffer so that a frame starts
// 56 bytes into a line (dataplane.access_frame_offset, by default): an
// untagged L2TP data frame then keeps all that decap reads and writes,
// from the outer Ethernet type (byte 12) to the end
// of the inner IPv4 header (byte 71), in one line, where a line-aligned
// frame splits it over two (the inner source address is bytes 64-67). At
// a million sessions every packet line is a miss the burst waits for, so
// decap reads three lines (mbuf, header, session cell) instead of four. The
// MAC addresses, which the fast path neither reads nor checks, sit in the
// line before.
//
// The core port's pool keeps frames line-aligned: encap writes its header
// into the line in front of the frame and streams that line out whole
// without reading it, which pays only while the line holds no frame bytes
// (with the frame 56 bytes in, that line is the frame's first, cached
// from its arrival, and encap at 65,536 sessions measured 1.3x slower).
//
// PMDs place the frame at the headroom, whatever the private area. The
// NICs we know take receive buffers at 2- or 8-byte alignment; for one
// that wants more, dataplane.access_frame_offset = 0 restores line-aligned
// frames.
#pragma once

#include <cstdint>

#include <rte_mbuf.h>

namespace lns::dp {

// The mbuf header and the headroom are whole lines, so the private area
// alone sets where a received frame starts in its line: the access pool's
// is dataplane.access_frame_offset (0..56, a multiple of 8, validated).
static_assert((sizeof(rte_mbuf) + RTE_PKTMBUF_HEADROOM) % RTE_CACHE_LINE_SIZE == 0);
inline constexpr uint16_t access_mbuf_priv_size(uint32_t frame_offset) {
  return static_cast<uint16_t>(frame_offset);
}

// The first frame byte the upstream fast path reads (the Ethernet type is
// at 12; the pattern's 64 bytes from here reach the inner IPv4 header's
// first byte with or without a VLAN tag).
inline constexpr uint32_t kDecapFirstByte = 8;

}  // namespace lns::dp
