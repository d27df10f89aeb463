// Per-hop work on an inner IP packet that the LNS routes: header sanity,
// TTL / hop-limit decrement with incremental checksum update (RFC 1624), and
// TCP MSS clamping on SYNs so subscribers behind PPP-over-L2TP overhead do not
// black-hole full-size segments.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

#include "common/byte_order.h"
#include "common/checksum.h"

namespace lns {

inline constexpr uint8_t kIpProtoTcp = 6;
inline constexpr uint8_t kIpProtoUdp = 17;
inline constexpr uint16_t kEtherIpv4 = 0x0800;
inline constexpr uint16_t kEtherIpv6 = 0x86dd;
inline constexpr uint16_t kEtherArp = 0x0806;
inline constexpr uint16_t kEtherVlan = 0x8100;

enum class IpCheck : uint8_t { kOk, kBad, kTruncated };

// Validates an IPv4 header at p with `avail` bytes behind it; on success
// *total_len is the datagram length (<= avail).
inline IpCheck check_ipv4(const uint8_t* p, uint32_t avail, uint32_t* total_len) {
  if (avail < 20) [[unlikely]]
    return IpCheck::kTruncated;
  const uint32_t ihl = (p[0] & 0x0f) * 4u;
  if ((p[0] >> 4) != 4 || ihl < 20) [[unlikely]]
    return IpCheck::kBad;
  const uint32_t tl = load_be16(p + 2);
  if (tl < ihl) [[unlikely]]
    return IpCheck::kBad;
  if (tl > avail) [[unlikely]]
    return IpCheck::kTruncated;
  if (checksum_fold(checksum_partial(p, ihl)) != 0) [[unlikely]]
    return IpCheck::kBad;
  *total_len = tl;
  return IpCheck::kOk;
}

inline IpCheck check_ipv6(const uint8_t* p, uint32_t avail, uint32_t* total_len) {
  if (avail < 40) [[unlikely]]
    return IpCheck::kTruncated;
  if ((p[0] >> 4) != 6) [[unlikely]]
    return IpCheck::kBad;
  const uint32_t tl = 40u + load_be16(p + 4);
  if (tl > avail) [[unlikely]]
    return IpCheck::kTruncated;
  *total_len = tl;
  return IpCheck::kOk;
}

// Returns false (leaving the packet untouched) when the TTL would expire.
inline bool decrement_ttl_ipv4(uint8_t* ip) {
  if (ip[8] <= 1) [[unlikely]]
    return false;
  ip[8] = static_cast<uint8_t>(ip[8] - 1);
  // TTL is the high octet of its 16-bit word, so the sum drops by 0x0100
  // and the checksum rises by as much, with end-around carry (RFC 1624;
  // equal to eqn. 3 for every checksum and TTL, checked exhaustively).
  // One's-complement addition does not care about byte order, so the
  // checksum is updated as loaded: on a little-endian host the octets are
  // swapped and the same update is +1, with no swaps either way.
  constexpr uint32_t kStep = std::endian::native == std::endian::little ? 0x0001 : 0x0100;
  uint16_t raw;
  std::memcpy(&raw, ip + 10, 2);
  uint32_t check = uint32_t{raw} + kStep;
  check += check >= 0xffff;
  raw = static_cast<uint16_t>(check);
  std::memcpy(ip + 10, &raw, 2);
  return true;
}

inline bool decrement_hop_limit_ipv6(uint8_t* ip) {
  if (ip[7] <= 1) [[unlikely]]
    return false;
  ip[7] = static_cast<uint8_t>(ip[7] - 1);
  return true;
}

// Clamps the MSS option of a TCP SYN segment at `tcp` (`len` bytes of TCP
// header and payload available). Returns true when the segment was changed.
inline bool clamp_tcp_mss(uint8_t* tcp, uint32_t len, uint16_t mss_max) {
  if (len < 20) [[unlikely]]
    return false;
  if (!(tcp[13] & 0x02))  // SYN
    return false;
  uint32_t hdr = (tcp[12] >> 4) * 4u;
  if (hdr < 20 || hdr > len) [[unlikely]]
    return false;
  uint32_t i = 20;
  while (i < hdr) {
    const uint8_t kind = tcp[i];
    if (kind == 0) break;
    if (kind == 1) {
      ++i;
      continue;
    }
    if (i + 1 >= hdr) break;
    const uint8_t olen = tcp[i + 1];
    if (olen < 2 || i + olen > hdr) break;
    if (kind == 2 && olen == 4) {
      const uint16_t mss = load_be16(tcp + i + 2);
      if (mss <= mss_max) return false;
      const uint8_t hi = static_cast<uint8_t>(mss_max >> 8), lo = static_cast<uint8_t>(mss_max);
      uint16_t csum = load_be16(tcp + 16);
      csum = checksum_update_byte(csum, i + 2, tcp[i + 2], hi);
      csum = checksum_update_byte(csum, i + 3, tcp[i + 3], lo);
      store_be16(tcp + i + 2, mss_max);
      store_be16(tcp + 16, csum);
      return true;
    }
    i += olen;
  }
  return false;
}

// MSS clamp for an IPv4 datagram of `total_len` bytes; only the first
// fragment carries the TCP header.
inline bool clamp_mss_ipv4(uint8_t* ip, uint32_t total_len, uint16_t mss_max) {
  if (ip[9] != kIpProtoTcp || (load_be16(ip + 6) & 0x1fff) != 0) return false;
  const uint32_t ihl = (ip[0] & 0x0f) * 4u;
  return clamp_tcp_mss(ip + ihl, total_len - ihl, mss_max);
}

// IPv6: only a TCP header directly after the fixed header is clamped;
// extension-header chains are rare on SYNs and are left alone.
inline bool clamp_mss_ipv6(uint8_t* ip, uint32_t total_len, uint16_t mss_max) {
  if (ip[6] != kIpProtoTcp) return false;
  return clamp_tcp_mss(ip + 40, total_len - 40, mss_max);
}

// The IPv6 MSS that fills the same MTU as an IPv4 MSS: the fixed IPv6
// header is 40 octets against IPv4's 20. 0 (clamping off) stays 0.
inline constexpr uint16_t ipv6_mss_for(uint16_t ipv4_mss) {
  return ipv4_mss > 20 ? static_cast<uint16_t>(ipv4_mss - 20) : 0;
}

inline bool ipv6_prefix_match(const uint8_t* addr, const uint8_t* prefix, uint8_t plen) {
  const uint64_t a = load_be64(addr);
  const uint64_t p = load_be64(prefix);
  const uint64_t mask = plen == 0 ? 0 : (plen >= 64 ? ~uint64_t{0} : ~uint64_t{0} << (64 - plen));
  return ((a ^ p) & mask) == 0;
}

}  // namespace lns
