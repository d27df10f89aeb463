// Builds test frames field by field, independently of the production codecs
// (own checksum), so byte-exact comparisons check the data plane against a
// second implementation rather than against itself.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace lns::test {

using Bytes = std::vector<uint8_t>;
using Mac = std::array<uint8_t, 6>;

inline void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
inline void put32(Bytes& b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}
inline void set16(Bytes& b, size_t off, uint16_t v) {
  b[off] = static_cast<uint8_t>(v >> 8);
  b[off + 1] = static_cast<uint8_t>(v);
}

inline uint16_t ones_complement_sum(const uint8_t* p, size_t n, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t(p[i]) << 8) | p[i + 1];
  if (n & 1) sum += uint32_t(p[n - 1]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

inline Bytes ethernet(const Mac& dst, const Mac& src, uint16_t ethertype, std::optional<uint16_t> vlan = {}) {
  Bytes b(dst.begin(), dst.end());
  b.insert(b.end(), src.begin(), src.end());
  if (vlan) {
    put16(b, 0x8100);
    put16(b, *vlan);
  }
  put16(b, ethertype);
  return b;
}

struct Ipv4Opts {
  uint8_t ttl = 64;
  uint8_t tos = 0;
  uint16_t id = 0;
  uint16_t frag = 0;  // flags + offset word
};

inline Bytes ipv4(uint32_t src, uint32_t dst, uint8_t proto, const Bytes& payload, Ipv4Opts o = {}) {
  Bytes b;
  b.push_back(0x45);
  b.push_back(o.tos);
  put16(b, static_cast<uint16_t>(20 + payload.size()));
  put16(b, o.id);
  put16(b, o.frag);
  b.push_back(o.ttl);
  b.push_back(proto);
  put16(b, 0);
  put32(b, src);
  put32(b, dst);
  set16(b, 10, static_cast<uint16_t>(~ones_complement_sum(b.data(), 20)));
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

inline Bytes ipv6(const std::array<uint8_t, 16>& src, const std::array<uint8_t, 16>& dst, uint8_t next,
                  const Bytes& payload, uint8_t hop_limit = 64) {
  Bytes b{0x60, 0, 0, 0};
  put16(b, static_cast<uint16_t>(payload.size()));
  b.push_back(next);
  b.push_back(hop_limit);
  b.insert(b.end(), src.begin(), src.end());
  b.insert(b.end(), dst.begin(), dst.end());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// UDP with checksum 0 (allowed over IPv4; L2TP senders commonly do this).
inline Bytes udp(uint16_t sport, uint16_t dport, const Bytes& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<uint16_t>(8 + payload.size()));
  put16(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

struct L2tpOpts {
  bool length = false;
  bool sequence = false;
  uint16_t ns = 0, nr = 0;
  std::optional<uint16_t> offset;  // Offset Size; that many pad bytes follow
  bool priority = false;
  bool control = false;
  uint8_t version = 2;
};

inline Bytes l2tp(uint16_t tunnel, uint16_t session, const Bytes& payload, L2tpOpts o = {}) {
  Bytes b;
  uint8_t f = 0;
  if (o.control) f |= 0x80;
  if (o.length) f |= 0x40;
  if (o.sequence) f |= 0x08;
  if (o.offset) f |= 0x02;
  if (o.priority) f |= 0x01;
  b.push_back(f);
  b.push_back(o.version);
  if (o.length) put16(b, 0);  // patched below
  put16(b, tunnel);
  put16(b, session);
  if (o.sequence) {
    put16(b, o.ns);
    put16(b, o.nr);
  }
  if (o.offset) {
    put16(b, *o.offset);
    for (uint16_t i = 0; i < *o.offset; ++i) b.push_back(0xee);
  }
  b.insert(b.end(), payload.begin(), payload.end());
  if (o.length) set16(b, 2, static_cast<uint16_t>(b.size()));
  return b;
}

struct PppOpts {
  bool address_control = true;  // FF 03
  bool compressed_protocol = false;
};

inline Bytes ppp(uint16_t protocol, const Bytes& payload, PppOpts o = {}) {
  Bytes b;
  if (o.address_control) {
    b.push_back(0xff);
    b.push_back(0x03);
  }
  if (o.compressed_protocol && protocol < 0x100) {
    b.push_back(static_cast<uint8_t>(protocol));
  } else {
    put16(b, protocol);
  }
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

inline Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline Bytes payload_bytes(size_t n, uint8_t seed = 1) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
  return b;
}

// TCP SYN with an MSS option; checksum over the IPv4 pseudo-header.
inline Bytes tcp_syn_v4(uint32_t src, uint32_t dst, uint16_t mss) {
  Bytes t;
  put16(t, 40000);
  put16(t, 80);
  put32(t, 1);
  put32(t, 0);
  t.push_back(0x60);  // data offset 6 words
  t.push_back(0x02);  // SYN
  put16(t, 65535);
  put16(t, 0);
  put16(t, 0);
  t.push_back(2);
  t.push_back(4);
  put16(t, mss);
  Bytes pseudo;
  put32(pseudo, src);
  put32(pseudo, dst);
  put16(pseudo, 6);
  put16(pseudo, static_cast<uint16_t>(t.size()));
  uint32_t sum = ones_complement_sum(pseudo.data(), pseudo.size());
  sum = ones_complement_sum(t.data(), t.size(), sum);
  set16(t, 16, static_cast<uint16_t>(~sum));
  return t;
}

// TCP SYN with an MSS option; checksum over the IPv6 pseudo-header.
inline Bytes tcp_syn_v6(const std::array<uint8_t, 16>& src, const std::array<uint8_t, 16>& dst, uint16_t mss) {
  Bytes t = tcp_syn_v4(0, 0, mss);
  set16(t, 16, 0);
  Bytes pseudo(src.begin(), src.end());
  pseudo.insert(pseudo.end(), dst.begin(), dst.end());
  put32(pseudo, static_cast<uint32_t>(t.size()));
  put32(pseudo, 6);
  uint32_t sum = ones_complement_sum(pseudo.data(), pseudo.size());
  sum = ones_complement_sum(t.data(), t.size(), sum);
  set16(t, 16, static_cast<uint16_t>(~sum));
  return t;
}

}  // namespace lns::test
