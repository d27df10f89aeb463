#include "controlplane/l2tp/engine_types.h"

#include "absl/strings/str_format.h"

namespace lns::l2tp {

std::string to_string(const PeerAddress& p) {
  return absl::StrFormat("%u.%u.%u.%u:%u", p.ipv4 >> 24, (p.ipv4 >> 16) & 0xFF, (p.ipv4 >> 8) & 0xFF, p.ipv4 & 0xFF,
                         p.port);
}

std::string_view tunnel_state_name(TunnelState s) {
  switch (s) {
    case TunnelState::kWaitCtlConn: return "wait-ctl-conn";
    case TunnelState::kEstablished: return "established";
    case TunnelState::kClosing: return "closing";
    case TunnelState::kClosed: return "closed";
  }
  return "?";
}

std::string_view session_state_name(SessionState s) {
  switch (s) {
    case SessionState::kWaitReply: return "wait-reply";
    case SessionState::kWaitConnect: return "wait-connect";
    case SessionState::kEstablished: return "established";
  }
  return "?";
}

std::string_view closer_name(Closer c) {
  switch (c) {
    case Closer::kPeer: return "peer";
    case Closer::kLocal: return "local";
    case Closer::kError: return "error";
  }
  return "?";
}

const RawAvp* SessionInfo::find_proxy_avp(AvpType type) const {
  for (const RawAvp& avp : proxy_avps)
    if (avp.vendor_id == kIetfVendorId && avp.type == static_cast<uint16_t>(type)) return &avp;
  return nullptr;
}

}  // namespace lns::l2tp
