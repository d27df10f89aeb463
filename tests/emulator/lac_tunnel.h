// One L2TP tunnel as a LAC runs it (RFC 2661), for the emulator: SCCRQ /
// SCCRP / SCCCN with optional tunnel authentication, incoming calls
// (ICRQ / ICRP / ICCN), CDN and StopCCN in both directions, and PPP frames
// in data messages. Control messages go through the LNS's own codec and
// ReliableChannel, which are symmetric. Unlike the unit-test FakeLac it
// reports progress through a listener, so thousands of calls can be driven
// without scanning state.
//
// Single-threaded; owns no socket. Datagrams leave through TunnelOutput;
// feed the LNS's datagrams to receive() and call on_timer() at
// next_deadline().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/l2tp/message.h"
#include "controlplane/l2tp/reliable_channel.h"

namespace lns::emu {

class TunnelOutput {
 public:
  virtual ~TunnelOutput() = default;
  // One UDP payload from tunnel `tunnel_id` (ours) to the LNS. False when
  // it could not be sent (control messages are then retransmitted).
  virtual bool send_to_lns(uint16_t tunnel_id, absl::Span<const uint8_t> datagram) = 0;
};

struct LacTunnelConfig {
  uint16_t tunnel_id = 1;  // ours
  std::string host_name = "lns-emulator";
  std::string vendor_name = "lns-emulator";
  // Tunnel secret: challenge the LNS in SCCRQ and answer its challenge.
  // Empty: no tunnel authentication.
  std::string secret;
  bool hide_avps = false;
  uint16_t receive_window = 64;
  l2tp::ReliableChannelConfig channel;
};

enum class LacTunnelState : uint8_t { kIdle, kWaitReply, kEstablished, kClosing, kClosed };
std::string_view to_string(LacTunnelState state);

// Why a tunnel or call ended.
struct ClearReason {
  std::string what;  // "stopccn", "cdn", "channel-failure", "lns-auth-failed", ...
  std::optional<l2tp::ResultCode> result;
};

class LacTunnelListener {
 public:
  virtual ~LacTunnelListener() = default;
  // SCCRP arrived and SCCCN is on its way: calls may be placed.
  virtual void on_tunnel_up(uint16_t tunnel_id) = 0;
  // The LNS (StopCCN, channel failure) or we ended the tunnel; every call
  // still open on it is gone too (no per-call report).
  virtual void on_tunnel_down(uint16_t tunnel_id, const ClearReason& why) = 0;
  // ICRP arrived and ICCN is on its way: PPP may start.
  virtual void on_call_connected(uint16_t tunnel_id, uint16_t session_id) = 0;
  // The LNS sent CDN.
  virtual void on_call_cleared(uint16_t tunnel_id, uint16_t session_id, const ClearReason& why) = 0;
  // A data message for one of our calls: `frame` starts at the PPP
  // address/control or protocol field. Only valid during the call.
  virtual void on_ppp_frame(uint16_t tunnel_id, uint16_t session_id, absl::Span<const uint8_t> frame) = 0;
};

struct LacTunnelStats {
  uint64_t control_decode_failures = 0;
  uint64_t data_received = 0;
  uint64_t data_unknown_session = 0;
  uint64_t malformed = 0;
};

class LacTunnel final : private l2tp::ControlTransport, private l2tp::ControlReceiver {
 public:
  LacTunnel(const Clock& clock, LacTunnelConfig config, TunnelOutput& output, LacTunnelListener& listener);
  LacTunnel(const LacTunnel&) = delete;
  LacTunnel& operator=(const LacTunnel&) = delete;

  // SCCRQ.
  void open();
  // ICRQ for our session `session_id` (non-zero, unused on this tunnel).
  void place_call(uint16_t session_id, uint32_t call_serial, const std::string& calling_number);
  // CDN for one of our calls.
  void clear_call(uint16_t session_id, l2tp::ResultCode result);
  // StopCCN; every call ends with it.
  void stop(l2tp::ResultCode result);

  // A PPP frame (protocol + information) in a data message to the LNS.
  // False when the call is not connected or the datagram was not sent.
  bool send_ppp(uint16_t session_id, uint16_t protocol, absl::Span<const uint8_t> information);

  void receive(absl::Span<const uint8_t> datagram);
  void on_timer() { channel_.on_timer(); }
  std::optional<TimePoint> next_deadline() const { return channel_.next_deadline(); }

  uint16_t id() const { return config_.tunnel_id; }
  uint16_t lns_id() const { return lns_id_; }
  LacTunnelState state() const { return state_; }
  // Nothing of ours awaits acknowledgement (or never will).
  bool quiet() const { return channel_.idle() || channel_.failed(); }
  // The LNS's session ID for one of our calls (0 until ICRP).
  uint16_t lns_session_id(uint16_t session_id) const;
  bool call_open(uint16_t session_id) const;
  const l2tp::ReliableChannel& channel() const { return channel_; }
  const LacTunnelStats& stats() const { return stats_; }

 private:
  enum class CallState : uint8_t { kWaitReply, kConnected, kCleared };
  struct Call {
    uint16_t lns_id = 0;
    CallState state = CallState::kWaitReply;
  };

  // ControlTransport / ControlReceiver
  void transmit(absl::Span<const uint8_t> datagram) override;
  void on_message(absl::StatusOr<l2tp::ControlMessage> message) override;
  void on_channel_failure() override;

  void send(l2tp::ControlMessage m);
  void handle_sccrp(const l2tp::ControlMessage& m);
  void handle_call_message(const l2tp::ControlMessage& m);
  void close_tunnel(const ClearReason& why, bool notify);

  const Clock& clock_;
  LacTunnelConfig config_;
  TunnelOutput& output_;
  LacTunnelListener& listener_;
  l2tp::ReliableChannel channel_;
  LacTunnelState state_ = LacTunnelState::kIdle;
  uint16_t lns_id_ = 0;
  l2tp::Bytes our_challenge_;
  absl::flat_hash_map<uint16_t, Call> calls_;
  std::vector<uint8_t> data_buffer_;  // reused for every data message
  LacTunnelStats stats_;
};

}  // namespace lns::emu
