// MD5 (RFC 1321). L2TP uses it for AVP hiding and tunnel authentication
// (RFC 2661 4.2, 4.3) and PPP CHAP uses it for responses (RFC 1994); none of
// these need it to be collision resistant, only interoperable.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/types/span.h"

namespace lns {

using Md5Digest = std::array<uint8_t, 16>;

// Incremental hasher: update() any number of times, then finish() once.
class Md5 {
 public:
  Md5();

  void update(absl::Span<const uint8_t> data);
  void update(std::string_view data);
  void update(uint8_t byte) { update(absl::Span<const uint8_t>(&byte, 1)); }

  // Pads, produces the digest and leaves the hasher unusable until reset().
  Md5Digest finish();
  void reset();

 private:
  void compress(const uint8_t block[64]);

  std::array<uint32_t, 4> state_;
  uint64_t total_bytes_ = 0;
  std::array<uint8_t, 64> pending_{};
  size_t pending_len_ = 0;
};

Md5Digest md5(absl::Span<const uint8_t> data);
Md5Digest md5(std::string_view data);

}  // namespace lns
