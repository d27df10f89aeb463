// A scriptable LAC built from the control message codec and the reliable
// channel, for tests and emulators that need a peer for the LNS: it opens
// tunnels (SCCRQ/SCCCN with optional challenge and hidden AVPs), places
// and clears calls (ICRQ/ICCN/CDN), answers OCRQs, and records everything
// the LNS sends. It can also send arbitrary or broken messages.
//
// Single-threaded. Datagrams leave through the Sender given at
// construction; feed the LNS's replies to receive() and run on_timer() at
// next_deadline().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/l2tp/engine_types.h"
#include "controlplane/l2tp/message.h"
#include "controlplane/l2tp/reliable_channel.h"

namespace lns::l2tp::sim {

struct FakeLacConfig {
  PeerAddress address{0x0A000001, 1701};
  std::string host_name = "lac";
  std::string vendor_name = "fake-lac";
  std::string secret;
  // Send a Challenge in SCCRQ and check the LNS's response in SCCRP.
  bool challenge_lns = false;
  // Answer the LNS's Challenge in SCCCN; `corrupt_challenge_response`
  // flips a bit of the answer.
  bool answer_challenge = true;
  bool corrupt_challenge_response = false;
  // Complete tunnel setup with SCCCN (else stay in wait-ctl-reply).
  bool send_scccn = true;
  bool hide_avps = false;
  std::optional<uint64_t> tie_breaker;
  std::optional<ProtocolVersion> protocol_version = ProtocolVersion{1, 0};
  // Sent as Receive Window Size; nullopt leaves the AVP out (the LNS must
  // then assume 4).
  std::optional<uint16_t> receive_window = 8;
  ReliableChannelConfig channel;
  // Send ICCN as soon as ICRP arrives (else call connect()).
  bool auto_connect = true;
  // Answer an OCRQ with OCRP + OCCN (else with CDN result 4).
  bool answer_outgoing_calls = true;
  // Acknowledge OCRQs but never answer them.
  bool ignore_outgoing_calls = false;
  uint16_t first_tunnel_id = 100;
  // Keep every received message for received()/last_received(); off for
  // large runs.
  bool record_received = true;
};

// What goes into ICRQ and ICCN.
struct LacCall {
  std::string calling_number = "0123456789";
  std::string called_number = "lns";
  std::string sub_address;
  uint32_t bearer_type = kBearerDigital;
  uint32_t framing_type = kFramingSync;
  std::optional<uint32_t> physical_channel_id;
  uint32_t tx_connect_speed = 100'000'000;
  std::optional<uint32_t> rx_connect_speed;
  std::optional<std::string> private_group_id;
  bool sequencing_required = false;
  std::optional<std::string> agent_circuit_id;
  std::optional<std::string> agent_remote_id;
  std::vector<RawAvp> extra_icrq_avps;  // vendor or unknown AVPs
  // Proxy LCP / authentication, sent in ICCN.
  std::optional<Bytes> initial_received_lcp_confreq;
  std::optional<Bytes> last_sent_lcp_confreq;
  std::optional<Bytes> last_received_lcp_confreq;
  std::optional<uint16_t> proxy_authen_type;
  std::optional<std::string> proxy_authen_name;
  std::optional<Bytes> proxy_authen_challenge;
  std::optional<uint8_t> proxy_authen_id;
  std::optional<Bytes> proxy_authen_response;
};

enum class LacTunnelState { kWaitCtlReply, kEstablished, kClosed };
enum class LacSessionState { kWaitReply, kWaitConnect, kEstablished, kClosed };

struct LacSession {
  uint16_t id = 0;      // ours (the LAC's)
  uint16_t lns_id = 0;  // the LNS's, from ICRP or OCRQ
  bool outgoing = false;
  LacSessionState state = LacSessionState::kWaitReply;
  LacCall call;
  std::optional<ResultCode> cdn_result;  // from the LNS's CDN
  std::optional<Accm> accm;              // from the LNS's SLI
};

class FakeLac {
 public:
  using Sender = std::function<void(const PeerAddress& from, std::vector<uint8_t> datagram)>;

  FakeLac(const Clock& clock, FakeLacConfig config, Sender to_lns);
  ~FakeLac();
  FakeLac(const FakeLac&) = delete;
  FakeLac& operator=(const FakeLac&) = delete;

  const FakeLacConfig& config() const { return config_; }
  const PeerAddress& address() const { return config_.address; }

  // ---- Driving ----
  // Sends SCCRQ; returns our tunnel ID for the new tunnel.
  uint16_t open_tunnel();
  void receive(absl::Span<const uint8_t> datagram);
  void on_timer();
  std::optional<TimePoint> next_deadline() const;

  // ICRQ; returns our session ID.
  uint16_t place_call(uint16_t tunnel, LacCall call = {});
  // ICCN for a call whose ICRP arrived (auto_connect off).
  void connect(uint16_t tunnel, uint16_t session);
  void disconnect(uint16_t tunnel, uint16_t session, ResultCode result = {1, std::nullopt, ""});
  void stop_tunnel(uint16_t tunnel, ResultCode result = {1, std::nullopt, ""});
  void send_wen(uint16_t tunnel, uint16_t session, const CallErrors& errors);
  void send_sli(uint16_t tunnel, uint16_t session, const Accm& accm);
  // Any message, sequenced; the header's Tunnel ID is filled in.
  void send_message(uint16_t tunnel, ControlMessage m);
  // Pre-encoded bytes, sequenced (Ns/Nr are overwritten).
  void send_encoded(uint16_t tunnel, Bytes wire);
  // Straight onto the wire, bypassing the channel.
  void send_unsequenced(Bytes wire);
  // Drops the tunnel's state silently (a LAC that reboots).
  void forget_tunnel(uint16_t tunnel);

  // ---- Observing ----
  struct Tunnel;
  const Tunnel* tunnel(uint16_t id) const;
  LacTunnelState tunnel_state(uint16_t id) const;
  uint16_t lns_tunnel_id(uint16_t id) const;
  const LacSession* session(uint16_t tunnel, uint16_t session) const;
  // Every decoded message the LNS sent on this tunnel, in delivery order.
  const std::vector<ControlMessage>& received(uint16_t tunnel) const;
  // The last received message of a type, or nullptr.
  const ControlMessage* last_received(uint16_t tunnel, MessageType type) const;
  std::optional<ResultCode> stop_result(uint16_t tunnel) const;
  const ReliableChannel& channel(uint16_t tunnel) const;
  size_t count_sessions(uint16_t tunnel, LacSessionState state) const;
  // No message of ours waits for an acknowledgement on any tunnel.
  bool quiet() const;
  uint64_t decode_failures() const { return decode_failures_; }

 private:
  Tunnel& must_find(uint16_t id);
  const Tunnel& must_find(uint16_t id) const;
  void handle(Tunnel& t, const ControlMessage& m);
  void handle_sccrp(Tunnel& t, const ControlMessage& m);
  void handle_session_message(Tunnel& t, const ControlMessage& m);
  void send_iccn(Tunnel& t, LacSession& s);
  void send_on(Tunnel& t, ControlMessage m);
  friend struct Tunnel;

  const Clock& clock_;
  FakeLacConfig config_;
  Sender to_lns_;
  uint16_t next_tunnel_id_;
  std::map<uint16_t, std::unique_ptr<Tunnel>> tunnels_;
  uint64_t decode_failures_ = 0;
};

// The tunnel as the LAC sees it.
struct FakeLac::Tunnel final : ControlTransport, ControlReceiver {
  Tunnel(FakeLac& lac, uint16_t id);
  void transmit(absl::Span<const uint8_t> datagram) override;
  void on_message(absl::StatusOr<ControlMessage> message) override;
  void on_channel_failure() override;

  FakeLac& lac;
  uint16_t id;
  uint16_t lns_id = 0;
  LacTunnelState state = LacTunnelState::kWaitCtlReply;
  bool channel_failed = false;
  Bytes our_challenge;
  std::optional<ResultCode> stop_result;
  std::vector<ControlMessage> received;
  std::map<uint16_t, LacSession> sessions;
  uint16_t next_session_id = 1;
  ReliableChannel channel;
};

}  // namespace lns::l2tp::sim
