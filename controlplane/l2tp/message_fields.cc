#include "controlplane/l2tp/message_fields.h"

#include <algorithm>

namespace lns::l2tp::internal {
namespace {

Bytes be16(uint16_t v) {
  Bytes b;
  append_be16(b, v);
  return b;
}
Bytes be32(uint32_t v) {
  Bytes b;
  append_be32(b, v);
  return b;
}
Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }
std::string to_string(absl::Span<const uint8_t> v) { return std::string(as_string_view(v)); }
Bytes to_bytes(absl::Span<const uint8_t> v) { return Bytes(v.begin(), v.end()); }

template <typename T, typename F>
std::optional<Bytes> map_opt(const std::optional<T>& field, F&& encode) {
  if (!field.has_value()) return std::nullopt;
  return encode(*field);
}

}  // namespace

bool has_field(const ControlMessage& m, AvpType type) {
  if (type == AvpType::kSequencingRequired) return m.sequencing_required;
  return field_value(m, type).has_value();
}

std::optional<Bytes> field_value(const ControlMessage& m, AvpType type) {
  switch (type) {
    case AvpType::kMessageType:
      return std::nullopt;
    case AvpType::kResultCode:
      return map_opt(m.result_code, encode_result_code);
    case AvpType::kProtocolVersion:
      return map_opt(m.protocol_version, [](const ProtocolVersion& v) { return Bytes{v.version, v.revision}; });
    case AvpType::kFramingCapabilities:
      return map_opt(m.framing_capabilities, be32);
    case AvpType::kBearerCapabilities:
      return map_opt(m.bearer_capabilities, be32);
    case AvpType::kTieBreaker:
      return map_opt(m.tie_breaker, [](uint64_t v) {
        Bytes b;
        append_be64(b, v);
        return b;
      });
    case AvpType::kFirmwareRevision:
      return map_opt(m.firmware_revision, be16);
    case AvpType::kHostName:
      return map_opt(m.host_name, text);
    case AvpType::kVendorName:
      return map_opt(m.vendor_name, text);
    case AvpType::kAssignedTunnelId:
      return map_opt(m.assigned_tunnel_id, be16);
    case AvpType::kReceiveWindowSize:
      return map_opt(m.receive_window_size, be16);
    case AvpType::kChallenge:
      return m.challenge;
    case AvpType::kQ931CauseCode:
      return map_opt(m.q931_cause, encode_q931_cause);
    case AvpType::kChallengeResponse:
      return map_opt(m.challenge_response, [](const std::array<uint8_t, 16>& r) { return Bytes(r.begin(), r.end()); });
    case AvpType::kAssignedSessionId:
      return map_opt(m.assigned_session_id, be16);
    case AvpType::kCallSerialNumber:
      return map_opt(m.call_serial_number, be32);
    case AvpType::kMinimumBps:
      return map_opt(m.minimum_bps, be32);
    case AvpType::kMaximumBps:
      return map_opt(m.maximum_bps, be32);
    case AvpType::kBearerType:
      return map_opt(m.bearer_type, be32);
    case AvpType::kFramingType:
      return map_opt(m.framing_type, be32);
    case AvpType::kCalledNumber:
      return map_opt(m.called_number, text);
    case AvpType::kCallingNumber:
      return map_opt(m.calling_number, text);
    case AvpType::kSubAddress:
      return map_opt(m.sub_address, text);
    case AvpType::kTxConnectSpeed:
      return map_opt(m.tx_connect_speed, be32);
    case AvpType::kPhysicalChannelId:
      return map_opt(m.physical_channel_id, be32);
    case AvpType::kInitialReceivedLcpConfreq:
      return m.initial_received_lcp_confreq;
    case AvpType::kLastSentLcpConfreq:
      return m.last_sent_lcp_confreq;
    case AvpType::kLastReceivedLcpConfreq:
      return m.last_received_lcp_confreq;
    case AvpType::kProxyAuthenType:
      return map_opt(m.proxy_authen_type, be16);
    case AvpType::kProxyAuthenName:
      return map_opt(m.proxy_authen_name, text);
    case AvpType::kProxyAuthenChallenge:
      return m.proxy_authen_challenge;
    case AvpType::kProxyAuthenId:
      // First octet reserved, second carries the CHAP/PAP identifier.
      return map_opt(m.proxy_authen_id, [](uint8_t id) { return Bytes{0, id}; });
    case AvpType::kProxyAuthenResponse:
      return m.proxy_authen_response;
    case AvpType::kCallErrors:
      return map_opt(m.call_errors, encode_call_errors);
    case AvpType::kAccm:
      return map_opt(m.accm, encode_accm);
    case AvpType::kRandomVector:
      return m.random_vector;
    case AvpType::kPrivateGroupId:
      return map_opt(m.private_group_id, text);
    case AvpType::kRxConnectSpeed:
      return map_opt(m.rx_connect_speed, be32);
    case AvpType::kSequencingRequired:
      return m.sequencing_required ? std::optional<Bytes>(Bytes{}) : std::nullopt;
  }
  return std::nullopt;
}

void set_field(ControlMessage& m, AvpType type, absl::Span<const uint8_t> v) {
  switch (type) {
    case AvpType::kMessageType:
      break;
    case AvpType::kResultCode:
      m.result_code = parse_result_code(v);
      break;
    case AvpType::kProtocolVersion:
      m.protocol_version = ProtocolVersion{v[0], v[1]};
      break;
    case AvpType::kFramingCapabilities:
      m.framing_capabilities = load_be32(v.data());
      break;
    case AvpType::kBearerCapabilities:
      m.bearer_capabilities = load_be32(v.data());
      break;
    case AvpType::kTieBreaker:
      m.tie_breaker = (uint64_t{load_be32(v.data())} << 32) | load_be32(v.data() + 4);
      break;
    case AvpType::kFirmwareRevision:
      m.firmware_revision = load_be16(v.data());
      break;
    case AvpType::kHostName:
      m.host_name = to_string(v);
      break;
    case AvpType::kVendorName:
      m.vendor_name = to_string(v);
      break;
    case AvpType::kAssignedTunnelId:
      m.assigned_tunnel_id = load_be16(v.data());
      break;
    case AvpType::kReceiveWindowSize:
      m.receive_window_size = load_be16(v.data());
      break;
    case AvpType::kChallenge:
      m.challenge = to_bytes(v);
      break;
    case AvpType::kQ931CauseCode:
      m.q931_cause = parse_q931_cause(v);
      break;
    case AvpType::kChallengeResponse: {
      std::array<uint8_t, 16> r;
      std::copy(v.begin(), v.end(), r.begin());
      m.challenge_response = r;
      break;
    }
    case AvpType::kAssignedSessionId:
      m.assigned_session_id = load_be16(v.data());
      break;
    case AvpType::kCallSerialNumber:
      m.call_serial_number = load_be32(v.data());
      break;
    case AvpType::kMinimumBps:
      m.minimum_bps = load_be32(v.data());
      break;
    case AvpType::kMaximumBps:
      m.maximum_bps = load_be32(v.data());
      break;
    case AvpType::kBearerType:
      m.bearer_type = load_be32(v.data());
      break;
    case AvpType::kFramingType:
      m.framing_type = load_be32(v.data());
      break;
    case AvpType::kCalledNumber:
      m.called_number = to_string(v);
      break;
    case AvpType::kCallingNumber:
      m.calling_number = to_string(v);
      break;
    case AvpType::kSubAddress:
      m.sub_address = to_string(v);
      break;
    case AvpType::kTxConnectSpeed:
      m.tx_connect_speed = load_be32(v.data());
      break;
    case AvpType::kPhysicalChannelId:
      m.physical_channel_id = load_be32(v.data());
      break;
    case AvpType::kInitialReceivedLcpConfreq:
      m.initial_received_lcp_confreq = to_bytes(v);
      break;
    case AvpType::kLastSentLcpConfreq:
      m.last_sent_lcp_confreq = to_bytes(v);
      break;
    case AvpType::kLastReceivedLcpConfreq:
      m.last_received_lcp_confreq = to_bytes(v);
      break;
    case AvpType::kProxyAuthenType:
      m.proxy_authen_type = load_be16(v.data());
      break;
    case AvpType::kProxyAuthenName:
      m.proxy_authen_name = to_string(v);
      break;
    case AvpType::kProxyAuthenChallenge:
      m.proxy_authen_challenge = to_bytes(v);
      break;
    case AvpType::kProxyAuthenId:
      m.proxy_authen_id = v[1];
      break;
    case AvpType::kProxyAuthenResponse:
      m.proxy_authen_response = to_bytes(v);
      break;
    case AvpType::kCallErrors:
      m.call_errors = parse_call_errors(v);
      break;
    case AvpType::kAccm:
      m.accm = parse_accm(v);
      break;
    case AvpType::kRandomVector:
      m.random_vector = to_bytes(v);
      break;
    case AvpType::kPrivateGroupId:
      m.private_group_id = to_string(v);
      break;
    case AvpType::kRxConnectSpeed:
      m.rx_connect_speed = load_be32(v.data());
      break;
    case AvpType::kSequencingRequired:
      m.sequencing_required = true;
      break;
  }
}

}  // namespace lns::l2tp::internal
