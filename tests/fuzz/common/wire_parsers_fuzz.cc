// Treats the input as an Ethernet frame and walks it through the same chain
// of wire helpers the data plane applies (common/*.h), plus the control
// plane's ARP responder. Every layer is handed an exact-size heap copy of
// its bytes, so a read one octet too far is an AddressSanitizer report, and
// the helpers' promises (offsets inside the buffer, checksums still valid
// after a rewrite) are checked as invariants.
//
// Each frame is walked twice: as received, so the checks see hostile
// checksums, and "repaired", with the IPv4 header and TCP checksums filled
// in first, so mutations get past the checksum checks to the layers behind.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "common/byte_order.h"
#include "common/checksum.h"
#include "common/ip_forward.h"
#include "common/l2tp_header.h"
#include "common/ppp_header.h"
#include "controlplane/daemon/arp_responder.h"

namespace lns {
namespace {

constexpr uint16_t kMssClamp = 1400;
constexpr uint16_t kAccessVlan = 100;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "wire_parsers: invariant violated: %s\n", what);
    std::abort();
  }
}

std::unique_ptr<uint8_t[]> exact_copy(const uint8_t* p, size_t n) {
  std::unique_ptr<uint8_t[]> out(new uint8_t[n == 0 ? 1 : n]);
  if (n != 0) std::memcpy(out.get(), p, n);
  return out;
}

// TCP checksum over pseudo-header and segment; 0 when the segment verifies.
uint16_t tcp_check_v4(const uint8_t* ip, uint32_t ihl, uint32_t total_len) {
  const uint32_t tcp_len = total_len - ihl;
  uint32_t sum = checksum_partial(ip + 12, 8) + kIpProtoTcp + tcp_len;
  return checksum_fold(checksum_partial(ip + ihl, tcp_len, sum));
}

uint16_t tcp_check_v6(const uint8_t* ip, uint32_t total_len) {
  const uint32_t tcp_len = total_len - 40;
  uint32_t sum = checksum_partial(ip + 8, 32) + kIpProtoTcp + tcp_len;
  return checksum_fold(checksum_partial(ip + 40, tcp_len, sum));
}

void repair_ipv4_header(uint8_t* ip, uint32_t avail) {
  if (avail < 20) return;
  const uint32_t ihl = (ip[0] & 0x0f) * 4u;
  if (ihl < 20 || ihl > avail) return;
  store_be16(ip + 10, 0);
  store_be16(ip + 10, internet_checksum(ip, ihl));
}

// Forwarding of one IP datagram: TTL, then MSS clamp. `ip` has `avail`
// bytes and may be modified (callers pass copies).
void forward_ipv4(uint8_t* ip, uint32_t avail, bool repair) {
  if (repair) repair_ipv4_header(ip, avail);
  uint32_t total_len = 0;
  if (check_ipv4(ip, avail, &total_len) != IpCheck::kOk) return;
  const uint32_t ihl = (ip[0] & 0x0f) * 4u;
  require(total_len >= ihl && total_len <= avail, "check_ipv4 total length inside the buffer");

  auto copy = exact_copy(ip, total_len);
  uint8_t* p = copy.get();
  const bool whole_tcp = p[9] == kIpProtoTcp && (load_be16(p + 6) & 0x3fff) == 0 && total_len - ihl >= 20;
  if (repair && whole_tcp) {
    store_be16(p + ihl + 16, 0);
    store_be16(p + ihl + 16, tcp_check_v4(p, ihl, total_len));
  }
  const bool tcp_valid_before = whole_tcp && tcp_check_v4(p, ihl, total_len) == 0;
  const uint8_t ttl = p[8];
  if (!decrement_ttl_ipv4(p)) {
    require(ttl <= 1, "TTL above 1 refused");
    return;
  }
  require(p[8] == ttl - 1, "TTL decremented by one");
  require(checksum_fold(checksum_partial(p, ihl)) == 0, "header checksum valid after TTL decrement");
  const bool clamped = clamp_mss_ipv4(p, total_len, kMssClamp);
  require(!clamped || p[9] == kIpProtoTcp, "only TCP is clamped");
  if (tcp_valid_before) require(tcp_check_v4(p, ihl, total_len) == 0, "TCP checksum valid after MSS clamp");
}

void forward_ipv6(uint8_t* ip, uint32_t avail, bool repair) {
  uint32_t total_len = 0;
  if (check_ipv6(ip, avail, &total_len) != IpCheck::kOk) return;
  require(total_len >= 40 && total_len <= avail, "check_ipv6 total length inside the buffer");

  auto copy = exact_copy(ip, total_len);
  uint8_t* p = copy.get();
  const bool tcp = p[6] == kIpProtoTcp && total_len - 40 >= 20;
  if (repair && tcp) {
    store_be16(p + 40 + 16, 0);
    store_be16(p + 40 + 16, tcp_check_v6(p, total_len));
  }
  const bool tcp_valid_before = tcp && tcp_check_v6(p, total_len) == 0;
  (void)ipv6_prefix_match(p + 8, p + 24, static_cast<uint8_t>(1 + p[1] % 64));
  const uint8_t hop_limit = p[7];
  if (!decrement_hop_limit_ipv6(p)) {
    require(hop_limit <= 1, "hop limit above 1 refused");
    return;
  }
  const bool clamped = clamp_mss_ipv6(p, total_len, kMssClamp);
  require(!clamped || p[6] == kIpProtoTcp, "only TCP is clamped");
  if (tcp_valid_before) require(tcp_check_v6(p, total_len) == 0, "TCP checksum valid after MSS clamp");
}

// L2TP over UDP as the access port sees it: header, PPP, inner packet.
void decapsulate(const uint8_t* l2tp_in, uint32_t avail, bool repair) {
  auto l2tp_copy = exact_copy(l2tp_in, avail);
  const uint8_t* l2tp = l2tp_copy.get();
  L2tpHeader lh;
  if (parse_l2tp_header(l2tp, avail, &lh) != L2tpHeaderStatus::kOk) return;
  require(lh.payload_offset <= avail, "L2TP payload offset inside the datagram");
  require(uint32_t{lh.payload_offset} + lh.payload_length <= avail, "L2TP payload inside the datagram");
  require(lh.payload_offset >= 6, "L2TP header at least six octets");
  if (lh.is_control()) return;  // punted to the control plane

  auto ppp_copy = exact_copy(l2tp + lh.payload_offset, lh.payload_length);
  const uint8_t* ppp = ppp_copy.get();
  PppHeader ph;
  if (!parse_ppp_header(ppp, lh.payload_length, &ph)) return;
  require(ph.length >= 1 && ph.length <= 4 && ph.length <= lh.payload_length, "PPP header inside the payload");
  if (!ppp_is_network_data(ph.protocol)) return;  // punted

  const uint32_t inner_len = lh.payload_length - ph.length;
  auto inner = exact_copy(ppp + ph.length, inner_len);
  if (ph.protocol == kPppIpv4)
    forward_ipv4(inner.get(), inner_len, repair);
  else
    forward_ipv6(inner.get(), inner_len, repair);
}

void walk(const uint8_t* data, size_t size, bool repair) {
  if (size < 14 || size > 65535) return;
  auto frame_copy = exact_copy(data, size);
  uint8_t* frame = frame_copy.get();
  const uint32_t len = static_cast<uint32_t>(size);
  uint32_t l2 = 14;
  uint16_t ethertype = load_be16(frame + 12);
  if (ethertype == kEtherVlan) {
    if (len < 18) return;
    l2 = 18;
    ethertype = load_be16(frame + 16);
  }
  uint8_t* ip = frame + l2;
  const uint32_t avail = len - l2;
  if (ethertype == kEtherIpv6) {
    forward_ipv6(ip, avail, repair);  // downstream, from the core
    return;
  }
  if (ethertype != kEtherIpv4) return;

  if (repair) repair_ipv4_header(ip, avail);
  forward_ipv4(ip, avail, repair);  // downstream, from the core
  uint32_t ip_len = 0;
  if (check_ipv4(ip, avail, &ip_len) != IpCheck::kOk) return;
  const uint32_t ihl = (ip[0] & 0x0f) * 4u;
  if (ip[9] != kIpProtoUdp || (load_be16(ip + 6) & 0x3fff) != 0 || ip_len < ihl + 8) return;
  const uint8_t* udp = ip + ihl;
  if (load_be16(udp + 2) != kL2tpPort) return;
  const uint32_t udp_len = load_be16(udp + 4);
  if (udp_len < 8 || udp_len > ip_len - ihl) return;
  decapsulate(udp + 8, udp_len - 8, repair);
}

void answer_arp(const uint8_t* data, size_t size) {
  auto frame = exact_copy(data, size);
  ArpIdentity untagged;
  untagged.mac = {0x02, 0x4c, 0x4e, 0x53, 0x00, 0x01};
  untagged.ipv4 = 0xc0000201;  // 192.0.2.1
  ArpIdentity tagged = untagged;
  tagged.vlan = kAccessVlan;
  for (const ArpIdentity* me : {&untagged, &tagged}) {
    const auto reply = arp_reply_for(frame.get(), size, *me);
    if (!reply) continue;
    const size_t off = me->vlan == 0xffff ? 14 : 18;
    require(reply->size() == off + 28, "ARP reply is exactly Ethernet + ARP");
    const uint8_t* r = reply->data() + off;
    require(load_be16(r + 6) == 2, "ARP reply opcode");
    require(load_be32(r + 14) == me->ipv4, "ARP reply from our address");
    require(std::memcmp(r + 8, me->mac.data(), 6) == 0, "ARP reply from our MAC");
    require(std::memcmp(r + 24, frame.get() + off + 14, 4) == 0, "ARP reply to the asker's address");
  }
}

}  // namespace
}  // namespace lns

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lns::walk(data, size, false);
  lns::walk(data, size, true);
  lns::answer_arp(data, size);
  return 0;
}
