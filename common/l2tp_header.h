// RFC 2661 section 3.1 L2TP header, as the data plane sees it: every optional
// field variant (L, S with Ns/Nr, O with Offset Size and padding, P) parsed
// with explicit bounds checks. Control messages are only recognised here (T
// bit); the control plane decodes them fully.
#pragma once

#include <cstdint>

#include "common/byte_order.h"

namespace lns {

inline constexpr uint16_t kL2tpPort = 1701;
inline constexpr uint8_t kL2tpFlagType = 0x80;    // T: control message
inline constexpr uint8_t kL2tpFlagLength = 0x40;  // L: Length field present
inline constexpr uint8_t kL2tpFlagSeq = 0x08;     // S: Ns and Nr present
inline constexpr uint8_t kL2tpFlagOffset = 0x02;  // O: Offset Size present
inline constexpr uint8_t kL2tpFlagPriority = 0x01;
inline constexpr uint8_t kL2tpVersion = 2;

struct L2tpHeader {
  uint8_t flags = 0;
  uint16_t tunnel_id = 0;
  uint16_t session_id = 0;
  uint16_t ns = 0;
  uint16_t nr = 0;
  uint16_t payload_offset = 0;  // bytes from the header start to the payload
  uint16_t payload_length = 0;  // bytes of payload (honours the Length field)

  bool is_control() const { return flags & kL2tpFlagType; }
};

enum class L2tpHeaderStatus : uint8_t {
  kOk,
  kTruncated,   // buffer ends inside the header
  kBadVersion,  // not L2TPv2 (L2F, L2TPv3 over UDP, garbage)
  kBadLength,   // Length field smaller than the header or past the datagram
  kBadOffset,   // Offset Size points past the end of the message
};

// `len` is the UDP payload length. Trailing bytes beyond the L2TP Length
// field are ignored, as the RFC lets senders pad.
inline L2tpHeaderStatus parse_l2tp_header(const uint8_t* p, uint32_t len, L2tpHeader* h) {
  if (len < 6) [[unlikely]]
    return L2tpHeaderStatus::kTruncated;
  const uint8_t flags = p[0];
  if ((p[1] & 0x0f) != kL2tpVersion) [[unlikely]]
    return L2tpHeaderStatus::kBadVersion;
  uint32_t off = 2;
  uint32_t msg_len = len;
  if (flags & kL2tpFlagLength) {
    if (len < 8) [[unlikely]]
      return L2tpHeaderStatus::kTruncated;
    msg_len = load_be16(p + 2);
    if (msg_len > len) [[unlikely]]
      return L2tpHeaderStatus::kBadLength;
    off = 4;
  }
  uint32_t need = off + 4 + ((flags & kL2tpFlagSeq) ? 4 : 0) + ((flags & kL2tpFlagOffset) ? 2 : 0);
  if (need > len) [[unlikely]]
    return L2tpHeaderStatus::kTruncated;
  if (need > msg_len) [[unlikely]]
    return L2tpHeaderStatus::kBadLength;
  h->flags = flags;
  h->tunnel_id = load_be16(p + off);
  h->session_id = load_be16(p + off + 2);
  off += 4;
  if (flags & kL2tpFlagSeq) {
    h->ns = load_be16(p + off);
    h->nr = load_be16(p + off + 2);
    off += 4;
  } else {
    h->ns = h->nr = 0;
  }
  if (flags & kL2tpFlagOffset) {
    const uint32_t pad = load_be16(p + off);
    off += 2 + pad;
    if (off > msg_len) [[unlikely]]
      return L2tpHeaderStatus::kBadOffset;
  }
  h->payload_offset = static_cast<uint16_t>(off);
  h->payload_length = static_cast<uint16_t>(msg_len - off);
  return L2tpHeaderStatus::kOk;
}

}  // namespace lns
