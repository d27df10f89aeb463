#include "tests/lnsgen/port_arp.h"

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <cstring>

#include "common/byte_order.h"

namespace lns::gen {
namespace {

constexpr uint16_t kEtherArp = 0x0806;
constexpr uint16_t kArpRequest = 1, kArpReply = 2;
constexpr uint32_t kArpFrameLen = 14 + 28;

}  // namespace

bool send_frame(uint16_t port, rte_mempool* pool, const uint8_t* data, uint32_t len) {
  rte_mbuf* m = rte_pktmbuf_alloc(pool);
  if (m == nullptr) return false;
  char* dst = rte_pktmbuf_append(m, static_cast<uint16_t>(len));
  if (dst == nullptr) {
    rte_pktmbuf_free(m);
    return false;
  }
  std::memcpy(dst, data, len);
  if (rte_eth_tx_burst(port, 0, &m, 1) == 1) return true;
  rte_pktmbuf_free(m);
  return false;
}

std::vector<uint8_t> PortArp::frame(uint16_t op, const MacBytes& dst_mac, const MacBytes& target_mac,
                                    uint32_t target_ip) const {
  std::vector<uint8_t> f(kArpFrameLen, 0);
  uint8_t* p = f.data();
  std::memcpy(p, dst_mac.data(), 6);
  std::memcpy(p + 6, mac_.data(), 6);
  store_be16(p + 12, kEtherArp);
  uint8_t* a = p + 14;
  store_be16(a, 1);        // Ethernet
  store_be16(a + 2, 0x0800);
  a[4] = 6;
  a[5] = 4;
  store_be16(a + 6, op);
  std::memcpy(a + 8, mac_.data(), 6);
  store_be32(a + 14, my_ip_);
  std::memcpy(a + 18, target_mac.data(), 6);
  store_be32(a + 24, target_ip);
  return f;
}

bool PortArp::handle(const uint8_t* p, uint32_t len) {
  if (len < kArpFrameLen || load_be16(p + 12) != kEtherArp) return false;
  const uint8_t* a = p + 14;
  if (load_be16(a) != 1 || load_be16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4) return true;
  const uint16_t op = load_be16(a + 6);
  MacBytes sender_mac;
  std::memcpy(sender_mac.data(), a + 8, 6);
  const uint32_t sender_ip = load_be32(a + 14);
  const uint32_t target_ip = load_be32(a + 24);
  if (peer_ip_ != 0 && sender_ip == peer_ip_ && (op == kArpReply || target_ip == my_ip_)) {
    if (!peer_mac_) ++stats_.replies_learned;
    peer_mac_ = sender_mac;
  }
  if (op == kArpRequest && my_ip_ != 0 && target_ip == my_ip_) {
    const std::vector<uint8_t> reply = frame(kArpReply, sender_mac, sender_mac, sender_ip);
    if (send_frame(port_, pool_, reply.data(), static_cast<uint32_t>(reply.size()))) ++stats_.requests_answered;
  }
  return true;
}

void PortArp::request() {
  if (peer_ip_ == 0) return;
  const MacBytes broadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  const std::vector<uint8_t> req = frame(kArpRequest, broadcast, MacBytes{}, peer_ip_);
  if (send_frame(port_, pool_, req.data(), static_cast<uint32_t>(req.size()))) ++stats_.requests_sent;
}

}  // namespace lns::gen
