// Test-side packet construction. Everything here is written independently of
// common/ (its own checksum arithmetic, its own field layout) so the tests
// compare the production helpers against a second opinion, not themselves.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <vector>

namespace lns::testing {

// Appends wire fields in network byte order, so a test spells out a packet
// field by field in the order the RFC draws it.
class Bytes {
 public:
  Bytes& u8(uint8_t v) {
    b_.push_back(v);
    return *this;
  }
  Bytes& u16(uint16_t v) { return u8(static_cast<uint8_t>(v >> 8)).u8(static_cast<uint8_t>(v & 0xff)); }
  Bytes& u32(uint32_t v) { return u16(static_cast<uint16_t>(v >> 16)).u16(static_cast<uint16_t>(v & 0xffff)); }
  Bytes& raw(std::initializer_list<uint8_t> v) {
    b_.insert(b_.end(), v.begin(), v.end());
    return *this;
  }
  Bytes& raw(const std::vector<uint8_t>& v) {
    b_.insert(b_.end(), v.begin(), v.end());
    return *this;
  }
  Bytes& fill(size_t n, uint8_t v) {
    b_.insert(b_.end(), n, v);
    return *this;
  }
  size_t size() const { return b_.size(); }
  std::vector<uint8_t> take() { return std::move(b_); }

 private:
  std::vector<uint8_t> b_;
};

// A heap block of exactly the given bytes: unlike std::vector it has no spare
// capacity, so AddressSanitizer reports any read one byte past the end.
class ExactBuffer {
 public:
  explicit ExactBuffer(const std::vector<uint8_t>& bytes, size_t n)
      : size_(n), data_(new uint8_t[n == 0 ? 1 : n]) {
    for (size_t i = 0; i < n; ++i) data_[i] = bytes[i];
  }
  explicit ExactBuffer(const std::vector<uint8_t>& bytes) : ExactBuffer(bytes, bytes.size()) {}
  uint8_t* data() { return data_.get(); }
  uint32_t size() const { return static_cast<uint32_t>(size_); }
  std::vector<uint8_t> bytes() const { return std::vector<uint8_t>(data_.get(), data_.get() + size_); }

 private:
  size_t size_;
  std::unique_ptr<uint8_t[]> data_;
};

// The one's-complement sum is the plain sum reduced modulo 2^16 - 1 (with
// 0xffff standing for a non-zero multiple of it); the checksum is its
// complement. Deliberately a different computation from common/checksum.h.
inline uint64_t reference_sum(const std::vector<uint8_t>& b, size_t from = 0, size_t to = SIZE_MAX) {
  if (to > b.size()) to = b.size();
  uint64_t s = 0;
  for (size_t i = from; i < to; ++i) s += (i - from) % 2 == 0 ? uint64_t{b[i]} * 256 : b[i];
  return s;
}

inline uint16_t reference_checksum_of_sum(uint64_t s) {
  uint64_t r = s % 0xffff;
  if (r == 0 && s != 0) r = 0xffff;
  return static_cast<uint16_t>(~r & 0xffff);
}

inline uint16_t reference_checksum(const std::vector<uint8_t>& b, size_t from = 0, size_t to = SIZE_MAX) {
  return reference_checksum_of_sum(reference_sum(b, from, to));
}

inline uint16_t get16(const std::vector<uint8_t>& b, size_t at) { return static_cast<uint16_t>(b[at] << 8 | b[at + 1]); }
inline void set16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}

// An IPv4 header is valid when the sum over it, checksum included, is the
// one's-complement zero (all ones).
inline bool reference_ipv4_header_valid(const std::vector<uint8_t>& ip) {
  const size_t ihl = (ip[0] & 0x0f) * 4u;
  return reference_checksum(ip, 0, ihl) == 0;
}

struct Ipv4Fields {
  uint8_t ihl_words = 5;
  uint8_t tos = 0;
  uint16_t id = 0x1c46;
  uint16_t flags_fragment = 0x4000;  // DF
  uint8_t ttl = 64;
  uint8_t protocol = 6;
  uint32_t src = 0xc6336401;  // 198.51.100.1
  uint32_t dst = 0xcb007105;  // 203.0.113.5
};

inline std::vector<uint8_t> ipv4_packet(const Ipv4Fields& f, const std::vector<uint8_t>& payload) {
  const size_t ihl = f.ihl_words * 4u;
  Bytes b;
  b.u8(static_cast<uint8_t>(0x40 | f.ihl_words))
      .u8(f.tos)
      .u16(static_cast<uint16_t>(ihl + payload.size()))
      .u16(f.id)
      .u16(f.flags_fragment)
      .u8(f.ttl)
      .u8(f.protocol)
      .u16(0)
      .u32(f.src)
      .u32(f.dst);
  // IP options: NOPs, then End of Option List in the last byte.
  if (ihl > 20) b.fill(ihl - 21, 0x01).u8(0x00);
  b.raw(payload);
  std::vector<uint8_t> p = b.take();
  set16(p, 10, reference_checksum(p, 0, ihl));
  return p;
}

inline const std::array<uint8_t, 16> kV6Src = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02,
                                               0, 0, 0, 0, 0, 0, 0, 0x11};
inline const std::array<uint8_t, 16> kV6Dst = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0x00, 0x00, 0x00,
                                               0, 0, 0, 0, 0, 0, 0x12, 0x34};

inline std::vector<uint8_t> ipv6_packet(uint8_t next_header, uint8_t hop_limit, const std::vector<uint8_t>& payload) {
  Bytes b;
  b.u32(0x60000000).u16(static_cast<uint16_t>(payload.size())).u8(next_header).u8(hop_limit);
  for (uint8_t x : kV6Src) b.u8(x);
  for (uint8_t x : kV6Dst) b.u8(x);
  b.raw(payload);
  return b.take();
}

inline constexpr uint8_t kTcpSyn = 0x02;
inline constexpr uint8_t kTcpAck = 0x10;

// A TCP segment with checksum zero; `options` must be a multiple of 4 bytes
// unless a test wants a malformed header.
inline std::vector<uint8_t> tcp_segment(uint8_t flags, const std::vector<uint8_t>& options,
                                        const std::vector<uint8_t>& payload = {}) {
  Bytes b;
  b.u16(40000)
      .u16(443)
      .u32(0x01020304)
      .u32(flags & kTcpAck ? 0x0a0b0c0d : 0)
      .u8(static_cast<uint8_t>(((20 + options.size()) / 4) << 4))
      .u8(flags)
      .u16(64240)
      .u16(0)  // checksum
      .u16(0)  // urgent pointer
      .raw(options)
      .raw(payload);
  return b.take();
}

inline std::vector<uint8_t> mss_option(uint16_t mss) {
  return Bytes().u8(2).u8(4).u16(mss).take();
}

// Pseudo-header sums (RFC 793 section 3.1, RFC 8200 section 8.1) plus the
// segment itself.
inline uint64_t tcp_sum_v4(const std::vector<uint8_t>& ip) {
  const size_t ihl = (ip[0] & 0x0f) * 4u;
  const size_t total = get16(ip, 2);
  const uint64_t pseudo = reference_sum(ip, 12, 20) + 6 + (total - ihl);
  return pseudo + reference_sum(ip, ihl, total);
}

inline uint64_t tcp_sum_v6(const std::vector<uint8_t>& ip) {
  const size_t total = 40u + get16(ip, 4);
  return reference_sum(ip, 8, 40) + 6 + (total - 40) + reference_sum(ip, 40, total);
}

inline void fill_tcp_checksum_v4(std::vector<uint8_t>& ip) {
  const size_t ihl = (ip[0] & 0x0f) * 4u;
  set16(ip, ihl + 16, 0);
  set16(ip, ihl + 16, reference_checksum_of_sum(tcp_sum_v4(ip)));
}
inline void fill_tcp_checksum_v6(std::vector<uint8_t>& ip) {
  set16(ip, 40 + 16, 0);
  set16(ip, 40 + 16, reference_checksum_of_sum(tcp_sum_v6(ip)));
}
inline bool tcp_checksum_valid_v4(const std::vector<uint8_t>& ip) {
  return reference_checksum_of_sum(tcp_sum_v4(ip)) == 0;
}
inline bool tcp_checksum_valid_v6(const std::vector<uint8_t>& ip) {
  return reference_checksum_of_sum(tcp_sum_v6(ip)) == 0;
}

}  // namespace lns::testing
