#include "controlplane/daemon/access_io.h"

#include "common/byte_order.h"
#include "common/l2tp_header.h"

namespace lns {

std::optional<MacBytes> AccessIo::neighbor(uint32_t ipv4) const {
  auto it = neighbors_.find(ipv4);
  if (it != neighbors_.end()) return it->second;
  return me_.next_hop_mac;
}

bool AccessIo::emit(const l2tp::PeerAddress& to, absl::Span<const uint8_t> head,
                    absl::Span<const uint8_t> payload) {
  auto mac = neighbor(to.ipv4);
  if (!mac) {
    ++stats_.no_neighbor;
    return false;
  }
  UdpFrame f;
  f.src_mac = me_.mac;
  f.dst_mac = *mac;
  f.vlan = me_.vlan;
  f.src_ip = me_.ipv4;
  f.dst_ip = to.ipv4;
  f.src_port = kL2tpPort;
  f.dst_port = to.port;
  f.payload_head = head;
  f.payload = payload;
  if (!out_.send_access_frame(f, next_ip_id_++)) {
    ++stats_.inject_failed;
    return false;
  }
  return true;
}

void AccessIo::send(const l2tp::PeerAddress& to, std::vector<uint8_t> udp_payload) {
  if (emit(to, {}, udp_payload)) ++stats_.control_sent;
}

void AccessIo::send_ppp(const l2tp::PeerAddress& to, uint16_t peer_tunnel_id, uint16_t peer_session_id,
                        absl::Span<const uint8_t> ppp_frame) {
  uint8_t l2tp[6] = {0, kL2tpVersion};
  store_be16(l2tp + 2, peer_tunnel_id);
  store_be16(l2tp + 4, peer_session_id);
  if (emit(to, l2tp, ppp_frame)) ++stats_.ppp_sent;
}

}  // namespace lns
