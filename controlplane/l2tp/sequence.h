// 16-bit sequence number arithmetic for Ns/Nr (RFC 2661 5.8): a value is
// "before" another if it lies within the 32768 values preceding it.
#pragma once

#include <cstdint>

namespace lns::l2tp {

// How far `later` is ahead of `earlier`, modulo 2^16.
constexpr uint16_t seq_distance(uint16_t earlier, uint16_t later) { return static_cast<uint16_t>(later - earlier); }

// True if `a` precedes `b` (a != b and b - a in [1, 32768]).
constexpr bool seq_before(uint16_t a, uint16_t b) {
  const uint16_t d = seq_distance(a, b);
  return d != 0 && d <= 0x8000;
}

}  // namespace lns::l2tp
