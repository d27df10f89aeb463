#include "controlplane/daemon/udp_frame.h"

#include <cstring>

#include "common/byte_order.h"
#include "common/checksum.h"
#include "common/ip_forward.h"

namespace lns {

std::optional<UdpFrame> parse_udp_frame(absl::Span<const uint8_t> frame) {
  const uint8_t* p = frame.data();
  const size_t len = frame.size();
  if (len < 14) return std::nullopt;
  UdpFrame f;
  std::memcpy(f.dst_mac.data(), p, 6);
  std::memcpy(f.src_mac.data(), p + 6, 6);
  size_t off = 12;
  uint16_t et = load_be16(p + off);
  if (et == kEtherVlan) {
    if (len < 18) return std::nullopt;
    f.vlan = load_be16(p + 14) & 0x0fff;
    off = 16;
    et = load_be16(p + off);
  }
  off += 2;
  if (et != kEtherIpv4 || len < off + 20) return std::nullopt;
  const uint8_t* ip = p + off;
  const size_t ihl = (ip[0] & 0x0f) * 4u;
  const size_t total = load_be16(ip + 2);
  if ((ip[0] >> 4) != 4 || ihl < 20 || total < ihl + 8 || off + total > len) return std::nullopt;
  if ((load_be16(ip + 6) & 0x3fff) != 0 || ip[9] != kIpProtoUdp) return std::nullopt;
  const uint8_t* udp = ip + ihl;
  const size_t ulen = load_be16(udp + 4);
  if (ulen < 8 || ulen > total - ihl) return std::nullopt;
  f.src_ip = load_be32(ip + 12);
  f.dst_ip = load_be32(ip + 16);
  f.src_port = load_be16(udp);
  f.dst_port = load_be16(udp + 2);
  f.payload = absl::Span<const uint8_t>(udp + 8, ulen - 8);
  return f;
}

size_t udp_frame_size(const UdpFrame& f) {
  return (f.vlan ? 18 : 14) + 20 + 8 + f.payload_head.size() + f.payload.size();
}

namespace {

// The two 16-bit halves of a 32-bit field, added (one's-complement sums
// fold the carries later).
uint32_t halves(uint32_t v) { return (v >> 16) + (v & 0xffff); }

// The folded one's-complement sum of a buffer that starts at an odd offset
// of the summed data: each byte changes places within its word, which
// swaps the bytes of the sum.
uint32_t sum_at_odd_offset(absl::Span<const uint8_t> b) {
  const auto folded = static_cast<uint16_t>(~checksum_fold(checksum_partial(b.data(), b.size())));
  return static_cast<uint32_t>(((folded & 0xff) << 8) | (folded >> 8));
}

}  // namespace

void write_udp_frame(uint8_t* p, const UdpFrame& f, uint16_t ip_id) {
  const size_t l2 = f.vlan ? 18 : 14;
  const size_t payload_len = f.payload_head.size() + f.payload.size();
  const auto ip_len = static_cast<uint16_t>(20 + 8 + payload_len);
  const auto ulen = static_cast<uint16_t>(8 + payload_len);
  // Both checksums are summed from the values and the caller's payload,
  // never read back from `p`: an mbuf's lines are cold, and loading the
  // header just stored there waited for them to arrive (in a perf profile
  // of session set-up, most of this function's samples sat on that load).
  const uint32_t addresses = halves(f.src_ip) + halves(f.dst_ip);
  const uint32_t ip_sum = 0x4500u + ip_len + ip_id + 0x4000u + (64u << 8 | kIpProtoUdp) + addresses;
  uint32_t udp_sum = addresses + kIpProtoUdp + ulen + f.src_port + f.dst_port + ulen;  // pseudo-header, header
  udp_sum += checksum_partial(f.payload_head.data(), f.payload_head.size());
  udp_sum += f.payload_head.size() % 2 == 0 ? checksum_partial(f.payload.data(), f.payload.size())
                                             : sum_at_odd_offset(f.payload);
  const uint16_t udp_check = checksum_fold(udp_sum);

  std::memcpy(p, f.dst_mac.data(), 6);
  std::memcpy(p + 6, f.src_mac.data(), 6);
  if (f.vlan) {
    store_be16(p + 12, kEtherVlan);
    store_be16(p + 14, *f.vlan);
  }
  store_be16(p + l2 - 2, kEtherIpv4);
  uint8_t* ip = p + l2;
  ip[0] = 0x45;
  ip[1] = 0;
  store_be16(ip + 2, ip_len);
  store_be16(ip + 4, ip_id);
  store_be16(ip + 6, 0x4000);
  ip[8] = 64;
  ip[9] = kIpProtoUdp;
  store_be16(ip + 10, checksum_fold(ip_sum));
  store_be32(ip + 12, f.src_ip);
  store_be32(ip + 16, f.dst_ip);
  uint8_t* udp = ip + 20;
  store_be16(udp, f.src_port);
  store_be16(udp + 2, f.dst_port);
  store_be16(udp + 4, ulen);
  store_be16(udp + 6, udp_check == 0 ? 0xffff : udp_check);  // a computed zero is sent as all ones
  if (!f.payload_head.empty()) std::memcpy(udp + 8, f.payload_head.data(), f.payload_head.size());
  if (!f.payload.empty()) std::memcpy(udp + 8 + f.payload_head.size(), f.payload.data(), f.payload.size());
}

std::vector<uint8_t> build_udp_frame(const UdpFrame& f, uint16_t ip_id) {
  std::vector<uint8_t> out(udp_frame_size(f));
  write_udp_frame(out.data(), f, ip_id);
  return out;
}

}  // namespace lns
