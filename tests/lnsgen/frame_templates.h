// The frames lnsgen sends, prepared once per session and packet size before
// traffic starts, so the hot path only copies a header and writes a stamp:
//   upstream (access port, as the LAC):
//     Ethernet / IPv4 LAC->LNS / UDP port->1701 / L2TP data (no L, S or O)
//     / PPP FF 03 0021 / IPv4 subscriber->far / UDP / zeros / stamp
//   downstream (core port, as the Internet):
//     Ethernet / IPv4 far->subscriber / UDP / zeros / stamp
// UDP checksums are 0 (allowed for IPv4): the stamp changes per packet. The
// bytes between the headers and the stamp are not written per packet.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

#include "controlplane/daemon/udp_frame.h"
#include "tests/lnsgen/traffic_stamp.h"

namespace lns::gen {

// Inner IPv4 packet sizes (the subscriber's packet, IPv4 header included).
inline constexpr uint16_t kMinPacketSize = 20 + 8 + kStampSize;
inline constexpr uint16_t kMaxPacketSize = 1500;
inline constexpr uint16_t kProbeSourcePort = 40000;
inline constexpr uint16_t kProbeDestinationPort = 9;

// Addresses host order; MACs as on the wire.
struct Endpoints {
  MacBytes access_mac{};      // ours, the LAC side
  MacBytes lns_access_mac{};  // lnsd's access port
  MacBytes core_mac{};        // ours, the Internet side
  MacBytes lns_core_mac{};    // lnsd's core port
  uint32_t lac_ip = 0;
  uint32_t lns_ip = 0;
  uint32_t far_ip = 0;        // the Internet host subscribers talk to
};

// One session as the data plane sees it.
struct SessionAddress {
  uint16_t lac_port = 0;        // our UDP source port for its tunnel
  uint16_t lns_tunnel_id = 0;   // the IDs lnsd chose
  uint16_t lns_session_id = 0;
  uint32_t subscriber_ip = 0;
  uint16_t lac_tunnel_id = 0;   // ours: what lnsd must put in downstream frames
  uint16_t lac_session_id = 0;
};

struct FrameTemplate {
  static constexpr uint16_t kMaxHeader = 96;
  std::array<uint8_t, kMaxHeader> header{};
  uint16_t header_len = 0;  // bytes to copy per packet
  uint16_t frame_len = 0;   // whole frame, stamp included
};

FrameTemplate upstream_template(const Endpoints& e, const SessionAddress& s, uint16_t packet_size);
FrameTemplate downstream_template(const Endpoints& e, const SessionAddress& s, uint16_t packet_size);

// Whether a stamped frame arrived where its session's packets must: at the
// core, the subscriber's packet with its own source address; at the access
// port, an L2TP data message to the session's tunnel port carrying our
// tunnel and session IDs. Hot path; the frame's stamp has been read, so its
// IPv4 header is known to be within bounds.
bool delivered_upstream(const uint8_t* frame, uint32_t len, const SessionAddress& s);
bool delivered_downstream(const uint8_t* frame, uint32_t len, const SessionAddress& s);

// Writes one frame into `dst` (frame_len bytes of room).
inline void fill_frame(uint8_t* dst, const FrameTemplate& t, const Stamp& stamp) {
  std::memcpy(dst, t.header.data(), t.header_len);
  write_stamp(dst + t.frame_len, stamp);
}

}  // namespace lns::gen
