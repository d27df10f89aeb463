// What LnsEngine exposes: the peer address type, the views of tunnels and
// sessions it hands to the PPP layer and the CLI, its counters, and the two
// interfaces through which it talks to the rest of the daemon.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "controlplane/l2tp/avp.h"
#include "controlplane/l2tp/message.h"
#include "controlplane/l2tp/reliable_channel.h"

namespace lns::l2tp {

// A UDP endpoint: IPv4 address and port in host byte order.
struct PeerAddress {
  uint32_t ipv4 = 0;
  uint16_t port = 0;

  bool operator==(const PeerAddress&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const PeerAddress& p) {
    return H::combine(std::move(h), p.ipv4, p.port);
  }
};
std::string to_string(const PeerAddress& p);

// Our IDs: what the LAC puts in the header of messages it sends us.
struct SessionKey {
  uint16_t tunnel_id = 0;
  uint16_t session_id = 0;

  bool operator==(const SessionKey&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const SessionKey& k) {
    return H::combine(std::move(h), k.tunnel_id, k.session_id);
  }
};

enum class TunnelState : uint8_t {
  kWaitCtlConn,  // SCCRP sent, waiting for SCCCN
  kEstablished,
  kClosing,      // we sent StopCCN; waiting for its acknowledgement
  kClosed,       // the peer's StopCCN was acknowledged, or the channel failed;
                 // state lingers to re-acknowledge retransmissions
};
std::string_view tunnel_state_name(TunnelState s);

enum class CallDirection : uint8_t { kIncoming, kOutgoing };

enum class SessionState : uint8_t {
  kWaitReply,    // outgoing: OCRQ sent, waiting for OCRP
  kWaitConnect,  // incoming: ICRP sent, waiting for ICCN; outgoing: waiting for OCCN
  kEstablished,
};
std::string_view session_state_name(SessionState s);

// Everything the LAC told us about one call, for the PPP layer and the CLI.
struct SessionInfo {
  SessionKey key;
  uint16_t peer_tunnel_id = 0;
  uint16_t peer_session_id = 0;  // 0 until an outgoing call's OCRP
  PeerAddress peer;
  std::string lac_host_name;
  CallDirection direction = CallDirection::kIncoming;
  SessionState state = SessionState::kWaitConnect;

  uint32_t call_serial_number = 0;
  std::optional<uint32_t> bearer_type;
  std::optional<uint32_t> framing_type;
  std::optional<uint32_t> physical_channel_id;
  std::optional<uint32_t> minimum_bps;  // outgoing calls
  std::optional<uint32_t> maximum_bps;
  std::string calling_number;
  std::string called_number;
  std::string sub_address;
  std::optional<uint32_t> tx_connect_speed;
  std::optional<uint32_t> rx_connect_speed;
  std::string private_group_id;
  // RFC 2661 6.7/6.8: the LNS must sequence data messages of this session.
  bool sequencing_required = false;
  std::optional<std::string> agent_circuit_id;  // BBF vendor 3561 type 1
  std::optional<std::string> agent_remote_id;   // BBF vendor 3561 type 2
  // Every other vendor AVP and unrecognised optional IETF AVP from
  // ICRQ/ICCN/OCRP/OCCN, in arrival order.
  std::vector<RawAvp> vendor_avps;
  // Proxy LCP and proxy authentication AVPs (types 26-33) from ICCN, value
  // octets as sent. Only carried by on_session_established(): the engine
  // drops them once the PPP layer has had them.
  std::vector<RawAvp> proxy_avps;

  // Latest WEN / SLI contents.
  std::optional<CallErrors> call_errors;
  std::optional<Accm> accm;

  TimePoint created_at{};
  std::optional<TimePoint> established_at;

  // The proxy AVP of `type`, or nullptr.
  const RawAvp* find_proxy_avp(AvpType type) const;
};

struct ChannelInfo {
  uint16_t next_ns = 0;
  uint16_t next_nr = 0;
  size_t outstanding = 0;
  uint16_t congestion_window = 0;
  uint16_t slow_start_threshold = 0;
  uint16_t peer_receive_window = 0;
  ReliableChannelStats stats;
  RttEstimate rtt;
};

struct TunnelInfo {
  uint16_t tunnel_id = 0;
  uint16_t peer_tunnel_id = 0;
  PeerAddress peer;
  TunnelState state = TunnelState::kWaitCtlConn;
  std::string lac_host_name;
  std::string lac_vendor_name;
  std::optional<uint16_t> lac_firmware_revision;
  uint32_t framing_capabilities = 0;
  std::optional<uint32_t> bearer_capabilities;
  std::string policy_name;    // empty: no LacPolicy matched
  bool authenticated = false;  // the LAC proved it knows the secret
  bool hiding_avps = false;
  bool draining = false;
  uint32_t sessions = 0;
  TimePoint created_at{};
  std::optional<TimePoint> established_at;
  std::optional<TimePoint> last_receive;
  ChannelInfo channel;
};

// Who ended a tunnel or session and why.
enum class Closer : uint8_t {
  kPeer,   // the LAC sent StopCCN / CDN
  kLocal,  // an admin call or shutdown
  kError,  // the engine: protocol error, timeout, channel failure
};
std::string_view closer_name(Closer c);

struct CloseReason {
  Closer closer = Closer::kLocal;
  // The Result Code sent or received (StopCCN or CDN values).
  ResultCode result;
  std::optional<Q931Cause> q931;  // from the peer's CDN
  // Set when the tunnel's control channel failed (retries exhausted).
  bool channel_failure = false;
};

struct EngineStats {
  uint64_t tunnels_established = 0;
  uint64_t sessions_established = 0;
  // SCCRQ refused, by reason.
  uint64_t tunnels_refused_auth_failed = 0;   // wrong or missing Challenge Response
  uint64_t tunnels_refused_not_allowed = 0;   // unknown LAC on an allow-list
  uint64_t tunnels_refused_limit = 0;
  uint64_t tunnels_refused_version = 0;
  uint64_t tunnels_refused_shutdown = 0;
  uint64_t sccrq_paced = 0;                   // dropped by admission control
  uint64_t wait_ctl_conn_timeouts = 0;
  // ICRQ/OCRQ refused, by reason.
  uint64_t sessions_refused_limit = 0;
  uint64_t sessions_refused_draining = 0;
  uint64_t icrq_paced = 0;
  uint64_t session_setup_timeouts = 0;
  uint64_t stopccn_sent = 0;
  uint64_t stopccn_received = 0;
  uint64_t cdn_sent = 0;
  uint64_t cdn_received = 0;
  uint64_t hello_sent = 0;
  uint64_t wen_received = 0;
  uint64_t sli_received = 0;
  uint64_t channel_failures = 0;
  uint64_t unknown_mandatory_avp = 0;  // messages refused for one
  uint64_t malformed = 0;              // datagrams the codec rejected
  uint64_t unknown_tunnel = 0;         // addressed to a tunnel we do not have
  uint64_t unknown_session = 0;
  uint64_t wrong_peer = 0;             // right tunnel ID, wrong source address
  uint64_t fsm_errors = 0;             // messages not valid in the current state
  uint64_t send_queue_full = 0;        // our message refused by a full control queue
};

// Where the engine's datagrams go (the UDP socket / inject path). Must not
// call back into the engine.
class DatagramSink {
 public:
  virtual ~DatagramSink() = default;
  virtual void send(const PeerAddress& to, std::vector<uint8_t> udp_payload) = 0;
};

// What the engine tells the rest of the daemon. Events are delivered after
// the engine has finished handling the input that caused them, so handlers
// may call back into the engine. Closing events come only for tunnels and
// sessions whose establishment was reported.
class SessionEvents {
 public:
  virtual ~SessionEvents() = default;
  virtual void on_tunnel_established(const TunnelInfo&) {}
  virtual void on_session_established(const SessionInfo&) = 0;
  virtual void on_session_closed(const SessionInfo&, const CloseReason&) = 0;
  virtual void on_tunnel_closed(const TunnelInfo&, const CloseReason&) = 0;
};

}  // namespace lns::l2tp
