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

void write_udp_frame(uint8_t* p, const UdpFrame& f, uint16_t ip_id) {
  const size_t l2 = f.vlan ? 18 : 14;
  const size_t payload_len = f.payload_head.size() + f.payload.size();
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
  store_be16(ip + 2, static_cast<uint16_t>(20 + 8 + payload_len));
  store_be16(ip + 4, ip_id);
  store_be16(ip + 6, 0x4000);
  ip[8] = 64;
  ip[9] = kIpProtoUdp;
  store_be16(ip + 10, 0);
  store_be32(ip + 12, f.src_ip);
  store_be32(ip + 16, f.dst_ip);
  store_be16(ip + 10, internet_checksum(ip, 20));
  uint8_t* udp = ip + 20;
  const uint16_t ulen = static_cast<uint16_t>(8 + payload_len);
  store_be16(udp, f.src_port);
  store_be16(udp + 2, f.dst_port);
  store_be16(udp + 4, ulen);
  store_be16(udp + 6, 0);
  if (!f.payload_head.empty()) std::memcpy(udp + 8, f.payload_head.data(), f.payload_head.size());
  if (!f.payload.empty()) std::memcpy(udp + 8 + f.payload_head.size(), f.payload.data(), f.payload.size());
  store_be16(udp + 6, udp_checksum(ip + 12, 8, udp, ulen));
}

std::vector<uint8_t> build_udp_frame(const UdpFrame& f, uint16_t ip_id) {
  std::vector<uint8_t> out(udp_frame_size(f));
  write_udp_frame(out.data(), f, ip_id);
  return out;
}

}  // namespace lns
