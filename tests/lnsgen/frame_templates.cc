#include "tests/lnsgen/frame_templates.h"

#include <algorithm>
#include <vector>

#include "common/byte_order.h"
#include "common/checksum.h"
#include "common/l2tp_header.h"

namespace lns::gen {
namespace {

constexpr size_t kEthernet = 14, kIpv4 = 20, kUdp = 8;
constexpr size_t kUdpChecksumInFrame = kEthernet + kIpv4 + 6;

uint16_t clamp_size(uint16_t size) { return std::clamp(size, kMinPacketSize, kMaxPacketSize); }

// The subscriber's IPv4/UDP packet, all zeros after the UDP header.
std::vector<uint8_t> inner_packet(uint32_t src, uint32_t dst, uint16_t size) {
  std::vector<uint8_t> p(size, 0);
  p[0] = 0x45;
  store_be16(&p[2], size);
  store_be16(&p[6], 0x4000);  // DF: lnsd must not need to fragment it
  p[8] = 64;
  p[9] = 17;
  store_be32(&p[12], src);
  store_be32(&p[16], dst);
  store_be16(&p[10], internet_checksum(p.data(), kIpv4));
  store_be16(&p[20], kProbeSourcePort);
  store_be16(&p[22], kProbeDestinationPort);
  store_be16(&p[24], static_cast<uint16_t>(size - kIpv4));
  return p;
}

FrameTemplate finish(std::vector<uint8_t> frame, size_t header_len) {
  frame[kUdpChecksumInFrame] = 0;
  frame[kUdpChecksumInFrame + 1] = 0;
  FrameTemplate t;
  t.header_len = static_cast<uint16_t>(header_len);
  t.frame_len = static_cast<uint16_t>(frame.size());
  std::copy_n(frame.begin(), header_len, t.header.begin());
  return t;
}

}  // namespace

FrameTemplate upstream_template(const Endpoints& e, const SessionAddress& s, uint16_t packet_size) {
  const uint16_t size = clamp_size(packet_size);
  const std::vector<uint8_t> inner = inner_packet(s.subscriber_ip, e.far_ip, size);
  // L2TP data header without optional fields, then PPP in HDLC-like framing.
  std::vector<uint8_t> payload = {0x00, 0x02, 0, 0, 0, 0, 0xff, 0x03, 0x00, 0x21};
  store_be16(&payload[2], s.lns_tunnel_id);
  store_be16(&payload[4], s.lns_session_id);
  payload.insert(payload.end(), inner.begin(), inner.end());
  UdpFrame f;
  f.src_mac = e.access_mac;
  f.dst_mac = e.lns_access_mac;
  f.src_ip = e.lac_ip;
  f.dst_ip = e.lns_ip;
  f.src_port = s.lac_port;
  f.dst_port = 1701;
  f.payload = payload;
  std::vector<uint8_t> frame = build_udp_frame(f, 0);
  return finish(std::move(frame), kEthernet + kIpv4 + kUdp + 10 + kIpv4 + kUdp);
}

FrameTemplate downstream_template(const Endpoints& e, const SessionAddress& s, uint16_t packet_size) {
  const uint16_t size = clamp_size(packet_size);
  const std::vector<uint8_t> zeros(size - kIpv4 - kUdp, 0);
  UdpFrame f;
  f.src_mac = e.core_mac;
  f.dst_mac = e.lns_core_mac;
  f.src_ip = e.far_ip;
  f.dst_ip = s.subscriber_ip;
  f.src_port = kProbeDestinationPort;
  f.dst_port = kProbeSourcePort;
  f.payload = zeros;
  std::vector<uint8_t> frame = build_udp_frame(f, 0);
  return finish(std::move(frame), kEthernet + kIpv4 + kUdp);
}

namespace {

// Offset of the IPv4 header (read_stamp accepted the frame, so it is IPv4).
uint32_t l3_offset(const uint8_t* frame) { return load_be16(frame + 12) == 0x8100 ? 18 : 14; }

}  // namespace

bool delivered_upstream(const uint8_t* frame, uint32_t len, const SessionAddress& s) {
  const uint32_t l3 = l3_offset(frame);
  return len >= l3 + kIpv4 && load_be32(frame + l3 + 12) == s.subscriber_ip;
}

bool delivered_downstream(const uint8_t* frame, uint32_t len, const SessionAddress& s) {
  const uint32_t l3 = l3_offset(frame);
  if (len < l3 + kIpv4 || frame[l3 + 9] != 17) return false;
  const uint32_t l4 = l3 + (frame[l3] & 0x0f) * 4u;
  if (len < l4 + kUdp || load_be16(frame + l4 + 2) != s.lac_port) return false;
  L2tpHeader h;
  if (parse_l2tp_header(frame + l4 + kUdp, len - l4 - kUdp, &h) != L2tpHeaderStatus::kOk) return false;
  return !h.is_control() && h.tunnel_id == s.lac_tunnel_id && h.session_id == s.lac_session_id;
}

}  // namespace lns::gen
