#include "tests/emulator/lac_tunnel.h"

#include <cstring>
#include <utility>

#include "absl/random/random.h"
#include "common/byte_order.h"
#include "common/l2tp_header.h"
#include "common/log.h"
#include "controlplane/l2tp/tunnel_auth.h"

namespace lns::emu {
namespace {

using l2tp::ControlMessage;
using l2tp::MessageType;
using l2tp::ResultCode;

l2tp::ReliableChannelConfig channel_config(const LacTunnelConfig& config) {
  l2tp::ReliableChannelConfig c = config.channel;
  c.receive_window = config.receive_window;
  c.peer_tunnel_id = 0;  // learnt from SCCRP
  // Every call of a large run may be queued at once behind the LNS's window.
  c.max_queued = 1 << 17;
  return c;
}

}  // namespace

std::string_view to_string(LacTunnelState state) {
  switch (state) {
    case LacTunnelState::kIdle: return "idle";
    case LacTunnelState::kWaitReply: return "wait-reply";
    case LacTunnelState::kEstablished: return "established";
    case LacTunnelState::kClosing: return "closing";
    case LacTunnelState::kClosed: return "closed";
  }
  return "unknown";
}

LacTunnel::LacTunnel(const Clock& clock, LacTunnelConfig config, TunnelOutput& output, LacTunnelListener& listener)
    : clock_(clock),
      config_(std::move(config)),
      output_(output),
      listener_(listener),
      channel_(clock_, *this, *this, channel_config(config_)) {}

void LacTunnel::transmit(absl::Span<const uint8_t> datagram) { output_.send_to_lns(config_.tunnel_id, datagram); }

void LacTunnel::send(ControlMessage m) {
  m.header.tunnel_id = lns_id_;
  l2tp::EncodeOptions options;
  options.secret = config_.secret;
  options.hide = config_.hide_avps && !config_.secret.empty();
  absl::StatusOr<l2tp::Bytes> wire = l2tp::encode_control(m, options);
  if (!wire.ok()) {
    LNS_LOG_ERROR("tunnel %u: cannot encode %s: %s", config_.tunnel_id,
                  std::string(l2tp::message_type_name(m.type)), std::string(wire.status().message()));
    return;
  }
  if (absl::Status s = channel_.send(std::move(*wire)); !s.ok()) {
    LNS_LOG_WARN("tunnel %u: %s not sent: %s", config_.tunnel_id, std::string(l2tp::message_type_name(m.type)),
                 std::string(s.message()));
  }
}

void LacTunnel::open() {
  if (state_ != LacTunnelState::kIdle) return;
  ControlMessage m;
  m.type = MessageType::kSccrq;
  m.protocol_version = l2tp::ProtocolVersion{1, 0};
  m.host_name = config_.host_name;
  m.vendor_name = config_.vendor_name;
  m.framing_capabilities = l2tp::kFramingSync | l2tp::kFramingAsync;
  m.bearer_capabilities = l2tp::kBearerDigital;
  m.firmware_revision = 0x0100;
  m.assigned_tunnel_id = config_.tunnel_id;
  m.receive_window_size = config_.receive_window;
  if (!config_.secret.empty()) {
    absl::BitGen gen;
    our_challenge_ = l2tp::make_challenge(gen);
    m.challenge = our_challenge_;
  }
  state_ = LacTunnelState::kWaitReply;
  send(std::move(m));
}

void LacTunnel::place_call(uint16_t session_id, uint32_t call_serial, const std::string& calling_number) {
  if (state_ != LacTunnelState::kEstablished || session_id == 0 || calls_.contains(session_id)) return;
  calls_[session_id] = Call{};
  ControlMessage m;
  m.type = MessageType::kIcrq;
  m.assigned_session_id = session_id;
  m.call_serial_number = call_serial;
  m.bearer_type = l2tp::kBearerDigital;
  m.calling_number = calling_number;
  send(std::move(m));
}

void LacTunnel::clear_call(uint16_t session_id, ResultCode result) {
  auto it = calls_.find(session_id);
  if (it == calls_.end() || it->second.state == CallState::kCleared) return;
  if (state_ != LacTunnelState::kEstablished) return;
  ControlMessage m;
  m.type = MessageType::kCdn;
  m.header.session_id = it->second.lns_id;
  m.assigned_session_id = session_id;
  if (!result.message.empty() && !result.error) result.error = 0;
  m.result_code = std::move(result);
  it->second.state = CallState::kCleared;
  send(std::move(m));
}

void LacTunnel::stop(ResultCode result) {
  if (state_ != LacTunnelState::kEstablished && state_ != LacTunnelState::kWaitReply) return;
  ControlMessage m;
  m.type = MessageType::kStopCcn;
  m.assigned_tunnel_id = config_.tunnel_id;
  if (!result.message.empty() && !result.error) result.error = 0;
  m.result_code = std::move(result);
  send(std::move(m));
  for (auto& [id, call] : calls_) call.state = CallState::kCleared;
  state_ = LacTunnelState::kClosing;
}

bool LacTunnel::send_ppp(uint16_t session_id, uint16_t protocol, absl::Span<const uint8_t> information) {
  auto it = calls_.find(session_id);
  if (it == calls_.end() || it->second.state != CallState::kConnected) return false;
  // Data message without Length or sequence numbers (RFC 2661 3.1), then
  // the PPP frame with its FF 03 address and control fields, as xl2tpd
  // and most LACs send it.
  data_buffer_.resize(6 + 4 + information.size());
  uint8_t* p = data_buffer_.data();
  p[0] = 0x00;
  p[1] = kL2tpVersion;
  store_be16(p + 2, lns_id_);
  store_be16(p + 4, it->second.lns_id);
  p[6] = 0xFF;
  p[7] = 0x03;
  store_be16(p + 8, protocol);
  if (!information.empty()) std::memcpy(p + 10, information.data(), information.size());
  return output_.send_to_lns(config_.tunnel_id, data_buffer_);
}

void LacTunnel::receive(absl::Span<const uint8_t> datagram) {
  L2tpHeader header;
  if (parse_l2tp_header(datagram.data(), static_cast<uint32_t>(datagram.size()), &header) != L2tpHeaderStatus::kOk) {
    ++stats_.malformed;
    return;
  }
  if (header.tunnel_id != config_.tunnel_id) {
    ++stats_.malformed;
    return;
  }
  if (header.is_control()) {
    absl::StatusOr<ControlMessage> m = l2tp::decode_control(datagram, l2tp::DecodeOptions{config_.secret, false});
    if (!m.ok()) ++stats_.control_decode_failures;
    channel_.receive(std::move(m));
    return;
  }
  ++stats_.data_received;
  auto it = calls_.find(header.session_id);
  if (it == calls_.end() || it->second.state != CallState::kConnected) {
    ++stats_.data_unknown_session;
    return;
  }
  listener_.on_ppp_frame(config_.tunnel_id, header.session_id,
                         datagram.subspan(header.payload_offset, header.payload_length));
}

void LacTunnel::on_message(absl::StatusOr<ControlMessage> message) {
  if (!message.ok()) return;
  const ControlMessage& m = *message;
  switch (m.type) {
    case MessageType::kSccrp:
      handle_sccrp(m);
      return;
    case MessageType::kStopCcn:
      close_tunnel(ClearReason{"stopccn", m.result_code}, true);
      return;
    case MessageType::kIcrp:
    case MessageType::kCdn:
      handle_call_message(m);
      return;
    default:
      return;  // Hello needs only the ack; SLI and the rest change nothing here
  }
}

void LacTunnel::on_channel_failure() { close_tunnel(ClearReason{"channel-failure", std::nullopt}, true); }

void LacTunnel::close_tunnel(const ClearReason& why, bool notify) {
  const bool was_open = state_ != LacTunnelState::kClosed;
  state_ = LacTunnelState::kClosed;
  for (auto& [id, call] : calls_) call.state = CallState::kCleared;
  if (was_open && notify) listener_.on_tunnel_down(config_.tunnel_id, why);
}

void LacTunnel::handle_sccrp(const ControlMessage& m) {
  if (state_ != LacTunnelState::kWaitReply) return;
  lns_id_ = m.assigned_tunnel_id.value_or(0);
  channel_.set_peer_tunnel_id(lns_id_);
  channel_.set_peer_receive_window(m.receive_window_size.value_or(4));
  if (!our_challenge_.empty()) {
    const bool ok = m.challenge_response.has_value() &&
                    l2tp::verify_challenge_response(MessageType::kSccrp, config_.secret, our_challenge_,
                                                    *m.challenge_response);
    if (!ok) {
      const ResultCode result{static_cast<uint16_t>(l2tp::StopCcnResult::kNotAuthorized), 0,
                              "bad Challenge Response"};
      state_ = LacTunnelState::kEstablished;  // so stop() sends
      stop(result);
      close_tunnel(ClearReason{"lns-auth-failed", result}, true);
      return;
    }
  }
  ControlMessage reply;
  reply.type = MessageType::kScccn;
  if (m.challenge.has_value()) {
    // Without a secret we cannot answer; the LNS will refuse us and say so.
    if (!config_.secret.empty())
      reply.challenge_response = l2tp::compute_challenge_response(MessageType::kScccn, config_.secret, *m.challenge);
  }
  send(std::move(reply));
  state_ = LacTunnelState::kEstablished;
  listener_.on_tunnel_up(config_.tunnel_id);
}

void LacTunnel::handle_call_message(const ControlMessage& m) {
  // ICRP and the LNS's CDN both name our session in the header, refusals
  // included.
  const uint16_t session_id = m.header.session_id;
  auto it = calls_.find(session_id);
  if (it == calls_.end()) return;
  Call& call = it->second;
  if (m.type == MessageType::kIcrp) {
    if (call.state != CallState::kWaitReply) return;
    call.lns_id = m.assigned_session_id.value_or(0);
    call.state = CallState::kConnected;
    ControlMessage iccn;
    iccn.type = MessageType::kIccn;
    iccn.header.session_id = call.lns_id;
    iccn.tx_connect_speed = 100'000'000;
    iccn.framing_type = l2tp::kFramingSync;
    send(std::move(iccn));
    listener_.on_call_connected(config_.tunnel_id, session_id);
    return;
  }
  // CDN
  if (call.state == CallState::kCleared) return;
  call.state = CallState::kCleared;
  listener_.on_call_cleared(config_.tunnel_id, session_id, ClearReason{"cdn", m.result_code});
}

uint16_t LacTunnel::lns_session_id(uint16_t session_id) const {
  auto it = calls_.find(session_id);
  return it == calls_.end() ? 0 : it->second.lns_id;
}

bool LacTunnel::call_open(uint16_t session_id) const {
  auto it = calls_.find(session_id);
  return it != calls_.end() && it->second.state != CallState::kCleared;
}

}  // namespace lns::emu
