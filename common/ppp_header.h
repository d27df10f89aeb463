// PPP framing inside L2TP (RFC 2661 section 5.5 / RFC 1662): the FF 03
// address/control bytes may be present or elided (ACFC), and the protocol
// field may be compressed to one byte (PFC, RFC 1661 section 6.5).
#pragma once

#include <cstdint>

#include "common/byte_order.h"

namespace lns {

inline constexpr uint16_t kPppIpv4 = 0x0021;
inline constexpr uint16_t kPppIpv6 = 0x0057;
inline constexpr uint16_t kPppLcp = 0xc021;
inline constexpr uint16_t kPppPap = 0xc023;
inline constexpr uint16_t kPppChap = 0xc223;
inline constexpr uint16_t kPppIpcp = 0x8021;
inline constexpr uint16_t kPppIpv6cp = 0x8057;

struct PppHeader {
  uint16_t protocol = 0;
  uint8_t length = 0;  // bytes before the payload: 1..4
};

// Returns false when the frame is too short or the protocol field is
// malformed (RFC 1661: the least significant bit of the last protocol octet
// is 1, of the first is 0).
inline bool parse_ppp_header(const uint8_t* p, uint32_t len, PppHeader* h) {
  uint32_t off = 0;
  if (len >= 2 && p[0] == 0xff && p[1] == 0x03) off = 2;
  if (off >= len) [[unlikely]]
    return false;
  if (p[off] & 1) {  // compressed one-octet protocol
    h->protocol = p[off];
    h->length = static_cast<uint8_t>(off + 1);
    return true;
  }
  if (off + 2 > len || !(p[off + 1] & 1)) [[unlikely]]
    return false;
  h->protocol = load_be16(p + off);
  h->length = static_cast<uint8_t>(off + 2);
  return true;
}

// IP datagrams go to the data plane; everything else (LCP, NCPs,
// authentication, and unknown protocols that need a Protocol-Reject) belongs
// to the control plane.
inline bool ppp_is_network_data(uint16_t protocol) {
  return protocol == kPppIpv4 || protocol == kPppIpv6;
}

}  // namespace lns
