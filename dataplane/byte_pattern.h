// The fixed bytes of a frame's first 64, checked at once: a value and a
// mask per byte, so the constant fields of the common upstream layout
// (ethertype, IPv4 version and protocol, our address, UDP port 1701, the
// L2TP flags, FF 03 00 21, the inner IPv4 version) cost four vector
// compares instead of a chain of branches. Header-only and EAL-free, so
// unit tests drive it directly.
#pragma once

#include <cstdint>

#include <emmintrin.h>  // SSE2 only: every x86-64 has it

namespace lns::dp {

class BytePattern64 {
 public:
  static constexpr uint32_t kBytes = 64;

  // Byte `offset` must equal `value` in the bits of `mask`.
  void expect(uint32_t offset, uint8_t value, uint8_t mask = 0xff) {
    if (offset >= kBytes) return;
    value_[offset] = static_cast<uint8_t>(value & mask);
    mask_[offset] = mask;
  }
  // Big-endian 16- and 32-bit fields.
  void expect16(uint32_t offset, uint16_t value, uint16_t mask = 0xffff) {
    expect(offset, static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(mask >> 8));
    expect(offset + 1, static_cast<uint8_t>(value), static_cast<uint8_t>(mask));
  }
  void expect32(uint32_t offset, uint32_t value) {
    expect16(offset, static_cast<uint16_t>(value >> 16));
    expect16(offset + 2, static_cast<uint16_t>(value));
  }

  // p must have kBytes readable bytes.
  bool matches(const uint8_t* p) const {
    __m128i diff = _mm_setzero_si128();
    for (uint32_t i = 0; i < kBytes; i += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      const __m128i value = _mm_load_si128(reinterpret_cast<const __m128i*>(value_ + i));
      const __m128i mask = _mm_load_si128(reinterpret_cast<const __m128i*>(mask_ + i));
      diff = _mm_or_si128(diff, _mm_and_si128(_mm_xor_si128(bytes, value), mask));
    }
    return _mm_movemask_epi8(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) == 0xffff;
  }

 private:
  alignas(16) uint8_t value_[kBytes] = {};
  alignas(16) uint8_t mask_[kBytes] = {};
};

}  // namespace lns::dp
