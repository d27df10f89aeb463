#include "controlplane/daemon/arp_responder.h"

#include <cstring>

#include "common/byte_order.h"
#include "common/ip_forward.h"

namespace lns {

std::optional<std::vector<uint8_t>> arp_reply_for(const uint8_t* frame, size_t len, const ArpIdentity& me) {
  if (me.ipv4 == 0 || len < 14) return std::nullopt;
  size_t off = 12;
  uint16_t et = load_be16(frame + off);
  if (et == kEtherVlan) {
    if (len < 18 || (load_be16(frame + 14) & 0x0fff) != me.vlan) return std::nullopt;
    off = 16;
    et = load_be16(frame + off);
  } else if (me.vlan != 0xffff) {
    return std::nullopt;
  }
  off += 2;
  if (et != kEtherArp || len < off + 28) return std::nullopt;
  const uint8_t* a = frame + off;
  // Ethernet/IPv4 ARP request (htype 1, ptype 0x0800, hlen 6, plen 4, op 1).
  if (load_be16(a) != 1 || load_be16(a + 2) != kEtherIpv4 || a[4] != 6 || a[5] != 4 ||
      load_be16(a + 6) != 1)
    return std::nullopt;
  if (load_be32(a + 24) != me.ipv4) return std::nullopt;

  std::vector<uint8_t> out(off + 28, 0);
  std::memcpy(out.data(), a + 8, 6);  // to the sender's hardware address
  std::memcpy(out.data() + 6, me.mac.data(), 6);
  if (off == 18) {
    store_be16(out.data() + 12, kEtherVlan);
    store_be16(out.data() + 14, me.vlan);
  }
  store_be16(out.data() + off - 2, kEtherArp);
  uint8_t* r = out.data() + off;
  store_be16(r, 1);
  store_be16(r + 2, kEtherIpv4);
  r[4] = 6;
  r[5] = 4;
  store_be16(r + 6, 2);  // reply
  std::memcpy(r + 8, me.mac.data(), 6);
  store_be32(r + 14, me.ipv4);
  std::memcpy(r + 18, a + 8, 6);
  std::memcpy(r + 24, a + 14, 4);
  return out;
}

}  // namespace lns
