// One tunnel on the LNS side: the control connection state machine of RFC
// 2661 section 7.2 (responder), the incoming (7.4.2) and outgoing (7.5.1)
// call state machines of its sessions, and its reliable control channel.
// Internal to LnsEngine, which creates tunnels, feeds them decoded
// messages and timer ticks, and destroys them once finished().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controlplane/l2tp/engine_context.h"
#include "controlplane/l2tp/engine_types.h"
#include "controlplane/l2tp/id_allocator.h"
#include "controlplane/l2tp/message.h"
#include "controlplane/l2tp/reliable_channel.h"

namespace lns::l2tp {

// Parameters of an LNS-initiated call (OCRQ).
struct OutgoingCall {
  std::string called_number;
  std::string sub_address;
  uint32_t minimum_bps = 0;
  uint32_t maximum_bps = 0xFFFFFFFF;
  uint32_t bearer_type = kBearerDigital | kBearerAnalog;
  uint32_t framing_type = kFramingSync | kFramingAsync;
};

namespace internal {

// Per-session state. Kept small: 100,000+ of these live in one daemon.
struct LnsSession {
  // Fields that come from the tunnel (peer, host name, peer tunnel ID) are
  // left empty here and filled in when the session is exported.
  SessionInfo info;
  std::optional<TimePoint> deadline;  // setup timeout
  // Which of our messages the ICRP/OCRQ was (see LnsTunnel::sent_count_):
  // the setup timeout only counts once the LAC has acknowledged it, since a
  // lossy or busy channel may hold it back.
  uint32_t request_index = 0;
  bool reported = false;              // on_session_established was queued
};

class LnsTunnel final : private ControlTransport, private ControlReceiver {
 public:
  LnsTunnel(EngineContext& ctx, uint16_t id, const PeerAddress& peer, uint16_t peer_tunnel_id,
            uint16_t first_peer_ns, TunnelSettings settings);
  ~LnsTunnel() override;
  LnsTunnel(const LnsTunnel&) = delete;
  LnsTunnel& operator=(const LnsTunnel&) = delete;

  // A decoded (or refused) message from the peer, in arrival order; the
  // channel sequences it and hands it to the state machines.
  void receive(absl::StatusOr<ControlMessage> decoded);
  void on_timer();
  std::optional<TimePoint> next_deadline() const;
  // Nothing left to do: the engine may destroy the tunnel.
  bool finished() const;

  // ---- Admin ----
  // StopCCN and clear every session.
  void stop(Closer closer, ResultCode result);
  absl::Status terminate_session(uint16_t session_id, Closer closer, ResultCode result);
  absl::StatusOr<uint16_t> call_outgoing(const OutgoingCall& call);
  absl::Status set_link_info(uint16_t session_id, const Accm& accm);
  void set_draining(bool draining) { draining_ = draining; }

  // ---- Introspection ----
  uint16_t id() const { return id_; }
  uint16_t peer_tunnel_id() const { return peer_tunnel_id_; }
  const PeerAddress& peer() const { return peer_; }
  TunnelState state() const { return state_; }
  bool active() const { return state_ == TunnelState::kWaitCtlConn || state_ == TunnelState::kEstablished; }
  // Still waiting for our StopCCN to be acknowledged.
  bool stopccn_outstanding() const { return state_ == TunnelState::kClosing && !channel_.idle(); }
  const TunnelSettings& settings() const { return settings_; }
  DecodeOptions decode_options() const { return DecodeOptions{settings_.secret, settings_.permissive}; }
  uint32_t session_count() const { return session_count_; }
  TunnelInfo info() const;
  std::optional<SessionInfo> session(uint16_t session_id) const;
  std::vector<SessionInfo> sessions() const;
  // Bytes held per session (the slot plus the heap object), for sizing.
  static constexpr size_t kSessionFootprint = sizeof(std::unique_ptr<LnsSession>) + sizeof(LnsSession);

 private:
  // ControlTransport / ControlReceiver for the channel.
  void transmit(absl::Span<const uint8_t> datagram) override;
  void on_message(absl::StatusOr<ControlMessage> message) override;
  void on_channel_failure() override;

  // Tunnel state machine.
  void on_decode_failure(const absl::Status& status);
  void on_sccrq(const ControlMessage& m);
  void on_scccn(const ControlMessage& m);
  void on_stopccn(const ControlMessage& m);
  void refuse_tunnel(ResultCode result);
  void establish_tunnel();
  void set_state(TunnelState s);
  void close_all_sessions(const CloseReason& reason);
  void hello_tick(TimePoint now);

  // Session state machines.
  void on_session_message(const ControlMessage& m);
  void on_icrq(const ControlMessage& m);
  void on_iccn(LnsSession& s, const ControlMessage& m);
  void on_ocrp(LnsSession& s, const ControlMessage& m);
  void on_occn(LnsSession& s, const ControlMessage& m);
  void on_cdn(const ControlMessage& m);
  void session_fsm_error(LnsSession& s, const ControlMessage& m);
  void establish_session(LnsSession& s);
  // Answers a call we hold no state for with a CDN to the peer's session.
  void refuse_call(uint16_t peer_session_id, ResultCode result);
  // Sends CDN (if `send_cdn`), reports the close, frees the session.
  void close_session(LnsSession& s, const CloseReason& reason, bool send_cdn);
  void remove_session(uint16_t session_id);
  LnsSession* find_session(uint16_t session_id);
  const LnsSession* find_session(uint16_t session_id) const;
  LnsSession* find_by_peer_session(uint16_t peer_session_id);
  LnsSession& add_session(uint16_t session_id, CallDirection direction);
  void set_session_deadline(LnsSession& s, std::optional<TimePoint> deadline);
  bool session_limit_reached() const;
  SessionInfo export_session(const LnsSession& s) const;

  bool send(ControlMessage m);
  // Whether our `index`-th message (counting from 0) has been acknowledged.
  bool acknowledged(uint32_t index) const;

  EngineContext& ctx_;
  const uint16_t id_;
  const PeerAddress peer_;
  uint16_t peer_tunnel_id_;
  TunnelSettings settings_;
  TunnelState state_ = TunnelState::kWaitCtlConn;
  bool started_ = false;  // the SCCRQ has been handled
  bool reported_ = false;  // on_tunnel_established was queued
  bool authenticated_ = false;
  bool draining_ = false;
  bool send_failure_logged_ = false;

  // What the LAC told us in SCCRQ.
  std::string host_name_;
  std::string vendor_name_;
  std::optional<uint16_t> firmware_revision_;
  uint32_t framing_capabilities_ = 0;
  std::optional<uint32_t> bearer_capabilities_;
  Bytes our_challenge_;  // empty unless we challenged

  TimePoint created_at_;
  std::optional<TimePoint> established_at_;
  // WaitCtlConn timeout, or when a Closing/Closed tunnel gives up its state.
  std::optional<TimePoint> state_deadline_;
  std::optional<TimePoint> hello_at_;

  ReliableChannel channel_;
  // Messages handed to the channel. Not an Ns: a deep queue can hold more
  // messages than half the 16-bit sequence space.
  uint32_t sent_count_ = 0;

  // Indexed by our session ID (dense, thanks to the allocator).
  std::vector<std::unique_ptr<LnsSession>> sessions_;
  IdAllocator session_ids_;
  uint32_t session_count_ = 0;
  std::set<std::pair<TimePoint, uint16_t>> session_timers_;
};

}  // namespace internal
}  // namespace lns::l2tp
