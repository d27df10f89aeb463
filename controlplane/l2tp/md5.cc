#include "controlplane/l2tp/md5.h"

#include <algorithm>
#include <cstring>

namespace lns {
namespace {

// Per-round left-rotation amounts (RFC 1321 3.4).
constexpr uint8_t kShift[64] = {
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
};

// T[i] = floor(abs(sin(i + 1)) * 2^32), precomputed so the result does not
// depend on the platform's libm.
constexpr uint32_t kSine[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
    0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
    0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
    0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
    0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
    0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
    0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
    0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
    0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

constexpr uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

uint32_t load_le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

}  // namespace

Md5::Md5() { reset(); }

void Md5::reset() {
  state_ = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  total_bytes_ = 0;
  pending_len_ = 0;
}

void Md5::compress(const uint8_t block[64]) {
  uint32_t m[16];
  for (int i = 0; i < 16; ++i) m[i] = load_le32(block + 4 * i);

  uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
  for (int i = 0; i < 64; ++i) {
    uint32_t f;
    int g;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) % 16;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) % 16;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) % 16;
    }
    const uint32_t rotated = rotl(a + f + kSine[i] + m[g], kShift[i]);
    a = d;
    d = c;
    c = b;
    b = b + rotated;
  }
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
}

void Md5::update(absl::Span<const uint8_t> data) {
  total_bytes_ += data.size();
  size_t i = 0;
  if (pending_len_ > 0) {
    const size_t take = std::min(data.size(), pending_.size() - pending_len_);
    std::memcpy(pending_.data() + pending_len_, data.data(), take);
    pending_len_ += take;
    i = take;
    if (pending_len_ < pending_.size()) return;
    compress(pending_.data());
    pending_len_ = 0;
  }
  for (; i + 64 <= data.size(); i += 64) compress(data.data() + i);
  if (i < data.size()) {
    pending_len_ = data.size() - i;
    std::memcpy(pending_.data(), data.data() + i, pending_len_);
  }
}

void Md5::update(std::string_view data) {
  update(absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

Md5Digest Md5::finish() {
  const uint64_t bit_length = total_bytes_ * 8;
  // A single 0x80 then zeros until 8 bytes short of a block boundary.
  const uint8_t one_bit = 0x80;
  update(absl::Span<const uint8_t>(&one_bit, 1));
  static constexpr uint8_t kZeros[64] = {};
  const size_t zeros = (pending_len_ <= 56) ? 56 - pending_len_ : 120 - pending_len_;
  update(absl::Span<const uint8_t>(kZeros, zeros));
  uint8_t length_le[8];
  for (int i = 0; i < 8; ++i) length_le[i] = static_cast<uint8_t>(bit_length >> (8 * i));
  update(absl::Span<const uint8_t>(length_le, 8));

  Md5Digest out;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<uint8_t>(state_[i] >> (8 * j));
  return out;
}

Md5Digest md5(absl::Span<const uint8_t> data) {
  Md5 h;
  h.update(data);
  return h.finish();
}

Md5Digest md5(std::string_view data) {
  Md5 h;
  h.update(data);
  return h.finish();
}

}  // namespace lns
