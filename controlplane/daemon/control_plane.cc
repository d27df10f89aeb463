#include "controlplane/daemon/control_plane.h"

#include <cstring>

#include <rte_mbuf.h>

#include "common/byte_order.h"
#include "common/ip_forward.h"

namespace lns {

ControlPlane::ControlPlane(dp::Dataplane& dataplane, ArpIdentity access, ArpIdentity core)
    : dp_(dataplane), access_(access), core_(core) {}

uint32_t ControlPlane::poll() {
  rte_mbuf* pkts[64];
  const uint16_t n = dp_.receive_punted(pkts, 64);
  for (uint16_t i = 0; i < n; ++i) handle(pkts[i]);
  dp_.sessions().reclaim();
  return n;
}

bool ControlPlane::send_frame(dp::Side side, const uint8_t* data, size_t len) {
  rte_mbuf* m = rte_pktmbuf_alloc(dp_.pool());
  if (m == nullptr) return false;
  char* p = rte_pktmbuf_append(m, static_cast<uint16_t>(len));
  if (p == nullptr) {
    rte_pktmbuf_free(m);
    return false;
  }
  std::memcpy(p, data, len);
  return dp_.transmit(side, m);
}

void ControlPlane::handle(rte_mbuf* m) {
  const bool from_access = m->port == dp_.port(dp::Side::kAccess).port_id;
  const auto* p = rte_pktmbuf_mtod(m, const uint8_t*);
  const uint32_t len = rte_pktmbuf_data_len(m);
  uint32_t off = 12;
  uint16_t et = len >= 14 ? load_be16(p + 12) : 0;
  if (et == kEtherVlan && len >= 18) {
    off = 16;
    et = load_be16(p + 16);
  }
  if (et == kEtherArp) {
    const ArpIdentity& me = from_access ? access_ : core_;
    if (auto reply = arp_reply_for(p, len, me)) {
      if (send_frame(from_access ? dp::Side::kAccess : dp::Side::kCore, reply->data(), reply->size()))
        ++stats_.arp_replies;
      else
        ++stats_.inject_failed;
    } else {
      ++stats_.arp_ignored;
    }
  } else if (et == kEtherIpv4 && len >= off + 2 + 20 + 8 + 1) {
    // Workers only punt L2TP from the access port: either a control message
    // (T bit) or a PPP control frame of a known session.
    const uint8_t* ip = p + off + 2;
    const uint8_t* l2tp = ip + (ip[0] & 0x0f) * 4 + 8;
    if (l2tp < p + len && (l2tp[0] & 0x80))
      ++stats_.l2tp_control;
    else
      ++stats_.ppp_control;
  } else {
    ++stats_.other;
  }
  rte_pktmbuf_free(m);
}

}  // namespace lns
