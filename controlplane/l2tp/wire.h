// Building blocks for writing L2TP control messages in network order; loads
// and stores come from common/byte_order.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "common/byte_order.h"

namespace lns::l2tp {

using Bytes = std::vector<uint8_t>;

// Appends grow with resize() + store rather than push_back(): GCC 12 emits
// false -Wstringop-overflow warnings for push_back on an empty vector.
inline uint8_t* grow(Bytes& out, size_t n) {
  const size_t at = out.size();
  out.resize(at + n);
  return out.data() + at;
}
inline void append_be16(Bytes& out, uint16_t v) { store_be16(grow(out, 2), v); }
inline void append_be32(Bytes& out, uint32_t v) { store_be32(grow(out, 4), v); }
inline void append_be64(Bytes& out, uint64_t v) {
  append_be32(out, static_cast<uint32_t>(v >> 32));
  append_be32(out, static_cast<uint32_t>(v));
}
inline void append_bytes(Bytes& out, absl::Span<const uint8_t> b) {
  if (!b.empty()) std::memcpy(grow(out, b.size()), b.data(), b.size());
}
inline void append_bytes(Bytes& out, std::string_view s) {
  if (!s.empty()) std::memcpy(grow(out, s.size()), s.data(), s.size());
}
inline std::string_view as_string_view(absl::Span<const uint8_t> b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}
inline absl::Span<const uint8_t> as_bytes(std::string_view s) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace lns::l2tp
