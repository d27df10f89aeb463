// The option-negotiation automaton of RFC 1661 section 4, shared by LCP and
// the NCPs. The class owns the states, the Restart timer and counters, the
// Identifier bookkeeping and the wire handling of codes 1..7; everything that
// depends on the protocol's options lives behind FsmHandler.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/ppp/packet_sink.h"
#include "controlplane/ppp/ppp_packet.h"

namespace lns::ppp {

enum class FsmState : uint8_t {
  kInitial,
  kStarting,
  kClosed,
  kStopped,
  kClosing,
  kStopping,
  kReqSent,
  kAckRcvd,
  kAckSent,
  kOpened,
};
inline constexpr int kFsmStateCount = 10;

enum class FsmEvent : uint8_t {
  kUp,
  kDown,
  kOpen,
  kClose,
  kTimeoutPlus,   // TO+: Restart timer expired, counter still positive
  kTimeoutMinus,  // TO-: Restart timer expired, counter exhausted
  kRcrGood,       // RCR+
  kRcrBad,        // RCR-
  kRca,
  kRcn,  // Configure-Nak or Configure-Reject
  kRtr,
  kRta,
  kRuc,
  kRxjGood,  // RXJ+: a reject we can live with
  kRxjBad,   // RXJ-: a reject that makes the protocol unusable
  kRxr,      // Echo-Request, Echo-Reply, Discard-Request (LCP only)
};
inline constexpr int kFsmEventCount = 16;

// The actions of RFC 1661 section 4.4. "irc" loads Max-Terminate when the
// same transition sends a Terminate-Request and Max-Configure otherwise.
enum class FsmAction : uint8_t {
  kTlu,  // this-layer-up
  kTld,  // this-layer-down
  kTls,  // this-layer-started
  kTlf,  // this-layer-finished
  kIrc,  // initialize-restart-count
  kZrc,  // zero-restart-count
  kScr,  // send-configure-request
  kSca,  // send-configure-ack
  kScn,  // send-configure-nak/rej
  kStr,  // send-terminate-request
  kSta,  // send-terminate-ack
  kScj,  // send-code-reject
  kSer,  // send-echo-reply
};

std::string_view to_string(FsmState state);
std::string_view to_string(FsmEvent event);

struct FsmConfig {
  Duration restart_interval = std::chrono::seconds(3);
  int max_configure = 10;  // Configure-Requests sent before giving up
  int max_terminate = 2;   // Terminate-Requests sent before giving up
  int max_failure = 5;     // Naks sent without an Ack before Naks become Rejects
};

// How we answer one Configure-Request. Options the handler neither naks nor
// rejects are acceptable; when nothing is naked or rejected the FSM echoes
// the whole request back in a Configure-Ack.
class ConfigureVerdict {
 public:
  // Suggests `suggested` instead of what the peer sent (or asks for an
  // option the peer left out).
  void nak(uint8_t type, absl::Span<const uint8_t> suggested);
  // Refuses an option; it goes back byte for byte as the peer sent it.
  void reject(const OptionView& option);

  Code code() const;
  // The options field of the reply when code() is Nak or Reject.
  const std::vector<uint8_t>& reply_options() const {
    return rejected_.empty() ? naked_ : rejected_;
  }

 private:
  std::vector<uint8_t> naked_;
  std::vector<uint8_t> rejected_;
};

// What an option-negotiation packet of code 8 and above means to the
// protocol (only LCP defines any).
enum class ExtendedCode : uint8_t {
  kUnknown,   // answered with Code-Reject (RUC)
  kRxr,       // RXR: Echo-Request/Reply, Discard-Request
  kRxjGood,   // RXJ+: e.g. Protocol-Reject of an NCP
  kRxjBad,    // RXJ-: e.g. Protocol-Reject of LCP itself
  kMalformed, // dropped as invalid, no event
};

// The protocol-specific half of the automaton. Callbacks run inside the
// FSM's event processing; calling the FSM's own up/down/open/close from one
// is allowed and takes effect after the current event finishes.
class FsmHandler {
 public:
  virtual ~FsmHandler() = default;

  // The Options field of our next Configure-Request.
  virtual std::vector<uint8_t> build_configure_request() = 0;

  // Judges the peer's Configure-Request. `reject_instead_of_nak` is set once
  // Max-Failure Naks went unanswered by an acceptable request: options that
  // would be naked must then be rejected so negotiation converges.
  virtual ConfigureVerdict judge_configure_request(absl::Span<const OptionView> options,
                                                   bool reject_instead_of_nak) = 0;

  // The peer acknowledged our last Configure-Request: those options hold.
  virtual void on_configure_ack(absl::Span<const OptionView> options) = 0;
  // The peer naked or rejected options of our last request; adjust what
  // build_configure_request() returns. An error marks the packet invalid and
  // it is discarded without an event. These two may call close(), which then
  // takes effect before the RCN event.
  virtual absl::Status on_configure_nak(absl::Span<const OptionView> options) = 0;
  virtual absl::Status on_configure_reject(absl::Span<const OptionView> options) = 0;

  // The four layer actions of RFC 1661 4.4; `cause` is the event that fired
  // them, so the upper layer can tell a peer's Terminate from a timeout.
  virtual void this_layer_up(FsmEvent /*cause*/) {}
  virtual void this_layer_down(FsmEvent /*cause*/) {}
  virtual void this_layer_started(FsmEvent /*cause*/) {}
  virtual void this_layer_finished(FsmEvent /*cause*/) {}

  // Meaning of codes above Code-Reject; the default rejects them all.
  virtual ExtendedCode classify_code(const ControlPacket& /*packet*/) {
    return ExtendedCode::kUnknown;
  }
  // RXR in the Opened state (the "ser" action for Echo-Request).
  virtual void on_rxr(const ControlPacket& /*packet*/) {}
  // The peer Code-Rejected `code` and we carry on (RXJ+).
  virtual void on_code_rejected(uint8_t /*code*/) {}
};

class Fsm {
 public:
  struct Stats {
    uint64_t malformed = 0;       // failed to parse
    uint64_t discarded = 0;       // valid but not for us now (stale Identifier, link down)
    uint64_t illegal_events = 0;  // a '-' cell of the state table
    uint64_t configure_requests_sent = 0;
    uint64_t terminate_requests_sent = 0;
  };

  Fsm(uint16_t protocol, const FsmConfig& config, const Clock& clock, PacketSink& sink,
      FsmHandler& handler);
  Fsm(const Fsm&) = delete;
  Fsm& operator=(const Fsm&) = delete;

  // Lower-layer and administrative events.
  void up();
  void down();
  void open();
  // `reason` goes into the Data field of our Terminate-Requests.
  void close(absl::Span<const uint8_t> reason = {});

  // One received packet of this protocol (Code, Identifier, Length, Data).
  // Returns an error only for malformed input, which is dropped.
  absl::Status receive(absl::Span<const uint8_t> packet);

  // Fires the Restart timer if it is due. Call whenever next_deadline() has
  // passed (calling more often is harmless).
  void poll();
  std::optional<TimePoint> next_deadline() const { return deadline_; }

  // Enters Opened from Initial without any exchange, for options negotiated
  // elsewhere (L2TP proxy LCP). Signals this-layer-up.
  void start_opened();

  // Sends a packet of this protocol outside the automaton (LCP Echo,
  // Protocol-Reject). Returns the Identifier used.
  uint8_t send_packet(Code code, absl::Span<const uint8_t> data);
  void send_packet(Code code, uint8_t identifier, absl::Span<const uint8_t> data);

  // Largest packet the peer accepts; limits reflected data (Code-Reject).
  void set_peer_mru(size_t mru) { peer_mru_ = mru; }

  FsmState state() const { return state_; }
  bool is_opened() const { return state_ == FsmState::kOpened; }
  uint16_t protocol() const { return protocol_; }
  int restart_counter() const { return restart_counter_; }
  int failure_count() const { return failures_; }
  const FsmConfig& config() const { return config_; }
  const Stats& stats() const { return stats_; }

  // Lets the state-table test tell irc, zrc and a bare scr/str apart.
  void set_restart_counter_for_testing(int value) { restart_counter_ = value; }

 private:
  void dispatch(FsmEvent event);
  void run(FsmEvent event);
  void perform(FsmAction action, FsmEvent cause, bool terminating);
  void drain_deferred();

  void receive_configure_request(const ControlPacket& packet);
  void receive_configure_reply(const ControlPacket& packet);
  void receive_code_reject(const ControlPacket& packet);
  void reject_packet(absl::Status why);

  void send_configure_request(bool retransmission);
  void send_terminate_request();
  void arm_timer();
  bool expects_reply_to_request() const;

  const uint16_t protocol_;
  FsmConfig config_;
  const Clock& clock_;
  PacketSink& sink_;
  FsmHandler& handler_;

  FsmState state_ = FsmState::kInitial;
  int restart_counter_ = 0;
  int failures_ = 0;
  std::optional<TimePoint> deadline_;
  uint8_t next_identifier_ = 1;
  size_t peer_mru_ = 1500;

  uint8_t request_identifier_ = 0;  // of our last Configure-Request
  bool request_sent_ = false;
  std::vector<uint8_t> request_options_;
  std::vector<uint8_t> terminate_reason_;

  // The packet behind the event being processed, for sca/scn/sta/scj/ser.
  const ControlPacket* trigger_ = nullptr;
  absl::Span<const uint8_t> trigger_bytes_;
  Code reply_code_ = Code::kConfigureAck;
  std::vector<uint8_t> reply_options_;

  absl::Status receive_status_;  // why the packet being received was dropped
  bool in_event_ = false;
  std::vector<FsmEvent> deferred_;
  Stats stats_;
};

}  // namespace lns::ppp
