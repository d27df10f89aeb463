#include "controlplane/l2tp/message.h"

#include <array>

#include "absl/strings/cord.h"
#include "absl/strings/str_format.h"
#include "controlplane/l2tp/message_fields.h"

namespace lns::l2tp {
namespace {

constexpr std::string_view kFailurePayloadUrl = "type.lns/l2tp.DecodeFailure";

constexpr AvpType kSccrqRequired[] = {AvpType::kProtocolVersion, AvpType::kHostName, AvpType::kFramingCapabilities,
                                      AvpType::kAssignedTunnelId};
constexpr AvpType kStopCcnRequired[] = {AvpType::kAssignedTunnelId, AvpType::kResultCode};
constexpr AvpType kOcrqRequired[] = {AvpType::kAssignedSessionId, AvpType::kCallSerialNumber, AvpType::kMinimumBps,
                                     AvpType::kMaximumBps,        AvpType::kBearerType,       AvpType::kFramingType,
                                     AvpType::kCalledNumber};
constexpr AvpType kSessionIdRequired[] = {AvpType::kAssignedSessionId};
constexpr AvpType kConnectedRequired[] = {AvpType::kTxConnectSpeed, AvpType::kFramingType};
constexpr AvpType kIcrqRequired[] = {AvpType::kAssignedSessionId, AvpType::kCallSerialNumber};
constexpr AvpType kCdnRequired[] = {AvpType::kResultCode, AvpType::kAssignedSessionId};
constexpr AvpType kWenRequired[] = {AvpType::kCallErrors};
constexpr AvpType kSliRequired[] = {AvpType::kAccm};

}  // namespace

bool is_known_message_type(uint16_t value) {
  switch (static_cast<MessageType>(value)) {
    case MessageType::kSccrq:
    case MessageType::kSccrp:
    case MessageType::kScccn:
    case MessageType::kStopCcn:
    case MessageType::kHello:
    case MessageType::kOcrq:
    case MessageType::kOcrp:
    case MessageType::kOccn:
    case MessageType::kIcrq:
    case MessageType::kIcrp:
    case MessageType::kIccn:
    case MessageType::kCdn:
    case MessageType::kWen:
    case MessageType::kSli:
      return true;
    case MessageType::kZlb:
      return false;
  }
  return false;
}

std::string_view message_type_name(MessageType type) {
  switch (type) {
    case MessageType::kZlb: return "ZLB";
    case MessageType::kSccrq: return "SCCRQ";
    case MessageType::kSccrp: return "SCCRP";
    case MessageType::kScccn: return "SCCCN";
    case MessageType::kStopCcn: return "StopCCN";
    case MessageType::kHello: return "HELLO";
    case MessageType::kOcrq: return "OCRQ";
    case MessageType::kOcrp: return "OCRP";
    case MessageType::kOccn: return "OCCN";
    case MessageType::kIcrq: return "ICRQ";
    case MessageType::kIcrp: return "ICRP";
    case MessageType::kIccn: return "ICCN";
    case MessageType::kCdn: return "CDN";
    case MessageType::kWen: return "WEN";
    case MessageType::kSli: return "SLI";
  }
  return "unknown";
}

bool is_session_message(MessageType type) {
  switch (type) {
    case MessageType::kOcrq:
    case MessageType::kOcrp:
    case MessageType::kOccn:
    case MessageType::kIcrq:
    case MessageType::kIcrp:
    case MessageType::kIccn:
    case MessageType::kCdn:
    case MessageType::kWen:
    case MessageType::kSli:
      return true;
    default:
      return false;
  }
}

absl::Span<const AvpType> required_avps(MessageType type) {
  switch (type) {
    case MessageType::kSccrq:
    case MessageType::kSccrp:
      return kSccrqRequired;
    case MessageType::kStopCcn:
      return kStopCcnRequired;
    case MessageType::kOcrq:
      return kOcrqRequired;
    case MessageType::kOcrp:
    case MessageType::kIcrp:
      return kSessionIdRequired;
    case MessageType::kOccn:
    case MessageType::kIccn:
      return kConnectedRequired;
    case MessageType::kIcrq:
      return kIcrqRequired;
    case MessageType::kCdn:
      return kCdnRequired;
    case MessageType::kWen:
      return kWenRequired;
    case MessageType::kSli:
      return kSliRequired;
    default:
      return {};
  }
}

// ---- BBF vendor AVPs ----------------------------------------------------

const RawAvp* ControlMessage::find_vendor_avp(uint16_t vendor_id, uint16_t type) const {
  for (const RawAvp& avp : other_avps)
    if (avp.vendor_id == vendor_id && avp.type == type) return &avp;
  return nullptr;
}

namespace {
void set_vendor_text(std::vector<RawAvp>& avps, uint16_t vendor_id, uint16_t type, std::string_view value) {
  for (RawAvp& avp : avps) {
    if (avp.vendor_id == vendor_id && avp.type == type) {
      avp.value.assign(value.begin(), value.end());
      return;
    }
  }
  avps.push_back(RawAvp{vendor_id, type, /*mandatory=*/false, /*hidden=*/false, Bytes(value.begin(), value.end())});
}
}  // namespace

std::optional<std::string_view> ControlMessage::agent_circuit_id() const {
  const RawAvp* avp = find_vendor_avp(kBroadbandForumVendorId, kBbfAgentCircuitId);
  if (avp == nullptr) return std::nullopt;
  return as_string_view(avp->value);
}

std::optional<std::string_view> ControlMessage::agent_remote_id() const {
  const RawAvp* avp = find_vendor_avp(kBroadbandForumVendorId, kBbfAgentRemoteId);
  if (avp == nullptr) return std::nullopt;
  return as_string_view(avp->value);
}

void ControlMessage::set_agent_circuit_id(std::string_view id) {
  set_vendor_text(other_avps, kBroadbandForumVendorId, kBbfAgentCircuitId, id);
}

void ControlMessage::set_agent_remote_id(std::string_view id) {
  set_vendor_text(other_avps, kBroadbandForumVendorId, kBbfAgentRemoteId, id);
}

// ---- Failures -----------------------------------------------------------

std::string_view decode_error_name(DecodeError error) {
  switch (error) {
    case DecodeError::kTruncatedHeader: return "truncated header";
    case DecodeError::kUnsupportedVersion: return "unsupported version";
    case DecodeError::kL2tpv3: return "L2TPv3 message";
    case DecodeError::kNotControlMessage: return "not a control message";
    case DecodeError::kLengthBitMissing: return "L bit missing";
    case DecodeError::kSequenceBitMissing: return "S bit missing";
    case DecodeError::kOffsetBitSet: return "O bit set";
    case DecodeError::kPriorityBitSet: return "P bit set";
    case DecodeError::kLengthTooShort: return "Length shorter than header";
    case DecodeError::kLengthExceedsBuffer: return "Length exceeds datagram";
    case DecodeError::kTrailingOctets: return "octets after Length";
    case DecodeError::kAvpTooShort: return "AVP length below 6";
    case DecodeError::kAvpOverrunsMessage: return "AVP overruns message";
    case DecodeError::kMessageTypeNotFirst: return "Message Type not first";
    case DecodeError::kUnknownMessageType: return "unknown mandatory message type";
    case DecodeError::kIgnorableUnknownMessageType: return "unknown optional message type";
    case DecodeError::kBadAvpLength: return "bad AVP value length";
    case DecodeError::kUnknownMandatoryAvp: return "unknown mandatory AVP";
    case DecodeError::kHiddenAvpWithoutSecret: return "hidden AVP without secret";
    case DecodeError::kHiddenAvpWithoutRandomVector: return "hidden AVP without Random Vector";
    case DecodeError::kHiddenAvpBadLength: return "hidden AVP bad original length";
    case DecodeError::kAvpMustNotBeHidden: return "AVP must not be hidden";
    case DecodeError::kDuplicateAvp: return "duplicate AVP";
    case DecodeError::kMissingRequiredAvp: return "missing required AVP";
  }
  return "unknown decode error";
}

namespace internal {

// Fixed 16-octet encoding; the payload never leaves the process.
absl::Status make_decode_failure(const DecodeFailure& f, std::string_view detail) {
  std::array<char, 16> p{};
  p[0] = static_cast<char>(f.error);
  p[1] = static_cast<char>((f.header ? 1 : 0) | (f.message_type ? 2 : 0) | (f.session_scope ? 4 : 0));
  const ControlHeader h = f.header.value_or(ControlHeader{});
  const uint16_t words[] = {h.tunnel_id, h.session_id, h.ns, h.nr, f.message_type.value_or(0), f.avp_vendor_id,
                            f.avp_type};
  for (size_t i = 0; i < 7; ++i) {
    p[2 + 2 * i] = static_cast<char>(words[i] >> 8);
    p[3 + 2 * i] = static_cast<char>(words[i]);
  }
  absl::Status status = absl::InvalidArgumentError(
      absl::StrFormat("L2TP control message rejected (%s): %s", decode_error_name(f.error), detail));
  status.SetPayload(absl::string_view(kFailurePayloadUrl.data(), kFailurePayloadUrl.size()),
                    absl::Cord(absl::string_view(p.data(), p.size())));
  return status;
}

}  // namespace internal

std::optional<DecodeFailure> decode_failure(const absl::Status& status) {
  if (status.ok()) return std::nullopt;
  absl::optional<absl::Cord> payload = status.GetPayload(absl::string_view(kFailurePayloadUrl.data(), kFailurePayloadUrl.size()));
  if (!payload.has_value() || payload->size() != 16) return std::nullopt;
  const std::string bytes(*payload);
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  uint16_t words[7];
  for (size_t i = 0; i < 7; ++i) words[i] = load_be16(p + 2 + 2 * i);
  DecodeFailure f;
  f.error = static_cast<DecodeError>(p[0]);
  if (p[1] & 1) f.header = ControlHeader{words[0], words[1], words[2], words[3]};
  if (p[1] & 2) f.message_type = words[4];
  f.session_scope = (p[1] & 4) != 0;
  f.avp_vendor_id = words[5];
  f.avp_type = words[6];
  return f;
}

FailureResponse rfc_response(const DecodeFailure& f) {
  auto clear = [&](GeneralError error) {
    const uint16_t result = f.session_scope ? static_cast<uint16_t>(CdnResult::kGeneralError)
                                            : static_cast<uint16_t>(StopCcnResult::kGeneralError);
    return FailureResponse{f.session_scope ? FailureAction::kClearSession : FailureAction::kClearTunnel,
                           ResultCode{result, static_cast<uint16_t>(error), ""}};
  };
  switch (f.error) {
    case DecodeError::kUnknownMandatoryAvp:
      // RFC 2661 4.1: a session message ends the session, a tunnel message
      // the whole tunnel; error code 8 names the reason.
      return clear(GeneralError::kUnknownMandatoryAvp);
    case DecodeError::kUnknownMessageType:
      // 4.4.1: the Message Type AVP's M bit says "clear the tunnel if you do
      // not know this message"; the cause is an unknown mandatory AVP value.
      return FailureResponse{FailureAction::kClearTunnel,
                             ResultCode{static_cast<uint16_t>(StopCcnResult::kGeneralError),
                                        static_cast<uint16_t>(GeneralError::kUnknownMandatoryAvp), ""}};
    case DecodeError::kBadAvpLength:
    case DecodeError::kHiddenAvpBadLength:
      return clear(GeneralError::kBadLength);
    case DecodeError::kHiddenAvpWithoutSecret:
    case DecodeError::kHiddenAvpWithoutRandomVector:
    case DecodeError::kAvpMustNotBeHidden:
    case DecodeError::kDuplicateAvp:
    case DecodeError::kMissingRequiredAvp:
      return clear(GeneralError::kBadValue);
    default:
      // Header-level damage, broken AVP framing, L2TPv3/L2F, and unknown
      // optional message types: nothing in the message can be trusted (or
      // RFC 2661/3931 says to ignore it), so it is dropped.
      return FailureResponse{};
  }
}

absl::Status check_required_avps(const ControlMessage& m) {
  for (AvpType t : required_avps(m.type)) {
    if (!internal::has_field(m, t)) {
      DecodeFailure f;
      f.error = DecodeError::kMissingRequiredAvp;
      f.header = m.header;
      f.message_type = static_cast<uint16_t>(m.type);
      f.avp_type = static_cast<uint16_t>(t);
      f.session_scope = is_session_message(m.type);
      return internal::make_decode_failure(
          f, absl::StrFormat("%s lacks %s", message_type_name(m.type), avp_type_name(0, static_cast<uint16_t>(t))));
    }
  }
  return absl::OkStatus();
}

}  // namespace lns::l2tp
