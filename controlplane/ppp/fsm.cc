#include "controlplane/ppp/fsm.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace lns::ppp {
namespace {

using S = FsmState;
using A = FsmAction;

struct Transition {
  bool legal = false;
  FsmState next = FsmState::kInitial;
  uint8_t count = 0;
  std::array<FsmAction, 3> actions{};
};

template <typename... Actions>
constexpr Transition go(FsmState next, Actions... actions) {
  return Transition{true, next, static_cast<uint8_t>(sizeof...(Actions)), {actions...}};
}
constexpr Transition kIllegal{};
constexpr Transition no = kIllegal;

// RFC 1661 section 4.1, one row per event, columns in FsmState order:
// Initial, Starting, Closed, Stopped, Closing, Stopping, Req-Sent, Ack-Rcvd,
// Ack-Sent, Opened. The footnote options (p, r, x) are not implemented: we
// never run passive, Open does not restart, and crossed connections need
// nothing beyond the listed actions.
constexpr Transition kTable[kFsmEventCount][kFsmStateCount] = {
    // Up
    {go(S::kClosed), go(S::kReqSent, A::kIrc, A::kScr), no, no, no, no, no, no, no, no},
    // Down
    {no, no, go(S::kInitial), go(S::kStarting, A::kTls), go(S::kInitial), go(S::kStarting),
     go(S::kStarting), go(S::kStarting), go(S::kStarting), go(S::kStarting, A::kTld)},
    // Open
    {go(S::kStarting, A::kTls), go(S::kStarting), go(S::kReqSent, A::kIrc, A::kScr),
     go(S::kStopped), go(S::kStopping), go(S::kStopping), go(S::kReqSent), go(S::kAckRcvd),
     go(S::kAckSent), go(S::kOpened)},
    // Close
    {go(S::kInitial), go(S::kInitial, A::kTlf), go(S::kClosed), go(S::kClosed), go(S::kClosing),
     go(S::kClosing), go(S::kClosing, A::kIrc, A::kStr), go(S::kClosing, A::kIrc, A::kStr),
     go(S::kClosing, A::kIrc, A::kStr),
     Transition{true, S::kClosing, 3, {A::kTld, A::kIrc, A::kStr}}},
    // TO+
    {no, no, no, no, go(S::kClosing, A::kStr), go(S::kStopping, A::kStr),
     go(S::kReqSent, A::kScr), go(S::kReqSent, A::kScr), go(S::kAckSent, A::kScr), no},
    // TO-
    {no, no, no, no, go(S::kClosed, A::kTlf), go(S::kStopped, A::kTlf),
     go(S::kStopped, A::kTlf), go(S::kStopped, A::kTlf), go(S::kStopped, A::kTlf), no},
    // RCR+
    {no, no, go(S::kClosed, A::kSta), go(S::kAckSent, A::kIrc, A::kScr, A::kSca),
     go(S::kClosing), go(S::kStopping), go(S::kAckSent, A::kSca),
     go(S::kOpened, A::kSca, A::kTlu), go(S::kAckSent, A::kSca),
     go(S::kAckSent, A::kTld, A::kScr, A::kSca)},
    // RCR-
    {no, no, go(S::kClosed, A::kSta), go(S::kReqSent, A::kIrc, A::kScr, A::kScn),
     go(S::kClosing), go(S::kStopping), go(S::kReqSent, A::kScn), go(S::kAckRcvd, A::kScn),
     go(S::kReqSent, A::kScn), go(S::kReqSent, A::kTld, A::kScr, A::kScn)},
    // RCA
    {no, no, go(S::kClosed, A::kSta), go(S::kStopped, A::kSta), go(S::kClosing),
     go(S::kStopping), go(S::kAckRcvd, A::kIrc), go(S::kReqSent, A::kScr),
     go(S::kOpened, A::kIrc, A::kTlu), go(S::kReqSent, A::kTld, A::kScr)},
    // RCN
    {no, no, go(S::kClosed, A::kSta), go(S::kStopped, A::kSta), go(S::kClosing),
     go(S::kStopping), go(S::kReqSent, A::kIrc, A::kScr), go(S::kReqSent, A::kScr),
     go(S::kAckSent, A::kIrc, A::kScr), go(S::kReqSent, A::kTld, A::kScr)},
    // RTR
    {no, no, go(S::kClosed, A::kSta), go(S::kStopped, A::kSta), go(S::kClosing, A::kSta),
     go(S::kStopping, A::kSta), go(S::kReqSent, A::kSta), go(S::kReqSent, A::kSta),
     go(S::kReqSent, A::kSta), go(S::kStopping, A::kTld, A::kZrc, A::kSta)},
    // RTA
    {no, no, go(S::kClosed), go(S::kStopped), go(S::kClosed, A::kTlf), go(S::kStopped, A::kTlf),
     go(S::kReqSent), go(S::kReqSent), go(S::kAckSent), go(S::kReqSent, A::kTld, A::kScr)},
    // RUC
    {no, no, go(S::kClosed, A::kScj), go(S::kStopped, A::kScj), go(S::kClosing, A::kScj),
     go(S::kStopping, A::kScj), go(S::kReqSent, A::kScj), go(S::kAckRcvd, A::kScj),
     go(S::kAckSent, A::kScj), go(S::kOpened, A::kScj)},
    // RXJ+
    {no, no, go(S::kClosed), go(S::kStopped), go(S::kClosing), go(S::kStopping),
     go(S::kReqSent), go(S::kReqSent), go(S::kAckSent), go(S::kOpened)},
    // RXJ-
    {no, no, go(S::kClosed, A::kTlf), go(S::kStopped, A::kTlf), go(S::kClosed, A::kTlf),
     go(S::kStopped, A::kTlf), go(S::kStopped, A::kTlf), go(S::kStopped, A::kTlf),
     go(S::kStopped, A::kTlf), Transition{true, S::kStopping, 3, {A::kTld, A::kIrc, A::kStr}}},
    // RXR
    {no, no, go(S::kClosed), go(S::kStopped), go(S::kClosing), go(S::kStopping),
     go(S::kReqSent), go(S::kAckRcvd), go(S::kAckSent), go(S::kOpened, A::kSer)},
};

// RFC 1661 4.2: the Restart timer runs only while a request is outstanding.
bool timer_runs_in(FsmState state) {
  switch (state) {
    case S::kClosing:
    case S::kStopping:
    case S::kReqSent:
    case S::kAckRcvd:
    case S::kAckSent:
      return true;
    default:
      return false;
  }
}

bool starts_negotiation(FsmEvent cause) {
  return cause == FsmEvent::kUp || cause == FsmEvent::kOpen || cause == FsmEvent::kRcrGood ||
         cause == FsmEvent::kRcrBad;
}

// A Configure-Reject may only name options we asked for, with the values we
// asked for (RFC 1661 5.4).
bool only_names_requested_options(absl::Span<const OptionView> rejected,
                                  absl::Span<const OptionView> requested) {
  return std::all_of(rejected.begin(), rejected.end(), [&](const OptionView& r) {
    return std::any_of(requested.begin(), requested.end(), [&](const OptionView& q) {
      return q.type == r.type && std::equal(q.data.begin(), q.data.end(), r.data.begin(),
                                            r.data.end());
    });
  });
}

}  // namespace

std::string_view to_string(FsmState state) {
  static constexpr std::string_view kNames[kFsmStateCount] = {
      "Initial", "Starting", "Closed",   "Stopped",  "Closing",
      "Stopping", "Req-Sent", "Ack-Rcvd", "Ack-Sent", "Opened"};
  return kNames[static_cast<int>(state)];
}

std::string_view to_string(FsmEvent event) {
  static constexpr std::string_view kNames[kFsmEventCount] = {
      "Up",  "Down", "Open", "Close", "TO+", "TO-",  "RCR+", "RCR-",
      "RCA", "RCN",  "RTR",  "RTA",   "RUC", "RXJ+", "RXJ-", "RXR"};
  return kNames[static_cast<int>(event)];
}

void ConfigureVerdict::nak(uint8_t type, absl::Span<const uint8_t> suggested) {
  OptionWriter w;
  w.add(type, suggested);
  naked_.insert(naked_.end(), w.bytes().begin(), w.bytes().end());
}

void ConfigureVerdict::reject(const OptionView& option) { append_option(rejected_, option); }

Code ConfigureVerdict::code() const {
  if (!rejected_.empty()) return Code::kConfigureReject;
  if (!naked_.empty()) return Code::kConfigureNak;
  return Code::kConfigureAck;
}

Fsm::Fsm(uint16_t protocol, const FsmConfig& config, const Clock& clock, PacketSink& sink,
         FsmHandler& handler)
    : protocol_(protocol), config_(config), clock_(clock), sink_(sink), handler_(handler) {
  config_.max_configure = std::max(config_.max_configure, 1);
  config_.max_terminate = std::max(config_.max_terminate, 1);
  config_.max_failure = std::max(config_.max_failure, 0);
  if (config_.restart_interval <= Duration::zero()) config_.restart_interval = std::chrono::seconds(3);
}

void Fsm::up() { dispatch(FsmEvent::kUp); }
void Fsm::down() { dispatch(FsmEvent::kDown); }
void Fsm::open() { dispatch(FsmEvent::kOpen); }
void Fsm::close(absl::Span<const uint8_t> reason) {
  terminate_reason_.assign(reason.begin(), reason.end());
  dispatch(FsmEvent::kClose);
}

void Fsm::poll() {
  if (!deadline_ || clock_.now() < *deadline_) return;
  deadline_.reset();
  dispatch(restart_counter_ > 0 ? FsmEvent::kTimeoutPlus : FsmEvent::kTimeoutMinus);
}

void Fsm::start_opened() {
  if (state_ != FsmState::kInitial || in_event_) return;
  in_event_ = true;
  state_ = FsmState::kOpened;
  failures_ = 0;
  handler_.this_layer_up(FsmEvent::kOpen);
  in_event_ = false;
  drain_deferred();
}

void Fsm::dispatch(FsmEvent event) {
  if (in_event_) {
    deferred_.push_back(event);
    return;
  }
  run(event);
  drain_deferred();
}

void Fsm::drain_deferred() {
  while (!deferred_.empty() && !in_event_) {
    const FsmEvent event = deferred_.front();
    deferred_.erase(deferred_.begin());
    run(event);
  }
}

void Fsm::run(FsmEvent event) {
  const Transition& t = kTable[static_cast<int>(event)][static_cast<int>(state_)];
  if (!t.legal) {
    ++stats_.illegal_events;
    return;
  }
  in_event_ = true;
  state_ = t.next;
  const auto actions = absl::MakeConstSpan(t.actions.data(), t.count);
  const bool terminating = std::find(actions.begin(), actions.end(), A::kStr) != actions.end();
  for (FsmAction action : actions) perform(action, event, terminating);
  if (!timer_runs_in(state_)) deadline_.reset();
  in_event_ = false;
}

void Fsm::perform(FsmAction action, FsmEvent cause, bool terminating) {
  switch (action) {
    case A::kTlu:
      handler_.this_layer_up(cause);
      break;
    case A::kTld:
      handler_.this_layer_down(cause);
      break;
    case A::kTls:
      handler_.this_layer_started(cause);
      break;
    case A::kTlf:
      handler_.this_layer_finished(cause);
      break;
    case A::kIrc:
      restart_counter_ = terminating ? config_.max_terminate : config_.max_configure;
      if (starts_negotiation(cause)) failures_ = 0;
      break;
    case A::kZrc:
      // Zero, but still wait one interval so our Terminate-Ack can get out.
      restart_counter_ = 0;
      arm_timer();
      break;
    case A::kScr:
      send_configure_request(cause == FsmEvent::kTimeoutPlus);
      break;
    case A::kSca:
      if (trigger_ == nullptr) break;
      send_packet(Code::kConfigureAck, trigger_->identifier, reply_options_);
      failures_ = 0;
      break;
    case A::kScn:
      if (trigger_ == nullptr) break;
      send_packet(reply_code_, trigger_->identifier, reply_options_);
      if (reply_code_ == Code::kConfigureNak) ++failures_;
      break;
    case A::kStr:
      send_terminate_request();
      break;
    case A::kSta:
      send_packet(Code::kTerminateAck, trigger_ ? trigger_->identifier : next_identifier_++, {});
      break;
    case A::kScj: {
      const size_t limit = peer_mru_ > kControlHeaderSize ? peer_mru_ - kControlHeaderSize : 0;
      send_packet(Code::kCodeReject, trigger_bytes_.first(std::min(limit, trigger_bytes_.size())));
      break;
    }
    case A::kSer:
      if (trigger_ != nullptr) handler_.on_rxr(*trigger_);
      break;
  }
}

void Fsm::arm_timer() { deadline_ = clock_.now() + config_.restart_interval; }

void Fsm::send_configure_request(bool retransmission) {
  // A retransmission repeats the packet unchanged; anything else may carry
  // new options and so takes a new Identifier (RFC 1661 5.1).
  if (!retransmission || !request_sent_) {
    request_options_ = handler_.build_configure_request();
    request_identifier_ = next_identifier_++;
    request_sent_ = true;
  }
  send_packet(Code::kConfigureRequest, request_identifier_, request_options_);
  ++stats_.configure_requests_sent;
  restart_counter_ = std::max(restart_counter_ - 1, 0);
  arm_timer();
}

void Fsm::send_terminate_request() {
  send_packet(Code::kTerminateRequest, next_identifier_++, terminate_reason_);
  ++stats_.terminate_requests_sent;
  restart_counter_ = std::max(restart_counter_ - 1, 0);
  arm_timer();
}

uint8_t Fsm::send_packet(Code code, absl::Span<const uint8_t> data) {
  const uint8_t identifier = next_identifier_++;
  send_packet(code, identifier, data);
  return identifier;
}

void Fsm::send_packet(Code code, uint8_t identifier, absl::Span<const uint8_t> data) {
  const std::vector<uint8_t> bytes = encode_control_packet(code, identifier, data);
  sink_.send(protocol_, bytes);
}

bool Fsm::expects_reply_to_request() const {
  switch (state_) {
    case S::kReqSent:
    case S::kAckRcvd:
    case S::kAckSent:
    case S::kOpened:
      return true;
    default:
      return false;
  }
}

absl::Status Fsm::receive(absl::Span<const uint8_t> bytes) {
  auto parsed = parse_control_packet(bytes);
  if (!parsed.ok()) {
    ++stats_.malformed;
    return parsed.status();
  }
  // Every receive event is illegal while the lower layer is down, and a
  // packet handed in from inside a callback would overwrite the one being
  // answered.
  if (state_ == S::kInitial || state_ == S::kStarting || in_event_) {
    ++stats_.discarded;
    return absl::OkStatus();
  }
  const ControlPacket& packet = *parsed;
  trigger_ = &packet;
  trigger_bytes_ = bytes.first(kControlHeaderSize + packet.data.size());

  absl::Status status;
  switch (packet.code) {
    case to_byte(Code::kConfigureRequest):
      receive_configure_request(packet);
      break;
    case to_byte(Code::kConfigureAck):
    case to_byte(Code::kConfigureNak):
    case to_byte(Code::kConfigureReject):
      receive_configure_reply(packet);
      break;
    case to_byte(Code::kTerminateRequest):
      dispatch(FsmEvent::kRtr);
      break;
    case to_byte(Code::kTerminateAck):
      dispatch(FsmEvent::kRta);
      break;
    case to_byte(Code::kCodeReject):
      receive_code_reject(packet);
      break;
    default:
      switch (handler_.classify_code(packet)) {
        case ExtendedCode::kUnknown:
          dispatch(FsmEvent::kRuc);
          break;
        case ExtendedCode::kRxr:
          dispatch(FsmEvent::kRxr);
          break;
        case ExtendedCode::kRxjGood:
          dispatch(FsmEvent::kRxjGood);
          break;
        case ExtendedCode::kRxjBad:
          dispatch(FsmEvent::kRxjBad);
          break;
        case ExtendedCode::kMalformed:
          reject_packet(absl::InvalidArgumentError(
              absl::StrFormat("malformed packet with code %d", packet.code)));
          break;
      }
      break;
  }
  status = std::exchange(receive_status_, absl::OkStatus());
  trigger_ = nullptr;
  trigger_bytes_ = {};
  return status;
}

void Fsm::receive_configure_request(const ControlPacket& packet) {
  // In these states the answer does not depend on the options.
  if (state_ == S::kClosed || state_ == S::kClosing || state_ == S::kStopping) {
    dispatch(FsmEvent::kRcrGood);
    return;
  }
  auto options = parse_options(packet.data);
  if (!options.ok()) {
    reject_packet(options.status());
    return;
  }
  ConfigureVerdict verdict =
      handler_.judge_configure_request(*options, failures_ >= config_.max_failure);
  reply_code_ = verdict.code();
  if (reply_code_ == Code::kConfigureAck) {
    reply_options_.assign(packet.data.begin(), packet.data.end());
  } else {
    reply_options_ = verdict.reply_options();
  }
  dispatch(reply_code_ == Code::kConfigureAck ? FsmEvent::kRcrGood : FsmEvent::kRcrBad);
}

void Fsm::receive_configure_reply(const ControlPacket& packet) {
  const bool is_ack = packet.code == to_byte(Code::kConfigureAck);
  const FsmEvent event = is_ack ? FsmEvent::kRca : FsmEvent::kRcn;
  // Closed, Stopped, Closing, Stopping: the table's answer does not depend
  // on which request this replies to.
  if (!expects_reply_to_request()) {
    dispatch(event);
    return;
  }
  if (!request_sent_ || packet.identifier != request_identifier_) {
    ++stats_.discarded;  // a reply to an older request
    return;
  }
  auto options = parse_options(packet.data);
  if (!options.ok()) {
    reject_packet(options.status());
    return;
  }
  if (is_ack) {
    if (!std::equal(packet.data.begin(), packet.data.end(), request_options_.begin(),
                    request_options_.end())) {
      reject_packet(absl::InvalidArgumentError(absl::StrFormat(
          "Configure-Ack id %d of protocol 0x%04x does not repeat our request", packet.identifier,
          protocol_)));
      return;
    }
    if (state_ == S::kReqSent || state_ == S::kAckSent) handler_.on_configure_ack(*options);
    dispatch(event);
    return;
  }
  absl::Status handled;
  if (packet.code == to_byte(Code::kConfigureNak)) {
    handled = handler_.on_configure_nak(*options);
  } else {
    auto requested = parse_options(request_options_);
    if (requested.ok() && !only_names_requested_options(*options, *requested)) {
      handled = absl::InvalidArgumentError(absl::StrFormat(
          "Configure-Reject id %d of protocol 0x%04x names options we did not request",
          packet.identifier, protocol_));
    } else {
      handled = handler_.on_configure_reject(*options);
    }
  }
  if (!handled.ok()) {
    reject_packet(handled);
    return;
  }
  dispatch(event);
}

void Fsm::receive_code_reject(const ControlPacket& packet) {
  if (packet.data.empty()) {
    reject_packet(absl::InvalidArgumentError("Code-Reject without the rejected packet"));
    return;
  }
  const uint8_t rejected = packet.data[0];
  // Codes 1..7 are the automaton itself: without them nothing can work.
  if (rejected >= to_byte(Code::kConfigureRequest) && rejected <= to_byte(Code::kCodeReject)) {
    dispatch(FsmEvent::kRxjBad);
  } else {
    handler_.on_code_rejected(rejected);
    dispatch(FsmEvent::kRxjGood);
  }
}

void Fsm::reject_packet(absl::Status why) {
  ++stats_.malformed;
  receive_status_ = std::move(why);
}

}  // namespace lns::ppp
