#include "tests/bench/frame_writer.h"

#include <cstring>

#include <rte_mbuf.h>

#include "common/byte_order.h"
#include "common/checksum.h"
#include "tests/support/packet_builder.h"

namespace lns::bench {
namespace {

constexpr uint32_t kEthLen = 14;
constexpr uint32_t kUpstreamEncapLen = 20 + 8 + 6 + 4;  // IPv4, UDP, L2TP, PPP (FF 03 00 21)

// Offsets inside an IPv4 header.
constexpr uint32_t kIpChecksum = 10;
constexpr uint32_t kIpSrc = 12;
constexpr uint32_t kIpDst = 16;

uint32_t sum32(uint32_t v) { return (v >> 16) + (v & 0xffff); }

}  // namespace

FrameWriter::FrameWriter(Direction dir, uint16_t inner_len, const FrameAddresses& a) : dir_(dir) {
  const uint16_t udp_payload = static_cast<uint16_t>(inner_len - 28);
  if (dir == Direction::kUpstream) {
    const test::Bytes inner =
        test::ipv4(0, kCoreHost, 17, test::udp(5000, 53, test::payload_bytes(udp_payload)));
    const test::Bytes l2tp = test::l2tp(0, 0, test::ppp(0x0021, inner));
    frame_ = test::concat(test::ethernet(a.lns_access_mac, kLacMac, 0x0800),
                          test::ipv4(0, a.lns_access_ipv4, 17, test::udp(1701, 1701, l2tp)));
    outer_ip_off_ = kEthLen;
    inner_ip_off_ = kEthLen + kUpstreamEncapLen;
  } else {
    frame_ = test::concat(test::ethernet(a.lns_core_mac, kRouterMac, 0x0800),
                          test::ipv4(kCoreHost, 0, 17, test::udp(53, 5000, test::payload_bytes(udp_payload))));
    inner_ip_off_ = kEthLen;
  }
  header_len_ = inner_ip_off_ + 20 + 8;
  uint8_t* inner = frame_.data() + inner_ip_off_;
  store_be16(inner + kIpChecksum, 0);
  inner_sum_ = checksum_partial(inner, 20);
  if (dir == Direction::kUpstream) {
    uint8_t* outer = frame_.data() + outer_ip_off_;
    store_be16(outer + kIpChecksum, 0);
    outer_sum_ = checksum_partial(outer, 20);
  }
}

void FrameWriter::patch(uint8_t* p, const BenchSession& s) const {
  uint8_t* inner = p + inner_ip_off_;
  if (dir_ == Direction::kUpstream) {
    uint8_t* outer = p + outer_ip_off_;
    store_be32(outer + kIpSrc, s.lac_ipv4);
    store_be16(outer + kIpChecksum, checksum_fold(outer_sum_ + sum32(s.lac_ipv4)));
    uint8_t* l2tp = outer + 20 + 8;
    store_be16(l2tp + 2, s.tunnel_id);
    store_be16(l2tp + 4, s.session_id);
    store_be32(inner + kIpSrc, s.subscriber_ipv4);
  } else {
    store_be32(inner + kIpDst, s.subscriber_ipv4);
  }
  store_be16(inner + kIpChecksum, checksum_fold(inner_sum_ + sum32(s.subscriber_ipv4)));
}

void FrameWriter::write(rte_mbuf* m, const BenchSession& s) const {
  m->data_off = RTE_PKTMBUF_HEADROOM;
  m->data_len = static_cast<uint16_t>(frame_.size());
  m->pkt_len = static_cast<uint32_t>(frame_.size());
  m->ol_flags = 0;  // like a NIC without checksum offload: the worker verifies in software
  m->packet_type = 0;
  uint8_t* p = rte_pktmbuf_mtod(m, uint8_t*);
  std::memcpy(p, frame_.data(), header_len_);
  patch(p, s);
}

std::vector<uint8_t> FrameWriter::frame_for(const BenchSession& s) const {
  std::vector<uint8_t> f = frame_;
  patch(f.data(), s);
  return f;
}

}  // namespace lns::bench
