// Internet checksum (RFC 1071) and incremental update (RFC 1624), used when
// the data plane rewrites TTL or TCP MSS without re-summing the packet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "common/byte_order.h"

namespace lns {

// One's-complement sum of 16-bit big-endian words, not folded or inverted.
inline uint32_t checksum_partial(const uint8_t* p, size_t len, uint32_t sum = 0) {
  while (len >= 2) {
    sum += load_be16(p);
    p += 2;
    len -= 2;
  }
  if (len) sum += uint32_t{p[0]} << 8;
  return sum;
}

inline uint16_t checksum_fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// Checksum (host order) of a buffer whose checksum field is zero.
inline uint16_t internet_checksum(const uint8_t* p, size_t len) {
  return checksum_fold(checksum_partial(p, len));
}

// UDP checksum (host order) of a datagram whose checksum field is zero,
// over the pseudo-header: both addresses (they lie next to each other in
// IPv4 and IPv6 headers: 8 or 32 octets), the protocol and the UDP length
// (RFC 768, RFC 8200 8.1). A computed zero is sent as all ones.
inline uint16_t udp_checksum(const uint8_t* addresses, size_t addresses_len, const uint8_t* udp, size_t udp_len) {
  uint32_t sum = checksum_partial(addresses, addresses_len);
  sum += 17;  // UDP
  sum += static_cast<uint32_t>(udp_len);
  const uint16_t c = checksum_fold(checksum_partial(udp, udp_len, sum));
  return c == 0 ? 0xffff : c;
}

// True when a 20-byte header (IPv4 without options) sums to all ones, i.e.
// its checksum is right. The one's-complement sum does not depend on byte
// order or word size as long as carries wrap around (RFC 1071 section 2),
// so two native 64-bit words and a 32-bit one are added and folded: no byte
// swaps, no loop and no copy through the stack, for the per-packet check.
inline bool checksum20_ok(const uint8_t* p) {
  uint64_t a, b;
  uint32_t c;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  std::memcpy(&c, p + 16, 4);
  uint64_t s = a + b;
  s += s < a;  // end-around carry
  const uint64_t t = s + c;
  s = t + (t < s);
  s = (s & 0xffffffff) + (s >> 32);
  s = (s & 0xffffffff) + (s >> 32);
  uint32_t u = static_cast<uint32_t>(s);
  u = (u & 0xffff) + (u >> 16);
  u = (u & 0xffff) + (u >> 16);
  return u == 0xffff;
}

// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), all values host order.
inline uint16_t checksum_update16(uint16_t old_csum, uint16_t old_word, uint16_t new_word) {
  uint32_t sum = static_cast<uint16_t>(~old_csum);
  sum += static_cast<uint16_t>(~old_word);
  sum += new_word;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// One octet at `offset` (from an even-aligned start) changed: its weight in
// the 16-bit sum depends only on the offset's parity, so the neighbouring
// octet need not be read (it may lie past the end of the buffer).
inline uint16_t checksum_update_byte(uint16_t old_csum, uint32_t offset, uint8_t old_byte, uint8_t new_byte) {
  const bool high = (offset & 1) == 0;
  return checksum_update16(old_csum, static_cast<uint16_t>(high ? old_byte << 8 : old_byte),
                           static_cast<uint16_t>(high ? new_byte << 8 : new_byte));
}

}  // namespace lns
