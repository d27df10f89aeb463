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
// its checksum is right: the per-packet check of both data directions.
// Since 2^16 = 1 (mod 0xffff), any sum of the header's native 32-bit
// words is congruent to its one's-complement sum of 16-bit words (byte
// order does not matter, RFC 1071 section 2), and a non-zero sum folds to
// 0xffff exactly when it is a multiple of 0xffff. Five 32-bit words fit a
// 64-bit sum without carries, and the compiler tests divisibility by the
// odd constant with one multiply and one compare: 12 fewer instructions
// than adding with end-around carries and folding to 16 bits.
inline bool checksum20_ok(const uint8_t* p) {
  const auto word = [p](size_t at) {
    uint32_t v;
    std::memcpy(&v, p + at, 4);
    return uint64_t{v};
  };
  const uint64_t s = word(0) + word(4) + word(8) + word(12) + word(16);
  return s != 0 && s % 0xffff == 0;
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
