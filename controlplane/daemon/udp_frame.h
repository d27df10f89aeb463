// Ethernet/IPv4/UDP framing for the control plane's own traffic: reading the
// L2TP datagrams workers punt to us, and building the frames we inject
// (control messages, PPP control frames in data messages). Off the hot path,
// so it favours clarity: full header checks, UDP checksum computed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"

namespace lns {

using MacBytes = std::array<uint8_t, 6>;

struct UdpFrame {
  MacBytes src_mac{};
  MacBytes dst_mac{};
  std::optional<uint16_t> vlan;
  uint32_t src_ip = 0;  // host order
  uint32_t dst_ip = 0;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  absl::Span<const uint8_t> payload;  // points into the parsed buffer
  // Frames we build only: bytes that go in front of `payload` (an L2TP data
  // header), so the caller need not join the two first.
  absl::Span<const uint8_t> payload_head;
};

// nullopt unless `frame` is a well-formed, unfragmented Ethernet [802.1Q]
// IPv4 UDP datagram whose lengths are consistent.
std::optional<UdpFrame> parse_udp_frame(absl::Span<const uint8_t> frame);

// The frame carrying `f.payload_head` and `f.payload` from f.src_* to
// f.dst_*; DF set, TTL 64, UDP checksum filled in. write_udp_frame writes
// it to `out`, which has room for udp_frame_size(f) bytes (an mbuf: no
// allocation and no copy on the way to the wire).
size_t udp_frame_size(const UdpFrame& f);
void write_udp_frame(uint8_t* out, const UdpFrame& f, uint16_t ip_id);
std::vector<uint8_t> build_udp_frame(const UdpFrame& f, uint16_t ip_id);

}  // namespace lns
